"""Where the plan and unit views and the report pages get their rows.

* :class:`LiveSource`: one bound query per call (``viz --plan``, ``viz --unit``: one page, a few
  look-ups, nothing read that the page does not show).
* :class:`CorpusSource`: every task, unit link and target of the store read once, in one query
  per kind, and grouped in Python by plan, unit and task (``report``: thousands of pages; issue #15
  measured 29 s for 100 documents when each page ran its own queries, and the unit view read every
  document and every unit of the store again for each unit, which grows with the square of the corpus).

Both give the same rows in the same order: the grouped rows keep the order of the whole-store
query, whose ORDER BY is the bound query's (``tests/test_report.py`` compares the pages).

>>> from planlineage.graph.store import open_store
>>> with open_store(memory=True) as store:
...     CorpusSource(store).plan_tasks("https://w3id.org/planlineage/id/doc/none")
[]
"""
from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from pyoxigraph import NamedNode

from .sparql import rows


def _group(found: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in found:
        out[r[key]].append(r)
    return out


class LiveSource:
    """Rows of one view, one bound query per call.

    store (GraphStore). lang (str): "vi" or "en" (theme names).
    """

    def __init__(self, store, lang: str = "en"):
        self.store, self.lang = store, lang

    @cached_property
    def docs(self) -> dict[str, dict]:
        """RETURNS (dict): document IRI -> fields (:func:`.views.documents`)."""
        from .views import documents

        return documents(self.store)

    @cached_property
    def themes(self) -> dict[str, str]:
        """RETURNS (dict): theme key -> name in ``lang``."""
        from .views import theme_names

        return theme_names(self.store, self.lang)

    @cached_property
    def places(self) -> dict[str, str]:
        """RETURNS (dict): slug of a province or commune name -> that name as the documents write it."""
        from ..graph.iris import slug

        return {slug(d[k]): d[k] for d in self.docs.values() for k in ("province", "commune") if d.get(k)}

    def plan_iri(self, plan: str) -> str:
        """plan (str): file name, number or IRI. RETURNS (str): the canonical IRI (resolve.find_plan)."""
        from ..graph.resolve import find_plan

        return find_plan(self.store, plan).value

    def units(self, unit: str) -> list[dict]:
        """unit (str): a name or IRI. RETURNS (list[dict]): the units it names (:func:`.views.find_units`)."""
        from .views import find_units

        return find_units(self.store, unit)

    def ancestors(self, plan: str) -> list[dict]:
        """plan (str): IRI. RETURNS (list[dict]): ``child``, ``parent`` rows of the implements edges above it."""
        return rows(self.store, "plan_ancestors", plan=NamedNode(plan))

    def plan_tasks(self, plan: str) -> list[dict]:
        """plan (str): IRI. RETURNS (list[dict]): its rows of ``tasks.rq``."""
        return rows(self.store, "tasks", plan=NamedNode(plan))

    def plan_units(self, plan: str) -> list[dict]:
        """plan (str): IRI. RETURNS (list[dict]): its rows of ``task_units.rq``."""
        return rows(self.store, "task_units", plan=NamedNode(plan))

    def plan_targets(self, plan: str) -> list[dict]:
        """plan (str): IRI. RETURNS (list[dict]): its rows of ``task_targets.rq``."""
        return rows(self.store, "task_targets", plan=NamedNode(plan))

    def unit_links(self, unit: str) -> list[dict]:
        """unit (str): IRI. RETURNS (list[dict]): its rows of ``task_units.rq`` (tasks it leads or cooperates on)."""
        return rows(self.store, "task_units", unit=NamedNode(unit))

    def task(self, task: str) -> dict:
        """task (str): IRI. RETURNS (dict): its first row of ``tasks.rq``."""
        return rows(self.store, "tasks", task=NamedNode(task))[0]


class CorpusSource(LiveSource):
    """Rows of every page of the store: one whole-store query per kind, grouped in Python.

    store (GraphStore). lang (str). The plan ancestors stay one bound query per plan (a few
    index look-ups each, cached: the plan page and its view share them), so their rows keep the
    order the views draw their edges in.
    """

    @cached_property
    def _tasks(self) -> list[dict]:
        return rows(self.store, "tasks")

    @cached_property
    def _tasks_by_plan(self) -> dict:
        return _group(self._tasks, "plan")

    @cached_property
    def _first_task(self) -> dict:
        first: dict = {}
        for r in self._tasks:
            first.setdefault(r["task"], r)
        return first

    @cached_property
    def _links(self) -> list[dict]:
        return rows(self.store, "task_units")

    @cached_property
    def _links_by_plan(self) -> dict:
        return _group(self._links, "plan")

    @cached_property
    def _links_by_unit(self) -> dict:
        return _group(self._links, "unit")

    @cached_property
    def _targets_by_plan(self) -> dict:
        return _group(rows(self.store, "task_targets"), "plan")

    @cached_property
    def _units(self) -> dict:
        # as find_units gives a unit named by its IRI: its last row of units.rq
        return {u["unit"]: u for u in rows(self.store, "units")}

    @cached_property
    def _ancestors(self) -> dict:
        return {}

    def prefetch(self, plans) -> None:
        """Read now everything the pages of ``plans`` (IRIs) and of every unit need, so that forked
        processes drawing the pages (``report --jobs``) never query the store."""
        for name in ("docs", "themes", "places", "_tasks_by_plan", "_first_task", "_links_by_plan",
                     "_links_by_unit", "_targets_by_plan", "_units"):
            getattr(self, name)
        for plan in plans:
            self.ancestors(plan)

    def plan_iri(self, plan: str) -> str:
        return plan if plan in self.docs else super().plan_iri(plan)

    def units(self, unit: str) -> list[dict]:
        return [self._units[unit]] if unit in self._units else super().units(unit)

    def ancestors(self, plan: str) -> list[dict]:
        if plan not in self._ancestors:
            self._ancestors[plan] = super().ancestors(plan)
        return self._ancestors[plan]

    def plan_tasks(self, plan: str) -> list[dict]:
        return self._tasks_by_plan.get(plan, [])

    def plan_units(self, plan: str) -> list[dict]:
        return self._links_by_plan.get(plan, [])

    def plan_targets(self, plan: str) -> list[dict]:
        return self._targets_by_plan.get(plan, [])

    def unit_links(self, unit: str) -> list[dict]:
        return self._links_by_unit.get(unit, [])

    def task(self, task: str) -> dict:
        return self._first_task[task]
