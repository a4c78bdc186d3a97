"""One name per unit (issue #14): the naming rules of data/unit_names.json, on the bundled corpus."""
from __future__ import annotations

import json
from collections import defaultdict

import pytest

from planlineage.extract.normalize import normalize
from planlineage.graph.errors import GraphError
from planlineage.graph.unitnames import RULES, load_rules, name_key, unit_name
from planlineage.viz.report import build_report, responsibility

#: The spellings the issue names as one collective.
ISSUE_COLLECTIVE = ["Các sở, ban, ngành", "Các sở, ngành", "Các Sở ngành"]


def _labels(store) -> dict:
    """unit IRI -> {"pref": set, "alt": {spelling: set(source files)}} as the store holds them."""
    out = defaultdict(lambda: {"pref": set(), "alt": defaultdict(set)})
    for r in store.query("""SELECT ?u ?p ?a ?src WHERE { GRAPH ?g { ?u a org:Organization ; skos:prefLabel ?p
                            OPTIONAL { ?u skos:altLabel ?a } ?d pl:sourceFile ?src } }""").rows:
        u = out[r["u"].value]
        u["pref"].add(r["p"].value)
        if r["a"] is not None:
            u["alt"][r["a"].value].add(r["src"].value)
    return out


def _place(iri: str) -> str:
    return iri.rsplit("/", 1)[0]


def test_unitnames_issue_collective_is_one_name():
    keys = {unit_name(n).key for n in ISSUE_COLLECTIVE}
    assert len(keys) == 1 and unit_name(ISSUE_COLLECTIVE[2]).label == "Các sở, ban, ngành"
    # a qualifier or another level's collective stays apart
    assert unit_name("Các sở, ban, ngành có liên quan").key not in keys
    assert unit_name("Các ban, ngành").key not in keys


def test_unitnames_rules_file_is_well_formed():
    data = json.loads(RULES.read_text(encoding="utf-8"))
    assert data["origin"] and data["description"]
    subs, forms = load_rules()
    assert len(subs) == len(data["equivalents"])
    assert len(forms) == len({name_key(f) for g in data["collectives"] for f in [g["label"], *g["forms"]]})


def test_unitnames_bad_rules_file_names_the_file(tmp_path):
    bad = tmp_path / "unit_names.json"
    bad.write_text('{"collectives": [{"label": "Các sở"}]}', encoding="utf-8")
    with pytest.raises(GraphError, match=r"unit_names.json: collectives entry 1 needs 'label' and 'forms'"):
        load_rules(bad)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(GraphError, match=r"unit_names.json: cannot read the unit naming rules"):
        load_rules(bad)


def test_unitnames_merged_names_on_the_bundled_corpus(corpus_store, extracted_records):
    """Lists the names the rules merged; each spelling a plan wrote is a label of its unit, with its source."""
    written = defaultdict(set)
    for rec in extracted_records:
        for t in rec["tasks"]:
            for name in (t.get("lead") or []) + (t.get("cooperate") or []):
                if name and name.strip():
                    written[normalize(name).strip()].add(rec["source"])
    units = _labels(corpus_store)
    merged = {u: v for u, v in units.items() if v["alt"]}
    for u, v in sorted(merged.items()):
        print(f"{u.split('/unit/')[1]}: {sorted(v['pref'])[0]} <- {dict((k, sorted(s)) for k, s in v['alt'].items())}")
    assert merged, "the bundled corpus writes some units in more than one way"
    for u, v in merged.items():
        for spelling, sources in v["alt"].items():
            assert unit_name(spelling).key in {name_key(p) for p in v["pref"]}
            assert sources <= written[spelling], f"{spelling!r} is said to come from {sources}"
    # the issue's collective, as the Quảng Ngãi plan writes it, is one unit
    forms = [n for n in ISSUE_COLLECTIVE if n in written]
    assert len(forms) >= 2, f"the corpus writes the collective as {forms}"
    holders = defaultdict(set)
    for u, v in units.items():
        for label in v["pref"] | set(v["alt"]):
            if label in forms:
                holders[_place(u)].add(u)
    assert holders and all(len(us) == 1 for us in holders.values()), holders


def test_unitnames_matrix_has_one_row_per_unit(corpus_store, tmp_path):
    units, _ = responsibility(corpus_store)
    seen = defaultdict(list)
    for u in units:
        seen[(_place(u["unit"]), unit_name(u["label"]).key)].append(u["label"])
    assert [v for v in seen.values() if len(v) > 1] == []
    build_report(corpus_store, tmp_path, "vi")
    matrix = (tmp_path / "matrix.html").read_text(encoding="utf-8")
    assert matrix.count("<th><a href=") == len(units)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<td>xã</td>" in index and "<td>tỉnh</td>" in index and "<td>commune</td>" not in index
    # a unit page lists the other spellings with their source files
    pages = [p.read_text(encoding="utf-8") for p in tmp_path.glob("unit-*.html")]
    assert any("Cách viết khác" in p and ".txt" in p for p in pages)


def test_unitnames_unit_view_finds_a_unit_by_any_spelling(corpus_store):
    from planlineage.viz.views import unit_view

    view = unit_view(corpus_store, "Các Sở ngành", "en")
    units = [n for n in view.nodes if n["kind"] == "unit"]
    assert units and all(n["label"].startswith("Các sở, ban, ngành") for n in units)
