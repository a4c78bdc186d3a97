"""Cross-document resolution: which reference names which ingested document.

Each document graph states what its text tells of the documents it names.
This module adds, in the derived graph ``plid:graph/derived``:

* the well-known national documents of ``data/known_documents.json``;
* ``owl:sameAs`` from a reference to the ingested document it names, with a
  ``pl:IdentityResolution`` node holding the evidence. A numbered ingested
  document is matched by number (issuer compatible); an unnumbered one by
  issuer, document type, date (month/year compatible) and subject (both
  implement the same document), and only when the match is unique;
* the relations between documents rewritten onto canonical IRIs, and
  ``pl:supersededBy`` as the inverse of every ``eli:repeals``;
* ``pl:nameKey``, the folded name of every unit, which finds all the units
  of a name (one per commune for "Công an xã") as one term.

It also finds a plan or task named on the command line (:func:`find_plan`,
:func:`find_task`).
"""
from __future__ import annotations

import functools
import json
from collections import defaultdict

from pyoxigraph import Literal, NamedNode, Triple

from .. import DATA_DIR
from .errors import GraphError, NotFound
from .iris import CONTENT_GRAPH_FILTER, doc_iri, slug, unit_iri
from .namespaces import DCTERMS, ELI, ORG, OWL, PL, PLID, RDF, SKOS
from .terms import date_literal

RELATIONS = (ELI.ensures_implementation_of, ELI.based_on, ELI.repeals, ELI.cites)


@functools.lru_cache(maxsize=1)
def known_documents() -> list[dict]:
    """RETURNS (list[dict]): the documents of data/known_documents.json."""
    return json.loads((DATA_DIR / "known_documents.json").read_text(encoding="utf-8"))["documents"]


def _known_triples() -> list[Triple]:
    from .build import DOC_CLASSES

    out = []
    for d in known_documents():
        iri = doc_iri(d["number"], d["issuer"])
        unit = unit_iri(d["issuer"], "national")
        out += [Triple(iri, RDF.type, ELI.LegalResource), Triple(iri, PL.docType, Literal(d["doc_type"])),
                Triple(iri, ELI.id_local, Literal(d["number"])), Triple(iri, DCTERMS.title, Literal(d["title"])),
                Triple(iri, ELI.passed_by, unit), Triple(iri, PL.level, Literal(d["level"])),
                Triple(unit, RDF.type, NamedNode("http://www.w3.org/ns/org#Organization")),
                Triple(unit, SKOS.prefLabel, Literal(d["issuer"])), Triple(unit, PL.scope, Literal("national"))]
        if d["doc_type"] in DOC_CLASSES:
            out.append(Triple(iri, RDF.type, DOC_CLASSES[d["doc_type"]]))
        if d.get("date"):
            out.append(Triple(iri, ELI.date_document, date_literal(d["date"])))
        for parent in d.get("implements", []):
            out.append(Triple(iri, ELI.ensures_implementation_of, doc_iri(parent)))
    return out


def _docs(store) -> dict[str, dict]:
    """Every document node with what the graph tells of it (values merged over graphs)."""
    res = store.query("""
        SELECT ?d ?p ?o ?g WHERE { GRAPH ?g {
          ?d a eli:LegalResource .
          VALUES ?p { eli:id_local pl:docType eli:date_document pl:sourceFile eli:passed_by dcterms:title }
          ?d ?p ?o } """ + CONTENT_GRAPH_FILTER + " }")
    docs: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    for r in res.rows:
        docs[r["d"].value][r["p"].value].add(r["o"].value)
        docs[r["d"].value]["graphs"].add(r["g"].value)
    res = store.query("SELECT ?d ?o WHERE { ?d eli:ensures_implementation_of ?o }")
    for r in res.rows:
        docs[r["d"].value]["implements"].add(r["o"].value)
    return docs


def _date_ok(a: set, b: set) -> bool:
    if not a or not b:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def _labels(store) -> dict[str, str]:
    res = store.query("SELECT ?u ?l WHERE { ?u a org:Organization ; skos:prefLabel ?l }")
    return {r["u"].value: r["l"].value for r in res.rows}


