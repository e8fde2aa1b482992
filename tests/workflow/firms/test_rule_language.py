"""The eligibility-rule language: every operator at and around its threshold, three-valued logic, validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterbrain.exceptions import InputValidationError
from clusterbrain.workflow.firms.policies import match_policies, parse_policies, validate_policy_rules
from clusterbrain.workflow.firms.rule_language import evaluate_rule, evaluate_rule3, rule_problems

FRAME = pd.DataFrame({
    "firm_id": ["a", "b", "c", "d"], "revenue": [99.999, 100.0, 100.001, np.nan],
    "industry_code": ["3841", "3985", "6512", None], "tags": ["规上;高新技术企业", None, "规上", "小巨人"],
    "region_id": ["R1", "R2", "R1", "R1"],
})  # fmt: skip


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        (">=", 100, [False, True, True, False]),
        (">", 100, [False, False, True, False]),
        ("<=", 100, [True, True, False, False]),
        ("<", 100, [True, False, False, False]),
        ("==", 100, [False, True, False, False]),
        ("!=", 100, [True, False, True, False]),
        ("between", [100, 100.001], [False, True, True, False]),
        ("in", [100, 99.999], [True, True, False, False]),
        ("not_in", [100], [True, False, True, False]),
    ],
)
def test_numeric_operators_at_and_around_the_threshold(op: str, value: object, expected: list[bool]) -> None:
    ok, parts = evaluate_rule({"all": [{"field": "revenue", "op": op, "value": value}]}, FRAME)
    assert ok.tolist() == expected
    assert parts["rules.all[0]"].tolist() == expected  # a missing value never meets a condition


def test_text_operators_tags_and_nesting() -> None:
    rule = {"any": [{"field": "industry_code", "op": "prefix", "value": ["38", "65"]}, {"tag": "小巨人"}]}
    assert evaluate_rule(rule, FRAME)[0].tolist() == [True, False, True, True]
    assert evaluate_rule({"not": {"tag": "规上"}}, FRAME)[0].tolist() == [False, True, False, True]
    assert evaluate_rule({"field": "industry_code", "op": "in", "value": ["3985"]}, FRAME)[0].tolist() == [
        False, True, False, False]  # fmt: skip
    # A tag is a whole ';'-separated item: 规上 does not match 规上企业, 高新 does not match 高新技术企业.
    assert evaluate_rule({"tag": "高新"}, FRAME)[0].tolist() == [False] * 4


def test_three_valued_logic_leaves_missing_values_open() -> None:
    rule = {"all": [{"field": "revenue", "op": ">=", "value": 100}, {"tag": "小巨人"}]}
    assert evaluate_rule3(rule, FRAME)[0].tolist() == [-1, -1, -1, 0]
    assert evaluate_rule3({"any": [{"field": "revenue", "op": ">=", "value": 100}, {"tag": "小巨人"}]}, FRAME)[
        0].tolist() == [-1, 1, 1, 1]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "path", "message"),
    [
        ({"all": [{"field": "revenue", "op": "=>", "value": 1}]}, "rules.all[0].op", "unknown operator"),
        ({"all": [{"field": "revnue", "op": ">=", "value": 1}]}, "rules.all[0].field", "unknown field"),
        ({"any": []}, "rules.any", "non-empty list"),
        ({"all": [{"field": "revenue", "op": ">=", "value": "1e3"}]}, "rules.all[0].value", "finite number"),
        ({"all": [{"field": "revenue", "op": "between", "value": [5, 1]}]}, "rules.all[0].value", "low <= high"),
        ({"all": [{"field": "industry_code", "op": ">", "value": 3}]}, "rules.all[0].op", "is text"),
        ({"all": [{"tag": ""}]}, "rules.all[0].tag", "non-empty"),
        ({"all": [{"field": "revenue", "op": ">=", "value": 1, "x": 2}]}, "rules.all[0]", "unknown key"),
        ({"not": {"all": [{"field": "revenue", "op": "in", "value": "abc"}]}}, "rules.not.all[0].value", "list"),
        ("revenue > 5", "rules", "JSON object"),
    ],
)
def test_rule_problems_name_the_path_the_value_and_why(rule: object, path: str, message: str) -> None:
    problems = rule_problems(rule)
    assert problems and problems[0].path == path
    assert message in problems[0].message


def test_bad_policy_rules_are_refused_with_policy_row_path_and_value() -> None:
    bad = [
        {"policy_id": "OK", "rules": '{"all": [{"tag": "规上"}]}'},
        {"policy_id": "P2", "rules": '{"all": [{"field": "revenue", "op": "=>", "value": 1}]}'},
        {"policy_id": "P3", "rules": "{not json"},
        {"policy_id": "P4", "rules": '{"all": [{"tag": "x"}]}', "valid_from": "2024-13-01"},
    ]
    with pytest.raises(InputValidationError) as info:
        validate_policy_rules(bad, source="p.csv")
    text = str(info.value)
    assert "p.csv, row 3, column 'rules.all[0].op': value '\"=>\"': policy P2: unknown operator" in text
    assert "row 4, column 'rules'" in text and "policy P3: not valid JSON" in text
    assert "row 5, column 'valid_from'" in text
    assert "OK" not in text


def test_matching_respects_scope_validity_and_gives_reasons() -> None:
    import datetime as dt

    policies = parse_policies([
        {"policy_id": "P1", "name": "n1", "region_id": "R1", "valid_from": "2024-01-01", "valid_to": "2024-12-31",
         "rules": {"all": [{"field": "revenue", "op": ">=", "value": 100}]}},
        {"policy_id": "P2", "name": "n2", "rules": {"all": [{"tag": "规上"}]}, "valid_to": "2020-01-01"},
    ])  # fmt: skip
    m = match_policies(FRAME, policies, scopes={"P1": {"R1"}}, as_of=dt.date(2024, 6, 1))
    t = m.table.set_index(["policy_id", "firm_id"])
    assert t.loc["P1", "eligible"].tolist() == [False, False, True, False]  # b is outside R1
    assert "营业收入 >= 100 万元 [99.999]" in t.loc[("P1", "a"), "missed_zh"]
    assert "outside the policy's region R1" in t.loc[("P1", "b"), "missed_en"]
    assert not t.loc["P2", "eligible"].any() and "not in force" in t.loc[("P2", "a"), "missed_en"]
    assert m.eligible("c") == ["P1"]
    firm = m.for_firm("a")[0]
    assert firm["conditions"][0]["value"] == "99.999" and firm["conditions"][0]["met"] is False
