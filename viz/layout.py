"""Fixed node positions for the plan, unit and corpus views (issue #14).

vis-network's force layout leaves a plan of 60 nodes as a hairball, and its
hierarchical layout puts every node of a level on one line (a band of 40 tasks
is 10,000 px wide). Here positions are computed in Python on a grid of slots,
one slot per node, each at least as wide as a label may be (vis-network wraps
labels at ``widthConstraint.maximum``) and as tall as its wrapped lines, so two
labels never share a slot and bands follow the hierarchy:

* :func:`bands`: nodes by ``level`` (one band each, top-down), within a band by
  ``column`` (the same column key is one column through every band: a theme
  above its tasks, a province above its commune plans), nodes with ``attach``
  (count nodes) in a small grid right under the node they belong to.
* :func:`radial`: the centre nodes (``level`` 0) in the middle, every other node
  in the group of its ``cluster`` (a plan and its tasks), groups on a ring.

>>> nodes = [{"id": "p", "label": "Plan", "kind": "plan:province", "level": 0},
...          {"id": "t", "label": "1.1 Task", "kind": "task", "level": 1}]
>>> pos = bands(nodes)
>>> pos["p"][1] < pos["t"][1]
True
"""
from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache

#: Widest label vis-network draws (``nodes.widthConstraint.maximum`` of :mod:`.render`), in pixels.
LABEL_WIDTH = 170
#: Horizontal room of one node: the widest label plus a gap.
SLOT_W = LABEL_WIDTH + 30
#: Height of one line of label text (14 px font) and the gap between rows.
LINE_H, ROW_GAP, BAND_GAP = 18, 14, 40
#: Shapes whose label is drawn below the shape (not inside it), and their drawn size.
OUTSIDE = {"dot": 28, "triangle": 30, "star": 30, "hexagon": 30, "diamond": 28, "square": 28}
#: Width of one count node (a circle holding a number) in the grid under its plan.
COUNT_W, COUNT_H = 58, 58
#: Average width of a character at 14 px in Noto/DejaVu Sans, on the high side (Vietnamese diacritics).
CHAR_W = 8.4


@lru_cache(maxsize=1 << 16)
def label_lines(label: str) -> int:
    """label (str): node label (may hold newlines). RETURNS (int): lines it wraps to at LABEL_WIDTH
    (cached: a report wraps the same unit and plan names on many pages)."""
    per_line = int(LABEL_WIDTH / CHAR_W)
    lines = 0
    for part in (label or " ").split("\n"):
        words, width = part.split() or [""], 0
        n = 1
        for w in words:
            need = len(w) + (1 if width else 0)
            if width and width + need > per_line:
                n, width = n + 1, len(w)
            else:
                width += need
        lines += n
    return lines


def node_height(node: dict, shape: str) -> float:
    """node (dict): a view node. shape (str): its vis-network shape. RETURNS (float): drawn height, label included."""
    text = label_lines(node["label"]) * LINE_H
    if shape in OUTSIDE:
        return OUTSIDE[shape] + 6 + text
    if shape == "circle":
        return COUNT_H
    return text + 14


