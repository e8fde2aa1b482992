"""Workflow: assembles engine results into the objects users see (tables, findings with evidence)."""
