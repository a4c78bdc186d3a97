"""Views of the graph as :class:`~.model.View` objects, built from the queries of ``viz/queries``.

* :func:`corpus_view`: the cascade of plans by level (directive, national, province,
  commune), tasks collapsed into counts per plan and task group.
* :func:`trace_view`: a task up through its parent tasks, plans and the national
  decision to the Directive's task group, with the lead units beside each task.
* :func:`plan_view`: a plan with its ancestors, tasks grouped by task group, units, targets.
* :func:`unit_view`: a unit and every task it leads (solid) or cooperates on (dashed), by plan.

>>> from planlineage.graph.store import open_store
>>> with open_store(memory=True) as store:
...     len(corpus_view(store).nodes)
0
"""
from __future__ import annotations

from collections import defaultdict

from pyoxigraph import Literal, NamedNode

from .errors import VizError
from .model import View
from .render import labels
from .sparql import rows


def fold(text: str) -> str:
    """The folded form of ``text`` (extract.normalize.fold, imported when first needed: `viz --trace` need not)."""
    from ..extract.normalize import fold as _fold

    return _fold(text)


LEVEL_ROW = {"plan:directive": 0, "plan:central": 2, "plan:province": 4, "plan:commune": 6, "plan:unknown": 2}
THEME_NS = "https://w3id.org/planlineage/theme/"
_THEME_ORDER = {k: i for i, k in enumerate(
    ("awareness", "institutions", "human_resources", "investment", "inspection", "international", "other"))}


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def documents(store, only=None) -> dict[str, dict]:
    """store (GraphStore). only (iterable[str] | None): just these document IRIs (a view of a few
    documents need not read every document of a nationwide graph).
    RETURNS (dict[str, dict]): document IRI -> its fields (one value each, the most precise date first)."""
    docs: dict[str, dict] = {}
    found = rows(store, "documents") if only is None else [
        r for iri in sorted(only) for r in rows(store, "documents", doc=NamedNode(iri))]
    for r in found:
        d = docs.setdefault(r["doc"], {"iri": r["doc"]})
        for k, v in r.items():
            if v is None or k == "doc":
                continue
            if k not in d or (k == "date" and len(str(v)) > len(str(d[k]))):
                d[k] = v
    for d in docs.values():
        d["kind"] = doc_kind(d)
    return docs


def doc_kind(d: dict) -> str:
    """d (dict): a document from :func:`documents`. RETURNS (str): "plan:directive|central|province|commune|unknown"."""
    level = d.get("level")
    if level == "central" and d.get("docType") == "CT":
        return "plan:directive"
    return f"plan:{level}" if level in ("central", "province", "commune") else "plan:unknown"


def doc_name(d: dict) -> str:
    """d (dict): a document. RETURNS (str): its number, else its source file, else the end of its IRI."""
    return d.get("number") or d.get("source") or _short(d["iri"])


def _doc_label(d: dict, ui: dict) -> str:
    """A commune plan by its commune (then its number, not its file name), others by number then place."""
    if d.get("commune"):
        return f"{d['commune']}\n{d['number']}" if d.get("number") else d["commune"]
    if d.get("kind") == "plan:commune":
        # A commune plan whose commune was not read: say so rather than show its file name.
        place = f"{ui['commune_unknown']}, {d['province']}" if d.get("province") else ui["commune_unknown"]
        return f"{place}\n{d['number']}" if d.get("number") else place
    place = d.get("province")
    return f"{doc_name(d)}\n{place}" if place else doc_name(d)


def level_name(level: str | None, ui: dict) -> str:
    """level (str | None): central, province or commune. ui (dict): page labels. RETURNS (str): in that language."""
    return ui.get(f"level_{level}", level) if level else ui["none"]


