"""TODO stub: dates (being written)."""


def parse_period(raw):
    return {"period": raw.period, "start": None, "end": None, "recurring": None}
