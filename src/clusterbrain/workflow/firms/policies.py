"""Policy matching (政策匹配): each firm against each policy, with the reason for every match and miss.

A policy has a region scope (its region and every region below it), a validity period and a
rule in the language of :mod:`clusterbrain.workflow.firms.rule_language`. Rules are validated before
anything is matched: :func:`validate_policy_rules` names the policy, the path in the rule,
the bad value and why.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.exceptions import InputValidationError, Problem
from clusterbrain.workflow.evidence import plain
from clusterbrain.workflow.firms.fields import NUMERIC_FIELDS
from clusterbrain.workflow.firms.rule_language import Leaf, evaluate_rule, leaves, rule_problems

__all__ = [
    "Policy",
    "PolicyMatches",
    "match_policies",
    "parse_policies",
    "policy_import_check",
    "validate_policy_rules",
]


@dataclass(frozen=True)
class Policy:
    """One policy with a valid rule (see :func:`parse_policies`)."""

    policy_id: str
    name: str
    rule: dict[str, Any]
    issuer: str = ""
    region_id: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    benefit: str = ""

    def in_force(self, on: dt.date) -> bool:
        """Whether the policy is valid on ``on`` (open ends count as valid)."""
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data."""
        return {
            "policy_id": self.policy_id,
            "name": self.name,
            "issuer": self.issuer,
            "region_id": self.region_id,
            "valid_from": None if self.valid_from is None else self.valid_from.isoformat(),
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
            "benefit": self.benefit,
            "rules": self.rule,
        }


