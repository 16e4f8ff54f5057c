"""The problems a person can put right, said in a sentence: a bad file (ImportFailure, naming file,
row and column) and every other UserProblem (a period not understood, an abolished area, a store
held by another process…). The command line and the pages show these as they are; anything else is
unexpected, logged with a reference (scorecard.errors). Nothing here imports more than the standard
library, so the command line can catch them without loading pandas."""

from __future__ import annotations

from dataclasses import dataclass


class UserProblem(Exception):
    """A problem the person can put right, whose str() is the sentence to show."""


@dataclass
class Issue:
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


class ImportFailure(Exception):
    """A file that cannot be imported. Nothing has been written."""

    def __init__(self, issues: list[Issue] | Issue):
        self.issues = [issues] if isinstance(issues, Issue) else list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))
