"""Chain-template documents: the built-in YAML files, user files, and the workspace's ``chains`` table."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import yaml

from clusterbrain import __version__
from clusterbrain.exceptions import SchemaError
from clusterbrain.store.readers import file_sha256

__all__ = ["builtin_chain_documents", "read_chain_file", "save_chain", "workspace_chain_documents"]

_PACKAGE = "clusterbrain.store.chain_templates"


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader (libyaml) is ~8x faster when present


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SchemaError(f"{source}: not valid YAML{where}: {problem}") from None


def builtin_chain_documents() -> dict[str, Any]:
    """The documents of the templates shipped with clusterbrain, by file name (parsed once per process)."""
    return copy.deepcopy(_parsed_builtin())


@functools.cache
def _parsed_builtin() -> dict[str, Any]:
    folder = resources.files(_PACKAGE)
    return {
        entry.name: _parse_yaml(entry.read_text(encoding="utf-8"), entry.name)
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith((".yaml", ".yml"))
    }


def read_chain_file(path: str | Path) -> Any:
    """Read a chain template from a YAML or JSON file.

    Raises
    ------
    SchemaError
        If the file is missing or not valid YAML (the message names the line and column).
    """
    path = Path(path)
    if not path.is_file():
        raise SchemaError(f"{path}: no such file")
    return _parse_yaml(path.read_text(encoding="utf-8"), path.name)


def save_chain(con: duckdb.DuckDBPyConnection, document: dict[str, Any], *, path: Path) -> bool:
    """Store a (validated) template document in ``chains``, replacing one of the same id.

    Returns whether a template of that id was replaced. The import is recorded in ``imports``.
    """
    chain_id = document["id"]
    con.execute("BEGIN TRANSACTION")
    try:
        replaced = bool(con.execute("SELECT count(*) FROM chains WHERE chain_id = ?", [chain_id]).fetchall()[0][0])
        con.execute("DELETE FROM chains WHERE chain_id = ?", [chain_id])
        con.execute(
            "INSERT INTO chains VALUES (?, ?, ?, ?, ?, ?)",
            [
                chain_id,
                document["name_zh"],
                document["name_en"],
                len(document["nodes"]),
                json.dumps(document, ensure_ascii=False),
                path.name,
            ],
        )
        n = len(document["nodes"])
        con.execute(
            "INSERT INTO imports SELECT coalesce(max(import_id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM imports",
            [
                "chain",
                path.name,
                str(path.resolve()),
                file_sha256(path),
                "yaml",
                dt.datetime.now(),
                n,
                n,
                n if replaced else 0,
                __version__,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return replaced


def workspace_chain_documents(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The documents of the templates imported into a workspace, by chain id."""
    return {
        cid: json.loads(doc) for cid, doc in con.execute("SELECT chain_id, document FROM chains ORDER BY 1").fetchall()
    }
