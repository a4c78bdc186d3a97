"""Split a plan into its top-level sections and find the tasks section.

A Kế hoạch is laid out in top-level sections numbered with Roman numerals and
titled in capitals: "I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ VÀ GIẢI PHÁP",
"III. TỔ CHỨC THỰC HIỆN". A heading is a line with a Roman number and a
capitalised title (or, in a plan with no Roman heading, an Arabic number and a
title whose letters are mostly capitals); a
section runs to the next heading of the same numbering kind, or to the
signature block ("Nơi nhận:"), or to the end of the document. The heading
cues live in ``lexicon/sections_headings.json``.

>>> from planlineage.extract.document import Document
>>> doc = Document.from_text("KẾ HOẠCH\\nI. MỤC ĐÍCH\\n- a\\nII. NHIỆM VỤ VÀ GIẢI PHÁP\\n1. X\\nIII. TỔ CHỨC THỰC HIỆN\\n1. Y", "x.txt")
>>> s = tasks_section(doc)
>>> s.number, s.title, s.start, s.end
('II', 'NHIỆM VỤ VÀ GIẢI PHÁP', 4, 5)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .lexicons import read_json
from .document import Document
from .errors import ExtractionError
from .normalize import collapse, cue_key

LEXICON = Path(__file__).parent / "lexicon" / "sections_headings.json"

_ROMAN = re.compile(r"^\s*(?:PHẦN\s+)?([IVX]{1,5})\s*[.):]\s*(\S.*)$")
_ARABIC = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*(\S.*)$")
_VALID_ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}


@dataclass(frozen=True)
class Section:
    """A top-level section of a plan.

    number (str): its number as written ("II", or "2" for Arabic headings).
    kind (str): "roman" or "arabic".
    title (str): the heading title, whitespace collapsed, trailing punctuation removed.
    start (int): line of the heading (1-based).
    end (int): last line of the section body (1-based, inclusive).
    """

    number: str
    kind: str
    title: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    data = read_json(LEXICON, what="heading lexicon")
    for k in ("tasks_prefix", "tasks_exclude", "end_lines"):
        if not isinstance(data.get(k), list):
            raise ExtractionError(LEXICON, f"has no list '{k}'")
    return data




def _key(text: str) -> str:
    """Folded text with punctuation turned into single spaces."""
    return cue_key(text)


def _mostly_upper(title: str) -> bool:
    letters = [c for c in title if c.isalpha()]
    if len(letters) < 3:
        return False
    return sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def heading(line: str) -> tuple[str, str, str] | None:
    """Read a top-level heading line.

    line (str): one normalised line.
    RETURNS (tuple | None): (kind, number, title) or None when the line is not a heading.

    >>> heading("II. NHIỆM VỤ VÀ GIẢI PHÁP ")
    ('roman', 'II', 'NHIỆM VỤ VÀ GIẢI PHÁP')
    >>> heading("1. Mục đích") is None
    True
    """
    for kind, rx in (("roman", _ROMAN), ("arabic", _ARABIC)):
        m = rx.match(line)
        if not m:
            continue
        number, title = m.group(1), collapse(m.group(2)).rstrip(" .:;")
        if kind == "roman" and number not in _VALID_ROMAN:
            continue
        # Roman numbers are distinctive enough for a sentence-case title
        # ("II. Nhiệm vụ và giải pháp"); Arabic ones only head sections in capitals.
        if _mostly_upper(title) or (kind == "roman" and title[:1].isupper() and len(title) <= 120):
            return kind, number, title
    return None


def is_end_line(line: str) -> bool:
    """True for a line that ends the body of the plan (e.g. "Nơi nhận:")."""
    k = _key(line)
    return any(k.startswith(cue) for cue in _lexicon()["end_lines"])


def split_sections(doc: Document) -> list[Section]:
    """Top-level sections of a document, in order.

    doc (Document): the plan.
    RETURNS (list[Section]): sections of the dominant numbering kind (Roman when any
        Roman heading exists); empty when the plan has no capitalised numbered heading.
    """
    found = []
    end_of_body = len(doc)
    attached = None  # a decision's end ("Nơi nhận:") comes before the plan it issues
    for n in range(1, len(doc) + 1):
        line = doc.line(n)
        if is_end_line(line):
            if attached is None:
                from .meta import attached_plan_line

                attached = attached_plan_line(doc) or 0
            if attached > n:
                found = []  # the decision's own part: the plan's sections start at its heading
                continue
            end_of_body = n - 1
            break
        h = heading(line)
        if h:
            found.append((n, *h))
    kinds = {k for _, k, _, _ in found}
    kind = "roman" if "roman" in kinds else "arabic"
    heads = [(n, num, title) for n, k, num, title in found if k == kind]
    sections = []
    for i, (n, num, title) in enumerate(heads):
        end = heads[i + 1][0] - 1 if i + 1 < len(heads) else end_of_body
        sections.append(Section(num, kind, title, n, end))
    return sections


def is_tasks_title(title: str) -> bool:
    """True when a heading title names the tasks section (NHIỆM VỤ VÀ GIẢI PHÁP ...).

    >>> is_tasks_title("NHIỆM VỤ, GIẢI PHÁP."), is_tasks_title("TỔ CHỨC THỰC HIỆN")
    (True, False)
    """
    lex = _lexicon()
    k = _key(title)
    if any(cue in k for cue in lex["tasks_exclude"]):
        return False
    return any(k.startswith(cue) for cue in lex["tasks_prefix"])


def tasks_section(doc: Document) -> Section | None:
    """The section holding the plan's tasks, or None when no heading names one."""
    for s in split_sections(doc):
        if is_tasks_title(s.title):
            return s
    return None
