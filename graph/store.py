"""The graph store: embedded pyoxigraph (default) or a remote SPARQL 1.1 endpoint.

Every document lives in its own named graph; queries see the union of all
graphs as their default graph. A document is written all-or-nothing: its
graph is built in memory, checked against ``ontology/shapes.ttl``, then
replaced in one SPARQL update (``DROP SILENT GRAPH``; ``INSERT DATA``), which
both pyoxigraph and a SPARQL server apply as one transaction. Cross-document
facts live in ``plid:graph/derived``, recomputed after every build and remove.

Ingestion safety of the embedded store (issue #6): a kill at any moment leaves
every document graph whole or absent (one transaction each) and the next build
completes the rest; a writer holds ``planlineage.lock`` in the store directory
(flock, released by the system even on SIGKILL), so a second writer stops with
a message naming the holder; ``planlineage.json`` records the extractor version,
and a store written by another version is refused for writing until rebuilt.
A document whose content key (``pl:checksum``) is already in the store under
another file name is skipped as a duplicate.

>>> with open_store(memory=True) as store:
...     store.triple_count()
0
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .answers import RDF_JSON, answer_key, decode_rows, encode_rows
from .bulk import paused_gc
from .errors import GraphError, StoreError, StoreWriteError
from .federation import check_federation
from .iris import CONTENT_GRAPH_FILTER, DOC_GRAPH_FILTER, DERIVED_GRAPH, STAGING_GRAPHS, STORE_GRAPH, UNION_GRAPH
from .namespaces import PL, PROV, sparql_prefixes
from .ordering import sort_rows, split_order

#: Default store directory when neither --store nor $PLANLINEAGE_STORE is given.
DEFAULT_STORE = Path(".planlineage") / "store"
#: Files planlineage keeps in the store directory beside the oxigraph (RocksDB) files.
LOCK_FILE = "planlineage.lock"
# Written into the store's own graph (STORE_GRAPH, never part of what queries see), in the same
# transaction as the last part of the materialised union: readers use the default graph only when
# it is there, so a build killed half-way through refreshing the union falls back to the (always
# current) union of the named graphs.
UNION_SEAL = ox.Quad(DERIVED_GRAPH, PL.unionComplete,
                     ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
                     STORE_GRAPH)
_NOT_STORE = f"FILTER(?g != {STORE_GRAPH})"
META_FILE = "planlineage.json"


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
    """What happened to one document during build: ``error`` is a one-line message or None;
    ``duplicate_of`` names the stored file with the same content (the document was skipped)."""

    source: str
    triples: int = 0
    error: str | None = None
    duplicate_of: str | None = None
    #: What the loaded plan lacks by the completeness shapes, e.g. ["no issuer", "no date"].
    missing: list = field(default_factory=list)
    #: File name(s) of the stored version(s) of the same plan (or file) this document replaced.
    replaced: str | None = None
    #: Tasks added, removed or changed against the replaced version.
    tasks_changed: int = 0


def _ntriples(triples) -> str:
    return "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


_WHERE = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)


def _take_lock(path: Path):
    """Hold the store's writer lock (an flock the system releases when the process dies)."""
    f = open(path / LOCK_FILE, "a+", encoding="utf-8")
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.seek(0)
        holder = f.read().strip() or "?"
        f.close()
        raise StoreError(f"{path}: another planlineage process (pid {holder}) is writing to this store; "
                         "wait for it to finish or use another --store") from None
    f.seek(0)
    f.truncate()
    f.write(str(os.getpid()))
    f.flush()
    return f


#: Files a RocksDB (oxigraph) store directory may hold besides planlineage's own.
_ROCKSDB = re.compile(r"(?:\d+\.(?:sst|log|blob)|CURRENT|IDENTITY|LOCK|LOG(?:\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+(?:\.dbtmp)?"
                      r"|\d+\.dbtmp)")
SUMS_FILE = "planlineage.sums.json"


