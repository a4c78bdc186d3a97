"""TODO stub: targets (being written)."""


def extract_objectives(doc):
    return []


def task_targets(raw):
    return []
