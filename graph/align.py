"""Task alignment: each task is linked to the parent task it carries out.

When a plan implements another plan that is in the graph, each of its tasks
is linked (``prov:wasDerivedFrom``) to the parent plan's task with the best
score, and the score is kept on a ``prov:qualifiedDerivation`` node. The score
mixes the Directive 38 theme (same group or not), the activities (shared
cue-word concepts) and the wording (rapidfuzz token-set similarity of the
folded texts). A task whose parent plan is not in the graph is linked to its
theme of the Directive (``pl:alignedTheme``).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from pyoxigraph import NamedNode, Triple

from ..extract.normalize import fold
from .namespaces import PL, PROV, RDF
from .resolve import canonical_map
from .terms import decimal

#: Weights of the three signals; they sum to 1.
W_THEME, W_ACTIVITY, W_TEXT = 0.35, 0.15, 0.5


def _tasks(store) -> dict[str, list[dict]]:
    rows = store.query("""SELECT ?t ?p ?text ?theme WHERE {
        ?t a pl:Task ; p-plan:isStepOfPlan ?p ; dcterms:description ?text ; pl:theme ?theme }""").rows
    acts = defaultdict(set)
    for r in store.query("SELECT ?t ?a WHERE { ?t a pl:Task ; pl:activity ?a }").rows:
        acts[r["t"].value].add(r["a"].value)
    plans = defaultdict(list)
    for r in rows:
        t = r["t"].value
        plans[r["p"].value].append({"iri": t, "text": fold(r["text"].value), "theme": r["theme"],
                                    "acts": acts[t]})
    for tasks in plans.values():
        tasks.sort(key=lambda x: x["iri"])
    return plans


_WORD = re.compile(r"[a-z0-9]+")


def _terms(text: str) -> list[str]:
    words = _WORD.findall(text.replace("đ", "d"))
    return words + [a + "_" + b for a, b in zip(words, words[1:])]


def weigh(tasks: list[dict]) -> None:
    """Give each task a unit TF-IDF vector ("vec") over the given tasks. tasks (list[dict]): with folded "text"."""
    df = Counter(t for task in tasks for t in set(_terms(task["text"])))
    n = len(tasks)
    for task in tasks:
        tf = Counter(_terms(task["text"]))
        vec = {k: (1 + math.log(v)) * math.log(1 + n / df[k]) for k, v in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        task["vec"] = {k: v / norm for k, v in vec.items()}


def score(child: dict, parent: dict) -> float:
    """child, parent (dict): tasks with "vec" (see :func:`weigh`), "theme" and "acts". RETURNS (float): 0-1."""
    theme = 1.0 if child["theme"] == parent["theme"] else 0.0
    union = child["acts"] | parent["acts"]
    act = len(child["acts"] & parent["acts"]) / len(union) if union else 0.0
    a, b = child["vec"], parent["vec"]
    text = sum(v * b.get(k, 0.0) for k, v in a.items())
    return W_THEME * theme + W_ACTIVITY * act + W_TEXT * text


def parent_plans(store) -> dict[str, set[str]]:
    """RETURNS (dict[str, set[str]]): canonical IRI of each ingested plan -> canonical IRIs it implements."""
    canon = canonical_map(store)
    out = defaultdict(set)
    rows = store.query("SELECT ?d ?o WHERE { ?d pl:sourceFile ?f ; eli:ensures_implementation_of ?o }").rows
    for r in rows:
        d, o = canon.get(r["d"].value, r["d"].value), canon.get(r["o"].value, r["o"].value)
        if d != o:
            out[d].add(o)
    return out


def align_triples(store) -> list[Triple]:
    """The alignment part of the derived graph. store (GraphStore). RETURNS (list[Triple])."""
    plans = _tasks(store)
    parents = parent_plans(store)
    out = []
    for plan in sorted(plans):
        candidates = [t for p in sorted(parents.get(plan, ())) for t in plans.get(p, [])]
        if candidates:
            weigh(candidates + plans[plan])
        for task in plans[plan]:
            t = NamedNode(task["iri"])
            if not candidates:
                out.append(Triple(t, PL.alignedTheme, task["theme"]))
                continue
            # Highest score; on a tie the first parent task in IRI order, so the result is stable.
            best = max(candidates, key=lambda c: round(score(task, c), 6))
            node = NamedNode(task["iri"] + "/derivation")
            out += [Triple(t, PROV.wasDerivedFrom, NamedNode(best["iri"])),
                    Triple(t, PROV.qualifiedDerivation, node), Triple(node, RDF.type, PROV.Derivation),
                    Triple(node, PROV.entity, NamedNode(best["iri"])),
                    Triple(node, PL.score, decimal(round(score(task, best), 4)))]
    return out
