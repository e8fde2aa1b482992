"""County Business Patterns loaders: the CBSA extract, ModelEarth county files, CBSA registry."""

from __future__ import annotations

import csv
import gzip
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders import LOADERS, detect_loader
from clusterbrain.store.loaders.cbp import (
    naics_scheme_of_cbp_year,
    read_cbp_cbsa,
    read_cbp_county,
    read_cbsa_crosswalk,
)
from clusterbrain.store.regions.us import cbsa_id, county_id

CBSA_FILE = "us_cbp_2019_cbsa/cbp2019_cbsa_naics.csv.gz"
CROSSWALK_FILE = "us_cbp_2019_cbsa/county_cbsa_state_crosswalk.csv"
COUNTY_DIR = "us_cbp_county"


@pytest.fixture(scope="module")
def cbsa_path(shared_data: Path, require) -> Path:
    return require(shared_data / CBSA_FILE)


@pytest.fixture(scope="module")
def cbsa_stats(cbsa_path: Path) -> pa.Table:
    return read_cbp_cbsa(cbsa_path)


# ---- cbp-cbsa ------------------------------------------------------------------------------


def test_cbsa_rows_and_regions_match_source(cbsa_stats: pa.Table, assert_canonical) -> None:
    assert_canonical(cbsa_stats, "stats")
    assert cbsa_stats.num_rows == 569_017
    assert pc.count_distinct(cbsa_stats["region_id"]).as_py() == 933
    assert pc.all(pc.starts_with(cbsa_stats["region_id"], "US-C")).as_py()
    assert pc.all(pc.equal(pc.utf8_length(cbsa_stats["region_id"]), 9)).as_py()


def test_cbsa_rows_per_naics_level_match_source(cbsa_stats: pa.Table) -> None:
    # naics_level is the number of digits; the ranges "31-33" etc. are 5 characters and
    # tagged level 5 upstream, so code length reproduces the published counts exactly
    lengths = pc.value_counts(pc.utf8_length(cbsa_stats["industry_code"])).to_pylist()
    by_length = {d["values"]: d["counts"] for d in lengths}
    assert by_length == {2: 15_394, 3: 54_143, 4: 118_467, 5: 181_004, 6: 200_009}


def test_cbsa_all_industries_employment_total(cbsa_stats: pa.Table) -> None:
    total = cbsa_stats.filter(pc.equal(cbsa_stats["industry_code"], "00"))
    assert pc.sum(total["employment"]).as_py() == 122_485_576
    assert total.num_rows == 933


def test_cbsa_codes_kept_as_spelled(cbsa_stats: pa.Table) -> None:
    codes = set(pc.unique(cbsa_stats["industry_code"]).to_pylist())
    assert {"00", "31-33", "44-45", "48-49"} <= codes
    assert set(pc.unique(cbsa_stats["year"]).to_pylist()) == {2019}
    assert set(pc.unique(cbsa_stats["scheme"]).to_pylist()) == {"naics2017"}
    assert cbsa_stats.column("payroll").null_count == cbsa_stats.num_rows


def test_cbsa_key_is_unique(cbsa_stats: pa.Table) -> None:
    keys = cbsa_stats.group_by(["year", "region_id", "scheme", "industry_code"]).aggregate([])
    assert keys.num_rows == cbsa_stats.num_rows


def test_cbsa_first_rows_equal_the_file(cbsa_path: Path, cbsa_stats: pa.Table) -> None:
    with gzip.open(cbsa_path, "rt", encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(50), csv.DictReader(handle), strict=False)]
    got = cbsa_stats.slice(0, 50).to_pylist()
    for row, out in zip(rows, got, strict=True):
        assert out["region_id"] == cbsa_id(row["cbsa_code"])
        assert out["industry_code"] == row["naics_code"]
        assert out["employment"] == float(row["EMP"])
        assert out["establishments"] == float(row["ESTAB"])


def test_cbsa_reads_fast(cbsa_path: Path) -> None:
    start = time.perf_counter()
    read_cbp_cbsa(cbsa_path)
    # about 0.2 s here; a Python loop over the 569k rows would take several seconds
    assert time.perf_counter() - start < 3.0


def test_cbsa_file_name_without_year_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cbp_cbsa.csv"
    path.write_text("cbsa_code,naics_code,naics_level,EMP,ESTAB\n10180,00,2,5,3\n")
    with pytest.raises(SchemaError, match="no year"):
        read_cbp_cbsa(path)


def test_cbsa_missing_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cbp2019.csv"
    path.write_text("cbsa_code,naics_code,EMP\n10180,00,5\n")
    with pytest.raises(SchemaError, match="ESTAB"):
        read_cbp_cbsa(path)


# ---- cbp-county ----------------------------------------------------------------------------

COUNTY_FILES = {
    # file: rows, counties, distinct NAICS codes (SOURCE.md)
    "US-DE-census-naics4-counties-2021.csv": (547, {"10001", "10003", "10005"}, 219),
    "US-RI-census-naics4-counties-2021.csv": (
        778,
        {"44001", "44003", "44005", "44007", "44009"},
        225,
    ),
    "US-MA-census-naics2-counties-2021.csv": (229, {f"250{i:02d}" for i in range(1, 28, 2)}, 17),
}


