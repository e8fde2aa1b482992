"""The official GB/T 4754-2017 code list (国民经济行业分类和代码) as industries.

Layout ``gbt4754-list``: the standard's table, columns 门类, 大类, 中类, 小类, 类别名称, 说明
(one line per category, the hierarchy columns filled down), as XLSX (first sheet) or CSV;
or the same rows with English headers ``level, code, section, division, group, class,
name_zh, note_zh``.

The standard prints a group (中类) that has a single class (小类) on one line with that class,
so such a group has no line of its own: it gets a level-3 row named after its class.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders._base import Loader, canonical_table, normalise_header

__all__ = ["GBT4754_LIST", "detect_gbt4754_list", "read_gbt4754_list"]

SCHEME = "gbt4754_2017"
LEVELS = ("section", "division", "group", "class")
_ALIASES = {"门类": "section", "大类": "division", "中类": "group", "小类": "class", "类别名称": "name_zh"}


def detect_gbt4754_list(header: list[str]) -> bool:
    """Return whether a header is the GB/T 4754 list, with Chinese or English names.

    Examples
    --------
    >>> detect_gbt4754_list(["门类", "大类", "中类", "小类", "类别名称", "说明"])
    True
    >>> detect_gbt4754_list(["level", "code", "section", "division", "group", "class",
    ...                      "name_zh", "note_zh"])
    True
    """
    names = {_ALIASES.get(h, h) for h in normalise_header(header)}
    return {*LEVELS, "name_zh"} <= names


def _read(path: Path) -> pd.DataFrame:
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        frame = pd.read_excel(path, sheet_name=0, dtype=str)
    else:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    frame.columns = [_ALIASES.get(h, h) for h in normalise_header(frame.columns)]
    missing = [c for c in (*LEVELS, "name_zh") if c not in frame.columns]
    if missing:
        raise SchemaError(f"{path.name}: missing column(s) {missing} of the GB/T 4754 list.")
    frame = frame[[*LEVELS, "name_zh"]].apply(lambda col: col.str.strip())
    return frame.replace("", None).dropna(how="all").reset_index(drop=True)


def read_gbt4754_list(path: Path) -> pa.Table:
    """Read the GB/T 4754-2017 list as ``industries`` rows of scheme ``gbt4754_2017``.

    Parameters
    ----------
    path : path-like
        XLSX (first sheet) or CSV with the columns 门类, 大类, 中类, 小类, 类别名称 or their
        English equivalents section, division, group, class, name_zh.

    Returns
    -------
    pyarrow.Table
        One row per category: level 1 section (A-T), 2 division (2 digits), 3 group
        (3 digits), 4 class (4 digits); ``parent_code`` the next level up (null for
        sections); ``name`` the Chinese name; ``name_en`` null. In the order of the list,
        a group without a line of its own placed just before its first class.

    Raises
    ------
    SchemaError
        If a column is missing or a line has no code or no name.
    """
    frame = _read(path)
    unnamed = frame["name_zh"].isna() | frame[list(LEVELS)].isna().all(axis=1)
    if unnamed.any():
        raise SchemaError(
            f"{Path(path).name}: data line {int(frame.index[unnamed][0]) + 1} has no code or no 类别名称 (name)."
        )
    filled = frame[list(LEVELS)].notna().to_numpy()
    # a line's level is its deepest code; the codes above it are filled down (some copies
    # of the list print each code only on its own line)
    depth = len(LEVELS) - filled[:, ::-1].argmax(axis=1)
    frame[list(LEVELS)] = frame[list(LEVELS)].ffill()
    rows = []
    for level, column in enumerate(LEVELS, start=1):
        own = frame.loc[depth == level]
        parent = own[LEVELS[level - 2]] if level > 1 else pd.Series(None, index=own.index)
        rows.append(
            pd.DataFrame(
                {
                    "code": own[column],
                    "name": own["name_zh"],
                    "level": level,
                    "parent_code": parent,
                    "order": own.index.to_numpy(dtype=float),
                }
            )
        )
    table = pd.concat(rows)
    # groups printed on one line with their only class: a group row named after the class
    classes = frame.loc[depth == len(LEVELS)]
    orphan = classes.drop_duplicates("group")
    orphan = orphan.loc[~orphan["group"].isin(table.loc[table["level"] == 3, "code"])]
    table = pd.concat(
        [
            table,
            pd.DataFrame(
                {
                    "code": orphan["group"],
                    "name": orphan["name_zh"],
                    "level": 3,
                    "parent_code": orphan["division"],
                    "order": orphan.index.to_numpy(dtype=float) - 0.5,
                }
            ),
        ]
    ).sort_values("order", kind="stable")
    return canonical_table(
        "industries",
        {
            "scheme": SCHEME,
            "code": table["code"],
            "name": table["name"],
            "level": table["level"],
            "parent_code": table["parent_code"],
            "name_en": None,
        },
        len(table),
    )


GBT4754_LIST = Loader(
    name="gbt4754-list",
    kind="industries",
    description="GB/T 4754-2017 official list (门类, 大类, 中类, 小类, 类别名称, 说明), "
    "XLSX or CSV: sections, divisions, groups and classes.",
    detect=detect_gbt4754_list,
    read=read_gbt4754_list,
)
