"""Path analytics with networkx: lineage graphs, ancestors, all paths, unit workload.

>>> import networkx as nx
>>> g = nx.DiGraph([("c", "b"), ("b", "a"), ("c", "a")])
>>> sorted(depths(g, "c").items())
[('a', 1), ('b', 1)]
>>> all_paths(g, "c")
[['c', 'a'], ['c', 'b', 'a']]
"""
from __future__ import annotations

from collections import defaultdict

from pyoxigraph import NamedNode

from .resolve import canonical_map, canonical_of


def lineage_graph(store, start: NamedNode | None = None):
    """The "implements" graph on canonical IRIs, whole or reachable from ``start``.

    store (GraphStore). start (NamedNode | None): a document; None for every edge.
    RETURNS (networkx.DiGraph): edge child -> parent.
    """
    import networkx as nx

    if start is None:
        rows = store.query("SELECT ?a ?b WHERE { ?a eli:ensures_implementation_of ?b }").rows
        canon = canonical_map(store)
    else:
        rows = store.query("""SELECT ?a ?b WHERE { ?plan eli:ensures_implementation_of* ?a .
                                                 ?a eli:ensures_implementation_of ?b }""", {"plan": start}).rows
        canon = canonical_of(store, [start.value, *(r[v].value for r in rows for v in ("a", "b"))])
    g = nx.DiGraph()
    if start is not None:
        g.add_node(canon.get(start.value, start.value))
    for r in rows:
        a, b = canon.get(r["a"].value, r["a"].value), canon.get(r["b"].value, r["b"].value)
        if a != b:
            g.add_edge(a, b)
    return g


def depths(g, start: str) -> dict[str, int]:
    """g (DiGraph): child -> parent edges. start (str): a node. RETURNS (dict): ancestor -> shortest distance."""
    import networkx as nx

    d = nx.single_source_shortest_path_length(g, start)
    d.pop(start, None)
    return d


def all_paths(g, start: str) -> list[list[str]]:
    """Every simple path from ``start`` to a root (a node implementing nothing), sorted by length then name.

    g (DiGraph). start (str). RETURNS (list[list[str]]).
    """
    import networkx as nx

    roots = [n for n in nx.descendants(g, start) if g.out_degree(n) == 0]
    paths = [p for r in roots for p in nx.all_simple_paths(g, start, r)]
    return sorted(paths, key=lambda p: (len(p), p))


def workload(store) -> list[dict]:
    """Tasks led and cooperated by each unit, in total and by theme.

    store (GraphStore). RETURNS (list[dict]): {"unit", "name", "scope", "lead", "cooperate", "by_theme"},
    busiest first.
    """
    rows = store.query("""SELECT ?u ?name ?scope ?role ?theme (COUNT(DISTINCT ?t) AS ?n) WHERE {
        VALUES ?role { pl:leadUnit pl:cooperatingUnit }
        ?t ?role ?u ; pl:theme ?theme . ?u skos:prefLabel ?name ; pl:scope ?scope }
        GROUP BY ?u ?name ?scope ?role ?theme""").rows
    units: dict[str, dict] = {}
    for r in rows:
        u = units.setdefault(r["u"].value, {"unit": r["u"].value, "name": r["name"].value,
                                            "scope": r["scope"].value, "lead": 0, "cooperate": 0,
                                            "by_theme": defaultdict(lambda: {"lead": 0, "cooperate": 0})})
        role = "lead" if r["role"].value.endswith("leadUnit") else "cooperate"
        n = int(r["n"].value)
        u[role] += n
        u["by_theme"][r["theme"].value.rsplit("/", 1)[-1]][role] += n
    out = []
    for u in units.values():
        u["by_theme"] = {k: dict(v) for k, v in sorted(u["by_theme"].items())}
        out.append(u)
    return sorted(out, key=lambda u: (-(u["lead"] + u["cooperate"]), u["name"]))
