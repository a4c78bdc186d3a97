"""The graph store: embedded pyoxigraph (default) or a remote SPARQL 1.1 endpoint.

Every document lives in its own named graph; queries see the union of all
graphs as their default graph. A document is written all-or-nothing: its
graph is built in memory, checked against ``ontology/shapes.ttl``, then
replaced in one SPARQL update (``DROP SILENT GRAPH``; ``INSERT DATA``), which
both pyoxigraph and a SPARQL server apply as one transaction. Cross-document
facts live in ``plid:graph/derived``, recomputed after every build and remove.

>>> with open_store(memory=True) as store:
...     store.triple_count()
0
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import GraphError, StoreError
from .iris import DERIVED_GRAPH
from .namespaces import PL, sparql_prefixes

#: Default store directory when neither --store nor $PLANLINEAGE_STORE is given.
DEFAULT_STORE = Path(".planlineage") / "store"


@dataclass
class Result:
    """Answer of a query.

    columns (list[str]): SELECT variables. rows (list[dict]): one dict of terms (or None) per solution.
    boolean (bool | None): ASK answer. graph (list[Triple]): CONSTRUCT/DESCRIBE triples.
    """

    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    boolean: bool | None = None
    graph: list = field(default_factory=list)


@dataclass
class Outcome:
    """What happened to one document during build: ``error`` is a one-line message or None."""

    source: str
    triples: int = 0
    error: str | None = None


def _ntriples(triples) -> str:
    return "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


_WHERE = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)


class _Embedded:
    def __init__(self, path: Path | None, read_only: bool):
        try:
            if path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(path))
        except OSError as e:
            raise StoreError(f"{path}: cannot open the store ({e})") from None
        self.name = str(path) if path else "<memory>"

    def query(self, sparql: str, bindings: dict | None) -> Result:
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()} or None
        try:
            try:
                res = self.store.query(sparql, use_default_graph_as_union=True, substitutions=subs)
            except RuntimeError:
                # pyoxigraph substitutes only projected variables; others go in as a VALUES block.
                res = self.store.query(with_values(sparql, bindings), use_default_graph_as_union=True)
        except SyntaxError as e:
            raise GraphError(f"query: {e}") from None
        if isinstance(res, ox.QueryBoolean):
            return Result(boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            cols = [v.value for v in res.variables]
            return Result(columns=cols, rows=[{c: s[c] for c in cols} for s in res])
        return Result(graph=list(res))

    def update(self, sparql: str) -> None:
        try:
            self.store.update(sparql)
        except (SyntaxError, OSError) as e:
            raise StoreError(f"{self.name}: update failed ({e})") from None

    def quads(self):
        return self.store.quads_for_pattern(None, None, None, None)

    def close(self) -> None:
        self.store.flush() if not self.store.read_only else None
        del self.store


def with_values(sparql: str, bindings: dict) -> str:
    """Bind variables with a VALUES block at the start of the WHERE clause (terms serialised, never pasted).

    >>> with_values("SELECT ?n WHERE { ?d <p> ?n }", {"d": ox.NamedNode("http://x/d")})
    'SELECT ?n WHERE {VALUES (?d) { (<http://x/d>) }\\n ?d <p> ?n }'
    """
    names = list(bindings)
    values = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(
        str(bindings[n]) for n in names) + ") }\n"
    m = _WHERE.search(sparql)
    if m is None:
        raise GraphError("query: bindings need a WHERE { ... } clause")
    return sparql[: m.end()] + values + sparql[m.end():]


def _term_from_json(b: dict):
    kind = b["type"]
    if kind == "uri":
        return ox.NamedNode(b["value"])
    if kind == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        return ox.Literal(b["value"], datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


class _Remote:
    def __init__(self, endpoint: str, update_endpoint: str | None, timeout: float = 60):
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint.rstrip("/").removesuffix("/query") + "/update"
        self.name = endpoint
        self.timeout = timeout

    def _post(self, url: str, body: str, ctype: str, accept: str | None = None) -> bytes:
        headers = {"Content-Type": ctype}
        if accept:
            headers["Accept"] = accept
        req = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError(f"{url}: HTTP {e.code} ({detail[0] if detail else e.reason})") from None
        except (urllib.error.URLError, OSError) as e:
            raise StoreError(f"{url}: cannot reach the endpoint ({getattr(e, 'reason', e)})") from None

    def query(self, sparql: str, bindings: dict | None) -> Result:
        if bindings:
            sparql = with_values(sparql, bindings)
        url = self.endpoint + ("&" if "?" in self.endpoint else "?") + "union-default-graph"
        head = re.sub(r"#[^\n]*", "", sparql)
        is_graph = re.search(r"\b(CONSTRUCT|DESCRIBE)\b", head, re.IGNORECASE)
        accept = "application/n-triples" if is_graph else "application/sparql-results+json"
        data = self._post(url, sparql, "application/sparql-query", accept)
        if is_graph:
            return Result(graph=list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
        doc = json.loads(data)
        if "boolean" in doc:
            return Result(boolean=bool(doc["boolean"]))
        cols = doc["head"].get("vars", [])
        rows = [{c: (_term_from_json(b[c]) if c in b else None) for c in cols} for b in doc["results"]["bindings"]]
        return Result(columns=cols, rows=rows)

    def update(self, sparql: str) -> None:
        self._post(self.update_endpoint, sparql, "application/sparql-update")

    def quads(self):
        res = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", None)
        return (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in res.rows)

    def close(self) -> None:
        pass


class GraphStore:
    """The planlineage graph over one backend; use :func:`open_store` to get one."""

    def __init__(self, backend):
        self.backend = backend
        self.name = backend.name

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def query(self, sparql: str, bindings: dict | None = None) -> Result:
        """Run a SPARQL query over the union of all graphs.

        sparql (str): the query (the planlineage PREFIXes are added).
        bindings (dict | None): variable name -> RDF term, never pasted into text.
        RETURNS (Result): columns and rows, boolean, or triples.
        """
        return self.backend.query(sparql_prefixes() + sparql, bindings)

    def update(self, sparql: str) -> None:
        """sparql (str): a SPARQL update, applied as one transaction."""
        self.backend.update(sparql_prefixes() + sparql)

    def replace_graph(self, graph: ox.NamedNode, triples) -> None:
        """Replace one named graph by ``triples`` in a single update (all-or-nothing)."""
        body = f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n{_ntriples(triples)}\n}} }}"
        self.backend.update(body)

    def load_records(self, records, progress=None) -> list[Outcome]:
        """Validate and write each record's named graph, then recompute the derived graph.

        records (iterable[dict]): extraction records. progress (callable | None): called with each Outcome.
        RETURNS (list[Outcome]): one per record; a record that breaks the shapes is not written.
        """
        out = []
        for rec in records:
            o = self._load_one(rec)
            out.append(o)
            if progress is not None:
                progress(o)
        self.refresh_derived()
        return out

    def _load_one(self, record: dict) -> Outcome:
        from .build import build_document
        from .validate import validate_triples

        source = record.get("source", "?")
        try:
            doc = build_document(record)
            validate_triples(doc.triples, source)
            self.replace_graph(doc.graph, doc.triples)
        except GraphError as e:
            return Outcome(source, error=str(e))
        return Outcome(source, triples=len(doc.triples))

    def build_iter(self, paths, jobs: int = 1):
        """Extract and load documents one by one, yielding an Outcome for each.

        paths (list[Path]): document files. jobs (int): extraction processes.
        RETURNS (iterator[Outcome]): in the order given; the derived graph is recomputed at the end.
        """
        from ..extract.batch import extract_paths

        for res in extract_paths(paths, jobs):
            yield Outcome(res.path.name, error=res.error) if res.error else self._load_one(res.record)
        self.refresh_derived()

    def refresh_derived(self) -> int:
        """Recompute the cross-document graph (resolution, supersededBy, alignment). RETURNS (int): its size."""
        from .align import align_triples
        from .resolve import derive_triples

        # The derived facts are computed from the document graphs alone, never from an older derived graph.
        self.backend.update(f"DROP SILENT GRAPH {DERIVED_GRAPH}")
        triples = derive_triples(self)
        self.replace_graph(DERIVED_GRAPH, triples)
        triples = triples + align_triples(self)
        self.replace_graph(DERIVED_GRAPH, triples)
        return len(triples)

    def remove_source(self, file_name: str) -> None:
        """Drop the named graph of one source document, then recompute the derived graph."""
        from .iris import graph_iri

        name = Path(file_name).name
        if name not in self.sources():
            raise GraphError(f"{file_name}: not in the store {self.name} (see `planlineage build`)")
        self.backend.update(f"DROP SILENT GRAPH {graph_iri(name)}")
        self.refresh_derived()

    def sources(self) -> list[str]:
        """RETURNS (list[str]): file names of the ingested documents, sorted."""
        res = self.query("SELECT DISTINCT ?f WHERE { GRAPH ?g { ?d pl:sourceFile ?f } }")
        return sorted(r["f"].value for r in res.rows)

    def triple_count(self) -> int:
        """RETURNS (int): number of quads in all named graphs."""
        res = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(res.rows[0]["n"].value)

    def quads(self):
        """RETURNS (iterator[Quad]): every quad of the store."""
        return self.backend.quads()

    def export(self, fmt: str, out) -> None:
        """Write the whole graph. fmt (str): ttl, nt, nq, jsonld or graphml. out (binary file)."""
        from .export import export

        export(self, fmt, out)

    def close(self) -> None:
        """Flush and release the store."""
        self.backend.close()


def open_store(path: str | Path | None = None, endpoint: str | None = None, read_only: bool = False,
               update_endpoint: str | None = None, memory: bool = False) -> GraphStore:
    """Open the embedded store (default) or a remote SPARQL endpoint.

    path (str | Path | None): store directory; default $PLANLINEAGE_STORE or ./.planlineage/store.
    endpoint (str | None): SPARQL 1.1 query URL; updates go to <endpoint>/update unless update_endpoint.
    read_only (bool): open the embedded store read-only. memory (bool): an in-memory store (tests, doctests).
    RETURNS (GraphStore): the store.
    """
    if endpoint:
        return GraphStore(_Remote(endpoint, update_endpoint))
    if memory:
        return GraphStore(_Embedded(None, False))
    path = Path(path or os.environ.get("PLANLINEAGE_STORE") or DEFAULT_STORE)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no store here (run `planlineage build --store {path}` first)")
    return GraphStore(_Embedded(path, read_only))


__all__ = ["GraphStore", "Outcome", "Result", "open_store", "DEFAULT_STORE", "PL"]
