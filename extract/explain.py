"""How each block of a document was read: the answer to "why was this task missed?".

:func:`explain` walks the blocks of :mod:`.layout` in reading order and says, for
each, what the readers made of it: a section heading and its class (tasks,
assignment, no tasks), a task (with its ref), a label and the field it sets, a
group heading over tasks, a table header or row, or skipped. ``planlineage
extract --explain FILE`` prints it, one line a block (a table, one line a row).

>>> from planlineage.extract.document import Document
>>> doc = Document.from_text("II. NHIỆM VỤ\\n1. Tuyên truyền\\n- Tổ chức hội nghị.\\n- Cơ quan chủ trì: Phòng Văn hóa.", "x.txt")
>>> [(r["lines"], r["role"]) for r in explain(doc)]
[((1, 1), 'section: tasks'), ((2, 2), 'group'), ((3, 3), 'task 1.1'), ((4, 4), 'label: lead')]
"""
from __future__ import annotations

from .document import Document
from .items import _labels_of, _sections
from .layout import read_blocks

_CLASS = {"tasks": "tasks", "assign": "assignment", "skip": "no tasks", None: "not classified"}


def explain(doc: Document, tasks=None) -> list[dict]:
    """One row per block (per row for a table): {"lines", "kind", "marker", "role", "text"}.

    doc (Document): the plan. tasks (list[RawTask] | None): the tasks the record has
        (default: read again with :func:`.record.read_tasks`).
    """
    from .record import read_tasks

    tasks = read_tasks(doc) if tasks is None else tasks
    starts = {}
    for t in tasks:
        starts.setdefault(t.lines[0], t)
    from .items import doc_tree

    root = doc_tree(doc)
    section_of = {id(n.block): cls for n, cls in _sections(root)}
    nodes = {}

    def index(node) -> None:
        for c in node.children:
            nodes[id(c.block)] = c
            index(c)

    index(root)
    rows: list[dict] = []
    for b in read_blocks(doc):
        if b.is_table:
            for row in b.rows:
                first = min(c.lines[0] for c in row) if row else b.lines[0]
                last = max(c.lines[1] for c in row) if row else b.lines[1]
                t = next((starts[n] for n in range(first, last + 1) if n in starts), None)
                role = f"table row: task {t.ref}" if t is not None else "table row: skipped"
                rows.append({"lines": (first, last), "kind": "row", "marker": None, "role": role,
                             "text": " | ".join(c.text for c in row)})
            continue
        node = nodes.get(id(b))
        if id(b) in section_of:
            role = f"section: {_CLASS[section_of[id(b)]]}"
        elif b.lines[0] in starts:
            role = f"task {starts[b.lines[0]].ref or ''}".rstrip()
        elif node is not None and _labels_of(node):
            role = "label: " + ", ".join(sorted(_labels_of(node)))
        elif node is not None and any(c.block is not None and c.block.is_item for c in node.children):
            role = "group"
        else:
            role = "skipped"
        rows.append({"lines": b.lines, "kind": b.kind, "marker": b.marker, "role": role, "text": b.text})
    return rows


def format_explain(rows: list[dict], width: int = 70) -> str:
    """The rows as aligned text lines: lines, kind and marker, role, the start of the text."""
    out = []
    for r in rows:
        a, z = r["lines"]
        span = f"{a}" if a == z else f"{a}-{z}"
        kind = r["kind"] + (f" {r['marker']}" if r["marker"] and r["kind"] not in ("dash", "plus", "star") else "")
        text = r["text"] if len(r["text"]) <= width else r["text"][: width - 1] + "…"
        out.append(f"{span:>9}  {kind:<12} {r['role']:<24} {text}")
    return "\n".join(out)


def explain_file(path) -> str:
    """The explanation of one file, read as ``extract`` reads it (raises ExtractionError)."""
    from pathlib import Path

    from .record import load_document

    doc, _ = load_document(Path(path))
    return format_explain(explain(doc))
