"""Header matching: English snake_case names and common Chinese export headers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from clusterbrain.exceptions import Problem
from clusterbrain.store.schema import Table

__all__ = ["HeaderMap", "map_headers", "normalise_header"]

_SEPARATORS = re.compile(r"[\s\-./]+")


def normalise_header(text: str) -> str:
    """Fold a header to its matching form.

    NFKC folds full-width characters (``（亩）`` → ``(亩)``), case is folded, spaces,
    hyphens, dots and slashes become ``_``, and a byte-order mark is dropped.

    >>> normalise_header(" Industry Code ")
    'industry_code'
    >>> normalise_header("用地面积（亩）")
    '用地面积(亩)'
    """
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().lower()
    return _SEPARATORS.sub("_", text).strip("_")


@dataclass(frozen=True)
class HeaderMap:
    """Which file column (by position) feeds which table column, and what was ignored."""

    columns: dict[int, str]
    ignored: tuple[str, ...]

    @property
    def present(self) -> frozenset[str]:
        """Table columns the file provides."""
        return frozenset(self.columns.values())


def map_headers(header: tuple[str, ...], table: Table, file: str) -> tuple[HeaderMap, list[Problem]]:
    """Match a file's header row to ``table``'s columns.

    Returns the map and the file-level problems: a column given twice (under two
    aliases), a required column missing, none of the ``one_of`` columns present.
    """
    lookup: dict[str, str] = {}
    for column in table.columns:
        for alias in (column.name, *column.aliases):
            lookup.setdefault(normalise_header(alias), column.name)
    columns: dict[int, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    for position, text in enumerate(header):
        name = lookup.get(normalise_header(text))
        if name is None:
            ignored.append(text)
            continue
        if name in seen:
            problems.append(
                Problem(file, 1, text, None, f"the header names column '{name}' twice ('{seen[name]}' and '{text}')")
            )
            continue
        seen[name] = text
        columns[position] = name
    present = set(columns.values())
    for column in table.columns:
        if column.required and column.name not in present:
            accepted = ", ".join([column.name, *column.aliases][:4])
            problems.append(
                Problem(
                    file,
                    1,
                    column.name,
                    None,
                    f"required column '{column.name}' is missing (accepted headers: {accepted})",
                )
            )
    if table.one_of and not present.intersection(table.one_of):
        problems.append(
            Problem(file, 1, None, None, f"at least one of these columns is required: {', '.join(table.one_of)}")
        )
    return HeaderMap(columns, tuple(ignored)), problems
