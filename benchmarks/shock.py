"""Shock-propagation benchmark: a large scenario, a Monte Carlo run, and a networkx reference for the ratio.

Cases (each in a fresh child process, so the peak memory is its own):

- ``large``: a scale-free-ish random network (default 1,000,000 firms / 10,000,000 links, 200 nodes,
  30 regions; supplier choice proportional to Pareto weights), capacity 10% above output; a 60-day
  scenario cutting one region's firms by half for 20 days, daily utilisation kept per firm
  (``precision="float32"``). Reports the time to draw the random arrays, to build the network from
  them, to simulate (including the network's index arrays, made on the first run), and the peak RSS.
- ``monte-carlo``: ``--mc-scenarios`` (default 1,000) random scenarios (5 random firms each, share 0.5-1,
  7-30 days, 60 days simulated) on a ``--mc-firms`` network with 5 links per firm, in batches of 16
  (``precision="float32"``).
- ``reference``: the plain-Python networkx implementation of the same model
  (``tests/network/test_shock_reference.py``) against ours on a ``--ref-firms`` network, 60 days,
  the ratio printed, and the largest difference of daily output.

Usage::

    OPENBLAS_NUM_THREADS=1 python benchmarks/shock.py   # 1M/10M, 1,000 scenarios on 50k firms, 2,000-firm reference
    python benchmarks/shock.py --quick        # 100k/1M, 100 scenarios on 10k firms, 500-firm reference
    python benchmarks/shock.py --case large --firms 200000 --links 2000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def generate(n: int, m: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Random network arrays: heavy-tailed supplier degrees, uniform customers, log-normal flows."""
    rng = np.random.default_rng(seed)
    cum = np.cumsum(rng.pareto(1.5, n) + 1.0)
    supplier = np.searchsorted(cum, rng.random(m) * cum[-1]).astype(np.int32)
    customer = rng.integers(0, n, m, dtype=np.int32)
    return {
        "supplier": supplier,
        "customer": customer,
        "flow": rng.lognormal(0.0, 1.0, m),
        "firm_group": rng.integers(0, 200, n).astype(np.int32),
        "firm_region": rng.integers(0, 30, n).astype(np.int32),
    }


def build(d: dict[str, np.ndarray], n: int):  # noqa: ANN201 - child-process helper
    """The network of the arrays, with capacity 10% above output (output = max(sales, purchases))."""
    from clusterbrain.network.shock import ProductionNetwork

    keep = d["supplier"] != d["customer"]
    sales = np.bincount(d["supplier"][keep], weights=d["flow"][keep], minlength=n)
    output = np.maximum(sales, np.bincount(d["customer"][keep], weights=d["flow"][keep], minlength=n))
    return ProductionNetwork.from_links(
        d["supplier"],
        d["customer"],
        d["flow"],
        n_firms=n,
        firm_group=d["firm_group"],
        firm_region=d["firm_region"],
        output=output,
        capacity=1.1 * output,
    )


def peak_rss() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # GiB (Linux: KiB)


def case_large(args: argparse.Namespace) -> dict:
    from clusterbrain.network.shock import shock_region, simulate_shock

    t0 = time.perf_counter()
    d = generate(args.firms, args.links)
    t1 = time.perf_counter()
    net = build(d, args.firms)
    del d
    t2 = time.perf_counter()
    result = simulate_shock(net, shock_region(net, 0, share=0.5, duration=20), days=60, precision="float32")
    t3 = time.perf_counter()
    return {
        "case": f"large {args.firms:,} firms / {net.n_links:,} links, 60 days",
        "build_s": t2 - t1,
        "seconds": t3 - t2,
        "peak_gib": peak_rss(),
        "note": f"arrays drawn in {t1 - t0:.1f} s; loss share {result.loss_share:.4f}, "
        f"{int((result.hit_day >= 0).sum()):,} firms hit",
    }


