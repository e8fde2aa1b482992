"""Economic-complexity benchmark: clusterbrain's pipeline against the PyPI peers on the same matrix.

Each tool computes, from the same region x industry values, as much of the chain RCA -> M ->
diversity/ubiquity -> ECI/PCI -> proximity -> density -> COI/COG as it offers. Each run is a
fresh child process that loads the long table, then times the tool from that table in memory to
its own native results (pivoting included where the tool wants a matrix; one year after
another for the multi-year case) and reports the wall time and peak memory (max RSS, read
right after the timed part; the table also shows the RSS with only the input loaded). The
script prints the ratio of each time to ours and to the fastest peer, and the largest absolute
difference of ECI and density from ``ecomplexity`` where both computed them (density on the
first year).

Peers (benchmark-only; install them into the venv by hand, they are not project dependencies)::

    pip install ecomplexity economic-complexity fermi-cref econcomplex

- ``ecomplexity`` (Harvard Growth Lab): the whole chain from a long table, ``ecomplexity(...)``.
- ``econcomplex``: the whole chain from a long table, ``compute_complexity(...)``; ECI by a
  dense general eigen-solver (``numpy.linalg.eig``); density in percent on a proximity with
  diagonal 0 (EconGeo's conventions: the agreement column divides it by 100, the diagonal
  remains a documented difference).
- ``economic-complexity`` (DataWheel): ``rca``, ``complexity`` (method of reflections, 20
  iterations: not the eigenvector, so its ECI differs), ``proximity`` (diagonal 0),
  ``relatedness`` (density) and ``opportunity_gain`` (COG). It has no COI. Version 0.3.0 fails
  under pandas 3 (it writes into ``DataFrame.values``, read-only under copy-on-write): give it a
  Python with pandas 2 and pyarrow, ``--python economic-complexity=/path/to/python``.
- ``fermi-cref``: RCA, binarisation, diversification/ubiquity, ECI/PCI (``scipy.sparse.linalg.eigs``)
  and the proximity projection. It has no relatedness density, COI or COG.

The input is synthetic, nested and heavy-tailed: a capability x complexity logistic draw decides
which cells are non-zero, sizes are log-normal. Later years redraw presence and noise around
the same latent structure.

Usage::

    python benchmarks/complexity.py                  # 200 x 500 and 1,000 x 1,000 (a few minutes)
    python benchmarks/complexity.py --large          # + 3,000 x 1,500
    python benchmarks/complexity.py --years 10       # + 10 years of 3,000 x 1,500
    python benchmarks/complexity.py --skip-small --large --years 10 --repeat 1 --timeout 600 \
        --python economic-complexity=/path/to/pandas2/python

Each tool runs ``--repeat`` times (default 3) in fresh processes and the fastest run counts (the
machine is shared; the load average before each case is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TOOLS = ("clusterbrain", "ecomplexity", "econcomplex", "economic-complexity", "fermi-cref")
COVERS = {
    "clusterbrain": "all",
    "ecomplexity": "all",
    "econcomplex": "all",
    "economic-complexity": "no COI",
    "fermi-cref": "to proximity",
}

CHILD = r"""
import json, re, sys, time, warnings
import numpy as np
import pandas as pd

tool, source, out = sys.argv[1:4]
long = pd.read_parquet(source)
years = sorted(long["year"].unique())
input_bytes = int(re.search(r'VmHWM:\s+(\d+) kB', open('/proc/self/status').read()).group(1)) * 1024


def matrix(frame):
    # The same pivot for every tool that takes a matrix: sorted labels, absent cells 0.
    r, regions = pd.factorize(frame["region"], sort=True)
    c, industries = pd.factorize(frame["industry"], sort=True)
    X = np.zeros((len(regions), len(industries)))
    X[r, c] = frame["value"].to_numpy()
    return pd.DataFrame(X, index=pd.Index(regions, name="region"), columns=pd.Index(industries, name="industry"))


def per_year():
    for year in years:
        yield year, matrix(long[long["year"] == year])


# Imports first, outside the timing: a library's import time is not its speed.
if tool == "clusterbrain":
    from clusterbrain.metrics.pipeline import complexity_pipeline
elif tool == "ecomplexity":
    from ecomplexity import ecomplexity
elif tool == "econcomplex":
    from econcomplex import compute_complexity
elif tool == "economic-complexity":
    import economic_complexity as ecx
elif tool == "fermi-cref":
    from fermi import RelatednessMetrics, efc
else:
    raise SystemExit(f"unknown tool {tool}")

eci, density = {}, None
warnings.simplefilter("ignore")
start = time.perf_counter()
if tool == "clusterbrain":
    for year, X in per_year():
        result = complexity_pipeline(X)
        eci[year] = result.eci
        density = result.density if density is None else density
elif tool == "ecomplexity":
    cols = {"time": "year", "loc": "region", "prod": "industry", "val": "value"}
    result = ecomplexity(long, cols, verbose=False)
elif tool == "econcomplex":
    cols = {"loc": "region", "act": "industry", "val": "value", "time": "year"}
    result = compute_complexity(long, cols, method="eigenvector")
