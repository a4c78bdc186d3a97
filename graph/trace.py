"""Trace of a task: task -> parent task -> ... -> national decision -> Directive task group.

Each step says what it is (task, plan or theme), where it comes from (source
file, ref, document number), its text, its lead unit(s) and, for a task
derived from a parent task, the alignment score.
"""
from __future__ import annotations

from pyoxigraph import NamedNode

from .lineage import lineage_of
from .resolve import canonical_of, find_task


def _task(store, iri) -> dict:
    rows = store.query("""SELECT ?t ?ref ?text ?plan ?theme ?aligned ?parent ?score ?lead WHERE {
        ?t p-plan:isStepOfPlan ?plan ; dcterms:description ?text ; pl:theme ?theme .
        OPTIONAL { ?t pl:ref ?ref } OPTIONAL { ?t pl:alignedTheme ?aligned }
        OPTIONAL { ?t prov:qualifiedDerivation ?q . ?q prov:entity ?parent ; pl:score ?score }
        OPTIONAL { ?t pl:leadUnit ?u . ?u skos:prefLabel ?lead } }""", {"t": iri}).rows
    r = rows[0]
    return {"iri": iri, "ref": r["ref"].value if r["ref"] else None, "text": r["text"].value,
            "plan": r["plan"].value, "theme": (r["aligned"] or r["theme"]).value,
            "parent": r["parent"], "score": float(r["score"].value) if r["score"] else None,
            "lead": sorted({x["lead"].value for x in rows if x["lead"] is not None})}


def _theme_label(store, theme: str) -> str:
    rows = store.query("""SELECT ?c ?l WHERE { ?c skos:prefLabel ?l FILTER(lang(?l) = "en") }""",
                       {"c": NamedNode(theme)}).rows
    return rows[0]["l"].value if rows else theme.rsplit("/", 1)[-1]


def trace(store, task: str) -> dict:
    """The chain from a task up to the Directive's task group.

    store (GraphStore). task (str): "<file name>#<ref>" or a task IRI.
    RETURNS (dict): {"steps": [{"kind": "task" | "plan" | "theme", "source", "ref", "number", "text",
    "lead", "score"}]}; ``score`` is the alignment score of a task to the next (parent) task.
    """
    iri = find_task(store, task)
    tasks, seen = [], set()
    current = None
    while iri is not None and iri.value not in seen:
        seen.add(iri.value)
        current = _task(store, iri)
        tasks.append(current)
        iri = current["parent"]
    # One description query for the plans of the tasks and the lineage of the last one.
    start = current["plan"]
    start = NamedNode(canonical_of(store, [start]).get(start, start))
    lin, info = lineage_of(store, start, also=[t["plan"] for t in tasks])
    steps = []
    for t in tasks:
        plan = info[t["plan"]]
        steps.append({"kind": "task", "source": plan["source"], "ref": t["ref"], "number": plan["number"],
                      "text": t["text"], "lead": t["lead"], "score": t["score"]})
    by_iri = {a["iri"]: a for a in lin["ancestors"]}
    longest = max(lin["paths"], key=len, default=[])
    names = {(a["number"] or a["source"] or a["iri"]): a for a in lin["ancestors"]}
    for name in longest[1:]:
        a = names.get(name) or by_iri.get(name)
        if a is None:
            continue
        steps.append({"kind": "plan", "source": a["source"], "ref": None, "number": a["number"],
                      "text": info[a["iri"]]["title"], "lead": [a["issuer"]] if a["issuer"] else [],
                      "score": None})
    theme = current["theme"]
    steps.append({"kind": "theme", "source": None, "ref": theme.rsplit("/", 1)[-1], "number": "38-CT/TW",
                  "text": _theme_label(store, theme), "lead": [], "score": None})
    return {"steps": steps}


def to_table(result: dict) -> str:
    """result (dict): from :func:`trace`. RETURNS (str): one indented line per step."""
    lines = []
    for depth, s in enumerate(result["steps"]):
        where = " ".join(x for x in (s["source"] or s["number"] or "", f"#{s['ref']}" if s["ref"] else "") if x)
        score = f"  (score {s['score']:.2f})" if s["score"] is not None else ""
        lead = f"  [lead: {'; '.join(s['lead'])}]" if s["lead"] else ""
        text = (s["text"] or "")[:100]
        lines.append(f"{'  ' * depth}{s['kind']}: {where}  {text}{lead}{score}")
    return "\n".join(lines)
