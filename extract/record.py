"""Assemble one extraction record from one document.

The record is the contract of ``extract`` (``extract/schema/extraction.schema.json``):
plan metadata, references, lineage, objectives and tasks. Layout readers
(:mod:`.tables`, :mod:`.bullets`) find raw tasks; the concept modules
(:mod:`.units`, :mod:`.dates`, :mod:`.targets`, :mod:`.themes`) interpret their
cells. Every task and reference carries ``lines``: its first and last source
line (1-based), the provenance the schema allows as an extra key.

>>> rec = extract_text("KẾ HOẠCH\\nThực hiện Quyết định số 1703/QĐ-TTg", "x.txt")
>>> rec["source"], sorted(rec)[:3]
('x.txt', ['extractor', 'lineage', 'objectives'])
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from . import bullets, dates, meta, references, tables, targets, themes, units
from .document import Document, RawTask
from .errors import ExtractionError

EXTRACTOR_VERSION = "planlineage.extract.v1"
#: Largest document accepted (bytes); a plan is a few hundred KB at most.
MAX_BYTES = 20 * 1024 * 1024


def _task(raw: RawTask, plan: dict) -> dict:
    lead, cooperate = units.task_units(raw, plan)
    period = dates.parse_period(raw)
    return {
        "ref": raw.ref,
        "theme": themes.task_theme(raw),
        "text": raw.text,
        "lead": lead,
        "cooperate": cooperate,
        "period": period["period"],
        "start": period["start"],
        "end": period["end"],
        "recurring": period["recurring"],
        "targets": targets.task_targets(raw),
        "training": themes.is_training(raw),
        "lines": [raw.lines[0], raw.lines[1]],
        "layout": raw.layout,
    }


def extract_document(doc: Document) -> dict:
    """Extraction record of an already loaded :class:`Document` (never raises on odd text)."""
    plan = meta.extract_plan(doc)
    refs, lineage = references.extract_references(doc, plan)
    raw_tasks = tables.extract_table_tasks(doc) or bullets.extract_bullet_tasks(doc)
    return {
        "source": doc.source,
        "plan": plan,
        "references": refs,
        "lineage": lineage,
        "objectives": targets.extract_objectives(doc),
        "tasks": [_task(r, plan) for r in raw_tasks],
        "extractor": EXTRACTOR_VERSION,
    }


def extract_text(text: str, source: str = "<text>") -> dict:
    """Extraction record of a text; always returns a schema-valid record."""
    return extract_document(Document.from_text(text, source))


def read_text(path: str | Path) -> str:
    """Read a plan as text, refusing what is not one with a clear ExtractionError."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ExtractionError(path, "is a directory, not a document") from None
    except OSError as e:
        raise ExtractionError(path, f"cannot be read ({e.strerror})") from None
    if not data.strip():
        raise ExtractionError(path, "is empty")
    if len(data) > MAX_BYTES:
        raise ExtractionError(path, f"is {len(data) // (1024 * 1024)} MB, over the {MAX_BYTES // (1024 * 1024)} MB limit for one plan")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096] or data[:4] in (b"%PDF", b"PK\x03\x04"):
        raise ExtractionError(path, "is a binary file, not plain text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ExtractionError(path, f"is not UTF-8 text (invalid byte at offset {e.start})") from None


def extract_file(path: str | Path) -> dict:
    """Extraction record of one file; raises ExtractionError for what is not a plan."""
    path = Path(path)
    text = read_text(path)
    record = extract_text(text, path.name)
    if not record["tasks"] and not record["references"]:
        raise ExtractionError(path, "is not a plan: no 'Kế hoạch' tasks and no referenced document found")
    record["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return record
