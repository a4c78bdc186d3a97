"""The layout model: a document as blocks in reading order.

Every loader (text, Markdown and web copies, HTML, PDF, DOCX) ends in one
:class:`~.document.Document`; this module reads its lines once into blocks, and
the task, label and assignment readers (:mod:`.items`, :mod:`.blocktables`) work
on blocks, never on the line shapes of one source.

A :class:`Block` is

* ``item``: a numbered or bulleted paragraph; ``marker`` is its numbering token as
  printed ("II", "1", "1.2", "a", "-", "+", "*", "(1)") and ``kind`` the family of
  that token ("roman", "upper", "arabic", "dotted2", "dotted3", "letter", "paren",
  "dash", "plus", "star");
* ``para``: a paragraph without a marker;
* ``table``: rows of cells (:class:`Cell` with its own line span). A Markdown pipe
  table, cells one per line between lines holding only ``|`` (web copies of legal
  portals), and the grids a loader kept (Word tables, ruled PDF tables) all become
  the same rows.

``heading`` says the block is printed as a heading: in capitals, or wholly bold in
a Markdown copy. ``lines`` is the first and last source line (1-based). The text
of a block is the normalised text (NFC, one tone placement) with markup removed
and whitespace collapsed.

How lines join into paragraphs depends on how the source breaks them, which is
measured, not assumed: a Word file gives one line per paragraph; a web copy
separates paragraphs by blank lines and wraps inside them; text extracted from a
PDF wraps without blank lines, so a paragraph ends where the next line starts
with a marker after a line that closed a sentence.

>>> doc = Document.from_text("I. NHIỆM VỤ\\n\\n1. Tuyên truyền\\n\\n- Tổ chức hội nghị\\nquán triệt.\\n\\n| TT | Nội dung |\\n|---|---|\\n| 1 | Tập huấn |", "x.md")
>>> [(b.kind, b.marker, b.text) for b in read_blocks(doc)][:3]
[('roman', 'I', 'NHIỆM VỤ'), ('arabic', '1', 'Tuyên truyền'), ('dash', '-', 'Tổ chức hội nghị quán triệt.')]
>>> read_blocks(doc)[3].rows[1][1].text
'Tập huấn'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from functools import lru_cache

from .document import Document
from .lexicons import LEXICON_DIR as LEXICON, read_json
from .normalize import collapse, fold, fold_chars

#: Share of blank lines above which a text separates its paragraphs by blank lines.
BLANK_SEPARATED = 0.15

#: Share of one-line runs between blank lines above which a text is double-spaced.
DOUBLE_SPACED = 0.85
#: Share of lines cut at the margin mid-sentence above which blank-separated lines are PDF text.
WRAPPED_SHARE = 0.3
#: A line shorter than this share of the usual full line ends its paragraph (PDF text).
SHORT_LINE = 0.65
#: A numbered line of at most this many words, without final punctuation, over a line in
#: upper case is a group heading, not the first line of a wrapped sentence.
HEADING_WORDS = 12
#: Most lines of one cell of a table written one cell per line; a longer run is body text.
MAX_CELL_LINES = 25

#: Roman numerals a plan numbers its parts with.
ROMAN_NUMERALS = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"}
_MARKERS = [
    ("roman", re.compile(r"^(?:PHẦN|Phần|MỤC|Mục|CHƯƠNG|Chương)?\s*([IVX]{1,5})\s*[.):/-]\s*(?=\S)")),
    # "2.1.a." / "1.b)": a letter numbered under a numbered item, one level below it.
    ("dotted", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,2}\.[a-zđ])\s*[.)]\s*(?=\S)")),
    ("dotted", re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\)?\s+(?=\S)")),
    ("arabic", re.compile(r"^(\d{1,2})\s*(?:[.)]|/(?=\s))\s*(?=\S)")),
    ("paren", re.compile(r"^\((\d{1,2}|[a-zđ])\)\s*(?=\S)")),
    ("letter", re.compile(r"^([a-zđ])\s*\)\s*(?=\S)")),
    ("upper", re.compile(r"^([A-DĐ])\s*[.)]\s+(?=[A-ZĐÀ-Ỹ])")),
    # '\uf0b7', '\uf0a7', '\uf0d8': bullets of the Symbol and Wingdings fonts as PDF text gives them.
    ("dash", re.compile(r"^([-–—•·▪●◦∙❖►➢✓\uf0b7\uf0a7\uf0d8\uf0fc\uf076])\s*(?=[^\s\-–—])")),
    ("plus", re.compile(r"^(\+)\s*(?=\S)")),
    ("star", re.compile(r"^(\*)\s+(?=\S)")),
]
#: A lone decoration line ("-------", "***", "___").
_RULE = re.compile(r"^\s*[-–—_*=.]{3,}\s*$")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
# Each run of spaces has one way to match ("\s*\|?\s*" had n): linear on long lines (issue #15).
_PIPE_SEP = re.compile(r"^\s*(?:\|\s*)?:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*(?:\|\s*)?$")
_LONE_PIPE = re.compile(r"^\s*\|\s*$")
#: A numbering token at the start of a line, even with its text on the next line ("**1." / "Sở ...").
_NUMBERING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\s*[.)]")
_SENTENCE_END = re.compile(r"[.;:!?)…]\s*$")
_STRONG = {"roman", "upper", "dotted", "arabic", "letter", "paren"}

# Markdown markup: emphasis, headings, escapes, images and links (text kept).
_MARKUP_CHAR = re.compile(r"[*#_\\\[<\u00a0]")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_BOLD = re.compile(r"\*\*|__")
_MD_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"</?(?:br|span|sup|sub|b|i|u|strong|em|p|div)\b[^>]*>", re.IGNORECASE)


def strip_markup(line: str) -> str:
    """A line without Markdown and inline HTML markup (its words and numbering kept).

    >>> strip_markup("**II. NHIỆM VỤ** \\\\- *Căn cứ* [Luật](http://x)")
    'II. NHIỆM VỤ - Căn cứ Luật'
    """
    if not _MARKUP_CHAR.search(line):
        return line.rstrip()
    s = _MD_HEADING.sub("", line)
    s = _MD_LINK.sub(r"\1", s)
    s = _HTML_TAG.sub(" ", s)
    s = _MD_BOLD.sub("", s)
    s = _MD_ITALIC.sub("", s)
    s = _MD_ESCAPE.sub(r"\1", s)
    return s.replace("\u00a0", " ").rstrip()


@dataclass
class Cell:
    text: str
    lines: tuple[int, int]


@dataclass
class Block:
    """One block of the layout model (see the module docstring)."""

    kind: str
    text: str
    lines: tuple[int, int]
    marker: str | None = None
    heading: bool = False
    bold: bool = False
    rows: list[list[Cell]] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return self.kind == "table"

    @property
    def is_item(self) -> bool:
        return self.kind not in ("para", "table")


def marker_of(text: str) -> tuple[str, str, str] | None:
    """(kind, token, rest) of a text that starts with a numbering or bullet token.

    >>> marker_of("1.2. Tập huấn")
    ('dotted2', '1.2', 'Tập huấn')
    >>> marker_of("II. NHIỆM VỤ")
    ('roman', 'II', 'NHIỆM VỤ')
    >>> marker_of("2025 - 2030") is None
    True
    """
    s = text.lstrip()
    for kind, rx in _MARKERS:
        m = rx.match(s)
        if not m:
            continue
        token = m.group(1)
        if kind == "roman" and token not in ROMAN_NUMERALS:
            continue
        if kind == "dash" and _RULE.match(s):
            return None
        if kind == "dotted":
            kind = f"dotted{token.count('.') + 1}"
        return kind, token, s[m.end():].strip()
    return None


def is_caps(text: str) -> bool:
    """Text printed in capitals (a heading), judged on its letters."""
    upper = sum(map(str.isupper, text))
    # At least 80 % of the cased letters in capitals: upper / (upper + lower) >= 0.8.
    return upper >= 4 and upper >= 4 * sum(map(str.islower, text))


def _split_pipe_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [strip_markup(c).strip() for c in re.split(r"(?<!\\)\|", s)]


def _table_block(rows: list[list[Cell]]) -> Block:
    first = rows[0][0].lines[0] if rows and rows[0] else 0
    last = rows[-1][-1].lines[1] if rows and rows[-1] else first
    text = " ".join(c.text for r in rows for c in r if c.text)
    return Block(kind="table", text=collapse(text), lines=(first, last), rows=rows)


def _grid_block(grid) -> Block:
    rows = []
    for cells, span in zip(grid.rows, grid.lines):
        rows.append([Cell(collapse(strip_markup(c)), tuple(span)) for c in cells])
    return _table_block(rows)


def _pipe_table(lines: list[str], i: int) -> tuple[Block | None, int]:
    """A Markdown pipe table starting at index i (0-based): (block, next index)."""
    rows: list[list[Cell]] = []
    j = i
    while j < len(lines) and _PIPE_ROW.match(lines[j]) and lines[j].count("|") >= 2:
        if not _PIPE_SEP.match(lines[j]):
            rows.append([Cell(collapse(c), (j + 1, j + 1)) for c in _split_pipe_row(lines[j])])
        j += 1
    if len(rows) < 1 or (j - i) < 2 and max(len(r) for r in rows) < 2:
        return None, i
    return _table_block(rows), j


def _cell_table(lines: list[str], i: int) -> tuple[Block | None, int]:
    """Cells one per line between lines holding only '|' (web copies), from index i.

    Tokens are '|' lines and chunks of content lines; a row is '|' followed by N
    cells each closed by '|' (an empty cell is two '|' in a row). N is the number of
    cells of the first row, which ends at the first doubled '|'.
    """
    toks: list[tuple[str, int, int, str]] = []  # ("|" or "c", first, last, text)
    j = i
    while j < len(lines):
        s = lines[j]
        if _LONE_PIPE.match(s):
            toks.append(("|", j + 1, j + 1, ""))
            j += 1
            continue
        if not s.strip():
            j += 1
            continue
        k = j
        parts = []
        while k < len(lines) and lines[k].strip() and not _LONE_PIPE.match(lines[k]):
            parts.append(strip_markup(lines[k]))
            k += 1
        if k - j > MAX_CELL_LINES:
            break  # a whole passage between two '|' lines: body text, not a cell
        nxt = k
        while nxt < len(lines) and not lines[nxt].strip():
            nxt += 1
        if nxt >= len(lines) or not _LONE_PIPE.match(lines[nxt]):
            break  # content not closed by '|': the table ended before it
        toks.append(("c", j + 1, k, collapse(" ".join(parts))))
        j = k
    while toks and toks[-1][0] == "c":
        toks.pop()
    if sum(1 for t in toks if t[0] == "c") < 2:
        return None, i
    end = toks[-1][1]  # last '|' line (1-based)
    # Number of columns: cells before the first doubled '|' after the opening one.
    p = 0
    while p < len(toks) and toks[p][0] == "|":
        p += 1
    ncols = 0
    q = p
    while q < len(toks):
        if toks[q][0] == "c":
            ncols += 1
            q += 1
            continue
        if q + 1 < len(toks) and toks[q + 1][0] == "|":
            break
        q += 1
    ncols = max(ncols, 1)
    # A numbering-column header ("STT") after the first cell opens another table there: the
    # cells before it (a signature block or a caption closed by '|', the table before it) are a
    # table of their own.
    for h in range(p + 1, len(toks)):
        if toks[h][0] == "c" and toks[h - 1][0] == "|" and fold(toks[h][3]).strip(" .") in _table_ref():
            if h < q:
                ncols = sum(1 for t in toks[p:h] if t[0] == "c")
            toks, end = toks[:h], toks[h - 1][1] - 1
            break
    numbered = p < len(toks) and toks[p][0] == "c" and fold(toks[p][3]).strip(" .") in _table_ref()
    rows = _cells_rows(toks, p, ncols, numbered)
    if not rows:
        return None, i
    return _table_block(rows), end


def _cells_rows(toks: list, p: int, ncols: int, numbered: bool) -> list[list[Cell]]:
    """Rows of ncols cells from the tokens of :func:`_cell_table` (p: index of the first cell)."""
    rows: list[list[Cell]] = []
    q = p - 1 if p > 0 else 0  # index of the opening '|'
    while q < len(toks):
        if toks[q][0] != "|":
            q += 1
            continue
        q += 1  # past the row's opening '|'
        row: list[Cell] = []
        while len(row) < ncols and q < len(toks):
            # When the first column numbers the rows ("TT"), a doubled '|' before a row number
            # ends a row that has fewer cells than the header (a group row "I | heading", merged cells).
            if (numbered and row and toks[q][0] == "|" and q + 1 < len(toks) and toks[q + 1][0] == "c"
                    and _ROW_NUMBER.match(toks[q + 1][3])):
                break
            if toks[q][0] == "c":
                row.append(Cell(toks[q][3], (toks[q][1], toks[q][2])))
                q += 1
                if q < len(toks) and toks[q][0] == "|":
                    q += 1
            else:  # an empty cell
                row.append(Cell("", (toks[q][1], toks[q][1])))
                q += 1
        if any(c.text for c in row):
            rows.append(row)
        # the next '|' opens the next row
    return rows


#: The number of a table row as its first cell prints it: "1", "12.", "II", "a)".
_ROW_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2})*|[IVX]{1,5}|[a-zđ])[.)]?$")


@lru_cache(maxsize=1)
def _table_ref() -> frozenset:
    """Folded headers of a numbering column (lexicon/layout_cues.json table_ref)."""
    return frozenset(read_json(LEXICON / "layout_cues.json", ("table_ref",), "layout cue lexicon")["table_ref"])


_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$")
_HYPHEN_END = re.compile(r"[\w/]-$")


def _join(parts: list[str]) -> str:
    """Lines of one paragraph as one text; a line ending in a hyphen glued to its word
    ("38-" + "CT/TW") goes on without a space."""
    out = ""
    for p in parts:
        p = p.strip()
        if not out:
            out = p
        elif _HYPHEN_END.search(out) and p[:1].isupper():
            out += p
        else:
            out += " " + p
    return collapse(out)


def _double_spaced(lines: list[str]) -> bool:
    """Text extracted from a PDF with a blank line after every line: paragraphs cannot be told
    by blank lines there."""
    runs, run = [], 0
    for x in lines:
        if x.strip():
            run += 1
        elif run:
            runs.append(run)
            run = 0
    if run:
        runs.append(run)
    if len(runs) < 6 or sum(1 for r in runs if r == 1) < DOUBLE_SPACED * len(runs):
        return False
    # One line between blank lines is also a web copy's one-line paragraphs; PDF text is told by
    # its lines cut at the margin in the middle of a sentence.
    full = [x.strip() for x in lines if x.strip()]
    width = sorted(map(len, full))[int(0.8 * (len(full) - 1))]
    cut = sum(1 for x in full if len(x) >= 0.6 * width and not _SENTENCE_END.search(x))
    return cut >= WRAPPED_SHARE * len(full)


@lru_cache(maxsize=1)
def _cues() -> tuple:
    """(body_end of lexicon/layout_cues.json, heading_connectors of lexicon/bullets_cues.json, a
    pattern of its labels followed by ':'), all folded."""
    layout = read_json(LEXICON / "layout_cues.json", ("body_end",), "layout cue lexicon")
    bullets = read_json(LEXICON / "bullets_cues.json", ("heading_connectors", "labels"))
    labels = sorted((c for cs in bullets["labels"].values() for c in cs), key=len, reverse=True)
    label_rx = re.compile(r"^(?:" + "|".join(re.escape(c) for c in labels) + r")\s*:")
    # First letters of the cues, to pass over most lines without folding them.
    return (tuple(layout["body_end"]), frozenset(bullets["heading_connectors"]), label_rx,
            frozenset(c[:1] for c in layout["body_end"]), frozenset(c[:1] for c in labels))


def _opens_end(text: str) -> bool:
    if fold_chars(text[:1]) not in _cues()[3]:
        return False
    k = fold_chars(text[:20])
    return any(k.startswith(c) for c in _cues()[0])


def _ends_with_connector(line: str) -> bool:
    """A line ending with a word that needs what follows ("của", "về", "và") goes on."""
    words = line.split()
    return bool(words) and fold(words[-1]) in _cues()[1]


def _starts_block(text: str, raw: str, prev: str, by_blank: bool, width: int = 0, first: str = "") -> bool:
    """Whether a line starts a new block instead of going on with the paragraph before it.

    text, raw (str): the line, cleaned and as written. prev (str): the line before.
    first (str): the paragraph so far.
    """
    if _opens_end(text):
        return True  # "Nơi nhận:" opens the distribution list
    if fold_chars(text[:1]) in _cues()[4] and _cues()[2].match(fold_chars(text[:60])):
        return True  # "Cơ quan chủ trì: ..." is a label line of its own
    m = marker_of(text)
    closed = bool(_SENTENCE_END.search(prev))
    strong = m is not None and m[0].rstrip("0123456789") in _STRONG
    if by_blank:
        # Paragraphs end at blank lines; inside one, only a numbered line after a closed sentence
        # starts a new one (a wrapped line may begin with "-").
        return m is not None and (closed and (strong or m[2][:1].isupper()) or m[2][:1].isupper() and not prev.endswith(","))
    if strong:
        return True
    if m is not None and (closed or m[2][:1].isupper()):
        return True
    if raw.lstrip().startswith("**") and closed:
        return True
    if width and len(prev) < SHORT_LINE * width and text[:1].isupper():
        return True  # the line before ended its paragraph well before the margin
    head = marker_of(first) if first else None
    if (head and head[0].rstrip("0123456789") in _STRONG and not closed and text[:1].isupper()
            and len(head[2].split()) <= HEADING_WORDS and not _ends_with_connector(prev)):
        return True  # "3. Phát triển nguồn nhân lực" over its paragraph: a group heading
    # A line in capitals after a sentence, or a sentence after a short heading in capitals.
    return len(prev) < 150 and is_caps(prev) != is_caps(text) and (closed or is_caps(prev))


def _source_lines(doc: Document) -> list[str]:
    marked = getattr(doc, "marked_lines", None)
    return marked if marked else doc.lines


def read_blocks(doc: Document) -> list[Block]:
    """The blocks of a document in reading order (cached on the document)."""
    cached = getattr(doc, "_blocks", None)
    if cached is not None:
        return cached
    lines = _source_lines(doc)
    # The document's lines without markup, when it has them line for line (from_text made them).
    clean = doc.lines if lines is not doc.lines and len(doc.lines) == len(lines) else None
    # How the text breaks paragraphs is measured outside the tables a loader rendered into it.
    in_grid = {n for g in getattr(doc, "grids", None) or [] for a, z in g.lines for n in range(a - 1, z + 1)}
    prose = [x for n, x in enumerate(lines) if n not in in_grid and not _LONE_PIPE.match(x)]
    blank = sum(1 for x in prose if not x.strip())
    per_line = getattr(doc, "paragraph_lines", False)
    spaced = not per_line and _double_spaced(prose)
    by_blank = not per_line and not spaced and blank >= BLANK_SEPARATED * max(1, len(prose) - blank)
    lengths = sorted(len(x.strip()) for x in lines if x.strip())
    width = lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0
    blocks: list[Block] = []
    cur: list[tuple[int, str, str]] = []  # (line no, cleaned text, marked text)

    def flush() -> None:
        if not cur:
            return
        first, last = cur[0][0], cur[-1][0]
        text = _join([c[1] for c in cur])
        marked = " ".join(c[2].strip() for c in cur).strip()
        bold = marked.startswith(("**", "__")) and marked.rstrip(" :.").endswith(("**", "__"))
        m = marker_of(text)
        if m:
            kind, token, rest = m
            blocks.append(Block(kind=kind, text=rest, lines=(first, last), marker=token,
                                heading=bold or is_caps(rest), bold=bold))
        elif text:
            blocks.append(Block(kind="para", text=text, lines=(first, last), heading=bold or is_caps(text),
                                bold=bold))
        cur.clear()

    i = 0
    gap = False
    while i < len(lines):
        raw = lines[i]
        if _PIPE_ROW.match(raw) and raw.count("|") >= 3:
            tb, j = _pipe_table(lines, i)
            if tb is not None:
                flush()
                blocks.append(tb)
                i = j
                continue
        if _LONE_PIPE.match(raw):
            tb, end = _cell_table(lines, i)
            flush()
            if tb is not None:
                blocks.append(tb)
                i = end
                continue
            i += 1
            continue
        text = collapse(clean[i]) if clean is not None else collapse(strip_markup(raw))
        if not per_line and not by_blank and _PAGE_NUMBER.match(text):
            i += 1
            continue  # a page number standing alone between the lines of PDF text
        if not text or _RULE.match(raw):
            if _RULE.match(raw):
                flush()
            elif not spaced:
                gap = True
            i += 1
            continue
        if gap:
            gap = False
            # A blank line ends the paragraph, unless the text goes on in lower case after it,
            # or after a comma (a page break inside a sentence).
            if not (cur and (text[:1].islower() or text[:1].isdigit() and not _NUMBERING.match(text)
                             or cur[-1][1].rstrip().endswith(","))
                    and marker_of(text) is None):
                flush()
        if per_line:
            flush()
        elif cur and sum(c[2].count("**") for c in cur) % 2 == 1:
            pass  # inside a bold span that a line break cut ("**1. Sở" / "Công Thương**")
        elif cur and _starts_block(text, raw, cur[-1][1], by_blank, width, " ".join(c[1] for c in cur)):
            flush()
        cur.append((i + 1, text, raw))
        i += 1
    flush()
    grids = [_grid_block(g) for g in getattr(doc, "grids", None) or [] if g.rows]
    if grids:
        # A loader renders its grids into the text too; the grid's cells win over those lines.
        spans = [g.lines for g in grids]
        blocks = [b for b in blocks if not any(a <= b.lines[0] and b.lines[1] <= z for a, z in spans)]
        blocks.extend(grids)
    blocks.sort(key=lambda b: b.lines)
    doc._blocks = blocks
    return blocks
