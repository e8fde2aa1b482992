"""Firm registry exports (企查查 / 天眼查 / government registers) as firms.

Layout ``firm-registry``: a CSV or XLSX file with Chinese headers such as 统一社会信用代码,
企业名称, 成立日期, 所属省份, 所属城市, 所属区县, 国标行业门类 … 国标行业小类 or 行业代码,
参保人数, 经营范围, 企业类型, 登记状态. Exports often start with a title line or two; the
header is the first of the first 20 lines that holds 企业名称.
"""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clusterbrain.exceptions import ImportValidationError, Problem, SchemaError
from clusterbrain.store.loaders._base import Loader, canonical_table, normalise_header
from clusterbrain.store.loaders._china_names import resolve_region
from clusterbrain.store.regions.china import CHINA_ID
from clusterbrain.store.schema import TABLES

__all__ = ["FIRM_REGISTRY", "detect_firm_registry", "read_firm_registry"]

SCHEME = "gbt4754_2017"
ID_COLUMNS = ("统一社会信用代码", "信用代码", "注册号", "工商注册号")
"""Firm id columns, the first non-empty one wins (注册号 for entities without a USCC)."""
NAME_COLUMNS = ("企业名称", "公司名称")
FOUNDED_COLUMNS = ("成立日期", "成立时间", "成立年份")
PROVINCE_COLUMNS = ("所属省份", "省份")
CITY_COLUMNS = ("所属城市", "城市", "所属地市")
COUNTY_COLUMNS = ("所属区县", "区县")
INDUSTRY_COLUMNS = (
    "国标行业门类",
    "国标行业大类",
    "国标行业中类",
    "国标行业小类",
    "行业代码",
    "国标行业代码",
)
SCOPE_COLUMNS = ("经营范围",)
TAG_VALUE_COLUMNS = ("企业类型", "登记状态", "经营状态")
"""Columns whose value becomes one tag (e.g. 有限责任公司, 存续, 注销)."""
TAG_LIST_COLUMNS = ("标签", "企业标签", "资质")
"""Columns holding several tags separated by ; , ， 、 or |."""
_SPECIFIC = {
    "统一社会信用代码",
    "企业名称",
    *FOUNDED_COLUMNS,
    *PROVINCE_COLUMNS,
    *CITY_COLUMNS,
    *COUNTY_COLUMNS,
    *INDUSTRY_COLUMNS[:4],
    "参保人数",
    "登记状态",
    "经营范围",
}
_BLANK = {"", "-", "--", "—", "nan", "none", "null", "n/a", "暂无", "无"}
_HEADER_SEARCH_ROWS = 20
_CODE = re.compile(r"^\s*(?P<section>[A-Ta-t])?\s*(?P<digits>\d{2,4})?(?!\d)")
_YEAR = r"^\s*((?:18|19|20)\d\d)(?:\d{4})?(?!\d)"  # 2015-03-12, 2015/3/12, 20150312


def detect_firm_registry(header: list[str]) -> bool:
    """Return whether a header is a registry export: a name column plus registry columns.

    A file with 企业名称 and at least two of the registry-specific columns (统一社会信用代码,
    成立日期, 所属省份, 国标行业小类, 参保人数, 登记状态, 经营范围, …) qualifies, so that a
    plain firms file with Chinese aliases is left to the generic importer.

    Examples
    --------
    >>> detect_firm_registry(["企业名称", "统一社会信用代码", "成立日期", "所属城市"])
    True
    >>> detect_firm_registry(["企业名称", "统一社会信用代码", "营业收入"])
    False
    """
    names = set(normalise_header(header))
    return bool(names & set(NAME_COLUMNS)) and len(names & _SPECIFIC) >= 3


def _header_index(rows: list[list[str]], path: Path) -> int:
    for i, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        if set(normalise_header(row)) & set(NAME_COLUMNS):
            return i
    raise SchemaError(
        f"{path.name}: no header row with {' or '.join(NAME_COLUMNS)} in the first {_HEADER_SEARCH_ROWS} lines."
    )