def damaged(path, error) -> StoreError:
    """The one line for a store RocksDB reports as corrupt, naming the damaged file when it says which."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    m = re.search(r"(\S+\.sst)\b", text) or re.search(
        r"\b(CURRENT|IDENTITY|MANIFEST-\d+|OPTIONS-\d+|\d+\.(?:log|blob)|planlineage\.[a-z.]*json)\b", text)
    found = Path(m.group(1)) if m else None
    if path is None and found is not None and found.parent != Path("."):
        path = found.parent  # a read that failed names the file with its store folder
    if path is None:
        return StoreError(f"the store is damaged ({text[:160]}): rebuild with planlineage build --rebuild")
    name = Path(path) / found.name if found is not None else Path(path)
    return StoreError(f"store file {name} is damaged ({text[:160]}): rebuild with "
                      f"planlineage build --rebuild --store {path}")


def _is_store_file(name: str) -> bool:
    return bool(_ROCKSDB.fullmatch(name)) or name.startswith("planlineage.")


def _refuse_foreign_folder(path: Path) -> None:
    """--store must be a store or a new or empty folder: never fill a folder of user files."""
    try:
        names = [p.name for p in path.iterdir()]
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as e:
        raise StoreError(f"{path}: cannot open the store ({e.strerror})") from None
    foreign = sorted(n for n in names if not _is_store_file(n))
    if foreign:
        more = f" and {len(foreign) - 1} other file(s)" if len(foreign) > 1 else ""
        raise StoreError(f"{path}: not a planlineage store (it holds {foreign[0]!r}{more}); "
                         "give a new or empty folder as --store")


def _wipe_damaged(path: Path) -> None:
    """Remove the RocksDB files of a damaged store (only those: the folder held nothing else)."""
    for p in path.iterdir():
        if _ROCKSDB.fullmatch(p.name) or p.name == SUMS_FILE:
            p.unlink()


def _sha256(p: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with p.open("rb") as f:
        while chunk := f.read(2 ** 20):
            h.update(chunk)
    return h.hexdigest()


#: Store files no reader depends on, left out of the checksums: RocksDB's text log of what it did
#: (LOG, LOG.old.*: written by every open), its empty LOCK file, the pid of the last writer.
_UNCHECKED = re.compile(r"LOCK|LOG(?:\.old\.\d+)?|planlineage\.lock|planlineage\.sums\.json(?:\.tmp)?|.*\.dbtmp")


def _sums_digest(closed: bool, files: dict) -> str:
    import hashlib

    return hashlib.sha256(json.dumps([closed, files], sort_keys=True).encode("utf-8")).hexdigest()


def _read_sums(path: Path) -> dict | None:
    """The recorded checksums {"closed", "files": {name: [size, sha256]}, "mtimes"}; None when there are none.

    A record of an older planlineage ({"NAME.sst:SIZE": sha256}) reads as table files only, not closed.
    Raises StoreError naming the record when it is damaged (it holds the digest of its own entries).
    """
    try:
        text = (path / SUMS_FILE).read_bytes()
    except OSError:
        return None
    try:
        sums = json.loads(text.decode("utf-8"))
        if "files" not in sums:  # the record of an older planlineage
            files = {k.rpartition(":")[0]: [int(k.rpartition(":")[2]), v] for k, v in sums.items()}
            return {"closed": False, "files": files, "mtimes": {}}
        if sums.get("digest") != _sums_digest(sums["closed"], sums["files"]):
            raise ValueError("digest")
        return sums
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        raise damaged(path, f"checksum mismatch in {SUMS_FILE}") from None


def _write_sums(path: Path, closed: bool, files: dict, mtimes: dict) -> None:
    record = {"closed": closed, "files": files, "digest": _sums_digest(closed, files), "mtimes": mtimes}
    tmp = path / (SUMS_FILE + ".tmp")
    tmp.write_text(json.dumps(record, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path / SUMS_FILE)


def checksums_opened(path: Path) -> None:
    """Before a writer opens the store: check the files that are not tables (one over 1 MB only when
    its size or modification time changed), then check tables only until this writer's clean close.

    Write-ahead logs, MANIFEST, CURRENT and OPTIONS change while a writer works, and a killed writer
    leaves them changed; their sums hold again from the next clean close. RocksDB replays a damaged
    write-ahead log without a word (it stops at the damage), hence the check before it opens.
    Table files never change once written.
    """
    sums = _read_sums(path)
    if sums is None:
        return
    if sums["closed"]:
        verify_checksums(path, tables=False, quick=True)
    files = {n: v for n, v in sums["files"].items() if n.endswith(".sst")}
    if sums["closed"] or files != sums["files"]:
        _write_sums(path, False, files, {})


def write_checksums(path: Path) -> None:
    """Record size and SHA-256 of every file of a closed store (but those of _UNCHECKED).

    A file recorded before with the same size (and, but for table files, which never change once
    written, the same modification time) is not hashed again: it keeps the sum it had when checked.
    """
    try:
        old = _read_sums(path) or {"files": {}, "mtimes": {}}
    except StoreError:
        old = {"files": {}, "mtimes": {}}
    files, mtimes = {}, {}
    for p in sorted(path.iterdir()):
        if not p.is_file() or _UNCHECKED.fullmatch(p.name) or not _is_store_file(p.name):
            continue
        st = p.stat()
        known = old["files"].get(p.name)
        same = known is not None and known[0] == st.st_size and (
            p.name.endswith(".sst") or old["mtimes"].get(p.name) == st.st_mtime_ns)
        files[p.name] = [st.st_size, known[1] if same else _sha256(p)]
        mtimes[p.name] = st.st_mtime_ns
    _write_sums(path, True, files, mtimes)


def verify_checksums(path: str | Path, tables: bool = True, quick: bool = False) -> int:
    """Check the files of the store at ``path`` against the sums its last writer recorded.

    After a clean close every recorded file must be there with its size and content; while a writer
    has the store open, or after a writer was killed, the table files only (one compacted away since
    is not missing). ``tables=False`` leaves the table files out; ``quick`` does not read a file over
    1 MB whose size and modification time are those recorded (the write-ahead logs of the 100% store
    hold about 900 MB: 1.5 s of hashing).
    RETURNS (int): files checked; raises StoreError naming the first damaged file (size or content).
    """
    path = Path(path)
    sums = _read_sums(path)
    if sums is None:
        return 0
    checked = 0
    for name, (size, digest) in sorted(sums["files"].items()):
        table = name.endswith(".sst")
        if (not sums["closed"] and not table) or (table and not tables):
            continue
        p = path / name
        try:
            st = p.stat()
            unchanged = quick and st.st_size > 2 ** 20 and sums.get("mtimes", {}).get(name) == st.st_mtime_ns
            same = st.st_size == int(size) and (unchanged or _sha256(p) == digest)
        except FileNotFoundError:
            if sums["closed"]:
                raise damaged(path, f"{name} is missing") from None
            continue  # compacted away by a later writer
        if not same:
            raise damaged(path, f"checksum mismatch in {name}")
        checked += 1
    return checked


def store_version(path: str | Path) -> str | None:
    """path (str | Path): store directory. RETURNS (str | None): the extractor version that wrote it."""
    meta = Path(path) / META_FILE
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("extractor")
    except (OSError, ValueError, AttributeError):
        return None


def _write_version(path: Path) -> None:
    from ..extract.record import EXTRACTOR_VERSION

    tmp = path / (META_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"extractor": EXTRACTOR_VERSION}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path / META_FILE)


class _Writing:
    """OSError of a store write (disk full, ...) as one StoreError line naming the store."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, kind, e, tb):
        if isinstance(e, OSError):
            first = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise StoreWriteError(f"{self.name}: cannot write the store ({first[:200]}); "
                                  "free disk space, then run the build again to complete it") from None
        return False


