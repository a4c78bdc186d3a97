"""The root of planlineage's own exceptions.

Every package raises subclasses of :class:`PlanlineageError` with a one-line
message that names the file (or store, or query) and the problem; ``cli.py``
turns them into ``Error: ...`` and exit code 1 in one place.
"""


class PlanlineageError(Exception):
    """Base class of every error planlineage raises on bad input."""
