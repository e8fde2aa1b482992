"""Writing result tables to files (CSV, UTF-8), so interfaces never touch the file system themselves."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

__all__ = ["write_csv_tables", "write_json"]


def write_csv_tables(out_dir: str | Path, tables: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Write each table to ``out_dir/<name>.csv`` (UTF-8, no index); return the paths written.

    Floats are written in their shortest exact form, so results read back exactly.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8")
        paths.append(path)
    return paths


def write_json(path: str | Path, data: object) -> Path:
    """Write ``data`` as UTF-8 JSON (Chinese kept as is, indented)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    return path
