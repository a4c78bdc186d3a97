"""Records -> RDF, the store, atomic writes, validation, export, and the build/remove commands (issue #3)."""
from __future__ import annotations

import io
import json
import re

import pytest
import rdflib
from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.graph import iris
from planlineage.graph.build import build_document
from planlineage.graph.errors import NotConformant
from planlineage.graph.namespaces import PL_TERMS
from planlineage.graph.store import open_store
from planlineage.graph.validate import SHAPES, VIOLATION, incomplete, validate_store

ONTOLOGY = SHAPES.parent


def test_graph_namespaces_match_ontology():
    g = rdflib.Graph().parse(ONTOLOGY / "planlineage.ttl")
    base = "https://w3id.org/planlineage/ontology#"
    defined = {str(s)[len(base):] for s in g.subjects() if str(s).startswith(base)}
    assert defined == set(PL_TERMS)


def test_graph_shapes_are_valid_shacl():
    import pyshacl

    conforms, _, text = pyshacl.validate(rdflib.Graph(), shacl_graph=rdflib.Graph().parse(SHAPES), meta_shacl=True)
    assert conforms, text


def test_graph_themes_scheme_has_six_groups_and_cue_words():
    g = rdflib.Graph().parse(ONTOLOGY / "themes.ttl")
    scheme = rdflib.URIRef("https://w3id.org/planlineage/theme/directive38")
    tops = set(g.subjects(rdflib.SKOS.topConceptOf, scheme))
    assert len(tops) == 6
    for concept in tops:
        assert any(l.language == "vi" for l in g.objects(concept, rdflib.SKOS.altLabel)), concept


def test_graph_iris_units_scoped_to_locality():
    a = iris.unit_iri("Phòng Văn hóa – Xã hội", iris.unit_scope("Phòng Văn hóa – Xã hội", "commune"), "Nghệ An", "Châu Tiến")
    b = iris.unit_iri("Phòng Văn hóa – Xã hội", iris.unit_scope("Phòng Văn hóa – Xã hội", "commune"), "Nghệ An", "Khác")
    assert a != b
    s1 = iris.unit_iri("Sở Khoa học và Công nghệ", iris.unit_scope("Sở Khoa học và Công nghệ", "commune"), "Quảng Ngãi", "Đức Phổ")
    s2 = iris.unit_iri("Sở Khoa học và Công nghệ", iris.unit_scope("Sở Khoa học và Công nghệ", "province"), "Quảng Ngãi", None)
    assert s1 == s2


def test_graph_iris_same_local_number_different_issuers():
    assert iris.doc_iri("40/KH-UBND", "Ủy ban nhân dân tỉnh Quảng Ngãi") != iris.doc_iri("40/KH-UBND", "Ủy ban nhân dân tỉnh An Giang")
    assert iris.doc_iri("996/KH-UBND", "Ủy ban nhân dân tỉnh Kon Tum") != iris.doc_iri("996/QĐ-TTg", "Thủ tướng Chính phủ")


def test_graph_build_is_deterministic(extracted_records):
    for rec in extracted_records:
        assert build_document(rec).triples == build_document(json.loads(json.dumps(rec))).triples


def test_graph_corpus_conforms_to_shapes(corpus_store, extracted_records):
    results = validate_store(corpus_store)
    assert [v for v in results if v.severity == VIOLATION] == []
    # Warnings name exactly what the records lack (issue #11: incomplete plans are loaded).
    lacking = {r["source"]: [f"no {f}" for f in ("issuer", "date") if not r["plan"].get(f)]
               for r in extracted_records}
    assert incomplete(results) == {s: m for s, m in lacking.items() if m}


def test_graph_build_twice_same_count_and_remove_restores(extracted_records):
    with open_store(memory=True) as store:
        store.load_records(extracted_records)
        n = store.triple_count()
        store.load_records(extracted_records)
        assert store.triple_count() == n
        store.remove_source("004_5c5cafd7972287fb.txt")
        assert "004_5c5cafd7972287fb.txt" not in store.sources()
        assert store.triple_count() < n
        store.load_records([r for r in extracted_records if r["source"] == "004_5c5cafd7972287fb.txt"])
        assert store.triple_count() == n
        assert len(store.sources()) == 5


def test_graph_nonconformant_document_is_not_written(extracted_records):
    """A record whose plan has a level outside the vocabulary breaks the graph's shapes:
    nothing of it is written, the old graph stays."""
    good = next(r for r in extracted_records if r["source"].startswith("004"))
    bad = json.loads(json.dumps(good))
    bad["plan"]["level"] = "galactic"
    with open_store(memory=True) as store:
        store.load_records([good])
        before = store.triple_count()
        outcomes = store.load_records([bad])
        assert outcomes[0].error and "004_5c5cafd7972287fb.txt" in outcomes[0].error
        assert "a plan has one level: central, province or commune" in outcomes[0].error
        assert store.triple_count() == before
        with pytest.raises(NotConformant, match="004_5c5cafd7972287fb.txt"):
            from planlineage.graph.validate import validate_triples

            validate_triples(build_document(bad).triples, bad["source"])


