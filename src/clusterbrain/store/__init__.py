"""The store layer: the workspace, its schema, validated imports, code lists and regions."""

from __future__ import annotations

from clusterbrain.store.importer import ImportReport
from clusterbrain.store.schema import IMPORT_KINDS, TABLES
from clusterbrain.store.workspace import Workspace, WorkspaceInfo

__all__ = ["IMPORT_KINDS", "TABLES", "ImportReport", "Workspace", "WorkspaceInfo"]
