"""The document model shared by the extraction modules.

A :class:`Document` keeps the original lines (for display and provenance) and
the normalised lines (NFC, modern tone placement) that every rule matches on.
Line numbers are 1-based everywhere, as an editor shows them.

>>> doc = Document.from_text("KẾ HOẠCH\\nUỷ ban nhân dân", "x.txt")
>>> doc.line(2), doc.raw_line(2)
('Ủy ban nhân dân', 'Uỷ ban nhân dân')
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .normalize import collapse, normalize_tones


@dataclass
class Document:
    """One plan document: its source name, original lines and normalised lines."""

    source: str
    raw_lines: list[str]
    lines: list[str]
    #: Tables with real cell boundaries kept by the loader (PDF, DOCX): loaders.Grid objects.
    grids: list = field(default_factory=list)
    #: Normalised lines with their Markdown markup (``**``, ``#``, ``|``), which the layout
    #: reader (:mod:`.layout`) needs; ``lines`` has the markup removed.
    marked_lines: list[str] = field(default_factory=list)
    #: True when each line is one paragraph (a Word file), so lines never join.
    paragraph_lines: bool = False

    @classmethod
    def from_text(cls, text: str, source: str, grids: list | None = None,
                  paragraph_lines: bool = False) -> "Document":
        from .layout import strip_markup

        raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        marked = [normalize_tones(x) for x in raw]
        return cls(source=source, raw_lines=raw, lines=[strip_markup(x) for x in marked], grids=grids or [],
                   marked_lines=marked, paragraph_lines=paragraph_lines)

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, n: int) -> str:
        """Normalised text of line n (1-based)."""
        return self.lines[n - 1]

    def raw_line(self, n: int) -> str:
        """Original text of line n (1-based)."""
        return self.raw_lines[n - 1]

    def span(self, start: int, end: int) -> str:
        """Normalised text of lines start..end (1-based, inclusive), whitespace collapsed."""
        return collapse(" ".join(self.lines[start - 1:end]))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class RawTask:
    """A task as found by a layout reader, before its cells are interpreted.

    ref (str | None): numbering as in the document, groups joined with ".", e.g. "I.1".
    text (str): the task wording, whitespace collapsed (normalised text).
    group (str | None): heading of the task group it sits under (drives the theme).
    lead, cooperate, period, product (str | None): raw cell or clause text.
    lines (tuple[int, int]): first and last source line (1-based, inclusive).
    layout (str): "table", "bullets" or "letters".
    """

    ref: str | None
    text: str
    group: str | None = None
    lead: str | None = None
    cooperate: str | None = None
    period: str | None = None
    product: str | None = None
    lines: tuple[int, int] = (0, 0)
    layout: str = "table"
    notes: list[str] = field(default_factory=list)