def _doc_details(d: dict, ui: dict) -> list:
    keys = [("number", "number"), ("title", "title"), ("issuer", "issuer"), ("date", "date"),
            ("level", "level"), ("province", "province"), ("commune", "commune"), ("source", "source")]
    out = [[ui[k], level_name(d[f], ui) if k == "level" else str(d[f])] for k, f in keys if d.get(f)]
    if not d.get("source"):
        out.append([ui["status"], ui["referenced_only"]])
    return out


def _doc_tooltip(d: dict, ui: dict) -> str:
    return "\n".join(f"{k}: {v}" for k, v in _doc_details(d, ui))


def _add_doc(view: View, d: dict, ui: dict, level: int | None = None, extra: list | None = None, **layout) -> None:
    place = d.get("province") or ""
    view.add_node(d["iri"], _doc_label(d, ui), d["kind"], tooltip=_doc_tooltip(d, ui),
                  level=LEVEL_ROW[d["kind"]] if level is None else level,
                  details=_doc_details(d, ui) + (extra or []),
                  search=f"{doc_name(d)} {d.get('title', '')} {place} {d.get('commune') or ''}",
                  collapse=d["kind"] if d["kind"] in ("plan:commune", "plan:province") else None,
                  cluster=place or None, referenced=not d.get("source"), **layout)


def theme_names(store, lang: str) -> dict[str, str]:
    """store (GraphStore). lang (str). RETURNS (dict[str, str]): theme key (e.g. "awareness") -> label."""
    fallback = labels(lang)["theme"]
    out = dict(fallback)
    for r in rows(store, "themes", lang=Literal(lang)):
        if r["label"]:
            out[_short(r["theme"])] = r["label"]
    return out


def _task_tooltip(t: dict, ui: dict, themes: dict) -> str:
    head = f"{t.get('source') or ''} #{t.get('ref') or ''}"
    lines = f"{ui['lines']} {t['lineStart']}–{t['lineEnd']}" if t.get("lineStart") else ""
    theme = themes.get(_short(t["theme"]), "") if t.get("theme") else ""
    return "\n".join(x for x in (head.strip(), t.get("text") or "", theme, t.get("period") or "", lines) if x)


def _task_details(t: dict, ui: dict, themes: dict, units: dict) -> list:
    out = [[ui["ref"], t.get("ref") or ui["none"]], [ui["text"], t.get("text") or ""]]
    if t.get("theme"):
        out.append([ui["theme"], themes.get(_short(t["theme"]), _short(t["theme"]))])
    for role, key in (("lead", "lead"), ("cooperate", "cooperate")):
        names = units.get((t["task"], role))
        if names:
            out.append([ui[key], "; ".join(names)])
    if t.get("period"):
        out.append([ui["period"], t["period"]])
    if t.get("source"):
        span = f", {ui['lines']} {t['lineStart']}–{t['lineEnd']}" if t.get("lineStart") else ""
        out.append([ui["source"], f"{t['source']}{span}"])
    return out


def _task_kind(t: dict) -> str:
    return f"task:{_short(t['theme'])}" if t.get("theme") else "task"


def _task_label(t: dict, width: int = 38) -> str:
    text = t.get("text") or ""
    short = text if len(text) <= width else text[: width - 1].rstrip() + "…"
    return f"{t.get('ref') or ''} {short}".strip()


def _unit_map(unit_rows) -> dict:
    out = defaultdict(list)
    for r in unit_rows:
        name = r["unitLabel"] or _short(r["unit"])
        if name not in out[(r["task"], r["role"])]:
            out[(r["task"], r["role"])].append(name)
    return out


def _unit_place(iri: str) -> str:
    parts = iri.split("/unit/", 1)[-1].split("/")[:-1]
    return "/".join(parts)


#: Longest unit label drawn (the full name is in the tooltip, the details and the search).
UNIT_LABEL_MAX = 64