def _read_frame(path: Path) -> tuple[pd.DataFrame, int]:
    """Return the export as text cells under its header, and the file row of its first record.

    Title lines above the header are skipped; rows are numbered as a spreadsheet shows them.
    """
    path = Path(path)
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        grid = pd.read_excel(path, header=None, dtype=object, sheet_name=0)
        top = [["" if pd.isna(v) else str(v) for v in grid.iloc[i]] for i in range(min(len(grid), 20))]
        start = _header_index(top, path)
        frame = grid.iloc[start + 1 :].reset_index(drop=True)
        frame.columns = pd.Index(normalise_header(top[start]))
    else:
        encoding = _encoding(path)
        try:
            with path.open(encoding=encoding, newline="") as handle:
                top = list(itertools.islice(csv.reader(handle), _HEADER_SEARCH_ROWS))
            start = _header_index(top, path)
            frame = pd.read_csv(path, skiprows=start, dtype=str, keep_default_na=False, encoding=encoding)
        except UnicodeDecodeError as exc:
            raise SchemaError(f"{path.name}: not UTF-8 or GB18030 text ({exc.reason}).") from exc
        frame.columns = pd.Index(normalise_header(frame.columns))
    # a duplicated header keeps its first column
    return frame.loc[:, ~frame.columns.duplicated()].copy(), start + 2


def _encoding(path: Path) -> str:
    """Return ``utf-8-sig`` if the file is UTF-8 text, else ``gb18030`` (Chinese Excel CSV)."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the 1 MiB boundary
            return "gb18030"
    return "utf-8-sig"


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """Return the column as stripped text, the exports' blank markers as missing."""
    values = frame[column].astype("string").str.strip()
    return values.mask(values.str.lower().isin(_BLANK))


def _first(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series | None:
    present = [c for c in columns if c in frame.columns]
    if not present:
        return None
    result = _text(frame, present[0])
    for column in present[1:]:
        result = result.fillna(_text(frame, column))
    return result


def _industry_code(frame: pd.DataFrame) -> pd.Series | None:
    """Return the most detailed GB/T 4754 code of the industry columns, without section.

    A value may carry a code with or without its name ('C3911', '3911 计算机整机制造',
    'C 制造业'); a value that is a name only gives no code.
    """
    present = [c for c in INDUSTRY_COLUMNS if c in frame.columns]
    if not present:
        return None
    codes = pd.DataFrame({c: _code_of(_text(frame, c)) for c in present})
    lengths = codes.apply(lambda col: col.str.len()).fillna(0)
    best = lengths.to_numpy().argmax(axis=1)
    picked = pd.Series(codes.to_numpy()[range(len(codes)), best], index=codes.index)
    return picked.where(lengths.to_numpy().max(axis=1) > 0)


def _code_of(values: pd.Series) -> pd.Series:
    parts = values.str.extract(_CODE)
    return parts["digits"].fillna(parts["section"].str.upper())


def _tags(frame: pd.DataFrame) -> pa.Array | None:
    pieces = [_text(frame, c) for c in TAG_VALUE_COLUMNS if c in frame.columns]
    pieces += [
        _text(frame, c).str.replace(r"\s*[;,，、|；]\s*", ";", regex=True)
        for c in TAG_LIST_COLUMNS
        if c in frame.columns
    ]
    if not pieces:
        return None
    arrays = [pa.array(p.mask(p == ""), pa.string(), from_pandas=True) for p in pieces]
    joined = pc.binary_join_element_wise(*arrays, ";", null_handling="skip")
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)


