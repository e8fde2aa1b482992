"""亩均 evaluation and 专精特新 screening on constructed firms at and around every threshold."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterbrain.exceptions import InputValidationError
from clusterbrain.workflow.firms.fields import derive_fields
from clusterbrain.workflow.firms.mujun import evaluate_mujun, load_mujun_rules
from clusterbrain.workflow.firms.srdi import load_srdi_rules, screen_srdi


def _firms(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"firm_id": [f"f{i}" for i in range(n)], "scheme": ["gbt4754_2017"] * n, "industry_code": ["3841"] * n,
            "founded": [2010] * n, "tags": ["规上"] * n, "region_id": ["R"] * n}  # fmt: skip
    base.update(columns)
    return derive_fields(pd.DataFrame(base), year=2024)


def test_mujun_score_is_weighted_capped_ratio_to_the_mean() -> None:
    rules = load_mujun_rules()
    # Two 规上 firms on 10 mu; firm 0 is 3x the mean tax per mu of … itself and firm 1: tax 30 and 10 -> mean 2 per mu.
    f = _firms(tax=[30.0, 10.0], land_mu=[10.0, 10.0], value_added=[100.0, 100.0], energy_tce=[10.0, 10.0],
               emissions=[5.0, 5.0], revenue=[1000.0, 1000.0], rd_expense=[30.0, 30.0], employees=[10.0, 10.0])  # fmt: skip
    ev = evaluate_mujun(f, rules)
    w = dict(zip(rules.groups[0].indicators, rules.groups[0].weights, strict=True))
    # tax per mu 3 and 1, mean 2 -> ratios 1.5 and 0.5; every other indicator equal -> ratio 1.
    expected0 = 100 * (w["tax_per_mu"] * 1.5 + (1 - w["tax_per_mu"]))
    expected1 = 100 * (w["tax_per_mu"] * 0.5 + (1 - w["tax_per_mu"]))
    np.testing.assert_allclose(ev.firms["score"], [expected0, expected1])
    assert ev.firms["class"].tolist() == ["A", "D"] or ev.firms["class"].iloc[0] < ev.firms["class"].iloc[1]


def test_mujun_cap_exemptions_and_protection(tmp_path: Path) -> None:
    rules = load_mujun_rules()
    n = 6
    f = _firms(tax=[3000.0, 10, 10, 10, 0, 10], land_mu=[3.0, 10, 10, 2.99, 10, 3.0], value_added=[10.0] * n,
               energy_tce=[1.0] * n, emissions=[1.0] * n, revenue=[100.0] * n, rd_expense=[1.0] * n,
               employees=[5.0] * n, electricity_kwh=[1e4] * n, tags=[None] * n, founded=[2010] * 4 + [2023, 2010])  # fmt: skip
    ev = evaluate_mujun(f, rules).firms.set_index("firm_id")
    assert ev.loc["f3", "exemption"] == "land_floor" and not ev.loc["f3", "evaluated"]  # 2.99 mu < 3: not evaluated
    assert ev.loc["f5", "evaluated"]  # exactly 3 mu is evaluated
    # No cap by default: firm 0's tax per mu (1000) over the mean of the five evaluated firms' values.
    w = dict(zip(rules.groups[1].indicators, rules.groups[1].weights, strict=True))
    assert rules.cap is None
    mean = (1000.0 + 1 + 1 + 0 + 10 / 3) / 4  # the firm without tax has no positive value and is not in the mean
    assert ev.loc["f0", "tax_per_mu_points"] == pytest.approx(100 * w["tax_per_mu"] * 1000.0 / mean)
    # With a cap of 2 it scores at most twice its weight.
    capped = tmp_path / "capped.yaml"
    builtin = Path(__file__).parents[3] / "src/clusterbrain/workflow/firms/rules/mujun_zhejiang_county.yaml"
    capped.write_text(builtin.read_text(encoding="utf-8").replace("cap: null", "cap: 2.0"), encoding="utf-8")
    ev2 = evaluate_mujun(f, load_mujun_rules(capped)).firms.set_index("firm_id")
    assert ev2.loc["f0", "tax_per_mu_points"] == pytest.approx(100 * w["tax_per_mu"] * 2.0)
    # f4 pays no tax (0 points) and is new (founded 2023, age 1 < 3): protected, so at worst B.
    assert ev.loc["f4", "exemption"] == "new_firm" and ev.loc["f4", "class"] == "B"


def test_mujun_reproduces_the_huangyan_formula() -> None:
    # 规上 score = tax per mu / b x 30 + value added per mu / b x 20 + VA per energy / b x 20
    #            + VA per emission / b x 10 + labour productivity / b x 10 + R&D share / b x 10 (b: the mean);
    # a firm without emission data gets the mean points of the others on that indicator.
    f = _firms(tax=[60.0, 20.0, 40.0], land_mu=[10.0, 10.0, 20.0], value_added=[300.0, 100.0, 200.0],
               energy_tce=[100.0, 50.0, 40.0], emissions=[1.0, 4.0, np.nan], employees=[10.0, 20.0, 10.0],
               revenue=[1000.0, 1000.0, 2000.0], rd_expense=[50.0, 10.0, 60.0])  # fmt: skip
    ev = evaluate_mujun(f, load_mujun_rules()).firms
    values = {"tax_per_mu": [6.0, 2.0, 2.0], "value_added_per_mu": [30.0, 10.0, 10.0],
              "value_added_per_energy": [3.0, 2.0, 5.0], "labour_productivity": [30.0, 5.0, 20.0],
              "rd_intensity": [0.05, 0.01, 0.03]}  # fmt: skip
    weights = {"tax_per_mu": 30, "value_added_per_mu": 20, "value_added_per_energy": 20, "labour_productivity": 10,
               "rd_intensity": 10}  # fmt: skip
    expected = np.zeros(3)
    for key, v in values.items():
        v = np.asarray(v)
        expected += v / v.mean() * weights[key]
    emission = np.array([300.0, 25.0])  # VA per emission of the two firms with data; mean 162.5
    emission_points = emission / emission.mean() * 10
    expected += np.append(emission_points, emission_points.mean())
    np.testing.assert_allclose(ev["score"], expected)
    np.testing.assert_allclose(ev["value_added_per_emission_points"], [*emission_points, 10.0])


def test_mujun_by_region_equals_each_region_on_its_own() -> None:
    rng = np.random.default_rng(3)
    n = 300
    f = _firms(tax=rng.lognormal(3, 1, n), land_mu=rng.uniform(5, 50, n), value_added=rng.lognormal(5, 1, n),
               energy_tce=rng.lognormal(2, 1, n), emissions=np.where(rng.random(n) < 0.2, np.nan, rng.lognormal(1, 1, n)),
               revenue=rng.lognormal(7, 1, n), rd_expense=rng.lognormal(3, 1, n),
               employees=rng.integers(10, 500, n).astype(float), electricity_kwh=rng.lognormal(10, 1, n),
               tags=rng.choice(["规上", "规下"], n), region_id=rng.choice(["A", "B", "C"], n))  # fmt: skip
    rules = load_mujun_rules()
    together = evaluate_mujun(f, rules, by="region_id", sensitivity=False).firms.set_index("firm_id")
    assert together["evaluated"].sum() > 250
    for region in ("A", "B", "C"):
        alone = evaluate_mujun(f[f["region_id"] == region], rules).firms.set_index("firm_id")
        part = together.loc[alone.index]
        np.testing.assert_allclose(part["score"], alone["score"])
        assert part["class"].tolist() == alone["class"].tolist()
        for col in ("rank_in_group", "firms_in_group"):
            assert part[col].fillna(-1).tolist() == alone[col].fillna(-1).tolist()


def test_mujun_sensitivity_reports_class_switchers() -> None:
    rng = np.random.default_rng(0)
    n = 200
    f = _firms(tax=rng.lognormal(3, 1, n), land_mu=rng.uniform(5, 50, n), value_added=rng.lognormal(5, 1, n),
               energy_tce=rng.lognormal(2, 1, n), emissions=rng.lognormal(1, 1, n), revenue=rng.lognormal(7, 1, n),
               rd_expense=rng.lognormal(3, 1, n), employees=rng.integers(10, 500, n).astype(float))  # fmt: skip
    ev = evaluate_mujun(f, load_mujun_rules())
    assert len(ev.sensitivity) == 2 * 6 + 2 * 2
    assert ev.sensitivity["firms_changing_class"].sum() > 0
    assert set(ev.switchers["firm_id"]) <= set(ev.firms["firm_id"])
    counts = ev.class_counts()["above_scale"]
    assert counts == {"A": 40, "B": 120, "C": 30, "D": 10}  # the default shares 20/60/15/5 %
    json.dumps(ev.to_dict(), default=str)


def test_mujun_rule_file_errors_name_the_path(tmp_path: Path) -> None:
    text = (Path(load_mujun_rules().source_file).name,)
    assert text
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "groups:\n  g:\n    select: {tag: 规上}\n    indicators:\n      - {key: tax_per_mu, weight: 0.6}\n"
        "      - {key: nonsense, weight: 0.3}\nclasses: {method: share, shares: {A: 0.5, B: 0.5, C: 0.1, D: 0}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputValidationError) as info:
        load_mujun_rules(bad)
    msg = str(info.value)
    assert "column 'groups.g.indicators[1].key'" in msg and "unknown indicator" in msg
    assert "the weights must sum to 1" in msg and "class shares must sum to 1" in msg
    bad.write_text("groups:\n  g:\n    select: {tag: 规上}\n    indicators:\n"
                   "      - {key: tax_per_mu, weight: 1.0, missing: guess}\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputValidationError, match=r"indicators\[0\].missing'.*must be one of zero, mean_points"):
        load_mujun_rules(bad)


SRDI = load_srdi_rules(as_of=dt.date(2025, 1, 1), provincial=False)  # the 2022 edition


def _status(frame: pd.DataFrame, level: str = "specialised_sme") -> list[str]:
    table = screen_srdi(frame, SRDI).table
    return table[table["level"] == level]["status"].tolist()


def test_specialised_sme_thresholds_at_and_around() -> None:
    # Fast track by mean R&D >= 1000 over 2 years keeps the points out of the way.
    base = {"employees": [100.0] * 5, "revenue_prev": [1000.0] * 5, "rd_expense_prev": [2000.0] * 5}
    # R&D expense at 100 and intensity at 3 %: revenue 3333.3 gives 3.0003 %; 100 / 3334 = 2.9994 % misses.
    f = _firms(revenue=[3333.0, 3334.0, 3333.0, 999.0, 3333.0], rd_expense=[100.0, 100.0, 99.99, 100.0, 100.0],
               founded=[2022, 2022, 2022, 2022, 2023], **base)  # fmt: skip
    f["rd_expense_2y_mean"] = 1500.0  # fast track met for all
    # f3: revenue 999 < 1000, but the equity alternative is undeclared -> to confirm, not failed.
    # f4: founded 2023, 1 year in the niche < 2, a gap of 50 % -> not eligible.
    assert _status(f) == ["eligible", "near_eligible", "near_eligible", "to_confirm", "not_eligible"]
    table = screen_srdi(f, SRDI).table
    assert table.loc[3, "unknown"] == "revenue_or_equity"
    assert table.loc[4, "missed"] == "niche_years"
    assert table.loc[1, "max_relative_gap"] == pytest.approx((0.03 - 100 / 3334) / 0.03)
    f["equity_financing_2y"] = [0.0, 0.0, 0.0, 2000.0, 0.0]  # declared: 2000 meets the alternative exactly
    assert _status(f)[3] == "eligible"
    f["equity_financing_2y"] = [0.0, 0.0, 0.0, 1999.0, 0.0]  # revenue short by 0.1 %, equity by 0.05 %
    assert _status(f)[3] == "near_eligible"


def test_sme_condition_and_little_giant_revenue_bands() -> None:
    # employees 1000 and revenue 40000: neither below its bound -> not an SME.
    f = _firms(employees=[999.0, 1000.0], revenue=[40000.0, 40000.0], rd_expense=[2000.0, 2000.0])
    table = screen_srdi(f, SRDI).table
    sme = table[table["level"] == "specialised_sme"]["c_sme"].tolist()
    assert sme == ["met", "missed"]
    declared = {"niche_years": 5.0, "main_business_share": 0.8, "debt_ratio": 0.5, "information_system": 1.0,
                "management_certified": 1.0, "national_market_share": 0.12, "own_brand": 1.0, "chain_key_node": 1.0,
                "key_field": 1.0, "rd_institution_level": 2.0, "ip_class1": 2.0,
                "national_award_top3": 0.0, "maker_china_top50": 0.0}  # fmt: skip
    # Revenue bands of the innovation criterion: >= 10000 needs 3 % in both years; 5000–10000 needs 6 %.
    rev = [10000.0, 10000.0, 9999.0, 9999.0]
    rd = [300.0, 299.0, 600.0, 590.0]
    g = _firms(revenue=rev, rd_expense=rd, revenue_prev=[9000.0, 9000.0, 9000.0, 9000.0],
               revenue_prev2=[8000.0] * 4, rd_expense_prev=[270.0, 270.0, 540.0, 540.0], employees=[200.0] * 4,
               tags=["专精特新"] * 4, **{k: [v] * 4 for k, v in declared.items()})  # fmt: skip
    lg = screen_srdi(g, SRDI).table
    lg = lg[lg["level"] == "little_giant"].set_index("firm_id")
    assert lg["c_innovation"].tolist() == ["met", "missed", "met", "missed"]
    assert lg["status"].tolist() == ["eligible", "near_eligible", "eligible", "near_eligible"]
    # The closest branch explains the miss: 1 万元 more revenue puts f3 in the top band, where 5.9 % suffices.
    assert lg.loc["f3", "missed_detail"] == "[innovation] 营业收入 >= 10000 万元 [9999] (差 short 1)"
    assert lg.loc["f1", "missed_detail"] == "[innovation] 研发投入强度 >= 0.03 [0.0299] (差 short 0.0001)"


def test_points_bounds_and_unknowns() -> None:
    f = _firms(revenue=[1000.0], rd_expense=[500.0], employees=[50.0], founded=[2014], patents=[3.0],
               invention_patents=[1.0], revenue_prev2=[800.0])  # fmt: skip
    pts = screen_srdi(f, SRDI).points.iloc[0]
    # Known: growth sqrt(1000/800)-1 = 11.8 % -> 10; niche years (age 10) -> 5; R&D 500 -> 10; invention patent -> 6
    # at least (could be 8 or 10 if declared own / high value).
    assert pts["growth_2y_points"] == 10 and pts["niche_years_points"] == 5 and pts["rd_input_points"] == 10
    assert np.isnan(pts["ip_points"])
    assert pts["points_low"] == 10 + 5 + 10 + 6
    assert pts["points_high"] == pts["points_low"] + 4 + 5 + 5 + 5 + 10 + 5 + 5 + 10 + 5  # ip 6->10 and 8 unknowns


def test_srdi_rule_set_names_its_source_and_verification() -> None:
    d = load_srdi_rules(as_of=dt.date(2025, 1, 1)).to_dict()
    assert d["edition"].startswith("工信部企业〔2022〕63号")
    assert d["verification"][0]["verified"] is False and d["verification"][1]["verified"] is False
    assert any("hedong.gov.cn" in str(v) for v in d["verification"][0].values())
