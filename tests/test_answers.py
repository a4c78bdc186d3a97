"""Materialised answers (graph/answers.py, queries.engine.precompute_answers), with real `planlineage` processes.

A CLI build keeps the answers of the corpus-wide named queries in the store; a
reader gets the same rows from them as from running the query; a remove drops
them with the union and answers again from what is left.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from planlineage.graph.store import open_store
from planlineage.queries.engine import answer_sets, list_queries, load_query, query_texts, run_query

ROOT = Path(__file__).resolve().parent.parent
PLANLINEAGE = str(Path(sys.executable).parent / "planlineage")


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([PLANLINEAGE, *args], capture_output=True, text=True, timeout=600)


def _rows(res) -> Counter:
    return Counter(tuple(str(r.get(c)) for c in res.columns) for r in res.rows)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("answers") / "store"
    res = _run("build", "--store", str(store))
    assert res.returncode == 0, res.stderr
    return store


def _kept_and_live(store_dir: Path):
    with open_store(store_dir, read_only=True) as store:
        for query in list_queries():
            for params in answer_sets(query, store):
                for text in query_texts(store, query, params):
                    yield query.name, params, store.cached(text), store.query(text)


def test_build_keeps_an_answer_for_every_corpus_wide_query(built):
    pairs = list(_kept_and_live(built))
    assert {name for name, *_ in pairs} >= {"unit_workload", "units_leading_topic", "units_leading_training",
                                            "finding_no_lead", "plans_by_level", "tasks_recurring", "tasks_due"}
    missing = [(name, params) for name, params, kept, _ in pairs if kept is None]
    assert missing == []


def test_kept_answers_equal_the_live_answers(built):
    for name, params, kept, live in _kept_and_live(built):
        assert kept.columns == live.columns, name
        assert _rows(kept) == _rows(live), (name, params)


def test_ask_reads_the_kept_answer_with_the_same_rows(built):
    ask = _run("ask", "which units lead training tasks", "--format", "json", "--store", str(built))
    assert ask.returncode == 0, ask.stderr
    with open_store(built, read_only=True) as store:
        text = query_texts(store, list_queries()[[q.name for q in list_queries()].index("units_leading_training")], {})[0]
        assert store.cached(text) is not None
        live = store.query(text)
    answered = json.loads(ask.stdout)
    assert len(answered["rows"]) == len(live.rows) > 0


def test_a_changed_query_is_answered_live(built, tmp_path):
    changed = tmp_path / "units_leading_training.rq"
    original = (ROOT / "queries" / "units_leading_training.rq").read_text(encoding="utf-8")
    changed.write_text(original.replace("ORDER BY DESC(?count) ?unitLabel ?planLabel",
                                        "ORDER BY ?unitLabel ?planLabel"), encoding="utf-8")
    with open_store(built, read_only=True) as store:
        assert store.cached(query_texts(store, load_query(changed), {})[0]) is None
        got = run_query(store, changed)
        assert [r["unitLabel"].value for r in got.rows] == sorted(r["unitLabel"].value for r in got.rows)


def test_remove_answers_again_without_the_removed_plan(built, tmp_path):
    store = tmp_path / "store"
    assert _run("build", "--store", str(store)).returncode == 0
    victim = "004_5c5cafd7972287fb.txt"
    before = _run("query", "units_leading_training", "--format", "json", "--store", str(store))
    assert victim in before.stdout
    assert _run("remove", victim, "--store", str(store)).returncode == 0
    after = _run("query", "units_leading_training", "--format", "json", "--store", str(store))
    assert after.returncode == 0 and victim not in after.stdout
    pairs = list(_kept_and_live(store))
    assert all(kept is not None and _rows(kept) == _rows(live) for _, _, kept, live in pairs)


def test_a_read_only_store_keeps_no_answer(built):
    with open_store(built, read_only=True) as store:
        res = store.query("SELECT ?f WHERE { ?d pl:sourceFile ?f }")
        assert store.remember("SELECT ?f WHERE { ?d pl:sourceFile ?f }", res) is False


def test_unit_names_shared_by_many_units_are_answered_in_advance(extracted_records):
    """On the corpus no name has 100 units; with the bar at 2 units, names such as a commune's
    "Công an" offices qualify, and asking about one reads its kept answer (same rows as live)."""
    from planlineage.queries.engine import precompute_answers, unit_keys

    with open_store(memory=True) as store:
        store.load_records(extracted_records)
        sets = answer_sets(load_query("unit_tasks"), store, common=2)
        names = sorted({s["unit"] for s in sets})
        assert names and answer_sets(load_query("unit_tasks"), store) == []
        assert {s.get("role") for s in sets} == {None, "lead", "cooperate"}
        assert precompute_answers(store, common=2) > 0
        for name in names:
            assert unit_keys(store, name)
            text = query_texts(store, load_query("unit_tasks"), {"unit": name})[0]
            kept = store.cached(text)
            assert kept is not None and _rows(kept) == _rows(store.query(text))


def test_the_same_values_in_another_order_give_the_same_query_text(corpus_store):
    """`ask` gives {role, unit}, a build {unit, role}: both must find the same kept answer."""
    q = load_query("unit_tasks")
    a = query_texts(corpus_store, q, {"role": "lead", "unit": "Sở Khoa học và Công nghệ"})
    b = query_texts(corpus_store, q, {"unit": "Sở Khoa học và Công nghệ", "role": "lead"})
    assert a == b and len(a) == 1
