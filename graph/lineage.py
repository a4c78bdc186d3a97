"""Lineage of a plan: every document it implements, directly or not, up to the Directive.

>>> from planlineage.graph.store import open_store
>>> from planlineage.graph.lineage import lineage
>>> with open_store(memory=True) as store:
...     try:
...         lineage(store, "38-CT/TW")
...     except LookupError as e:
...         print(e)
plan 38-CT/TW: not found in the graph (give a file name, a document number or an IRI)
"""
from __future__ import annotations

from collections import defaultdict

from pyoxigraph import NamedNode

from .analytics import all_paths, depths, lineage_graph
from .resolve import canonical_of, find_plan


def describe(store, iris) -> dict[str, dict]:
    """What the graph tells of documents.

    store (GraphStore). iris (iterable[str]): canonical document IRIs.
    RETURNS (dict[str, dict]): iri -> {"iri", "number", "doc_type", "issuer", "level", "date", "source",
    "title", "superseded_by", "supersedes"}; numbers of related documents are given as written.
    """
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(str(NamedNode(i)) for i in iris)
    rows = store.query(f"""SELECT ?d ?p ?o ?label WHERE {{ VALUES ?d {{ {values} }}
        VALUES ?p {{ eli:id_local pl:docType eli:passed_by pl:level eli:date_document pl:sourceFile dcterms:title
                    pl:supersededBy eli:repeals }}
        ?d ?p ?o . OPTIONAL {{ ?o skos:prefLabel ?label }} OPTIONAL {{ ?o eli:id_local ?label }} }}""").rows
    # Related documents named without a label are shown by their canonical IRI (looked up only for those).
    canon = canonical_of(store, (r["o"].value for r in rows if r["label"] is None
                                 and r["p"].value.endswith(("supersededBy", "repeals"))))
    key = {"id_local": "number", "docType": "doc_type", "passed_by": "issuer", "level": "level",
           "date_document": "date", "sourceFile": "source", "title": "title",
           "supersededBy": "superseded_by", "repeals": "supersedes"}
    vals: dict[str, dict] = {i: defaultdict(set) for i in iris}
    for r in rows:
        k = key[r["p"].value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]]
        o = r["o"]
        v = r["label"].value if r["label"] is not None else o.value
        if k in ("superseded_by", "supersedes"):
            v = r["label"].value if r["label"] is not None else canon.get(o.value, o.value)
        vals[r["d"].value][k].add(v)
    out = {}
    for i in iris:
        v = vals[i]

        def one(k):
            # The most precise value first (a full date over a month), then alphabetical.
            return sorted(v[k], key=lambda x: (-len(x), x))[0] if v[k] else None

        out[i] = {"iri": i, "number": one("number"), "doc_type": one("doc_type"), "issuer": one("issuer"),
                  "level": one("level"), "date": one("date"), "source": one("source"), "title": one("title"),
                  "superseded_by": sorted(v["superseded_by"]), "supersedes": sorted(v["supersedes"])}
    return out


def lineage(store, plan: str) -> dict:
    """Ancestors of a plan along "implements" edges, with their depth and every path.

    store (GraphStore). plan (str): a file name, a document number or an IRI.
    RETURNS (dict): {"plan": {...}, "ancestors": [{"number", "doc_type", "issuer", "level", "date", "source",
    "depth", "iri", "superseded_by"}], "paths": [[number, ...], ...]}; ``source`` is the file name of an
    ingested document, else None; a path names each document by number (file name when it has none).
    """
    return lineage_of(store, find_plan(store, plan))[0]


def lineage_of(store, start: NamedNode, also=()) -> tuple[dict, dict[str, dict]]:
    """:func:`lineage` of a canonical document IRI, describing ``also`` in the same query.

    store (GraphStore). start (NamedNode): canonical IRI. also (iterable[str]): more documents to describe.
    RETURNS (tuple): the lineage dict, and :func:`describe` of the start, its ancestors and ``also``.
    """
    g = lineage_graph(store, start)
    depth = depths(g, start.value)
    info = describe(store, [start.value, *depth, *also])
    ancestors = []
    for iri, d in sorted(depth.items(), key=lambda x: (x[1], info[x[0]]["number"] or x[0])):
        a = {k: info[iri][k] for k in ("number", "doc_type", "issuer", "level", "date", "source")}
        a.update(depth=d, iri=iri, superseded_by=info[iri]["superseded_by"])
        ancestors.append(a)

    def name(i):
        return info[i]["number"] or info[i]["source"] or i

    return {"plan": info[start.value], "ancestors": ancestors,
            "paths": [[name(i) for i in p] for p in all_paths(g, start.value)]}, info


def to_table(result: dict) -> str:
    """result (dict): from :func:`lineage`. RETURNS (str): plain-text table, supersession shown."""
    p = result["plan"]
    head = f"{p['number'] or p['source'] or p['iri']}  {p['doc_type'] or ''}  {p['issuer'] or ''}  {p['date'] or ''}"
    lines = [head.rstrip()]
    if p["superseded_by"]:
        lines.append(f"  SUPERSEDED by {', '.join(p['superseded_by'])}")
    if p["supersedes"]:
        lines.append(f"  supersedes {', '.join(p['supersedes'])}")
    rows = [("depth", "number", "type", "issuer", "level", "date", "source")]
    for a in result["ancestors"]:
        number = a["number"] + (f" (superseded by {', '.join(a['superseded_by'])})" if a["superseded_by"] else "")
        rows.append((str(a["depth"]), number, a["doc_type"] or "", a["issuer"] or "", a["level"] or "",
                     a["date"] or "", a["source"] or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines += ["paths:"] + ["  " + " -> ".join(path) for path in result["paths"]]
    return "\n".join(lines)
