"""Named queries (issue #4): headers, parameters bound as terms, formats, and answers on the bundled corpus.

Expected answers are derived from the hand-checked gold records (../shared/gold) and
corpus.json, never written into the code. ``corpus_store`` (conftest) holds the real
extractor's output on data/*.txt; ``gold_store`` holds the gold records loaded
through the real graph builder, to test the queries on correct input.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.extract.normalize import fold
from planlineage.queries import engine, formats

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "gold"


def _gold() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("0*.json"))]


@pytest.fixture(scope="module")
def gold_store():
    """The gold records loaded into an in-memory store by the real graph builder."""
    from planlineage.graph.store import open_store

    store = open_store(memory=True)
    outcomes = store.load_records(_gold())
    assert [o.error for o in outcomes if o.error] == []
    yield store
    store.close()


def _rows(answer, *cols):
    return sorted((tuple(formats.to_python(r.get(c)) for c in cols) for r in answer.rows), key=repr)


# --- headers --------------------------------------------------------------------------------------


def test_queries_at_least_twelve_with_headers():
    queries = engine.list_queries()
    assert len(queries) >= 12
    for q in queries:
        assert q.summary, q.name
        assert q.example.startswith(f"planlineage query {q.name}"), q.name
        for p in q.params:
            assert p.kind in engine.KINDS


def test_queries_list_command_prints_every_summary():
    res = CliRunner().invoke(cli, ["query", "--list"])
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert len(lines) == len(engine.list_queries())
    assert any(line.startswith("units_leading_training ") and "training" in line for line in lines)


def test_queries_header_parser_reads_params(tmp_path):
    path = tmp_path / "x.rq"
    path.write_text("#+ summary: S\n#+ params: a (plan: a plan), b (province, optional)\n#+ lists: t\n"
                    "SELECT ?a WHERE { ?a ?b ?c }\n", encoding="utf-8")
    q = engine.parse_query_file(path)
    assert (q.summary, q.lists) == ("S", ["t"])
    assert [(p.name, p.kind, p.optional) for p in q.params] == [("a", "plan", False), ("b", "province", True)]


def test_queries_unknown_kind_is_an_error(tmp_path):
    path = tmp_path / "x.rq"
    path.write_text("#+ params: a (colour)\nSELECT * WHERE { ?a ?b ?c }\n", encoding="utf-8")
    with pytest.raises(engine.QueryError, match="x.rq: parameter 'a' has unknown kind 'colour'"):
        engine.parse_query_file(path)


def test_queries_unknown_name_lists_known():
    with pytest.raises(engine.QueryError, match="nope: no such named query; known: coverage_gaps"):
        engine.load_query("nope")


def test_queries_missing_parameter_says_which(gold_store):
    with pytest.raises(engine.QueryError, match="tasks_due: missing parameter 'year'"):
        engine.run_query(gold_store, "tasks_due")


# --- every query runs ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [q.name for q in engine.list_queries()])
def test_queries_every_query_runs_on_gold_input(gold_store, name):
    q = engine.load_query(name)
    answer = engine.run_query(gold_store, q, engine.example_params(q))
    assert answer.columns


@pytest.mark.parametrize("name", [q.name for q in engine.list_queries()])
def test_queries_every_query_runs_on_the_bundled_corpus(corpus_store, name):
    q = engine.load_query(name)
    params = engine.example_params(q)
    if name == "unit_tasks":
        lead = corpus_store.query("SELECT ?l WHERE { ?t pl:leadUnit/skos:prefLabel ?l } LIMIT 1").rows
        assert lead, "the bundled corpus has no lead unit"
        params = {"unit": lead[0]["l"].value}
    answer = engine.run_query(corpus_store, q, params)
    assert answer.columns


# --- parameters are terms ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ['2025" } UNION { ?task ?p ?end } #', "2025'} UNION {?task ?p ?end}",
                                   "2025>\n} UNION { ?a ?b ?c }", "{}"])
def test_queries_parameter_cannot_change_the_query(gold_store, value):
    honest = engine.run_query(gold_store, "tasks_due", {"year": "2025"})
    assert honest.rows
    injected = engine.run_query(gold_store, "tasks_due", {"year": value})
    assert injected.rows == []


def test_queries_injected_unit_name_matches_nothing(gold_store):
    with pytest.raises(engine.QueryError, match="no unit in the store has that name"):
        engine.run_query(gold_store, "unit_tasks", {"unit": 'Sở" } UNION { ?task ?role ?unit } #'})


def test_queries_unknown_parameter_is_refused(gold_store):
    with pytest.raises(engine.QueryError, match="unknown parameter 'colour'"):
        engine.run_query(gold_store, "plans_by_level", {"colour": "red"})


# --- formats -------------------------------------------------------------------------------------------


def test_formats_json_is_sparql_results_json(gold_store):
    answer = engine.run_query(gold_store, "plans_by_level")
    doc = json.loads(formats.to_json(answer))
    assert doc["head"]["vars"] == ["level", "province", "plans", "tasks"]
    first = doc["results"]["bindings"][0]
    assert first["plans"]["type"] == "literal"
    assert first["plans"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert "datatype" not in first["level"]


def test_formats_csv_and_tsv_follow_the_spec(gold_store):
    answer = engine.run_query(gold_store, "superseded_plans")
    text = formats.to_csv(answer)
    assert text.startswith("oldLabel,oldIssuer,newLabel,newSource,old,new\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert all(r["old"].startswith("https://w3id.org/planlineage/id/doc/") for r in rows)
    tsv = formats.to_tsv(answer).splitlines()
    assert tsv[0] == "?oldLabel\t?oldIssuer\t?newLabel\t?newSource\t?old\t?new"
    assert tsv[1].split("\t")[4].startswith("<https://w3id.org/planlineage/id/doc/")
    assert tsv[1].split("\t")[0].startswith('"')


def test_formats_table_is_aligned(gold_store):
    table = formats.to_table(engine.run_query(gold_store, "plans_by_level")).splitlines()
    assert table[0].split() == ["level", "province", "plans", "tasks"]
    assert set(table[1]) <= {"-", " "}
    assert len(table) == 2 + len(_gold())


def test_formats_query_command_csv(gold_store, tmp_path):
    from planlineage.graph.store import open_store

    store_dir = tmp_path / "store"
    with open_store(store_dir) as store:
        store.load_records(_gold())
    res = CliRunner().invoke(cli, ["query", "tasks_due", "--param", "year=2025", "--format", "csv",
                                   "--store", str(store_dir)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert rows and all(r["end"].startswith("2025") for r in rows)


# --- answers on the bundled corpus, derived from gold -----------------------------------------------------


def _training_leads(records) -> set:
    from planlineage.graph.unitnames import unit_name

    # the graph names a unit by its canonical name (data/unit_names.json, issue #14)
    return {(fold(unit_name(lead).label), g["source"], t["ref"]) for g in records for t in g["tasks"] if t["training"]
            for lead in t["lead"]}


def test_queries_units_leading_training_equal_gold(corpus_store):
    expected = _training_leads(_gold())
    answer = engine.run_query(corpus_store, "units_leading_training")
    got = {(fold(formats.plain(r["unitLabel"])), formats.plain(r["source"]), ref)
           for r in answer.rows for ref in formats.plain(r["tasks"]).split("|")}
    assert got == expected


def test_queries_plans_by_level_equal_gold(corpus_store):
    expected = {}
    for g in _gold():
        key = (g["plan"]["level"], g["plan"]["province"])
        plans, tasks = expected.get(key, (0, 0))
        expected[key] = (plans + 1, tasks + len(g["tasks"]))
    got = {(lv, pr): (n, t) for lv, pr, n, t in _rows(engine.run_query(corpus_store, "plans_by_level"),
                                                      "level", "province", "plans", "tasks")}
    assert got == expected


def test_queries_superseded_plans_equal_corpus_facts(corpus_store, corpus_facts):
    expected = sorted((s["old"], s["new"]) for s in corpus_facts["supersedes"])
    assert _rows(engine.run_query(corpus_store, "superseded_plans"), "oldLabel", "newSource") == expected


@pytest.mark.parametrize("source", sorted(p.name.replace(".json", ".txt") for p in GOLD_DIR.glob("0*.json")))
def test_queries_plan_lineage_reaches_gold_ancestors(corpus_store, corpus_facts, source):
    number_of = {i["source"]: i["number"] for i in corpus_facts["identity"]}
    answer = engine.run_query(corpus_store, "plan_lineage", {"plan": source})
    parents = {number_of.get(p, p) for (p,) in _rows(answer, "parentLabel")}
    assert parents == set(corpus_facts["ancestors"][source])


def test_queries_plan_implementers_of_the_directive_cover_the_corpus(corpus_store):
    answer = engine.run_query(corpus_store, "plan_implementers", {"plan": "38-CT/TW"})
    sources = {s for (s,) in _rows(answer, "source") if s}
    assert sources == {g["source"] for g in _gold()}


def test_queries_tasks_due_2025_equal_gold(corpus_store):
    expected = {(g["source"], t["ref"]) for g in _gold() for t in g["tasks"] if (t.get("end") or "").startswith("2025")}
    got = set(_rows(engine.run_query(corpus_store, "tasks_due", {"year": "2025"}), "source", "ref"))
    assert got == expected


def test_queries_training_targets_equal_gold(corpus_store):
    expected = sorted((g["source"], t["ref"], float(x["value"])) for g in _gold() for t in g["tasks"]
                      if t["training"] for x in t["targets"])
    got = sorted((s, r, float(v)) for s, r, v in _rows(engine.run_query(corpus_store, "training_targets"),
                                                       "source", "ref", "value"))
    assert got == expected


def test_queries_tasks_without_lead_equal_gold(corpus_store):
    expected = {(g["source"], t["ref"]) for g in _gold() for t in g["tasks"] if not t["lead"]}
    got = set(_rows(engine.run_query(corpus_store, "finding_no_lead"), "source", "ref"))
    assert got == expected


def test_queries_coverage_gaps_of_the_ward_plan_equal_gold(corpus_store, corpus_facts):
    child, parent = corpus_facts["alignment"]["child_plan"], corpus_facts["alignment"]["parent_plan"]
    themes = {g["source"]: {t["theme"] for t in g["tasks"]} - {"other"} for g in _gold()}
    expected = themes[parent] - themes[child]
    answer = engine.run_query(corpus_store, "coverage_gaps", {"child": child})
    assert {t.rsplit("/", 1)[-1] for (t,) in _rows(answer, "theme")} == expected


def test_queries_task_trace_reaches_an_aligned_parent(corpus_store, corpus_facts):
    al = corpus_facts["alignment"]
    item = al["tasks"][0]
    answer = engine.run_query(corpus_store, "task_trace", {"task": f"{al['child_plan']}#{item['child']}"})
    depth1 = {ref for d, ref in _rows(answer, "depth", "ref") if d == 1}
    assert depth1 and depth1 <= set(item["parents_ok"])


def test_queries_recurring_annual_equal_gold(corpus_store):
    expected = {(g["source"], t["ref"]) for g in _gold() for t in g["tasks"] if t.get("recurring") == "annual"}
    got = set(_rows(engine.run_query(corpus_store, "tasks_recurring", {"frequency": "annual"}), "source", "ref"))
    assert got == expected


def test_queries_unit_name_finds_every_unit_of_that_name_in_one_run(gold_store):
    name = "Sở Khoa học và Công nghệ"
    key = fold(name)
    expected = {(g["source"], t["ref"]) for g in _gold() for t in g["tasks"] if any(fold(x) == key for x in t["lead"])}
    assert len({s for s, _ in expected}) > 1, "the name should lead tasks in several plans"
    query = engine.load_query("unit_tasks")
    assert len(engine.bind_params(gold_store, query, {"unit": name, "role": "lead"})) == 1
    answer = engine.run_query(gold_store, query, {"unit": name, "role": "lead"})
    assert set(_rows(answer, "source", "ref")) == expected


def test_queries_plan_targets_equal_gold_objectives_and_task_targets(corpus_store):
    from collections import Counter

    expected = Counter((g["source"], "objective", None, float(x["value"]), x["unit"])
                       for g in _gold() for x in g["objectives"])
    expected += Counter((g["source"], "task", t["ref"], float(x["value"]), x["unit"])
                        for g in _gold() for t in g["tasks"] for x in t["targets"])
    answer = engine.run_query(corpus_store, "finding_plan_targets")
    got = Counter((s, k, r, float(v), u) for s, k, r, v, u in _rows(answer, "source", "kind", "ref", "value", "unit"))
    assert any(k == "objective" for _, k, *_ in got)
    assert got == expected
