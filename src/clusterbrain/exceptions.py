"""The one exception hierarchy of clusterbrain."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ClusterBrainError",
    "ImportValidationError",
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
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f": value {self.value!r}"
        return f"{', '.join(where)}{shown}: {self.rule}"


class ImportValidationError(SchemaError):
    """An import was refused; the workspace is unchanged.

    Parameters
    ----------
    problems : list of Problem
        The first problems found (at most ``MAX_PROBLEMS``), in file order per rule.
    total : int
        How many problems were found in all; may exceed ``len(problems)``.
    """

    MAX_PROBLEMS = 20

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = problems[: self.MAX_PROBLEMS]
        self.total = len(problems) if total is None else total
        lines = [str(p) for p in self.problems]
        more = self.total - len(self.problems)
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        super().__init__(
            f"import refused, the workspace is unchanged ({self.total} problem(s)):\n"
            + "\n".join(f"  - {line}" for line in lines)
        )
