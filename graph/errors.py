"""Errors of the graph package: one line naming the file, store or thing, and the problem.

>>> str(NotFound("plan", "999/KH-X"))
'plan 999/KH-X: not found in the graph (give a file name, a document number or an IRI)'
"""
from __future__ import annotations

from ..errors import PlanlineageError


class GraphError(PlanlineageError):
    """Base class of the graph package's errors."""


class StoreError(GraphError):
    """The store (directory or endpoint) cannot be opened, read or written."""


class StoreWriteError(StoreError):
    """Writing to the store failed (disk full, I/O error): a build stops there, what it wrote stays whole."""


class NotFound(GraphError, LookupError):
    """A plan or task named on the command line is not in the graph."""

    def __init__(self, kind: str, name: str):
        hint = "a file name, a document number or an IRI" if kind == "plan" else "<file name>#<ref> or an IRI"
        super().__init__(f"{kind} {name}: not found in the graph (give {hint})")


class NotConformant(GraphError):
    """A document graph breaks the SHACL shapes; ``violations`` holds them all."""

    def __init__(self, source: str, violations: list):
        self.source = source
        self.violations = violations
        first = violations[0] if violations else "?"
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        super().__init__(f"{source}: graph does not conform to the shapes: {first}{more}")