def identities(store) -> list[tuple[str, str, str, str]]:
    """Pairs (alias reference, canonical ingested document, evidence, graph stating it).

    store (GraphStore). RETURNS (list[tuple]): sorted, stable.
    """
    docs = _docs(store)
    labels = _labels(store)
    ingested = {d: v for d, v in docs.items() if v[PL.sourceFile.value]}
    refs = {d: v for d, v in docs.items() if not v[PL.sourceFile.value]}
    ID, TYPE, DATE, ISSUER = ELI.id_local.value, PL.docType.value, ELI.date_document.value, ELI.passed_by.value

    def issuers(v):
        return {labels.get(u, u) for u in v[ISSUER]}

    def same_issuer(a, b):
        return {slug(x) for x in issuers(a)} & {slug(x) for x in issuers(b)}

    def numbers(iris):
        return {slug(n) for i in iris for n in docs.get(i, {}).get(ID, ())} | {i for i in iris}

    found: dict[str, list] = defaultdict(list)
    for r, rv in refs.items():
        if not rv[ID]:
            continue
        for d, dv in ingested.items():
            why = None
            if dv[ID]:
                if {slug(n) for n in dv[ID]} & {slug(n) for n in rv[ID]} and (
                        not rv[ISSUER] or issuers(rv) & issuers(dv)):
                    why = f"same number {sorted(rv[ID])[0]}" + (
                        f" and issuer {sorted(issuers(dv))[0]}" if rv[ISSUER] else "")
            elif (rv[TYPE] & dv[TYPE]) and same_issuer(rv, dv) and _date_ok(rv[DATE], dv[DATE]):
                shared = numbers(rv["implements"]) & numbers(dv["implements"])
                shared_nums = sorted(n for i in rv["implements"] | dv["implements"]
                                     for n in docs.get(i, {}).get(ID, ()) if slug(n) in shared or i in shared)
                if shared:
                    date = f"date {sorted(rv[DATE])[0]} within {sorted(dv[DATE])[0]}" if rv[DATE] and dv[DATE] else "no date conflict"
                    why = (f"{sorted(rv[ID])[0]} and the unnumbered {sorted(dv[SOURCE_KEY])[0]} have the same issuer "
                           f"({sorted(issuers(dv))[0]}), type {sorted(dv[TYPE])[0]}, {date}, and both implement "
                           f"{', '.join(sorted(set(shared_nums))) or 'the same document'}")
            if why:
                found[r].append((d, why, sorted(rv["graphs"])[0]))
    out = []
    claimed = defaultdict(set)
    for r, cands in found.items():
        if len({c[0] for c in cands}) == 1:
            claimed[cands[0][0]].add(next(iter(refs[r][ID])))
    for r, cands in sorted(found.items()):
        d, why, g = cands[0]
        # Unique both ways: one ingested document per reference, one number per unnumbered document.
        if len({c[0] for c in cands}) == 1 and len({slug(n) for n in claimed[d]}) == 1 and r != d:
            out.append((r, d, why, g))
    return out


SOURCE_KEY = PL.sourceFile.value


def _scheme_triples() -> list[Triple]:
    from pathlib import Path

    from pyoxigraph import RdfFormat, parse

    path = Path(__file__).resolve().parent.parent / "ontology" / "themes.ttl"
    return list(parse(path=str(path), format=RdfFormat.TURTLE))


def name_keys(store, extra=()) -> list[Triple]:
    """``pl:nameKey``: each unit's names folded, so a name finds its units (one per locality) as one term.

    store (GraphStore). extra (list[Triple]): derived triples that may state more units.
    RETURNS (list[Triple]): for every label of every org:Organization.
    """
    from ..extract.normalize import fold

    rows = [(r["u"], r["l"]) for r in store.query(
        "SELECT ?u ?l WHERE { ?u a org:Organization ; skos:prefLabel ?l }").rows]
    orgs = {t.subject for t in extra if t.predicate == RDF.type and t.object == ORG.Organization}
    rows += [(t.subject, t.object) for t in extra if t.predicate == SKOS.prefLabel and t.subject in orgs]
    return [Triple(u, PL.nameKey, Literal(fold(label.value))) for u, label in rows]


