"""Progress bars for long work (rows imported, firms generated)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

__all__ = ["row_progress", "step_progress"]

_err = Console(stderr=True)


@contextmanager
def row_progress(description: str, *, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """Yield a callback taking the number of rows done so far; shows a live counter on stderr."""
    if quiet:
        yield lambda _rows: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,.0f} rows"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=_err, transient=True) as bar:
        task = bar.add_task(description, total=None)
        yield lambda rows: bar.update(task, completed=rows)


@contextmanager
def step_progress(*, quiet: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """Yield a callback ``(step, done, total)`` that draws one bar per step on stderr."""
    if quiet:
        yield lambda _step, _done, _total: None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_err, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        yield update
