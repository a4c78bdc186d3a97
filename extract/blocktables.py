"""Tasks of a plan read from its table blocks (the TABLE layout).

Every table of the layout model (:mod:`.layout`: a Markdown pipe table, cells one per
line between '|' lines, a Word table, a ruled PDF table) is rows of cells. A table
is a task table when one of its first rows is a header naming a content column
("Nội dung", "Nhiệm vụ", "Tên nhiệm vụ", "Chỉ tiêu") and a lead column ("Cơ quan
chủ trì", "Đơn vị thực hiện"), in any order; the other columns are found by their
header words too (``lexicon/layout_cues.json``, ``table_columns``). A column that
only monitors ("chủ trì theo dõi, đánh giá") is not a lead column, so an indicator
table of objectives is not read as tasks.

Rows: a row numbered with a Roman numeral, or a row whose only filled cell is its
content, is a group heading ("I. Kinh tế số"); a numbered row is a task; a row with
no number but other cells filled continues the task above it (a row cut by a page
break). A header row repeated on a later page, and the "(1) (2) (3)" row under the
header, are skipped.

>>> from planlineage.extract.document import Document
>>> doc = Document.from_text("| TT | Nội dung | Đơn vị chủ trì | Thời gian |\\n|---|---|---|---|\\n| I | Tuyên truyền | | |\\n| 1 | Tổ chức hội nghị | Sở Tư pháp | 2026 |", "x.md")
>>> [(t.ref, t.text, t.lead, t.period, t.group) for t in table_tasks(doc)]
[('I.1', 'Tổ chức hội nghị', 'Sở Tư pháp', '2026', 'Tuyên truyền')]
"""
from __future__ import annotations

import re

from .document import Document, RawTask
from .items import _has, cues, key
from .layout import ROMAN_NUMERALS, Block, read_blocks
from .normalize import collapse

#: Note on the rows of a table whose content column is an indicator ("Chỉ tiêu").
INDICATOR = "indicator table"
#: A Roman numeral standing alone ("II", "IV.", "V)"), not the first letter of a word ("Xây dựng").
_ROMAN = re.compile(r"^([IVX]{1,5})(?![^\W\d_])\s*[.)]?\s*(.*)$")
_NUM = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,3})\s*[.)]?$")
_COLNUM = re.compile(r"^\(?\d{1,2}\)?$")


def header_roles(cells: list[str]) -> dict[int, str] | None:
    """Column index -> role ("ref", "task", "lead", ...) when the cells are a task-table header."""
    c = cues()
    roles: dict[int, str] = {}
    for i, cell in enumerate(cells):
        k = key(cell)
        if not k:
            continue
        if i == 0 and k in c["table_ref"]:
            roles[i] = "ref"
            continue
        for name, words in c["table_columns"].items():
            if name in roles.values():
                continue
            if name == "lead" and _has(k, c["table_not_lead"]):
                continue
            if _has(k, words):
                roles[i] = name
                break
    if "task" in roles.values() and "lead" in roles.values():
        return roles
    return None


def _table(block: Block, start_group: tuple[str, str | None]) -> list[RawTask]:
    rows = block.rows
    roles, header = None, []
    for idx, row in enumerate(rows[:3]):
        roles = header_roles([c.text for c in row])
        if roles:
            rows, header = rows[idx + 1:], [c.text for c in row]
            break
    if not roles:
        return []
    col = {v: k for k, v in roles.items()}
    # Rows of an indicator table ("Chỉ tiêu" / "Chủ trì") set what to reach; see record.read_tasks.
    indicator = _has(key(header[col["task"]]), cues()["indicator_content"])
    if "ref" not in col and 0 not in roles:
        col["ref"] = 0
    tasks: list[RawTask] = []
    group_no, group_text = start_group

    def cell(row, name):
        i = col.get(name)
        return row[i].text.strip() if i is not None and i < len(row) else ""

    for idx, row in enumerate(rows):
        texts = [c.text for c in row]
        if not any(texts) or all(_COLNUM.match(t) or not t for t in texts):
            continue
        if header_roles(texts):
            continue  # the header again, on a later page
        ref = cell(row, "ref")
        content = cell(row, "task")
        others = [cell(row, n) for n in ("lead", "cooperate", "period", "product") if cell(row, n)]
        m_roman = _ROMAN.match(ref) if ref else None
        if not ref:
            m_in = _ROMAN.match(content)
            if m_in and m_in.group(1) in ROMAN_NUMERALS and m_in.group(2) and not others:
                m_roman, ref, content = m_in, m_in.group(1), m_in.group(2)
        filled = [t for i, t in enumerate(texts) if t and i != col.get("ref")]
        if m_roman and m_roman.group(1) in ROMAN_NUMERALS and (not others or not content and len(filled) == 1):
            # A group row: its title in the content cell, or in the one cell it fills.
            group_no, group_text = m_roman.group(1), collapse(f"{m_roman.group(2)} {content or filled[0] if filled else ''}") or None
            continue
        m_num = _NUM.match(ref) if ref else None
        if not ref:
            if tasks and others:
                _continue(tasks[-1], {n: cell(row, n) for n in ("task", "lead", "cooperate", "period", "product")},
                          (row[0].lines[0], row[-1].lines[1]))
            elif content and not others:
                group_no, group_text = group_no, content
            continue
        if not content:
            continue
        if m_num is None and ref and not m_roman:
            continue
        number = m_num.group(1) if m_num else ref
        if not others and idx + 1 < len(rows) and cell(rows[idx + 1], "ref").startswith(number + "."):
            # "1 | Nâng cao nhận thức ..." over "1.1", "1.2": a group numbered like its rows.
            group_no, group_text = "", content
            continue
        # "1.1" already carries its group's number; "1" under group "I" becomes "I.1".
        ref = number if "." in number or not group_no else f"{group_no}.{number}"
        tasks.append(RawTask(
            ref=ref, text=content, group=group_text,
            lead=cell(row, "lead") or None, cooperate=cell(row, "cooperate") or None,
            period=cell(row, "period") or None, product=cell(row, "product") or None,
            lines=(min(c.lines[0] for c in row), max(c.lines[1] for c in row)), layout="table",
            notes=[INDICATOR] if indicator else []))
    return tasks


