"""What a person sees in each view (issue #14), measured in a real headless Chromium.

For every view of the bundled corpus: no two node labels overlap by more than
10% of the smaller one, every node lies inside the drawing area once the layout
has settled (at 1400 and at 1024 px wide), text over a fill passes WCAG AA, the
legend is in the page's language; the plan view's bands follow the hierarchy,
the unit view has the unit in the middle and each task in its plan's group, the
corpus view has the levels as bands and provinces in order. Geometry comes from
vis-network's own label and node boxes after drawing.
"""
from __future__ import annotations

import itertools
import json

import pytest

from planlineage.extract.normalize import fold
from planlineage.viz.render import INSIDE, contrast, labels
from planlineage.viz.views import write_view

from test_viz import CHROMIUM, COMMUNE, Page, browser, trace_task  # noqa: F401  (fixtures)

PLAN = "40/KH-UBND"
UNIT = "Sở Khoa học và Công nghệ"
#: Largest share of the smaller of two label boxes they may have in common.
MAX_OVERLAP = 0.10

_GEOMETRY = """() => {
  const v = window.planlineageView, net = v.network;
  const rect = document.getElementById('plv-network').getBoundingClientRect();
  const out = [];
  for (const id of v.nodes.getIds()) {
    const n = net.body.nodes[id], l = n.labelModule.size, bb = net.getBoundingBox(id);
    const a = net.canvasToDOM({x: l.left, y: l.top}), b = net.canvasToDOM({x: l.left + l.width, y: l.top + l.height});
    const c = net.canvasToDOM({x: bb.left, y: bb.top}), d = net.canvasToDOM({x: bb.right, y: bb.bottom});
    out.push({id: id, label: n.options.label || '', x: n.x, y: n.y,
              labelBox: [a.x, a.y, b.x, b.y], box: [c.x, c.y, d.x, d.y]});
  }
  const edges = [];
  for (const id of v.edges.getIds()) {
    const e = net.body.edges[id];
    if (!e.options.label || !e.labelModule.size.width) { continue; }
    const l = e.labelModule.size;
    const a = net.canvasToDOM({x: l.left, y: l.top}), b = net.canvasToDOM({x: l.left + l.width, y: l.top + l.height});
    edges.push({label: e.options.label, labelBox: [a.x, a.y, b.x, b.y]});
  }
  return {nodes: out, edges: edges, width: rect.width, height: rect.height, scale: net.getScale()};
}"""


def _open(browser, path, width=1400, height=900) -> tuple[Page, dict]:
    p = Page(browser, path)
    p.page.set_viewport_size({"width": width, "height": height})
    p.page.wait_for_function("window.planlineageView.ready === true", timeout=60_000)
    p.page.wait_for_timeout(400)  # the resize handler fits the drawing again
    assert p.errors == [] and p.outside_requests() == []
    return p, p.page.evaluate(_GEOMETRY)


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0


#: vis-network leaves out labels drawn smaller than this many pixels (``scaling.label.drawThreshold``).
DRAW_THRESHOLD = 5


def _check_readable(geo: dict) -> None:
    # labels are drawn at all (the boxes below are only measured when they are): 14 px text times the zoom
    assert 14 * geo["scale"] >= DRAW_THRESHOLD, f"zoomed out to {geo['scale']:.2f}: labels are not drawn"
    nodes = [n for n in geo["nodes"] if n["label"].strip()]
    bad = [(a["label"], b["label"], round(_overlap(a["labelBox"], b["labelBox"]), 2))
           for a, b in itertools.combinations(nodes, 2) if _overlap(a["labelBox"], b["labelBox"]) > MAX_OVERLAP]
    assert bad == [], f"{len(bad)} pairs of labels overlap: {bad[:5]}"
    # edge labels that are drawn (the trace view) collide with no label either
    drawn = nodes + geo["edges"]
    bad = [(a["label"], b["label"]) for a in geo["edges"] for b in drawn
           if a is not b and _overlap(a["labelBox"], b["labelBox"]) > MAX_OVERLAP]
    assert bad == [], f"{len(bad)} edge labels overlap other labels: {bad[:5]}"
    tol = 1.0
    outside = [n["label"] for n in geo["nodes"]
               if n["box"][0] < -tol or n["box"][1] < -tol or n["box"][2] > geo["width"] + tol
               or n["box"][3] > geo["height"] + tol]
    assert outside == [], f"nodes outside the {geo['width']:.0f} x {geo['height']:.0f} drawing area: {outside}"


