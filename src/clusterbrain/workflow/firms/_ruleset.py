"""Reading and checking the rule-set files (YAML/JSON) of the firm services: every error names file and path."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from clusterbrain.exceptions import InputValidationError, Problem
from clusterbrain.workflow.firms.rule_language import rule_problems

__all__ = ["RuleSetReader", "load_document"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_document(path: str | Path | None, builtin: str) -> tuple[dict[str, Any], str]:
    """The parsed rule-set document at ``path`` (YAML or JSON), or the built-in file ``builtin``."""
    if path is None:
        text = (
            resources.files("clusterbrain.workflow.firms")
            .joinpath("rules")
            .joinpath(builtin)
            .read_text(encoding="utf-8")
        )
        name = builtin
    else:
        p = Path(path)
        if not p.is_file():
            raise InputValidationError([Problem(p.name, None, None, str(p), "no such rule file")])
        text, name = p.read_text(encoding="utf-8"), p.name
    try:
        doc = json.loads(text) if name.endswith(".json") else yaml.load(text, Loader=_LOADER)  # noqa: S506 - safe loader
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InputValidationError([Problem(name, None, None, None, f"not valid YAML/JSON: {exc}")]) from exc
    if not isinstance(doc, dict):
        raise InputValidationError([Problem(name, None, None, None, "a rule file must hold a mapping at the top")])
    return doc, name


class RuleSetReader:
    """Collects the problems of one rule file while its parts are read, then raises them all at once."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def problem(self, path: str, value: Any, message: str) -> None:
        """Record one problem at ``path``."""
        shown = None if value is None else json.dumps(value, ensure_ascii=False, default=str)[:80]
        self.problems.append(Problem(self.name, None, path, shown, message))

    def get(self, doc: Any, key: str, path: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        """``doc[key]`` if it has type ``kind``; else record a problem and return ``default`` (or None)."""
        if not isinstance(doc, dict) or key not in doc:
            if default is ...:
                self.problem(f"{path}.{key}".lstrip("."), None, "required key is missing")
                return None
            return default
        value = doc[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind in (int, float, (int, float)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.problem(f"{path}.{key}".lstrip("."), value, f"must be {names}")
            return None if default is ... else default
        return value

    def number(self, doc: Any, key: str, path: str, *, low: float, high: float, default: Any = ...) -> float | None:
        """A number within ``[low, high]``."""
        value = self.get(doc, key, path, (int, float), default)
        if value is None or value is default:
            return value
        if not low <= value <= high:
            self.problem(f"{path}.{key}".lstrip("."), value, f"must be within [{low:g}, {high:g}]")
            return None
        return float(value)

    def rule(self, doc: Any, key: str, path: str, default: Any = ...) -> dict[str, Any] | None:
        """A rule in the eligibility-rule language (checked)."""
        value = self.get(doc, key, path, dict, default)
        if isinstance(value, dict):
            where = f"{path}.{key}".lstrip(".")
            for p in rule_problems(value, path=where):
                self.problem(p.path, p.value, p.message)
        return value

    def raise_if_any(self) -> None:
        """Raise :class:`InputValidationError` with every problem found."""
        if self.problems:
            raise InputValidationError(self.problems)
