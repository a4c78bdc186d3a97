"""TODO stub: tables (being written)."""


def extract_table_tasks(doc):
    return []
