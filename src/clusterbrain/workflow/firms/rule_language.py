"""A small, safe eligibility-rule language (JSON), its validator and its vectorised evaluator.

A rule is a JSON object, never code: nothing is ever ``eval``-ed. Grammar::

    rule  := {"all": [rule, ...]} | {"any": [rule, ...]} | {"not": rule}
           | {"field": FIELD, "op": OP, "value": VALUE} | {"tag": TAG}
    OP    := "==" "!=" "<" "<=" ">" ">=" "in" "not_in" "between" "prefix"

``FIELD`` is a key of :data:`clusterbrain.workflow.firms.fields.FIELDS` (raw firm columns and
derived ratios such as ``rd_intensity``); ``between`` takes ``[low, high]`` (both included);
``in``/``not_in`` take a list; ``prefix`` takes a text or a list of texts (an industry code
starting with any of them). A condition on a missing value is not met. ``{"tag": T}`` holds when
``T`` is among the firm's ``;``-separated tags.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain.workflow.firms.fields import FIELDS, NUMERIC_FIELDS, UNITS_EN

__all__ = ["OPS", "Leaf", "RuleProblem", "evaluate_rule", "evaluate_rule3", "leaf_gap", "leaves", "rule_problems"]

OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not_in", "between", "prefix")
_ORDER_OPS = ("<", "<=", ">", ">=")
MAX_DEPTH = 8
MAX_ITEMS = 500


@dataclass(frozen=True)
class RuleProblem:
    """One error in a rule: where (``rules.all[2].op``), the bad value, and why."""

    path: str
    value: Any
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} (got {self.value!r})"


@dataclass(frozen=True)
class Leaf:
    """One condition of a (valid) rule, with its path."""

    path: str
    field: str | None
    op: str
    value: Any

    def describe(self, lang: str = "zh") -> str:
        """The condition as text, e.g. ``营业收入 >= 10000 万元`` or ``tag 高新技术企业``."""
        if self.field is None:
            return f"{'标签' if lang == 'zh' else 'tag'} {self.value}"
        f = FIELDS[self.field]
        label = f.name_zh if lang == "zh" else f.name_en
        shown = _show(self.value)
        unit_name = f.unit if lang == "zh" else UNITS_EN.get(f.unit, f.unit)
        unit = f" {unit_name}" if f.unit and f.numeric and f.unit not in ("比值", "是=1") else ""
        return f"{label} {self.op} {shown}{unit}"


def _show(value: Any) -> str:
    if isinstance(value, list):
        if len(value) > 6:
            return "[" + ", ".join(_show(v) for v in value[:6]) + f", … ({len(value)})]"
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def rule_problems(rule: Any, *, path: str = "rules", depth: int = 0) -> list[RuleProblem]:
    """Every problem of ``rule`` (empty when it is valid), each naming the path in the rule.

    >>> [str(p) for p in rule_problems({"all": [{"field": "revenue", "op": "=>", "value": 1}]})]
    ["rules.all[0].op: unknown operator; use one of ==, !=, <, <=, >, >=, in, not_in, between, prefix (got '=>')"]
    """
    if depth > MAX_DEPTH:
        return [RuleProblem(path, "…", f"rules nest deeper than {MAX_DEPTH} levels")]
    if not isinstance(rule, dict):
        return [RuleProblem(path, rule, "a rule must be a JSON object")]
    keys = set(rule)
    for group in ("all", "any"):
        if group in keys:
            if keys != {group}:
                return [RuleProblem(path, sorted(keys), f"'{group}' cannot be combined with other keys")]
            items = rule[group]
            if not isinstance(items, list) or not items:
                return [RuleProblem(f"{path}.{group}", items, "must be a non-empty list of rules")]
            if len(items) > MAX_ITEMS:
                return [RuleProblem(f"{path}.{group}", len(items), f"at most {MAX_ITEMS} rules per list")]
            return [
                p for i, r in enumerate(items) for p in rule_problems(r, path=f"{path}.{group}[{i}]", depth=depth + 1)
            ]
    if "not" in keys:
        if keys != {"not"}:
            return [RuleProblem(path, sorted(keys), "'not' cannot be combined with other keys")]
        return rule_problems(rule["not"], path=f"{path}.not", depth=depth + 1)
    if "tag" in keys:
        if keys != {"tag"}:
            return [RuleProblem(path, sorted(keys), "a tag condition has only the key 'tag'")]
        tag = rule["tag"]
        if not isinstance(tag, str) or not tag.strip() or ";" in tag:
            return [RuleProblem(f"{path}.tag", tag, "a tag must be a non-empty text without ';'")]
        return []
    if keys != {"field", "op", "value"}:
        missing = sorted({"field", "op", "value"} - keys)
        extra = sorted(keys - {"field", "op", "value"})
        what = f"missing {missing}" if missing else f"unknown key(s) {extra}"
        return [RuleProblem(path, sorted(keys), f"a condition needs exactly 'field', 'op', 'value' ({what}); "
                                                "or use 'all', 'any', 'not', 'tag'")]  # fmt: skip
    return _leaf_problems(rule, path)


def _leaf_problems(rule: dict[str, Any], path: str) -> list[RuleProblem]:
    field, op, value = rule["field"], rule["op"], rule["value"]
    if field not in FIELDS:
        near = [k for k in FIELDS if isinstance(field, str) and (field in k or k in field)]
        hint = f"; did you mean {', '.join(near[:3])}?" if near else "; see `clusterbrain firm policies --help`"
        return [RuleProblem(f"{path}.field", field, f"unknown field{hint}")]
    if op not in OPS:
        return [RuleProblem(f"{path}.op", op, f"unknown operator; use one of {', '.join(OPS)}")]
    numeric = field in NUMERIC_FIELDS
    vpath = f"{path}.value"
    if op in _ORDER_OPS:
        if not numeric:
            return [RuleProblem(f"{path}.op", op, f"'{field}' is text; order operators need a numeric field")]
        if not _number(value):
            return [RuleProblem(vpath, value, f"'{op}' needs a finite number")]
    elif op == "between":
        if not numeric:
            return [RuleProblem(f"{path}.op", op, f"'{field}' is text; 'between' needs a numeric field")]
        if not (isinstance(value, list) and len(value) == 2 and all(_number(v) for v in value)):
            return [RuleProblem(vpath, value, "'between' needs [low, high], two finite numbers")]
        if value[0] > value[1]:
            return [RuleProblem(vpath, value, "'between' needs low <= high")]
    elif op in ("in", "not_in"):
        if not isinstance(value, list) or not value or len(value) > 10_000:
            return [RuleProblem(vpath, value, f"'{op}' needs a non-empty list")]
        bad = [
            v for v in value if not (_number(v) if numeric else isinstance(v, str | int) and not isinstance(v, bool))
        ]
        if bad:
            kind = "numbers" if numeric else "texts"
            return [RuleProblem(vpath, bad[0], f"'{op}' on '{field}' needs a list of {kind}")]
    elif op == "prefix":
        items = value if isinstance(value, list) else [value]
        if numeric or not items or not all(isinstance(v, str) and v for v in items):
            return [RuleProblem(vpath, value, "'prefix' needs a text field and a non-empty text or list of texts")]
    elif numeric and not _number(value):
        return [RuleProblem(vpath, value, f"'{op}' on numeric '{field}' needs a finite number")]
    elif not numeric and (isinstance(value, bool) or not isinstance(value, str | int)):
        return [RuleProblem(vpath, value, f"'{op}' on text '{field}' needs a text")]
    return []


def leaves(rule: dict[str, Any], *, path: str = "rules") -> Iterator[Leaf]:
    """The conditions of a valid rule, depth first, with their paths."""
    for group in ("all", "any"):
        if group in rule:
            for i, r in enumerate(rule[group]):
                yield from leaves(r, path=f"{path}.{group}[{i}]")
            return
    if "not" in rule:
        yield from leaves(rule["not"], path=f"{path}.not")
    elif "tag" in rule:
        yield Leaf(path, None, "tag", rule["tag"])
    else:
        yield Leaf(path, rule["field"], rule["op"], rule["value"])


def _leaf_mask(leaf: Leaf, frame: pd.DataFrame) -> np.ndarray:
    if leaf.field is None:
        tags = ";" + frame["tags"].astype("string").fillna("") + ";"
        return tags.str.contains(f";{leaf.value};", regex=False).to_numpy(dtype=bool)
    column = frame[leaf.field]
    op, value = leaf.op, leaf.value
    if leaf.field in NUMERIC_FIELDS:
        x = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        known = ~np.isnan(x)
        with np.errstate(invalid="ignore"):
            if op in ("in", "not_in"):
                hit = np.isin(x, np.asarray(value, dtype=float))
                return known & (hit if op == "in" else ~hit)
            if op == "between":
                return known & (x >= value[0]) & (x <= value[1])
            ops = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater,
                   ">=": np.greater_equal}  # fmt: skip
            return known & ops[op](x, float(value))
    text = column.astype("string")
    known = text.notna().to_numpy()
    filled = text.fillna("")
    if op == "prefix":
        items = value if isinstance(value, list) else [value]
        hit = filled.str.startswith(tuple(items)).to_numpy(dtype=bool)
    elif op in ("in", "not_in"):
        hit = filled.isin([str(v) for v in value]).to_numpy()
        hit = hit if op == "in" else ~hit
    else:
        hit = (filled == str(value)).to_numpy()
        hit = hit if op == "==" else ~hit
    return known & hit


def evaluate_rule(rule: dict[str, Any], frame: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Evaluate a valid rule over every row of ``frame`` at once.

    Returns the boolean mask of rows meeting the rule and, per condition path, the mask of
    rows meeting that condition (for the reason of each match and miss).

    >>> f = pd.DataFrame({"revenue": [50.0, 200.0, None], "tags": ["a;b", None, "b"]})
    >>> ok, parts = evaluate_rule({"any": [{"field": "revenue", "op": ">=", "value": 100}, {"tag": "a"}]}, f)
    >>> ok.tolist(), parts["rules.any[1]"].tolist()
    ([True, True, False], [True, False, False])
    """
    parts: dict[str, np.ndarray] = {}
    mask = _evaluate(rule, frame, "rules", parts)
    return mask, parts


