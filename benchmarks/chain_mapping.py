"""Firm-to-node mapping benchmark: 100,000 demo firms onto the shipped chain templates.

Runs, in fresh child processes on the same firms: a naive peer (for every node keyword, a
pandas ``str.contains`` over names and business scopes, first hit wins — what a quick script
would do) and ``clusterbrain.chain.map_firms`` (jieba tokens, codes, products, noisy-or).
Prints wall time, CPU time of the process (steadier than wall time on a shared machine), peak
memory and, against the generator's ground truth
(``firm_nodes.parquet``), the share of firms put on their true node.

Usage::

    python benchmarks/chain_mapping.py                 # 100,000 firms
    python benchmarks/chain_mapping.py --firms 20000
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
import pandas as pd
tool, data = sys.argv[1:3]
from clusterbrain.workflow.chains import load_chain
firms = pd.read_parquet(data + "/firms.parquet")
truth = pd.read_parquet(data + "/firm_nodes.parquet")
links = pd.read_parquet(data + "/links.parquet")
results = {}
for chain_id in sorted(truth["chain_id"].unique()):
    template = load_chain(chain_id)
    on_chain = truth[truth["chain_id"] == chain_id]
    start, cpu = time.perf_counter(), time.process_time()
    if tool == "clusterbrain":
        from clusterbrain.chain import map_firms
        got = map_firms(firms, template, links=links).assignments[["firm_id", "node_id"]]
    else:
        text = (firms["name"].fillna("") + " " + firms["business_scope"].fillna("")).str.lower()
        node = pd.Series(pd.NA, index=firms.index, dtype="object")
        for n in template.nodes:
            for word in (*n.keywords_zh, *n.keywords_en):
                hit = node.isna() & text.str.contains(word.lower(), regex=False)
                node[hit] = n.id
        got = pd.DataFrame({"firm_id": firms["firm_id"], "node_id": node}).dropna()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    joined = on_chain.merge(got, on="firm_id", how="left", suffixes=("", "_got"))
    results[chain_id] = {"seconds": seconds, "cpu": cpu, "mapped": int(len(got)),
                         "accuracy": float((joined["node_id"] == joined["node_id_got"]).mean())}
peak = int(re.search(r'VmHWM:\s+(\d+) kB', open('/proc/self/status').read()).group(1)) * 1024  # VmHWM: this process's own peak (ru_maxrss would include the parent's at fork)
print(json.dumps({"results": results, "peak_bytes": peak}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--only-clusterbrain", action="store_true", help="Skip the naive peer.")
    args = parser.parse_args()
    from clusterbrain.demo import generate

    data = Path(tempfile.mkdtemp(prefix="cb-bench-map-"))
    generate(data, n_firms=args.firms, seed=11)
    print(f"# {args.firms:,} demo firms; accuracy = share of each chain's firms put on their true node")
    print(f"{'tool':>13} {'chain':>24} {'seconds':>8} {'cpu s':>6} {'mapped':>9} {'accuracy':>9} {'peak MB':>8}")
    for tool in ("clusterbrain",) if args.only_clusterbrain else ("naive-substring", "clusterbrain"):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, tool, str(data)], check=True, capture_output=True, text=True
        )
        report = json.loads(done.stdout.strip().splitlines()[-1])
        for chain_id, r in report["results"].items():
            print(
                f"{tool:>13} {chain_id:>24} {r['seconds']:>8.2f} {r['cpu']:>6.2f} {r['mapped']:>9,} {r['accuracy']:>9.3f} "
                f"{report['peak_bytes'] / 2**20:>8.0f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
