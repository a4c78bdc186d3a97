"""Warnings of an extraction record: what was read as nothing where something was expected.

Issue #11 ("no silent zero"): a plan with a tasks section in which no task is recognised
gets a warning in its record (``warnings``) and on stderr from the CLI, never a quiet empty
task list. The tasks section is the one :func:`.sections.tasks_section` finds, or else the
first top-level section whose title mentions tasks (``tasks_mention`` of
``lexicon/sections_headings.json``, e.g. "PHÂN CÔNG NHIỆM VỤ").

>>> from planlineage.extract.document import Document
>>> doc = Document.from_text("KẾ HOẠCH\\nI. MỤC ĐÍCH\\n- a\\nII. NHIỆM VỤ VÀ GIẢI PHÁP\\nLàm tốt.\\nIII. TỔ CHỨC", "x.txt")
>>> task_warnings(doc, [])
['lines 4-5: no task recognised in the tasks section "II. NHIỆM VỤ VÀ GIẢI PHÁP"']
>>> task_warnings(doc, ["a task"])
[]
"""
from __future__ import annotations

from .document import Document
from .sections import _key, _lexicon, split_sections, tasks_section


def _mentions_tasks(title: str) -> bool:
    k = _key(title)
    return any(cue in k for cue in _lexicon().get("tasks_mention", []))


def task_warnings(doc: Document, raw_tasks: list) -> list[str]:
    """doc (Document): the plan. raw_tasks (list): the tasks the readers found.
    RETURNS (list[str]): one warning when the plan has a tasks section but no task was recognised.
    """
    if raw_tasks:
        return []
    section = tasks_section(doc) or next((s for s in split_sections(doc) if _mentions_tasks(s.title)), None)
    if section is None:
        return []
    return [f'lines {section.start}-{section.end}: no task recognised in the tasks section '
            f'"{section.number}. {section.title}"']