def _continue(task: RawTask, cells: dict, lines: tuple[int, int]) -> None:
    def join(a, b):
        return collapse(f"{a or ''} {b or ''}") or None

    task.text = join(task.text, cells.get("task")) or ""
    for name in ("lead", "cooperate", "period", "product"):
        setattr(task, name, join(getattr(task, name), cells.get(name)))
    task.lines = (task.lines[0], max(task.lines[1], lines[1]))


def table_tasks(doc: Document) -> list[RawTask]:
    """One raw task per row of every task table of the document, in order."""
    out: list[RawTask] = []
    for block in read_blocks(doc):
        if block.is_table:
            out.extend(_table(block, ("", None)))
    return out


# No start inside a run of spaces (the start before it matches the same): linear (issue #15).
_VALUE = re.compile(r"(?:(≤|≥|<=|>=|<|>|tối thiểu|ít nhất|trên|dưới)|(?<!\s)|(?!\s))\s*(\d+(?:[.,]\d+)?)\s*(%)?",
                    re.IGNORECASE)
_FLOOR = ("≥", ">=", ">", "tối thiểu", "ít nhất", "trên")


def _indicator_roles(cells: list[str]) -> dict[str, int] | None:
    spec = cues()["indicator_columns"]
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        k = key(cell)
        if not k:
            continue
        if "unit" not in roles and k in spec["unit"]:
            roles["unit"] = i
        elif "indicator" not in roles and _has(k, spec["indicator"]):
            roles["indicator"] = i
        elif "result" not in roles and _has(k, spec["result"]):
            roles["result"] = i
    return roles if len(roles) == 3 else None


def indicator_objectives(doc: Document) -> list[dict]:
    """Objectives of the plan's indicator tables: one per value of a row's result cell.

    An indicator table has an indicator column, a unit-of-measure column ("Đơn vị") and a
    result column ("Kết quả", "Mục tiêu"); it is not a task table (no lead column).

    >>> doc = Document.from_text("| TT | Chỉ tiêu | Đơn vị | Kết quả |\\n|---|---|---|---|\\n| 1 | Xếp hạng | Thứ bậc | ≤ 3 Đông Nam Á; ≤ 50 Thế giới |", "x.md")
    >>> [(o["value"], o["unit"], o["at_least"]) for o in indicator_objectives(doc)]
    [(3, 'Thứ bậc', False), (50, 'Thứ bậc', False)]
    """
    out: list[dict] = []
    for block in read_blocks(doc):
        if not block.is_table:
            continue
        roles, rows = None, block.rows
        for idx, row in enumerate(rows[:3]):
            texts = [c.text for c in row]
            if header_roles(texts):
                roles = None
                break
            roles = _indicator_roles(texts)
            if roles:
                rows = rows[idx + 1:]
                break
        if not roles:
            continue
        group = None
        for row in rows:
            def cell(name):
                i = roles[name]
                return row[i].text.strip() if i < len(row) else ""
            indicator, unit, result = cell("indicator"), cell("unit"), cell("result")
            if indicator and not unit and not result:
                group = indicator
                continue
            if not result or not unit:
                continue
            # "%/năm": a rate per year, of unit "%".
            rate = re.fullmatch(r"([^/]*[^/\s])\s*/\s*năm", unit)
            for m in _VALUE.finditer(result):
                if re.search(r"\d\s*(?:%\s*)?[-–]\s*$", result[:m.start(2)]):
                    continue  # the upper bound of a range ("16 - 18"): the lower one is the target
                value = float(m.group(2).replace(",", "."))
                value = int(value) if value.is_integer() else value
                text = f"{group}: {indicator}: {result} ({unit})" if group else f"{indicator}: {result} ({unit})"
                out.append({"value": value, "unit": rate.group(1) if rate else unit, "per": "year" if rate else None,
                            "at_least": bool(m.group(1)) and m.group(1).lower() in _FLOOR, "text": collapse(text)})
    return out
