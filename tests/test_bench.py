"""The nationwide benchmark (issue #7): its corpus generator and a 1% run of its harness.

The full 100% run is not part of the test suite (``bench/run``, see bench/README.md).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
SCHEMA = Path(__file__).resolve().parents[1] / "extract" / "schema" / "extraction.schema.json"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import harness  # noqa: E402


@pytest.fixture(scope="module")
def small_corpus():
    """National decision, 3 province plans and 2 commune plans each (10 documents)."""
    return list(generate.generate(communes=2, provinces=3))


def test_generate_records_are_schema_valid(small_corpus):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert len(small_corpus) == 10
    for doc in small_corpus:
        jsonschema.validate(doc.record, schema)
        assert doc.record["source"] == doc.name
        assert doc.record["tasks"], doc.name


def test_generate_is_deterministic(small_corpus):
    again = list(generate.generate(communes=2, provinces=3))
    assert [(d.name, d.text, d.record) for d in again] == [(d.name, d.text, d.record) for d in small_corpus]


def test_generate_documents_state_their_records(small_corpus):
    """Every task text, lead unit and parent number of a record is written in its document."""
    from planlineage.extract.normalize import fold

    for doc in small_corpus:
        flat = fold(" ".join(doc.text.split()))
        for task in doc.record["tasks"]:
            assert fold(task["text"]) in flat, (doc.name, task["text"])
            for unit in task["lead"]:
                assert fold(unit) in flat, (doc.name, unit)
        for ref in doc.record["references"]:
            assert ref["number"] in doc.text, (doc.name, ref["number"])


def test_generate_commune_names_are_distinct():
    names = generate.commune_names(5, 100)
    assert len({n for _, n in names}) == 100


def test_bench_one_percent_run_completes(tmp_path):
    res = harness.run_size("1pct", tmp_path / "work", runs=2, cli_runs=1, skip={"cli"}, results=tmp_path / "results")
    assert json.loads((tmp_path / "results" / "1pct.json").read_text()) == res
    assert res["documents"] == 35
    assert [r["exit"] for r in res["extraction"]["runs"]] == [0, 0]
    assert res["extraction"]["accuracy"]["tasks"] > 0.9
    assert res["build"]["exit"] == 0 and res["build"]["triples"] > 10_000
    # A commune plan's lineage reaches its province plan, 1703/QĐ-TTg and 38-CT/TW.
    assert res["in_process"]["lineage"]["mean_ancestors"] >= 2
    assert res["in_process"]["trace"]["mean_steps"] >= 3
    # The same queries on rdflib's in-memory graph of the same triples give the same number of rows.
    for label, q in res["baseline"]["queries"].items():
        assert q["rows_oxigraph"] == q["rows_rdflib"] > 0, label