elif tool == "economic-complexity":
    for year, X in per_year():
        rca = ecx.rca(X)
        eci_y, pci_y = ecx.complexity(rca)
        phi = ecx.proximity(rca)
        dens = ecx.relatedness(rca, proximities=phi)
        cog = ecx.opportunity_gain(rca, pci=pci_y, proximities=phi)
        eci[year] = eci_y
        density = dens if density is None else density
else:
    for year, X in per_year():
        model = efc(X).compute_rca().binarize(threshold=1)
        model.get_diversification_ubiquity()
        eci_y, pci_y = model.get_eci_pci(method="eigenvalue")
        phi = RelatednessMetrics(model.get_matrix()).get_projection(rows=False, projection_method="proximity")
        eci[year] = pd.Series(eci_y, index=X.index)
seconds = time.perf_counter() - start
peak = int(re.search(r'VmHWM:\s+(\d+) kB', open('/proc/self/status').read()).group(1)) * 1024  # VmHWM: this process's own peak (ru_maxrss would include the parent's at fork)

# Outside the timing: ECI per region and year, density of the first year as a matrix.
if tool in ("ecomplexity", "econcomplex"):
    eci = {y: g.groupby("region")["eci"].first() for y, g in result.groupby("year")}
    first = result[result["year"] == years[0]]
    density = first.pivot(index="region", columns="industry", values="density")
    if tool == "econcomplex":
        density = density / 100  # econcomplex reports density in percent (EconGeo)
pd.DataFrame({str(y): pd.Series(v) for y, v in eci.items()}).to_parquet(out + "-eci.parquet")
if density is not None:
    pd.DataFrame(density).to_parquet(out + "-density.parquet")
print(json.dumps({"seconds": seconds, "peak_bytes": peak, "input_bytes": input_bytes}))
"""


def synthetic_long(n_regions: int, n_industries: int, seed: int = 1, year: int = 2020) -> pa.Table:
    """Nested, heavy-tailed region x industry values (every region and industry present), long."""
    rng = np.random.default_rng(seed)
    capability = rng.normal(size=n_regions)
    complexity = rng.normal(size=n_industries)
    size = rng.lognormal(3, 1.2, n_regions)[:, None] * rng.lognormal(2, 1.0, n_industries)[None, :]
    chance = 1 / (1 + np.exp(-(capability[:, None] - complexity[None, :]) * 2))
    if year != 2020:  # later years: the same latent structure, presence and noise drawn anew
        rng = np.random.default_rng([seed, year])
    values = np.where(rng.random((n_regions, n_industries)) < chance, size * rng.lognormal(0, 0.5, size.shape), 0)
    values[:, 0] += 1  # keep every region non-empty
    r, i = np.nonzero(values)
    regions = pa.array([f"r{k}" for k in range(n_regions)])
    industries = pa.array([f"i{k}" for k in range(n_industries)])
    return pa.table(
        {
            "year": pa.array(np.full(r.size, year, dtype=np.int64)),
            "region": regions.take(pa.array(r)),
            "industry": industries.take(pa.array(i)),
            "value": pa.array(values[r, i]),
        }
    )


def write_case(path: Path, n_regions: int, n_industries: int, years: int) -> int:
    """Write ``years`` years of the synthetic table to Parquet; return the number of rows."""
    rows = 0
    writer = None
    for year in range(2020, 2020 + years):
        table = synthetic_long(n_regions, n_industries, year=year)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        rows += table.num_rows
    if writer is not None:
        writer.close()
    return rows


def run_tool(tool: str, source: Path, out: Path, timeout: float, python: str) -> dict[str, object]:
    """Run one tool in a fresh child; its timings, or why there are none."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [python, "-c", CHILD, tool, str(source), str(out)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "wall": time.perf_counter() - started}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        if "read-only" in last:
            last += " (needs pandas < 3: see --python)"
        return {"status": f"failed: {last[:120]}"}
    return {"status": "ok", **json.loads(done.stdout.strip().splitlines()[-1])}


def outputs(stem: Path) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """ECI (regions x years) and first-year density (regions x industries) that a child wrote."""
    density = Path(f"{stem}-density.parquet")
    return pd.read_parquet(f"{stem}-eci.parquet"), (pd.read_parquet(density) if density.exists() else None)


def agreement(reference: Path, other: Path) -> tuple[float, float]:
    """Max |dECI| over every region and year both have, and max |d density| on the first year."""
    ref_eci, ref_density = outputs(reference)
    eci, density = outputs(other)
    common = ref_eci.columns.intersection(eci.columns)
    deci = float(np.nanmax(np.abs(eci.reindex(index=ref_eci.index)[common] - ref_eci[common]).to_numpy()))
    if density is None or ref_density is None:
        return deci, float("nan")
    mine = density.reindex(index=ref_density.index, columns=ref_density.columns)
    return deci, float(np.nanmax(np.abs(mine.to_numpy() - ref_density.to_numpy())))


