"""``planlineage report -o DIR``: a small static site over the graph.

Pages (all in one folder, so every link and asset stays inside it):
``index.html`` (plans: level, province, number, date, what each implements,
task count; units), ``plan-<name>.html`` per ingested plan (metadata,
ancestors, tasks with lead, cooperating units, period, targets),
``unit-<name>.html`` per unit, ``matrix.html`` (units × Directive task groups,
tasks led / cooperated, shaded), and the interactive views each page links to
(``view-*.html``, drawn by :mod:`.render`). Every text is escaped by Jinja2's
autoescape.

>>> from planlineage.graph.store import open_store
>>> import tempfile
>>> with open_store(memory=True) as store:
...     build_report(store, tempfile.mkdtemp()).name
'index.html'
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..graph.iris import slug
from . import views
from .render import _assets, copy_assets, labels, render_view
from .source import CorpusSource
from .sparql import rows


@lru_cache(maxsize=None)
def _env():
    from jinja2 import Environment, FunctionLoader, select_autoescape

    def load(name):
        return (_assets() / name).read_text(encoding="utf-8")

    return Environment(loader=FunctionLoader(load), autoescape=select_autoescape(default=True,
                                                                                  default_for_string=True))


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


#: Longest file-name part of a page (file systems take 255 bytes; "view-plan-" and ".html" go around it).
SLUG_MAX = 100


def _bounded(part: str, key: str) -> str:
    """A long ``part`` cut to SLUG_MAX characters, made unique by a hash of ``key`` (issue #15:
    a unit name of 366 characters gave "File name too long" and no index.html).

    >>> len(_bounded("x" * 400, "k")) == SLUG_MAX
    True
    """
    if len(part) <= SLUG_MAX:
        return part
    import hashlib

    return part[: SLUG_MAX - 13].rstrip("-") + "-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def unique_slugs(slugs: dict[str, str]) -> dict[str, str]:
    """slugs (dict): IRI -> file-name part. RETURNS (dict): the same, a part that several IRIs share
    followed by a hash of each IRI (two plans "x.txt" and "x.docx" would otherwise write one page).
    One pass over all the names (no search per page).

    >>> unique_slugs({"a": "x", "b": "x", "c": "y"})["c"], len(set(unique_slugs({"a": "x", "b": "x"}).values()))
    ('y', 2)
    """
    import hashlib
    from collections import Counter

    shared = Counter(slugs.values())
    return {k: v if shared[v] == 1 else
            f"{v[: SLUG_MAX - 13].rstrip('-')}-{hashlib.sha256(k.encode('utf-8')).hexdigest()[:12]}"
            for k, v in slugs.items()}


def unit_slug(iri: str) -> str:
    """iri (str): unit IRI. RETURNS (str): file-name part of its pages (scope and name)."""
    return _bounded(slug(iri.split("/unit/", 1)[-1].replace("/", " ")), iri)


def plan_slug(doc: dict) -> str:
    """doc (dict): a document from :func:`views.documents`. RETURNS (str): file-name part of its pages."""
    return _bounded(slug(Path(doc["source"]).stem if doc.get("source") else _short(doc["iri"])), doc["iri"])


def responsibility(store) -> tuple[list, dict]:
    """store (GraphStore). RETURNS (tuple): (units [{unit, label, scope}], {(unit, theme key): (leads, cooperates)})."""
    units, cells = {}, {}
    for r in rows(store, "responsibility"):
        label = r["unitLabel"] or _short(r["unit"])
        u = units.setdefault(r["unit"], {"unit": r["unit"], "label": label,
                                         "scope": r["scope"], "place": views._unit_place(r["unit"])})
        # Plans of one locality may write one unit's canonical name in two cases: one row, one label.
        u["label"] = min(u["label"], label)
        cells[(r["unit"], _short(r["theme"]))] = (r["leads"], r["cooperates"])
    return list(units.values()), cells


def spellings(store) -> dict:
    """store (GraphStore). RETURNS (dict): unit IRI -> [(spelling, [source files])], as the documents wrote it."""
    out: dict = defaultdict(dict)
    for r in rows(store, "unit_spellings"):
        out[r["unit"]].setdefault(r["label"], []).append(r["source"])
    return {u: sorted(v.items()) for u, v in out.items()}


def _write(out: Path, template: str, **ctx) -> None:
    text = _env().get_template(template).render(version=__version__, corpus_view="view-corpus.html", **ctx)
    out.write_text(text, encoding="utf-8")


#: What forked page-drawing processes share (set just before the fork, see :func:`_draw_pages`).
_SHARED: tuple | None = None


def _draw_share(share: tuple[int, int]) -> int:
    """Draw every ``n``-th page from the ``k``-th, in a forked process. RETURNS (int): pages drawn."""
    k, n = share
    src, out, pages, upage, ppage, base, lang = _SHARED
    for kind, page, s in pages[k::n]:
        _draw_page(src, out, kind, page, s, upage, ppage, base, lang)
    return len(pages[k::n])


def _draw_page(src, out, kind, page, s, upage, ppage, base, lang) -> None:
    if kind == "plan":
        _plan_page(src, out, page, s, upage, ppage, base, lang)
    else:
        _unit_page(src, out, page, s, ppage, base, lang)


def _draw_pages(src, out, pages, upage, ppage, base, lang, jobs) -> None:
    """Draw the plan and unit pages, in ``jobs`` forked processes when more than one (each page is
    written on its own: the site is the same whatever the number of processes)."""
    global _SHARED
    if jobs <= 1 or len(pages) < 2 * jobs:
        for kind, page, s in pages:
            _draw_page(src, out, kind, page, s, upage, ppage, base, lang)
        return
    import multiprocessing

    src.prefetch(p["iri"] for kind, p, _ in pages if kind == "plan")
    _SHARED = (src, out, pages, upage, ppage, base, lang)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pool.map(_draw_share, [(k, jobs) for k in range(jobs)])
    finally:
        _SHARED = None


def build_report(store, out_dir: str | Path, lang: str = "en", jobs: int = 1) -> Path:
    """Write the static site.

    store (GraphStore): the graph. out_dir (str | Path): folder to write (created).
    lang (str): "vi" or "en". jobs (int): processes drawing the plan and unit pages.
    RETURNS (Path): the index page.
    """
    lab = labels(lang)
    ui = lab["ui"]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.css").write_bytes((_assets() / "report.css").read_bytes())
    copy_assets(out)
    base = {"lang": lang, "ui": ui}
    # Every page's rows come from a few whole-store queries, grouped in Python (issue #15: one query
    # per page, or per task of a unit page, made the report grow with the square of the corpus).
    src = CorpusSource(store, lang)
    docs = src.docs
    themes = src.themes
    theme_keys = [_short(r["theme"]) for r in rows(store, "themes", lang=__import__("pyoxigraph").Literal(lang))]
    links = rows(store, "document_links")
    implements = defaultdict(list)
    for x in links:
        if x["rel"] == "implements" and x["parent"] in docs:
            implements[x["child"]].append(views.doc_name(docs[x["parent"]]))
    counts = defaultdict(int)
    for c in rows(store, "theme_task_counts"):
        counts[c["plan"]] += c["tasks"]
    units, cells = responsibility(store)
    uslug = unique_slugs({u["unit"]: unit_slug(u["unit"]) for u in units})
    upage = {u: f"unit-{s}.html" for u, s in uslug.items()}
    plans = sorted((d for d in docs.values() if d.get("source")),
                   key=lambda d: (views.LEVEL_ROW.get(d["kind"], 9), d.get("province") or "", d["source"]))
    pslug = unique_slugs({d["iri"]: plan_slug(d) for d in plans})
    ppage = {d: f"plan-{s}.html" for d, s in pslug.items()}
    render_view(views.corpus_view(store, lang), out / "view-corpus.html", lang, assets=False)

    index_rows, pages = [], []
    for d in plans:
        s = pslug[d["iri"]]
        index_rows.append({
            "level": views.level_name(d.get("level"), ui), "place": ", ".join(x for x in (d.get("commune"), d.get("province")) if x),
            "number": d.get("number"), "date": d.get("date"), "tasks": counts.get(d["iri"], 0),
            "implements": implements.get(d["iri"], []),
            "source": d["source"], "page": ppage[d["iri"]], "view": f"view-plan-{s}.html"})
        pages.append(("plan", d, s))
    unit_rows = []
    written = spellings(store)
    for u in units:
        leads = sum(cells.get((u["unit"], k), (0, 0))[0] for k in theme_keys)
        coops = sum(cells.get((u["unit"], k), (0, 0))[1] for k in theme_keys)
        unit_rows.append(dict(u, page=upage[u["unit"]], leads=leads, cooperates=coops))
        pages.append(("unit", dict(u, spellings=[s for s in written.get(u["unit"], []) if s[0] != u["label"]]),
                      uslug[u["unit"]]))
    _draw_pages(src, out, pages, upage, ppage, base, lang, jobs)
    _write(out / "index.html", "report_index.html", title=ui["report"], plans=index_rows,
           units=sorted(unit_rows, key=lambda u: (-u["leads"], u["label"])), **base)
    peak = max((a + b for a, b in cells.values()), default=0) or 1
    matrix = []
    for u in sorted(unit_rows, key=lambda u: (-(u["leads"] + u["cooperates"]), u["label"])):
        row_cells = []
        for k in theme_keys:
            a, b = cells.get((u["unit"], k), (0, 0))
            row_cells.append({"leads": a, "cooperates": b, "alpha": f"{0.85 * (a + b) / peak:.2f}"})
        matrix.append(dict(u, cells=row_cells))
    _write(out / "matrix.html", "report_matrix.html", title=ui["matrix"], rows=matrix,
           themes=[{"key": k, "label": themes.get(k, k)} for k in theme_keys], **base)
    return out / "index.html"


def _target_text(g: dict) -> str:
    value = f"{g['value']:g}" if g.get("value") is not None else ""
    return f"{'≥ ' if g.get('atLeast') else ''}{value} {g.get('measure') or ''}".strip() or (g.get("text") or "")


def _plan_page(src, out, d, s, upage, ppage, base, lang) -> None:
    ui = base["ui"]
    docs, themes = src.docs, src.themes
    render_view(views.plan_view(src.store, d["iri"], lang, src), out / f"view-plan-{s}.html", lang, assets=False)
    iri = d["iri"]
    anc_edges = [(r["child"], r["parent"]) for r in src.ancestors(iri)]
    depth = {d["iri"]: 0}
    for _ in range(len(anc_edges)):
        for c, p in anc_edges:
            if c in depth and depth.get(p, 0) < depth[c] + 1:
                depth[p] = depth[c] + 1
    ancestors = [{"name": views.doc_name(docs[a]), "title": docs[a].get("title"), "issuer": docs[a].get("issuer"),
                  "source": docs[a].get("source"), "page": ppage.get(a)}
                 for a in sorted((a for a in depth if a != d["iri"] and a in docs), key=lambda a: (depth[a], a))]
    units = defaultdict(list)
    for u in src.plan_units(iri):
        units[(u["task"], u["role"])].append({"label": u["unitLabel"] or _short(u["unit"]), "page": upage.get(u["unit"])})
    targets = defaultdict(list)
    for g in src.plan_targets(iri):
        targets[g["task"]].append(_target_text(g))
    tasks = [{"ref": t.get("ref"), "text": t.get("text"), "theme": themes.get(_short(t["theme"]), "") if t.get("theme") else "",
              "lead": units[(t["task"], "lead")], "cooperate": units[(t["task"], "cooperate")],
              "period": t.get("period"), "targets": targets[t["task"]],
              "lines": f"{t['lineStart']}–{t['lineEnd']}" if t.get("lineStart") else ""}
             for t in src.plan_tasks(iri)]
    plan = {"view": f"view-plan-{s}.html", "details": views._doc_details(d, ui)}
    _write(out / ppage[d["iri"]], "report_plan.html", title=f"{ui['plan']} {views.doc_name(d)}", plan=plan,
           ancestors=ancestors, tasks=tasks, **base)


def _unit_page(src, out, u, s, ppage, base, lang) -> None:
    ui = base["ui"]
    docs, themes = src.docs, src.themes
    render_view(views.unit_view(src.store, u["unit"], lang, src), out / f"view-unit-{s}.html", lang, assets=False)
    tasks = []
    for r in src.unit_links(u["unit"]):
        t = src.task(r["task"])
        plan = docs.get(t["plan"], {"iri": t["plan"]})
        tasks.append({"plan": views.doc_name(plan), "plan_page": ppage.get(t["plan"], "index.html"), "ref": t.get("ref"),
                      "text": t.get("text"), "theme": themes.get(_short(t["theme"]), "") if t.get("theme") else "",
                      "role": r["role"], "role_label": ui["lead"] if r["role"] == "lead" else ui["cooperate"],
                      "period": t.get("period")})
    _write(out / f"unit-{s}.html", "report_unit.html", title=u["label"],
           unit={"place": u["place"], "view": f"view-unit-{s}.html", "spellings": u.get("spellings", [])},
           tasks=tasks, **base)
