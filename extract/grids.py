"""Read a plan's task table from real table cells (Word tables, ruled PDF tables).

:mod:`.tables` rebuilds rows from text that lost the grid; when the loader kept the
grid (:class:`.loaders.Grid`), the cells are known and only their meaning is left:
which column is which (the header words of ``lexicon/tables_cues.json``, the same
as the text reader), which rows are group headings ("I", "II" ... or "1", "2" ...
over "1.1", "1.2" ...), which rows continue a row cut by a page break (no number),
and which rows repeat the header or number the columns ("(1)", "(2)" ...).

Why rows are handed over directly instead of being written back as text for
:mod:`.tables`: the text reader must guess cell boundaries from blank lines, unit
names and time words; a cell that does not start with a unit word or a time would be
guessed wrong, although the file said exactly where it ends. :func:`best_rows` keeps
the text reader's rows when they are better formed (a grid that is not the task table).

>>> from planlineage.extract.document import Document
>>> from planlineage.extract.loaders import Grid
>>> g = Grid([["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"], ["I", "Tuyên truyền", "", ""],
...           ["1", "Tổ chức hội nghị", "Sở Công Thương", "2026"]], [(1, 1), (2, 2), (3, 5)])
>>> [(t.ref, t.text, t.lead, t.period) for t in grid_tasks(Document.from_text("x", "x", grids=[g]))]
[('I.1', 'Tổ chức hội nghị', 'Sở Công Thương', '2026')]
"""
from __future__ import annotations

import re
from functools import lru_cache

from .lexicons import read_json
from .document import Document, RawTask
from .errors import ExtractionError
from .normalize import collapse, fold, normalize_tones
from .tables import COLUMNS, LEXICON

_ROMAN = re.compile(r"^([IVXLC]+)\.?(?:\s+(.*))?$")
_ARABIC = re.compile(r"^(\d{1,3})\.?(?:\s+(.*))?$")
_DOTTED = re.compile(r"^(\d{1,3})\.(\d{1,3})\.?(?:\s+(.*))?$")
_COLNUM = re.compile(r"^\(?\d{1,2}\)?$")


@lru_cache(maxsize=1)
def _cues() -> dict:
    data = read_json(LEXICON, ("header_start", "header_columns"))
    try:
        return {"start": re.compile(data["header_start"]), "columns": data["header_columns"],
                "required": data.get("header_required", [])}
    except re.error as e:
        raise ExtractionError(LEXICON, f"header_start is not a valid pattern ({e})") from None


def _header(row: list[str]) -> dict[int, str] | None:
    """Column index -> column name when the row is a task-table header, else None."""
    cues = _cues()
    folded = [fold(c) for c in row]
    if not folded or not cues["start"].match(folded[0]):
        return None
    if not all(any(k in c for c in folded) for k in cues["required"]):
        return None
    cols: dict[int, str] = {0: "ref"}
    for i, cell in enumerate(folded[1:], 1):
        for name in COLUMNS:
            if name not in cols.values() and any(k in cell for k in cues["columns"].get(name, [])):
                cols[i] = name
                break
    if "task" not in cols.values() and len(row) > 1:
        cols[1] = "task"
    if "product" not in cols.values() and "product2" in cols.values():
        cols = {i: ("product" if c == "product2" else c) for i, c in cols.items()}
    return cols


def _starts_text(rest: str) -> bool:
    return not rest or rest[0].isupper() or rest[0] in "\"“(«'"


def grid_tasks(doc: Document) -> list[RawTask]:
    """One raw task per row of the grids that are a task table; a grid without a header of its own
    continues the table before it (a table cut by a page break in a PDF).

    doc (Document): a document whose loader kept table grids (``doc.grids``).
    RETURNS (list[RawTask]): rows in order, ``layout='table'``; [] without such a grid.
    """
    cols, tasks = None, []
    group_no, group_text, scheme = "", None, None
    for grid in getattr(doc, "grids", []) or []:
        for row, lines in zip(grid.rows, grid.lines):
            row = [normalize_tones(collapse(c)) for c in row]
            head = _header(row)
            if head is not None:
                cols = head
                continue
            if cols is None or not any(row):
                continue
            if all(_COLNUM.match(c) or not c for c in row):
                continue  # the "(1) (2) (3)" line under the header
            cells = {name: row[i] for i, name in cols.items() if i < len(row)}
            first = cells.get("ref", "")
            task_text = cells.get("task", "")
            others = [v for k, v in cells.items() if k not in ("ref", "task") and v]
            if not first and task_text and not others:
                # A merged heading cell holds "I. TUYÊN TRUYỀN" with an empty TT cell.
                m = _ROMAN.match(task_text)
                if m and _starts_text(m.group(2) or ""):
                    first, task_text = m.group(1), m.group(2) or ""
            m_roman = _ROMAN.match(first) if first else None
            if m_roman and not others and scheme in (None, "roman"):
                scheme, group_no = "roman", m_roman.group(1)
                group_text = collapse(f"{m_roman.group(2) or ''} {task_text}")
                continue
            m_dot = _DOTTED.match(first)
            m_num = _ARABIC.match(first)
            if m_num and not others and scheme in (None, "dotted") and task_text:
                scheme, group_no, group_text = "dotted", m_num.group(1), task_text
                continue
            if m_dot:
                ref = f"{m_dot.group(1)}.{m_dot.group(2)}"
            elif m_num:
                ref = f"{group_no}.{m_num.group(1)}" if scheme in ("roman", "dotted") and group_no else m_num.group(1)
            elif not first and tasks:
                _continue(tasks[-1], cells, lines)  # the rest of a row cut by a page break
                continue
            else:
                continue
            tasks.append(RawTask(ref=ref, text=task_text, group=group_text or None, lead=cells.get("lead") or None,
                                 cooperate=cells.get("cooperate") or None, period=cells.get("period") or None,
                                 product=cells.get("product") or cells.get("product2") or None,
                                 lines=lines, layout="table"))
    return tasks


def _continue(task: RawTask, cells: dict, lines: tuple[int, int]) -> None:
    def join(a, b):
        return collapse(f"{a or ''} {b or ''}") or None

    task.text = join(task.text, cells.get("task")) or ""
    task.lead = join(task.lead, cells.get("lead"))
    task.cooperate = join(task.cooperate, cells.get("cooperate"))
    task.period = join(task.period, cells.get("period"))
    task.product = join(task.product, cells.get("product") or cells.get("product2"))
    task.lines = (task.lines[0], lines[1])


def _formed(tasks: list[RawTask]) -> int:
    """How well formed rows are: one point for each row's task text, lead unit and time."""
    return sum(bool(t.text) + bool(t.lead) + bool(t.period) for t in tasks)


def best_rows(doc: Document, text_rows: list[RawTask]) -> list[RawTask]:
    """The better formed of the text reader's rows and the grid rows (grid rows on a tie).

    doc (Document): the plan. text_rows (list[RawTask]): what :mod:`.tables` found in the text.
    RETURNS (list[RawTask]): the rows to use.
    """
    grid_rows = grid_tasks(doc)
    return grid_rows if grid_rows and _formed(grid_rows) >= _formed(text_rows) else text_rows
