"""Plain Python values from RDF terms, and RDF terms from Python values.

>>> from pyoxigraph import Literal, NamedNode
>>> to_python(Literal("3", datatype=XSD.decimal))
3.0
>>> to_python(NamedNode("https://w3id.org/planlineage/id/doc/38-ct-tw"))
'https://w3id.org/planlineage/id/doc/38-ct-tw'
>>> to_python(None) is None
True
"""
from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode

from .namespaces import XSD

_INTS = {XSD.integer.value, XSD.int.value, XSD.long.value, XSD.nonNegativeInteger.value}
_FLOATS = {XSD.decimal.value, XSD.double.value, XSD.float.value}


def to_python(term):
    """term (NamedNode | Literal | BlankNode | None): an RDF term.

    RETURNS (str | int | float | bool | None): the IRI or lexical value as Python.
    """
    if term is None:
        return None
    if isinstance(term, Literal):
        dt = term.datatype.value
        if dt in _INTS:
            return int(term.value)
        if dt in _FLOATS:
            return float(term.value)
        if dt == XSD.boolean.value:
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, (NamedNode, BlankNode)):
        return term.value
    return str(term)


def lit(value) -> Literal:
    """value (str | int | float | bool): a Python value. RETURNS (Literal): typed literal."""
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(str(value), datatype=XSD.integer)
    if isinstance(value, float):
        return Literal(repr(round(value, 6)), datatype=XSD.decimal)
    return Literal(str(value))


def decimal(value) -> Literal:
    """value (int | float): a number. RETURNS (Literal): xsd:decimal literal."""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def date_literal(text: str | None) -> Literal | None:
    """text (str | None): YYYY-MM-DD, YYYY-MM or YYYY. RETURNS (Literal | None): xsd:date/gYearMonth/gYear."""
    if not text:
        return None
    kinds = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}
    dt = kinds.get(len(text))
    return Literal(text, datatype=dt) if dt is not None else Literal(text)