def _add_unit(view: View, iri: str, label: str, level: int, ui: dict, cluster: str | None = None, **layout) -> None:
    place = _unit_place(iri)
    short = label if len(label) <= UNIT_LABEL_MAX else label[: UNIT_LABEL_MAX - 1].rstrip(" ,") + "…"
    view.add_node(iri, short, "unit", tooltip=f"{label}\n{place}", level=level,
                  details=[[ui["unit"], label], [ui["scope"], place]], search=f"{label} {place}",
                  collapse="unit" if cluster else None, cluster=cluster, **layout)


def corpus_view(store, lang: str = "en") -> View:
    """The whole corpus as the cascade of plans by level, tasks as counts per plan and task group.

    store (GraphStore). lang (str): "vi" or "en". RETURNS (View).
    """
    lab = labels(lang)
    ui = lab["ui"]
    view = View(kind="corpus", title=ui["corpus"], layout="bands", edge_labels=False,
                collapse_steps=["count", "plan:commune", "count", "plan:province", "count"])
    docs = documents(store)
    links = rows(store, "document_links")
    counts = rows(store, "theme_task_counts")
    if not docs:
        return view
    themes = theme_names(store, lang)
    shown = {d for d, x in docs.items() if x.get("source")}
    shown |= {link[k] for link in links for k in ("child", "parent")}
    per_plan = defaultdict(list)
    for c in counts:
        per_plan[c["plan"]].append(c)
    for iri in sorted(shown, key=lambda i: (LEVEL_ROW.get(docs.get(i, {}).get("kind"), 9), i)):
        if iri not in docs:
            continue
        d = docs[iri]
        extra = [[themes.get(_short(c["theme"]), c["theme"]), str(c["tasks"])] for c in per_plan.get(iri, [])]
        total = sum(c["tasks"] for c in per_plan.get(iri, []))
        if per_plan.get(iri):
            extra.insert(0, [ui["tasks"], str(total)])
        local = d["kind"] in ("plan:province", "plan:commune")
        _add_doc(view, d, ui, extra=extra, column=fold(d.get("province") or "") if local else None,
                 order=(fold(d.get("commune") or ""), d.get("number") or "", d.get("source") or "", iri))
    view.columns = sorted({n["column"] for n in view.nodes if n.get("column") is not None})
    for link in links:
        if view.has_node(link["child"]) and view.has_node(link["parent"]):
            view.add_edge(link["child"], link["parent"], link["rel"], dashes=link["rel"] == "repeals")
    for plan, cs in per_plan.items():
        if not view.has_node(plan):
            continue
        row = LEVEL_ROW[docs[plan]["kind"]] + 1
        for c in cs:
            key = _short(c["theme"])
            name = themes.get(key, key)
            node = f"{plan}#count/{key}"
            view.add_node(node, str(c["tasks"]), f"count:{key}", level=row,
                          tooltip=f"{doc_name(docs[plan])}\n{name}: {c['tasks']} {ui['tasks']}",
                          details=[[ui["plan"], doc_name(docs[plan])], [ui["theme"], name], [ui["tasks"], str(c["tasks"])]],
                          collapse="count", cluster=plan, attach=plan, order=_THEME_ORDER.get(key, 99))
            view.nodes[-1]["weight"] = c["tasks"]
            view.add_edge(node, plan, "counts", count=c["tasks"])
    return view


def _plan_rows(docs: dict, edges: list[tuple[str, str]]) -> dict[str, int]:
    """Row of each document: 0 for those with no parent in ``edges``, else 1 + the deepest parent."""
    parents = defaultdict(set)
    for child, parent in edges:
        parents[child].add(parent)
    memo: dict[str, int] = {}

    def depth(i, seen=()):
        if i not in memo:
            ps = [p for p in parents.get(i, ()) if p not in seen]
            memo[i] = 0 if not ps else 1 + max(depth(p, seen + (i,)) for p in ps)
        return memo[i]

    return {i: depth(i) for i in docs}


