"""Apply a query's final ORDER BY in Python instead of in the store.

oxigraph's on-disk store keeps long strings and IRIs in a dictionary table, so
its ORDER BY decodes both strings from RocksDB at every comparison: about
100 ms of the 440 ms of "units leading a theme" and 250 ms of ``unit_workload``
at 3,435 documents (bench/README.md). The rows are decoded once anyway when they
reach Python, where sorting 30,000 of them takes a few milliseconds. A query
whose last clause is ``ORDER BY`` over projected variables (``?v``, ``ASC(?v)``,
``DESC(?v)``) is sent without it and its rows are sorted here with SPARQL 1.1's
order (section 15.1): unbound, then blank nodes, then IRIs, then literals;
numeric literals by value, other literals by lexical form then datatype or
language. Rows that tie keep the store's order (a stable sort), which SPARQL
leaves unspecified anyway. Any other ORDER BY (an expression, a variable not
projected, LIMIT/OFFSET after it) stays in the query.

>>> q = "SELECT ?u ?n WHERE { ?u <p> ?n }\\nORDER BY DESC(?n) ?u\\n"
>>> split_order(q)
('SELECT ?u ?n WHERE { ?u <p> ?n }\\n', [('n', True), ('u', False)])
>>> split_order("SELECT ?u WHERE { ?u <p> ?n } ORDER BY ?n") is None   # ?n is not projected
True
"""
from __future__ import annotations

import re

from pyoxigraph import BlankNode, Literal, NamedNode

from .namespaces import XSD

_ORDER = re.compile(r"\bORDER\s+BY\s+((?:(?:ASC|DESC)\s*\(\s*\?\w+\s*\)|\?\w+)(?:\s+(?:(?:ASC|DESC)\s*\(\s*\?\w+\s*\)|\?\w+))*)\s*$",
                    re.IGNORECASE)
_KEY = re.compile(r"(ASC|DESC)?\s*\(?\s*\?(\w+)", re.IGNORECASE)
_SELECT = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)
_NUMERIC = {XSD[n].value for n in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                   "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                   "nonPositiveInteger", "unsignedInt", "unsignedLong")}


def _projected(sparql: str) -> set[str] | None:
    """The variables of the outer SELECT of a query without comment lines (None for ``SELECT *``)."""
    m = _SELECT.search(sparql)
    if m is None or m.group(1).strip() == "*" or "{" in m.group(1):
        return None
    head = m.group(1)
    names = set(re.findall(r"\bAS\s+\?(\w+)", head, re.IGNORECASE))
    plain = re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", " ", head)   # drop (expr AS ?x), nested once
    return names | set(re.findall(r"\?(\w+)", plain))


def _strip_comments(sparql: str) -> str:
    return re.sub(r"(?m)^\s*#.*$", "", sparql)


def split_order(sparql: str) -> tuple[str, list[tuple[str, bool]]] | None:
    """Split a query's final ORDER BY off when Python can apply it.

    sparql (str): a SELECT query.
    RETURNS (tuple[str, list[tuple[str, bool]]] | None): the query without its ORDER BY and the
        keys as (variable, descending); None when the ORDER BY must stay in the query.
    """
    text = _strip_comments(sparql).rstrip()
    m = _ORDER.search(text)
    if m is None:
        return None
    keys = [(name, (way or "").upper() == "DESC") for way, name in _KEY.findall(m.group(1))]
    projected = _projected(text[: m.start()])
    if projected is None or any(name not in projected for name, _ in keys):
        return None
    return text[: m.start()].rstrip() + "\n", keys


def term_key(term) -> tuple:
    """term (Term | None): a solution value. RETURNS (tuple): its place in SPARQL's ORDER BY.

    >>> terms = [Literal("b"), None, NamedNode("http://a"), Literal("10", datatype=XSD.integer),
    ...          Literal("9", datatype=XSD.integer)]
    >>> [str(t) for t in sorted(terms, key=term_key)]
    ['None', '<http://a>', '"9"^^<http://www.w3.org/2001/XMLSchema#integer>', '"10"^^<http://www.w3.org/2001/XMLSchema#integer>', '"b"']
    """
    if term is None:
        return (0,)
    if isinstance(term, BlankNode):
        return (1, term.value)
    if isinstance(term, NamedNode):
        return (2, term.value)
    if isinstance(term, Literal):
        dt = term.datatype.value
        if dt in _NUMERIC:
            try:
                return (3, 0, float(term.value), "", "")
            except ValueError:
                pass
        return (3, 1, 0.0, term.value, term.language or dt)
    return (4, str(term))


def sort_rows(rows: list[dict], keys: list[tuple[str, bool]]) -> list[dict]:
    """rows (list[dict]): solutions. keys (list[tuple[str, bool]]): (variable, descending), most
    significant first. RETURNS (list[dict]): the rows in that order; rows the keys leave tied in
    the order of all their values, so that every engine gives the same order (SPARQL leaves it open)."""
    out = sorted(rows, key=lambda r: tuple(term_key(r[c]) for c in sorted(r)))
    for name, desc in reversed(keys):
        out.sort(key=lambda r: term_key(r.get(name)), reverse=desc)
    return out
