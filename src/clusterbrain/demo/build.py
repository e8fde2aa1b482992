"""Build the demo workspace: generate the synthetic province, then import it like any user data."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from clusterbrain.demo.generate import FILES, Progress, generate
from clusterbrain.demo.manifest import DemoManifest
from clusterbrain.store import Workspace
from clusterbrain.workflow.chain_study import map_chain_firms

__all__ = ["IMPORT_ORDER", "DemoSummary", "build_demo_workspace"]

IMPORT_ORDER: tuple[tuple[str, str], ...] = (
    ("regions", "regions"),
    ("stats", "stats"),
    ("firms", "firms"),
    ("firm-years", "firm_years"),
    ("links", "links"),
    ("institutions", "institutions"),
    ("policies", "policies"),
    ("targets", "kpi_targets"),
    ("projects", "projects"),
)
"""(import kind, generated file key) in dependency order: regions before what refers to them."""


@dataclass(frozen=True)
class DemoSummary:
    """What ``clusterbrain demo`` built: where, how big, and what was planted to be found."""

    notice: str
    workspace: str
    data_dir: str
    focus_region_id: str
    focus_region_name: str
    seed: int
    years: list[int]
    tables: dict[str, int]
    planted: dict[str, object]
    seconds: float

    def to_dict(self) -> dict[str, object]:
        """JSON-serialisable form."""
        return asdict(self)


def build_demo_workspace(
    out_dir: str | Path,
    *,
    n_firms: int = 20_000,
    seed: int = 2024,
    progress: Progress | None = None,
    map_chains: bool = True,
) -> DemoSummary:
    """Generate the synthetic demo data into ``out_dir/data`` and import it into ``out_dir/demo.duckdb``.

    The data go through the same validated imports as a user's files. With ``map_chains``
    the firms are then mapped to the demo's chains and the mapping stored (what a user does
    with ``clusterbrain chain map``). An existing ``demo.duckdb`` is replaced only once the
    new one is complete.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    data_dir = out / "data"
    manifest: DemoManifest = generate(data_dir, n_firms=n_firms, seed=seed, progress=progress)
    target = out / "demo.duckdb"
    building = out / "demo.duckdb.building"
    building.unlink(missing_ok=True)
    with Workspace.create(building) as ws:
        for step, (kind, key) in enumerate(IMPORT_ORDER, start=1):
            ws.import_file(kind, data_dir / FILES[key])
            if progress is not None:
                progress("importing into the workspace", step, len(IMPORT_ORDER))
        if map_chains:
            for chain in manifest.chains:
                map_chain_firms(ws.con, str(chain["chain_id"]))
        info = ws.info()
        name = ws.con.execute("SELECT name FROM regions WHERE region_id = ?", [manifest.focus_region_id]).fetchall()[0][
            0
        ]
    os.replace(building, target)
    return DemoSummary(
        notice=manifest.notice,
        workspace=str(target),
        data_dir=str(data_dir),
        focus_region_id=manifest.focus_region_id,
        focus_region_name=name,
        seed=manifest.seed,
        years=list(manifest.years),
        tables={table: info.tables[table] for _, table in IMPORT_ORDER},
        planted=asdict(manifest.planted),
        seconds=round(time.perf_counter() - started, 2),
    )
