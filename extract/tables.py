"""Read the task table of a plan (usually its appendix, "Phụ lục") from PDF-extracted text.

Vietnamese plans put their tasks in a table: TT | Nhiệm vụ (Nội dung) |
Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện | Sản phẩm (Dự kiến
kết quả) | Ghi chú. Rows are grouped under numbered headings: "I", "II" ... with
rows "1", "2" ..., or "1", "2" ... with rows "1.1", "1.2" .... Text taken out of
a PDF loses the grid: every cell is broken over lines, cells follow each other
in reading order, a row cut by a page break restarts its columns on the next
page, and some cells come back after another cell has started (interleaving).
This module rebuilds one :class:`RawTask` per table row with its raw cell texts;
other modules interpret them (units, dates, targets, themes).

How (each step says why in its code):

1. Find the header: a line starting with "TT"/"STT" followed closely by
   "chủ trì"; the header words tell which columns exist.
2. Split the body into group and task rows by their numbers, which must follow
   each other (I, II ...; 1, 2 ...), so that numbers inside cells ("2026",
   "03 cuộc", "1 lần/năm") are not taken for rows.
3. Inside a row, walk the lines and give each to a column with cues: blank-line
   gaps wider than usual, unit names at the start of a line, time expressions,
   lines that leave a phrase open, and, for fragments that resume an earlier
   cell, the word pairs of the document itself ("nguồn" + "gốc").

Cue words and patterns live in ``lexicon/tables_cues.json``.

>>> from planlineage.extract.document import Document
>>> text = "\\n".join(["TT Nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Thời gian", "I Tuyên truyền",
...     "1 Tổ chức tuyên truyền về", "tiêu chuẩn", "", "Phòng Kinh tế", "", "Các phòng, ban", "", "2026"])
>>> [(t.ref, t.text, t.lead, t.cooperate, t.period) for t in extract_table_tasks(Document.from_text(text, "x"))]
[('I.1', 'Tổ chức tuyên truyền về tiêu chuẩn', 'Phòng Kinh tế', 'Các phòng, ban', '2026')]
"""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .lexicons import read_json
from .document import Document, RawTask
from .errors import ExtractionError
from .normalize import collapse, fold

LEXICON = Path(__file__).parent / "lexicon" / "tables_cues.json"
COLUMNS = ("task", "lead", "cooperate", "period", "product", "product2", "note")
UNIT_COLUMNS = ("lead", "cooperate")
# Lines the header may start above the "TT" line: a spanning header cell
# ("Dự kiến kết quả" over two sub-columns) is printed higher on the page.
HEADER_BEFORE = 3
# The header is short; its cues must all be found within this many lines.
HEADER_SPAN = 16
# A task-column line is "wide" when at least this share of the usual width of
# the first task line: no other column is that wide.
WIDE_SHARE = 0.85
# ... and never below this many characters: tables with short task texts still
# have a task column wider than the unit columns (about 15-22 characters).
MIN_WIDE = 25
# A cell's last line shorter than this share of its longest line ended the cell.
FULL_SHARE = 0.7

_ROMAN = re.compile(r"^(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\.?(?:\s+(.*))?$")
_ARABIC = re.compile(r"^(\d{1,3})\.?(?:\s+(.*))?$")
_DOTTED = re.compile(r"^(\d{1,3})\.(\d{1,3})\.?(?:\s+(.*))?$")
_WORD = re.compile(r"[^\W_]+(?:/[^\W_]+)*", re.UNICODE)
_EMPTY_MARK = re.compile(r"^[-–](?:\s*$|\s+(.*))")


