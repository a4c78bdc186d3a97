"""Errors of the views and the report (one-line messages naming the thing and the problem)."""
from ..errors import PlanlineageError


class VizError(PlanlineageError):
    """A view or report cannot be made: unknown plan, task or unit, bad language, unwritable path."""
