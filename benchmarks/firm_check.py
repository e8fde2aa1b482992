"""Benchmark: health checks of a batch of firms (one JSON document each) on the demo workspace.

Usage: python benchmarks/firm_check.py [WORKSPACE] [--firms N]
Builds the demo workspace (20,000 firms) under /tmp when no workspace is given, maps the two demo
chains (stored, outside the timing), then times reading, checking and writing N documents.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from clusterbrain.demo.build import build_demo_workspace
from clusterbrain.store import Workspace
from clusterbrain.workflow.chain_study import map_chain_firms
from clusterbrain.workflow.firms import check_firms, load_firm_data


def main() -> None:
    """Run the benchmark and print the figures as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("workspace", nargs="?", type=Path)
    parser.add_argument("--firms", type=int, default=10_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="firm-bench-"))
    path = args.workspace or Path(build_demo_workspace(tmp).workspace)
    with Workspace.open(path) as ws:
        if ws.con.sql("SELECT count(*) FROM firm_nodes").fetchall()[0][0] == 0:
            for chain_id in ("lithium_ion_battery", "integrated_circuits"):
                map_chain_firms(ws.con, chain_id)
    started = time.perf_counter()
    with Workspace.open(path, read_only=True) as ws:
        data = load_firm_data(ws.con)
    loaded = time.perf_counter()
    ids = data.frame["firm_id"].head(args.firms).tolist()
    checks = check_firms(data, firm_ids=ids)
    computed = time.perf_counter()
    out = tmp / "firms"
    out.mkdir(parents=True, exist_ok=True)
    for firm_id, doc in checks.documents():
        (out / f"{firm_id}.json").write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    done = time.perf_counter()
    print(json.dumps({"workspace": str(path), "firms_in_workspace": len(data.frame), "firms_checked": len(ids),
                      "load_s": round(loaded - started, 2), "compute_s": round(computed - loaded, 2),
                      "write_json_s": round(done - computed, 2), "total_s": round(done - started, 2),
                      "target_s": 30}))  # fmt: skip


if __name__ == "__main__":
    main()
