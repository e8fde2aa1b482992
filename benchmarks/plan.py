"""Planning-loop benchmark: the whole plan (diagnose → position → design → monitor) of demo regions.

Builds the demo workspace (20,000 firms by default) once, then times ``run_plan`` — chain
studies, network risks, the previous year's diagnosis for the evaluation, and the four step
documents — for a county, a city and the province, each in a fresh child process, and prints
wall time and peak memory. There is no peer package that plans a region; the figure to hold
is the issue's budget of 20 seconds for one county.

Usage::

    python benchmarks/plan.py                        # builds the demo in a temporary folder
    python benchmarks/plan.py --workspace demo-output/demo.duckdb
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, re, sys, time
start = time.perf_counter()
import duckdb
from clusterbrain.workflow.plan import run_plan
con = duckdb.connect(sys.argv[1], read_only=True)
plan = run_plan(con, sys.argv[2])
documents = plan.documents()
seconds = time.perf_counter() - start
size = sum(len(json.dumps(d, ensure_ascii=False, default=str)) for d in documents.values())
peak = int(re.search(r'VmHWM:\s+(\d+) kB', open('/proc/self/status').read()).group(1)) / 1024  # VmHWM in MB: this process's own peak
print(json.dumps({"seconds": seconds, "peak_mb": peak, "json_kb": size / 1024,
                  "findings": len(plan.diagnosis.findings), "projects": len(plan.design.projects)}))
"""

REGIONS = (("county", "990101"), ("city", "990100"), ("province", "990000"))


def main() -> None:
    """Run the benchmark and print one line per region."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="An existing demo workspace (default: build one).")
    parser.add_argument("--firms", type=int, default=20_000, help="Firms in the built demo.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workspace = args.workspace
        if workspace is None:
            from clusterbrain.demo.build import build_demo_workspace

            workspace = Path(build_demo_workspace(Path(tmp), n_firms=args.firms).workspace)
        print(f"{'region':<10} {'id':<8} {'seconds':>8} {'peak MB':>8} {'JSON kB':>8} {'findings':>9} {'projects':>9}")
        for label, region in REGIONS:
            run = subprocess.run(
                [sys.executable, "-c", CHILD, str(workspace), region], capture_output=True, text=True, check=True
            )
            r = json.loads(run.stdout.strip().splitlines()[-1])
            print(
                f"{label:<10} {region:<8} {r['seconds']:>8.2f} {r['peak_mb']:>8.0f} {r['json_kb']:>8.0f} "
                f"{r['findings']:>9} {r['projects']:>9}"
            )


if __name__ == "__main__":
    main()
