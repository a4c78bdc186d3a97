"""The view model: what a picture shows, as plain data, before any HTML.

A :class:`View` is built from query results by :mod:`.views` and drawn by
:mod:`.render`; keeping it plain (lists of dicts) lets the size budget
(:mod:`.aggregate`) and the tests work on it without a browser.

>>> v = View(kind="demo", title="Demo")
>>> v.add_node("a", "A", "unit", tooltip="Phòng Văn hóa")
>>> v.add_node("b", "B", "task", level=1)
>>> v.add_edge("a", "b", "leads")
>>> len(v.nodes), v.edges[0]["rel"]
(2, 'leads')
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class View:
    """A network to draw.

    kind (str): "corpus", "trace", "plan", "unit" (or anything for tests).
    title (str): page heading (plain text).
    layout (str): "hierarchical" (top-down by node ``level``), "force", "bands" or "radial" (below).
    nodes (list[dict]): ``id``, ``label``, ``kind`` (colour/shape key), ``tooltip``
        (plain text, newlines allowed), ``level`` (int), ``details`` (list of
        ``[key, value]`` shown on click), ``search`` (text the search box matches),
        ``collapse`` (aggregation step this node takes part in), ``cluster``
        (id of the node it is grouped under when aggregated).
    edges (list[dict]): ``from``, ``to``, ``rel`` (key of the edge label in
        ``assets/labels.json``), ``dashes`` (bool), ``count`` (int, aggregated edges).
    notices (list[str]): plain-text lines shown above the network (aggregation etc.).
    collapse_steps (list[str]): ``collapse`` keys merged in this order past the budget.
    columns (list[str]): column keys of a "bands" layout, left to right (:func:`.layout.bands`).
    edge_labels (bool): draw edge labels (else they show on hover only, as they would collide).

    Layouts: "hierarchical" (vis-network, top-down by ``level``), "force", and the fixed layouts of
    :mod:`.layout`: "bands" (``level``, ``column``, ``attach``, ``order`` of the nodes) and "radial".
    """

    kind: str
    title: str
    layout: str = "force"
    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    collapse_steps: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    edge_labels: bool = True

    def __post_init__(self):
        self._ids = {n["id"] for n in self.nodes}
        self._edge_keys = {(e["from"], e["to"], e["rel"]) for e in self.edges}

    def has_node(self, node_id: str) -> bool:
        """node_id (str): a node id. RETURNS (bool): whether the view holds it."""
        return node_id in self._ids

    def add_node(self, node_id: str, label: str, kind: str, *, tooltip: str = "", level: int = 0,
                 details: list | None = None, search: str | None = None, collapse: str | None = None,
                 cluster: str | None = None, **extra) -> None:
        """Add a node once (a second call with the same id is ignored).

        node_id (str): stable id (an IRI). label (str): text drawn on the node.
        kind (str): colour/shape key of ``assets/styles.json``. tooltip (str): plain text.
        level (int): row in hierarchical layouts. details (list): ``[key, value]`` pairs.
        search (str): text matched by the search box (default: label and tooltip).
        collapse (str): aggregation step key. cluster (str): id of the grouping node.
        """
        if node_id in self._ids:
            return
        self._ids.add(node_id)
        self.nodes.append({
            "id": node_id, "label": label, "kind": kind, "tooltip": tooltip, "level": level,
            "details": details or [], "search": search if search is not None else f"{label}\n{tooltip}",
            "collapse": collapse, "cluster": cluster, **extra,
        })

    def add_edge(self, src: str, dst: str, rel: str, *, dashes: bool = False, count: int = 1) -> None:
        """Add an edge once per (src, dst, rel).

        src (str), dst (str): node ids. rel (str): label key. dashes (bool): dashed line.
        count (int): how many edges this one stands for.
        """
        key = (src, dst, rel)
        if key in self._edge_keys:
            return
        self._edge_keys.add(key)
        self.edges.append({"from": src, "to": dst, "rel": rel, "dashes": dashes, "count": count})
