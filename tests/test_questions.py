"""Questions as analysts ask them (issue #12): tests/cases/questions.jsonl, every question checked.

Each case gives the question, the reading ``planlineage ask`` must print first, the named query it must
compose and, for many, the rows it must answer, derived from ../shared/gold/ by
tests/cases/make_questions.py (gold records loaded into a store by the real graph builder).
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.extract.normalize import fold
from planlineage.queries import ask

CASES_FILE = Path(__file__).resolve().parent / "cases" / "questions.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "gold"


@pytest.fixture(scope="module")
def gold_store():
    """The gold records loaded into an in-memory store by the real graph builder."""
    from planlineage.graph.store import open_store

    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("0*.json"))]
    store = open_store(memory=True)
    assert [o.error for o in store.load_records(records) if o.error] == []
    yield store
    store.close()


def _cell(value) -> str | None:
    if isinstance(value, list):
        return ",".join(sorted(fold(str(v)) for v in value))
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float, Decimal)):
        return format(float(value), "g")
    try:
        return format(float(value), "g")
    except ValueError:
        return fold(str(value))


def test_question_set_is_large_enough():
    langs = [c["lang"] for c in CASES]
    assert len(CASES) >= 200
    assert min(langs.count(lang) for lang in ("en", "vi", "vi-ascii")) >= 60
    assert sum("rows" in c for c in CASES) >= 60
    assert len({c["q"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['lang']}:{c['q'][:60]}" for c in CASES])
def test_question_reading_and_rows(gold_store, case):
    res = ask.ask(gold_store, case["q"])
    assert (res["reading"], res["query"]) == (case["reading"], case["query"])
    if "rows" in case:
        key = case["rows"]["key"]
        got = {tuple(_cell(r.get(k)) for k in key) for r in res["rows"]}
        got.discard(tuple([None] * len(key)))
        want = {tuple(_cell(v) for v in row) for row in case["rows"]["values"]}
        assert got == want


def test_ask_prints_the_reading_first(corpus_store_dir):
    res = CliRunner().invoke(cli, ["ask", "Sở KH&CN phụ trách những nhiệm vụ nào", "--store", str(corpus_store_dir)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == "tasks of a unit · unit: Sở Khoa học và Công nghệ · role: lead"


def test_ask_lang_labels_themes(corpus_store_dir):
    run = lambda lang: json.loads(CliRunner().invoke(cli, [
        "ask", "what does Sở KH&CN lead", "--format", "json", "--lang", lang, "--store", str(corpus_store_dir)]).output)
    en, vi = run("en"), run("vi")
    assert "awareness" in {r["theme"] for r in en["rows"]}
    assert "Nâng cao nhận thức" in {r["theme"] for r in vi["rows"]}
    assert not any(str(r["theme"]).startswith("http") for r in en["rows"] + vi["rows"])


def test_ask_unknown_unit_offers_nearest_names(corpus_store_dir):
    res = CliRunner().invoke(cli, ["ask", "what does Sở Khoa hoc va Cong ngheej lead", "--store", str(corpus_store_dir)])
    assert res.exit_code == 2
    assert "closest unit names: Sở Khoa học và Công nghệ" in res.output


def test_ask_list_prints_every_form_with_examples():
    res = CliRunner().invoke(cli, ["ask", "--list"])
    assert res.exit_code == 0
    for form in ask.forms():
        assert f"en: {form.examples['en']}" in res.output


def test_query_show_sparql_prints_bound_values(corpus_store_dir):
    res = CliRunner().invoke(cli, ["query", "tasks_due_by", "-p", "date=2025-12-31", "--show-sparql",
                                   "--store", str(corpus_store_dir)])
    assert res.exit_code == 0, res.output
    assert 'VALUES' in res.output and '"2025-12-31"' in res.output
    assert "2025-Q3" in res.output


def test_questions_on_the_extracted_corpus(corpus_store):
    """The same questions on the store the real extractor builds from the bundled corpus: every one
    answered, and the issue's bar (at least 90% of the answers right) on those whose rows the gold gives.
    The extractor is not the gold, so an answer may differ where a record does (a unit's spelling)."""
    answered, right, with_rows = 0, 0, 0
    for case in CASES:
        try:
            res = ask.ask(corpus_store, case["q"])
        except ask.UnknownQuestion:
            continue
        answered += 1
        if "rows" in case:
            with_rows += 1
            key = case["rows"]["key"]
            got = {tuple(_cell(r.get(k)) for k in key) for r in res["rows"]} - {tuple([None] * len(key))}
            right += got == {tuple(_cell(v) for v in row) for row in case["rows"]["values"]} \
                and res["query"] == case["query"]
    assert answered == len(CASES)
    assert right >= 0.9 * with_rows, (right, with_rows)


def test_ask_names_the_locality_of_units_sharing_a_name(corpus_store_dir):
    res = CliRunner().invoke(cli, ["ask", "what does Sở KH&CN lead", "--format", "json", "--store", str(corpus_store_dir)])
    rows = json.loads(res.output)["rows"]
    province = {"003_c9d1094d5ee19a54.txt": "An Giang", "001_576764f9f3d585c1.txt": "Quảng Ngãi"}
    assert {r["source"] for r in rows} == set(province)
    assert all(r["unit"] == f"Sở Khoa học và Công nghệ ({province[r['source']]})" for r in rows)


def test_query_table_shows_theme_labels_and_sorted_lists(corpus_store_dir):
    res = CliRunner().invoke(cli, ["query", "plan_tasks", "-p", "plan=004_5c5cafd7972287fb.txt",
                                   "--store", str(corpus_store_dir)], terminal_width=400)
    assert res.exit_code == 0, res.output
    assert "awareness" in res.output and "plth:" not in res.output and "|" not in res.output
