"""US County Business Patterns files: CBSA and county statistics, and the CBSA registry.

Three layouts:

``cbp-cbsa``
    The CBSA x NAICS extract of CBP 2019 (columns ``cbsa_code, naics_code, naics_level, EMP,
    ESTAB``) kept by Brookings Metro. One ``stats`` row per line: the year of the file name
    (2019), region ``US-C<cbsa>``, scheme ``naics2017``, the NAICS code as spelled by the
    Census ("00" = all industries, sector ranges such as "31-33" kept), employment and
    establishments.
``cbp-county``
    The ModelEarth county files ``US-<ST>-census-naics<k>-counties-<year>.csv`` (columns
    ``Fips, Naics, Establishments, Employees, Payroll``). The year comes from the file name.
``cbsa-crosswalk``
    The county -> CBSA -> state crosswalk of the same Brookings repository; one ``regions`` row
    per CBSA.
``cbsa-list``
    Any table keyed by CBSA with a 2013-delineation title (``cbsa_code, cbsa_2013_name``), such
    as the Brookings Export Monitor: it adds the CBSAs of the 2013 delineation that CBP 2019
    still reports (21 of them are missing from the newer crosswalk).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders._base import (
    Loader,
    canonical_table,
    has_columns,
    map_unique,
    year_from_name,
)
from clusterbrain.store.regions.us import US_ID, cbsa_id, county_id

__all__ = [
    "CBP_CBSA",
    "CBP_COUNTY",
    "CBSA_CROSSWALK",
    "CBSA_LIST",
    "naics_scheme_of_cbp_year",
    "read_cbp_cbsa",
    "read_cbp_county",
    "read_cbsa_crosswalk",
]

PAYROLL_UNIT = 1000.0
"""CBP reports annual payroll in thousands of USD; the workspace stores USD."""


def naics_scheme_of_cbp_year(year: int) -> str:
    """Return the NAICS edition that County Business Patterns used in ``year``.

    CBP switched editions with the data year: NAICS 2012 for 2012-2016, NAICS 2017 for
    2017-2021, NAICS 2022 from 2022.

    Raises
    ------
    SchemaError
        For years before 2012 (NAICS 2007 and older are not among the workspace schemes).

    Examples
    --------
    >>> naics_scheme_of_cbp_year(2021)
    'naics2017'
    """
    if year >= 2022:
        return "naics2022"
    if year >= 2017:
        return "naics2017"
    if year >= 2012:
        return "naics2012"
    raise SchemaError(
        f"CBP data of {year} use a NAICS edition older than 2012, which the workspace does not "
        "know; expected a year from 2012."
    )


def _read_csv(path: Path, text_columns: tuple[str, ...]) -> pa.Table:
    return pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(text_columns, pa.string()),
            strings_can_be_null=True,
        ),
    )


def _require(table: pa.Table, path: Path, *names: str) -> None:
    missing = [n for n in names if n not in table.column_names]
    if missing:
        raise SchemaError(f"{Path(path).name}: missing column(s) {missing} of this layout.")


def read_cbp_cbsa(path: Path) -> pa.Table:
    """Read the CBP 2019 CBSA x NAICS extract as a ``stats`` table.

    Parameters
    ----------
    path : path-like
        ``cbp2019_cbsa_naics.csv(.gz)``: ``cbsa_code, naics_code, naics_level, EMP, ESTAB``.

    Raises
    ------
    SchemaError
        If the file name holds no year or a column is missing.

    Returns
    -------
    pyarrow.Table
        ``stats`` rows: the year written in the file name (2019 for
        ``cbp2019_cbsa_naics.csv.gz``; the file itself has no year column),
        ``region_id`` = ``US-C<cbsa_code>``, scheme ``naics2017``, ``industry_code`` =
        ``naics_code`` as spelled, ``employment`` = EMP, ``establishments`` = ESTAB.
    """
    year = year_from_name(Path(path))
    raw = _read_csv(path, ("cbsa_code", "naics_code"))
    _require(raw, path, "cbsa_code", "naics_code", "EMP", "ESTAB")
    return canonical_table(
        "stats",
        {
            "year": year,
            "region_id": map_unique(raw["cbsa_code"], cbsa_id),
            "scheme": naics_scheme_of_cbp_year(year),
            "industry_code": raw["naics_code"],
            "employment": raw["EMP"],
            "establishments": raw["ESTAB"],
        },
        raw.num_rows,
    )


def read_cbp_county(path: Path) -> pa.Table:
    """Read a ModelEarth CBP county file as a ``stats`` table.

    Parameters
    ----------
    path : path-like
        ``US-<ST>-census-naics<k>-counties-<year>.csv``: ``Fips, Naics, Establishments,
        Employees, Payroll``; the year is taken from the file name.

    Returns
    -------
    pyarrow.Table
        ``stats`` rows: ``region_id`` = ``US-<5-digit FIPS>`` (left-padded with zeros when
        a spreadsheet dropped them), the NAICS edition of that CBP year (NAICS 2017 for
        2017-2021), employment, establishments, and payroll **in USD** (the file's thousands
        of USD times 1,000, so that payroll is in the same unit whatever the source).

    Raises
    ------
    SchemaError
        If the file name holds no year or a column is missing.
    """
    year = year_from_name(Path(path))
    raw = _read_csv(path, ("Fips", "Naics"))
    _require(raw, path, "Fips", "Naics", "Establishments", "Employees")
    fips = pc.utf8_lpad(pc.utf8_trim_whitespace(raw["Fips"]), width=5, padding="0")
    columns = {
        "year": year,
        "region_id": map_unique(fips, county_id),
        "scheme": naics_scheme_of_cbp_year(year),
        "industry_code": pc.utf8_trim_whitespace(raw["Naics"]),
        "employment": raw["Employees"],
        "establishments": raw["Establishments"],
    }
    if "Payroll" in raw.column_names:
        columns["payroll"] = pc.multiply(raw["Payroll"].cast(pa.float64()), PAYROLL_UNIT)
    return canonical_table("stats", columns, raw.num_rows)


_CBSA_NAMES = ("cbsa_name", "cbsa_2013_name")


def read_cbsa_crosswalk(path: Path) -> pa.Table:
    """Read the county-CBSA-state crosswalk as a ``regions`` table of CBSAs.

    Parameters
    ----------
    path : path-like
        ``county_cbsa_state_crosswalk.csv`` (``stco_code, ..., cbsa_code, cbsa_name,
        cbsa_type, cbsa_pop, ...``), one row per county.

    Returns
    -------
    pyarrow.Table
        One ``regions`` row per distinct CBSA, in order of first appearance: ``region_id``
        ``US-C<code>``, ``name`` and ``name_en`` the CBSA title, level ``cbsa``, parent
        ``US`` (a CBSA may span states), ``population`` = ``cbsa_pop``, country ``US``.
        Counties outside any CBSA (empty ``cbsa_code``) give no row.
    """
    raw = _read_csv(path, ("stco_code", "cbsa_code", "cbsa_name", "cbsa_2013_name"))
    name = next((n for n in _CBSA_NAMES if n in raw.column_names), _CBSA_NAMES[0])
    _require(raw, path, "cbsa_code", name)
    code = pc.utf8_trim_whitespace(raw["cbsa_code"])
    keep = pc.and_(pc.is_valid(code), pc.not_equal(code, ""))
    raw = raw.append_column("_code", code).filter(keep)
    # first row of each CBSA: the cbsa_* columns repeat on every county of the CBSA
    first = (
        raw.append_column("_i", pa.array(range(raw.num_rows)))
        .group_by("_code", use_threads=False)
        .aggregate([("_i", "min")])
    )
    cbsas = raw.take(pc.take(first["_i_min"], pc.sort_indices(first["_i_min"])))
    population = cbsas["cbsa_pop"] if "cbsa_pop" in cbsas.column_names else None
    return canonical_table(
        "regions",
        {
            "region_id": map_unique(cbsas["_code"], cbsa_id),
            "name": cbsas[name],
            "level": "cbsa",
            "parent_id": US_ID,
            "name_en": cbsas[name],
            "population": population,
            "country": US_ID,
        },
        cbsas.num_rows,
    )


CBP_CBSA = Loader(
    name="cbp-cbsa",
    kind="stats",
    description="US CBP 2019 CBSA x NAICS extract (cbsa_code, naics_code, EMP, ESTAB).",
    detect=has_columns("cbsa_code", "naics_code", "EMP", "ESTAB"),
    read=read_cbp_cbsa,
)
CBP_COUNTY = Loader(
    name="cbp-county",
    kind="stats",
    description="US CBP county x NAICS, ModelEarth layout (Fips, Naics, Establishments, "
    "Employees, Payroll in k USD); year from the file name.",
    detect=has_columns("Fips", "Naics", "Establishments", "Employees"),
    read=read_cbp_county,
)
CBSA_CROSSWALK = Loader(
    name="cbsa-crosswalk",
    kind="regions",
    description="US county-CBSA-state crosswalk (stco_code, cbsa_code, cbsa_name, cbsa_pop): one region per CBSA.",
    detect=has_columns("stco_code", "cbsa_code", "cbsa_name"),
    read=read_cbsa_crosswalk,
)
CBSA_LIST = Loader(
    name="cbsa-list",
    kind="regions",
    description="Any CBSA-keyed table with 2013 titles (cbsa_code, cbsa_2013_name): one region per CBSA.",
    detect=has_columns("cbsa_code", "cbsa_2013_name"),
    read=read_cbsa_crosswalk,
)
