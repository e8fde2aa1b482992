"""Willems (2008) supply chains: stages as firms, arcs as links."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.loaders import LOADERS, detect_loader
from clusterbrain.store.loaders.willems import read_willems_arcs, read_willems_stages

STAGES = "supply_chains_willems/willems_stages.csv"
ARCS = "supply_chains_willems/willems_arcs.csv"


@pytest.fixture(scope="module")
def stages(shared_data: Path, require) -> pa.Table:
    return read_willems_stages(require(shared_data / STAGES))


@pytest.fixture(scope="module")
def arcs(shared_data: Path, require) -> pa.Table:
    return read_willems_arcs(require(shared_data / ARCS))


def test_stages_match_source(stages: pa.Table, assert_canonical) -> None:
    assert_canonical(stages, "firms")
    assert stages.num_rows == 15_872
    assert pc.count_distinct(stages["firm_id"]).as_py() == 15_872
    assert stages["firm_id"].to_pylist() == stages["name"].to_pylist()


def test_stage_types_match_source(stages: pa.Table) -> None:
    types = Counter(stages["tags"].to_pylist())
    assert types == {
        "willems;Part": 5_768,
        "willems;Retail": 3_553,
        "willems;Manuf": 3_214,
        "willems;Trans": 1_913,
        "willems;Dist": 1_424,
    }


def test_stage_chains_match_source(stages: pa.Table) -> None:
    chains = Counter(fid[1:3] for fid in stages["firm_id"].to_pylist())
    assert len(chains) == 38
    assert sorted(chains) == [f"{i:02d}" for i in range(1, 39)]
    assert (min(chains.values()), max(chains.values())) == (8, 2_025)


def test_stage_region_unknown_country_set(stages: pa.Table) -> None:
    assert stages["region_id"].null_count == stages.num_rows
    assert set(stages["country"].to_pylist()) == {"ZZ"}


def test_arcs_match_source(arcs: pa.Table, stages: pa.Table, assert_canonical) -> None:
    assert_canonical(arcs, "links")
    assert arcs.num_rows == 43_589
    ids = set(stages["firm_id"].to_pylist())
    assert set(arcs["supplier_id"].to_pylist()) <= ids
    assert set(arcs["customer_id"].to_pylist()) <= ids
    for column in ("year", "value", "product"):
        assert arcs[column].null_count == arcs.num_rows
    assert arcs["quantity"].null_count == 0


def test_arc_ids_join_chain_and_stage(arcs: pa.Table, shared_data: Path) -> None:
    with (shared_data / ARCS).open(encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    row = arcs.slice(0, 1).to_pylist()[0]
    chain = int(first["chain_id"])
    assert row["supplier_id"] == f"W{chain:02d}-{first['upstream_stage']}"
    assert row["customer_id"] == f"W{chain:02d}-{first['downstream_stage']}"
    assert row["quantity"] == float(first["quantity"])


def test_constructed_arcs(tmp_path: Path) -> None:
    path = tmp_path / "arcs.csv"
    path.write_text("chain_id,upstream_stage,downstream_stage,quantity\n7,Part_0001,Manuf_0001,2\n")
    assert read_willems_arcs(path).to_pylist()[0] == {
        "supplier_id": "W07-Part_0001",
        "customer_id": "W07-Manuf_0001",
        "year": None,
        "value": None,
        "product": None,
        "quantity": 2.0,
        "supplier_external": False,
        "customer_external": False,
    }


def test_missing_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stages.csv"
    path.write_text("stage_id,lead_time\nPart_0001,3\n")
    with pytest.raises(SchemaError, match="chain_id"):
        read_willems_stages(path)


def test_headers_detect_loaders() -> None:
    assert detect_loader("firms", ["chain_id", "stage_id", "lead_time", "max_s_time"]) is LOADERS["willems-stages"]
    header = ["chain_id", "upstream_stage", "downstream_stage", "quantity"]
    assert detect_loader("links", header) is LOADERS["willems-arcs"]