def _evaluate(rule: dict[str, Any], frame: pd.DataFrame, path: str, parts: dict[str, np.ndarray]) -> np.ndarray:
    for group, combine in (("all", np.logical_and), ("any", np.logical_or)):
        if group in rule:
            masks = [_evaluate(r, frame, f"{path}.{group}[{i}]", parts) for i, r in enumerate(rule[group])]
            return combine.reduce(np.vstack(masks), axis=0) if masks else np.ones(len(frame), dtype=bool)
    if "not" in rule:
        return ~_evaluate(rule["not"], frame, f"{path}.not", parts)
    leaf = next(leaves(rule, path=path))
    mask = _leaf_mask(leaf, frame)
    parts[path] = mask
    return mask


def _known(leaf: Leaf, frame: pd.DataFrame) -> np.ndarray:
    if leaf.field is None:
        return np.ones(len(frame), dtype=bool)
    column = frame[leaf.field]
    if leaf.field in NUMERIC_FIELDS:
        return pd.to_numeric(column, errors="coerce").notna().to_numpy()
    return column.astype("string").notna().to_numpy()


def evaluate_rule3(rule: dict[str, Any], frame: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Three-valued evaluation: 1 met, -1 missed, 0 unknown (a condition on a missing value).

    ``all`` takes the minimum and ``any`` the maximum of its parts, ``not`` the negation
    (Kleene's strong logic), so a missing value leaves the result open only where it matters.

    >>> f = pd.DataFrame({"revenue": [50.0, None], "debt_ratio": [None, 0.5]})
    >>> ok, _ = evaluate_rule3({"all": [{"field": "revenue", "op": ">=", "value": 100},
    ...                                 {"field": "debt_ratio", "op": "<=", "value": 0.7}]}, f)
    >>> ok.tolist()
    [-1, 0]
    """
    parts: dict[str, np.ndarray] = {}
    return _evaluate3(rule, frame, "rules", parts), parts


def _evaluate3(rule: dict[str, Any], frame: pd.DataFrame, path: str, parts: dict[str, np.ndarray]) -> np.ndarray:
    for group, combine in (("all", np.min), ("any", np.max)):
        if group in rule:
            stacked = np.vstack(
                [_evaluate3(r, frame, f"{path}.{group}[{i}]", parts) for i, r in enumerate(rule[group])]
            )
            return combine(stacked, axis=0)
    if "not" in rule:
        return -_evaluate3(rule["not"], frame, f"{path}.not", parts)
    leaf = next(leaves(rule, path=path))
    status = np.where(_known(leaf, frame), np.where(_leaf_mask(leaf, frame), 1, -1), 0).astype(np.int8)
    parts[path] = status
    return status


def leaf_gap(leaf: Leaf, frame: pd.DataFrame) -> np.ndarray:
    """How far each row is from meeting a numeric order or ``between`` condition (0 when met, NaN otherwise).

    >>> leaf_gap(Leaf("r", "revenue", ">=", 100), pd.DataFrame({"revenue": [80.0, 120.0]})).tolist()
    [20.0, 0.0]
    """
    if leaf.field is None or leaf.field not in NUMERIC_FIELDS or leaf.op not in (*_ORDER_OPS, "between"):
        return np.full(len(frame), np.nan)
    x = pd.to_numeric(frame[leaf.field], errors="coerce").to_numpy(dtype=float)
    if leaf.op in (">", ">="):
        return np.maximum(float(leaf.value) - x, 0.0)
    if leaf.op in ("<", "<="):
        return np.maximum(x - float(leaf.value), 0.0)
    return np.maximum(np.maximum(leaf.value[0] - x, x - leaf.value[1]), 0.0)