def run_case(
    label: str,
    n_regions: int,
    n_industries: int,
    years: int,
    tools: list[str],
    *,
    timeout: float,
    repeat: int,
    pythons: dict[str, str],
) -> None:
    with tempfile.TemporaryDirectory(prefix="cb-bench-eci-") as name:
        measure_case(Path(name), label, n_regions, n_industries, years, tools, timeout, repeat, pythons)


def measure_case(
    folder: Path,
    label: str,
    n_regions: int,
    n_industries: int,
    years: int,
    tools: list[str],
    timeout: float,
    repeat: int,
    pythons: dict[str, str],
) -> None:
    """Write the case's table to ``folder``, run every tool on it and print the table."""
    source = folder / "long.parquet"
    rows = write_case(source, n_regions, n_industries, years)
    print(
        f"\n## {label}: {n_regions:,} regions x {n_industries:,} industries x {years} year(s), {rows:,} non-zero cells"
    )
    print(f"# load average before: {os.getloadavg()[0]:.2f} (2 cores; a busy machine slows every tool)")
    results = {}
    for tool in tools:
        python = pythons.get(tool, sys.executable)
        runs = []
        for _ in range(repeat):  # the fastest of `repeat` fresh processes; the largest peak
            runs.append(run_tool(tool, source, folder / tool, timeout, python))
            print(f"#   {tool}: {runs[-1]['status']} {runs[-1].get('seconds', '')}", file=sys.stderr, flush=True)
            if runs[-1]["status"] != "ok":
                break
        ok = [r for r in runs if r["status"] == "ok"]
        if len(ok) < len(runs):
            results[tool] = runs[-1]
        else:
            results[tool] = {
                "status": "ok",
                "seconds": min(float(r["seconds"]) for r in ok),
                "peak_bytes": max(float(r["peak_bytes"]) for r in ok),
                "input_bytes": min(float(r["input_bytes"]) for r in ok),
            }
    done = {t: r for t, r in results.items() if r["status"] == "ok"}
    ours = done.get("clusterbrain", {}).get("seconds")
    peers = [r["seconds"] for t, r in done.items() if t != "clusterbrain"]
    fastest = min(peers) if peers else None
    reference = folder / "ecomplexity" if "ecomplexity" in done else None
    header = (
        f"{'tool':<20} {'covers':<13} {'time s':>9} {'peak MB':>8} {'input MB':>8} "
        f"{'x ours':>8} {'x fastest':>9} {'max|dECI|':>10} {'max|dDens|':>10}"
    )
    print(header)
    print("-" * len(header))
    for tool, r in results.items():
        if r["status"] != "ok":
            shown = "timeout" if r["status"] == "timeout" else r["status"]
            extra = f" (> {timeout:.0f} s)" if r["status"] == "timeout" else ""
            print(f"{tool:<20} {COVERS[tool]:<13} {shown}{extra}")
            continue
        seconds = float(r["seconds"])
        x_ours = f"{seconds / ours:8.2f}" if ours else f"{'-':>8}"
        x_fast = f"{seconds / fastest:9.2f}" if fastest else f"{'-':>9}"
        deci = dd = "-"
        if reference is not None and tool != "ecomplexity":
            a, b = agreement(reference, folder / tool)
            deci, dd = f"{a:.1e}", ("-" if np.isnan(b) else f"{b:.1e}")
        print(
            f"{tool:<20} {COVERS[tool]:<13} {seconds:9.2f} {r['peak_bytes'] / 2**20:8.0f} "
            f"{r['input_bytes'] / 2**20:8.0f} {x_ours} {x_fast} {deci:>10} {dd:>10}"
        )
    if ours and fastest:
        best = min((t for t in done if t != "clusterbrain"), key=lambda t: done[t]["seconds"])
        print(f"# fastest peer: {best}, {fastest / ours:.1f}x our time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="also 3,000 regions x 1,500 industries")
    parser.add_argument("--years", type=int, default=0, help="also this many years of 3,000 x 1,500 (e.g. 10)")
    parser.add_argument("--skip-small", action="store_true", help="leave out 200 x 500 and 1,000 x 1,000")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per tool and case (default 600)")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per tool and case; the fastest counts")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument(
        "--python", action="append", default=[], metavar="TOOL=PATH", help="run TOOL with another interpreter"
    )
    args = parser.parse_args()
    pythons = dict(item.split("=", 1) for item in args.python)
    cases = [] if args.skip_small else [("small", 200, 500, 1), ("medium", 1000, 1000, 1)]
    if args.large:
        cases.append(("large", 3000, 1500, 1))
    if args.years:
        cases.append((f"large, {args.years} years", 3000, 1500, args.years))
    tools = ["clusterbrain", *(t for t in args.tools if t != "clusterbrain")]
    print(f"# complexity chain, one fresh process per tool and case; timeout {args.timeout:.0f} s")
    for tool, python in pythons.items():
        print(f"# {tool} runs with {python}")
    for label, n, k, years in cases:
        run_case(label, n, k, years, tools, timeout=args.timeout, repeat=args.repeat, pythons=pythons)


if __name__ == "__main__":
    main()