def trace_view(store, task: str, lang: str = "en") -> View:
    """A task's chain up to the Directive's task group, top-down, lead units beside each task.

    store (GraphStore). task (str): "<file name>#<ref>" or a task IRI. lang (str). RETURNS (View).
    """
    from ..graph.resolve import find_task

    lab = labels(lang)
    ui = lab["ui"]
    start = find_task(store, task)
    themes = theme_names(store, lang)
    chain = rows(store, "task_chain", task=start)
    steps = {r["step"] for r in chain}
    scores = {(r["step"], r["parent"]): r["score"] for s in steps
              for r in rows(store, "derivation_score", step=NamedNode(s))}
    for r in chain:
        r["score"] = scores.get((r["step"], r["parent"]))
    tasks, units = {}, []
    for s in sorted(steps):
        for t in rows(store, "tasks", task=NamedNode(s)):
            tasks[s] = t
        units += rows(store, "task_units", task=NamedNode(s))
    unit_names = _unit_map(units)
    start_plan = tasks[start.value]["plan"]
    anc = [(r["child"], r["parent"]) for r in rows(store, "plan_ancestors", plan=NamedNode(start_plan))]
    plan_set = {start_plan, *(x for e in anc for x in e), *(t["plan"] for t in tasks.values())}
    docs = documents(store, plan_set)
    plan_set &= set(docs)
    depth = _plan_rows({i: docs[i] for i in plan_set}, anc)
    top = max(depth.values(), default=0)
    view = View(kind="trace", title=f"{ui['trace']} {tasks[start.value].get('source') or ''}"
                f"#{tasks[start.value].get('ref') or ''}", layout="hierarchical")
    for i in sorted(plan_set, key=lambda i: depth[i]):
        _add_doc(view, docs[i], ui, level=2 * depth[i])
    for c, p in anc:
        if view.has_node(c) and view.has_node(p):
            view.add_edge(c, p, "implements")
    for s, t in tasks.items():
        row = 2 * depth.get(t["plan"], top)
        view.add_node(s, _task_label(t), _task_kind(t), tooltip=_task_tooltip(t, ui, themes), level=row,
                      details=_task_details(t, ui, themes, unit_names), search=f"{t.get('ref')} {t.get('text')}")
        view.add_edge(s, t["plan"], "step_of")
    for u in units:
        if u["role"] == "lead":
            _add_unit(view, u["unit"], u["unitLabel"] or _short(u["unit"]),
                      2 * depth.get(tasks[u["task"]]["plan"], top), ui)
            view.add_edge(u["unit"], u["task"], "leads")
    for r in chain:
        if r["parent"] and view.has_node(r["parent"]):
            score = f" ({r['score']:.2f})" if r.get("score") is not None else ""
            view.add_edge(r["step"], r["parent"], "derived_from")
            if score:
                view.nodes[[n["id"] for n in view.nodes].index(r["step"])]["details"].append([ui["score"], score.strip(" ()")])
    roots = [r for r in chain if not r["parent"]]
    directive = [i for i in plan_set if docs[i]["kind"] == "plan:directive"]
    for r in roots:
        theme = r.get("aligned") or r.get("theme")
        if not theme:
            continue
        key = _short(theme)
        name = themes.get(key, key)
        view.add_node(theme, name, "theme", level=1, tooltip=f"38-CT/TW\n{name}",
                      details=[[ui["theme"], name]], search=f"{name} {key}")
        view.add_edge(r["step"], theme, "aligned_theme")
        for d in directive:
            view.add_edge(theme, d, "in_theme")
    return view


