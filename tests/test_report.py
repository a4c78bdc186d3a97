"""The static report site (issue #5): plans, plan and unit pages, responsibility matrix."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planlineage.viz.report import build_report


class _Page(HTMLParser):
    """Links, table rows (as lists of cell texts) and texts of one page."""

    def __init__(self, path: Path):
        super().__init__()
        self.links, self.rows, self.scripts = [], [], 0
        self._row, self._cell = None, None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("a", "link") and a.get("href"):
            self.links.append(a["href"])
        if tag == "script":
            self.scripts += 1
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def site(corpus_store, tmp_path_factory) -> Path:
    """The report of the bundled corpus, in English."""
    out = tmp_path_factory.mktemp("site")
    assert build_report(corpus_store, out, "en") == out / "index.html"
    return out


def test_report_index_lists_every_plan_with_its_task_count(site, extracted_records):
    index = _Page(site / "index.html")
    body = [r for r in index.rows if r and r[0] != "level"]
    by_source = {r[6]: r for r in body}
    assert set(by_source) == {rec["source"] for rec in extracted_records}
    for rec in extracted_records:
        assert int(by_source[rec["source"]][5]) == len(rec["tasks"])
    commune = by_source["004_5c5cafd7972287fb.txt"]
    assert commune[0] == "commune" and "40/KH-UBND" in commune[4]


def test_report_links_stay_inside_the_site(site):
    pages = sorted(site.glob("*.html"))
    assert len(pages) > 10
    for page in pages:
        parsed = _Page(page)
        for href in parsed.links:
            assert not re.match(r"[a-z]+://", href), f"{page.name} links outside: {href}"
            assert (site / href.split("#")[0]).exists(), f"{page.name}: dangling link {href}"
    plan_pages = sorted(site.glob("plan-*.html"))
    assert all(any(h.startswith("view-plan-") for h in _Page(p).links) for p in plan_pages)
    assert all(any(h.startswith("view-unit-") for h in _Page(p).links) for p in site.glob("unit-*.html"))


def test_report_plan_page_has_every_task_with_lead(site, extracted_records):
    rec = next(r for r in extracted_records if r["source"] == "004_5c5cafd7972287fb.txt")
    page = _Page(site / "plan-004-5c5cafd7972287fb.html")
    tasks = [r for r in page.rows if len(r) == 8 and r[0] != "ref"]
    assert [r[0] for r in tasks] == [t["ref"] for t in rec["tasks"]]
    assert all(r[3] for r in tasks), "every task of this plan names its lead"
    ancestors = (site / "plan-004-5c5cafd7972287fb.html").read_text(encoding="utf-8")
    for number in ("40/KH-UBND", "1703/QĐ-TTg", "38-CT/TW"):
        assert number in ancestors


def test_report_matrix_counts_match_the_graph(site, corpus_store):
    page = _Page(site / "matrix.html")
    header = page.rows[0]
    body = page.rows[1:]
    themes = corpus_store.query("SELECT ?t WHERE { ?t skos:inScheme plth:directive38 }").rows
    assert len(header) == len(themes) + 2
    units = corpus_store.query("SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?t pl:leadUnit|pl:cooperatingUnit ?u }").rows
    assert len(body) == int(units[0]["n"].value)
    led = sum(int(c.split(" / ")[0]) for r in body for c in r[1:-1] if c)
    pairs = corpus_store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?t ?u WHERE { ?t pl:leadUnit ?u } }").rows
    assert led == int(pairs[0]["n"].value)
    assert "rgba(33, 102, 172, 0.85)" in (site / "matrix.html").read_text(encoding="utf-8")


def test_report_cli_writes_the_site(tmp_path):
    from click.testing import CliRunner

    from planlineage import DATA_DIR
    from planlineage.cli import cli

    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["build", str(DATA_DIR / "004_5c5cafd7972287fb.txt"), "--store", str(store)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "site"), "--lang", "vi", "--store", str(store)])
    assert r.exit_code == 0, r.output
    assert "Kế hoạch" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "site" / "matrix.html").exists()


class _Rows(HTMLParser):
    """Rows of a page's table as (class of the row, hrefs of its links, cell texts), and the JSON data of a view."""

    def __init__(self, path: Path):
        super().__init__()
        self.rows, self.data, self._row, self._cell, self._json = [], None, None, None, None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self._row = (a.get("class"), [], [])
        if tag == "a" and self._row is not None:
            self._row[1].append(a["href"])
        if tag == "td" and self._row is not None:
            self._cell = []
        if tag == "script" and a.get("type") == "application/json":
            self._json = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row[2].append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        if tag == "script" and self._json is not None:
            import json

            self.data, self._json = json.loads("".join(self._json)), None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._json is not None:
            self._json.append(data)