def case_monte_carlo(args: argparse.Namespace) -> dict:
    from clusterbrain.network.shock import RandomShocks, monte_carlo

    t0 = time.perf_counter()
    net = build(generate(args.mc_firms, 5 * args.mc_firms, seed=1), args.mc_firms)
    t1 = time.perf_counter()
    mc = monte_carlo(net, RandomShocks(net, count=5), args.mc_scenarios, seed=1, precision="float32")
    t2 = time.perf_counter()
    note = f"mean loss {mc.mean:.1f} [{mc.ci_low:.1f}, {mc.ci_high:.1f}], {mc.firms_hit.mean():.0f} firms hit"
    if args.mc_scenarios != 1000:
        note += f"; 1,000 scenarios at this rate: {(t2 - t1) * 1000 / args.mc_scenarios:.0f} s (extrapolated)"
    return {
        "case": f"monte carlo {args.mc_scenarios:,} x {args.mc_firms:,} firms / {net.n_links:,} links",
        "build_s": t1 - t0,
        "seconds": t2 - t1,
        "peak_gib": peak_rss(),
        "note": note,
    }


def case_reference(args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(ROOT))
    from tests.network.test_shock_reference import random_network, reference_graph, reference_simulate

    from clusterbrain.network.shock import ProductionNetwork, shock_firms, simulate_shock

    n = args.ref_firms
    d = random_network(n, 5 * n, 20, seed=9)
    g = reference_graph(d["supplier"], d["customer"], d["flow"], d["group"], n, capacity_factor=1.1)
    shocked = np.arange(0, n, 50)
    t0 = time.perf_counter()
    expected = reference_simulate(g, dict.fromkeys(shocked.tolist(), 0.8), 0, 20, days=60)
    t1 = time.perf_counter()
    net = ProductionNetwork.from_links(
        d["supplier"],
        d["customer"],
        d["flow"],
        n_firms=n,
        group=d["group"],
        capacity=1.1 * np.array([g.nodes[i]["output"] for i in range(n)]),
    )
    result = simulate_shock(net, shock_firms(net, shocked, share=0.8, duration=20), days=60)
    t2 = time.perf_counter()
    want = np.array([[day[i] for i in range(n)] for day in expected])
    diff = float(np.abs(result.utilisation * net.output - want).max())
    return {
        "case": f"reference {n:,} firms / {net.n_links:,} links, 60 days",
        "build_s": 0.0,
        "seconds": t2 - t1,
        "reference_s": t1 - t0,
        "peak_gib": peak_rss(),
        "note": f"networkx {t1 - t0:.2f} s, ratio {(t1 - t0) / (t2 - t1):.0f}x, max |diff| {diff:.1e}",
    }


CASES = {"large": case_large, "monte-carlo": case_monte_carlo, "reference": case_reference}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (well under a minute)")
    parser.add_argument("--case", choices=[*CASES, "all"], default="all")
    parser.add_argument("--firms", type=int, default=None)
    parser.add_argument("--links", type=int, default=None)
    parser.add_argument("--mc-firms", type=int, default=None)
    parser.add_argument("--mc-scenarios", type=int, default=None)
    parser.add_argument("--ref-firms", type=int, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = (100_000, 1_000_000, 10_000, 100, 500) if args.quick else (1_000_000, 10_000_000, 50_000, 1000, 2000)
    for name, value in zip(("firms", "links", "mc_firms", "mc_scenarios", "ref_firms"), sizes, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.child:
        print(json.dumps(CASES[args.case](args)))  # noqa: T201
        return
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared: other processes slow the timings)")  # noqa: T201
    print(f"{'case':58s} {'build s':>8s} {'run s':>8s} {'peak GiB':>9s}  note")  # noqa: T201
    for name in CASES if args.case == "all" else [args.case]:
        argv = [sys.executable, __file__, "--child", "--case", name]
        for flag in ("firms", "links", "mc_firms", "mc_scenarios", "ref_firms"):
            argv += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
        out = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)  # noqa: S603
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{row['case']:58s} {row['build_s']:8.2f} {row['seconds']:8.2f} {row['peak_gib']:9.2f}  {row['note']}")  # noqa: T201
    print(f"load average after: {os.getloadavg()[0]:.2f}")  # noqa: T201


if __name__ == "__main__":
    main()