def plan_view(store, plan: str, lang: str = "en", source=None) -> View:
    """A plan with its ancestors, its tasks grouped by task group, their units and targets.

    store (GraphStore). plan (str): file name, document number or IRI. lang (str).
    source (LiveSource | None): where the rows come from (the report passes one
    :class:`~.source.CorpusSource` for all its pages); default: bound queries on ``store``.
    RETURNS (View).
    """
    from .source import LiveSource

    src = source or LiveSource(store, lang)
    lab = labels(lang)
    ui = lab["ui"]
    iri = src.plan_iri(plan)
    docs = src.docs
    themes = src.themes
    anc = [(r["child"], r["parent"]) for r in src.ancestors(iri)]
    view = View(kind="plan", title=f"{ui['plan'].capitalize()} {doc_name(docs[iri])}", layout="bands", edge_labels=False,
                collapse_steps=["target", "unit", "task"], columns=list(_THEME_ORDER))
    # Bands: ancestors above (the farthest on top), the plan, task groups, tasks, units, targets.
    up = _plan_rows({i: None for i in {iri, *(x for e in anc for x in e)}}, [(p, c) for c, p in anc])
    for i in sorted({iri, *(x for e in anc for x in e)} & set(docs)):
        _add_doc(view, docs[i], ui, level=-up[i], order=(docs[i]["kind"], i))
    for c, p in anc:
        if view.has_node(c) and view.has_node(p):
            view.add_edge(c, p, "implements")
    units = src.plan_units(iri)
    unit_names = _unit_map(units)
    task_order = {}
    for n, t in enumerate(src.plan_tasks(iri)):
        key = _short(t["theme"]) if t.get("theme") else "other"
        group = f"{iri}#theme/{key}"
        name = themes.get(key, key)
        view.add_node(group, name, "theme", tooltip=name, details=[[ui["theme"], name]], search=name,
                      level=1, column=key)
        view.add_edge(group, iri, "in_theme")
        task_order[t["task"]] = (_THEME_ORDER.get(key, 99), n)
        view.add_node(t["task"], _task_label(t, 28), _task_kind(t), tooltip=_task_tooltip(t, ui, themes),
                      details=_task_details(t, ui, themes, unit_names), search=f"{t.get('ref')} {t.get('text')}",
                      collapse="task", cluster=group, level=2, column=key, order=n)
        view.add_edge(t["task"], group, "step_of")
    first_task = {}
    for u in units:
        first_task[u["unit"]] = min(first_task.get(u["unit"], (99, 0)), task_order.get(u["task"], (99, 0)))
    for u in units:
        _add_unit(view, u["unit"], u["unitLabel"] or _short(u["unit"]), 3, ui, cluster=iri,
                  order=(first_task[u["unit"]], u["unitLabel"] or ""))
        view.add_edge(u["unit"], u["task"], "leads" if u["role"] == "lead" else "cooperates",
                      dashes=u["role"] != "lead")
    for g in src.plan_targets(iri):
        value = f"{g['value']:g}" if g.get("value") is not None else ""
        label = f"{'≥ ' if g.get('atLeast') else ''}{value} {g.get('measure') or ''}".strip() or ui["targets"]
        view.add_node(g["target"], label, "target", tooltip=g.get("text") or label,
                      details=[[ui["targets"], label], [ui["text"], g.get("text") or ""]],
                      collapse="target", cluster=g["task"], level=4, order=(task_order.get(g["task"], (99, 0)), g["target"]))
        view.add_edge(g["task"], g["target"], "has_target")
    return view


def find_units(store, unit: str) -> list[dict]:
    """Units named by an IRI or a label (diacritics and case ignored; exact label first, else substring).

    store (GraphStore). unit (str). RETURNS (list[dict]): ``unit``, ``label``, ``scope``, ``place`` rows.
    Raises VizError when nothing matches.
    """
    from ..extract.normalize import fold

    allu = rows(store, "units")
    if unit.startswith(("http://", "https://")):
        found = [u for u in allu if u["unit"] == unit]
    else:
        from ..graph.unitnames import name_key, unit_name

        want = fold(unit).strip()
        found = [u for u in allu if fold(u["label"] or "") == want]
        if not found:
            # any spelling the naming rules make the same name ("Các Sở ngành" finds "Các sở, ban, ngành")
            key = unit_name(unit).key
            found = [u for u in allu if name_key(u["label"] or "") == key]
        if not found:
            found = [u for u in allu if want and want in fold(u["label"] or "")]
    if not found:
        raise VizError(f"unit {unit}: no unit of the graph leads or cooperates on a task under that name "
                       "(give its name as in the plans, or its IRI)")
    return list({u["unit"]: u for u in found}.values())