@lru_cache(maxsize=1)
def _cues() -> dict:
    data = read_json(LEXICON, ("header_start", "header_columns", "unit_start", "time_start", "time_prefix",
                               "time_inside", "open_words"))
    try:
        data["_unit"] = re.compile("^(?:" + "|".join(data["unit_start"]) + ")")
        data["_time"] = re.compile("^(?:" + "|".join(data["time_start"]) + ")")
        data["_time_any"] = re.compile(r"(?:^|\s)(?:" + "|".join(data["time_start"]) + ")")
        data["_prefix"] = re.compile("^(?:" + "|".join(data["time_prefix"]) + r")(?=\s|$)")
        data["_inside"] = re.compile(r"\s(?=(?:" + "|".join(data["time_inside"]) + "))")
        data["_stop"] = re.compile("|".join(data.get("stop_lines", [])) or r"(?!)")
        data["_page"] = re.compile("|".join(data.get("page_lines", [])) or r"(?!)")
        data["_rate"] = re.compile("|".join(data.get("rate_lines", [])) or r"(?!)")
    except re.error as e:
        raise ExtractionError(LEXICON, f"holds a bad regular expression ({e})") from None
    data["_names"] = [fold(n).split() for n in data.get("unit_names", [])]
    data["_areas"] = frozenset(fold(a) for a in data.get("area_nouns", []))
    data["_open"] = frozenset(data["open_words"])
    data["_heads"] = frozenset(data.get("open_heads", []))
    return data


@dataclass
class _Line:
    n: int  # 1-based source line
    text: str  # normalised, whitespace collapsed
    gap: int  # blank lines just before it
    page: bool  # printed with a leading space: first line of a PDF page in these texts


@dataclass
class _Row:
    ref: str
    group: str | None
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Table:
    columns: list[str]
    body: list[_Line]
    rows: list[_Row]
    usual_gap: int = 0
    wide: float = 0.0
    pairs: Counter = field(default_factory=Counter)
    row_pairs: dict = field(default_factory=dict)


def extract_table_tasks(doc: Document) -> list[RawTask]:
    """One raw task per row of the plan's task table; [] when the text has no such table.

    doc (Document): the plan.
    RETURNS (list[RawTask]): rows in document order, ``layout='table'``.
    """
    found = _find_header(doc)
    if found is None:
        return []
    start, columns = found
    body = _body(doc, start)
    rows = _rows(body)
    if not rows:
        return []
    table = _Table(columns=columns, body=body, rows=rows)
    _measure(table, doc)
    return [_task(row, table) for row in rows]


# --- 1. header --------------------------------------------------------------

def _find_header(doc: Document) -> tuple[int, list[str]] | None:
    """Index (0-based) of the header's "TT" line and the columns it names, in table order.

    The header words of the columns come in reading order from the "TT" line on,
    so the order of their first cues is the column order (plans differ: some put
    "Thời gian thực hiện" before the units). A spanning cell printed above the
    "TT" line ("Dự kiến kết quả", "Ghi chú") only says that its columns exist;
    those keep the usual place of the genre (COLUMNS), after the columns found in
    order.
    """
    cues = _cues()
    start_rx = re.compile(cues["header_start"])
    for i, line in enumerate(doc.lines):
        if not start_rx.match(fold(line)):
            continue
        lo = max(0, i - HEADER_BEFORE)
        head = collapse(fold(" ".join(doc.lines[lo:i + HEADER_SPAN])))
        near = collapse(fold(" ".join(doc.lines[i:i + HEADER_SPAN])))
        if not all(c in near for c in cues.get("header_required", [])):
            continue
        columns = [c for c in COLUMNS if any(k in head for k in cues["header_columns"].get(c, []))]
        columns = _header_order(columns, near, cues["header_columns"])
        if "task" not in columns:
            columns.insert(0, "task")
        if "product2" in columns and "product" not in columns:
            columns[columns.index("product2")] = "product"
        return i, columns
    return None


def _header_order(columns: list[str], near: str, names: dict) -> list[str]:
    """Columns sorted by where their header words first occur after "TT"; columns
    named only above it keep their usual order at the end."""
    def pos(col: str) -> int:
        found = [near.find(k) for k in names.get(col, []) if k in near]
        return min(found) if found else -1
    placed = sorted((c for c in columns if pos(c) >= 0), key=pos)
    return placed + [c for c in columns if pos(c) < 0]


def _body(doc: Document, start: int) -> list[_Line]:
    """Non-blank lines after the header "TT" line, up to a line that ends the table.

    A printed page number ("Trang 5", "- 5 -") is dropped; the line after it
    starts a page. A bare number is kept: it may be a row number.
    """
    stop, page_rx = _cues()["_stop"], _cues()["_page"]
    out, gap, new_page = [], 0, False
    for n in range(start + 1, len(doc.lines) + 1):
        raw = doc.line(n)
        text = collapse(raw)
        if not text:
            gap += 1
            continue
        folded = fold(text)
        if stop.search(folded):
            break
        if page_rx.search(folded):
            new_page = True
            continue
        out.append(_Line(n=n, text=text, gap=gap, page=new_page or raw[:1].isspace()))
        gap, new_page = 0, False
    return out


