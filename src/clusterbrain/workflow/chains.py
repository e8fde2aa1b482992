"""Chain templates for the user: the built-in ones, those imported into a workspace, and importing new ones."""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from pathlib import Path

import duckdb
import pandas as pd

from clusterbrain.chain import ChainTemplate, parse_template
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store.chain_templates.crosswalk import LABEL_SCHEME, builtin_known_firms, builtin_label_crosswalk
from clusterbrain.store.chains import builtin_chain_documents, read_chain_file, save_chain, workspace_chain_documents
from clusterbrain.store.codes import builtin_code_lists

__all__ = [
    "LABEL_SCHEME",
    "builtin_templates",
    "import_chain_template",
    "known_codes",
    "known_firms",
    "label_crosswalk",
    "load_chain",
    "templates",
    "with_industry_labels",
]


def known_codes(con: duckdb.DuckDBPyConnection | None = None) -> dict[str, set[str]]:
    """Code lists to check template codes against: the workspace's, or the built-in ones."""
    pairs: list[tuple[str, str]]
    if con is None:
        industries, _ = builtin_code_lists()
        pairs = list(zip(industries["scheme"].to_pylist(), industries["code"].to_pylist(), strict=True))
    else:
        pairs = con.execute("SELECT scheme, code FROM industries").fetchall()
    codes: dict[str, set[str]] = {}
    for scheme, code in pairs:
        codes.setdefault(scheme, set()).add(code)
    return codes


def builtin_templates(known: Mapping[str, Collection[str]] | None = None) -> dict[str, ChainTemplate]:
    """The templates shipped with clusterbrain, by chain id (checked against ``known`` codes).

    Without ``known`` they are checked against the built-in code lists, once per process.
    """
    if known is None:
        return dict(_checked_builtin())
    parsed = (parse_template(doc, source=name, known_codes=known) for name, doc in builtin_chain_documents().items())
    return {t.id: t for t in parsed}


@functools.cache
def _checked_builtin() -> dict[str, ChainTemplate]:
    return builtin_templates(known_codes())


def templates(con: duckdb.DuckDBPyConnection | None = None) -> dict[str, ChainTemplate]:
    """Built-in templates, overridden by those imported into the workspace under the same id."""
    found = builtin_templates()
    if con is not None:
        for chain_id, doc in workspace_chain_documents(con).items():
            found[chain_id] = parse_template(doc, source=f"workspace:{chain_id}")
    return dict(sorted(found.items()))


def load_chain(chain_id: str, con: duckdb.DuckDBPyConnection | None = None) -> ChainTemplate:
    """One template by id.

    Raises
    ------
    InvalidParameterError
        If no template has that id; the message lists the ids there are.
    """
    found = templates(con)
    if chain_id not in found:
        raise InvalidParameterError(f"no chain template {chain_id!r}; available: {', '.join(found)}")
    return found[chain_id]


def import_chain_template(con: duckdb.DuckDBPyConnection, path: str | Path) -> tuple[ChainTemplate, bool]:
    """Check a template file against the workspace's code lists and store it; return it and whether it replaced one."""
    path = Path(path)
    template = parse_template(read_chain_file(path), source=path.name, known_codes=known_codes(con))
    return template, save_chain(con, template.to_dict(), path=path)


def label_crosswalk() -> pd.DataFrame:
    """The shipped crosswalk of Tushare industry labels to chain nodes (``labels`` of ``map_firms``)."""
    return builtin_label_crosswalk()


def known_firms() -> pd.DataFrame:
    """The shipped curated listed companies (``curated`` of ``map_firms``)."""
    return builtin_known_firms()


def with_industry_labels(firms: pd.DataFrame, scheme: str = LABEL_SCHEME) -> pd.DataFrame:
    """Firms with an ``industry_label`` column read from their ``<scheme>:<label>`` tag, which leaves the tags.

    The Tushare loader stores a listed company's industry label as the tag
    ``tushare_industry:电气设备``; the label is a signal of its own for the mapping, so it
    is taken out of the tags (where its words would count as keywords a second time).

    Examples
    --------
    >>> firms = pd.DataFrame({"firm_id": ["A", "B"], "tags": ["listed;主板;tushare_industry:半导体", None]})
    >>> out = with_industry_labels(firms)
    >>> out["industry_label"].tolist(), out["tags"].tolist()
    (['半导体', None], ['listed;主板', None])
    """
    if "tags" not in firms.columns:
        return firms.assign(industry_label=None) if "industry_label" not in firms.columns else firms
    tags = firms["tags"].astype(object)
    pattern = rf"(?:^|;)\s*{scheme}:([^;]*)"
    label = tags.str.extract(pattern, expand=False).str.strip()
    rest = tags.str.replace(pattern, "", regex=True).str.strip(";")
    out = firms.assign(tags=rest.where(tags.notna(), None).astype(object))
    if "industry_label" in firms.columns:
        label = firms["industry_label"].astype(object).where(firms["industry_label"].notna(), label)
    return out.assign(industry_label=label.where(label.notna() & (label != ""), None).astype(object))