@pytest.mark.parametrize("name", sorted(COUNTY_FILES))
def test_county_file_matches_source(name: str, shared_data: Path, require, assert_canonical) -> None:
    path = require(shared_data / COUNTY_DIR / name)
    rows, counties, n_codes = COUNTY_FILES[name]
    stats = read_cbp_county(path)
    assert_canonical(stats, "stats")
    assert stats.num_rows == rows
    assert set(stats["region_id"].to_pylist()) == {county_id(c) for c in counties}
    assert pc.count_distinct(stats["industry_code"]).as_py() == n_codes
    assert set(stats["year"].to_pylist()) == {2021}
    assert set(stats["scheme"].to_pylist()) == {"naics2017"}


def test_county_delaware_employment_total(shared_data: Path, require) -> None:
    path = require(shared_data / COUNTY_DIR / "US-DE-census-naics4-counties-2021.csv")
    assert pc.sum(read_cbp_county(path)["employment"]).as_py() == 389_154


def test_county_payroll_is_stored_in_usd(shared_data: Path, require) -> None:
    path = require(shared_data / COUNTY_DIR / "US-RI-census-naics4-counties-2021.csv")
    with path.open(encoding="utf-8") as handle:
        thousands = sum(int(row["Payroll"]) for row in csv.DictReader(handle))
    assert pc.sum(read_cbp_county(path)["payroll"]).as_py() == thousands * 1000


def test_county_fips_regains_leading_zero(tmp_path: Path) -> None:
    path = tmp_path / "US-AL-census-naics2-counties-2019.csv"
    path.write_text("Fips,Naics,Establishments,Employees,Payroll\n1001,11,5,40,1234\n")
    stats = read_cbp_county(path).to_pylist()
    assert stats[0]["region_id"] == "US-01001"
    assert stats[0]["payroll"] == 1_234_000
    assert stats[0]["year"] == 2019


def test_county_scheme_follows_cbp_year() -> None:
    assert naics_scheme_of_cbp_year(2016) == "naics2012"
    assert naics_scheme_of_cbp_year(2017) == "naics2017"
    assert naics_scheme_of_cbp_year(2022) == "naics2022"
    with pytest.raises(SchemaError, match="2012"):
        naics_scheme_of_cbp_year(2010)


# ---- cbsa-crosswalk -----------------------------------------------------------------------


def test_crosswalk_gives_one_region_per_cbsa(shared_data: Path, require, assert_canonical) -> None:
    path = require(shared_data / CROSSWALK_FILE)
    with path.open(encoding="utf-8") as handle:
        counties = list(csv.DictReader(handle))
    assert len(counties) == 3_143
    cbsas = {row["cbsa_code"]: row for row in counties if row["cbsa_code"]}
    regions = read_cbsa_crosswalk(path)
    assert_canonical(regions, "regions")
    assert regions.num_rows == len(cbsas)
    assert sorted(regions["region_id"].to_pylist()) == sorted(cbsa_id(c) for c in cbsas)
    assert set(regions["level"].to_pylist()) == {"cbsa"}
    assert set(regions["parent_id"].to_pylist()) == {"US"}
    assert set(regions["country"].to_pylist()) == {"US"}
    by_id = {r["region_id"]: r for r in regions.to_pylist()}
    for code, row in cbsas.items():
        assert by_id[cbsa_id(code)]["name"] == row["cbsa_name"]
        assert by_id[cbsa_id(code)]["population"] == float(row["cbsa_pop"])


def test_crosswalk_skips_nonmetro_counties(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_text(
        "stco_code,stco_name,cbsa_code,cbsa_name,cbsa_type,cbsa_pop\n"
        '06037,"Los Angeles County, California",31080,"Los Angeles-Long Beach-Anaheim, CA",metro,13214799\n'
        '06059,"Orange County, California",31080,"Los Angeles-Long Beach-Anaheim, CA",metro,13214799\n'
        '06063,"Plumas County, California",,,nonmetro,\n'
    )
    rows = read_cbsa_crosswalk(path).to_pylist()
    assert [(r["region_id"], r["name"], r["population"]) for r in rows] == [
        ("US-C31080", "Los Angeles-Long Beach-Anaheim, CA", 13_214_799.0)
    ]


# ---- detection -----------------------------------------------------------------------------


def test_headers_detect_their_loader() -> None:
    assert detect_loader("stats", ["cbsa_code", "naics_code", "naics_level", "EMP", "ESTAB"]) is LOADERS["cbp-cbsa"]
    assert detect_loader("stats", ["Fips", "Naics", "Establishments", "Employees", "Payroll"]) is LOADERS["cbp-county"]
    header = ["stco_code", "stco_name", "cbsa_code", "cbsa_name", "cbsa_pop"]
    assert detect_loader("regions", header) is LOADERS["cbsa-crosswalk"]
    assert detect_loader("stats", header) is None
