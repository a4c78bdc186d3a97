"""SHACL validation (pySHACL) of document graphs against ontology/shapes.ttl.

Violations come back in plain words: the source document, the node, the
property and the shape's message, e.g.
``004_x.txt: <.../task/1-1> pl:theme: every task has one theme``.

Two severities (issue #11, "load what was read"): a ``sh:Violation`` breaks the integrity of
the graph and the document is refused; a ``sh:Warning`` says a plan lacks something it
should say (issuer, level, date, tasks): the document is loaded with what was read and
:func:`incomplete` lists what is missing, e.g. ``Incomplete: x.txt: no issuer, no date``.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .errors import NotConformant
from .iris import DOC_GRAPH_FILTER
from .namespaces import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SHAPES = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"


VIOLATION, WARNING = "Violation", "Warning"


@dataclass(frozen=True)
class Violation:
    """One broken constraint. source (str): document or graph. focus, path, message (str).
    severity (str): "Violation" (the graph breaks; the document is refused) or "Warning" (the
    plan lacks something; it is loaded). name (str): the shape's sh:name, e.g. "issuer" ("" if none).
    """

    source: str
    focus: str
    path: str
    message: str
    severity: str = VIOLATION
    name: str = ""

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
    RETURNS (list[Violation]): every result, warnings included, sorted; empty when the graph
    conforms and is complete.
    """
    import pyshacl
    import rdflib
    from rdflib.namespace import SH

    shapes = shapes_graph()
    _, report, _ = pyshacl.validate(to_rdflib(triples), shacl_graph=shapes, inference="none", allow_warnings=True)
    out = []
    for r in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        severity = WARNING if report.value(r, SH.resultSeverity) in (SH.Warning, SH.Info) else VIOLATION
        name = shapes.value(report.value(r, SH.sourceShape), SH.name)
        out.append(Violation(source, str(report.value(r, SH.focusNode)), _short(str(path)) if path else "",
                             str(report.value(r, SH.resultMessage) or "constraint broken"), severity,
                             str(name or "")))
    return sorted(out, key=lambda v: (v.severity, v.focus, v.path, v.message))


def missing(results: list[Violation]) -> list[str]:
    """results (list[Violation]): of one document. RETURNS (list[str]): what it lacks, in the
    order of the shapes' names, e.g. ``["no issuer", "no date"]``."""
    names = [v.name or v.path for v in results if v.severity == WARNING]
    return [f"no {n}" for n in dict.fromkeys(sorted(names, key=lambda n: _ORDER.get(n, len(_ORDER))))]


#: The order of the completeness list: as a reader meets the fields (names of ontology/shapes.ttl).
_ORDER = {"issuer": 0, "level": 1, "date": 2, "tasks": 3}


def validate_triples(triples, source: str) -> list[str]:
    """Raise NotConformant naming ``source`` and the first violation when the graph breaks the
    integrity shapes. RETURNS (list[str]): what the document lacks (:func:`missing`), else []."""
    results = check(triples, source)
    violations = [v for v in results if v.severity == VIOLATION]
    if violations:
        raise NotConformant(source, [f"<{v.focus}> {v.path}: {v.message}" for v in violations])
    return missing(results)


def validate_store(store) -> list[Violation]:
    """Check every named graph of the store. store (GraphStore).
    RETURNS (list[Violation]): all results; those of severity "Warning" say a plan is incomplete
    (see :func:`incomplete`), the others that the graph does not conform.
    """
    graphs: dict = {}
    for q in store.quads():
        graphs.setdefault(q.graph_name.value, []).append(q)
    out = []
    names = {r["g"].value: r["f"].value for r in store.query(
        f"SELECT ?g ?f WHERE {{ GRAPH ?g {{ ?d pl:sourceFile ?f }} {DOC_GRAPH_FILTER} }}").rows}
    for g, quads in sorted(graphs.items()):
        out.extend(check(quads, names.get(g, _short(g))))
    return out


def incomplete(results: list[Violation]) -> dict[str, list[str]]:
    """results (list[Violation]): of :func:`validate_store`. RETURNS (dict): source -> what it lacks,
    for the documents that lack something, sorted by source."""
    by_source: dict[str, list] = {}
    for v in results:
        if v.severity == WARNING:
            by_source.setdefault(v.source, []).append(v)
    return {s: missing(vs) for s, vs in sorted(by_source.items())}