# --- 2. rows ------------------------------------------------------------------

def _roman(k: int) -> str:
    vals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for v, s in vals:
        while k >= v:
            out += s
            k -= v
    return out


def _starts_text(rest: str | None) -> bool:
    """A row or group number is followed by nothing or by text that starts a sentence.

    "03 cuộc diễn đàn", "1 lần/năm" and "2025 - 2030" inside cells start with a
    lower-case word, a zero or a year; real row numbers do not.
    """
    if not rest:
        return True
    ch = rest[0]
    return ch.isupper() or ch in "\"“(«'"


def _scheme(body: list[_Line]) -> str:
    """Numbering scheme: 'roman' (I / 1), 'dotted' (1 / 1.1) or 'flat' (1, 2, ... no groups)."""
    for k, line in enumerate(body):
        m = _ROMAN.match(line.text)
        if m and m.group(1) == "I" and _starts_text(m.group(2)):
            return "roman"
        m = _ARABIC.match(line.text)
        if m and m.group(1) == "1" and _starts_text(m.group(2)):
            for later in body[k + 1:]:
                if _DOTTED.match(later.text) and later.text.startswith("1.1"):
                    return "dotted"
                m2 = _ARABIC.match(later.text)
                if m2 and m2.group(1) == "2" and _starts_text(m2.group(2)):
                    return "flat"
            return "flat"
    return "flat"


def _rows(body: list[_Line]) -> list[_Row]:
    """Split the body into task rows, each with its group heading.

    Numbers are accepted only in sequence (next group, next row of the group):
    this is what tells a row number from a number printed inside a cell.
    """
    scheme = _scheme(body)
    rows: list[_Row] = []
    group_no, group_text, row_no = 0, None, 0
    in_group_head = False
    for line in body:
        t = line.text
        if scheme == "roman":
            m = _ROMAN.match(t)
            if m and m.group(1) == _roman(group_no + 1) and _starts_text(m.group(2)):
                group_no, row_no, group_text, in_group_head = group_no + 1, 0, m.group(2) or "", True
                continue
        elif scheme == "dotted":
            m = _ARABIC.match(t)
            if m and int(m.group(1)) == group_no + 1 and _starts_text(m.group(2)) and not m.group(1).startswith("0"):
                group_no, row_no, group_text, in_group_head = group_no + 1, 0, m.group(2) or "", True
                continue
        if scheme == "dotted":
            m = _DOTTED.match(t)
            hit = m and int(m.group(1)) == group_no and int(m.group(2)) == row_no + 1 and _starts_text(m.group(3))
            rest = m.group(3) if hit else None
        else:
            m = _ARABIC.match(t)
            hit = (m and not m.group(1).startswith("0") and int(m.group(1)) == row_no + 1
                   and _starts_text(m.group(2)))
            rest = m.group(2) if hit else None
        if hit:
            row_no += 1
            in_group_head = False
            prefix = {"roman": _roman(group_no) + ".", "dotted": f"{group_no}.", "flat": ""}[scheme]
            row = _Row(ref=f"{prefix}{row_no}", group=collapse(group_text) if group_text else None)
            row.lines.append(_Line(n=line.n, text=rest or "", gap=line.gap, page=line.page))
            rows.append(row)
        elif in_group_head:
            group_text = f"{group_text} {t}"
        elif rows:
            rows[-1].lines.append(line)
    return rows


# --- 3. cells -------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    # Lower-cased words of a text; cached because a row's cell texts are read again for
    # every line placed after them.
    return tuple(_lower_words(text))


def _lower_words(text: str) -> list[str]:
    if "\u0130" not in text and "\u03a3" not in text:
        # Without "İ" (two characters in lower case) and "Σ" (lower case depends on what
        # follows), lower() maps each character alone and keeps whether it is a word
        # character, so the words of the lower-cased text are the lower-cased words.
        return _WORD.findall(text.lower())
    return [w.lower() for w in _WORD.findall(text)]


