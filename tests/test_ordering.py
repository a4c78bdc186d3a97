"""ORDER BY applied in Python (graph/ordering.py) gives the store's own order.

Every named query and every view query is run twice on the bundled corpus: as
the store runs it with its ORDER BY, and through ``GraphStore.query``, which
takes a final ORDER BY over projected variables out of the query and sorts the
rows in Python. The sequence of sort keys and the multiset of rows must agree.
"""
from __future__ import annotations

from collections import Counter

import pytest

from planlineage.graph.namespaces import sparql_prefixes
from planlineage.graph.ordering import split_order
from planlineage.graph.store import with_values
from planlineage.queries.engine import bind_params, example_params, list_queries, query_body
from planlineage.viz.sparql import query_names, query_text


def _cases():
    for q in list_queries():
        yield pytest.param("named", q, id=q.name)
    for name in query_names():
        yield pytest.param("view", name, id="viz:" + name)


def _texts(store, kind, query) -> list[str]:
    if kind == "view":
        return [query_text(query)]
    body = query_body(query.text)
    return [with_values(body, b) if b else body for b in bind_params(store, query, example_params(query))]


def _row(row, columns):
    return tuple(str(row.get(c)) for c in columns)


@pytest.mark.parametrize("kind,query", list(_cases()))
def test_python_order_equals_the_store_order(corpus_store, kind, query):
    for text in _texts(corpus_store, kind, query):
        split = split_order(text)
        if split is None:
            continue
        _, keys = split
        theirs = corpus_store.backend.query(sparql_prefixes() + text, None)
        ours = corpus_store.query(text)
        assert ours.columns == theirs.columns
        assert Counter(_row(r, ours.columns) for r in ours.rows) == Counter(_row(r, theirs.columns) for r in theirs.rows)
        names = [k for k, _ in keys]
        assert [_row(r, names) for r in ours.rows] == [_row(r, names) for r in theirs.rows]


def test_aggregations_are_sorted_in_python():
    """The queries whose sort was measured to be slow in the store qualify (not left in the query)."""
    named = {q.name: q for q in list_queries()}
    for name in ("units_leading_topic", "units_leading_training", "unit_workload", "unit_cooperation"):
        assert split_order(query_body(named[name].text)) is not None, name


def test_order_by_an_expression_or_hidden_variable_stays_in_the_query():
    assert split_order("SELECT ?a WHERE { ?a <p> ?b } ORDER BY ?b") is None
    assert split_order("SELECT ?a WHERE { ?a <p> ?b } ORDER BY STRLEN(?a)") is None
    assert split_order("SELECT ?a WHERE { ?a <p> ?b } ORDER BY ?a LIMIT 3") is None
    assert split_order("SELECT * WHERE { ?a <p> ?b } ORDER BY ?a") is None


def test_descending_numbers_then_names(corpus_store):
    rows = corpus_store.query("SELECT ?n ?s WHERE { VALUES (?n ?s) { (2 'b') (10 'a') (2 'a') (UNDEF 'c') } }"
                              " ORDER BY DESC(?n) ?s").rows
    assert [(r["n"].value if r["n"] else None, r["s"].value) for r in rows] == [
        ("10", "a"), ("2", "a"), ("2", "b"), (None, "c")]
