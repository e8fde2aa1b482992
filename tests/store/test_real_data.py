"""The real public data sets load into a workspace with the counts and totals their SOURCE.md documents."""

from __future__ import annotations

import pytest

from clusterbrain.exceptions import ImportValidationError
from clusterbrain.store import Workspace
from clusterbrain.store.sources import import_path
from tests.conftest import require_data


def _one(ws: Workspace, sql: str) -> tuple:
    return tuple(ws.con.execute(sql).fetchall()[0])


def test_cbp_cbsa_file_loads_with_the_documented_counts(workspace: Workspace) -> None:
    import_path(workspace.con, "regions", require_data("us_metro_extras/cbsa_export.csv"))
    import_path(workspace.con, "regions", require_data("us_cbp_2019_cbsa/county_cbsa_state_crosswalk.csv"))
    report = import_path(workspace.con, "stats", require_data("us_cbp_2019_cbsa/cbp2019_cbsa_naics.csv.gz"))
    assert report.file_format == "cbp-cbsa"
    assert _one(workspace, "SELECT count(*), count(DISTINCT region_id) FROM stats") == (569_017, 933)
    total = _one(workspace, "SELECT sum(employment) FROM stats WHERE industry_code = '00'")[0]
    assert total == 122_485_576
    assert workspace.info().years["stats"] == [2019]


def test_cbp_cbsa_file_is_refused_without_its_regions(workspace: Workspace) -> None:
    before = workspace.checksum()
    with pytest.raises(ImportValidationError, match="unknown region id"):
        import_path(workspace.con, "stats", require_data("us_cbp_2019_cbsa/cbp2019_cbsa_naics.csv.gz"))
    assert workspace.checksum() == before


def test_cbp_county_files_load(workspace: Workspace) -> None:
    files = {
        "US-DE-census-naics4-counties-2021.csv": (547, 3),
        "US-RI-census-naics4-counties-2021.csv": (778, 5),
        "US-MA-census-naics2-counties-2021.csv": (229, 14),
    }
    for name in files:
        import_path(workspace.con, "stats", require_data(f"us_cbp_county/{name}"))
    rows = workspace.con.execute(
        "SELECT left(region_id, 5), count(*), count(DISTINCT region_id) FROM stats GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert rows == [("US-10", 547, 3), ("US-25", 229, 14), ("US-44", 778, 5)]
    delaware = _one(workspace, "SELECT sum(employment) FROM stats WHERE region_id LIKE 'US-10%'")[0]
    assert delaware == 389_154


def test_official_gbt4754_list_completes_the_code_list(workspace: Workspace, tmp_path) -> None:
    import_path(workspace.con, "industries", require_data("cn_gbt4754_2017/gbt4754_2017_output_from_docx.xlsx"))
    levels = workspace.con.execute(
        "SELECT level, count(*) FROM industries WHERE scheme = 'gbt4754_2017' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert levels == [(1, 20), (2, 97), (3, 473), (4, 1381)]
    # English names written for sections and divisions survive the official (Chinese-only) list? No:
    # the official list replaces those rows, so the class check is now exact.
    firms = tmp_path / "firms.csv"
    firms.write_text("firm_id,name,region_id,scheme,industry_code\nA,甲,330100,gbt4754_2017,3999\n", encoding="utf-8")
    with pytest.raises(ImportValidationError, match="industry code not found"):
        workspace.import_file("firms", firms)
    firms.write_text("firm_id,name,region_id,scheme,industry_code\nA,甲,330100,gbt4754_2017,3841\n", encoding="utf-8")
    assert workspace.import_file("firms", firms).rows_written == 1


@pytest.mark.parametrize(
    ("name", "sectors"),
    [
        ("china_2017_42.csv", 42),
        ("china_2018_42.csv", 42),
        ("china_2020_42.csv", 42),
        ("china_2017_149.csv", 149),
        ("china_2018_153.csv", 153),
        ("china_2020_153.csv", 153),
    ],
)
def test_input_output_tables_load_and_balance(workspace: Workspace, name: str, sectors: int) -> None:
    import_path(workspace.con, "io-table", require_data(f"cn_input_output/{name}"))
    table_id = name.removesuffix(".csv")
    assert _one(workspace, "SELECT n_sectors FROM io_tables")[0] == sectors
    # Total input (TI row) equals gross output (GO column) for every sector, domestic + imports combined.
    unbalanced = _one(
        workspace,
        f"""
        WITH ti AS (SELECT col_code AS code, sum(value) AS v FROM io_entries
                    WHERE table_id = '{table_id}' AND row_code = 'TI' GROUP BY 1),
             go AS (SELECT row_code AS code, sum(value) AS v FROM io_entries
                    WHERE table_id = '{table_id}' AND col_code = 'GO' AND origin IN ('domestic', 'total') GROUP BY 1)
        SELECT count(*) FROM ti JOIN go USING (code) WHERE abs(ti.v - go.v) > 1e-6 * greatest(abs(go.v), 1)
        """,
    )[0]
    matched = _one(
        workspace,
        f"SELECT count(DISTINCT col_code) FROM io_entries WHERE table_id = '{table_id}' AND row_code = 'TI'",
    )[0]
    assert matched >= sectors
    assert unbalanced == 0


def test_listed_companies_load_as_firms(workspace: Workspace) -> None:
    import_path(workspace.con, "firms", require_data("cn_listed_companies/stock_basic.csv"))
    assert _one(workspace, "SELECT count(*), count(region_id) FROM firms") == (5_524, 5_519)
    assert _one(workspace, "SELECT count(*) FROM firms WHERE region_id = '440300'")[0] == 428  # 深圳


def test_willems_chains_load_as_firms_and_links(workspace: Workspace) -> None:
    import_path(workspace.con, "firms", require_data("supply_chains_willems/willems_stages.csv"))
    import_path(workspace.con, "links", require_data("supply_chains_willems/willems_arcs.csv"))
    assert _one(workspace, "SELECT count(*), count(DISTINCT left(firm_id, 3)) FROM firms") == (15_872, 38)
    assert _one(workspace, "SELECT count(*) FROM links")[0] == 43_589


def test_cluster_mapping_definitions_load_as_a_grouping(workspace: Workspace) -> None:
    path = require_data("us_cluster_mapping_definitions/naics2012_to_uscmp_cluster.csv")
    import_path(workspace.con, "industries", path)
    import_path(workspace.con, "crosswalks", path)
    clusters = workspace.con.execute(
        "SELECT split_part(code, '.', 1), count(*) FROM industries WHERE scheme = 'uscmp2016' AND level = 1 "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert clusters == [("local", 16), ("traded", 51)]
    unknown = _one(
        workspace,
        "SELECT count(*) FROM crosswalks c WHERE source_scheme LIKE 'naics%' AND NOT EXISTS "
        "(SELECT 1 FROM industries i WHERE i.scheme = c.source_scheme AND i.code = c.source_code)",
    )[0]
    assert unknown == 0
