"""Command line of the demo generator: ``python -m clusterbrain.demo OUT_DIR --firms N``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from clusterbrain.demo.generate import generate

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m clusterbrain.demo",
        description="Write the synthetic demo data set (one Parquet file per table kind + manifest.json).",
    )
    p.add_argument("out_dir", type=Path, help="output directory (created if needed)")
    p.add_argument("--firms", type=int, default=20_000, help="number of firms (default 20000)")
    p.add_argument("--links", type=int, default=None, help="number of link rows (default 5 x firms)")
    p.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    p.add_argument("--years", default="2019,2020,2021,2022,2023", help="comma-separated data years (default 2019-2023)")
    p.add_argument("--batch-rows", type=int, default=500_000, help="rows per streamed chunk (default 500000)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the generator; print progress to stderr and a summary to stdout. Return the exit code."""
    args = _parser().parse_args(argv)
    years = tuple(int(y) for y in args.years.split(",") if y.strip())
    t0 = time.perf_counter()
    last = [""]

    def progress(stage: str, done: int, total: int) -> None:
        line = f"\r{stage}: {done:,}/{total:,}"
        if stage != last[0] and last[0]:
            sys.stderr.write("\n")
        last[0] = stage
        sys.stderr.write(line)
        sys.stderr.flush()

    manifest = generate(
        args.out_dir,
        n_firms=args.firms,
        n_links=args.links,
        seed=args.seed,
        years=years,
        batch_rows=args.batch_rows,
        progress=None if args.quiet else progress,
    )
    if not args.quiet:
        sys.stderr.write("\n")
    rows = ", ".join(f"{k}={v:,}" for k, v in manifest.rows.items())
    sys.stdout.write(f"wrote {args.out_dir} in {time.perf_counter() - t0:.1f} s: {rows}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
