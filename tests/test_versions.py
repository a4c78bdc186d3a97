"""Document identity (issue #13): two files are never one document, a revised plan replaces the old
version with a word, and ``--keep-both`` keeps both. Real `planlineage build`, real store, real extractor."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlineage import DATA_DIR
from planlineage.cli import cli
from planlineage.extract.normalize import fold
from planlineage.extract.record import extract_file
from planlineage.graph.iris import DERIVED_GRAPH
from planlineage.graph.store import open_store

PLAN_A = DATA_DIR / "004_5c5cafd7972287fb.txt"   # Đức Phổ, lead units on '- Cơ quan chủ trì thực hiện:' lines
PLAN_B = DATA_DIR / "003_c9d1094d5ee19a54.txt"   # An Giang, 345/KH-UBND, a task table
LEAD_LINE = "- Cơ quan chủ trì thực hiện: Phòng Văn hoá – Xã hội phường."
TIME_LINE = "- Thời gian thực hiện: Năm 2025 và những năm tiếp theo."


def _build(*args) -> "Result":
    return CliRunner().invoke(cli, ["build", *map(str, args)])


def _doc_graphs(store_dir: Path) -> dict[str, set]:
    """graph IRI -> file names it states (the derived graph left out)."""
    out: dict[str, set] = {}
    with open_store(store_dir, read_only=True) as store:
        for q in store.quads():
            if q.graph_name.value != DERIVED_GRAPH.value:
                out.setdefault(q.graph_name.value, set())
                if q.predicate.value.endswith("#sourceFile"):
                    out[q.graph_name.value].add(q.object.value)
    return out


def _pdf(src: Path, out: Path) -> Path:
    from fpdf import FPDF
    from font_roboto import Roboto

    pdf = FPDF()
    pdf.add_font("Roboto", fname=Roboto)
    pdf.set_font("Roboto", size=9)
    pdf.add_page()
    for line in src.read_text(encoding="utf-8").split("\n"):
        pdf.multi_cell(0, 4, line or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out))
    return out


def _pair(kind: str, tmp: Path) -> list[Path]:
    if kind == "vietnamese and ascii names":
        a, b = tmp / "kế hoạch số 1.txt", tmp / "ke-hoach-so-1.txt"
    elif kind == "same stem, text and pdf":
        shutil.copy(PLAN_A, tmp / "plan.txt")
        return [tmp / "plan.txt", _pdf(PLAN_B, tmp / "plan.pdf")]
    elif kind == "same name in two folders":
        (tmp / "d1").mkdir()
        (tmp / "d2").mkdir()
        a, b = tmp / "d1" / "x.txt", tmp / "d2" / "x.txt"
    else:  # a file named after the store's own graph
        a, b = tmp / "derived.txt", tmp / "graph.txt"
    shutil.copy(PLAN_A, a)
    shutil.copy(PLAN_B, b)
    return [a, b]


@pytest.mark.parametrize("kind", ["vietnamese and ascii names", "same stem, text and pdf",
                                  "same name in two folders", "file named derived.txt"])
def test_versions_colliding_file_names_give_two_documents(kind, tmp_path):
    files = _pair(kind, tmp_path)
    store = tmp_path / "s"
    res = _build(*files, "--store", store)
    assert res.exit_code == 0, res.output
    assert "2 of 2 documents loaded, 0 duplicate(s) skipped, 0 failed" in res.stderr
    graphs = _doc_graphs(store)
    assert sorted(n for names in graphs.values() for n in names) == sorted(f.name for f in files)
    assert len(graphs) == 2
    # Each document's tasks are there: both plans answer with their own task count.
    with open_store(store, read_only=True) as s:
        counts = {r["p"].value: int(r["n"].value) for r in s.query(
            "SELECT ?p (COUNT(?t) AS ?n) WHERE { ?d pl:sourcePath ?p . ?t p-plan:isStepOfPlan ?d } GROUP BY ?p").rows}
    assert counts == {str(f.resolve()): len(extract_file(f)["tasks"]) for f in files}
    assert all(counts.values())
    # `remove` by file name refuses when the name is ambiguous and takes the path instead.
    if kind == "same name in two folders":
        res = CliRunner().invoke(cli, ["remove", "x.txt", "--store", str(store)])
        assert res.exit_code == 1 and "names several documents" in res.output
        res = CliRunner().invoke(cli, ["remove", str(files[0]), "--store", str(store)])
        assert res.exit_code == 0, res.output
        with open_store(store, read_only=True) as s:
            left = s.query("SELECT ?p WHERE { ?d pl:sourcePath ?p }").rows
        assert [r["p"].value for r in left] == [str(files[1].resolve())]


def _revise(text: str) -> str:
    """Section 1 and section 3 get another lead; section 1's time becomes a deadline."""
    parts = text.split(LEAD_LINE)
    assert len(parts) > 4
    leads = {1: "- Cơ quan chủ trì thực hiện: Phòng Kinh tế phường.", 3: "- Cơ quan chủ trì thực hiện: Công an phường."}
    out = parts[0]
    for i, rest in enumerate(parts[1:], 1):
        out += leads.get(i, LEAD_LINE) + rest
    assert TIME_LINE in out
    return out.replace(TIME_LINE, "- Thời gian thực hiện: trước ngày 20/10/2025.", 1)


