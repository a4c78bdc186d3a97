"""TODO stub: bullets (being written)."""


def extract_bullet_tasks(doc):
    return []
