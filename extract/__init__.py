"""Extraction: plan documents become extraction records (plain dicts, never RDF).

>>> from planlineage.extract import extract_text
>>> extract_text("KẾ HOẠCH", "empty.txt")["source"]
'empty.txt'
"""
from .errors import ExtractionError

# The pipeline is imported on first use (PEP 562): query commands import extract.normalize only,
# and loading the extractor's modules cost them 0.1-0.16 s of start-up.
_LAZY = {"EXTRACTOR_VERSION", "extract_document", "extract_file", "extract_text"}


def __getattr__(name):
    if name in _LAZY:
        from . import record

        return getattr(record, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ExtractionError", "EXTRACTOR_VERSION", "extract_document", "extract_file", "extract_text"]