def _page_data(path) -> dict:
    import re

    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="plv-data">(.*?)</script>', html, re.S).group(1))


def _check_contrast_and_legend(path, lang: str) -> None:
    data = _page_data(path)
    for n in data["nodes"]:
        if n["shape"] in INSIDE:
            bg = n["color"]["background"] if isinstance(n["color"], dict) else n["color"]
            assert contrast(n["font"]["color"], bg) >= 4.5, (n["label"], n["font"]["color"], bg)
        else:  # label on the white page
            assert contrast(n["font"]["color"], "#ffffff") >= 4.5
    other = labels("en" if lang == "vi" else "vi")
    mine = labels(lang)
    legend = [x["label"] for x in data["legend"]["nodes"] + data["legend"]["edges"]]
    foreign = set(other["kind"].values()) | set(other["rel"].values())
    assert not [x for x in legend if x in foreign and x not in set(mine["kind"].values()) | set(mine["rel"].values())]


@pytest.fixture(scope="module")
def pages(corpus_store, tmp_path_factory, trace_task):
    """The four views of the bundled corpus, in Vietnamese: name -> (page path, View)."""
    out = tmp_path_factory.mktemp("views")
    return {name: write_view(corpus_store, out / f"{name}.html", lang="vi", **focus) for name, focus in {
        "corpus": {}, "plan": {"plan": PLAN}, "commune_plan": {"plan": COMMUNE}, "unit": {"unit": UNIT},
        "trace": {"trace": trace_task}}.items()}


@pytest.mark.parametrize("name", ["corpus", "plan", "commune_plan", "unit", "trace"])
def test_viz_layout_labels_apart_and_nodes_inside(browser, pages, name):
    path, view = pages[name]
    p, geo = _open(browser, path)
    assert len(geo["nodes"]) == len(view.nodes)
    # the trace draws its edge labels (few edges); the other views show them on hover only
    assert bool(geo["edges"]) == (name == "trace")
    _check_readable(geo)
    _check_contrast_and_legend(path, "vi")
    print(f"{name}: {len(geo['nodes'])} nodes, scale {geo['scale']:.2f} at 1400 px")
    p.page.close()


@pytest.mark.parametrize("name", ["corpus", "plan", "unit", "trace"])
def test_viz_layout_no_clipped_node_at_1024_px(browser, pages, name):
    path, _ = pages[name]
    p, geo = _open(browser, path, 1024, 768)
    _check_readable(geo)
    p.page.close()


def test_viz_plan_view_bands_follow_the_hierarchy(browser, pages, corpus_store):
    path, view = pages["plan"]
    p, geo = _open(browser, path)
    y = {n["id"]: n["y"] for n in geo["nodes"]}
    kind = {n["id"]: n["kind"] for n in view.nodes}
    plan = next(n["id"] for n in view.nodes if n["kind"].startswith("plan:") and n["level"] == 0)
    up = {e["from"]: e["to"] for e in view.edges if e["rel"] == "step_of"}
    tasks = [i for i, k in kind.items() if k.startswith("task")]
    assert tasks and all(y[t] > y[plan] for t in tasks), "every task below its plan"
    assert all(y[up[t]] < y[t] for t in tasks), "every task below its task group"
    for e in view.edges:
        if e["rel"] in ("leads", "cooperates"):
            assert y[e["from"]] > y[e["to"]], f"unit {e['from']} below its task"
        if e["rel"] == "implements":
            assert y[e["to"]] < y[e["from"]], "a parent document above the plan that implements it"
        if e["rel"] == "has_target":
            assert y[e["to"]] > y[e["from"]]
    # the task groups are columns: every task sits under its own group, not under another one
    x = {n["id"]: n["x"] for n in geo["nodes"]}
    groups = [i for i, k in kind.items() if k == "theme"]
    for t in tasks:
        assert min(groups, key=lambda g: abs(x[g] - x[t])) == up[t]


