"""专精特新 screening on the 2026 edition (工信部企业〔2026〕2号) at and around every threshold, and edition choice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterbrain.exceptions import InputValidationError
from clusterbrain.workflow.firms.fields import derive_fields
from clusterbrain.workflow.firms.srdi import edition_in_force, load_srdi_rules, screen_srdi, srdi_editions

RULES = load_srdi_rules(as_of=dt.date(2026, 4, 1))

# A specialised SME that meets every 2026 condition exactly at its threshold.
SME = {"employees": 100.0, "revenue": 2000.0, "revenue_prev": 1800.0, "rd_expense": 100.0, "rd_expense_prev": 100.0,
       "tags": "科技和创新型中小企业", "niche_years": 3.0, "main_business_share": 0.8, "debt_ratio": 0.8,
       "ip_class1": 1.0, "market_leading": 1.0, "srdi_eval_score": 50.0, "founded": 2010}  # fmt: skip
# A little giant at every threshold: growth sqrt(5000 / 4535) - 1 = 5.002 %; R&D 600 + 600 = 1200, 12 % and 12.5 %.
GIANT = {"employees": 300.0, "revenue": 5000.0, "revenue_prev": 4800.0, "revenue_prev2": 4535.0, "rd_expense": 600.0,
         "rd_expense_prev": 600.0, "tags": "专精特新", "niche_years": 3.0, "main_business_share": 0.9,
         "debt_ratio": 0.75, "ip_class1": 4.0, "national_market_share": 0.10, "key_field": 1.0,
         "srdi_eval_score": 60.0, "founded": 2010}  # fmt: skip


def _variants(base: dict, changes: list[dict]) -> pd.DataFrame:
    rows = [{**base, **c} for c in changes]
    frame = pd.DataFrame(rows)
    frame.insert(0, "firm_id", [f"f{i}" for i in range(len(rows))])
    frame["scheme"], frame["industry_code"], frame["region_id"] = "gbt4754_2017", "3841", "R"
    return derive_fields(frame, year=2026)


def _screen(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    table = screen_srdi(frame, RULES).table
    return table[table["level"] == level].set_index("firm_id")


def test_specialised_sme_2026_thresholds_at_and_around() -> None:
    changes = [
        {},                                                       # f0 every condition exactly at its threshold
        {"revenue": 1499.99},                                     # f1 revenue short, equity undeclared
        {"revenue": 1499.99, "equity_financing_2y": 2000.0},      # f2 the equity alternative met exactly
        {"revenue": 1499.99, "equity_financing_2y": 1999.0},      # f3 both alternatives just short
        {"main_business_share": 0.7999},                          # f4
        {"debt_ratio": 0.8001},                                   # f5
        {"rd_expense_prev": 99.99},                               # f6 the earlier year under 100 万元
        {"revenue_prev": 3334.0},                                 # f7 earlier intensity 100 / 3334 = 2.9994 %
        {"srdi_eval_score": 49.9},                                # f8
        {"srdi_eval_score": np.nan},                              # f9 score not declared
        {"niche_years": 2.0},                                     # f10 a third short of 3 years
        {"ip_class1": 0.0, "rd_institution_level": 3.0},          # f11 waived: provincial R&D institution
        {"ip_class1": 0.0, "rd_institution_level": 2.0, "ministerial_award_top3": 0.0},  # f12 no IP, no waiver
        {"ip_class1": 0.0, "ministerial_award_top3": 1.0},        # f13 waived: ministerial award
        {"tags": "规上"},                                         # f14 title not tagged, not declared
        {"tags": "规上", "innovative_sme": 1.0},                  # f15 title declared
        {"employees": 1000.0, "revenue": 40000.0, "rd_expense": 1200.0, "revenue_prev": 38000.0,
         "rd_expense_prev": 1140.0},                              # f16 not an SME, right at both bounds
    ]  # fmt: skip
    t = _screen(_variants(SME, changes), "specialised_sme")
    assert t["status"].tolist() == [
        "eligible", "to_confirm", "eligible", "near_eligible", "near_eligible", "near_eligible", "near_eligible",
        "near_eligible", "near_eligible", "to_confirm", "not_eligible", "eligible", "not_eligible", "eligible",
        "to_confirm", "eligible", "near_eligible",
    ]  # fmt: skip
    assert t.loc["f1", "unknown"] == "revenue_or_equity"
    assert t.loc["f3", "max_relative_gap"] == pytest.approx(0.01 / 1500)  # the revenue branch is the closer one
    assert t.loc["f4", "missed"] == "main_business" and t.loc["f5", "missed"] == "debt_ratio"
    assert t.loc["f5", "max_relative_gap"] == pytest.approx(0.0001 / 0.8)
    assert t.loc["f6", "missed_detail"] == "[rd] 前一年度研发费用 >= 100 万元 [99.99] (差 short 0.01)"
    assert t.loc["f6", "missed_detail_en"] == "[rd] R&D expense of the year before >= 100 10k CNY [99.99] (差 short 0.01)"
    assert t.loc["f3", "missed_detail_en"] == "[revenue_or_equity] revenue >= 1500 10k CNY [1500] (差 short 0.01)"
    assert t.loc["f7", "missed"] == "rd" and t.loc["f7", "max_relative_gap"] == pytest.approx((0.03 - 100 / 3334) / 0.03)
    assert t.loc["f8", "missed"] == "eval_score" and t.loc["f9", "unknown"] == "eval_score"
    assert t.loc["f10", "max_relative_gap"] == pytest.approx(1 / 3)
    assert t.loc["f12", "missed"] == "ip_or_exemption" and t.loc["f14", "unknown"] == "innovative_sme"
    assert t.loc["f16", "c_sme"] == "missed"


def test_little_giant_2026_thresholds_at_and_around() -> None:
    changes = [
        {},                                                        # f0 every condition at its threshold
        {"revenue": 4999.99},                                      # f1
        {"main_business_share": 0.8999},                           # f2
        {"revenue_prev2": 4536.0},                                 # f3 growth sqrt(5000/4536) - 1 = 4.99 %
        {"debt_ratio": 0.7501},                                    # f4
        {"rd_expense_prev": 599.99},                               # f5 1,199.99 over two years
        {"revenue_prev": 20001.0},                                 # f6 earlier intensity 600 / 20001 < 3 %
        {"ip_class1": 3.0, "national_award_top3": 0.0},            # f7 a quarter short of 4: too far to be near
        {"ip_class1": 3.0, "national_award_top3": 1.0},            # f8 waived: national award
        {"national_market_share": 0.0999},                         # f9 share just short, rank undeclared
        {"national_market_share": 0.0999, "national_market_rank": 3.0},  # f10 top 3 nationally
        {"national_market_share": 0.0999, "national_market_rank": 4.0},  # f11 neither
        {"key_field": 0.0, "chain_key_node": 1.0},                 # f12 a key chain link instead
        {"key_field": 0.0},                                        # f13 chain link undeclared
        {"srdi_eval_score": 59.0},                                 # f14
        {"tags": "科技和创新型中小企业"},                           # f15 not (yet) a specialised SME
    ]  # fmt: skip
    frame = _variants(GIANT, changes)
    assert frame.loc[0, "revenue_growth_2y"] == pytest.approx(np.sqrt(5000 / 4535) - 1)
    t = _screen(frame, "little_giant")
    assert t["status"].tolist() == [
        "eligible", "near_eligible", "near_eligible", "near_eligible", "near_eligible", "near_eligible",
        "near_eligible", "not_eligible", "eligible", "to_confirm", "eligible", "near_eligible", "eligible",
        "to_confirm", "near_eligible", "not_eligible",
    ]  # fmt: skip
    assert t.loc["f3", "missed"] == "growth"
    assert t.loc["f3", "max_relative_gap"] == pytest.approx((0.05 - (np.sqrt(5000 / 4536) - 1)) / 0.05)
    assert t.loc["f5", "missed_detail"] == "[rd] 近2年研发费用总额 >= 1200 万元 [1200] (差 short 0.01)"
    assert t.loc["f7", "max_relative_gap"] == pytest.approx(0.25)
    assert t.loc["f11", "missed"] == "market_share" and t.loc["f13", "unknown"] == "key_field"
    assert t.loc["f15", "missed"] == "specialised_sme"


def test_2026_edition_has_no_points_table_and_the_demo_province_stays_with_2022() -> None:
    assert RULES.files == ("srdi_miit_2026.yaml",)
    assert all(not lv.points for lv in RULES.levels)
    frame = _variants(SME, [{}])
    assert screen_srdi(frame, RULES).points.empty
    old = load_srdi_rules(as_of=dt.date(2026, 3, 31))
    assert old.files == ("srdi_miit_2022.yaml", "srdi_points_demo_province.yaml")
    builtin = Path(__file__).parents[3] / "src/clusterbrain/workflow/firms/rules/srdi_points_demo_province.yaml"
    with pytest.raises(InputValidationError, match="extends another national rule set than srdi_miit_2026.yaml"):
        load_srdi_rules(as_of=dt.date(2026, 4, 1), provincial=builtin)


def test_the_edition_in_force_is_picked_by_date() -> None:
    editions = srdi_editions()
    assert [(e.id, e.start, e.until) for e in editions] == [
        ("srdi_miit_2022", dt.date(2022, 8, 1), dt.date(2026, 3, 31)),
        ("srdi_miit_2026", dt.date(2026, 4, 1), None),
    ]
    assert edition_in_force(dt.date(2022, 8, 1)).id == "srdi_miit_2022"
    assert edition_in_force(dt.date(2026, 3, 31)).id == "srdi_miit_2022"
    assert edition_in_force(dt.date(2026, 4, 1)).id == "srdi_miit_2026"
    with pytest.raises(InputValidationError, match="no built-in 专精特新 edition is in force"):
        edition_in_force(dt.date(2022, 7, 31))
    assert RULES.notice is None and RULES.to_dict()["in_force"] == {"from": dt.date(2026, 4, 1), "until": None}


def test_a_superseded_edition_says_so(tmp_path: Path) -> None:
    path = Path(__file__).parents[3] / "src/clusterbrain/workflow/firms/rules/srdi_miit_2022.yaml"
    rules = load_srdi_rules(path, as_of=dt.date(2026, 11, 1), provincial=False)
    assert rules.id == "srdi_miit_2022" and rules.notice is not None
    assert "2022-08-01 – 2026-03-31" in rules.notice[0] and "renewals" in rules.notice[1]
    bad = tmp_path / "bad.yaml"
    bad.write_text(path.read_text(encoding="utf-8").replace('until: "2026-03-31"', 'until: "2021-13-01"'),
                   encoding="utf-8")  # fmt: skip
    with pytest.raises(InputValidationError, match=r"bad.yaml, column 'in_force.until'.*must be a date"):
        load_srdi_rules(bad, provincial=False)


def test_2026_rule_set_names_its_source_and_verification() -> None:
    d = RULES.to_dict()
    assert d["edition"].startswith("工信部企业〔2026〕2号")
    assert d["sources"][0]["replaces"].startswith("工信部企业〔2022〕63号")
    assert d["verification"][0]["verified"] is False
    assert all(not c.verified for lv in RULES.levels for c in lv.criteria)
