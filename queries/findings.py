"""Findings: what an analyst reviewing the cascade of plans must look at, with evidence.

Each kind of finding is a named query (``queries/finding_*.rq``, ``coverage_gaps.rq``)
or a small rule over one, documented here:

* ``objective_mismatch`` (rule over ``finding_plan_targets``): a task target is paired
  with the plan objective whose wording it shares most (folded words of two letters or
  more; share = common words / words of the shorter text). When the share is at least
  ``SAME_INDICATOR`` (0.85), the unit is the same and the values differ, the plan states
  two values for one indicator (Châu Tiến: objective 60% of key and OCOP products,
  appendix row II.3 80%).
* ``no_lead`` (``finding_no_lead``): a task nobody is assigned to lead.
* ``deadline_before_plan`` (rule over ``finding_deadlines``): the last day of a task's
  deadline ("2025" -> 31 Dec 2025, "2025-Q3" -> 30 Sep 2025) is before the first day of
  the plan's own date ("2025-09" -> 1 Sep 2025).
* ``weaker_target`` (``finding_weaker_targets``): a child task's target is lower than
  the target (same unit and per) of the parent task it derives from.
* ``implements_replaced`` (``finding_implements_replaced``): a document implements one
  that another document declares replaced.
* ``coverage_gap`` (``coverage_gaps``): a theme of a parent plan in the corpus with no
  task in a child plan implementing it.

>>> last_day("2025-Q3"), first_day("2025-09")
('2025-09-30', '2025-09-01')
"""
from __future__ import annotations

import calendar
import re

from . import engine
from .formats import to_python

#: Word share above which an objective and a task target state the same indicator.
SAME_INDICATOR = 0.85
KINDS = ("objective_mismatch", "no_lead", "deadline_before_plan", "weaker_target", "implements_replaced",
         "coverage_gap")


def _rows(store, name: str) -> list[dict]:
    answer = engine.run_query(store, name)
    return [{c: to_python(r.get(c)) for c in answer.columns} for r in answer.rows]


def last_day(period: str) -> str | None:
    """The last day of "YYYY", "YYYY-Qn", "YYYY-MM" or "YYYY-MM-DD" (ISO), or None."""
    m = re.fullmatch(r"(\d{4})(?:-(?:Q([1-4])|(\d{2}))(?:-(\d{2}))?)?", period or "")
    if not m:
        return None
    year, quarter, month, day = m.groups()
    if day:
        return f"{year}-{month}-{day}"
    month = int(quarter) * 3 if quarter else int(month or 12)
    return f"{year}-{month:02d}-{calendar.monthrange(int(year), month)[1]:02d}"


def first_day(date: str) -> str | None:
    """The first day of "YYYY", "YYYY-MM" or "YYYY-MM-DD" (ISO), or None."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date or "")
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}"


def _words(text: str) -> set[str]:
    from ..extract.normalize import fold

    return {w for w in re.findall(r"[a-z]+", fold(text or "")) if len(w) > 1}


def objective_mismatches(store) -> list[dict]:
    """Plans whose objective and a task target give different values for the same indicator."""
    from ..extract.normalize import fold

    rows = _rows(store, "finding_plan_targets")
    out = []
    for t in (r for r in rows if r["kind"] == "task"):
        best, share = None, 0.0
        for o in (r for r in rows if r["kind"] == "objective" and r["source"] == t["source"]):
            if fold(o.get("unit") or "") != fold(t.get("unit") or ""):
                continue
            wo, wt = _words(o["text"]), _words(t["text"])
            s = len(wo & wt) / max(1, min(len(wo), len(wt)))
            if s > share:
                best, share = o, s
        if best is not None and share >= SAME_INDICATOR and best["value"] != t["value"]:
            out.append({
                "kind": "objective_mismatch", "plan": t["planLabel"], "source": t["source"],
                "tasks": [t["ref"]], "lines": [t.get("lines")],
                "message": f"objective says {best['value']:g}{_u(best)} but task {t['ref']} says "
                           f"{t['value']:g}{_u(t)} for the same indicator",
                "evidence": {"objective": best["text"], "task_target": t["text"], "word_share": round(share, 2)},
            })
    return out


def _u(row: dict) -> str:
    unit = row.get("unit") or ""
    return unit if unit == "%" else f" {unit}"


def deadlines_before_plan(store) -> list[dict]:
    """Tasks whose deadline ends before the plan's own date."""
    out = []
    for r in _rows(store, "finding_deadlines"):
        end, start = last_day(r["end"]), first_day(r["planDate"])
        if end and start and end < start:
            out.append({"kind": "deadline_before_plan", "plan": r["planLabel"], "source": r["source"],
                        "tasks": [r["ref"]], "lines": [r.get("lines")],
                        "message": f"task {r['ref']} is due {r['end']}, before the plan's date {r['planDate']}",
                        "evidence": {"end": r["end"], "plan_date": r["planDate"], "task": r["description"]}})
    return out