class _Cell:
    """A node with what hangs under it: width, height, and positions relative to the cell's top-centre."""

    def __init__(self, node, shape, attached):
        self.id = node["id"]
        self.head_h = node_height(node, shape)
        self.shape = shape
        self.attached = attached
        per_row = max(1, int(SLOT_W // COUNT_W))
        self.rows = math.ceil(len(attached) / per_row) if attached else 0
        self.per_row = per_row
        self.h = self.head_h + (8 + self.rows * COUNT_H if attached else 0)

    def place(self, cx: float, top: float, out: dict) -> None:
        # vis-network puts a node's shape centre at (x, y); a label drawn outside hangs below it.
        head_y = top + (OUTSIDE[self.shape] / 2 if self.shape in OUTSIDE else self.head_h / 2)
        out[self.id] = (cx, head_y)
        for i, a in enumerate(self.attached):
            row, col = divmod(i, self.per_row)
            in_row = min(self.per_row, len(self.attached) - row * self.per_row)
            x = cx + (col - (in_row - 1) / 2) * COUNT_W
            out[a] = (x, top + self.head_h + 8 + row * COUNT_H + COUNT_H / 2)


def _grid(cells: list, cols: int) -> tuple[float, float, list]:
    """Cells in rows of ``cols``. RETURNS (width, height, [(cell, dx from block centre, dy from block top)])."""
    cols = max(1, min(cols, len(cells)))
    placed, top = [], 0.0
    for start in range(0, len(cells), cols):
        row = cells[start:start + cols]
        for i, c in enumerate(row):
            placed.append((c, (i - (cols - 1) / 2) * SLOT_W, top))
        top += max(c.h for c in row) + ROW_GAP
    return cols * SLOT_W, max(top - ROW_GAP, 0.0), placed


#: Width and height of the drawing area of a page in a 1400 x 900 window (the page's aside takes the rest).
WINDOW = (1040, 780)


def bands(nodes: list, shapes: dict | None = None, column_order: list | None = None,
          max_cols: int | None = None) -> dict:
    """Positions of a banded layout: of 1 to 4 slots side by side per column, the one drawn largest in WINDOW.

    nodes (list[dict]): view nodes (``id``, ``label``, ``kind``, ``level``, optional ``column``, ``attach``, ``order``).
    shapes (dict): node id -> vis-network shape. column_order (list): column keys, left to right.
    max_cols (int): slots side by side in one column of one band (default: the best of 1 to 4).
    RETURNS (dict): node id -> (x, y).
    """
    prepared = _band_cells(nodes, shapes or {}, column_order)
    if max_cols:
        return _bands(prepared, max_cols, 1.0)[0]
    best = None
    # Also try bands without columns (units, targets) wider than the columns above them.
    for cols in range(1, 5):
        for spread in (1.0, 1.5, 2.0):
            pos, (w, h) = _bands(prepared, cols, spread)
            scale = min(WINDOW[0] / max(w, 1), WINDOW[1] / max(h, 1))
            if best is None or scale > best[0] + 1e-9:
                best = (scale, pos)
    return best[1]


def _band_cells(nodes, shapes, column_order) -> tuple:
    """What every try of :func:`bands` shares (computed once: a cell's height wraps its label):
    RETURNS (tuple): (nodes of each band in order, column keys, node id -> _Cell)."""
    ids = {n["id"] for n in nodes}
    attached = defaultdict(list)
    for n in nodes:
        if n.get("attach") in ids:
            attached[n["attach"]].append(n["id"])
    hanging = {a for lst in attached.values() for a in lst}
    heads = [n for n in nodes if n["id"] not in hanging]
    by_band = defaultdict(list)
    for n in heads:
        by_band[n.get("level", 0)].append(n)
    for lst in by_band.values():
        lst.sort(key=lambda n: n.get("order", ()))
    columns = list(column_order or [])
    for n in heads:
        c = n.get("column")
        if c is not None and c not in columns:
            columns.append(c)
    cells = {n["id"]: _Cell(n, shapes.get(n["id"], "box"), attached.get(n["id"], [])) for n in heads}
    in_column = {}
    for level, lst in by_band.items():
        of_column = defaultdict(list)
        for n in lst:
            of_column[n.get("column")].append(cells[n["id"]])
        for c in columns:
            if of_column.get(c):
                in_column[(level, c)] = of_column[c]
    return by_band, columns, cells, in_column


def _bands(prepared, per_col, spread) -> tuple[dict, tuple[float, float]]:
    by_band, columns, cells, in_column = prepared
    width = {c: SLOT_W for c in columns}
    blocks = {}
    for (level, c), members in in_column.items():
        blocks[(level, c)] = _grid(members, per_col)
        width[c] = max(width[c], blocks[(level, c)][0])
    total = sum(width.values()) if columns else 0
    spanning_cols = max(4, int(max(total, 4 * SLOT_W) * spread // SLOT_W))
    x0, col_x = -total / 2, {}
    for c in columns:
        col_x[c] = x0 + width[c] / 2
        x0 += width[c]
    out, top = {}, 0.0
    for level in sorted(by_band):
        lst = by_band[level]
        spanning = [cells[n["id"]] for n in lst if n.get("column") is None]
        height = 0.0
        if spanning:
            w, h, placed = _grid(spanning, spanning_cols)
            for cell, dx, dy in placed:
                cell.place(dx, top + dy, out)
            height = h + ROW_GAP
        row_h = 0.0
        for c in columns:
            if (level, c) in blocks:
                _, h, placed = blocks[(level, c)]
                for cell, dx, dy in placed:
                    cell.place(col_x[c] + dx, top + height + dy, out)
                row_h = max(row_h, h)
        top += height + row_h + BAND_GAP
    xs = [x for x, _ in out.values()] or [0.0]
    return out, (max(xs) - min(xs) + SLOT_W, top - BAND_GAP)


def radial(nodes: list, shapes: dict | None = None) -> dict:
    """Positions of a centred layout: level-0 nodes in the middle, each ``cluster`` a group on a ring around them.

    nodes (list[dict]): view nodes; a group is the node whose id is the cluster key (on top) and its members.
    shapes (dict): node id -> vis-network shape. RETURNS (dict): node id -> (x, y).
    """
    shapes = shapes or {}
    centre = [n for n in nodes if n.get("level", 0) == 0]
    rest = [n for n in nodes if n.get("level", 0) != 0]
    ids = {n["id"] for n in nodes}
    groups: dict = {}
    for n in rest:
        key = n.get("cluster") if n.get("cluster") in ids and n.get("cluster") not in {c["id"] for c in centre} \
            else n["id"]
        groups.setdefault(key, [])
        if n["id"] != key:
            groups[key].append(n)
    by_id = {n["id"]: n for n in nodes}
    out: dict = {}
    cells = [_Cell(n, shapes.get(n["id"], "box"), []) for n in centre]
    cw, ch, placed = _grid(cells, max(1, math.ceil(math.sqrt(len(cells)))))
    for cell, dx, dy in placed:
        cell.place(dx, -ch / 2 + dy, out)
    blocks = []
    for key in sorted(groups, key=lambda k: by_id[k].get("order", ()) if k in by_id else ()):
        head = _Cell(by_id[key], shapes.get(key, "box"), [])
        members = [_Cell(m, shapes.get(m["id"], "box"), []) for m in
                   sorted(groups[key], key=lambda m: m.get("order", ()))]
        w, h, grid = _grid(members, max(1, math.ceil(math.sqrt(len(members) / 2)))) if members else (SLOT_W, 0, [])
        blocks.append((head, grid, max(w, SLOT_W), head.h + (ROW_GAP + h if members else 0)))
    if not blocks:
        return out
    # Ring radius: the groups must not touch each other (chord) nor the centre.
    diag = max(math.hypot(w, h) for _, _, w, h in blocks) + 2 * ROW_GAP
    n = len(blocks)
    ring = max(diag / (2 * math.sin(math.pi / n)) if n > 1 else 0, diag / 2 + math.hypot(cw, ch) / 2 + BAND_GAP)
    for i, (head, grid, w, h) in enumerate(blocks):
        # Two groups: left then right, the order of the centre nodes (a unit of each of two provinces).
        angle = math.pi * (1 - i) if n == 2 else -math.pi / 2 + 2 * math.pi * i / n
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        top = cy - h / 2
        head.place(cx, top, out)
        for cell, dx, dy in grid:
            cell.place(cx + dx, top + head.h + ROW_GAP + dy, out)
    return out