def unit_view(store, unit: str, lang: str = "en", source=None) -> View:
    """A unit (every unit of that name) and the tasks it leads (solid) or cooperates on (dashed), by plan.

    store (GraphStore). unit (str): label or IRI. lang (str).
    source (LiveSource | None): where the rows come from (as for :func:`plan_view`). RETURNS (View).
    """
    from .source import LiveSource

    src = source or LiveSource(store, lang)
    lab = labels(lang)
    ui = lab["ui"]
    found = src.units(unit)
    docs = src.docs
    themes = src.themes
    view = View(kind="unit", title=f"{ui['unit'].capitalize()} {found[0]['label'] or unit}", layout="radial", edge_labels=False,
                collapse_steps=["task"])
    links = []
    places = src.places
    for u in found:
        label = u["label"] or _short(u["unit"])
        # the same name in several localities: say which one each is
        where = ", ".join(places.get(x, x) for x in reversed(_unit_place(u["unit"]).split("/")))
        _add_unit(view, u["unit"], f"{label}\n{where}" if len(found) > 1 else label, 0, ui)
        links += src.unit_links(u["unit"])
    plans = sorted({r["plan"] for r in links})
    tasks, unit_rows = {}, []
    for p in plans:
        unit_rows += src.plan_units(p)
        if p in docs:
            _add_doc(view, docs[p], ui, level=2, order=(LEVEL_ROW[docs[p]["kind"]], fold(docs[p].get("province") or ""),
                                                        fold(docs[p].get("commune") or ""), p))
        for t in src.plan_tasks(p):
            tasks[t["task"]] = t
    unit_names = _unit_map(unit_rows)
    for r in links:
        t = tasks[r["task"]]
        view.add_node(t["task"], _task_label(t, 28), _task_kind(t), level=1, tooltip=_task_tooltip(t, ui, themes),
                      details=_task_details(t, ui, themes, unit_names), search=f"{t.get('ref')} {t.get('text')}",
                      collapse="task", cluster=t["plan"], order=(t.get("ref") or "", t["task"]))
        view.add_edge(r["unit"], t["task"], "leads" if r["role"] == "lead" else "cooperates", dashes=r["role"] != "lead")
        view.add_edge(t["task"], t["plan"], "step_of")
    return view


def write_view(store, out, *, trace: str | None = None, plan: str | None = None, unit: str | None = None,
               lang: str = "en", budget: int | None = None):
    """Build the view asked for (one focus at most; none: the whole corpus) and write it as HTML.

    store (GraphStore). out (str | Path): the .html file. trace (str): a task. plan (str): a plan.
    unit (str): a unit. lang (str): "vi" or "en". budget (int): node budget (default NODE_BUDGET).
    RETURNS (tuple[Path, View]): the page written and the view drawn.
    """
    from .aggregate import NODE_BUDGET
    from .render import render_view

    focus = [(k, v) for k, v in (("trace", trace), ("plan", plan), ("unit", unit)) if v]
    if len(focus) > 1:
        raise VizError(f"give one of --trace, --plan, --unit, not {' and '.join('--' + k for k, _ in focus)}")
    if trace:
        view = trace_view(store, trace, lang)
    elif plan:
        view = plan_view(store, plan, lang)
    elif unit:
        view = unit_view(store, unit, lang)
    else:
        view = corpus_view(store, lang)
    return render_view(view, out, lang, budget or NODE_BUDGET), view
