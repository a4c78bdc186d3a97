"""Extraction: plan documents become extraction records (plain dicts, never RDF).

>>> from planlineage.extract import extract_text
>>> extract_text("KẾ HOẠCH", "empty.txt")["source"]
'empty.txt'
"""
from .errors import ExtractionError
from .record import EXTRACTOR_VERSION, extract_document, extract_file, extract_text

__all__ = ["ExtractionError", "EXTRACTOR_VERSION", "extract_document", "extract_file", "extract_text"]
