"""Shared fixtures: a fresh workspace, and the real data sets in ../shared/data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clusterbrain.demo.build import DemoSummary, build_demo_workspace
from clusterbrain.store import Workspace

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def require_data(relative: str | Path) -> Path:
    """Path of a real data file (relative to ../shared/data, or absolute).

    A missing file fails the test under CI=true and skips it elsewhere.
    """
    path = SHARED_DATA / relative
    if not path.exists():
        message = f"real data file missing: {path}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def demo_summary(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    """The demo workspace with 3,000 firms, built once per session. Open it read-only: tests share it."""
    return build_demo_workspace(tmp_path_factory.mktemp("demo-3000"), n_firms=3000)


@pytest.fixture(scope="session")
def _template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.duckdb"
    Workspace.create(path).close()
    return path


@pytest.fixture
def workspace(_template_workspace: Path, tmp_path: Path) -> Workspace:
    """A new workspace with the built-in code lists and regions (a copy of one made per session)."""
    path = tmp_path / "ws.duckdb"
    path.write_bytes(_template_workspace.read_bytes())
    ws = Workspace.open(path)
    yield ws
    ws.close()