def _measure(table: _Table, doc: Document) -> None:
    """Learn the layout of this table and the word pairs of the document.

    usual_gap: some PDF texts put a blank line after every line, others none;
    only a gap wider than the usual one separates cells.
    wide: the task column is the widest; its first lines give its width.
    pairs: word pairs (inside lines anywhere, across lines outside the table
    and in other rows) used to tell which cell a fragment continues.
    """
    gaps = [ln.gap for row in table.rows for ln in row.lines[1:]]
    table.usual_gap = Counter(gaps).most_common(1)[0][0] if gaps else 0
    firsts = []
    for row in table.rows:
        for ln in row.lines:
            if ln.text:
                firsts.append(len(ln.text))
                break
    table.wide = max(MIN_WIDE, WIDE_SHARE * statistics.median(firsts)) if firsts else MIN_WIDE
    words = [_words(line) for line in doc.lines]
    inline = Counter()
    for w in words:
        inline.update(zip(w, w[1:]))
    cross_all = Counter()
    prev = None
    for w in words:
        if not w:
            continue
        if prev:
            cross_all[(prev, w[0])] += 1
        prev = w[-1]
    for row in table.rows:
        own = Counter()
        texts = [_words(ln.text) for ln in row.lines]
        texts = [w for w in texts if w]
        for a, b in zip(texts, texts[1:]):
            own[(a[-1], b[0])] += 1
        table.row_pairs[row.ref] = own
    table.pairs = inline + cross_all


def _pair_count(table: _Table, row: _Row, a: str, b: str) -> int:
    """How often word b follows word a in the document, leaving out this row's line joins."""
    return table.pairs[(a, b)] - table.row_pairs[row.ref][(a, b)]


