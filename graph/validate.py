"""SHACL validation (pySHACL) of document graphs against ontology/shapes.ttl.

Violations come back in plain words: the source document, the node, the
property and the shape's message, e.g.
``004_x.txt: <.../task/1-1> pl:theme: every task has one theme``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .errors import NotConformant
from .namespaces import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"


@dataclass(frozen=True)
class Violation:
    """One broken constraint. source (str): document or graph. focus, path, message (str)."""

    source: str
    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: <{self.focus}> {self.path}: {self.message}"


@functools.lru_cache(maxsize=1)
def shapes_graph():
    """RETURNS (rdflib.Graph): the parsed shapes (cached)."""
    import rdflib

    return rdflib.Graph().parse(SHAPES, format="turtle")


def _rdflib(term):
    import pyoxigraph as ox
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        # rdflib keeps "a" and "a"^^xsd:string apart (RDF 1.1 says they are one), so sh:in would fail.
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def to_rdflib(triples):
    """triples (iterable[Triple | Quad]): pyoxigraph statements. RETURNS (rdflib.Graph): the same triples."""
    import rdflib

    g = rdflib.Graph(bind_namespaces="core")
    for p, iri in PREFIXES.items():
        g.bind(p, iri)
    for t in triples:
        g.add((_rdflib(t.subject), _rdflib(t.predicate), _rdflib(t.object)))
    return g


def _short(iri: str) -> str:
    for p, base in PREFIXES.items():
        if iri.startswith(base):
            return f"{p}:{iri[len(base):]}"
    return f"<{iri}>"


def check(triples, source: str) -> list[Violation]:
    """triples (iterable[Triple]): one graph. source (str): its name for messages.
    RETURNS (list[Violation]): every violation, sorted; empty when the graph conforms.
    """
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    conforms, report, _ = pyshacl.validate(to_rdflib(triples), shacl_graph=shapes_graph(), inference="none",
                                           allow_warnings=True)
    if conforms:
        return []
    out = []
    for r in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        out.append(Violation(source, str(report.value(r, SH.focusNode)), _short(str(path)) if path else "",
                             str(report.value(r, SH.resultMessage) or "constraint broken")))
    return sorted(out, key=lambda v: (v.focus, v.path, v.message))


def validate_triples(triples, source: str) -> None:
    """Raise NotConformant naming ``source`` and the first violation when the graph breaks the shapes."""
    violations = check(triples, source)
    if violations:
        raise NotConformant(source, [f"<{v.focus}> {v.path}: {v.message}" for v in violations])


def validate_store(store) -> list[Violation]:
    """Check every named graph of the store. store (GraphStore). RETURNS (list[Violation]): all violations."""
    graphs: dict = {}
    for q in store.quads():
        graphs.setdefault(q.graph_name.value, []).append(q)
    out = []
    names = {r["g"].value: r["f"].value for r in store.query(
        "SELECT ?g ?f WHERE { GRAPH ?g { ?d pl:sourceFile ?f } }").rows}
    for g, quads in sorted(graphs.items()):
        out.extend(check(quads, names.get(g, _short(g))))
    return out