def findings(store) -> list[dict]:
    """Every finding on the store, each ``{"kind", "plan", "source", "tasks", "lines", "message", "evidence"}``.

    store (GraphStore): an open store.
    RETURNS (list[dict]): findings in the order of ``KINDS``.
    """
    out = objective_mismatches(store)
    for r in _rows(store, "finding_no_lead"):
        out.append({"kind": "no_lead", "plan": r["planLabel"], "source": r["source"], "tasks": [r["ref"]],
                    "lines": [r.get("lines")], "message": f"task {r['ref']} has no lead unit",
                    "evidence": {"task": r["description"]}})
    out += deadlines_before_plan(store)
    for r in _rows(store, "finding_weaker_targets"):
        out.append({"kind": "weaker_target", "plan": r["childLabel"], "source": r["childSource"],
                    "tasks": [r["childRef"], f"{r['parentSource']}#{r['parentRef']}"], "lines": [r.get("childLines")],
                    "message": f"task {r['childRef']} aims at {r['childValue']:g} {r['unit']}, below its parent "
                               f"task {r['parentRef']} of {r['parentLabel']} ({r['parentValue']:g} {r['unit']})",
                    "evidence": {"child": r["childText"], "parent": r["parentText"]}})
    for r in _rows(store, "finding_implements_replaced"):
        out.append({"kind": "implements_replaced", "plan": r["planLabel"], "source": r["source"], "tasks": [],
                    "lines": [], "message": f"implements {r['replacedLabel']}, which {r['replacerLabel']} replaces",
                    "evidence": {"replaced": r["replacedLabel"], "replaced_by": r["replacerSource"]}})
    for r in _rows(store, "coverage_gaps"):
        theme = (r["theme"] or "").rsplit("/", 1)[-1]
        tasks = sorted(t for t in (r["parentTasks"] or "").split(engine.LIST_SEPARATOR) if t)
        out.append({"kind": "coverage_gap", "plan": r["childLabel"], "source": r["childSource"],
                    "tasks": [f"{r['parentSource']}#{t}" for t in tasks], "lines": [],
                    "message": f"no task of theme {theme}, which its parent {r['parentLabel']} has",
                    "evidence": {"parent": r["parentSource"], "theme": r["theme"]}})
    return out


def to_table(items: list[dict]) -> str:
    """Findings as text: one block per finding (kind, plan, message, tasks and lines)."""
    if not items:
        return "No findings."
    lines = []
    for f in items:
        where = ", ".join(t for t in f["tasks"] if t)
        spans = ", ".join(str(x) for x in f["lines"] if x)
        lines.append(f"[{f['kind']}] {f['plan']} ({f['source']}): {f['message']}")
        if where or spans:
            lines.append(f"    tasks: {where or '-'}   lines: {spans or '-'}")
    return "\n".join(lines)
