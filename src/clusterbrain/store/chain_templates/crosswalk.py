"""The shipped aids for mapping listed companies: the industry-label crosswalk and the curated known firms.

Both are JSON files beside the chain templates (see README.md, "Mapping listed companies").
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import pandas as pd

from clusterbrain.exceptions import SchemaError

__all__ = ["LABEL_SCHEME", "builtin_known_firms", "builtin_label_crosswalk"]

LABEL_SCHEME = "tushare_industry"
"""Scheme of the shipped labels; the Tushare loader tags each firm ``tushare_industry:<label>``."""

_PACKAGE = "clusterbrain.store.chain_templates"
_LABEL_COLUMNS = ("label", "chain_id", "node_id", "prior", "hints")
_FIRM_COLUMNS = ("name", "chain_id", "node_id", "reason")


def builtin_label_crosswalk() -> pd.DataFrame:
    """Industry label → candidate node rows: ``label``, ``chain_id``, ``node_id``, ``prior``, ``hints``.

    ``hints`` are the row's name fragments joined by ``|`` (empty when it has none).

    Raises
    ------
    SchemaError
        If the file lacks a field or a prior is not a number in (0, 1).

    Examples
    --------
    >>> table = builtin_label_crosswalk()
    >>> table.columns.tolist()
    ['label', 'chain_id', 'node_id', 'prior', 'hints']
    >>> bool(((table["prior"] > 0) & (table["prior"] < 1)).all())
    True
    """
    rows = _rows("industry_labels.json", _LABEL_COLUMNS)
    table = pd.DataFrame(
        {
            "label": [r["label"] for r in rows],
            "chain_id": [r["chain_id"] for r in rows],
            "node_id": [r["node_id"] for r in rows],
            "prior": [r["prior"] for r in rows],
            "hints": ["|".join(r["hints"]) for r in rows],
        }
    )
    prior = pd.to_numeric(table["prior"], errors="coerce")
    if not ((prior > 0) & (prior < 1)).all():
        bad = table.loc[~((prior > 0) & (prior < 1)), "label"].iloc[0]
        raise SchemaError(f"industry_labels.json: the prior of label {bad!r} must be a number in (0, 1).")
    return table.assign(prior=prior.astype(float))


def builtin_known_firms() -> pd.DataFrame:
    """Curated known firms: ``name`` (aliases joined by ``|``), ``chain_id``, ``node_id``, ``reason``.

    Raises
    ------
    SchemaError
        If the file lacks a field or a reason does not start with ``curated:``.
    """
    rows = _rows("known_firms.json", _FIRM_COLUMNS)
    table = pd.DataFrame({c: [str(r[c]) for r in rows] for c in _FIRM_COLUMNS})
    untagged = table.loc[~table["reason"].str.startswith("curated:"), "name"]
    if len(untagged):
        raise SchemaError(f"known_firms.json: the reason of {untagged.iloc[0]!r} must start with 'curated:'.")
    return table


@functools.cache
def _document(name: str) -> Any:
    return json.loads(resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8"))


def _rows(name: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = _document(name).get("rows")
    if not isinstance(rows, list):
        raise SchemaError(f"{name}: expected a list under 'rows'.")
    for i, row in enumerate(rows):
        missing = [c for c in columns if not isinstance(row, dict) or c not in row]
        if missing:
            raise SchemaError(f"{name}: row {i} lacks {', '.join(missing)}.")
    return rows
