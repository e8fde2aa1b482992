"""US Cluster Mapping 2016 clusters and NAICS 2012 membership."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders import LOADERS, detect_loader
from clusterbrain.store.loaders.clusters import cluster_slug, read_uscmp_clusters, read_uscmp_members

CROSSWALK = "us_cluster_mapping_definitions/naics2012_to_uscmp_cluster.csv"
GOVERNMENT = {"Federal Government Services", "State Government Services", "Local Government Services"}


@pytest.fixture(scope="module")
def path(shared_data: Path, require) -> Path:
    return require(shared_data / CROSSWALK)


@pytest.fixture(scope="module")
def source_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return [{k.strip(): v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def industries(path: Path) -> pa.Table:
    return read_uscmp_clusters(path)


@pytest.fixture(scope="module")
def members(path: Path) -> pa.Table:
    return read_uscmp_members(path)


def test_source_file_as_documented(source_rows: list[dict[str, str]]) -> None:
    assert len(source_rows) == 992
    emsi = [r for r in source_rows if r["EmsiSpecificNAICS (non standard)"].lower() == "true"]
    assert len(emsi) == 37


def test_51_traded_and_16_local_clusters(industries: pa.Table, assert_canonical) -> None:
    assert_canonical(industries, "industries")
    rows = industries.to_pylist()
    clusters = [r for r in rows if r["level"] == 1]
    assert Counter(r["code"].split(".")[0] for r in clusters) == {"traded": 51, "local": 16}
    assert not {r["name"] for r in clusters} & GOVERNMENT
    assert all(r["parent_code"] is None for r in clusters)
    assert {r["scheme"] for r in rows} == {"uscmp2016"}
    assert all(r["name_en"] == r["name"] for r in rows)


def test_cluster_codes_are_name_slugs(industries: pa.Table) -> None:
    names = {r["code"]: r["name"] for r in industries.to_pylist()}
    assert names["traded.automotive"] == "Automotive"
    assert names["local.health_services"] == "Local Health Services"
    assert names["traded.aerospace_vehicles_and_defense.aircraft"] == "Aircraft"
    assert len(names) == industries.num_rows  # codes are unique


def test_subclusters_hang_under_their_cluster(industries: pa.Table, source_rows) -> None:
    rows = industries.to_pylist()
    clusters = {r["code"] for r in rows if r["level"] == 1}
    subs = [r for r in rows if r["level"] == 2]
    assert all(r["parent_code"] in clusters and r["code"].startswith(r["parent_code"] + ".") for r in subs)
    # subclusters with at least one standard (non-Emsi) NAICS code
    kept = {
        (r["Cluster"], r["SubclusterName"])
        for r in source_rows
        if r["EmsiSpecificNAICS (non standard)"].lower() != "true"
        and r["Cluster"] not in GOVERNMENT
        and r["Cluster"]
        and r["SubclusterName"]
    }
    assert len(subs) == len(kept) == 314


def test_members_exclude_emsi_codes(members: pa.Table, source_rows, assert_canonical) -> None:
    assert_canonical(members, "crosswalks")
    emsi = {r["NAICS"] for r in source_rows if r["EmsiSpecificNAICS (non standard)"].lower() == "true"}
    sources = members["source_code"].to_pylist()
    assert not set(sources) & emsi
    assert {"111000", "901200", "903999"} <= emsi
    # 992 rows - 37 Emsi-only codes - 814110 Private Households (no cluster)
    assert len(set(sources)) == 992 - 37 - 1 == 954
    assert Counter(Counter(sources).values()) == {2: 954}
    assert all(len(s) == 6 and s.isdigit() for s in sources)


def test_members_point_to_subcluster_and_cluster(members: pa.Table, industries: pa.Table) -> None:
    levels = {r["code"]: r["level"] for r in industries.to_pylist()}
    rows = members.to_pylist()
    assert {(r["source_scheme"], r["target_scheme"], r["relation"]) for r in rows} == {
        ("naics2012", "uscmp2016", "member"),
        ("naics2017", "uscmp2016", "member"),
    }
    # The file mixes in four codes that only NAICS 2017 has; they keep their own edition.
    assert sorted({r["source_code"] for r in rows if r["source_scheme"] == "naics2017"}) == [
        "211130",
        "212230",
        "335220",
        "454110",
    ]
    by_naics: dict[str, list[int]] = {}
    for r in rows:
        by_naics.setdefault(r["source_code"], []).append(levels[r["target_code"]])
    assert all(sorted(v) == [1, 2] for v in by_naics.values())
    aircraft = {r["target_code"] for r in rows if r["source_code"] == "336411"}
    assert aircraft == {"traded.aerospace_vehicles_and_defense", "traded.aerospace_vehicles_and_defense.aircraft"}


def test_slug() -> None:
    assert cluster_slug("Local Health Services", "Local") == "local.health_services"
    assert cluster_slug("Automotive", "Traded") == "traded.automotive"
    assert cluster_slug("Local Real Estate, Construction, and Development", "Local") == (
        "local.real_estate_construction_and_development"
    )


def test_constructed_file_with_trailing_space_header(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "NAICS ,TradedLocal,Cluster,SubclusterName,EmsiSpecificNAICS (non standard),Description\n"
        "336111,Traded,Automotive,Automobiles,False,Automobile Manufacturing\n"
        "336112,Traded,Automotive,Automobiles,FALSE,Light Truck Manufacturing\n"
        '901200,Local,Federal Government Services,,True,"Federal Government, Military"\n'
        "112000,Traded,Agricultural Inputs and Services,Agricultural Production,TRUE,Animal Production\n",
        encoding="utf-8",
    )
    assert [(r["code"], r["level"]) for r in read_uscmp_clusters(path).to_pylist()] == [
        ("traded.automotive", 1),
        ("traded.automotive.automobiles", 2),
    ]
    assert read_uscmp_members(path).num_rows == 4


def test_bad_traded_local_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("NAICS,TradedLocal,Cluster,SubclusterName\n336111,Both,Automotive,Automobiles\n")
    with pytest.raises(SchemaError, match="Both"):
        read_uscmp_clusters(path)


def test_header_detects_both_loaders() -> None:
    header = ["NAICS ", "TradedLocal", "Cluster", "SubclusterName", "EmsiSpecificNAICS (non standard)"]
    assert detect_loader("industries", header) is LOADERS["uscmp-clusters"]
    assert detect_loader("crosswalks", header) is LOADERS["uscmp-members"]