class _Embedded:
    def __init__(self, path: Path | None, read_only: bool, rebuild: bool = False):
        self.lock = None
        try:
            if path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(str(path))
            else:
                _refuse_foreign_folder(path)
                path.mkdir(parents=True, exist_ok=True)
                self.lock = _take_lock(path)
                if rebuild:
                    # --rebuild empties the store: its files are removed (under the lock), so that a
                    # damaged store, which RocksDB may fail to open or to clear, starts again too.
                    _wipe_damaged(path)
                checksums_opened(path)  # the files RocksDB does not check, before it reads them
                self.store = ox.Store(str(path))
        except OSError as e:
            self._unlock()
            raise StoreError(f"{path}: cannot open the store ({e})") from None
        except RuntimeError as e:
            self._unlock()
            raise damaged(path, e) from None
        except StoreError:
            self._unlock()  # a damaged file found by checksums_opened
            raise
        self.name = str(path) if path else "<memory>"
        self.read_only = read_only
        # Queries read the materialised set union in the default graph when it is sealed (see
        # materialise_union); otherwise the union of the named graphs. A default graph that holds an
        # unsealed, partial union (a build killed while refreshing it) must not be read: a writer drops
        # it at once, a reader leaves it out of the query's default graph.
        self.union = not _sealed(self.store)
        self.dataset = None
        if self.union and (_has_default(self.store) or _has_graph(self.store, STORE_GRAPH)):
            if self.lock is not None:
                self.store.update(f"DROP SILENT DEFAULT ; DROP SILENT GRAPH {STORE_GRAPH}")
            else:
                self.dataset = [g for g in self.store.named_graphs() if g != STORE_GRAPH]
        if self.lock is not None:
            try:
                self._check_version(path, rebuild)
            except BaseException:
                self.close()
                raise

    def _check_version(self, path: Path, rebuild: bool) -> None:
        """Refuse to mix documents of two extractor versions in one store (or clear it on rebuild)."""
        from ..extract.record import EXTRACTOR_VERSION

        found = store_version(path)
        empty = next(iter(self.store.quads_for_pattern(None, None, None, None)), None) is None
        if found != EXTRACTOR_VERSION and not empty:
            if not rebuild:
                built = found or "an older planlineage (no version recorded)"
                raise StoreError(f"{path}: built by {built}, this planlineage extracts with {EXTRACTOR_VERSION}; "
                                 f"run `planlineage build --rebuild --store {path}` or use a new --store")
            self.store.update("CLEAR ALL")
        elif rebuild and not empty:
            self.store.update("CLEAR ALL")
        if found != EXTRACTOR_VERSION:
            _write_version(path)

    def _unlock(self) -> None:
        if self.lock is not None:
            with suppress(OSError):
                self.lock.close()
            self.lock = None

    def query(self, sparql: str, bindings: dict | None) -> Result:
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()} or None
        try:
            try:
                res = self.store.query(sparql, substitutions=subs, **self._dataset())
            except RuntimeError:
                # pyoxigraph substitutes only projected variables; others go in as a VALUES block.
                res = self.store.query(with_values(sparql, bindings), **self._dataset())
        except SyntaxError as e:
            raise GraphError(f"query: {e}") from None
        if isinstance(res, ox.QueryBoolean):
            return Result(boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            cols = [v.value for v in res.variables]
            with paused_gc():
                return Result(columns=cols, rows=[dict(zip(cols, s)) for s in res])
        return Result(graph=list(res))

    def _dataset(self) -> dict:
        if self.dataset is not None:
            return {"default_graph": self.dataset}
        return {"use_default_graph_as_union": self.union}

    def update(self, sparql: str) -> None:
        try:
            with _Writing(self.name):  # disk full stops the build: it is no fault of the document
                self.store.update(sparql)
        except SyntaxError as e:
            raise StoreError(f"{self.name}: update failed ({e})") from None

    def write_graph(self, graph: ox.NamedNode, triples, drop=()) -> None:
        """Replace ``graph`` by ``triples`` and drop the graphs ``drop``, in one transaction."""
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in drop)
        self.update(drops + f"DROP SILENT GRAPH {graph} ;\n" + _insert_data(graph, triples, chunk=len(triples) or 1))

    def quads(self):
        # The default graph only holds the materialised union: every quad of it is also in a named graph.
        return (q for q in self.store.quads_for_pattern(None, None, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name != STORE_GRAPH)

    def materialise_union(self) -> None:
        """Make the default graph the set union of the named graphs, and query it from now on.

        pyoxigraph's ``use_default_graph_as_union`` is a bag: a triple stated by 3,000 documents (the
        number of 1703/QĐ-TTg, the Directive's issuer) comes back 3,000 times, and a join of two such
        patterns gives millions of rows (bench/README.md). SPARQL's dataset merge is a set.
        """
        default = ox.DefaultGraph()
        with _Writing(self.name):
            # Flushing first frees the memtables of the documents just loaded before the one big transaction.
            self.store.flush()
            self.store.update("DROP SILENT DEFAULT")
            rows = self.store.query(f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_STORE} }}")
            self.store.extend(ox.Quad(r[0], r[1], r[2], default) for r in rows)
            self.store.flush()
        self.union = False

    def invalidate_union(self) -> None:
        """Drop the materialised union before a write, so that a build killed before
        :meth:`materialise_union` leaves a store read through the union of its named graphs
        (always current), never a stale copy (see materialised_union())."""
        if not self.union or _has_default(self.store) or _has_graph(self.store, STORE_GRAPH):
            with _Writing(self.name):
                self.store.update(f"DROP SILENT DEFAULT ; DROP SILENT GRAPH {STORE_GRAPH}")
            self.union = True

    def add_to_union(self, triples, seal: bool = False) -> None:
        """triples (list[Triple]): just written to a named graph; also added to the materialised union.
        seal (bool): also write UNION_SEAL (same transaction): the union is complete."""
        if not self.union:
            default = ox.DefaultGraph()
            with _Writing(self.name):
                self.store.extend([ox.Quad(t.subject, t.predicate, t.object, default) for t in triples]
                                  + ([UNION_SEAL] if seal else []))

    def get_answer(self, key: ox.NamedNode) -> str | None:
        """The materialised answer on ``key`` (graph/answers.py), only over a sealed union."""
        if self.union:
            return None
        q = next(iter(self.store.quads_for_pattern(key, PL.answerRows, None, STORE_GRAPH)), None)
        return None if q is None else q.object.value

    def put_answer(self, key: ox.NamedNode, text: str) -> bool:
        """Keep an answer in the store's own graph (dropped with the union before any write)."""
        if self.union or self.read_only:
            return False
        with _Writing(self.name):
            self.store.extend([ox.Quad(key, PL.answerRows, ox.Literal(text, datatype=RDF_JSON), STORE_GRAPH)])
        return True

    def compact(self) -> None:
        """Compact the RocksDB files once a build is complete: a build leaves many overlapping files
        and write-ahead logs, and every index seek of a reader pays for them (bench/README.md: 100%
        store 1.37 GB -> about 0.6 GB; queries about 15% faster; 2-3 s at 3,435 documents)."""
        with _Writing(self.name):
            self.store.optimize()

    def close(self) -> None:
        try:
            if hasattr(self, "store"):
                # ox.Store.read_only is the constructor, always true: keep our own flag. Without the flush the
                # memtables stay in the write-ahead log and every reader replays it (22 s at 3,435 documents).
                try:
                    if not self.read_only:
                        with _Writing(self.name):
                            self.store.flush()
                finally:
                    del self.store
                if self.lock is not None:
                    with suppress(OSError):
                        write_checksums(Path(self.name))
        finally:
            self._unlock()