def test_graph_malformed_value_is_refused_in_one_line(extracted_records):
    """A value that cannot be an RDF term is refused naming the file; the store stays empty."""
    bad = json.loads(json.dumps(next(r for r in extracted_records if r["source"].startswith("004"))))
    bad["objectives"] = [{"value": "many", "unit": "%"}]
    with open_store(memory=True) as store:
        outcomes = store.load_records([bad])
        assert outcomes[0].error == ("004_5c5cafd7972287fb.txt: the record cannot be turned into RDF: "
                                     "could not convert string to float: 'many'")
        assert store.sources() == []


def test_graph_incomplete_record_is_loaded_and_listed_issue_11(extracted_records):
    """Issue #11 part 5: a plan whose issuer and date were not read is loaded with what was read,
    and the missing fields are listed, by the store and by `validate`."""
    rec = json.loads(json.dumps(next(r for r in extracted_records if r["source"].startswith("004"))))
    rec["plan"]["issuer"], rec["plan"]["date"] = "", None
    with open_store(memory=True) as store:
        [outcome] = store.load_records([rec])
        assert outcome.error is None and outcome.triples > 0
        assert outcome.missing == ["no issuer", "no date"]
        assert store.sources() == ["004_5c5cafd7972287fb.txt"]
        tasks = store.query("SELECT (COUNT(?t) AS ?n) WHERE { ?t a pl:Task }").rows[0]["n"].value
        assert int(tasks) == len(rec["tasks"])
        assert incomplete(validate_store(store)) == {"004_5c5cafd7972287fb.txt": ["no issuer", "no date"]}


def test_graph_cli_build_lists_plan_without_issuer_issue_11(tmp_path):
    """`build` loads a plan that names no issuer and says what it lacks; `validate` says it too."""
    plan = tmp_path / "khong-co-co-quan.txt"
    plan.write_text("KẾ HOẠCH\nTriển khai thực hiện Quyết định số 1703/QĐ-TTg ngày 31/12/2024 của Thủ tướng Chính phủ\n\n"
                    "I. NHIỆM VỤ\n\n1. Tuyên truyền, phổ biến về tiêu chuẩn, đo lường, chất lượng cho người dân.\n"
                    "- Cơ quan chủ trì: Phòng Văn hóa - Xã hội.\n- Thời gian thực hiện: hằng năm.\n", encoding="utf-8")
    store = tmp_path / "store"
    res = CliRunner().invoke(cli, ["build", str(plan), "--store", str(store)])
    assert res.exit_code == 0, res.output
    assert "Incomplete: khong-co-co-quan.txt: no issuer, no date\n" in res.output
    assert "1 of 1 documents loaded" in res.output
    res = CliRunner().invoke(cli, ["validate", "--store", str(store)])
    assert res.exit_code == 0, res.output
    assert res.output == ("Incomplete: khong-co-co-quan.txt: no issuer, no date\n"
                          "The graph conforms to the shapes.\n")
    res = CliRunner().invoke(cli, ["validate", "--store", str(store), "--format", "json"])
    assert json.loads(res.output)["incomplete"] == {"khong-co-co-quan.txt": ["no issuer", "no date"]}


def test_graph_provenance_on_document_and_tasks(corpus_store):
    rows = corpus_store.query("""SELECT ?f ?sum ?x WHERE { ?d pl:sourceFile ?f ; pl:checksum ?sum ; pl:extractor ?x }""").rows
    assert len(rows) == 5 and all(re.fullmatch(r"[0-9a-f]{64}", r["sum"].value) for r in rows)
    ask = corpus_store.query("ASK { ?t a pl:Task ; pl:lineStart ?a ; pl:lineEnd ?b FILTER(?a <= ?b) }")
    assert ask.boolean


@pytest.mark.parametrize("fmt", ["ttl", "nt", "nq", "jsonld", "graphml"])
def test_graph_export_formats_parse_back(corpus_store, fmt):
    out = io.BytesIO()
    corpus_store.export(fmt, out)
    data = out.getvalue()
    if fmt == "graphml":
        import networkx as nx

        g = nx.read_graphml(io.BytesIO(data))
        assert g.number_of_nodes() > 100 and g.number_of_edges() > 100
        return
    parsed = rdflib.Dataset() if fmt in ("nq", "jsonld") else rdflib.Graph()
    parsed.parse(data=data.decode("utf-8"), format={"ttl": "turtle", "nt": "nt", "nq": "nquads", "jsonld": "json-ld"}[fmt])
    n = len(parsed) if fmt in ("ttl", "nt") else sum(len(g) for g in parsed.graphs())
    assert n > 1000


def test_graph_cli_build_remove_with_bad_file(tmp_path, corpus_files):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    store = tmp_path / "store"
    runner = CliRunner()
    res = runner.invoke(cli, ["build", str(corpus_files[4]), str(bad), str(corpus_files[1]), "--store", str(store)])
    assert res.exit_code == 1
    assert "Error: " in res.output and "broken.txt" in res.output
    assert "2 of 3 documents loaded" in res.output
    res = runner.invoke(cli, ["lineage", "004_5c5cafd7972287fb.txt", "--store", str(store), "--format", "json"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["remove", "004_5c5cafd7972287fb.txt", "--store", str(store)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli, ["lineage", "004_5c5cafd7972287fb.txt", "--store", str(store)])
    assert res.exit_code == 1
    assert res.output.startswith("Error: plan 004_5c5cafd7972287fb.txt: not found in the graph")
    res = runner.invoke(cli, ["validate", "--store", str(store)])
    assert res.exit_code == 0 and "conforms" in res.output
