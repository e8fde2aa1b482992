"""`clusterbrain demo`: the synthetic province lands in a real workspace through the validated imports."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from clusterbrain.cli.main import app
from clusterbrain.store import Workspace


def test_demo_builds_a_labelled_workspace_with_its_planted_findings(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", str(tmp_path / "out"), "--firms", "3000", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert "SYNTHETIC" in summary["notice"]
    assert summary["tables"]["firms"] == 3000
    assert summary["planted"]["missing_nodes"]
    for name in ("diagnosis.json", "positioning.json", "design.json", "monitoring.json"):
        assert json.loads((Path(summary["plan"]) / name).read_text(encoding="utf-8"))["region_id"] == "990000"
    with Workspace.open(summary["workspace"], read_only=True) as ws:
        info = ws.info()
        assert info.tables["firms"] == 3000
        assert info.years["stats"] == summary["years"]
        assert "(示例)" in summary["focus_region_name"]
        kinds = [i["kind"] for i in info.imports if not str(i["file_name"]).startswith("builtin:")]
        assert kinds == [
            "regions",
            "stats",
            "firms",
            "firm-years",
            "links",
            "institutions",
            "policies",
            "targets",
            "projects",
        ]
        # The planted missing nodes really have no firm of the focus province (from the ground-truth file).
        nodes = Path(summary["data_dir"]) / "firm_nodes.parquet"
        missing = [n["node_id"] for n in summary["planted"]["missing_nodes"]]
        local = ws.con.execute(
            f"SELECT count(*) FROM read_parquet('{nodes}') n JOIN firms f USING (firm_id) "
            "WHERE n.node_id IN (SELECT unnest(?)) AND f.region_id LIKE '99%'",
            [missing],
        ).fetchall()[0][0]
        assert local == 0
