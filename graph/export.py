"""Export the whole graph: Turtle, N-Triples, N-Quads, JSON-LD, or GraphML (networkx, for Gephi).

Turtle and N-Triples hold the union of all named graphs (one graph);
N-Quads and JSON-LD keep the named graphs. GraphML has one node per IRI
(label, type and literal properties as attributes) and one edge per triple
between two IRIs (attribute ``predicate``).
"""
from __future__ import annotations

import io

import pyoxigraph as ox

from .errors import GraphError
from .namespaces import PREFIXES, RDF, SKOS

FORMATS = ("ttl", "nt", "nq", "jsonld", "graphml")


def _short(iri: str) -> str:
    for p, base in PREFIXES.items():
        if iri.startswith(base):
            return f"{p}:{iri[len(base):]}"
    return iri


def to_networkx(quads):
    """quads (iterable[Quad]). RETURNS (networkx.MultiDiGraph): IRIs as nodes, IRI-to-IRI triples as edges."""
    import networkx as nx

    g = nx.MultiDiGraph()
    # In a fixed order: a node's first value of a property and its type must not depend on the
    # order an engine gives the quads in (the embedded store, oxigraph server and Virtuoso differ).
    for q in sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))):
        s, p, o = q.subject, q.predicate, q.object
        if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
            continue
        g.add_node(s.value)
        if isinstance(o, ox.Literal):
            key = _short(p.value)
            if p == SKOS.prefLabel or key not in g.nodes[s.value]:
                g.nodes[s.value][key] = o.value
            if p == SKOS.prefLabel or (key == "dcterms:description" and "label" not in g.nodes[s.value]):
                g.nodes[s.value]["label"] = o.value
        elif p == RDF.type:
            g.nodes[s.value]["type"] = _short(o.value)
        else:
            g.add_edge(s.value, o.value, key=p.value, predicate=_short(p.value))
    for n, data in g.nodes(data=True):
        data.setdefault("label", data.get("eli:id_local") or data.get("pl:sourceFile") or n.rsplit("/", 1)[-1])
    return g


def export(store, fmt: str, out) -> None:
    """Write every quad of ``store`` to the binary file ``out`` in ``fmt`` (ttl, nt, nq, jsonld, graphml)."""
    if fmt not in FORMATS:
        raise GraphError(f"export: unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    quads = list(store.quads())
    if fmt == "graphml":
        import networkx as nx

        nx.write_graphml(to_networkx(quads), out)
    elif fmt == "nq":
        out.write(ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS))
    elif fmt in ("ttl", "nt"):
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        f = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
        kw = {"prefixes": PREFIXES} if fmt == "ttl" else {}
        out.write(ox.serialize(triples, format=f, **kw))
    else:
        import rdflib

        ds = rdflib.Dataset()
        ds.parse(io.BytesIO(ox.serialize(quads, format=ox.RdfFormat.N_QUADS)), format="nquads")
        for p, iri in PREFIXES.items():
            ds.bind(p, iri)
        out.write(ds.serialize(format="json-ld", encoding="utf-8"))