def _tasks(store_dir: Path, source: str) -> dict[str, tuple]:
    """ref -> (folded lead labels, end) of the plan built from ``source``, as the graph answers."""
    with open_store(store_dir, read_only=True) as s:
        return _tasks_in(s, source)


def _tasks_in(s, source: str) -> dict[str, tuple]:
    """ref -> (folded lead labels, end) of the plan built from ``source``, as the open store answers."""
    rows = s.query("""SELECT ?ref ?l ?end WHERE { ?d pl:sourceFile ?f . ?t p-plan:isStepOfPlan ?d ; pl:ref ?ref .
                        OPTIONAL { ?t pl:leadUnit/skos:prefLabel ?l } OPTIONAL { ?t time:hasEnd ?end } }""",
                   {"f": __import__("pyoxigraph").Literal(source)}).rows
    out: dict[str, tuple] = {}
    for r in rows:
        leads, ends = out.get(r["ref"].value, (frozenset(), frozenset()))
        out[r["ref"].value] = (leads | ({fold(r["l"].value)} if r["l"] else set()),
                               ends | ({r["end"].value} if r["end"] else set()))
    return out


def _record_tasks(path: Path) -> dict[str, tuple]:
    from planlineage.graph.unitnames import unit_name

    return {t["ref"]: (frozenset(fold(unit_name(n).label) for n in t["lead"]), frozenset([t["end"]] if t.get("end") else []))
            for t in extract_file(path)["tasks"]}


def test_versions_revised_plan_replaces_the_old_version(tmp_path):
    store = tmp_path / "s"
    revised = tmp_path / "revised_004.txt"
    revised.write_text(_revise(PLAN_A.read_text(encoding="utf-8")), encoding="utf-8")
    before, after = _record_tasks(PLAN_A), _record_tasks(revised)
    changed = sorted(ref for ref in before.keys() | after.keys() if before.get(ref) != after.get(ref))
    assert changed  # the revision changes what the extractor reads

    assert _build(PLAN_A, "--store", store).exit_code == 0
    assert _tasks(store, PLAN_A.name) == before
    res = _build(revised, "--store", store)
    assert res.exit_code == 0, res.output
    assert f"Replaced: {revised.name} (same plan as {PLAN_A.name}, {len(changed)} tasks changed)" in res.stderr
    assert "Skipped" not in res.stderr
    # The graph answers the revised leads and dates, and only them.
    assert _tasks(store, revised.name) == after
    assert fold("Phòng Kinh tế phường") in after["1.1"][0] and "2025-10-20" in after["1.1"][1]
    with open_store(store, read_only=True) as s:
        assert s.sources() == [revised.name]
        leads = {fold(r["l"].value) for r in s.query(
            "SELECT ?l WHERE { ?t pl:ref '1.1' ; pl:leadUnit/skos:prefLabel ?l }").rows}
        assert leads == set(after["1.1"][0])
        # Which version the facts come from: the new graph is a revision of the old one.
        assert len(s.query("SELECT ?new ?old WHERE { GRAPH ?new { ?new prov:wasRevisionOf ?old } }").rows) == 1
    # `lineage` shows the current version.
    res = CliRunner().invoke(cli, ["lineage", revised.name, "--store", str(store)])
    assert res.exit_code == 0, res.output
    # Building the revision again changes nothing and keeps the revision links (graph and document).
    links = "SELECT ?new ?old WHERE { ?new prov:wasRevisionOf ?old }"
    with open_store(store, read_only=True) as s:
        before = sorted(str(r) for r in s.query(links).rows)
    res = _build(revised, "--store", store)
    assert res.exit_code == 0 and "Replaced" not in res.stderr
    with open_store(store, read_only=True) as s:
        assert sorted(str(r) for r in s.query(links).rows) == before
        assert s.sources() == [revised.name]


