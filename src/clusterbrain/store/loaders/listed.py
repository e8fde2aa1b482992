"""Chinese A-share listed companies: the Tushare ``stock_basic`` table as firms.

Layout ``tushare-stock-basic``: ``ts_code, symbol, name, area, industry, cnspell, market,
list_date, act_name, act_ent_type`` (Tushare Pro ``stock_basic``).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.chain_templates.crosswalk import LABEL_SCHEME
from clusterbrain.store.loaders._base import Loader, canonical_table, has_columns, map_unique
from clusterbrain.store.loaders._china_names import match_region
from clusterbrain.store.regions.china import CHINA_ID

__all__ = ["TUSHARE_STOCK_BASIC", "area_region", "read_tushare_stock_basic"]

LISTED_TAG = "listed"


def area_region(area: str | None) -> str | None:
    """Return the adcode of a Tushare ``area``: a province, or a separately listed city.

    Tushare writes provinces without their suffix (浙江, 内蒙) and lists the cities with
    independent planning status apart (深圳, 宁波, 大连, 青岛, 厦门). A province name is tried
    first (so 吉林 is the province, not 吉林市), then a prefecture-level city.

    Examples
    --------
    >>> area_region("内蒙"), area_region("深圳"), area_region("吉林"), area_region("")
    ('150000', '440300', '220000', None)
    """
    return match_region(area, "province") or match_region(area, "city")


def read_tushare_stock_basic(path: Path) -> pa.Table:
    """Read a Tushare ``stock_basic`` export as a ``firms`` table.

    Parameters
    ----------
    path : path-like
        CSV with at least ``ts_code, name, area, market``; ``act_ent_type`` is used when
        present.

    Returns
    -------
    pyarrow.Table
        ``firms`` rows: ``firm_id`` = ``ts_code`` (e.g. ``000001.SZ``), ``name`` the short
        stock name, ``region_id`` from ``area`` (see :func:`area_region`; null when the
        area is empty or unknown), ``country`` ``CN``, and ``tags`` =
        ``listed;<market>;<controller type>`` (e.g. ``listed;主板;民营企业``).
        ``founded`` is null (``list_date`` is the listing date, not the founding year) and
        ``scheme``/``industry_code`` are null: Tushare's industry labels (银行, 元器件) are not
        GB/T 4754 codes.

    Raises
    ------
    SchemaError
        If a required column is missing.
    """
    names = ("ts_code", "symbol", "name", "area", "industry", "market", "list_date", "act_name", "act_ent_type")
    raw = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="utf-8-sig"),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False),
    )
    missing = [c for c in ("ts_code", "name", "area", "market") if c not in raw.column_names]
    if missing:
        raise SchemaError(f"{Path(path).name}: missing column(s) {missing} of stock_basic.")
    parts = [pa.array([LISTED_TAG] * raw.num_rows), raw["market"]]
    if "act_ent_type" in raw.column_names:
        parts.append(raw["act_ent_type"])
    if "industry" in raw.column_names:  # the label as a tag the chain mapping reads (see LABEL_SCHEME)
        industry = pc.utf8_trim_whitespace(raw["industry"])
        parts.append(
            pc.if_else(pc.equal(industry, ""), "", pc.binary_join_element_wise(f"{LABEL_SCHEME}:", industry, ""))
        )
    # join the non-empty parts with ';' (empty strings would leave ';;')
    null = pa.scalar(None, pa.string())
    parts = [pc.if_else(pc.equal(pc.utf8_trim_whitespace(p), ""), null, p) for p in parts]
    tags = pc.binary_join_element_wise(*parts, ";", null_handling="skip")
    return canonical_table(
        "firms",
        {
            "firm_id": pc.utf8_trim_whitespace(raw["ts_code"]),
            "name": raw["name"],
            "region_id": map_unique(raw["area"], area_region),
            "founded": None,
            "scheme": None,
            "industry_code": None,
            "tags": tags,
            "country": CHINA_ID,
        },
        raw.num_rows,
    )


TUSHARE_STOCK_BASIC = Loader(
    name="tushare-stock-basic",
    kind="firms",
    description="Tushare Pro stock_basic (ts_code, name, area, industry, market, act_ent_type): A-share listed companies.",
    detect=has_columns("ts_code", "name", "area", "market"),
    read=read_tushare_stock_basic,
)
