"""Why a firm meets, misses or cannot yet be judged on each criterion, and by how much (vectorised)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from clusterbrain.workflow.firms.rule_language import evaluate_rule3, leaf_gap, leaves

if TYPE_CHECKING:
    from clusterbrain.workflow.firms.srdi import SrdiLevel

__all__ = ["explain"]

_Parts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_LANGS = ("zh", "en")


def _texts(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Short text of ``values`` at ``rows`` (only the rows that need a reason are formatted)."""
    out = np.full(len(values), "", dtype=object)
    out[rows] = [f"{v:.4g}" for v in values[rows]]
    return out


def _blank(n: int) -> np.ndarray:
    """Empty reasons: one row per language (zh, en), one column per firm."""
    return np.full((len(_LANGS), n), "", dtype=object)


def _node(rule: dict[str, Any], frame: pd.DataFrame) -> _Parts:
    """(status, missed conditions, largest relative gap, missed text, unknown text) of each row.

    The texts have one row per language of :data:`_LANGS` and one column per firm.
    """
    n = len(frame)
    for group in ("all", "any"):
        if group in rule:
            kids = [_node(r, frame) for r in rule[group]]
            status = np.vstack([k[0] for k in kids])
            if group == "all":
                count = np.sum(np.vstack([np.where(k[0] == -1, k[1], 0) for k in kids]), axis=0)
                gap = np.max(np.vstack([np.where(k[0] == -1, k[2], 0.0) for k in kids]), axis=0)
                missed = sum((np.where(k[0] == -1, k[3], "") for k in kids), _blank(n))
                unknown = sum((np.where(k[0] == 0, k[4], "") for k in kids), _blank(n))
                return status.min(axis=0), count, gap, missed, unknown
            # The branch closest to being met explains a miss: fewest missed conditions, then smallest gap.
            cost = np.vstack([k[1] * 1e6 + np.minimum(k[2], 1e5) for k in kids])
            best = np.argmin(cost, axis=0)
            pick = np.arange(n)
            count = np.vstack([k[1] for k in kids])[best, pick]
            gap = np.vstack([k[2] for k in kids])[best, pick]
            missed = np.stack([k[3] for k in kids])[best, :, pick].T
            unknown = sum((np.where(k[0] == 0, k[4], "") for k in kids), _blank(n))
            s = status.max(axis=0)
            return s, np.where(s == -1, count, 0), np.where(s == -1, gap, 0.0), np.where(s == -1, missed, ""), unknown
    if "not" in rule:
        s = -_node(rule["not"], frame)[0]
        text = np.full((len(_LANGS), n), f"not {rule['not']}; ", dtype=object)
        return (
            s,
            (s == -1).astype(int),
            np.where(s == -1, np.inf, 0.0),
            np.where(s == -1, text, ""),
            np.where(s == 0, text, ""),
        )
    leaf = next(leaves(rule))
    s = evaluate_rule3(rule, frame)[0]
    gap = leaf_gap(leaf, frame)
    threshold = abs(float(leaf.value)) if leaf.op in ("<", "<=", ">", ">=") else np.nan
    rel = np.where(np.isfinite(gap), gap / threshold if threshold and np.isfinite(threshold) else np.inf, np.inf)
    rows = np.flatnonzero(s == -1)
    missed = _blank(n)
    if len(rows):
        if leaf.field is None:
            shown = frame["tags"].astype("string").fillna("—").to_numpy(dtype=object)
        else:
            shown = _texts(pd.to_numeric(frame[leaf.field], errors="coerce").to_numpy(dtype=float), rows)
        short = np.where(np.isfinite(gap), " (差 short " + _texts(np.nan_to_num(gap), rows) + ")", "")
        for i, lang in enumerate(_LANGS):
            missed[i, rows] = leaf.describe(lang) + " [" + shown[rows] + "]" + short[rows] + "; "
    unknown = np.stack([np.where(s == 0, leaf.describe(lang) + "; ", "") for lang in _LANGS])
    return s, (s == -1).astype(int), np.where(s == -1, rel, 0.0), missed, unknown


def explain(
    frame: pd.DataFrame, level: SrdiLevel, max_missed: int, max_gap: float, labels: dict[str, tuple[str, str]]
) -> pd.DataFrame:
    """One row per firm: the level's status and, per criterion, met / missed / unknown with reasons."""
    n = len(frame)
    statuses, missed_n, gaps = [], np.zeros(n, dtype=int), np.zeros(n)
    missed_ids = np.full(n, "", dtype=object)
    unknown_ids = np.full(n, "", dtype=object)
    detail, unknown_detail = _blank(n), _blank(n)
    for c in level.criteria:
        s, count, gap, missed, unknown = _node(c.rule, frame)
        statuses.append(s)
        miss = s == -1
        missed_n += np.where(miss, count, 0)
        gaps = np.maximum(gaps, np.where(miss, gap, 0.0))
        missed_ids = np.where(miss, missed_ids + c.id + ";", missed_ids)
        unknown_ids = np.where(s == 0, unknown_ids + c.id + ";", unknown_ids)
        detail = np.where(miss, detail + f"[{c.id}] " + missed, detail)
        unknown_detail = np.where(s == 0, unknown_detail + f"[{c.id}] " + unknown, unknown_detail)
    stacked = np.vstack(statuses)
    any_missed = (stacked == -1).any(axis=0)
    any_unknown = (stacked == 0).any(axis=0)
    near = any_missed & (missed_n <= max_missed) & (gaps <= max_gap)
    status = np.select([~any_missed & ~any_unknown, ~any_missed, near], ["eligible", "to_confirm", "near_eligible"],
                       default="not_eligible")  # fmt: skip
    out = pd.DataFrame({
        "firm_id": frame["firm_id"].to_numpy(), "level": level.id, "level_zh": level.name_zh,
        "level_en": level.name_en, "status": status,
        "status_zh": [labels[s][0] for s in status], "status_en": [labels[s][1] for s in status],
        "criteria_met": (stacked == 1).sum(axis=0), "criteria_missed": any_missed * (stacked == -1).sum(axis=0),
        "criteria_unknown": (stacked == 0).sum(axis=0), "conditions_missed": missed_n,
        "max_relative_gap": np.where(any_missed, gaps, np.nan),
        "missed": pd.Series(missed_ids).str.rstrip(";").to_numpy(), "unknown": pd.Series(unknown_ids).str.rstrip(";").to_numpy(),
        "missed_detail": pd.Series(detail[0]).str.rstrip("; ").to_numpy(),
        "missed_detail_en": pd.Series(detail[1]).str.rstrip("; ").to_numpy(),
        "unknown_detail": pd.Series(unknown_detail[0]).str.rstrip("; ").to_numpy(),
        "unknown_detail_en": pd.Series(unknown_detail[1]).str.rstrip("; ").to_numpy(),
    })  # fmt: skip
    for c, s in zip(level.criteria, statuses, strict=True):
        out[f"c_{c.id}"] = np.select([s == 1, s == -1], ["met", "missed"], default="unknown")
    return out
