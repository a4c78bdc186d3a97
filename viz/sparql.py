"""Run the view and report queries of ``viz/queries/*.rq`` and get plain Python rows.

Parameters are RDF terms bound by :meth:`GraphStore.query` (never pasted into
the query text).

>>> sorted(query_names())[:3]
['derivation_score', 'document_links', 'documents']
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from .errors import VizError


def query_names() -> list[str]:
    """RETURNS (list[str]): names of the bundled view queries."""
    folder = resources.files("planlineage.viz") / "queries"
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".rq"))


@lru_cache(maxsize=None)
def query_text(name: str) -> str:
    """name (str): query name (file stem). RETURNS (str): its SPARQL text."""
    path = resources.files("planlineage.viz") / "queries" / f"{name}.rq"
    if not path.is_file():
        raise VizError(f"viz/queries/{name}.rq: no such view query")
    return path.read_text(encoding="utf-8")


def rows(store, name: str, **bindings) -> list[dict]:
    """Run one view query.

    store (GraphStore): the graph. name (str): query name. bindings: variable -> RDF term.
    RETURNS (list[dict]): one dict of Python values (str/int/float/bool/None) per solution.
    """
    from ..graph.terms import to_python

    result = store.query(query_text(name), bindings or None)
    return [{k: to_python(v) for k, v in r.items()} for r in result.rows]
