"""TODO stub: units (being written)."""


def task_units(raw, plan):
    return [], []
