"""Extraction records become the RDF of one named graph per source document.

Every statement a document makes (its own metadata, its tasks, units, targets,
and what it says about the documents it names) goes into the named graph
``plid:graph/doc/<version key>`` (graph/versions.py: what the document says, never its file
name); provenance (source file and path, checksum, plan identity, extractor, line spans)
rides on the document and task nodes. Cross-document facts are
computed later by :mod:`.resolve` and :mod:`.align`.

>>> rec = {"source": "x.txt", "plan": {"doc_type": "KH", "number": None, "issuer": "Ủy ban nhân dân xã A",
...        "level": "commune", "province": "B", "commune": "A", "date": "2025-07"},
...        "references": [], "lineage": [], "objectives": [], "tasks": []}
>>> doc = build_document(rec)
>>> doc.iri.value.rsplit("--", 1)[0], doc.graph.value.startswith("https://w3id.org/planlineage/id/graph/doc/")
('https://w3id.org/planlineage/id/doc/src/x', True)
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from ..extract.normalize import fold, normalize
from .iris import doc_iri, place_iri, slug, src_doc_iri, task_iri, unit_iri, unit_scope
from .namespaces import DCTERMS, ELI, FREQ, ORG, PL, PLTH, PPLAN, PROV, RDF, SKOS, TIME
from .terms import date_literal, decimal, lit
from .unitnames import unit_name
from .versions import plan_identity, version_graph, version_key

#: doc_type symbol -> class of the document (besides eli:LegalResource).
DOC_CLASSES = {"KH": PL.Plan, "QĐ": PL.Decision, "CT": PL.Directive, "CV": PL.OfficialLetter, "NQ": PL.Resolution}
THEMES = ("awareness", "institutions", "human_resources", "investment", "inspection", "international", "other")
_FREQ = {"annual": FREQ.annual, "quarterly": FREQ.quarterly, "continuous": FREQ.continuous}
_LEVEL_TO_SCOPE = {"central": "national", "province": "province", "commune": "commune"}
_COMMUNE_WORDS = {"xa", "phuong", "dac", "thi tran"}


@dataclass
class DocumentGraph:
    """The RDF of one source document, before it is written.

    source (str): file name. graph (NamedNode): its named graph. iri (NamedNode): the document.
    triples (list[Triple]): every statement of the document.
    """

    source: str
    graph: NamedNode
    iri: NamedNode
    triples: list = field(default_factory=list)


def issuer_level(issuer: str | None) -> str | None:
    """issuer (str | None): a body's name. RETURNS (str | None): central, province or commune (None if unknown).

    >>> issuer_level("Thủ tướng Chính phủ"), issuer_level("Ủy ban nhân dân phường Đức Phổ")
    ('central', 'commune')
    """
    if not issuer:
        return None
    if unit_scope(issuer, None) == "national":
        return "central"
    words = set(slug(issuer).split("-"))
    if words & _COMMUNE_WORDS and "tinh" not in words:
        return "commune"
    return "province"


@functools.lru_cache(maxsize=1)
def activity_cues() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Activity concepts of ontology/themes.ttl with their folded Vietnamese cue words.

    RETURNS (tuple): (concept IRI, (cue, ...)) pairs, in file order.
    """
    from pathlib import Path

    from pyoxigraph import RdfFormat, parse

    path = Path(__file__).resolve().parent.parent / "ontology" / "themes.ttl"
    cues: dict[str, list[str]] = {}
    scheme = PLTH.activities.value
    in_scheme = set()
    for t in parse(path=str(path), format=RdfFormat.TURTLE):
        if t.predicate == SKOS.inScheme and t.object.value == scheme:
            in_scheme.add(t.subject.value)
        elif t.predicate in (SKOS.altLabel, SKOS.prefLabel) and getattr(t.object, "language", None) == "vi":
            cues.setdefault(t.subject.value, []).append(" " + fold(t.object.value) + " ")
    return tuple((iri, tuple(c)) for iri, c in cues.items() if iri in in_scheme)


def activities(text: str) -> list[NamedNode]:
    """text (str): a task's wording. RETURNS (list[NamedNode]): activity concepts whose cue words it contains."""
    folded = " " + " ".join(slug(text).split("-")) + " "
    out = []
    for iri, cues in activity_cues():
        if any(" ".join(slug(c).split("-")).join("  ") in folded for c in cues):
            out.append(NamedNode(iri))
    return out


