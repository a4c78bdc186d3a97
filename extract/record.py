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
import re
from pathlib import Path

from . import blocktables, dates, items, limits, loaders, meta, references, tables, targets, themes, units
from .document import Document, RawTask
from .errors import ExtractionError
from .normalize import strip_diacritics

EXTRACTOR_VERSION = "planlineage.extract.v1"
#: Largest document accepted (bytes); a plan is a few hundred KB at most (see loaders for all limits).
MAX_BYTES = loaders.MAX_FILE_BYTES


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


#: An assignment section replaces task items that name no unit when it lists at least this
#: share of their number of duties.
ASSIGN_SHARE = 0.5
#: ... and when fewer than this share of the items name a unit.
NAMED_SHARE = 0.15


def read_tasks(doc: Document) -> list[RawTask]:
    """The raw tasks of a plan, by the first layout that yields any (``ANNOTATION.md`` section 2).

    1. TABLE: rows of the task tables of the layout model (pipe tables, cells between '|'
       lines, Word and ruled PDF tables), or of a table whose cells the PDF text broke over
       lines (:mod:`.tables`, rebuilt from the lines).
    2. LABELLED / INLINE: items of the task sections (:mod:`.items`).
    3. ASSIGN: duties listed unit by unit in the assignment sections, only when the plan
       has no task of another layout.
    """
    table = blocktables.table_tasks(doc) or _outside_tables(doc, tables.extract_table_tasks(doc))
    narrative = items.section_tasks(doc)
    assigned = items.assignment_tasks(doc)
    items.leads_by_reference(narrative, assigned)
    if table:
        if all(blocktables.INDICATOR in t.notes for t in table):
            # An indicator table with lead units ("Chỉ tiêu" / "Chủ trì") sets what to reach;
            # the items of the plan are the work, tasks of their own.
            spans = [t.lines for t in table]
            return table + [t for t in narrative if not any(a <= t.lines[0] <= z for a, z in spans)]
        # Items beside a task table restate its rows (ANNOTATION.md section 1): the rows are the tasks.
        return table
    if (narrative and assigned and len(assigned) >= ASSIGN_SHARE * len(narrative) and not items.names_its_tasks(doc)
            and sum(1 for t in narrative if t.lead or t.cooperate or any(units.subject_units(t.text)))
            < NAMED_SHARE * len(narrative)):
        # Items that name no unit at all describe the work; the section that assigns it unit by
        # unit holds the tasks.
        return assigned
    return narrative or assigned


def _outside_tables(doc: Document, tasks: list[RawTask]) -> list[RawTask]:
    """Tasks that the line reader of PDF text (:mod:`.tables`) rebuilt outside the tables of the
    layout model: a table the layout model holds was already judged by its header (an indicator
    table whose lead column only monitors is not a task table)."""
    spans = [b.lines for b in items.read_blocks(doc) if b.is_table]
    return [t for t in tasks if not any(a <= t.lines[0] <= z for a, z in spans)]


def extract_document(doc: Document) -> dict:
    """Extraction record of an already loaded :class:`Document` (never raises on odd text)."""
    plan = meta.extract_plan(doc)
    raw_tasks = read_tasks(doc)
    refs, lineage = references.extract_references(doc, plan, [r.lines for r in raw_tasks])
    from .diagnostics import task_warnings  # issue #11: a tasks section that yields nothing is said

    return {
        "source": doc.source,
        "plan": plan,
        "references": refs,
        "lineage": lineage,
        "objectives": targets.extract_objectives(doc) + blocktables.indicator_objectives(doc),
        "tasks": [_task(r, plan) for r in raw_tasks],
        "warnings": task_warnings(doc, raw_tasks),
        "extractor": EXTRACTOR_VERSION,
    }


def extract_text(text: str, source: str = "<text>") -> dict:
    """Extraction record of a text; always returns a schema-valid record."""
    return extract_document(Document.from_text(text, source))


def read_text(path: str | Path) -> str:
    """Text of a plan file (text in any supported encoding, PDF or DOCX; see :mod:`.loaders`)."""
    return loaders.load(path).text


class _KeyTable(dict):
    """``str.translate`` table: each character as ``strip_diacritics(ch).lower()``, filled as met."""

    def __missing__(self, code: int) -> str:
        self[code] = strip_diacritics(chr(code)).lower()
        return self[code]


_KEY_CHARS = _KeyTable()
_KEY_WORD = re.compile(r"[0-9a-z]+")


def content_key(text: str) -> str:
    """SHA-256 of what a plan says, not how the file is laid out: its distinct folded words
    (numbers of one to three digits left out: page and row numbers differ between a PDF and
    its text). The same plan as PDF, DOCX and text, or the same file twice, has one key.

    >>> content_key("Kế hoạch 12,  KẾ HOẠCH ") == content_key("kế hoạch")
    True
    """
    # Same words as in fold(text): its other steps (tone placement, spaces, dashes) only
    # move marks that strip_diacritics drops or change characters that are not [0-9a-z].
    # strip_diacritics(text).lower() is done one character at a time (_KeyTable): NFD only
    # reorders combining marks, which are dropped or are not [0-9a-z] either way.
    words = {w for w in set(_KEY_WORD.findall(text.translate(_KEY_CHARS))) if not (w.isdigit() and len(w) <= 3)}
    return hashlib.sha256(" ".join(sorted(words)).encode("utf-8")).hexdigest()


#: A plan's heading ("KẾ HOẠCH", "QUYẾT ĐỊNH", ...) stands within its first lines.
PLAN_HEADING_LINES = 80


def _looks_like_a_plan(doc: Document) -> bool:
    """A document heading ("KẾ HOẠCH", "QUYẾT ĐỊNH", "CHƯƠNG TRÌNH", ...) stands in its first lines."""
    found = meta.heading_line(doc)
    return found is not None and found[0] <= PLAN_HEADING_LINES


def load_document(path: Path) -> tuple[Document, "loaders.Loaded"]:
    """The :class:`Document` of a file, read as ``extract`` reads it, and how it was loaded."""
    loaded = loaders.load(path)
    doc = Document.from_text(loaded.text, path.name, loaded.grids, paragraph_lines=loaded.format == "docx")
    return doc, loaded


def extract_file(path: str | Path) -> dict:
    """Extraction record of one file; raises ExtractionError for what is not a plan.

    ``sha256`` is the :func:`content_key` (duplicates are recognised by it); ``format`` and
    ``encoding`` say how the file was read.
    """
    path = Path(path)
    doc, loaded = load_document(path)
    limits.check_lines(path, loaded.text)
    with limits.time_limit(path):
        record = extract_document(doc)
        if not record["tasks"] and not record["references"] and not _looks_like_a_plan(doc):
            raise ExtractionError(path, "is not a plan: no 'Kế hoạch' heading, no task and no referenced document found")
    limits.check_tasks(path, len(record["tasks"]))
    if not record["tasks"] and not record["warnings"]:
        # A plan of which no task was read is still loaded with what was read, and says so.
        record["warnings"].append("no task recognised in this plan")
    record["sha256"] = content_key(loaded.text)
    record["format"] = loaded.format
    record["encoding"] = loaded.encoding
    return record