@pytest.fixture(scope="module")
def fresh_virtuoso(tmp_path_factory, free_port):
    """A Virtuoso of this module alone (graph/virtuoso.py), empty at the start."""
    from planlineage.graph.virtuoso import Accounts, running

    acc = Accounts(writer_password="w-rev", analyst_password="a-rev", dba_password="d-rev")
    with running(tmp_path_factory.mktemp("vrev"), free_port(), free_port(), acc) as inst:
        yield inst


def test_versions_revised_plan_replaces_on_virtuoso(fresh_virtuoso, tmp_path, monkeypatch):
    """The same revision on the shared Virtuoso, where a document is staged and MOVEd in place."""
    inst = fresh_virtuoso
    revised = tmp_path / "revised_004.txt"
    revised.write_text(_revise(PLAN_A.read_text(encoding="utf-8")), encoding="utf-8")
    after = _record_tasks(revised)
    monkeypatch.setenv("PLANLINEAGE_USER", inst.accounts.writer)
    monkeypatch.setenv("PLANLINEAGE_PASSWORD", inst.accounts.writer_password)
    assert _build(PLAN_A, "--endpoint", inst.auth_endpoint).exit_code == 0
    res = _build(revised, "--endpoint", inst.auth_endpoint)
    assert res.exit_code == 0, res.output
    assert f"Replaced: {revised.name} (same plan as {PLAN_A.name}," in res.stderr and "Skipped" not in res.stderr
    monkeypatch.delenv("PLANLINEAGE_USER")
    reader = open_store(endpoint=inst.endpoint)  # as an analyst reads it: anonymous, read-only
    assert reader.sources() == [revised.name]
    assert _tasks_in(reader, revised.name) == after
    assert len(reader.query("SELECT ?new ?old WHERE { GRAPH ?new { ?new prov:wasRevisionOf ?old } }").rows) == 1
    staged = reader.query('SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } '
                          'FILTER(STRSTARTS(STR(?g), "https://w3id.org/planlineage/id/graph/staging/")) }').rows
    assert staged == []


def test_versions_keep_both_keeps_two_plans(tmp_path):
    store = tmp_path / "s"
    revised = tmp_path / "revised_004.txt"
    revised.write_text(_revise(PLAN_A.read_text(encoding="utf-8")), encoding="utf-8")
    assert _build(PLAN_A, "--store", store).exit_code == 0
    res = _build(revised, "--store", store, "--keep-both")
    assert res.exit_code == 0, res.output
    assert "Replaced" not in res.stderr
    assert _tasks(store, PLAN_A.name) == _record_tasks(PLAN_A)
    assert _tasks(store, revised.name) == _record_tasks(revised)
    with open_store(store, read_only=True) as s:
        assert s.sources() == sorted([PLAN_A.name, revised.name])
        plans = {r["d"].value for r in s.query("SELECT DISTINCT ?d WHERE { ?d pl:sourceFile ?f }").rows}
    assert len(plans) == 2
    res = CliRunner().invoke(cli, ["validate", "--store", str(store)])
    assert res.exit_code == 0, res.output


def test_versions_changed_file_in_a_directory_build_replaces_never_skips(tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for src in (PLAN_A, PLAN_B):
        shutil.copy(src, folder / src.name)
    store = tmp_path / "s"
    assert _build(folder, "--store", store).exit_code == 0
    (folder / PLAN_A.name).write_text(_revise(PLAN_A.read_text(encoding="utf-8")), encoding="utf-8")
    res = _build(folder, "--store", store)
    assert res.exit_code == 0, res.output
    assert "Skipped" not in res.stderr
    replaced = [line for line in res.stderr.splitlines() if line.startswith("Replaced:")]
    assert len(replaced) == 1 and replaced[0].startswith(f"Replaced: {PLAN_A.name} (same plan as {PLAN_A.name}, ")
    assert _tasks(store, PLAN_A.name) == _record_tasks(folder / PLAN_A.name)
    assert len(_doc_graphs(store)) == 2


def test_versions_same_text_as_pdf_is_a_duplicate(tmp_path):
    store = tmp_path / "s"
    as_pdf = _pdf(PLAN_A, tmp_path / "same-plan.pdf")
    res = _build(PLAN_A, as_pdf, "--store", store)
    assert res.exit_code == 0, res.output
    assert f"Skipped: {as_pdf.name}: same content as {PLAN_A.name}, already in the store" in res.stderr
    assert len(_doc_graphs(store)) == 1
