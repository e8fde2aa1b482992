"""One place where user mistakes become clear messages and exit codes, never tracebacks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from clusterbrain.exceptions import ClusterBrainError

__all__ = ["handle_errors"]

P = ParamSpec("P")
R = TypeVar("R")
err = Console(stderr=True)


def handle_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Run ``command``; print a :class:`ClusterBrainError` as ``error: ...`` and exit with status 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ClusterBrainError as exc:
            err.print(f"[bold red]error:[/bold red] {exc}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
            err.print(f"[bold red]error:[/bold red] {exc.filename}: {exc.strerror}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper
