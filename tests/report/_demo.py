"""The demo workspace and its plan, built once per test session for the report and report-CLI tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clusterbrain.demo.build import build_demo_workspace
from clusterbrain.store import Workspace
from clusterbrain.workflow.plan import run_plan

FOCUS = "990000"
_BUILT: dict[str, Any] = {}


def demo_workspace(factory: pytest.TempPathFactory) -> Path:
    """A demo workspace (3,000 firms) in a session temporary folder, built on first use."""
    if "workspace" not in _BUILT:
        _BUILT["workspace"] = Path(build_demo_workspace(factory.mktemp("report-demo"), n_firms=3000).workspace)
    return _BUILT["workspace"]


def demo_plan(factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The plan documents of the demo's focus province and the workspace's import records."""
    if "plan" not in _BUILT:
        with Workspace.open(demo_workspace(factory), read_only=True) as ws:
            _BUILT["plan"] = (run_plan(ws.con, FOCUS).documents(), ws.info().imports)
    return _BUILT["plan"]