def read_firm_registry(path: Path) -> pa.Table:
    """Read a 企查查-style firm registry export (CSV or XLSX) as a ``firms`` table.

    Parameters
    ----------
    path : path-like
        The export. CSV may be UTF-8 or GB18030; XLSX is read from its first sheet.

    Returns
    -------
    pyarrow.Table
        ``firms`` rows, one per data line:

        - ``firm_id``: 统一社会信用代码 (or 注册号 where it is blank; null when both are);
        - ``name``: 企业名称; ``founded``: the year of 成立日期;
        - ``region_id``: 所属省份 / 所属城市 / 所属区县 looked up in the China registry by
          name, the most specific level found wins (see
          :func:`~clusterbrain.store.loaders._china_names.resolve_region`);
        - ``scheme`` ``gbt4754_2017`` and ``industry_code``: the most detailed code among
          国标行业门类…小类 and 行业代码, without a leading section letter ('C3911' -> '3911');
        - ``employees``: 参保人数; other numeric firm columns (营业收入, 研发费用, 专利数 …)
          by their schema aliases; ``business_scope``: 经营范围;
        - ``tags``: 企业类型 and 登记状态 as tags, plus a 标签 column if any. Deregistered
          and revoked firms (注销, 吊销) are kept and carry that tag, so they can be
          filtered out or counted as exits;
        - ``country``: ``CN``.

        注册资本 has no workspace column and is not read.

    Raises
    ------
    SchemaError
        If no header row is found or the file is neither UTF-8 nor GB18030 text.
    ImportValidationError
        If a 成立日期 holds no year or a numeric column (参保人数, 营业收入 …) holds text
        other than a number or a blank marker ('-', '暂无'); the error lists file, row,
        column and value of each such cell.
    """
    frame, first_row = _read_frame(path)
    problems: list[Problem] = []

    def refuse(values: pd.Series, parsed: pd.Series, column: str, rule: str) -> None:
        bad = values.notna() & parsed.isna()
        problems.extend(
            Problem(Path(path).name, first_row + int(i), column, str(values[i]), rule) for i in values.index[bad]
        )

    columns: dict[str, object] = {
        "firm_id": _first(frame, ID_COLUMNS),
        "name": _first(frame, NAME_COLUMNS),
        "country": CHINA_ID,
    }
    founded = _first(frame, FOUNDED_COLUMNS)
    if founded is not None:
        years = pd.to_numeric(founded.str.extract(_YEAR)[0])
        label = next(c for c in FOUNDED_COLUMNS if c in frame.columns)
        refuse(founded, years, label, "must be a date or year (2015-03-12, 2015/3/12, 20150312)")
        columns["founded"] = years
    columns["region_id"] = _region(frame)
    code = _industry_code(frame)
    if code is not None:
        columns["industry_code"] = code
        columns["scheme"] = pd.Series(SCHEME, index=code.index).where(code.notna())
    columns["tags"] = _tags(frame)
    scope = _first(frame, SCOPE_COLUMNS)
    columns["business_scope"] = scope
    for col in TABLES["firms"].columns:
        if col.dtype != "DOUBLE":
            continue
        names = [n for n in (col.name, *col.aliases) if n in frame.columns]
        source = _first(frame, tuple(names))
        if source is not None:
            # coerce, then report every cell that held text other than a number
            numbers = pd.to_numeric(source.str.replace(",", "", regex=False), errors="coerce")
            refuse(source, numbers, names[0], "must be a number")
            columns[col.name] = numbers
    if problems:
        raise ImportValidationError(problems)
    return canonical_table("firms", columns, len(frame))


def _region(frame: pd.DataFrame) -> pd.Series | None:
    levels = [_first(frame, cols) for cols in (PROVINCE_COLUMNS, CITY_COLUMNS, COUNTY_COLUMNS)]
    if all(level is None for level in levels):
        return None
    names = pd.DataFrame(
        {
            i: (level if level is not None else pd.Series(pd.NA, index=frame.index, dtype="string"))
            for i, level in enumerate(levels)
        }
    )
    # resolve once per distinct (province, city, county), not once per row
    keys = names.astype(object).where(names.notna(), None)
    triples = list(zip(keys[0], keys[1], keys[2], strict=True))
    found = {t: resolve_region(*t) for t in set(triples)}
    return pd.Series([found[t] for t in triples], index=frame.index, dtype="string")


FIRM_REGISTRY = Loader(
    name="firm-registry",
    kind="firms",
    description="Firm registry export, 企查查 style (统一社会信用代码, 企业名称, 成立日期, "
    "所属省份/城市/区县, 国标行业, 参保人数, 经营范围, 登记状态); CSV or XLSX.",
    detect=detect_firm_registry,
    read=read_firm_registry,
)
