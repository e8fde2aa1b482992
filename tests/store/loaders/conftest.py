"""Fixtures of the loader tests: where the real data sets are, and how to require one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from clusterbrain.store.loaders._base import ARROW_TYPES
from clusterbrain.store.schema import TABLES
from tests.conftest import SHARED_DATA, require_data


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The directory of the real third-party data sets, ``../shared/data``."""
    return SHARED_DATA


@pytest.fixture(scope="session")
def require() -> Callable[[Path], Path]:
    """The helper ``require(path) -> path``: a missing file fails under CI=true, else skips."""
    return require_data


def canonical_schema(table: str) -> pa.Schema:
    """The Arrow schema a loader of workspace table ``table`` must return."""
    return pa.schema([(c.name, ARROW_TYPES[c.dtype]) for c in TABLES[table].columns])


@pytest.fixture(scope="session")
def assert_canonical() -> Callable[[pa.Table, str], None]:
    """The check ``assert_canonical(result, table)``: every schema column, in order, typed."""

    def check(result: pa.Table, table: str) -> None:
        assert result.schema.equals(canonical_schema(table)), result.schema

    return check