class _Builder:
    def __init__(self, record: dict):
        self.rec = record
        self.plan = record.get("plan") or {}
        self.province = self.plan.get("province")
        self.commune = self.plan.get("commune")
        self.triples: list[Triple] = []
        self.units: set[str] = set()
        self.spellings: set[tuple[str, str]] = set()
        self.docs: set[str] = set()

    def add(self, s, p, o) -> None:
        if o is not None:
            self.triples.append(Triple(s, p, o))

    def unit(self, name: str, plan_level: str | None) -> NamedNode:
        name = normalize(name).strip()
        # One unit per canonical name and locality (data/unit_names.json); the spelling stays as altLabel.
        canonical = unit_name(name)
        scope = unit_scope(canonical.label, plan_level)
        iri = unit_iri(canonical.key, scope, self.province, self.commune)
        if name != canonical.label and (iri.value, name) not in self.spellings:
            self.spellings.add((iri.value, name))
            self.add(iri, SKOS.altLabel, Literal(name))
        if iri.value not in self.units:
            self.units.add(iri.value)
            self.add(iri, RDF.type, ORG.Organization)
            self.add(iri, SKOS.prefLabel, Literal(canonical.label))
            self.add(iri, PL.scope, Literal(scope))
            if scope != "national" and self.province:
                self.add(iri, PL.locatedIn, place_iri(self.province, self.commune if scope == "commune" else None))
        return iri

    def issuer_unit(self, issuer: str) -> NamedNode:
        level = issuer_level(issuer)
        return self.unit(issuer, {"central": "central", "commune": "commune"}.get(level, "province"))

    def document(self, iri: NamedNode, doc_type: str | None, number: str | None, date: str | None,
                 issuer: str | None, level: str | None) -> None:
        if iri.value in self.docs:
            return
        self.docs.add(iri.value)
        self.add(iri, RDF.type, ELI.LegalResource)
        cls = DOC_CLASSES.get(doc_type or "")
        if cls is not None:
            self.add(iri, RDF.type, cls)
        self.add(iri, PL.docType, Literal(doc_type or "?"))
        if number:
            self.add(iri, ELI.id_local, Literal(number))
        self.add(iri, ELI.date_document, date_literal(date))
        if issuer:
            self.add(iri, ELI.passed_by, self.issuer_unit(issuer))
        if level:
            self.add(iri, PL.level, Literal(level))

    def target(self, iri: NamedNode, t: dict) -> None:
        self.add(iri, RDF.type, PL.Target)
        self.add(iri, PL.value, decimal(t["value"]))
        self.add(iri, PL.unit, Literal(t.get("unit") or ""))
        if t.get("per"):
            self.add(iri, PL.per, Literal(t["per"]))
        self.add(iri, PL.atLeast, lit(bool(t.get("at_least"))))
        if t.get("text"):
            self.add(iri, DCTERMS.description, Literal(t["text"]))


def _lines(b: _Builder, iri: NamedNode, lines) -> None:
    if isinstance(lines, (list, tuple)) and len(lines) == 2 and all(isinstance(x, int) for x in lines):
        b.add(iri, PL.lines, Literal(f"{lines[0]}-{lines[1]}"))
        b.add(iri, PL.lineStart, lit(lines[0]))
        b.add(iri, PL.lineEnd, lit(lines[1]))


def self_iri(record: dict, separate: bool = False) -> NamedNode:
    """record (dict): an extraction record. separate (bool): a version kept beside another
    version of the same plan (``build --keep-both``): its IRI carries its version key.
    RETURNS (NamedNode): the IRI of the document itself."""
    plan = record.get("plan") or {}
    key = version_key(record)
    if plan.get("number"):
        iri = doc_iri(plan["number"], plan.get("issuer"), plan.get("province"))
        return NamedNode(f"{iri.value}--v{key[:12]}") if separate else iri
    return src_doc_iri(record["source"], key)


