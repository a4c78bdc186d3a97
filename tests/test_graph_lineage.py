"""Resolution, lineage, alignment and traces on the bundled corpus, embedded and through a real oxigraph server (issue #3)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.graph.lineage import lineage
from planlineage.graph.resolve import find_plan, find_task
from planlineage.graph.trace import trace


def test_graph_lineage_ancestors_match_corpus(any_store, corpus_facts):
    for source, expected in corpus_facts["ancestors"].items():
        got = lineage(any_store, source)
        assert sorted(a["number"] for a in got["ancestors"]) == sorted(expected), source
        assert got["plan"]["source"] == source
        assert all(p[-1] == "38-CT/TW" for p in got["paths"]), got["paths"]


def test_graph_lineage_same_through_server_and_embedded(corpus_store, endpoint_store, corpus_files):
    for f in corpus_files:
        assert lineage(corpus_store, f.name) == lineage(endpoint_store, f.name)
    assert trace(corpus_store, "004_5c5cafd7972287fb.txt#6.2") == trace(endpoint_store, "004_5c5cafd7972287fb.txt#6.2")


def test_graph_lineage_json_shape_and_source(corpus_store):
    result = lineage(corpus_store, "004_5c5cafd7972287fb.txt")
    for a in result["ancestors"]:
        assert {"number", "doc_type", "issuer", "level", "date", "source", "depth"} <= set(a)
    by_number = {a["number"]: a for a in result["ancestors"]}
    assert by_number["40/KH-UBND"]["source"] == "001_576764f9f3d585c1.txt"
    assert by_number["40/KH-UBND"]["depth"] == 1
    assert by_number["1703/QĐ-TTg"]["source"] is None


def test_graph_identity_resolution_with_evidence(any_store, corpus_facts):
    for ident in corpus_facts["identity"]:
        assert find_plan(any_store, ident["number"]) == find_plan(any_store, ident["source"]), ident["number"]
    rows = any_store.query("SELECT ?e WHERE { ?r a pl:IdentityResolution ; pl:sameAsEvidence ?e }").rows
    assert any("40/KH-UBND" in r["e"].value and "1703/QĐ-TTg" in r["e"].value for r in rows)


def test_graph_superseded_plans_are_marked(any_store, corpus_facts):
    for s in corpus_facts["supersedes"]:
        old = lineage(any_store, s["old"])["plan"]
        new = lineage(any_store, s["new"])["plan"]
        assert old["issuer"] == s["old_issuer"]
        assert new["number"] in old["superseded_by"] or s["new"] in old["superseded_by"]
        assert s["old"] in new["supersedes"]


def test_graph_alignment_duc_pho_against_quang_ngai(corpus_store, corpus_facts):
    al = corpus_facts["alignment"]
    child = find_plan(corpus_store, al["child_plan"])
    parent = find_plan(corpus_store, al["parent_plan"])
    rows = corpus_store.query("""SELECT ?cref ?pref ?score WHERE { ?c p-plan:isStepOfPlan ?plan ; pl:ref ?cref ;
        prov:wasDerivedFrom ?p ; prov:qualifiedDerivation ?q . ?q pl:score ?score .
        ?p p-plan:isStepOfPlan ?parent ; pl:ref ?pref }""", {"plan": child, "parent": parent}).rows
    got = {r["cref"].value: r["pref"].value for r in rows}
    right = sum(got.get(t["child"]) in t["parents_ok"] for t in al["tasks"])
    assert right >= 10, {t["child"]: (got.get(t["child"]), t["parents_ok"]) for t in al["tasks"]}
    assert all(0 <= float(r["score"].value) <= 1 for r in rows)


def test_graph_tasks_without_parent_plan_align_to_theme(corpus_store):
    rows = corpus_store.query("""SELECT ?t ?th WHERE { ?t p-plan:isStepOfPlan ?p ; pl:alignedTheme ?th .
                                   ?p pl:sourceFile "003_c9d1094d5ee19a54.txt" }""").rows
    assert rows and all(r["th"].value.startswith("https://w3id.org/planlineage/theme/") for r in rows)


def test_graph_trace_reaches_directive_theme(any_store):
    steps = trace(any_store, "004_5c5cafd7972287fb.txt#6.2")["steps"]
    assert [s["kind"] for s in steps][:2] == ["task", "task"]
    assert steps[0]["source"] == "004_5c5cafd7972287fb.txt" and steps[0]["ref"] == "6.2"
    assert steps[0]["score"] is not None
    assert steps[1]["source"] == "001_576764f9f3d585c1.txt"
    assert [s["number"] for s in steps if s["kind"] == "plan"] == ["1703/QĐ-TTg", "38-CT/TW"]
    assert steps[-1]["kind"] == "theme"
    assert find_task(any_store, "004_5c5cafd7972287fb.txt#6.2").value.endswith("/task/6-2")


def test_graph_cli_lineage_and_trace_through_endpoint(endpoint_store, oxigraph_endpoint):
    runner = CliRunner()
    res = runner.invoke(cli, ["lineage", "004_5c5cafd7972287fb.txt", "--endpoint", oxigraph_endpoint, "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [a["number"] for a in data["ancestors"]][0] == "40/KH-UBND"
    res = runner.invoke(cli, ["trace", "004_5c5cafd7972287fb.txt#6.2", "--endpoint", oxigraph_endpoint])
    assert res.exit_code == 0 and "theme:" in res.output
    res = runner.invoke(cli, ["trace", "004_5c5cafd7972287fb.txt#99", "--endpoint", oxigraph_endpoint])
    assert res.exit_code == 1
    assert res.output.startswith("Error: task 004_5c5cafd7972287fb.txt#99: not found in the graph")


def test_graph_workload_counts_tasks_led_and_cooperated_per_unit(corpus_store, extracted_records):
    """The workload of a commune unit equals what its plan's records assign to it."""
    from planlineage.extract.normalize import fold
    from planlineage.graph.analytics import workload

    ward = next(r for r in extracted_records if r["source"] == "004_5c5cafd7972287fb.txt")
    name = ward["tasks"][0]["lead"][0]
    expected_lead = sum(fold(name) in map(fold, t["lead"]) for t in ward["tasks"])
    expected_coop = sum(fold(name) in map(fold, t["cooperate"]) for t in ward["tasks"])
    rows = [u for u in workload(corpus_store) if fold(u["name"]) == fold(name) and u["scope"] == "commune"]
    assert len(rows) == 1, rows
    assert (rows[0]["lead"], rows[0]["cooperate"]) == (expected_lead, expected_coop)
    assert sum(v["lead"] for v in rows[0]["by_theme"].values()) == expected_lead
    assert expected_lead == 12
