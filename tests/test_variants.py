"""Query variants (queries/variants/*.rq) answer exactly what their query answers.

A variant is the same question written to start from a bound parameter (see
``queries.engine.variant``). On the bundled corpus, for every province of the
corpus and every theme, the variant's rows and their order must be the query's.
"""
from __future__ import annotations

from collections import Counter

import pytest

from planlineage.graph.ordering import split_order
from planlineage.graph.store import with_values
from planlineage.queries.engine import (VARIANT_DIR, bind_params, concepts, load_query, parse_query_file,
                                        query_body, query_texts, variant)

VARIANTS = sorted(VARIANT_DIR.glob("*.rq"))


def _provinces(store) -> list[str]:
    return sorted({r["p"].value for r in store.query("SELECT DISTINCT ?p WHERE { ?d pl:province ?p }").rows})


def _value_sets(store, query, bound: list[str]):
    concept_values = [local for _, local, _ in concepts()] if any(p.name == "concept" for p in query.params) else [None]
    for province in _provinces(store):
        for concept in concept_values:
            values = {"province": province} if "province" in bound else {}
            if concept:
                values["concept"] = concept
            yield values


def test_there_are_variants():
    assert {p.name for p in VARIANTS} >= {"units_leading_topic+province.rq", "units_leading_training+province.rq"}


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_variant_gives_the_rows_of_its_query_in_its_order(corpus_store, path):
    name, *bound = path.stem.split("+")
    base = load_query(name)
    var = parse_query_file(path)
    assert [p.name for p in var.params] == [p.name for p in base.params]
    keys = [k for k, _ in split_order(query_body(base.text))[1]]
    compared = nonempty = 0
    for values in _value_sets(corpus_store, base, bound):
        assert variant(base, values).path == path
        for bindings in bind_params(corpus_store, base, values):
            ours = corpus_store.query(with_values(query_body(var.text), bindings))
            theirs = corpus_store.query(with_values(query_body(base.text), bindings))
            assert ours.columns == theirs.columns
            row = lambda r, cols: tuple(str(r.get(c)) for c in cols)  # noqa: E731
            assert Counter(row(r, ours.columns) for r in ours.rows) == Counter(row(r, theirs.columns) for r in theirs.rows)
            assert [row(r, keys) for r in ours.rows] == [row(r, keys) for r in theirs.rows]
            compared += 1
            nonempty += bool(ours.rows)
    assert compared >= 2 and nonempty >= 1


def test_run_query_uses_the_variant_only_for_its_parameters(corpus_store):
    base = load_query("units_leading_topic")
    with_province = query_texts(corpus_store, base, {"concept": "inspection", "province": "Quảng Ngãi"})[0]
    without = query_texts(corpus_store, base, {"concept": "inspection"})[0]
    assert "?plan pl:province ?province ." in with_province
    assert "?plan pl:province ?province ." not in without