def test_report_every_plan_and_unit_has_its_page_with_the_tasks_of_the_graph(site, corpus_store):
    """What a reader of the site checks against the graph: the index links a page for every plan
    and every unit; each unit page lists exactly the tasks that unit leads or cooperates on, as a
    SPARQL query over the same store gives them (plan, ref, text, role)."""
    from collections import Counter

    index = _Rows(site / "index.html")
    plan_rows = [r for r in index.rows if r[1]]
    page_of_source = {cells[6]: links[0] for _, links, cells in plan_rows}
    sources = {r["f"].value for r in corpus_store.query("SELECT ?f WHERE { ?d pl:sourceFile ?f }").rows}
    assert set(page_of_source) == sources
    for source, page in page_of_source.items():
        assert (site / page).is_file(), f"{source}: no page {page}"
        assert source in (site / page).read_text(encoding="utf-8")
    source_of_page = {p: s for s, p in page_of_source.items()}

    index_text = (site / "index.html").read_text(encoding="utf-8")
    unit_pages = re.findall(r'<li><a href="(unit-[^"]+\.html)">', index_text)
    graph = corpus_store.query("""SELECT ?u ?role ?f ?ref ?text WHERE {
        { ?t pl:leadUnit ?u BIND("lead" AS ?role) } UNION { ?t pl:cooperatingUnit ?u BIND("cooperate" AS ?role) }
        ?t p-plan:isStepOfPlan ?p . ?p pl:sourceFile ?f .
        OPTIONAL { ?t pl:ref ?ref } OPTIONAL { ?t dcterms:description ?text } }""").rows
    want = {}
    for r in graph:
        want.setdefault(r["u"].value, Counter())[
            (r["f"].value, r["ref"].value if r["ref"] else "—", r["text"].value if r["text"] else "", r["role"].value)] += 1
    assert len(unit_pages) == len(set(unit_pages)) == len(want)
    seen = set()
    for page in unit_pages:
        assert (site / page).is_file(), f"index links {page}, not written"
        parsed = _Rows(site / page)
        view = [h for _, links, _ in parsed.rows for h in links if h.startswith("view-unit-")] or \
            re.findall(r'href="(view-unit-[^"]+\.html)"', (site / page).read_text(encoding="utf-8"))
        # the page's own view draws its unit in the centre (level 0): that is the unit's IRI
        centre = [n["id"] for n in _Rows(site / view[0]).data["nodes"] if n["level"] == 0]
        assert len(centre) == 1, page
        unit = centre[0]
        seen.add(unit)
        listed = Counter((source_of_page[links[0]], cells[1], cells[2], cls) for cls, links, cells in parsed.rows if cls)
        assert listed == want[unit], f"{page}: tasks listed differ from the graph's for {unit}"
    assert seen == set(want)


def test_report_two_plans_of_one_file_stem_get_two_pages(tmp_path):
    """plan.txt and plan.md (two different plans) would both be plan-plan.html: each gets its own page."""
    from click.testing import CliRunner

    from planlineage import DATA_DIR
    from planlineage.cli import cli

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_bytes((DATA_DIR / "004_5c5cafd7972287fb.txt").read_bytes())
    (docs / "plan.md").write_bytes((DATA_DIR / "003_c9d1094d5ee19a54.txt").read_bytes())
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["build", str(docs), "--store", str(store)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["report", "-o", str(tmp_path / "site"), "--lang", "en", "--store", str(store)])
    assert r.exit_code == 0, r.output
    index = _Rows(tmp_path / "site" / "index.html")
    page_of = {cells[6]: links[0] for _, links, cells in index.rows if links}
    assert set(page_of) == {"plan.txt", "plan.md"}
    assert page_of["plan.txt"] != page_of["plan.md"]
    for source, page in page_of.items():
        assert source in (tmp_path / "site" / page).read_text(encoding="utf-8")


def test_report_with_two_processes_writes_the_same_site(site, corpus_store, tmp_path):
    """`report --jobs 2` draws the plan and unit pages in two processes: the same files, byte for byte."""
    out = tmp_path / "site2"
    build_report(corpus_store, out, "en", jobs=2)
    one = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    two = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert one.keys() == two.keys() and len(one) > 20
    assert [k for k in one if one[k] != two[k]] == []
