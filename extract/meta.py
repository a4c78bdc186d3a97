"""TODO stub: meta (being written)."""


def extract_plan(doc):
    return {"title": "", "doc_type": "KH", "number": None, "issuer": "", "level": "commune",
            "province": None, "commune": None, "date": None, "signer": None}
