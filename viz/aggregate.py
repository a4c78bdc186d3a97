"""Keep a view within the node budget by merging nodes into counts.

A browser stays usable with about :data:`NODE_BUDGET` nodes in a vis-network
page (beyond that, layout and drawing take seconds per frame). A bigger
:class:`~.model.View` is reduced step by step: for each key of
``view.collapse_steps``, the nodes whose ``collapse`` equals that key are merged
into one node per ``cluster`` ("12 tasks", "87 commune plans"), their edges
re-pointed and counted. Nodes grouped under a merged node follow it (their
``cluster`` becomes the merged node), so a later step can merge them too. If the
view is still too big, the last nodes are left out. Every reduction is written in
``view.notices`` so the page says what it does not show.

>>> from planlineage.viz.model import View
>>> v = View(kind="demo", title="d", collapse_steps=["task"])
>>> v.add_node("p", "Plan", "plan")
>>> for i in range(5):
...     v.add_node(f"t{i}", f"T{i}", "task", collapse="task", cluster="p")
...     v.add_edge(f"t{i}", "p", "step_of")
>>> _ = aggregate(v, budget=3)
>>> [n["label"] for n in v.nodes], v.edges[0]["count"]
(['Plan', '5 × task'], 5)
"""
from __future__ import annotations

from collections import defaultdict

from .model import View

#: Largest number of nodes drawn in one page; bigger views are aggregated.
NODE_BUDGET = 1500


def aggregate(view: View, budget: int = NODE_BUDGET, names: dict | None = None, count_label: str = "count") -> View:
    """Reduce ``view`` in place to at most ``budget`` nodes and say so in its notices.

    view (View): the view to reduce. budget (int): largest node count.
    names (dict): display name of each collapse key (e.g. "task" -> "tasks").
    count_label (str): name of the count in a merged node's details, in the page's language.
    RETURNS (View): the same view.
    """
    names = names or {}
    total = len(view.nodes)
    if total <= budget:
        return view
    merged_kinds = []
    for step in view.collapse_steps:
        if len(view.nodes) <= budget:
            break
        if _merge_step(view, step, names.get(step, step), count_label):
            merged_kinds.append(names.get(step, step))
    dropped = 0
    if len(view.nodes) > budget:
        keep = {n["id"] for n in view.nodes[:budget]}
        dropped = len(view.nodes) - budget
        view.nodes = view.nodes[:budget]
        view.edges = [e for e in view.edges if e["from"] in keep and e["to"] in keep]
    view.__post_init__()
    view.notices.append({"key": "aggregated", "total": total, "budget": budget, "shown": len(view.nodes),
                         "merged": sorted(set(merged_kinds)), "dropped": dropped})
    return view


def _merge_step(view: View, step: str, name: str, count_label: str = "count") -> bool:
    groups = defaultdict(list)
    for n in view.nodes:
        if n.get("collapse") == step and n.get("cluster") is not None:
            groups[n["cluster"]].append(n)
    groups = {c: members for c, members in groups.items() if len(members) > 1}
    if not groups:
        return False
    by_id = {n["id"]: n for n in view.nodes}
    target = {}
    new_nodes = []
    for cluster, members in groups.items():
        agg_id = f"{cluster}#aggregate:{step}"
        for m in members:
            target[m["id"]] = agg_id
        host = by_id.get(cluster, {})
        new_nodes.append({
            "id": agg_id, "label": f"{sum(m.get('weight', 1) for m in members)} × {name}",
            "kind": "aggregate", "tooltip": f"{len(members)} × {name}\n{host.get('label', cluster)}",
            "level": members[0].get("level", 0), "details": [[count_label, str(len(members))]],
            "search": f"{name} {host.get('label', '')}", "collapse": step, "cluster": cluster,
            "weight": sum(m.get("weight", 1) for m in members),
            **{k: members[0][k] for k in ("column", "attach", "order") if k in members[0]},
        })
    kept = [n for n in view.nodes if n["id"] not in target]
    for n in kept:
        if n.get("cluster") in target:
            n["cluster"] = target[n["cluster"]]
    view.nodes = kept + new_nodes
    edges = {}
    for e in view.edges:
        src, dst = target.get(e["from"], e["from"]), target.get(e["to"], e["to"])
        if src == dst:
            continue
        key = (src, dst, e["rel"])
        if key in edges:
            edges[key]["count"] += e.get("count", 1)
        else:
            edges[key] = dict(e, **{"from": src, "to": dst})
    view.edges = list(edges.values())
    return True
