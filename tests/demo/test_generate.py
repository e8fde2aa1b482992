"""The synthetic demo generator: determinism, schema, integrity and the planted truth."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from pyarrow import csv as pacsv

import clusterbrain
from clusterbrain.demo import FILES, DemoManifest, generate, read_manifest
from clusterbrain.demo.__main__ import main
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store import Workspace
from clusterbrain.store.schema import IMPORT_KINDS, TABLES
from clusterbrain.workflow.chains import load_chain

N_FIRMS = 3_000
BATCH = 5_000  # several chunks of firms, panel rows and links even at this small size
ARROW = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
}
DEMO_CHAINS = ("lithium_ion_battery", "integrated_circuits")
RANDOM_KINDS = ("regions", "stats", "firms", "firm_years", "links", "institutions", "kpi_targets", "firm_nodes")


def _hashes(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoManifest]:
    out = tmp_path_factory.mktemp("demo")
    return out, generate(out, n_firms=N_FIRMS, batch_rows=BATCH)


@pytest.fixture(scope="module")
def tables(demo: tuple[Path, DemoManifest]) -> dict[str, pa.Table]:
    out, manifest = demo
    return {kind: pq.read_table(out / name) for kind, name in manifest.files.items()}


def _col(table: pa.Table, name: str) -> np.ndarray:
    return table.column(name).to_numpy(zero_copy_only=False)


def _local_firm_ids(tables: dict[str, pa.Table]) -> set[str]:
    firms = tables["firms"]
    local = pc.starts_with(pc.fill_null(firms["region_id"], ""), "99")
    return set(firms.filter(local)["firm_id"].to_pylist())


def _node_firms(tables: dict[str, pa.Table], node_id: str) -> set[str]:
    nodes = tables["firm_nodes"]
    return set(nodes.filter(pc.equal(nodes["node_id"], node_id))["firm_id"].to_pylist())


def _local_purchases(tables: dict[str, pa.Table], node_id: str) -> pa.Table:
    links = tables["links"]
    local = pa.array(sorted(_local_firm_ids(tables)))
    return links.filter(pc.and_(pc.equal(links["product"], node_id), pc.is_in(links["customer_id"], local)))


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(demo: tuple[Path, DemoManifest], tmp_path: Path) -> None:
    out, _ = demo
    generate(tmp_path, n_firms=N_FIRMS, batch_rows=BATCH)
    assert _hashes(tmp_path) == _hashes(out)


def test_other_seed_gives_other_data(demo: tuple[Path, DemoManifest], tmp_path: Path) -> None:
    out, manifest = demo
    other = generate(tmp_path, n_firms=N_FIRMS, batch_rows=BATCH, seed=7)
    for kind in RANDOM_KINDS:
        assert other.sha256[kind] != manifest.sha256[kind], kind


def test_manifest_checksums_match_files(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    for kind, name in manifest.files.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == manifest.sha256[kind]


def test_manifest_round_trips_through_json(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    assert read_manifest(out) == manifest


# --- schema and integrity -------------------------------------------------------------------


def test_files_use_canonical_columns_and_types(tables: dict[str, pa.Table]) -> None:
    for kind, table in tables.items():
        if kind == "firm_nodes":
            assert table.schema.names == ["firm_id", "chain_id", "node_id"]
            continue
        spec = TABLES[kind]
        for field in table.schema:
            assert field.name in spec.names, (kind, field.name)
            assert field.type == ARROW[spec.column(field.name).dtype], (kind, field.name, field.type)
        required = {c.name for c in spec.columns if c.required}
        assert required <= set(table.schema.names), (kind, required - set(table.schema.names))
        assert table.num_rows > 0, kind


def test_keys_are_unique(tables: dict[str, pa.Table]) -> None:
    for kind, table in tables.items():
        key = ["firm_id"] if kind == "firm_nodes" else list(TABLES[kind].key)
        distinct = table.group_by(key).aggregate([]).num_rows
        assert distinct == table.num_rows, kind


def test_references_resolve(tables: dict[str, pa.Table]) -> None:
    regions = set(tables["regions"]["region_id"].to_pylist())
    assert set(tables["regions"]["parent_id"].to_pylist()) <= regions | {"CN"}
    for kind in ("stats", "firms", "institutions", "policies", "kpi_targets", "projects"):
        used = {r for r in tables[kind]["region_id"].to_pylist() if r is not None}
        assert used <= regions, (kind, used - regions)
    firms = set(tables["firms"]["firm_id"].to_pylist())
    assert set(tables["firm_years"]["firm_id"].to_pylist()) <= firms
    assert set(tables["firm_nodes"]["firm_id"].to_pylist()) == firms
    links = tables["links"]
    assert set(links["customer_id"].to_pylist()) <= firms
    internal = links.filter(pc.invert(links["supplier_external"]))
    assert set(internal["supplier_id"].to_pylist()) <= firms
    external = links.filter(links["supplier_external"])
    assert not set(external["supplier_id"].to_pylist()) & firms
    assert 0 < external.num_rows < 0.05 * links.num_rows
    assert pc.all(pc.not_equal(links["supplier_id"], links["customer_id"])).as_py()


def test_foreign_firms_have_a_country_and_no_region(tables: dict[str, pa.Table]) -> None:
    firms = tables["firms"]
    abroad = firms.filter(pc.is_null(firms["region_id"]))
    assert set(abroad["country"].to_pylist()) <= {"JP", "KR", "DE", "US"}
    assert 0.015 < abroad.num_rows / firms.num_rows < 0.06
    local = len(_local_firm_ids(tables)) / firms.num_rows
    assert local > 0.9


def test_region_codes_use_unused_prefixes_and_names_say_synthetic(tables: dict[str, pa.Table]) -> None:
    regions = tables["regions"]
    prefixes = {r[:2] for r in regions["region_id"].to_pylist()}
    assert prefixes <= {"83", "84", "85", "86", "87", "88", "89", *(str(p) for p in range(91, 100))}
    assert all("(示例)" in n for n in regions["name"].to_pylist())
    assert all("(synthetic)" in n for n in regions["name_en"].to_pylist())
    levels = pc.value_counts(regions["level"]).to_pylist()
    counts = {x["values"]: x["counts"] for x in levels}
    assert counts["province"] == 16 and counts["park"] == 3 and counts["county"] == 300
    assert all("示例" in n for n in tables["firms"]["name"].to_pylist())
    for kind in ("institutions", "policies", "projects"):
        assert all("(示例)" in n for n in tables[kind]["name"].to_pylist()), kind


def test_manifest_says_synthetic(demo: tuple[Path, DemoManifest]) -> None:
    out, manifest = demo
    assert manifest.notice.startswith("SYNTHETIC")
    assert "SYNTHETIC" in (out / "manifest.json").read_text(encoding="utf-8")


def test_industry_codes_are_gbt4754_divisions_and_classes(tables: dict[str, pa.Table]) -> None:
    path = resources.files("clusterbrain.store.codes").joinpath("data/gbt4754_2017.csv")
    with path.open("rb") as fh:
        codes = pacsv.read_csv(fh, convert_options=pacsv.ConvertOptions(column_types={"code": pa.string()}))
    divisions = set(codes.filter(pc.equal(codes["level"], 2))["code"].to_pylist())
    assert set(tables["stats"]["industry_code"].to_pylist()) <= divisions
    # Firms carry 4-digit classes (the importer checks them through their division).
    firm_codes = set(tables["firms"]["industry_code"].to_pylist())
    assert {len(c) for c in firm_codes} == {4}
    assert {c[:2] for c in firm_codes} <= divisions
    for kind in ("stats", "firms"):
        assert set(tables[kind]["scheme"].to_pylist()) == {"gbt4754_2017"}


def test_firms_sit_on_the_shipped_chain_templates(tables: dict[str, pa.Table]) -> None:
    nodes = tables["firm_nodes"].join(tables["firms"].select(["firm_id", "industry_code"]), "firm_id")
    pairs = set(zip(*(nodes[c].to_pylist() for c in ("chain_id", "node_id", "industry_code")), strict=True))
    templates = {c: load_chain(c) for c in DEMO_CHAINS}
    assert {c for c, _, _ in pairs} == set(DEMO_CHAINS)
    for chain_id, node_id, code in pairs:
        # Every firm carries the first GB/T 4754 code of its node in the template.
        assert templates[chain_id].node(node_id).codes["gbt4754_2017"][0] == code
    # The focus province has firms on most nodes of each template.
    local = nodes.filter(pc.is_in(nodes["firm_id"], pa.array(sorted(_local_firm_ids(tables)))))
    for chain_id, template in templates.items():
        on = set(local["node_id"].to_pylist()) & {n.id for n in template.nodes}
        assert len(on) >= 0.8 * len(template.nodes), chain_id


def test_links_follow_the_template_edges(tables: dict[str, pa.Table]) -> None:
    edges = {(e.supplier, e.customer) for c in DEMO_CHAINS for e in load_chain(c).edges}
    links = tables["links"].join(tables["firm_nodes"].select(["firm_id", "node_id"]), "customer_id", "firm_id")
    used = set(zip(links["product"].to_pylist(), links["node_id"].to_pylist(), strict=True))
    assert used <= edges
    assert len(used) > 0.8 * len(edges)
    internal = tables["links"].filter(pc.invert(tables["links"]["supplier_external"]))
    supplier = internal.join(tables["firm_nodes"].select(["firm_id", "node_id"]), "supplier_id", "firm_id")
    assert supplier["product"].to_pylist() == supplier["node_id"].to_pylist()


def test_names_and_scopes_use_the_node_keywords(tables: dict[str, pa.Table]) -> None:
    joined = tables["firms"].join(tables["firm_nodes"], "firm_id")
    templates = {c: load_chain(c) for c in DEMO_CHAINS}
    for name, scope, chain_id, node_id in zip(
        *(joined[c].to_pylist() for c in ("name", "business_scope", "chain_id", "node_id")), strict=True
    ):
        words = templates[chain_id].node(node_id).keywords_zh
        assert any(w in name for w in words), name
        assert any(w in scope for w in words), scope


def test_stats_are_sparse_integer_counts(tables: dict[str, pa.Table]) -> None:
    stats = tables["stats"]
    emp = _col(stats, "employment")
    assert (emp >= 1).all() and (emp == np.round(emp)).all()
    est = _col(stats, "establishments")
    assert (est >= 1).all() and (est == np.round(est)).all()
    cells = 300 * len(set(stats["industry_code"].to_pylist())) * 5
    assert 0.3 < stats.num_rows / cells < 0.8


def test_policy_rules_are_json_documents(tables: dict[str, pa.Table]) -> None:
    for text in tables["policies"]["rules"].to_pylist():
        rule = json.loads(text)
        assert set(rule) <= {"all", "any"} and rule


# --- the planted truth ----------------------------------------------------------------------


def test_missing_nodes_have_no_local_firm_but_local_demand(
    demo: tuple[Path, DemoManifest], tables: dict[str, pa.Table]
) -> None:
    _, manifest = demo
    local = _local_firm_ids(tables)
    assert [(n.chain_id, n.node_id) for n in manifest.planted.missing_nodes] == [
        ("lithium_ion_battery", "lithium_resources"),
        ("integrated_circuits", "wafer_foundry"),
    ]
    for node in manifest.planted.missing_nodes:
        assert not _node_firms(tables, node.node_id) & local
        assert node.evidence["local_firms"] == 0
        assert _local_purchases(tables, node.node_id).num_rows > 0


def test_sole_source_nodes_have_exactly_one_local_supplier(
    demo: tuple[Path, DemoManifest], tables: dict[str, pa.Table]
) -> None:
    _, manifest = demo
    local = _local_firm_ids(tables)
    assert [(n.chain_id, n.node_id) for n in manifest.planted.sole_source_nodes] == [
        ("lithium_ion_battery", "separator"),
        ("integrated_circuits", "packaging_testing"),
    ]
    for node in manifest.planted.sole_source_nodes:
        in_node = _node_firms(tables, node.node_id) & local
        assert in_node == {node.evidence["supplier_id"]}
        bought = _local_purchases(tables, node.node_id)
        assert set(bought["supplier_id"].to_pylist()) == in_node
        customers = len(set(bought["customer_id"].to_pylist()))
        assert customers == node.evidence["local_customers"] > 1


def test_foreign_dependent_node_buys_over_80_percent_abroad(
    demo: tuple[Path, DemoManifest], tables: dict[str, pa.Table]
) -> None:
    _, manifest = demo
    firms = tables["firms"]
    abroad = firms.filter(pc.is_null(firms["region_id"]))["firm_id"]
    (node,) = manifest.planted.foreign_dependent_nodes
    assert (node.chain_id, node.node_id) == ("integrated_circuits", "eda_tools")
    bought = _local_purchases(tables, node.node_id)
    foreign = bought.filter(pc.is_in(bought["supplier_id"], abroad))
    share = pc.sum(foreign["value"]).as_py() / pc.sum(bought["value"]).as_py()
    assert share > 0.8
    assert share == pytest.approx(node.evidence["foreign_value_share"], abs=1e-3)


def test_specialisations_have_high_location_quotients(
    demo: tuple[Path, DemoManifest], tables: dict[str, pa.Table]
) -> None:
    _, manifest = demo
    stats = tables["stats"].filter(pc.equal(tables["stats"]["year"], manifest.years[-1]))
    emp, code = _col(stats, "employment"), _col(stats, "industry_code")
    local = np.char.startswith(_col(stats, "region_id").astype(str), "99")
    for spec in manifest.planted.specialisations:
        lq = (emp[local & (code == spec.code)].sum() / emp[local].sum()) / (emp[code == spec.code].sum() / emp.sum())
        assert lq > 1.5
        assert lq == pytest.approx(spec.location_quotient, rel=1e-3)


def test_firm_size_is_heavy_tailed(tables: dict[str, pa.Table]) -> None:
    emp = np.sort(_col(tables["firms"], "employees"))[::-1]
    assert emp[: len(emp) // 100].sum() > 0.2 * emp.sum()
    assert np.median(emp) < 50


def test_panel_ends_at_the_firms_row(demo: tuple[Path, DemoManifest], tables: dict[str, pa.Table]) -> None:
    _, manifest = demo
    panel = tables["firm_years"]
    last = panel.filter(pc.equal(panel["year"], manifest.years[-1]))
    joined = last.join(tables["firms"], "firm_id", right_suffix="_firm")
    for name in ("employees", "revenue", "tax", "invention_patents"):
        np.testing.assert_array_equal(_col(joined, name), _col(joined, name + "_firm"))
    assert set(panel["year"].to_pylist()) == set(manifest.years)


def test_links_reach_the_requested_count(demo: tuple[Path, DemoManifest], tmp_path: Path) -> None:
    _, manifest = demo
    assert manifest.rows["links"] == manifest.n_links == 5 * N_FIRMS
    small = generate(tmp_path, n_firms=500, n_links=2_345, batch_rows=BATCH)
    assert small.rows["links"] == 2_345


# --- interface ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_firms": 5}, "'n_firms' parameter of generate must be an int in \\[500, "),
        ({"n_links": -1}, "'n_links' parameter"),
        ({"years": (2021, 2020)}, "'years' parameter"),
        ({"batch_rows": 10}, "'batch_rows' parameter"),
    ],
)
def test_generate_rejects_bad_parameters(tmp_path: Path, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(InvalidParameterError, match=match):
        generate(tmp_path, **kwargs)  # type: ignore[arg-type]


def test_progress_reports_each_stage(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    generate(tmp_path, n_firms=500, progress=lambda *a: seen.append(a))
    assert [s for s, _, _ in seen] == ["stats", "firms", "links", "extras"]
    assert seen[1] == ("firms", 500, 500)


def test_command_line_writes_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--firms", "500", "--links", "900", "--quiet"]) == 0
    assert "links=900" in capsys.readouterr().out
    assert {p.name for p in tmp_path.iterdir()} == {*FILES.values(), "manifest.json"}


def test_files_import_into_a_workspace(demo: tuple[Path, DemoManifest], workspace: Workspace) -> None:
    out, manifest = demo
    kind_of = {table: kind for kind, table in IMPORT_KINDS.items()}
    for table in ("regions", "stats", "firms", "firm_years", "links", "institutions", "policies", "kpi_targets",
                  "projects"):  # fmt: skip
        workspace.import_file(kind_of[table], out / manifest.files[table])
    for table in ("firms", "firm_years", "links", "stats"):
        assert workspace.count(table) == manifest.rows[table], table


@pytest.mark.slow
def test_streamed_run_of_200k_firms_stays_bounded(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(clusterbrain.__file__).parents[1])}
    # The child reports its own peak as VmHWM, the high-water mark of its address space since exec.
    # getrusage would not do: Linux carries a forked child's maxrss over from the parent (the whole test
    # session here), and RUSAGE_CHILDREN is the largest child the session ever ran.
    child = (
        "import re, sys\n"
        "from clusterbrain.demo.__main__ import main\n"
        "main(sys.argv[1:])\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))"
    )
    command = [sys.executable, "-c", child, str(tmp_path), "--firms", "200000", "--batch-rows", "100000", "--quiet"]
    done = subprocess.run(command, check=True, env=env, timeout=300, capture_output=True, text=True)
    peak_mb = int(done.stdout.strip().splitlines()[-1]) / 1024
    assert peak_mb < 1024
    manifest = read_manifest(tmp_path)
    assert manifest.rows["firms"] == 200_000 and manifest.rows["links"] == 1_000_000
    for kind in ("firms", "firm_years", "links"):
        assert pq.ParquetFile(tmp_path / manifest.files[kind]).num_row_groups > 1, kind
