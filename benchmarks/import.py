"""Import benchmark: firms from Parquet and CSV, clusterbrain's validated import vs a bare DuckDB load.

For each size and format, one child process per run measures wall time and peak memory (max RSS):

- ``peer``: DuckDB's own reader straight into a table (``CREATE TABLE AS SELECT * FROM read_parquet``),
  no validation, no provenance — the floor any importer on DuckDB can reach;
- ``clusterbrain``: ``Workspace.import_file('firms', ...)`` — streaming read, header aliases, every
  validation rule (types, ranges, future years, region and code existence, duplicate keys),
  all-or-nothing write with provenance.

Targets (issue 2): at least 500,000 rows/s from Parquet; peak memory under 2 GB at 10 million rows.

Usage::

    python benchmarks/import.py                      # 1 million firms
    python benchmarks/import.py --rows 1000000 10000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, source, workspace, regions = sys.argv[1:5]
import duckdb
start = time.perf_counter()
if mode == "peer":
    con = duckdb.connect(workspace)
    reader = "read_parquet" if source.endswith(".parquet") else "read_csv_auto"
    con.execute(f"CREATE TABLE firms AS SELECT * FROM {reader}('{source}')")
    rows = con.execute("SELECT count(*) FROM firms").fetchall()[0][0]
    con.close()
else:
    from clusterbrain.store import Workspace
    ws = Workspace.open(workspace)
    ws.import_file("regions", regions)
    start = time.perf_counter()
    rows = ws.import_file("firms", source).rows_written
    ws.close()
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"rows": rows, "seconds": seconds, "peak_bytes": peak}))
"""


def _prepare(rows: int, folder: Path) -> tuple[Path, Path, Path]:
    """Generate the demo firms (streamed) and write them as Parquet and CSV; return paths."""
    from clusterbrain.demo import generate

    data = folder / f"data-{rows}"
    generate(data, n_firms=rows, seed=7)
    parquet = data / "firms.parquet"
    csv = data / "firms.csv"
    with pacsv.CSVWriter(csv, pq.ParquetFile(parquet).schema_arrow) as writer:
        for batch in pq.ParquetFile(parquet).iter_batches(batch_size=200_000):
            writer.write_batch(batch)
    return parquet, csv, data / "regions.parquet"


def _run(mode: str, source: Path, folder: Path, regions: Path) -> dict[str, float]:
    workspace = folder / f"{mode}-{source.suffix[1:]}.duckdb"
    workspace.unlink(missing_ok=True)
    if mode == "clusterbrain":
        from clusterbrain.store import Workspace

        Workspace.create(workspace).close()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(source), str(workspace), str(regions)],
        check=True,
        capture_output=True,
        text=True,
    )
    workspace.unlink(missing_ok=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--dir", type=Path, default=None, help="Scratch folder (default: a temporary one).")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="cb-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'rows':>11} {'format':>8} {'tool':>13} {'seconds':>8} {'rows/s':>11} {'peak MB':>8} {'vs peer':>8}")
    for rows in args.rows:
        started = time.perf_counter()
        parquet, csv, regions = _prepare(rows, folder)
        print(f"# generated {rows:,} firms in {time.perf_counter() - started:.1f} s", flush=True)
        for source in (parquet, csv):
            peer = _run("peer", source, folder, regions)
            ours = _run("clusterbrain", source, folder, regions)
            for name, result in (("duckdb-bare", peer), ("clusterbrain", ours)):
                rate = result["rows"] / result["seconds"]
                ratio = result["seconds"] / peer["seconds"]
                print(
                    f"{result['rows']:>11,} {source.suffix[1:]:>8} {name:>13} {result['seconds']:>8.2f} "
                    f"{rate:>11,.0f} {result['peak_bytes'] / 2**20:>8.0f} {ratio:>7.2f}x",
                    flush=True,
                )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"# benchmark driver peak {own:.0f} MB (generation included)")


if __name__ == "__main__":
    main()
