"""Errors raised by the extraction step.

Every error names the file and says what is wrong in one line, so that the CLI
can print it as ``Error: <file>: <reason>``.
"""
from __future__ import annotations

from ..errors import PlanlineageError


class ExtractionError(PlanlineageError):
    """A document could not be turned into an extraction record.

    path (str): the file the error is about.
    reason (str): one line saying what is wrong and, where useful, what next.
    line (int | None): 1-based line number in the file, when the problem has one.
    """

    def __init__(self, path: str, reason: str, line: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")


class PatternError(PlanlineageError):
    """A pattern file under extract/patterns/ is malformed (names file and line)."""