def materialised_union(path: str | Path) -> bool:
    """True when the store at ``path`` holds the materialised set union in its default graph.

    Readers then query the default graph alone; otherwise the union of the named graphs
    (a store built before the union existed, or a build killed before it was recomputed).
    """
    store = ox.Store.read_only(str(path))
    try:
        return _sealed(store)
    finally:
        del store


def _has_default(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def _has_graph(store: ox.Store, graph: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, graph)), None) is not None


def _sealed(store: ox.Store) -> bool:
    return next(iter(store.quads_for_pattern(UNION_SEAL.subject, UNION_SEAL.predicate, UNION_SEAL.object,
                                             UNION_SEAL.graph_name)), None) is not None


def with_values(sparql: str, bindings: dict) -> str:
    """Bind variables with a VALUES block at the start of the WHERE clause (terms serialised, never pasted).

    >>> with_values("SELECT ?n WHERE { ?d <p> ?n }", {"d": ox.NamedNode("http://x/d")})
    'SELECT ?n WHERE {VALUES (?d) { (<http://x/d>) }\\n ?d <p> ?n }'
    """
    names = list(bindings)
    values = "VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(
        str(bindings[n]) for n in names) + ") }\n"
    return _at_where(sparql, values)


def _at_where(sparql: str, text: str) -> str:
    """``text`` put at the start of the query's WHERE clause (where bindings go)."""
    m = _WHERE.search(sparql)
    if m is None:
        raise GraphError("query: bindings need a WHERE { ... } clause")
    return sparql[: m.end()] + text + sparql[m.end():]


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def with_binds(sparql: str, bindings: dict) -> str:
    """Bind variables with BIND at the start of the WHERE clause (for Virtuoso, whose VALUES does not
    bind the subject of a property path: ``VALUES (?p) {(<x>)} ?p eli:x* ?c`` gives every ?c).

    >>> with_binds("SELECT ?n WHERE { ?d <p> ?n }", {"d": ox.NamedNode("http://x/d")})
    'SELECT ?n WHERE {BIND(<http://x/d> AS ?d)\\n ?d <p> ?n }'
    """
    return _at_where(sparql, "".join(f"BIND({term} AS ?{name})\n" for name, term in bindings.items()))


def _term_from_json(b: dict):
    kind = b["type"]
    if kind == "uri":
        return ox.NamedNode(b["value"])
    if kind == "bnode":
        return ox.BlankNode(b["value"])
    if "xml:lang" in b:
        return ox.Literal(b["value"], language=b["xml:lang"])
    if "datatype" in b:
        value = b["value"]
        if b["datatype"] == _XSD_BOOLEAN:  # Virtuoso answers 1 and 0: the canonical form is true/false
            value = {"1": "true", "0": "false"}.get(value, value)
        return ox.Literal(value, datatype=ox.NamedNode(b["datatype"]))
    return ox.Literal(b["value"])


#: Environment variables holding the credentials sent to an endpoint (HTTP Basic or Digest, as it asks).
USER_ENV, PASSWORD_ENV = "PLANLINEAGE_USER", "PLANLINEAGE_PASSWORD"
# Virtuoso's SPARQL compiler runs out of memory on one INSERT DATA of about 5,000 triples
# ("SP030 ... memory exhausted") and on requests of more than about 32 KB of compiled code: it gets
# operations of 500 triples, one a request.
_INSERT_CHUNK = 500


