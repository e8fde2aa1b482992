"""Parameters of the planning loop: the shipped defaults, overridden by a user's YAML file."""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["default_params", "load_params"]


@cache
def _defaults() -> dict[str, Any]:
    text = resources.files("clusterbrain.workflow").joinpath("defaults/planning.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def default_params() -> dict[str, Any]:
    """A fresh copy of the default parameters (``workflow/defaults/planning.yaml``)."""
    return copy.deepcopy(_defaults())


def _merge(base: dict[str, Any], update: dict[str, Any], where: str) -> None:
    for key, value in update.items():
        if key not in base:
            known = ", ".join(sorted(base))
            raise InvalidParameterError(f"unknown parameter {where}{key!r}; known here: {known}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise InvalidParameterError(f"parameter {where}{key!r} must be a mapping, got {value!r}")
            _merge(base[key], value, f"{where}{key}.")
        elif isinstance(base[key], int | float) and not isinstance(base[key], bool):
            if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise InvalidParameterError(f"parameter {where}{key!r} must be a non-negative number, got {value!r}")
            base[key] = value
        else:
            base[key] = value


def load_params(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The default parameters updated by the YAML file ``path`` and then by ``overrides``.

    Raises
    ------
    InvalidParameterError
        For an unreadable file, an unknown key or a value of the wrong kind (the message
        names the key path, e.g. ``positioning.weights.barrier``).
    """
    params = default_params()
    if path is not None:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InvalidParameterError(f"cannot read the parameter file {path}: {exc}") from exc
        if not isinstance(data, dict):
            raise InvalidParameterError(f"the parameter file {path} must hold a mapping of sections")
        _merge(params, data, "")
    if overrides:
        _merge(params, overrides, "")
    return params
