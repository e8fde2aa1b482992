"""Without firms, a region's chain is read from region × industry statistics through the nodes' codes."""

from __future__ import annotations

from pathlib import Path

from clusterbrain.store import Workspace
from clusterbrain.workflow.chain_study import study_chain
from clusterbrain.workflow.chains import load_chain


def test_chain_study_falls_back_to_statistics(workspace: Workspace, tmp_path: Path) -> None:
    template = load_chain("lithium_ion_battery")
    battery_cells = template.node("battery_cells").codes["gbt4754_2017"][0]
    rows = [
        # Hangzhou's cell makers are concentrated (LQ well above 1); its other battery codes are absent.
        ("330100", battery_cells, 900),
        ("330100", "7320", 100),
        ("440300", battery_cells, 100),
        ("440300", "7320", 900),
        ("110000", battery_cells, 100),
        ("110000", "7320", 900),
    ]
    text = "year,region_id,scheme,industry_code,employment\n" + "".join(
        f"2023,{r},gbt4754_2017,{c},{v}\n" for r, c, v in rows
    )
    (tmp_path / "stats.csv").write_text(text, encoding="utf-8")
    workspace.import_file("stats", tmp_path / "stats.csv")
    study = study_chain(workspace.con, "lithium_ion_battery", "330100")
    analysis = study.analysis
    assert analysis.basis == "stats"
    assert analysis.local_supporting_rate is None
    assert analysis.status("battery_cells") == "strong"
    assert "foreign_dependent" not in set(analysis.nodes["status"])
    assert study.gaps.items
    assert analysis.notes