def _insert_data(graph, triples, chunk: int = _INSERT_CHUNK) -> str:
    """INSERT DATA operations (joined by ';') writing ``triples`` into ``graph`` (None: the default graph)."""
    triples = list(triples)
    ops = []
    for i in range(0, len(triples), chunk):
        body = _ntriples(triples[i:i + chunk])
        ops.append(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}" if graph is not None
                   else f"INSERT DATA {{\n{body}\n}}")
    return " ;\n".join(ops)


class _Remote:
    """A SPARQL 1.1 server: oxigraph (or any server following the protocol) or OpenLink Virtuoso.

    Both are driven through the SPARQL 1.1 Protocol alone (URL-encoded POST of ``query`` or
    ``update``); the server is recognised by its ``Server`` header, and Virtuoso differs in three
    ways the client accounts for, measured with Virtuoso 7.2.5:

    * its default graph is every graph it holds, its own system graphs included, and cannot be
      written, so the materialised union lives in ``plid:graph/union`` and is named as the default
      graph of each query (``default-graph-uri``); queries over ``GRAPH ?g`` filter the documents'
      graphs by name (graph/iris.py ``DOC_GRAPH_FILTER``);
    * the operations of one update request are not one transaction (a failing operation leaves the
      earlier ones applied), so a document is written into a staging graph and put in place with
      one ``MOVE``: a reader sees the old version or the new one, never half of it;
    * an ASK answers with a one-column table, and a boolean value comes back as 1 or 0.
    """

    def __init__(self, endpoint: str, update_endpoint: str | None, timeout: float = 60,
                 user: str | None = None, password: str | None = None):
        parts = urllib.parse.urlsplit(endpoint)
        if parts.username:  # http://user:password@host/...: credentials out of the URL shown to users
            user, password = urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
            endpoint = urllib.parse.urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or (endpoint.rstrip("/").removesuffix("/query") + "/update"
                                                   if endpoint.rstrip("/").endswith("/query") else endpoint)
        self.name = endpoint
        self.timeout = timeout
        user = user if user is not None else os.environ.get(USER_ENV)
        password = password if password is not None else os.environ.get(PASSWORD_ENV, "")
        handlers = []
        if user:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.endpoint, self.update_endpoint}:
                manager.add_password(None, url, user, password)
            handlers = [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
        self._opener = urllib.request.build_opener(*handlers)
        self.user = user
        self.virtuoso = False
        # Like the embedded store: the set union of the document graphs is materialised by every
        # build (materialise_union) and sealed; a sealed store is queried over it alone. Otherwise
        # the server's union of all graphs (oxigraph's ``union-default-graph``, Virtuoso's default),
        # which both give as a bag (a triple stated by N documents comes back N times).
        self.union = True
        ask = f"ASK {{ GRAPH {STORE_GRAPH} {{ {UNION_SEAL.subject} {UNION_SEAL.predicate} {UNION_SEAL.object} }} }}"
        self.union = not self.query(ask, None).boolean

    def _post(self, url: str, fields: list[tuple[str, str]], accept: str | None = None) -> bytes:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if accept:
            headers["Accept"] = accept
        body = urllib.parse.urlencode(fields).encode("utf-8")
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                self.virtuoso = self.virtuoso or "virtuoso" in (resp.headers.get("Server") or "").lower()
                # Virtuoso's "anytime" answers: a query over its time limit returns what it has so far.
                state = resp.headers.get("X-SQL-State")
                if state:
                    raise StoreError(f"{url}: incomplete answer ({state}: {resp.headers.get('X-SQL-Message', '')}); "
                                     "the server's time or row limit was reached")
                return resp.read()
        except urllib.error.HTTPError as e:
            detail = [ln for ln in e.read().decode("utf-8", "replace").strip().splitlines() if ln.strip()]
            # Virtuoso refuses a right the account lacks with 500 and "SR186:SECURITY".
            if e.code in (401, 403) or (detail and ":SECURITY:" in detail[0]):
                who = (f"the account {self.user!r}" if self.user
                       else f"anonymous requests (set ${USER_ENV} and ${PASSWORD_ENV})")
                raise StoreError(f"{url}: HTTP {e.code}: not allowed for {who}") from None
            raise StoreError(f"{url}: HTTP {e.code} ({detail[0] if detail else e.reason})") from None
        except (urllib.error.URLError, OSError) as e:
            raise StoreError(f"{url}: cannot reach the endpoint ({getattr(e, 'reason', e)})") from None

    def query(self, sparql: str, bindings: dict | None) -> Result:
        if bindings and self.virtuoso:
            # Virtuoso 7.2: VALUES does not bind the subject of a property path (every ?c of
            # ``VALUES (?p) {(<x>)} ?p eli:x* ?c``), and a literal BIND joined with a path inside
            # OPTIONAL fails to compile (SP031): IRIs are bound with BIND, literals with VALUES.
            iris = {k: v for k, v in bindings.items() if isinstance(v, ox.NamedNode)}
            rest = {k: v for k, v in bindings.items() if k not in iris}
            sparql = with_values(sparql, rest) if rest else sparql
            sparql = with_binds(sparql, iris) if iris else sparql
        elif bindings:
            sparql = with_values(sparql, bindings)
        fields = [("query", sparql)]
        url = self.endpoint
        if self.virtuoso and not self.union:
            fields.append(("default-graph-uri", UNION_GRAPH.value))
        elif self.virtuoso and not self._graphs_query(sparql):
            # No sealed union (a build was killed): the content graphs by name, never Virtuoso's own.
            fields += [("default-graph-uri", g) for g in self._content_graphs()]
        elif self.union and not self.virtuoso:
            url += ("&" if "?" in url else "?") + "union-default-graph"
        head = re.sub(r"#[^\n]*", "", sparql)
        is_graph = re.search(r"\b(CONSTRUCT|DESCRIBE)\b", head, re.IGNORECASE)
        accept = "application/n-triples" if is_graph else "application/sparql-results+json"
        data = self._post(url, fields, accept)
        if is_graph:
            return Result(graph=list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
        doc = json.loads(data)
        if "boolean" in doc:
            return Result(boolean=bool(doc["boolean"]))
        cols = doc["head"].get("vars", [])
        bindings_ = doc["results"]["bindings"]
        if cols == ["__ASK_RETVAL"]:  # Virtuoso's ASK
            return Result(boolean=any(b.get("__ASK_RETVAL", {}).get("value") not in (None, "0") for b in bindings_))
        rows = [{c: (_term_from_json(b[c]) if c in b else None) for c in cols} for b in bindings_]
        return Result(columns=cols, rows=rows)

    def update(self, sparql: str) -> None:
        self._post(self.update_endpoint, [("update", sparql)])
        self._graphs = None

    _graphs = None

    @staticmethod
    def _graphs_query(sparql: str) -> bool:
        """Whether a query names its graphs (``GRAPH ?g`` or ``GRAPH <...>``): it needs no default graph."""
        return re.search(r"\bGRAPH\s*[?<]", sparql) is not None

    def _content_graphs(self) -> list[str]:
        """The documents' graphs and the derived graph (kept until the next update)."""
        if self._graphs is None:
            res = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?d {PL.sourceFile} ?f }} {DOC_GRAPH_FILTER} }}",
                             None)
            self._graphs = sorted(r["g"].value for r in res.rows) + [DERIVED_GRAPH.value]
        return self._graphs

    def write_graph(self, graph: ox.NamedNode, triples, drop=()) -> None:
        """Replace ``graph`` by ``triples`` and drop the graphs ``drop`` (the versions it replaces)."""
        drops = "".join(f"DROP SILENT GRAPH <{g}> ;\n" for g in drop)
        if not self.virtuoso:  # one request, one transaction
            self.update(drops + f"DROP SILENT GRAPH {graph} ;\n" + _insert_data(graph, triples))
            return
        staging = ox.NamedNode(STAGING_GRAPHS + graph.value.rsplit("/", 1)[-1])
        self.update(f"DROP SILENT GRAPH {staging}")
        self._insert(staging, triples)
        self.update(f"MOVE SILENT {staging} TO {graph}")
        if drops:
            self.update(drops.rstrip(" ;\n"))

    def _insert(self, graph, triples) -> None:
        """INSERT DATA into ``graph``; on Virtuoso one request per operation of _INSERT_CHUNK triples
        (its compiler takes about 32 KB of code a request: "SQ199 Maximum size (32767) of a code vector")."""
        triples = list(triples)
        if not self.virtuoso:
            if triples:
                self.update(_insert_data(graph, triples))
            return
        for i in range(0, len(triples), _INSERT_CHUNK):
            self.update(_insert_data(graph, triples[i:i + _INSERT_CHUNK]))

    def quads(self):
        res = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {CONTENT_GRAPH_FILTER} }}", None)
        return (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in res.rows)

    def materialise_union(self) -> None:
        """Make the union graph (oxigraph: the default graph) the set union of the content graphs,
        in one update on the server."""
        if self.virtuoso:
            self.update(f"DROP SILENT GRAPH {UNION_GRAPH} ;\nINSERT {{ GRAPH {UNION_GRAPH} {{ ?s ?p ?o }} }} "
                        f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {CONTENT_GRAPH_FILTER} }}")
        else:
            self.update(f"DROP SILENT DEFAULT ;\nINSERT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_STORE} }}")
        self.union = False

    def invalidate_union(self) -> None:
        """Drop the materialised union before a write (see _Embedded.invalidate_union); the seal first."""
        self.update(f"DROP SILENT GRAPH {STORE_GRAPH} ; "
                    + (f"DROP SILENT GRAPH {UNION_GRAPH}" if self.virtuoso else "DROP SILENT DEFAULT"))
        self.union = True

    def add_to_union(self, triples, seal: bool = False) -> None:
        """triples (list[Triple]): just written to a named graph; also added to the materialised union.
        seal (bool): then write UNION_SEAL: the union is complete."""
        if not self.union:
            if not self.virtuoso:  # one request, one transaction: the seal with the last triples
                ops = [_insert_data(None, triples)] if triples else []
                if seal:
                    ops.append(f"INSERT DATA {{ GRAPH {STORE_GRAPH} {{ {UNION_SEAL.subject} {UNION_SEAL.predicate} "
                               f"{UNION_SEAL.object} }} }}")
                if ops:
                    self.update(" ;\n".join(ops))
                return
            self._insert(UNION_GRAPH, triples)  # then the seal, once every part is in
            if seal:
                self._insert(STORE_GRAPH, [ox.Triple(UNION_SEAL.subject, UNION_SEAL.predicate, UNION_SEAL.object)])

    def get_answer(self, key: ox.NamedNode) -> str | None:
        """None: a server answers live (its union is not materialised by us)."""
        return None

    def put_answer(self, key: ox.NamedNode, text: str) -> bool:
        return False

    def compact(self) -> None:
        """Nothing: the server manages its own storage."""

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
        RETURNS (Result): columns and rows, boolean, or triples. A final ORDER BY over projected
            variables is applied in Python (``graph.ordering``: the store's string sort is slow).
        """
        # SERVICE would make the engine fetch any URL and return the reply (graph/federation.py).
        check_federation(sparql)
        split = split_order(sparql)
        if split is None:
            return self.backend.query(sparql_prefixes() + sparql, bindings)
        body, keys = split
        res = self.backend.query(sparql_prefixes() + body, bindings)
        res.rows = sort_rows(res.rows, keys)
        return res

    def cached(self, sparql: str) -> Result | None:
        """The materialised answer of this exact SELECT text (graph/answers.py), or None.

        >>> with open_store(memory=True) as store:
        ...     store.cached("SELECT ?s WHERE { ?s ?p ?o }") is None
        True
        """
        text = self.backend.get_answer(answer_key(sparql))
        if text is None:
            return None
        columns, rows = decode_rows(text)
        return Result(columns=columns, rows=rows)

    def has_answer(self, sparql: str) -> bool:
        """Whether an answer of this exact text is kept (without decoding it)."""
        return self.backend.get_answer(answer_key(sparql)) is not None

    def remember(self, sparql: str, result: Result) -> bool:
        """Keep the rows of a SELECT answer of ``sparql`` over the sealed union.

        RETURNS (bool): False when there is no sealed union to keep it next to (read-only store,
            remote endpoint, store being written).
        """
        return self.backend.put_answer(answer_key(sparql), encode_rows(result.columns, result.rows))

    def update(self, sparql: str) -> None:
        """sparql (str): a SPARQL update, applied as one transaction."""
        self.backend.update(sparql_prefixes() + sparql)

    def replace_graph(self, graph: ox.NamedNode, triples) -> None:
        """Replace one named graph by ``triples`` in a single update (all-or-nothing)."""
        self.backend.write_graph(graph, triples)

    def load_records(self, records, progress=None, keep_both: bool = False) -> list[Outcome]:
        """Validate and write each record's named graph, then recompute the derived graph.

        records (iterable[dict]): extraction records. progress (callable | None): called with each Outcome.
        keep_both (bool): a new version of a stored plan is kept beside it (see graph/versions.py).
        RETURNS (list[Outcome]): one per record; a record that breaks the integrity shapes is not
        written, one that lacks what the completeness shapes ask (issuer, date, ...) is, with ``missing``.
        """
        from .versions import stored_versions

        out = []
        known = stored_versions(self)
        self.backend.invalidate_union()
        for rec in records:
            o = self._load_new(rec, known, keep_both)
            out.append(o)
            if progress is not None:
                progress(o)
        if any(o.triples for o in out):
            self.refresh_derived()
        return out

    def _load_new(self, record: dict, known: dict, keep_both: bool = False) -> Outcome:
        """Load a record as a new document, a replacing version, or skip it as a duplicate (graph/versions.py).

        known (dict): graph IRI -> Stored, kept current as documents are written.
        """
        from .build import self_iri
        from .versions import Stored, plan_identity, replaced_versions, task_facts, tasks_changed, version_graph, \
            version_key

        source = record.get("source", "?")
        graph = version_graph(version_key(record)).value
        same = known.get(graph)
        if same is not None and (same.source != source or (same.path or "") != (record.get("path") or same.path or "")):
            return Outcome(source, duplicate_of=same.source)
        old = [s for s in replaced_versions(record, known, keep_both) if s.graph != graph]
        ident = plan_identity(record)
        if same is not None:  # written again: as it was written first
            separate = same.doc != self_iri(record).value
        else:
            separate = keep_both and ident is not None and any(s.identity == ident for s in known.values()
                                                               if s not in old)
        # The same version written again keeps the revisions it was stated to be of.
        kept = [] if same is None else [ox.Triple(r["s"], PROV.wasRevisionOf, r["o"]) for r in self.query(
            f"SELECT ?s ?o WHERE {{ GRAPH <{graph}> {{ ?s prov:wasRevisionOf ?o }} }}").rows]
        before = task_facts(self._graph_triples(old[0].graph), old[0].doc) if old else {}
        o, doc = self._write(record, separate=separate, old=old, kept=kept)
        if o.error:
            return o
        if old:
            o.replaced = ", ".join(s.source for s in old)
            o.tasks_changed = tasks_changed(before, task_facts(
                ((t.subject, t.predicate, t.object) for t in doc.triples), doc.iri.value))
            for s in old:
                known.pop(s.graph, None)
        known[graph] = Stored(graph, doc.iri.value, source, record.get("path"), ident)
        return o

    def _graph_triples(self, graph: str):
        rows = self.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows
        return [(r["s"], r["p"], r["o"]) for r in rows]

    def _write(self, record: dict, separate: bool = False, old=(), kept=()):
        """Build, check and write one record's graph, dropping the versions it replaces (``old``).
        RETURNS (tuple[Outcome, DocumentGraph | None])."""
        from .build import build_document
        from .validate import validate_triples

        source = record.get("source", "?")
        try:
            try:
                doc = build_document(record, separate, [(s.graph, s.doc) for s in old])
                doc.triples += [t for t in kept if t not in doc.triples]
            except (ValueError, TypeError) as e:
                # A value that cannot be an RDF term (an IRI with a space, a target that is no number).
                raise GraphError(f"{source}: the record cannot be turned into RDF: {e}") from None
            missing = validate_triples(doc.triples, source)
            # The replaced versions go in the same update (one transaction): never both, never neither.
            self.backend.write_graph(doc.graph, doc.triples, drop=[s.graph for s in old])
        except StoreWriteError:
            raise
        except GraphError as e:
            return Outcome(source, error=str(e)), None
        return Outcome(source, triples=len(doc.triples), missing=missing), doc

    def build_iter(self, paths, jobs: int = 1, keep_both: bool = False):
        """Extract and load documents one by one, yielding an Outcome for each.

        paths (list[Path]): document files. jobs (int): extraction processes.
        keep_both (bool): a new version of a stored plan is kept beside it instead of replacing it.
        RETURNS (iterator[Outcome]): in the order given; the derived graph is recomputed at the end
        when a document was written (a build that only failed leaves the store untouched).
        """
        from ..extract.batch import extract_paths

        from .versions import stored_versions

        known = stored_versions(self)
        written = False
        for res in extract_paths(paths, jobs):
            if not res.error and not written:
                self.backend.invalidate_union()
            o = Outcome(res.path.name, error=res.error) if res.error else self._load_new(
                dict(res.record, path=str(Path(res.path).resolve())), known, keep_both)
            written = written or bool(o.triples)
            yield o
        if written:
            self.refresh_derived()

    def refresh_derived(self) -> int:
        """Recompute the cross-document graph (resolution, supersededBy, alignment). RETURNS (int): its size."""
        from .align import align_triples
        from .resolve import derive_triples

        # The derived facts are computed from the document graphs alone, never from an older derived graph.
        self.backend.update(f"DROP SILENT GRAPH {DERIVED_GRAPH}")
        self.backend.materialise_union()
        triples = derive_triples(self)
        self.replace_graph(DERIVED_GRAPH, triples)
        self.backend.add_to_union(triples)
        aligned = align_triples(self)
        self.replace_graph(DERIVED_GRAPH, triples + aligned)
        self.backend.add_to_union(aligned, seal=True)
        self.backend.compact()
        return len(triples) + len(aligned)

    def remove_source(self, file_name: str) -> None:
        """Drop the named graph of one source document, then recompute the derived graph.

        file_name (str): its file name, or its path when two stored documents have the same file name.
        """
        from .versions import stored_versions

        name = Path(file_name).name
        found = [s for s in stored_versions(self).values() if s.source == name]
        if len(found) > 1:
            path = str(Path(file_name).resolve())
            found = [s for s in found if s.path == path] if "/" in file_name.replace("\\", "/") else found
            if len(found) != 1:
                paths = ", ".join(sorted(s.path or s.source for s in stored_versions(self).values() if s.source == name))
                raise GraphError(f"{file_name}: names several documents in the store {self.name} ({paths}); "
                                 "give the path of the one to remove")
        if not found:
            raise GraphError(f"{file_name}: not in the store {self.name} (see `planlineage build`)")
        self.backend.invalidate_union()
        self.backend.update(f"DROP SILENT GRAPH <{found[0].graph}>")
        self.refresh_derived()

    def sources(self) -> list[str]:
        """RETURNS (list[str]): file names of the ingested documents, sorted."""
        res = self.query(f"SELECT DISTINCT ?f WHERE {{ GRAPH ?g {{ ?d pl:sourceFile ?f }} {DOC_GRAPH_FILTER} }}")
        return sorted(r["f"].value for r in res.rows)

    def triple_count(self) -> int:
        """RETURNS (int): number of quads in all named graphs."""
        res = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {CONTENT_GRAPH_FILTER} }}")
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
               update_endpoint: str | None = None, memory: bool = False, rebuild: bool = False,
               user: str | None = None, password: str | None = None) -> GraphStore:
    """Open the embedded store (default) or a remote SPARQL endpoint.

    path (str | Path | None): store directory; default $PLANLINEAGE_STORE or ./.planlineage/store.
    endpoint (str | None): SPARQL 1.1 query URL; updates go to the same URL (``.../query``: to
        ``.../update``) unless update_endpoint. user, password (str | None): the endpoint's account
        (HTTP Basic or Digest); default $PLANLINEAGE_USER and $PLANLINEAGE_PASSWORD.
    read_only (bool): open the embedded store read-only. memory (bool): an in-memory store (tests, doctests).
    rebuild (bool): empty an embedded store written by another extractor version instead of refusing it.
    RETURNS (GraphStore): the store.
    """
    if endpoint:
        for url in (endpoint, update_endpoint):
            parts = urllib.parse.urlsplit(url) if url else None
            if parts is not None and (parts.scheme not in ("http", "https") or not parts.netloc):
                raise StoreError(f"--endpoint {url!r}: not an http(s) URL (e.g. http://127.0.0.1:7878/query)")
        return GraphStore(_Remote(endpoint, update_endpoint, user=user, password=password))
    if memory:
        return GraphStore(_Embedded(None, False))
    path = Path(path or os.environ.get("PLANLINEAGE_STORE") or DEFAULT_STORE)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no store here (run `planlineage build --store {path}` first)")
    backend = _Embedded(path, read_only, rebuild)
    if read_only and backend.union and next(iter(backend.store.named_graphs()), None) is not None:
        # Documents stored but the union unsealed: a build or remove was killed before it finished.
        # Complete it now (issue #15: the bag union made questions 100x slower), unless a writer is at work.
        backend.close()
        _complete_union(path)
        backend = _Embedded(path, read_only, rebuild)
    return GraphStore(backend)


def _complete_union(path: Path) -> bool:
    """Recompute the derived graph, the sealed set union and the kept answers of a store left by a
    killed writer, as the end of a build does. RETURNS (bool): False when the store could not be
    taken for writing (another writer holds it, or it cannot be written); readers then query the
    union of the named graphs, which is current but slow."""
    try:
        store = GraphStore(_Embedded(path, False))
    except StoreError:
        return False
    with store:
        store.refresh_derived()
        # The answers a finished build keeps (queries/engine.py; imported here, not at module
        # level: queries/ builds on graph/).
        from ..queries.engine import precompute_answers

        precompute_answers(store)
    return True


__all__ = ["GraphStore", "Outcome", "Result", "open_store", "DEFAULT_STORE", "PL"]