def build_document(record: dict, separate: bool = False, revision_of=()) -> DocumentGraph:
    """Turn one extraction record into the triples of its named graph.

    record (dict): per extraction.schema.json, with the extra keys sha256, extractor, lines
        (and ``path``, the file it was read from, when there is one).
    separate (bool): see :func:`self_iri`.
    revision_of (iterable of (graph IRI, document IRI) str pairs): the stored versions this one
        replaces, stated as ``prov:wasRevisionOf`` from this graph (and document, when its IRI differs).
    RETURNS (DocumentGraph): the document's IRI, graph name and triples.
    """
    b = _Builder(record)
    plan = b.plan
    source = record["source"]
    me = self_iri(record, separate)
    graph = version_graph(version_key(record))
    level = plan.get("level")
    b.document(me, plan.get("doc_type") or "KH", plan.get("number"), plan.get("date"), plan.get("issuer"), level)
    b.add(me, RDF.type, PL.Plan)
    b.add(me, PL.sourceFile, Literal(source))
    if record.get("sha256"):
        b.add(me, PL.checksum, Literal(record["sha256"]))
    if record.get("extractor"):
        b.add(me, PL.extractor, Literal(str(record["extractor"])))
    if record.get("path"):
        b.add(me, PL.sourcePath, Literal(str(record["path"])))
    identity = plan_identity(record)
    if identity:
        b.add(me, PL.planIdentity, Literal(identity))
    b.add(graph, PROV.specializationOf, me)
    for old_graph, old_doc in revision_of:
        b.add(graph, PROV.wasRevisionOf, NamedNode(old_graph))
        if old_doc != me.value:
            b.add(me, PROV.wasRevisionOf, NamedNode(old_doc))
    if plan.get("title"):
        b.add(me, DCTERMS.title, Literal(plan["title"]))
    if plan.get("signer"):
        b.add(me, PL.signer, Literal(plan["signer"]))
    if b.province:
        b.add(me, PL.province, Literal(b.province))
        if b.commune:
            b.add(me, PL.commune, Literal(b.commune))
        b.add(me, PL.locatedIn, place_iri(b.province, b.commune if level == "commune" else None))
        b.add(place_iri(b.province), RDF.type, PL.Province)
        b.add(place_iri(b.province), SKOS.prefLabel, Literal(b.province))
        if b.commune:
            c = place_iri(b.province, b.commune)
            b.add(c, RDF.type, PL.Commune)
            b.add(c, SKOS.prefLabel, Literal(b.commune))
            b.add(c, PL.locatedIn, place_iri(b.province))

    # References: one node per number (issuer-qualified for local symbols).
    by_number: dict[str, NamedNode] = {}
    relation = {"implements": ELI.ensures_implementation_of, "based_on": ELI.based_on,
                "replaces": ELI.repeals, "cites": ELI.cites}
    for ref in record.get("references") or []:
        number = ref.get("number")
        if not number:
            continue
        iri = doc_iri(number, ref.get("issuer"), b.province)
        by_number[slug(number)] = iri
        b.document(iri, ref.get("doc_type"), number, ref.get("date"), ref.get("issuer"), issuer_level(ref.get("issuer")))
        prop = relation.get(ref.get("relation"), ELI.cites)
        if iri != me:
            b.add(me, prop, iri)
    for edge in record.get("lineage") or []:
        ends = []
        for n in (edge.get("child"), edge.get("parent")):
            if n == "self":
                ends.append(me)
            elif n:
                if slug(n) not in by_number:
                    by_number[slug(n)] = doc_iri(n)
                    b.document(by_number[slug(n)], None, n, None, None, None)
                ends.append(by_number[slug(n)])
        if len(ends) == 2 and ends[0] != ends[1]:
            b.add(ends[0], ELI.ensures_implementation_of, ends[1])

    for n, obj in enumerate(record.get("objectives") or [], 1):
        oi = NamedNode(f"{me.value}/objective/{n}")
        b.add(me, PL.objective, oi)
        b.target(oi, obj)

    seen: set[str] = set()
    for index, task in enumerate(record.get("tasks") or [], 1):
        ti = task_iri(me, task.get("ref"), index)
        if ti.value in seen:
            ti = NamedNode(f"{ti.value}-{index}")
        seen.add(ti.value)
        b.add(ti, RDF.type, PL.Task)
        b.add(ti, RDF.type, PPLAN.Step)
        b.add(ti, PPLAN.isStepOfPlan, me)
        if task.get("ref"):
            b.add(ti, PL.ref, Literal(task["ref"]))
        b.add(ti, DCTERMS.description, Literal(task.get("text") or ""))
        theme = task.get("theme") if task.get("theme") in THEMES else "other"
        b.add(ti, PL.theme, PLTH[theme])
        for act in activities(task.get("text") or ""):
            b.add(ti, PL.activity, act)
        b.add(ti, PL.training, lit(bool(task.get("training"))))
        for name in task.get("lead") or []:
            if name and name.strip():
                b.add(ti, PL.leadUnit, b.unit(name, level))
        for name in task.get("cooperate") or []:
            if name and name.strip():
                b.add(ti, PL.cooperatingUnit, b.unit(name, level))
        if task.get("period"):
            b.add(ti, PL.period, Literal(task["period"]))
        if task.get("start"):
            b.add(ti, TIME.hasBeginning, Literal(task["start"]))
        if task.get("end"):
            b.add(ti, TIME.hasEnd, Literal(task["end"]))
        if task.get("recurring") in _FREQ:
            b.add(ti, DCTERMS.accrualPeriodicity, _FREQ[task["recurring"]])
        for n, t in enumerate(task.get("targets") or [], 1):
            tg = NamedNode(f"{ti.value}/target/{n}")
            b.add(ti, PL.hasTarget, tg)
            b.target(tg, t)
        _lines(b, ti, task.get("lines"))
    # Deduplicate while keeping a stable order (the same input gives the same list).
    triples = list(dict.fromkeys(b.triples))
    return DocumentGraph(source=source, graph=graph, iri=me, triples=triples)