def _date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _records(policies: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if isinstance(policies, pd.DataFrame):
        return [{str(k): v for k, v in r.items()} for r in policies.to_dict("records")]
    return [dict(p) for p in policies]


def _policy_problems(record: Mapping[str, Any], source: str, row: int) -> tuple[list[Problem], Any]:
    pid = str(record.get("policy_id") or f"(row {row})")
    raw = record.get("rules")
    if raw is None or (isinstance(raw, float) and np.isnan(raw)) or raw == "":
        return [Problem(source, row, "rules", None, f"policy {pid}: has no eligibility rule")], None
    rule = raw
    if isinstance(raw, str):
        try:
            rule = json.loads(raw)
        except json.JSONDecodeError as exc:
            return [
                Problem(source, row, "rules", raw[:80], f"policy {pid}: not valid JSON ({exc.msg} at {exc.pos})")
            ], None
    problems = [
        Problem(source, row, p.path, json.dumps(p.value, ensure_ascii=False)[:80], f"policy {pid}: {p.message}")
        for p in rule_problems(rule)
    ]
    for key in ("valid_from", "valid_to"):
        try:
            _date(record.get(key))
        except ValueError:
            problems.append(Problem(source, row, key, str(record.get(key)), f"policy {pid}: not a date (YYYY-MM-DD)"))
    if not record.get("policy_id"):
        problems.append(Problem(source, row, "policy_id", None, "a policy needs a policy_id"))
    return problems, rule


def validate_policy_rules(policies: pd.DataFrame | Sequence[Mapping[str, Any]], *, source: str = "policies") -> None:
    """Check the eligibility rules (and dates) of every policy; raise listing every problem.

    ``policies`` has ``policy_id``, ``rules`` (JSON text or an already parsed object) and
    optionally ``valid_from``/``valid_to``. Rows are numbered as a spreadsheet shows them
    (the first policy is row 2).

    Raises
    ------
    InputValidationError
        With one problem per bad rule: the policy, the path in the rule (``rules.all[2].op``),
        the bad value and why.

    >>> validate_policy_rules([{"policy_id": "P1", "rules": '{"all": [{"field": "revenue", "op": ">=", "value": "x"}]}'}])
    Traceback (most recent call last):
    ...
    clusterbrain.exceptions.InputValidationError: input refused (1 problem(s)):
      - policies, row 2, column 'rules.all[0].value': value '"x"': policy P1: '>=' needs a finite number
    """
    problems = [p for i, r in enumerate(_records(policies)) for p in _policy_problems(r, source, i + 2)[0]]
    if problems:
        raise InputValidationError(problems)


def parse_policies(policies: pd.DataFrame | Sequence[Mapping[str, Any]], *, source: str = "policies") -> list[Policy]:
    """Validate (see :func:`validate_policy_rules`) and return the policies."""
    validate_policy_rules(policies, source=source)
    out = []
    for i, record in enumerate(_records(policies)):
        _, rule = _policy_problems(record, source, i + 2)
        region = record.get("region_id")
        out.append(
            Policy(
                policy_id=str(record["policy_id"]),
                name=str(record.get("name") or record["policy_id"]),
                rule=rule,
                issuer=str(record.get("issuer") or ""),
                region_id=None if region is None or pd.isna(region) or region == "" else str(region),
                valid_from=_date(record.get("valid_from")),
                valid_to=_date(record.get("valid_to")),
                benefit=str(record.get("benefit") or ""),
            )
        )
    return out


def _value_text(leaf: Leaf, frame: pd.DataFrame) -> pd.Series:
    if leaf.field is None:
        return frame["tags"].astype("string").fillna("—")
    col = frame[leaf.field]
    if leaf.field in NUMERIC_FIELDS:
        x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        text = np.char.mod("%.6g", np.round(x, 4)).astype(object)
        return pd.Series(np.where(np.isnan(x), "—", text), index=col.index)
    return col.astype("string").fillna("—")


@dataclass(frozen=True, eq=False)
class PolicyMatches:
    """Every firm against every policy.

    ``table`` has one row per firm and policy: ``firm_id, policy_id, policy_name, eligible,
    in_scope, in_force, met_zh, met_en, missed_zh, missed_en`` (conditions with the firm's
    value in brackets). :meth:`for_firm` gives one firm's results with every condition.
    """

    policies: tuple[Policy, ...]
    as_of: dt.date
    table: pd.DataFrame
    _firm_pos: dict[str, int] = field(repr=False)
    _values: dict[str, dict[str, np.ndarray]] = field(repr=False)
    _parts: dict[str, dict[str, np.ndarray]] = field(repr=False)
    _scope: dict[str, np.ndarray] = field(repr=False)

    def eligible(self, firm_id: str) -> list[str]:
        """The ids of the policies ``firm_id`` qualifies for."""
        i = self._firm_pos[firm_id]
        n = len(self._firm_pos)
        elig = self.table["eligible"].to_numpy()
        return [p.policy_id for k, p in enumerate(self.policies) if elig[k * n + i]]

    def for_firm(self, firm_id: str) -> list[dict[str, Any]]:
        """One firm against every policy: eligibility and each condition with the firm's value."""
        i = self._firm_pos[firm_id]
        out = []
        for p in self.policies:
            conditions = [
                {
                    "path": leaf.path,
                    "condition_zh": leaf.describe("zh"),
                    "condition_en": leaf.describe("en"),
                    "value": self._values[p.policy_id][leaf.path][i],
                    "met": bool(self._parts[p.policy_id][leaf.path][i]),
                }
                for leaf in leaves(p.rule)
            ]
            in_scope, in_force = bool(self._scope[p.policy_id][i]), p.in_force(self.as_of)
            rule_met = bool(evaluate_rule_cached(p.rule, self._parts[p.policy_id], i))
            out.append(
                {
                    "policy_id": p.policy_id,
                    "name": p.name,
                    "issuer": p.issuer,
                    "benefit": p.benefit,
                    "eligible": in_scope and in_force and rule_met,
                    "in_scope": in_scope,
                    "in_force": in_force,
                    "rule_met": rule_met,
                    "conditions": conditions,
                }
            )
        return out

    def summary(self) -> pd.DataFrame:
        """Per policy: firms in scope and eligible firms."""
        g = self.table.groupby("policy_id", sort=False)
        return pd.DataFrame(
            {
                "policy_id": [p.policy_id for p in self.policies],
                "name": [p.name for p in self.policies],
                "in_force": [p.in_force(self.as_of) for p in self.policies],
                "firms_in_scope": g["in_scope"].sum().to_numpy(),
                "eligible_firms": g["eligible"].sum().to_numpy(),
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data: the policies, the as-of date and the per-policy summary."""
        return {
            "as_of": self.as_of.isoformat(),
            "policies": [p.to_dict() for p in self.policies],
            "summary": [{k: plain(v) for k, v in r.items()} for r in self.summary().to_dict("records")],
        }


def evaluate_rule_cached(rule: dict[str, Any], parts: Mapping[str, np.ndarray], i: int, path: str = "rules") -> bool:
    """Whether row ``i`` meets ``rule``, from the condition results already computed (no re-evaluation)."""
    for group, combine in (("all", all), ("any", any)):
        if group in rule:
            return combine(evaluate_rule_cached(r, parts, i, f"{path}.{group}[{k}]") for k, r in enumerate(rule[group]))
    if "not" in rule:
        return not evaluate_rule_cached(rule["not"], parts, i, f"{path}.not")
    return bool(parts[path][i])


def match_policies(
    firms: pd.DataFrame,
    policies: Sequence[Policy],
    *,
    scopes: Mapping[str, Collection[str]] | None = None,
    as_of: dt.date | None = None,
) -> PolicyMatches:
    """Match every firm (rows of a frame with :func:`~clusterbrain.workflow.firms.fields.derive_fields`) to every policy.

    A firm is eligible when it is in the policy's region scope (``scopes[policy_id]``: the
    policy's region and those below it; a policy without a scope applies everywhere), the
    policy is in force on ``as_of`` (default today), and the firm meets the rule. Every
    condition is evaluated once for all firms as a boolean column.
    """
    on = dt.date.today() if as_of is None else as_of
    n = len(firms)
    ids = firms["firm_id"].astype(str).to_numpy()
    region = firms["region_id"].astype("string").fillna("")
    blocks: list[pd.DataFrame] = []
    values: dict[str, dict[str, np.ndarray]] = {}
    parts_all: dict[str, dict[str, np.ndarray]] = {}
    scope_all: dict[str, np.ndarray] = {}
    for p in policies:
        ok, parts = evaluate_rule(p.rule, firms)
        scope = scopes.get(p.policy_id) if scopes is not None and p.region_id is not None else None
        in_scope = np.ones(n, dtype=bool) if scope is None else region.isin(list(scope)).to_numpy()
        in_force = p.in_force(on)
        met_zh = np.full(n, "", dtype=object)
        met_en = np.full(n, "", dtype=object)
        miss_zh = np.full(n, "", dtype=object)
        miss_en = np.full(n, "", dtype=object)
        values[p.policy_id] = {}
        for leaf in leaves(p.rule):
            shown = _value_text(leaf, firms).to_numpy(dtype=object)
            values[p.policy_id][leaf.path] = shown
            zh = leaf.describe("zh") + " [" + shown + "]; "
            en = leaf.describe("en") + " [" + shown + "]; "
            hit = parts[leaf.path]
            met_zh, met_en = np.where(hit, met_zh + zh, met_zh), np.where(hit, met_en + en, met_en)
            miss_zh, miss_en = np.where(hit, miss_zh, miss_zh + zh), np.where(hit, miss_en, miss_en + en)
        if not in_force:
            when = f"{p.valid_from or '…'} – {p.valid_to or '…'}"
            miss_zh, miss_en = miss_zh + f"政策不在有效期 {when}; ", miss_en + f"not in force on {on} ({when}); "
        outside_zh, outside_en = f"不在政策适用地区 {p.region_id}; ", f"outside the policy's region {p.region_id}; "
        miss_zh = np.where(in_scope, miss_zh, miss_zh + outside_zh)
        miss_en = np.where(in_scope, miss_en, miss_en + outside_en)
        blocks.append(
            pd.DataFrame(
                {
                    "firm_id": ids,
                    "policy_id": p.policy_id,
                    "policy_name": p.name,
                    "eligible": ok & in_scope & in_force,
                    "in_scope": in_scope,
                    "in_force": in_force,
                    "met_zh": met_zh,
                    "met_en": met_en,
                    "missed_zh": miss_zh,
                    "missed_en": miss_en,
                }
            )
        )
        parts_all[p.policy_id], scope_all[p.policy_id] = parts, in_scope
    table = pd.concat(blocks, ignore_index=True) if blocks else pd.DataFrame(columns=["firm_id", "policy_id"])
    for col in ("met_zh", "met_en", "missed_zh", "missed_en"):
        if col in table:
            table[col] = table[col].str.removesuffix("; ")
    return PolicyMatches(tuple(policies), on, table, {f: i for i, f in enumerate(ids)}, values, parts_all, scope_all)


def policy_import_check(rows: pd.DataFrame, file_name: str) -> list[Problem]:
    """The eligibility-rule problems of staged ``policies`` rows (for ``import policies``).

    ``rows`` carries ``_row``, the row number in the file as a spreadsheet shows it, which
    the problems cite.
    """
    return [
        p for record in _records(rows) for p in _policy_problems(record, file_name, int(record.get("_row") or 0))[0]
    ]
