"""Interactive HTML views (issue #5), checked in a real headless Chromium.

The browser is Debian's chromium (installed by .ci/run), driven by Playwright
with ``executable_path``; nothing is downloaded. Screenshots go to
tests/artifacts/ (git-ignored).
"""
from __future__ import annotations

import re
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planlineage import DATA_DIR
from planlineage.extract.normalize import fold
from planlineage.viz.aggregate import NODE_BUDGET
from planlineage.viz.model import View
from planlineage.viz.render import ASSETS_DIR, render_view
from planlineage.viz.views import corpus_view, plan_view, trace_view, unit_view, write_view

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COMMUNE = "004_5c5cafd7972287fb.txt"
HOSTILE = '<script>window.__pwned=1</script> "trích" </div>'


@pytest.fixture(scope="session")
def trace_task(extracted_records) -> str:
    """Task 6.2 of the Đức Phổ commune plan as "<file>#<ref>", with the ref the extractor gives it ("6.2", "II.6.2")."""
    rec = next(r for r in extracted_records if r["source"] == COMMUNE)
    return f"{COMMUNE}#{next(t['ref'] for t in rec['tasks'] if (t.get('ref') or '').endswith('6.2'))}"


@pytest.fixture(scope="module")
def browser():
    """A headless Debian chromium (skipped with a reason when the package is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Page:
    """An opened page with its console errors and every request it made."""

    def __init__(self, browser, path: Path):
        self.path = path
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("window.planlineageView !== undefined", timeout=60_000)

    def outside_requests(self) -> list[str]:
        folder = self.path.resolve().parent.as_uri() + "/"
        return [u for u in self.requests if not u.startswith(folder)]

    def node_count(self) -> int:
        return self.page.evaluate("window.planlineageView.nodes.length")

    def search(self, text: str) -> list[str]:
        self.page.fill("#plv-q", text)
        self.page.press("#plv-q", "Enter")
        return self.page.evaluate("window.planlineageView.network.getSelectedNodes()")


def _attr_urls(html: str) -> list[str]:
    found = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend(v for k, v in attrs if k in ("src", "href") and v)

    P().feed(html)
    return found


def _expected_corpus_nodes(store) -> int:
    """Documents drawn (ingested, or linked by implements/replaces) plus one count node per plan and theme."""
    docs = store.query("""SELECT DISTINCT ?d WHERE {
        { ?d pl:sourceFile ?f } UNION { ?d eli:ensures_implementation_of|eli:repeals ?x }
        UNION { ?x eli:ensures_implementation_of|eli:repeals ?d }
        FILTER NOT EXISTS { ?d owl:sameAs ?c } }""").rows
    counted = store.query("""SELECT DISTINCT ?p ?th WHERE { ?t a pl:Task ; p-plan:isStepOfPlan ?p ; pl:theme ?th }""").rows
    return len(docs) + len(counted)


def test_viz_corpus_page_offline_in_browser(corpus_store, browser, tmp_path):
    page = render_view(corpus_view(corpus_store, "en"), tmp_path / "corpus.html", lang="en")
    html = page.read_text(encoding="utf-8")
    assert [u for u in _attr_urls(html) if re.match(r"https?://", u)] == []
    p = Page(browser, page)
    assert p.errors == []
    assert p.outside_requests() == []
    assert p.node_count() == _expected_corpus_nodes(corpus_store)
    assert "38-CT/TW" in p.page.evaluate("window.planlineageView.nodes.map(n => n.label).join('|')")
    legend = p.page.text_content("#plv-legend")
    assert "Directive" in legend and "Commune plan" in legend and "implements" in legend
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.wait_for_timeout(500)
    p.page.screenshot(path=str(ARTIFACTS / "viz-corpus.png"))


def test_viz_trace_page_search_finds_lead_unit(corpus_store, browser, tmp_path, trace_task):
    from planlineage.graph.trace import trace

    steps = trace(corpus_store, trace_task)["steps"]
    view = trace_view(corpus_store, trace_task, "vi")
    page = render_view(view, tmp_path / "trace.html", lang="vi")
    p = Page(browser, page)
    assert p.errors == [] and p.outside_requests() == []
    assert p.node_count() == len(view.nodes)
    labels = p.page.evaluate("window.planlineageView.nodes.map(n => n.label).join('|')")
    for s in steps:
        if s["kind"] == "plan" and s["number"]:
            assert s["number"] in labels
    lead = steps[0]["lead"][0]
    # typed without diacritics, as an analyst on a plain keyboard would
    hits = p.search(fold(lead))
    units = {n["id"] for n in view.nodes if n["kind"] == "unit" and n["label"] == lead}
    assert units and units <= set(hits)
    assert lead in p.page.text_content("#plv-details")
    assert "chủ trì" in p.page.evaluate("window.planlineageView.edges.map(e => e.label).join('|')")
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "viz-trace.png"))


def test_viz_trace_goes_from_commune_task_to_directive_theme(corpus_store, trace_task):
    view = trace_view(corpus_store, trace_task, "en")
    by_id = {n["id"]: n for n in view.nodes}
    kinds = {n["kind"] for n in view.nodes}
    assert {"plan:directive", "plan:central", "plan:province", "plan:commune", "theme", "unit"} <= kinds
    derived = [e for e in view.edges if e["rel"] == "derived_from"]
    assert derived, "the commune task is linked to the province task it carries out"
    theme = next(n for n in view.nodes if n["kind"] == "theme")
    directive = next(n for n in view.nodes if n["kind"] == "plan:directive")
    ref = trace_task.split("#")[1]
    commune_task = next(n for n in view.nodes if n["kind"].startswith("task") and n["label"].startswith(ref + " "))
    # top-down: the Directive above its task group, above the commune task
    assert directive["level"] < theme["level"] < commune_task["level"]
    assert "lines" in commune_task["tooltip"] and "004_5c5cafd7972287fb.txt" in commune_task["tooltip"]
    assert all(by_id[e["from"]] and by_id[e["to"]] for e in view.edges)


def test_viz_unit_view_solid_lead_dashed_cooperation(corpus_store):
    row = corpus_store.query("""SELECT ?l (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t pl:leadUnit ?u . ?u skos:prefLabel ?l }
                                GROUP BY ?l ORDER BY DESC(?n) ?l LIMIT 1""").rows[0]
    name = row["l"].value
    view = unit_view(corpus_store, name, "en")
    lead_edges = [e for e in view.edges if e["rel"] == "leads"]
    coop_edges = [e for e in view.edges if e["rel"] == "cooperates"]
    assert len({e["to"] for e in lead_edges}) == int(row["n"].value)
    assert all(not e["dashes"] for e in lead_edges) and all(e["dashes"] for e in coop_edges)
    plans = {n["id"] for n in view.nodes if n["kind"].startswith("plan:")}
    assert plans and all(any(e["from"] == t["to"] and e["to"] in plans for e in view.edges) for t in lead_edges)


def test_viz_plan_view_groups_tasks_by_theme(corpus_store, extracted_records):
    # the plan with the most task targets, so that targets are drawn
    rec = max(extracted_records, key=lambda r: sum(len(t["targets"]) for t in r["tasks"]))
    view = plan_view(corpus_store, rec["source"], "en")
    tasks = [n for n in view.nodes if n["kind"].startswith("task")]
    assert len(tasks) == len({t["ref"] for t in rec["tasks"]})
    themes = [n for n in view.nodes if n["kind"] == "theme"]
    assert {n["label"] for n in themes} and all(
        any(e["from"] == t["id"] and e["to"] in {x["id"] for x in themes} for e in view.edges) for t in tasks)
    assert sum(1 for n in view.nodes if n["kind"] == "target") == sum(len(t["targets"]) for t in rec["tasks"])
    ancestors = {n["label"].split("\n")[0] for n in view.nodes if n["kind"].startswith("plan:")}
    assert "38-CT/TW" in ancestors


def test_viz_document_text_is_escaped_in_browser(browser, tmp_path):
    """A task text with <script>, a quote and </div> shows literally and runs nothing."""
    from planlineage.extract import extract_text
    from planlineage.graph.store import open_store

    text = (DATA_DIR / "004_5c5cafd7972287fb.txt").read_text(encoding="utf-8")
    hostile = text.replace("Tổ chức phổ biến, tuyên truyền", f"Tổ chức phổ biến {HOSTILE} tuyên truyền", 1)
    rec = extract_text(hostile, "hostile.txt")
    # the text as the extractor keeps it (it may drop markup such as "</div>"); the <script> must survive
    task = next(t for t in rec["tasks"] if "<script>window" in t["text"] and '"trích"' in t["text"])
    with open_store(memory=True) as store:
        assert [o.error for o in store.load_records([rec]) if o.error] == []
        page, view = write_view(store, tmp_path / "hostile.html", plan="hostile.txt", lang="en")
    assert page.read_text(encoding="utf-8").count("<script") == 3  # data block, vis-network, view.js
    p = Page(browser, page)
    assert p.errors == [] and p.outside_requests() == []
    hits = p.search("trich")
    assert hits
    assert p.page.evaluate("window.__pwned") is None and p.page.evaluate("window.pwned") is None
    assert task["text"] in p.page.text_content("#plv-details")
    titles = p.page.evaluate("window.planlineageView.nodes.map(n => n.title).join('|')")
    assert task["text"] in titles
    assert p.page.evaluate("document.querySelectorAll('#plv-details script, #plv-details div').length") == 0


def test_viz_past_budget_aggregates_and_says_so(browser, tmp_path):
    plans, per_plan = 40, 60
    view = View(kind="synthetic", title="Synthetic nationwide", layout="force", collapse_steps=["task"])
    for i in range(plans):
        view.add_node(f"p{i}", f"KH {i}", "plan:commune", level=0)
        for j in range(per_plan):
            view.add_node(f"p{i}/t{j}", f"{j}", "task:awareness", level=1, collapse="task", cluster=f"p{i}")
            view.add_edge(f"p{i}/t{j}", f"p{i}", "step_of")
    assert len(view.nodes) > NODE_BUDGET
    started = time.perf_counter()
    page = render_view(view, tmp_path / "big.html", lang="en")
    render_s = time.perf_counter() - started
    assert len(view.nodes) == 2 * plans
    p = Page(browser, page)
    assert p.errors == [] and p.node_count() == 2 * plans
    notice = p.page.text_content(".notice")
    assert f"{plans * (per_plan + 1)} nodes" in notice and str(NODE_BUDGET) in notice
    print(f"render {render_s:.3f}s, {page.stat().st_size} bytes")


def test_viz_large_view_turns_physics_off(browser, tmp_path):
    view = View(kind="synthetic", title="Large", layout="force")
    for i in range(NODE_BUDGET):
        view.add_node(f"n{i}", f"N{i}", "unit", level=i % 7)
        if i:
            view.add_edge(f"n{i}", f"n{(i - 1) // 3}", "leads")
    page = render_view(view, tmp_path / "large.html", lang="en")
    p = Page(browser, page)
    assert p.errors == [] and p.node_count() == NODE_BUDGET
    assert p.page.evaluate("window.planlineageView.data.options.physics.enabled") is False
    ARTIFACTS.mkdir(exist_ok=True)
    p.page.screenshot(path=str(ARTIFACTS / "viz-large.png"))


def test_viz_edge_labels_follow_lang(corpus_store, tmp_path):
    import json

    def edge_labels(lang):
        html = render_view(corpus_view(corpus_store, lang), tmp_path / f"c-{lang}.html", lang=lang).read_text(encoding="utf-8")
        data = json.loads(re.search(r'<script type="application/json" id="plv-data">(.*?)</script>', html, re.S).group(1))
        return {e.get("title") for e in data["edges"]}

    assert "implements" in edge_labels("en") and "thực hiện" in edge_labels("vi")
    assert (tmp_path / ASSETS_DIR / "vis-network.min.js").stat().st_size > 100_000


def test_viz_cli_writes_page_and_reports_bad_unit(tmp_path, trace_task):
    from click.testing import CliRunner

    from planlineage.cli import cli

    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["build", str(DATA_DIR / "004_5c5cafd7972287fb.txt"), "--store", str(store)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "t.html"
    r = CliRunner().invoke(cli, ["viz", "--trace", trace_task.replace("6.2", "1.1"), "-o", str(out), "--lang", "en",
                                 "--store", str(store)])
    assert r.exit_code == 0, r.output
    assert out.exists() and (tmp_path / ASSETS_DIR / "view.js").exists()
    r = CliRunner().invoke(cli, ["viz", "--unit", "Không có đơn vị này", "--store", str(store)])
    assert r.exit_code == 1
    assert r.output.strip().splitlines()[-1].startswith("Error: unit Không có đơn vị này: no unit of the graph")