def derive_triples(store) -> list[Triple]:
    """The resolution part of the derived graph, with the SKOS themes of ontology/themes.ttl
    and the folded names of the units (:func:`name_keys`).

    store (GraphStore). RETURNS (list[Triple]).
    """
    out = _known_triples() + _scheme_triples()
    canon: dict[str, str] = {}
    ids = identities(store)
    numbered = {r["d"].value for r in store.query(
        "SELECT ?d WHERE { ?d pl:sourceFile ?f ; eli:id_local ?n }").rows}
    for alias, canonical, why, graph in ids:
        canon[alias] = canonical
        a, c = NamedNode(alias), NamedNode(canonical)
        node = PLID["resolution/" + slug(canonical.rsplit("/", 1)[-1]) + "--" + slug(alias.rsplit("/", 1)[-1])]
        out += [Triple(a, OWL.sameAs, c), Triple(node, RDF.type, PL.IdentityResolution),
                Triple(node, PL.alias, a), Triple(node, PL.canonical, c),
                Triple(node, PL.sameAsEvidence, Literal(why)), Triple(node, PL.statedIn, NamedNode(graph))]
        if canonical not in numbered:
            for n in store.query("SELECT DISTINCT ?n WHERE { ?a eli:id_local ?n }", {"a": a}).rows:
                out.append(Triple(c, ELI.id_local, n["n"]))
    edges = store.query("""SELECT ?s ?p ?o WHERE { VALUES ?p { eli:ensures_implementation_of eli:based_on
                                                                eli:repeals eli:cites } ?s ?p ?o }""").rows
    for e in edges:
        s, p, o = e["s"].value, e["p"], e["o"].value
        cs, co = canon.get(s, s), canon.get(o, o)
        if (cs, co) != (s, o) and cs != co:
            out.append(Triple(NamedNode(cs), p, NamedNode(co)))
        if p == ELI.repeals and cs != co:
            out.append(Triple(NamedNode(co), PL.supersededBy, NamedNode(cs)))
    out += name_keys(store, out)
    return list(dict.fromkeys(out))


def canonical_map(store) -> dict[str, str]:
    """RETURNS (dict[str, str]): alias IRI -> canonical IRI, from the owl:sameAs links."""
    return {r["a"].value: r["c"].value for r in store.query("SELECT ?a ?c WHERE { ?a owl:sameAs ?c }").rows}


def canonical_of(store, iris) -> dict[str, str]:
    """The owl:sameAs links of the given IRIs only (a nationwide store has thousands; a lookup needs a few).

    store (GraphStore). iris (iterable[str]): document IRIs.
    RETURNS (dict[str, str]): alias IRI -> canonical IRI, for those of ``iris`` that are aliases.
    """
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(str(NamedNode(i)) for i in iris)
    rows = store.query(f"SELECT ?a ?c WHERE {{ VALUES ?a {{ {values} }} ?a owl:sameAs ?c }}").rows
    return {r["a"].value: r["c"].value for r in rows}


def find_plan(store, text: str) -> NamedNode:
    """The document named by a file name, a document number or an IRI.

    store (GraphStore). text (str): "004_x.txt", "40/KH-UBND" or "https://w3id.org/planlineage/id/doc/...".
    RETURNS (NamedNode): its canonical IRI. Raises NotFound, or GraphError when a number names several documents.
    """
    if text.startswith(("http://", "https://")):
        iri = NamedNode(text)
        if store.query("ASK { ?d a eli:LegalResource }", {"d": iri}).boolean:
            return NamedNode(canonical_of(store, [text]).get(text, text))
        raise NotFound("plan", text)
    name = text.replace("\\", "/").rsplit("/", 1)[-1]
    rows = store.query("SELECT ?d WHERE { ?d pl:sourceFile ?f }", {"f": Literal(name)}).rows
    if not rows and "." not in name:
        rows = store.query("SELECT ?d WHERE { ?d pl:sourceFile ?f }", {"f": Literal(name + ".txt")}).rows
    if not rows:
        rows = store.query("SELECT DISTINCT ?d WHERE { ?d eli:id_local ?n }", {"n": Literal(text.strip())}).rows
    if not rows:
        want = slug(text)
        rows = [r for r in store.query("SELECT DISTINCT ?d ?n WHERE { ?d eli:id_local ?n }").rows
                if slug(r["n"].value) == want]
    canon = canonical_of(store, (r["d"].value for r in rows))
    found = sorted({canon.get(r["d"].value, r["d"].value) for r in rows})
    if not found:
        raise NotFound("plan", text)
    if len(found) > 1:
        raise GraphError(f"plan {text}: names {len(found)} documents ({', '.join(found)}); give the IRI")
    return NamedNode(found[0])


def find_task(store, text: str) -> NamedNode:
    """The task named by "<file name>#<ref>" or an IRI. store (GraphStore). RETURNS (NamedNode). Raises NotFound."""
    if text.startswith(("http://", "https://")):
        if store.query("ASK { ?t a pl:Task }", {"t": NamedNode(text)}).boolean:
            return NamedNode(text)
        raise NotFound("task", text)
    if "#" not in text:
        raise NotFound("task", text)
    plan_text, ref = text.rsplit("#", 1)
    plan = find_plan(store, plan_text)
    rows = store.query("SELECT ?t ?r WHERE { ?t p-plan:isStepOfPlan ?p ; pl:ref ?r }", {"p": plan}).rows
    hits = [r["t"] for r in rows if r["r"].value == ref] or [r["t"] for r in rows if slug(r["r"].value) == slug(ref)]
    if not hits:
        raise NotFound("task", text)
    return hits[0]