def test_viz_unit_view_unit_in_the_middle_tasks_by_plan(browser, pages):
    path, view = pages["unit"]
    p, geo = _open(browser, path)
    pos = {n["id"]: (n["x"], n["y"]) for n in geo["nodes"]}
    units = [n["id"] for n in view.nodes if n["kind"] == "unit"]
    plans = [n["id"] for n in view.nodes if n["kind"].startswith("plan:")]
    xs, ys = [v[0] for v in pos.values()], [v[1] for v in pos.values()]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    assert all(abs(pos[u][0] - cx) < 0.25 * span and abs(pos[u][1] - cy) < 0.25 * span for u in units)
    tasks = [n for n in view.nodes if n["kind"].startswith("task")]
    assert len(plans) >= 2 and tasks
    for t in tasks:
        tx, ty = pos[t["id"]]
        nearest = min(plans, key=lambda q: (pos[q][0] - tx) ** 2 + (pos[q][1] - ty) ** 2)
        assert nearest == t["cluster"], f"task {t['label']} drawn in the group of another plan"


def test_viz_corpus_view_bands_provinces_and_referenced_documents(browser, pages, corpus_store):
    path, view = pages["corpus"]
    p, geo = _open(browser, path)
    pos = {n["id"]: (n["x"], n["y"]) for n in geo["nodes"]}
    by_kind = {}
    for n in view.nodes:
        by_kind.setdefault(n["kind"], []).append(n)
    order = ["plan:directive", "plan:central", "plan:province", "plan:commune"]
    rows = [[pos[n["id"]][1] for n in by_kind.get(k, [])] for k in order]
    for upper, lower in zip(rows, rows[1:]):
        assert max(upper) < min(lower), "each level a band below the one above"
    docs = {r["d"].value: r for r in corpus_store.query("""SELECT ?d ?prov ?src WHERE { ?d a eli:LegalResource
        OPTIONAL { ?d pl:province ?prov } OPTIONAL { ?d pl:sourceFile ?src } }""").rows}
    prov = {i: fold(docs[i]["prov"].value) for i in docs if docs[i]["prov"] is not None}
    ingested_province = sorted((n for n in by_kind["plan:province"] if docs[n["id"]]["src"] is not None),
                               key=lambda n: pos[n["id"]][0])
    assert [prov[n["id"]] for n in ingested_province] == sorted(prov[n["id"]] for n in ingested_province)
    communes = sorted(by_kind["plan:commune"], key=lambda n: pos[n["id"]][0])
    assert [prov[n["id"]] for n in communes] == sorted(prov[n["id"]] for n in communes)
    # a commune plan is under the plans of its own province
    for c in communes:
        mine = [pos[n["id"]][0] for n in ingested_province if prov[n["id"]] == prov[c["id"]]]
        others = [pos[n["id"]][0] for n in ingested_province if prov[n["id"]] != prov[c["id"]]]
        if mine:
            gap = min(abs(x - pos[c["id"]][0]) for x in mine)
            assert all(gap < abs(x - pos[c["id"]][0]) for x in others)
        assert ".txt" not in c["label"], "a commune plan is labelled by its commune, not its file"
    data = {n["id"]: n for n in _page_data(path)["nodes"]}
    referenced = [i for i in data if i in docs and docs[i]["src"] is None]
    assert referenced, "the corpus cites documents it does not hold"
    for i in data:
        if i in docs:
            filled = not isinstance(data[i]["color"], dict)
            assert filled == (docs[i]["src"] is not None), "ingested: filled; only cited: outline"
    counts = [n for n in geo["nodes"] if data[n["id"]]["shape"] == "circle"]
    assert counts and all(data[n["id"]]["font"]["size"] >= 18 for n in counts)
    assert all(n["box"][2] - n["box"][0] >= 24 for n in counts), "count circles large enough to read"
    assert all("label" not in e for e in _page_data(path)["edges"]), "edge labels only on hover"
