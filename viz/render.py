"""Draw a :class:`~.model.View` as one offline HTML page (vis-network through pyvis).

The page is generated from our own template (``assets/view.html``), not from
pyvis's: pyvis's "local"/"in_line" templates still load scripts from CDNs
(pyvis issues #228, #229). The vis-network script and style that pyvis ships in
its package are copied into a folder beside the page (:data:`ASSETS_DIR`), so the
page opens with no network. Document text only reaches the page as JSON data
inside a ``<script type="application/json">`` block with ``<``, ``>`` and ``&``
escaped, and the page script writes it with ``textContent``; node tooltips are
plain text with newlines, since vis-network shows HTML tooltips as raw text
(#92, #144). Past :data:`PHYSICS_LIMIT` nodes the physics simulation is off and
the layout is hierarchical (#204); past the node budget the view is aggregated
(:mod:`.aggregate`).

>>> from planlineage.viz.model import View
>>> import tempfile, pathlib
>>> v = View(kind="demo", title="Ví dụ <b>")
>>> v.add_node("u", "Sở Khoa học và Công nghệ", "unit")
>>> page = render_view(v, pathlib.Path(tempfile.mkdtemp()) / "demo.html", lang="vi")
>>> "Ví dụ &lt;b&gt;" in page.read_text(encoding="utf-8"), (page.parent / ASSETS_DIR / "vis-network.min.js").exists()
(True, True)
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from .. import __version__
from .aggregate import NODE_BUDGET, aggregate
from .errors import VizError
from .layout import LABEL_WIDTH
from .model import View

#: Folder written beside every page, holding the scripts and styles it loads.
ASSETS_DIR = "planlineage-viz"
#: Past this many nodes the physics simulation is off (a force layout would freeze the browser).
PHYSICS_LIMIT = 400
#: The vis-network build shipped inside pyvis that the pages use.
VIS_VERSION = "vis-9.1.2"
_OWN_ASSETS = ("view.js", "view.css")
_VIS_ASSETS = ("vis-network.min.js", "vis-network.css")
LANGS = ("vi", "en")
#: Edges whose label is only shown on hover (their meaning is plain from the legend; labels would crowd the page).
_QUIET_RELS = {"counts"}
#: Layouts whose positions are computed in Python (:mod:`.layout`) rather than by vis-network.
FIXED_LAYOUTS = ("bands", "radial")


def _assets():
    return resources.files("planlineage.viz") / "assets"


@lru_cache(maxsize=None)
def _json_asset(name: str) -> dict:
    return json.loads((_assets() / name).read_text(encoding="utf-8"))


def labels(lang: str) -> dict:
    """lang (str): "vi" or "en". RETURNS (dict): edge, kind, theme and page labels of that language."""
    if lang not in LANGS:
        raise VizError(f"language {lang!r}: choose one of {', '.join(LANGS)}")
    return _json_asset("labels.json")[lang]


def kind_style(kind: str) -> dict:
    """kind (str): node kind, e.g. "unit", "plan:province", "task:awareness".
    RETURNS (dict): ``color``, ``shape``, ``font`` of that kind."""
    styles = _json_asset("styles.json")
    base, _, theme = kind.partition(":")
    if kind in styles["kind"]:
        return dict(styles["kind"][kind])
    style = dict(styles["kind"].get(base, styles["kind"]["task"]))
    if theme:
        style["color"] = styles["theme"].get(theme, styles["theme"]["other"])
    return style


def _luminance(colour: str) -> float:
    """colour (str): "#rrggbb". RETURNS (float): WCAG 2 relative luminance."""
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg: str, bg: str) -> float:
    """fg, bg (str): "#rrggbb". RETURNS (float): WCAG 2 contrast ratio (AA for body text: 4.5 or more).

    >>> round(contrast("#ffffff", "#2166ac"), 1), round(contrast("#111111", "#f0e442"), 1)
    (5.9, 14.3)
    """
    a, b = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_colour(fill: str) -> str:
    """fill (str): "#rrggbb" background. RETURNS (str): white or near-black, whichever contrasts more."""
    return max(("#ffffff", "#111111"), key=lambda fg: contrast(fg, fill))


#: Shapes vis-network draws their label inside (on the fill); the others have it below, on the page.
INSIDE = {"box", "circle", "ellipse", "database", "text"}
#: Fill, border and text of a document that is only cited (outline, grey): no fill, so page-coloured.
REFERENCED = {"background": "#ffffff", "border": "#767676", "font": "#444444"}


def kind_label(kind: str, lab: dict) -> str:
    """kind (str): node kind. lab (dict): labels of one language. RETURNS (str): its legend name."""
    if kind in lab["kind"]:
        return lab["kind"][kind]
    base, _, theme = kind.partition(":")
    name = lab["kind"].get(base, base)
    return f"{name} · {lab['theme'].get(theme, theme)}" if theme else name


def _pyvis_dir() -> Path:
    """The folder of the installed pyvis package, found without importing it (``import pyvis``
    imports ``pyvis.network``, IPython and networkx: 0.6-0.9 s)."""
    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise VizError("pyvis is not installed: it ships the vis-network script the pages use")
    return Path(list(spec.submodule_search_locations)[0])


def copy_assets(folder: Path) -> Path:
    """Write the page scripts and styles into ``folder/ASSETS_DIR``.

    folder (Path): the folder of the page(s). RETURNS (Path): the assets folder.
    """
    target = Path(folder) / ASSETS_DIR
    target.mkdir(parents=True, exist_ok=True)
    vis = _pyvis_dir() / "lib" / VIS_VERSION
    for name in _VIS_ASSETS:
        src = vis / name
        if not src.is_file():
            raise VizError(f"{src}: vis-network asset missing from the installed pyvis")
        (target / name).write_bytes(src.read_bytes())
    for name in _OWN_ASSETS:
        (target / name).write_bytes((_assets() / name).read_bytes())
    return target


def _script_json(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    # Inside <script> nothing may close the element or start a comment.
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _notice_text(notice, lab: dict) -> str:
    if isinstance(notice, str):
        return notice
    merged = ", ".join(notice["merged"]) or lab["ui"]["none"]
    return lab["ui"][notice["key"]].format(**dict(notice, merged=merged))


def _options(view: View, n_nodes: int) -> dict:
    hierarchical = view.layout == "hierarchical" or (n_nodes > PHYSICS_LIMIT and view.layout not in FIXED_LAYOUTS)
    rows = Counter(n.get("level", 0) for n in view.nodes)
    # Narrow rows (a trace) get room for their long labels; wide rows (a cascade) stay compact.
    spacing = 230 if max(rows.values(), default=0) <= 6 else 120
    opts = {
        "autoResize": True,
        "nodes": {"font": {"size": 14, "face": "Noto Sans, DejaVu Sans, Arial, sans-serif"},
                  "widthConstraint": {"maximum": LABEL_WIDTH}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                  "font": {"size": 11, "align": "horizontal", "background": "#ffffff"}, "color": {"color": "#777777"},
                  "smooth": {"enabled": not n_nodes > PHYSICS_LIMIT, "type": "cubicBezier"}},
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False,
                        "hideEdgesOnDrag": n_nodes > PHYSICS_LIMIT},
    }
    if view.layout in FIXED_LAYOUTS:
        # Positions come from :mod:`.layout`; the network only has to fit them in the window.
        opts["layout"] = {"improvedLayout": False, "hierarchical": {"enabled": False}}
        opts["physics"] = {"enabled": False}
        opts["edges"]["smooth"] = {"enabled": n_nodes <= PHYSICS_LIMIT, "type": "cubicBezier",
                                   "forceDirection": "vertical", "roundness": 0.4}
    elif hierarchical:
        opts["layout"] = {"improvedLayout": False, "hierarchical": {
            "enabled": True, "direction": "UD", "sortMethod": "directed", "shakeTowards": "roots",
            "levelSeparation": 120, "nodeSpacing": spacing, "treeSpacing": spacing + 40}}
        opts["physics"] = {"enabled": False}
    else:
        opts["layout"] = {"improvedLayout": n_nodes <= 100}
        opts["physics"] = {"enabled": True, "solver": "barnesHut",
                           "barnesHut": {"gravitationalConstant": -6000, "springLength": 140},
                           "stabilization": {"enabled": True, "iterations": 300, "fit": True}}
    return opts


def _network(view: View, lab: dict) -> dict:
    """The vis-network data of a view: {"nodes", "edges", "options"}, in the dictionaries pyvis's
    ``Network`` would hold. Built directly: importing ``pyvis.network`` costs 0.6-0.9 s on this machine
    (it imports IPython and networkx), most of a `viz --trace` run, and its add_node/add_edge check
    duplicates with list scans (quadratic)."""
    net = {"nodes": [], "edges": []}
    for n in view.nodes:
        style = kind_style(n["kind"])
        node = {"id": n["id"], "label": n["label"], "title": n["tooltip"] or n["label"],
                "shape": style["shape"], "color": style["color"], "level": n.get("level", 0)}
        if style["shape"] in INSIDE:
            # Text on the fill: white or black, whichever passes WCAG AA (see :func:`contrast`).
            node["font"] = {"color": text_colour(style["color"])}
        else:
            node["font"] = {"color": "#222222"}
            node["size"] = 14 if n["kind"] != "aggregate" else 20
        if n.get("referenced"):
            node["color"] = {"background": REFERENCED["background"], "border": REFERENCED["border"]}
            node["font"] = {"color": REFERENCED["font"]}
            node["shapeProperties"] = {"borderDashes": [5, 4]}
            node["borderWidth"] = 2
        if n["kind"].startswith("count"):
            node["font"] = dict(node["font"], size=18, face="DejaVu Sans, Arial, sans-serif")
            node["widthConstraint"] = {"minimum": 34}
        if "x" in n:
            node["x"], node["y"] = n["x"], n["y"]
        net["nodes"].append(node)
    for e in view.edges:
        label = lab["rel"].get(e["rel"], e["rel"])
        if e.get("count", 1) > 1:
            label = f"{label} ×{e['count']}"
        edge = {"from": e["from"], "to": e["to"], "label": label, "dashes": bool(e.get("dashes")), "title": label}
        if e["rel"] in _QUIET_RELS or not view.edge_labels:
            del edge["label"]
        net["edges"].append(edge)
    net["options"] = _options(view, len(view.nodes))
    return net


def _legend(view: View, lab: dict) -> dict:
    kinds, rels = [], []
    for n in view.nodes:
        if n["kind"] not in kinds:
            kinds.append(n["kind"])
    for e in view.edges:
        key = (e["rel"], bool(e.get("dashes")))
        if key not in rels:
            rels.append(key)
    legend_nodes = [dict(kind_style(k), label=kind_label(k, lab), kind=k) for k in kinds]
    if any(n.get("referenced") for n in view.nodes):
        legend_nodes.append({"shape": "box", "color": REFERENCED["background"], "border": REFERENCED["border"],
                             "label": lab["ui"]["legend_referenced"], "kind": "referenced"})
    return {
        "nodes": legend_nodes,
        "edges": [{"label": lab["rel"].get(r, r), "dashes": d, "rel": r} for r, d in rels],
        "hint": "" if view.edge_labels else lab["ui"]["edge_hint"],
    }


def place(view: View) -> None:
    """Give every node of a "bands" or "radial" view its ``x``, ``y`` (see :mod:`.layout`)."""
    from . import layout

    if view.layout not in FIXED_LAYOUTS:
        return
    shapes = {n["id"]: kind_style(n["kind"])["shape"] for n in view.nodes}
    if view.layout == "bands":
        pos = layout.bands(view.nodes, shapes, view.columns)
    else:
        pos = layout.radial(view.nodes, shapes)
    for n in view.nodes:
        n["x"], n["y"] = (round(v, 1) for v in pos[n["id"]])


def page_html(view: View, lang: str = "en", assets: str = ASSETS_DIR, budget: int = NODE_BUDGET) -> str:
    """The HTML text of a view (aggregating it in place past ``budget`` nodes).

    view (View): what to draw. lang (str): "vi" or "en" for labels.
    assets (str): relative URL of the assets folder. budget (int): node budget.
    RETURNS (str): the page.
    """
    from markupsafe import Markup

    lab = labels(lang)
    aggregate(view, budget, names=lab["collapse"], count_label=lab["ui"]["count"])
    place(view)
    net = _network(view, lab)
    n = len(view.nodes)
    notices = [_notice_text(x, lab) for x in view.notices]
    if n > PHYSICS_LIMIT and view.layout not in ("hierarchical", *FIXED_LAYOUTS):
        notices.append(lab["ui"]["physics_off"].format(n=n))
    data = {
        "nodes": net["nodes"], "edges": net["edges"], "options": net["options"], "legend": _legend(view, lab),
        "ui": lab["ui"], "details": [[x["id"], x["details"]] for x in view.nodes if x["details"]],
        "search": {x["id"]: x["search"] for x in view.nodes},
        "names": {x["id"]: x["label"] for x in view.nodes},
    }
    return _view_template().render(lang=lang, version=__version__, title=view.title, notices=notices, ui=lab["ui"],
                           assets=assets, data_json=Markup(_script_json(data)))


@lru_cache(maxsize=None)
def _view_template():
    """The page template, compiled once per process (the report draws one page per plan and unit)."""
    from jinja2 import Environment, select_autoescape

    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return env.from_string((_assets() / "view.html").read_text(encoding="utf-8"))


def render_view(view: View, out: str | Path, lang: str = "en", budget: int = NODE_BUDGET,
                assets: bool = True) -> Path:
    """Write ``view`` as an HTML page plus its assets folder beside it.

    view (View): what to draw. out (str | Path): the .html file to write.
    lang (str): "vi" or "en". budget (int): node budget (see :mod:`.aggregate`).
    assets (bool): write the assets folder (False: the caller wrote it once for many pages).
    RETURNS (Path): the page written (UTF-8, whatever the platform encoding).
    """
    out = Path(out)
    if out.exists() and out.is_dir():
        raise VizError(f"{out}: is a folder; give the .html file to write")
    out.parent.mkdir(parents=True, exist_ok=True)
    text = page_html(view, lang, budget=budget)
    if assets:
        copy_assets(out.parent)
    out.write_text(text, encoding="utf-8")
    return out