class _Cells:
    """The cells of one row being filled, and which column is being written."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        self.parts: dict[str, list[str]] = {c: [] for c in columns}
        self.marked: set[str] = set()  # cells printed as "-" (explicitly empty)
        self.cur = "task"

    def filled(self, col: str) -> bool:
        return bool(self.parts.get(col)) or col in self.marked

    def last(self, col: str) -> str:
        return self.parts[col][-1] if self.parts.get(col) else ""

    def add(self, col: str, text: str) -> None:
        if text:
            self.parts[col].append(text)
        self.cur = col

    def after(self, col: str) -> list[str]:
        return self.columns[self.columns.index(col) + 1:]

    def text(self, col: str) -> str | None:
        if col not in self.parts or not self.parts[col]:
            return None
        return _join(self.parts[col])


def _join(parts: list[str]) -> str:
    out = ""
    for p in parts:
        # "38-" + "CT/TW" is one word cut by the line wrap.
        if re.search(r"\w[-/]$", out) and re.match(r"\w", p):
            out += p
        else:
            out = f"{out} {p}" if out else p
    return collapse(out)


def _open_end(text: str) -> bool:
    """The text stops on a word that cannot end a cell ("và", "của", "Chi Cục") or a dash."""
    text = text.rstrip()
    if not text:
        return False
    if text[-1] in "-–(":
        return True
    w = _WORD.findall(text)
    # Lower-case function words ("và", "của") leave a phrase open whatever their
    # case; a capitalised head noun ("Chi Cục", "Sở") waits for the unit's name,
    # while lower-case "ban" in "các sở, ban" may end the cell.
    return bool(w) and (w[-1].lower() in _cues()["_open"] or w[-1] in _cues()["_heads"])


def _list_end(text: str) -> bool:
    """The text stops on a list separator: more items of the same cell may follow."""
    return text.rstrip()[-1:] in (",", ";", ":")


def _lower_start(text: str) -> bool:
    for ch in text:
        if ch.isalpha():
            return ch.islower()
        if ch.isdigit():
            return False
    return False


def _task(row: _Row, table: _Table) -> RawTask:
    cells = _Cells(table.columns)
    first = row.lines[0]
    if first.text:
        cells.add("task", first.text)
    for line in row.lines[1:]:
        _place(line, cells, row, table)
    product = cells.text("product") or cells.text("product2")
    return RawTask(
        ref=row.ref,
        text=cells.text("task") or "",
        group=row.group,
        lead=_unit_cell(cells.text("lead")),
        cooperate=_unit_cell(cells.text("cooperate")),
        period=cells.text("period"),
        product=_undouble(product) if product else None,
        lines=(row.lines[0].n, row.lines[-1].n),
        layout="table",
    )


def _unit_cell(text: str | None) -> str | None:
    """Unit cells keep their wording; a trailing list separator is dropped."""
    if text is None:
        return None
    text = text.rstrip(" ,;")
    return text or None


def _undouble(text: str) -> str:
    """'02 lượt/năm 02 lượt/năm' -> '02 lượt/năm': the two result sub-columns
    ('Đến năm 2030', 'Những năm tiếp theo') often hold the same value on one line."""
    w = text.split()
    half = len(w) // 2
    if len(w) % 2 == 0 and half and w[:half] == w[half:]:
        return " ".join(w[:half])
    return text


def _place(line: _Line, cells: _Cells, row: _Row, table: _Table) -> None:
    """Give one line of a row to a column."""
    cues = _cues()
    t = line.text
    boundary = line.page or line.gap > table.usual_gap
    dense = table.usual_gap > 0
    cur = cells.cur
    if not cells.parts["task"] and cur == "task":
        cells.add("task", t)  # the row number stood alone on its line
        return
    if cur in UNIT_COLUMNS and _name_goes_on(cells.text(cur) or "", t):
        _append(cur, t, cells)
        return
    if _lower_start(t) or t[:1] in ",;.)":
        _append(_resume(t, cells, row, table), t, cells)
        return
    mark = _EMPTY_MARK.match(t)
    rest = (mark.group(1) or "").strip() if mark else ""
    if (mark and cur in UNIT_COLUMNS and rest and cells.last(cur) and not _list_end(cells.last(cur))
            and not cues["_unit"].match(rest) and not cues["_time_any"].search(rest) and not rest[:1].isdigit()):
        # "Phòng Văn hóa" + "- Xã hội": a name wrapped at its dash, not an empty cell.
        _append(cur, t, cells)
        return
    if mark and cur != "task" or t in ("-", "–"):
        # "-" printed in a cell means that cell is empty (e.g. no cooperating body).
        nxt = next((c for c in cells.after(cur) if not cells.filled(c)), None)
        if nxt:
            cells.marked.add(nxt)
            cells.cur = nxt
        rest = (mark.group(1) or "").strip() if mark else ""
        if rest:
            _new_cell(rest, cells)
        return
    last = cells.last(cur)
    if cur == "task":
        if dense:
            # Every line is followed by a blank: only the width tells the task
            # column (the widest) from the narrow unit columns.
            new = len(t) < table.wide and not _open_end(last)
        else:
            new = boundary and not _open_end(last)
    elif _open_end(last):
        new = False
    elif _list_end(last) and not boundary:
        new = False
    elif not dense and not boundary:
        # Lines of one cell follow each other without a blank; only a time
        # expression can start the time cell right under a unit cell.
        new = cur in UNIT_COLUMNS and bool(cues["_time"].match(t)) and not cells.filled("period")
    else:
        new = True
    if new:
        _new_cell(t, cells)
    else:
        _append(cur, t, cells)


def _name_goes_on(last: str, t: str) -> bool:
    """The line carries on a wrapped unit name ('Ủy ban Mặt trận' + 'Tổ quốc Việt
    Nam', then + 'xã'), so it stays in the unit cell.

    last (str): the unit cell so far. t (str): the line.
    RETURNS (bool): whether the line belongs to the cell.
    """
    piece = fold(re.split(r"[;,]", last)[-1]).split()
    if not piece:
        return False
    cues = _cues()
    for name in cues["_names"]:
        if len(piece) < len(name) and name[:len(piece)] == piece:
            joined = piece + fold(t).split()
            if len(joined) <= len(name) and name[:len(joined)] == joined:
                return True
    # An area noun alone on a line after a unit cell closes that unit's name
    # ('Các đoàn thể chính trị - xã hội' + 'xã'), unless the name has its area already.
    return fold(t) in cues["_areas"] and bool(cues["_unit"].match(last)) and piece[-1] not in cues["_areas"]


def _new_cell(t: str, cells: _Cells) -> None:
    """Start the cell a line opens, chosen by what the line looks like."""
    cues = _cues()
    cur = cells.cur
    cols = cells.columns
    target = None
    if cues["_unit"].match(t):
        # A unit name goes to the first unit column still empty, even after the
        # time cell: after a page break the cooperating cell may come last.
        target = next((c for c in UNIT_COLUMNS if c in cols and not cells.filled(c)), None)
        if target is None and cur in UNIT_COLUMNS:
            target = cur
    if target is None and cues["_time"].match(t) and "period" in cols and not cells.filled("period"):
        target = "period"
    if target is None:
        later = [c for c in cells.after(cur) if not cells.filled(c)]
        if cues["_time_any"].search(t) or t[:1].isdigit() or any(cells.filled(c) for c in UNIT_COLUMNS):
            # Times and figures do not name units, and a cooperating cell starts
            # with a unit name like the lead cell: skip the unit columns.
            later = [c for c in later if c not in UNIT_COLUMNS]
        if later and later[0] == "period" and "product" in later and not cues["_time_any"].search(t):
            later = later[1:]  # a row without a time cell ("100% cán bộ ..." is a result)
        if later:
            target = later[0]
        else:
            # Every cell has started (a page break sent us back to the task
            # text): more text belongs to the rightmost cell written.
            target = next((c for c in reversed(cols) if c != "task" and cells.parts[c]), cur)
    if target == "period":
        _add_period(t, cells)
    else:
        _append(target, t, cells)


def _add_period(t: str, cells: _Cells) -> None:
    """The time value may share its line with the start of the next cell:
    '2026 -2030 100% tổ chức, cá' -> period '2026 -2030', product '100% tổ chức, cá'."""
    m = _cues()["_prefix"].match(t)
    later = [c for c in cells.after("period") if not cells.filled(c)]
    if m and later:
        rest = t[m.end():].strip()
        if rest and not _lower_start(rest):
            cells.add("period", t[:m.end()].strip())
            # The rest opens the next cell of the row: the result where the time
            # column comes late, a unit cell where it comes first
            # ('Quý III/2025 Phòng Kinh tế,').
            units = [c for c in later if c in UNIT_COLUMNS]
            if _cues()["_unit"].match(rest) and units:
                cells.add(units[0], rest)
            else:
                cells.add(next((c for c in later if c not in UNIT_COLUMNS), later[0]), rest)
            return
    cells.add("period", t)


def _append(col: str, t: str, cells: _Cells) -> None:
    """Add a line to a cell; a unit cell may end on the same line as the time starts
    ('ngành Hằng năm 10 doanh')."""
    if col in UNIT_COLUMNS and "period" in cells.columns and not cells.filled("period"):
        m = _cues()["_inside"].search(t)
        if m:
            head, tail = t[:m.start()].strip(), t[m.end():].strip()
            if head:
                cells.add(col, head)
            _add_period(tail, cells)
            return
    cells.add(col, t)


def _resume(t: str, cells: _Cells, row: _Row, table: _Table) -> str:
    """Which cell a line that continues a phrase belongs to.

    Usually the current one. But PDF text interleaves cells: a fragment can
    resume a cell left unfinished earlier (task text after the result, the
    cooperating units after the time). The document's own word pairs decide:
    'nguồn' + 'gốc' and 'thị' + 'trường' are frequent, 'Thông' + 'gốc' is not.
    A line as wide as the task column can only be task text.
    """
    cur = cells.cur
    last = cells.last(cur)
    if _open_end(last) or _list_end(last):
        return cur
    task_last = cells.last("task")
    if cur != "task" and task_last and len(t) >= table.wide and not task_last.rstrip().endswith("."):
        return "task"
    first = _words(t)[:1]
    if not first:
        return cur
    rate = bool(_cues()["_rate"].search(t))
    scores = {}
    for col in cells.columns:
        text = cells.last(col)
        if not text or (rate and col in UNIT_COLUMNS):
            # 'kiểm tra/năm' ends a result ('Ít nhất 02 đợt'), not a unit name.
            continue
        if col != cur and (text.rstrip().endswith(".") or len(text) < FULL_SHARE * max(map(len, cells.parts[col]))):
            # A cell whose last line stops well short of its width ended there;
            # only a cell cut by the line wrap can be resumed.
            continue
        w = _words(text)
        if w:
            scores[col] = _pair_count(table, row, w[-1], first[0])
    if not scores:
        return cur
    best = max(scores, key=scores.get)
    return cur if scores.get(cur, -1) >= scores[best] else best
