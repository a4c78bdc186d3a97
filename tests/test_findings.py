"""Findings (issue #4) on the bundled corpus: each kind is tested; expectations come from gold and the issue."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.queries import findings as fmod

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "gold"


def _gold() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD_DIR.glob("0*.json"))]


@pytest.fixture(scope="module")
def items(corpus_store):
    return fmod.findings(corpus_store)


def test_findings_have_evidence(items):
    assert items
    for f in items:
        assert set(f) == {"kind", "plan", "source", "tasks", "lines", "message", "evidence"}
        assert f["kind"] in fmod.KINDS and f["message"] and f["source"]


def test_findings_objective_mismatch_of_chau_tien(items):
    """Issue #4: Châu Tiến's objective says 60% of key and OCOP products, its appendix row says 80%."""
    hits = [f for f in items if f["kind"] == "objective_mismatch"]
    assert [(f["tasks"], f["message"]) for f in hits] == [
        (["II.3"], "objective says 60% but task II.3 says 80% for the same indicator")]
    assert hits[0]["source"] == "000_11cd5fe2edb761f3.txt"
    assert hits[0]["lines"][0], "the task's source lines are the evidence"


def test_findings_tasks_without_lead_equal_gold(items):
    expected = sorted((g["source"], t["ref"]) for g in _gold() for t in g["tasks"] if not t["lead"])
    got = sorted((f["source"], f["tasks"][0]) for f in items if f["kind"] == "no_lead")
    assert got == expected


def test_findings_deadline_rule():
    assert fmod.last_day("2025") == "2025-12-31"
    assert fmod.last_day("2024-02") == "2024-02-29"
    assert fmod.first_day("2025-09") == "2025-09-01"
    assert fmod.last_day("sau khi") is None


def test_findings_deadlines_before_plan_date_equal_gold(items):
    expected = sorted((g["source"], t["ref"]) for g in _gold() for t in g["tasks"]
                      if t.get("end") and g["plan"]["date"]
                      and fmod.last_day(t["end"]) < fmod.first_day(g["plan"]["date"]))
    got = sorted((f["source"], f["tasks"][0]) for f in items if f["kind"] == "deadline_before_plan")
    assert got == expected


def test_findings_coverage_gaps_equal_gold(items, corpus_facts):
    child, parent = corpus_facts["alignment"]["child_plan"], corpus_facts["alignment"]["parent_plan"]
    themes = {g["source"]: {t["theme"] for t in g["tasks"]} - {"other"} for g in _gold()}
    got = sorted(f["evidence"]["theme"].rsplit("/", 1)[-1] for f in items
                 if f["kind"] == "coverage_gap" and f["source"] == child)
    assert got == sorted(themes[parent] - themes[child])


def test_findings_no_plan_implements_a_replaced_document(items, corpus_facts):
    replaced = {s["old"] for s in corpus_facts["supersedes"]}
    implemented = {r["number"] for g in _gold() for r in g["references"] if r["relation"] == "implements"}
    assert [f for f in items if f["kind"] == "implements_replaced"] == [] == sorted(replaced & implemented)


def test_findings_cli_json(corpus_store, extracted_records, tmp_path):
    from planlineage.graph.store import open_store

    with open_store(tmp_path / "s") as store:
        store.load_records(extracted_records)
    res = CliRunner().invoke(cli, ["findings", "--format", "json", "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == json.loads(json.dumps(fmod.findings(corpus_store), ensure_ascii=False))
