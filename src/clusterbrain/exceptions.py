"""The one exception hierarchy of clusterbrain."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ClusterBrainError",
    "ImportValidationError",
    "InputValidationError",
    "InvalidParameterError",
    "Problem",
    "SchemaError",
    "WorkspaceError",
]


class ClusterBrainError(Exception):
    """Root of every error raised on purpose by clusterbrain."""


class InvalidParameterError(ValueError, ClusterBrainError):
    """A function or command received a parameter outside its domain."""


class WorkspaceError(ClusterBrainError):
    """A workspace file is missing, locked, or written by another schema version."""


class SchemaError(ValueError, ClusterBrainError):
    """A file does not have the structure its table kind requires."""


@dataclass(frozen=True)
class Problem:
    """One broken rule in an input file: where it is, what was found, what was expected.

    ``row`` is the row as a spreadsheet shows it (the header is row 1, the first record
    row 2); for Parquet it is the record number plus one, so the numbering is the same.
    ``row`` is ``None`` for problems that concern the whole file (a missing column).
    ``repeats`` counts the rows where the same value breaks the same rule; ``row`` is the first.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    repeats: int = 1

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f": value {self.value!r}"
        again = f" (the same in {self.repeats - 1:,} more row(s))" if self.repeats > 1 else ""
        return f"{', '.join(where)}{shown}: {self.rule}{again}"


class InputValidationError(SchemaError):
    """An input file was refused; the message lists where each problem is.

    Parameters
    ----------
    problems : list of Problem
        The problems found; the first ``MAX_PROBLEMS`` are kept and shown.
    total : int, optional
        How many rows break a rule, in all; may exceed the rows the listed problems cover.
    """

    MAX_PROBLEMS = 20
    HEADLINE = "input refused"

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems[: self.MAX_PROBLEMS]
        self.total = sum(p.repeats for p in problems) if total is None else total
        lines = [str(p) for p in self.problems]
        more = self.total - sum(p.repeats for p in self.problems)
        if more > 0:
            lines.append(f"... and {more:,} more problem(s)")
        super().__init__(f"{self.HEADLINE} ({self.total:,} problem(s)):\n" + "\n".join(f"  - {line}" for line in lines))


class ImportValidationError(InputValidationError):
    """An import was refused; the workspace is unchanged."""

    HEADLINE = "import refused, the workspace is unchanged"
