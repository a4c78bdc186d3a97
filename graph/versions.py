"""Which stored document a new one is: the same version, a revision of the same plan, or another plan.

Three keys of an extraction record decide it (issue #13):

* the **version key**: SHA-256 of the record's content key (``sha256``, the distinct words of
  the text) and of every fact the record states (plan fields, references, lineage, objectives,
  tasks with their units, dates and targets), leaving out how the file was read (file name,
  format, encoding, line spans). The same bytes, or the same text as PDF, DOCX or text, give
  one version key; a lead moved from one task to another or a deadline changed from 15/11 to
  20/10 gives another, although the words are the same. A document's named graph is
  ``plid:graph/doc/<version key>``: two different documents never share a graph, whatever
  their file names, and no document graph is ever a graph the store keeps for itself;
* the **plan identity**: issuer and number, or issuer, date (the title when it has no date) and
  what the plan implements when it has no number (as :mod:`.resolve` matches references). A new version of a stored plan
  identity replaces the stored version (unless ``--keep-both``);
* the **source path**: the same file, edited, replaces what it gave before.

>>> rec = {"source": "a.txt", "sha256": "k", "plan": {"number": "40/KH-UBND", "issuer": "Ủy ban nhân dân tỉnh B"},
...        "tasks": [{"ref": "1", "text": "x", "lines": [3, 4]}]}
>>> moved = dict(rec, source="b.pdf", format="pdf", tasks=[{"ref": "1", "text": "x", "lines": [9, 9]}])
>>> version_key(rec) == version_key(moved), plan_identity(rec)
(True, 'number:https://w3id.org/planlineage/id/doc/40-kh-ubnd--uy-ban-nhan-dan-tinh-b')
>>> version_key(rec) == version_key(dict(rec, tasks=[{"ref": "1", "text": "y"}]))
False
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from pyoxigraph import NamedNode

from .iris import DOC_GRAPH_FILTER, PLID, doc_iri, slug

#: Record keys that say how a file was read, not what the plan says.
_HOW_READ = {"source", "sha256", "format", "encoding", "extractor", "warnings", "lines", "path"}
#: Triples of a task that say where it was read, not what it says.
_WHERE_READ = {"https://w3id.org/planlineage/ontology#lines", "https://w3id.org/planlineage/ontology#lineStart",
               "https://w3id.org/planlineage/ontology#lineEnd"}


def _facts(value):
    if isinstance(value, dict):
        return {k: _facts(v) for k, v in value.items() if k not in _HOW_READ}
    if isinstance(value, list):
        return [_facts(v) for v in value]
    return value


def version_key(record: dict) -> str:
    """record (dict): an extraction record. RETURNS (str): hex SHA-256 of its content key and facts."""
    facts = json.dumps(_facts(record), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(((record.get("sha256") or "") + "\n" + facts).encode("utf-8")).hexdigest()


def version_graph(key: str) -> NamedNode:
    """key (str): a version key. RETURNS (NamedNode): the document's named graph ``plid:graph/doc/<key>``."""
    return PLID["graph/doc/" + key]


def implemented(record: dict) -> list[str]:
    """RETURNS (list[str]): folded numbers of the documents the record's plan implements."""
    out = {slug(r["number"]) for r in record.get("references") or []
           if r.get("number") and r.get("relation") == "implements"}
    out |= {slug(e["parent"]) for e in record.get("lineage") or []
            if e.get("child") == "self" and e.get("parent") and e.get("parent") != "self"}
    return sorted(out)


def plan_identity(record: dict) -> str | None:
    """The plan a record is a version of: issuer + number, else issuer + date (or title) + what it implements.

    RETURNS (str | None): None when the record says too little to tell (no number, and no issuer or
        neither date nor title).
    """
    plan = record.get("plan") or {}
    if plan.get("number"):
        return "number:" + doc_iri(plan["number"], plan.get("issuer"), plan.get("province")).value
    # Without a number: issuer + date + subject (its title), as resolution tells plans apart; one
    # issuer often issues several plans on one day (a commune's plans for one election).
    when = "|".join(x for x in (f"date:{plan['date']}" if plan.get("date") else "",
                                f"title:{slug(plan['title'])}" if plan.get("title") else "") if x)
    if plan.get("issuer") and when:
        return f"issuer:{slug(plan['issuer'])}|type:{plan.get('doc_type') or 'KH'}|{when}|implements:{','.join(implemented(record))}"
    return None


@dataclass
class Stored:
    """A document version in the store: its graph, document IRI, file name, path and plan identity."""

    graph: str
    doc: str
    source: str
    path: str | None
    identity: str | None


def stored_versions(store) -> dict[str, Stored]:
    """store (GraphStore). RETURNS (dict[str, Stored]): graph IRI -> the document version it holds."""
    res = store.query("""SELECT ?g ?d ?f ?p ?i WHERE { GRAPH ?g { ?d pl:sourceFile ?f
                           OPTIONAL { ?d pl:sourcePath ?p } OPTIONAL { ?d pl:planIdentity ?i } } """ + DOC_GRAPH_FILTER + " }")
    out = {}
    for r in sorted(res.rows, key=lambda r: (r["g"].value, r["f"].value)):
        out.setdefault(r["g"].value, Stored(r["g"].value, r["d"].value, r["f"].value,
                                            r["p"].value if r["p"] else None, r["i"].value if r["i"] else None))
    return out


def replaced_versions(record: dict, known: dict[str, Stored], keep_both: bool = False) -> list[Stored]:
    """The stored versions a new record replaces.

    A stored version of the same plan identity (unless ``keep_both``), and what the same file
    gave before (same source path; a record without a path: same file name and no path).
    record (dict): with ``path`` when read from a file. known (dict): :func:`stored_versions`.
    RETURNS (list[Stored]): sorted by file name.
    """
    ident, path, source = plan_identity(record), record.get("path"), record.get("source")
    out = []
    for s in known.values():
        same_file = s.path == path if path else (s.path is None and s.source == source)
        if same_file or (ident is not None and s.identity == ident and not keep_both):
            out.append(s)
    return sorted(out, key=lambda s: s.source)


def task_facts(triples, doc: str) -> dict[str, frozenset]:
    """triples (iterable of (s, p, o) terms): a document graph. doc (str): its document IRI.

    RETURNS (dict[str, frozenset]): task key (its numbering under the document) -> what the
    graph says of the task and its targets, line spans left out.
    """
    prefix = doc + "/task/"
    out: dict[str, set] = {}
    for s, p, o in triples:
        if not s.value.startswith(prefix) or p.value in _WHERE_READ:
            continue
        rest = s.value[len(prefix):]
        key = rest.split("/", 1)[0]
        # IRIs under the document (itself, its tasks and targets) relative to it: an unnumbered
        # plan's IRI carries its version key.
        obj = o.value[len(doc):] if isinstance(o, NamedNode) and (o.value == doc or o.value.startswith(doc + "/")) \
            else str(o)
        out.setdefault(key, set()).add((rest, p.value, obj))
    return {k: frozenset(v) for k, v in out.items()}


def tasks_changed(old: dict, new: dict) -> int:
    """old, new (dict): :func:`task_facts` of two versions. RETURNS (int): tasks added, removed or changed."""
    return sum(1 for k in old.keys() | new.keys() if old.get(k) != new.get(k))
