"""Materialised answers: the rows of a SELECT query kept in the store, next to the union they were read from.

At the nationwide scale a corpus-wide question ("which units lead inspection
tasks", the workload of every unit) reads 5,000-30,000 rows through oxigraph's
on-disk indexes, 0.3-1.3 s each time (bench/README.md). Such answers only change
when a document is written, so a build computes them once, after the
materialised union is sealed, and stores each as one JSON literal
(``pl:answerRows``) on ``urn:planlineage:answer:<sha256 of the query text>`` in
the store's own graph ``plid:graph/store`` (beside the union seal; never part of
the union users' SPARQL sees). The key is the exact query text, parameters included, so a
changed ``.rq`` file or another parameter value never meets an old answer. Any
write drops the union and that graph first (``invalidate_union``), answers with it, so
an answer is never older than the documents; a build killed while answering
leaves some answers missing, and those questions are answered live.

Terms are kept exactly: IRIs, blank nodes, literals with their datatype or
language, and unbound cells.

>>> from pyoxigraph import Literal, NamedNode
>>> text = encode_rows(["u", "n"], [{"u": NamedNode("http://x/u"), "n": Literal("Sở", language="vi")},
...                                  {"u": None, "n": Literal("3", datatype=NamedNode(XSD_INTEGER))}])
>>> columns, rows = decode_rows(text)
>>> [str(rows[0]["n"]), rows[1]["u"], rows[1]["n"].value]
['"Sở"@vi', None, '3']
"""
from __future__ import annotations

import hashlib
import json

from pyoxigraph import BlankNode, Literal, NamedNode

from .bulk import paused_gc

#: Bumped when the encoding changes: old answers are then never read.
FORMAT = "planlineage-answer/2"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
RDF_JSON = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")


def answer_key(sparql: str) -> NamedNode:
    """sparql (str): the full query text as sent. RETURNS (NamedNode): the IRI its answer is kept on."""
    digest = hashlib.sha256((FORMAT + "\n" + sparql).encode("utf-8")).hexdigest()
    return NamedNode("urn:planlineage:answer:" + digest)


def _cell(term):
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return ["i", term.value]
    if isinstance(term, BlankNode):
        return ["b", term.value]
    if term.language:
        return ["l", term.value, term.language]
    dt = term.datatype.value
    return term.value if dt == XSD_STRING else ["t", term.value, dt]


def _term(cell, datatypes: dict):
    if cell is None:
        return None
    if isinstance(cell, str):
        return Literal(cell)
    kind = cell[0]
    if kind == "i":
        return NamedNode(cell[1])
    if kind == "b":
        return BlankNode(cell[1])
    if kind == "l":
        return Literal(cell[1], language=cell[2])
    dt = datatypes.get(cell[2])
    if dt is None:
        dt = datatypes[cell[2]] = NamedNode(cell[2])
    return Literal(cell[1], datatype=dt)


def encode_rows(columns: list[str], rows: list[dict]) -> str:
    """columns (list[str]): SELECT variables. rows (list[dict]): solutions.

    RETURNS (str): JSON ``{"columns", "terms", "rows"}``: each distinct term once, rows as indexes
    into ``terms`` (0 stands for unbound), so a label repeated by 1,700 communes is decoded once.
    """
    index: dict = {None: 0}
    terms: list = [None]
    out = []
    for r in rows:
        line = []
        for c in columns:
            t = r.get(c)
            i = index.get(t)
            if i is None:
                i = index[t] = len(terms)
                terms.append(_cell(t))
            line.append(i)
        out.append(line)
    return json.dumps({"columns": columns, "terms": terms, "rows": out}, ensure_ascii=False, separators=(",", ":"))


def decode_rows(text: str) -> tuple[list[str], list[dict]]:
    """text (str): from :func:`encode_rows`. RETURNS (tuple[list[str], list[dict]]): columns and rows."""
    with paused_gc():
        doc = json.loads(text)
        columns = doc["columns"]
        datatypes: dict = {}
        terms = [_term(c, datatypes) for c in doc["terms"]]
        get = terms.__getitem__
        return columns, [dict(zip(columns, map(get, row))) for row in doc["rows"]]
