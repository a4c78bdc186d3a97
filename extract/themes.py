"""TODO stub: themes (being written)."""


def task_theme(raw):
    return "other"


def is_training(raw):
    return False
