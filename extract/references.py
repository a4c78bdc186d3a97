"""TODO stub: references (being written)."""


def extract_references(doc, plan):
    return [], []
