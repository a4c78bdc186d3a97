"""Output of query answers: aligned table, and the SPARQL 1.1 Query Results JSON, CSV and TSV formats.

* ``json`` follows https://www.w3.org/TR/sparql11-results-json/ (``head.vars``,
  ``results.bindings`` with ``type`` uri/literal/bnode, ``xml:lang``, ``datatype``;
  ``boolean`` for ASK).
* ``csv`` follows https://www.w3.org/TR/sparql11-results-csv-tsv/ section 2: a header of
  variable names, values as plain strings (IRIs without brackets, no datatype), CRLF.
* ``tsv`` follows section 3: header ``?var``, values in Turtle/N-Triples form
  (``<iri>``, ``"text"@vi``, ``"5"^^<...#integer>``), LF.
* ``table`` is for a terminal: aligned columns, IRIs shortened with the project's prefixes,
  long text cut to ``width`` characters.

Terms are pyoxigraph ``NamedNode`` / ``Literal`` / ``BlankNode`` (or None for unbound).

>>> import pyoxigraph as ox
>>> from planlineage.queries.engine import Answer
>>> a = Answer(columns=["x", "n"], rows=[{"x": ox.NamedNode("https://w3id.org/planlineage/id/unit/vn/bo"), "n": ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}])
>>> print(to_csv(a), end="")
x,n\r
https://w3id.org/planlineage/id/unit/vn/bo,2\r
>>> print(to_table(a))
x                n
---------------  -
plid:unit/vn/bo  2
"""
from __future__ import annotations

import csv
import io
import json

FORMATS = ("table", "csv", "tsv", "json")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
PREFIXES = {
    "plid:": "https://w3id.org/planlineage/id/",
    "plth:": "https://w3id.org/planlineage/theme/",
    "pl:": "https://w3id.org/planlineage/ontology#",
    "freq:": "http://purl.org/cld/freq/",
    "eli:": "http://data.europa.eu/eli/ontology#",
}


def _kind(term) -> str:
    return type(term).__name__


def term_json(term) -> dict:
    """One RDF term as a SPARQL JSON results binding value."""
    kind = _kind(term)
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype.value not in (XSD_STRING, RDF_LANGSTRING):
        out["datatype"] = term.datatype.value
    return out


def plain(term):
    """The plain value of a term: the IRI or lexical form; None for unbound."""
    return None if term is None else term.value


def to_python(term):
    """A term as a JSON-friendly Python value: str, int, float, bool or None."""
    if term is None:
        return None
    if _kind(term) != "Literal" or term.datatype is None:
        return term.value
    dt = term.datatype.value.rsplit("#", 1)[-1]
    try:
        if dt in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
            return int(term.value)
        if dt in ("decimal", "double", "float"):
            number = float(term.value)
            return int(number) if number.is_integer() and dt == "decimal" else number
        if dt == "boolean":
            return term.value in ("true", "1")
    except ValueError:
        return term.value
    return term.value


def to_json(answer) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if answer.boolean is not None:
        return json.dumps({"head": {}, "boolean": answer.boolean})
    bindings = [{c: term_json(row[c]) for c in answer.columns if row.get(c) is not None} for row in answer.rows]
    return json.dumps({"head": {"vars": answer.columns}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1)


def to_csv(answer) -> str:
    """SPARQL 1.1 Query Results CSV (RFC 4180, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if answer.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if answer.boolean else "false"])
        return out.getvalue()
    writer.writerow(answer.columns)
    for row in answer.rows:
        writer.writerow(["" if row.get(c) is None else plain(row[c]) for c in answer.columns])
    return out.getvalue()


def to_tsv(answer) -> str:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples form; tabs and newlines escaped)."""
    if answer.boolean is not None:
        return f"?boolean\n{'true' if answer.boolean else 'false'}\n"
    lines = ["\t".join(f"?{c}" for c in answer.columns)]
    for row in answer.rows:
        cells = ["" if row.get(c) is None else str(row[c]) for c in answer.columns]
        lines.append("\t".join(c.replace("\t", "\\t").replace("\n", "\\n") for c in cells))
    return "\n".join(lines) + "\n"


def short(term, width: int = 70) -> str:
    """A term for a terminal: prefixed IRI or the literal's text, cut to ``width``."""
    if term is None:
        return ""
    text = term.value
    if _kind(term) == "NamedNode" and text.startswith(PREFIXES["plth:"]):
        from .ask import label_of

        text = label_of(text)  # a theme or activity by its label, not its IRI (issue #12)
    elif _kind(term) == "NamedNode":
        for prefix, ns in PREFIXES.items():
            if text.startswith(ns):
                text = prefix + text[len(ns):]
                break
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _list_cell(term, width: int) -> str:
    """A ``|``-separated list cell for a terminal: sorted, joined with ", " (as ``ask`` shows it)."""
    if term is None:
        return ""
    text = ", ".join(sorted(v for v in term.value.split("|") if v))
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(answer, width: int = 70) -> str:
    """Aligned text table (header, dashes, one line per row); ASK gives true/false."""
    if answer.boolean is not None:
        return "true" if answer.boolean else "false"
    if answer.graph is not None and not answer.columns:
        return "\n".join(f"{t} ." for t in answer.graph)
    lists = set(getattr(answer, "lists", ()) or ())
    cells = [[_list_cell(row.get(c), width) if c in lists else short(row.get(c), width) for c in answer.columns]
             for row in answer.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(answer.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(answer.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    if not cells:
        lines.append("(no answer)")
    return "\n".join(lines)


def render(answer, fmt: str) -> str:
    """The answer in one of ``FORMATS``; CONSTRUCT answers are N-Triples in every format."""
    if answer.graph is not None and not answer.columns:
        return "\n".join(f"{t} ." for t in answer.graph) + "\n"
    return {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json}[fmt](answer)
