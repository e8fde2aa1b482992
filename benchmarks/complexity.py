"""Economic-complexity benchmark: py-ecomplexity vs clusterbrain on the same long table.

Both compute, from one year of region × industry values: RCA, the binary matrix M,
diversity, ubiquity, ECI, PCI, proximity, relatedness density, COI and COG. Each runs in its
own child process, which reports wall time and peak memory (max RSS); the script prints the
ratio and checks that the two agree (max |ΔECI|, max |Δdensity|).

The input is synthetic, nested and heavy-tailed (the demo generator's latent-capability
model is not needed here: a capability × complexity logistic draw gives the same structure).

Usage::

    python benchmarks/complexity.py                       # 300 regions x 500 industries
    python benchmarks/complexity.py --regions 1000 --industries 1000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

CHILD = r"""
import json, resource, sys, time, warnings
import pandas as pd
tool, source, out = sys.argv[1:4]
long = pd.read_parquet(source)
start = time.perf_counter()
if tool == "ecomplexity":
    from ecomplexity import ecomplexity
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = ecomplexity(long, {"time": "year", "loc": "region", "prod": "industry", "val": "value"}, verbose=False)
    regions = result[["region", "eci"]].drop_duplicates()
    pairs = result[["region", "industry", "density"]]
else:
    from clusterbrain.workflow.metric_tables import relatedness_tables
    tables = relatedness_tables(long.drop(columns="year"))
    regions, pairs = tables["regions"][["region", "eci"]], tables["pairs"][["region", "industry", "density"]]
seconds = time.perf_counter() - start
regions.to_parquet(out + "-regions.parquet")
pairs.to_parquet(out + "-pairs.parquet")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak_bytes": peak}))
"""


def synthetic_long(n_regions: int, n_industries: int, seed: int = 1) -> pd.DataFrame:
    """Nested, heavy-tailed region × industry values (every region and industry present)."""
    rng = np.random.default_rng(seed)
    capability = rng.normal(size=n_regions)
    complexity = rng.normal(size=n_industries)
    size = rng.lognormal(3, 1.2, n_regions)[:, None] * rng.lognormal(2, 1.0, n_industries)[None, :]
    chance = 1 / (1 + np.exp(-(capability[:, None] - complexity[None, :]) * 2))
    values = np.where(rng.random((n_regions, n_industries)) < chance, size * rng.lognormal(0, 0.5, size.shape), 0)
    values[:, 0] += 1  # keep every region non-empty
    r, i = np.nonzero(values)
    return pd.DataFrame(
        {
            "year": 2020,
            "region": np.char.add("r", r.astype(str)),
            "industry": np.char.add("i", i.astype(str)),
            "value": values[r, i],
        }
    )


def _run(tool: str, source: Path, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, tool, str(source), str(folder / tool)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--industries", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cb-bench-eci-"))
    source = folder / "long.parquet"
    long = synthetic_long(args.regions, args.industries)
    long.to_parquet(source)
    print(f"# {args.regions} regions x {args.industries} industries, {len(long):,} non-zero cells")
    results = {tool: _run(tool, source, folder) for tool in ("ecomplexity", "clusterbrain")}
    for tool, r in results.items():
        ratio = r["seconds"] / results["ecomplexity"]["seconds"]
        print(f"{tool:>13} {r['seconds']:8.2f} s  peak {r['peak_bytes'] / 2**20:7.0f} MB  {ratio:6.3f}x of ecomplexity")
    peer_eci = pd.read_parquet(folder / "ecomplexity-regions.parquet").set_index("region")["eci"]
    ours_eci = pd.read_parquet(folder / "clusterbrain-regions.parquet").set_index("region")["eci"]
    peer_d = pd.read_parquet(folder / "ecomplexity-pairs.parquet").set_index(["region", "industry"])["density"]
    ours_d = pd.read_parquet(folder / "clusterbrain-pairs.parquet").set_index(["region", "industry"])["density"]
    common = peer_d.index.intersection(ours_d.index)
    print(
        f"# agreement: max |dECI| = {(peer_eci - ours_eci.reindex(peer_eci.index)).abs().max():.2e}, "
        f"max |d density| = {(peer_d[common] - ours_d[common]).abs().max():.2e} over {len(common):,} pairs"
    )


if __name__ == "__main__":
    main()
