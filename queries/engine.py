"""Named SPARQL queries: list them, read their headers, bind parameters as RDF terms, run them.

Each question the product answers is one ``queries/<name>.rq`` file whose
comment header says what it answers, its parameters and an example (grlc's
``#+`` convention)::

    #+ summary: Units leading training tasks, per plan.
    #+ params: province (province, optional), plan (plan, optional)
    #+ lists: tasks
    #+ example: planlineage query units_leading_training --format json

A parameter is written ``name (kind: help, optional)``. The value a user gives
is turned into an RDF term according to its kind (a plan is looked up with
``graph.resolve.find_plan``, a unit by its folded name, a concept by the SKOS
labels of ``ontology/themes.ttl``, a period becomes a plain literal) and bound
in a VALUES block at the start of the WHERE clause, built from the serialised
terms (``graph.store.with_values``), the same on the embedded store and on a
remote endpoint. pyoxigraph substitutions are not used: they require the variable
in the SELECT projection and do not reach FILTERs, so optional parameters
(``FILTER(!BOUND(?province) || ...)``) and periods (``STRSTARTS``) would break.
Values are never pasted into query text as such, so a value such as
``2025" } UNION { ?s ?p ?o`` cannot change the query. ``lists`` names the
columns that are ``|``-separated lists (GROUP_CONCAT), split back into lists
for JSON answers.

A unit name usually names many units (one "Công an xã" per commune). A query
that uses ``?<param>Key`` (``?unit pl:nameKey ?unitKey``) gets the folded name
bound there, as one term, and runs once for all of them; otherwise it runs once
per unit IRI (slow for a common name: ~1,700 runs in the nationwide benchmark).

>>> [q.name for q in list_queries()][:3]
['coverage_gaps', 'external_parents', 'finding_deadlines']
>>> load_query("tasks_due").params[0].kind
'period'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import PlanlineageError

QUERY_DIR = Path(__file__).resolve().parent
THEMES_TTL = QUERY_DIR.parent / "ontology" / "themes.ttl"
LIST_SEPARATOR = "|"
FREQ = "http://purl.org/cld/freq/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*(?:\((.*)\))?$")
KINDS = ("plan", "task", "unit", "concept", "province", "period", "frequency", "role", "iri", "string")
PL = "https://w3id.org/planlineage/ontology#"
NAME_KEY = PL + "nameKey"
ROLES = {"lead": "leadUnit", "cooperate": "cooperatingUnit"}
FREQUENCIES = ("annual", "quarterly", "continuous")


class QueryError(PlanlineageError):
    """A named query that cannot be found, parsed or bound."""


@dataclass
class Param:
    """One declared parameter of a named query.

    name (str): the SPARQL variable it binds (without ``?``).
    kind (str): how a value becomes a term, one of ``KINDS``.
    help (str): what to give, from the header.
    optional (bool): whether the query runs without it.
    """

    name: str
    kind: str
    help: str = ""
    optional: bool = False


@dataclass
class NamedQuery:
    """A ``.rq`` file with its parsed header.

    name (str): file stem.
    path (Path): the file.
    text (str): the SPARQL text (header included; it is comments).
    summary (str): one line saying what it answers.
    params (list[Param]): declared parameters.
    lists (list[str]): columns holding ``|``-separated lists.
    example (str): a command line that runs it.
    """

    name: str
    path: Path
    text: str
    summary: str = ""
    params: list[Param] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    example: str = ""


def example_params(query: NamedQuery) -> dict[str, str]:
    """The parameter values of the query's ``#+ example`` command line.

    >>> example_params(load_query("tasks_due"))
    {'year': '2025'}
    """
    import shlex

    args = shlex.split(query.example or "")
    return dict(args[i + 1].split("=", 1) for i, a in enumerate(args[:-1]) if a in ("--param", "-p"))


def _split_top(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _parse_params(text: str, path: Path) -> list[Param]:
    if text.strip().lower() in ("", "none"):
        return []
    params = []
    for part in _split_top(text):
        m = _PARAM.match(part)
        if not m:
            raise QueryError(f"{path}: cannot read parameter {part!r} (expected 'name (kind: help, optional)')")
        name, inner = m.group(1), (m.group(2) or "string")
        kind, _, help_ = inner.partition(":")
        kind = kind.strip()
        optional = bool(re.search(r"\boptional\b", inner))
        kind = kind.replace(", optional", "").replace("optional", "").strip(" ,") or "string"
        if kind not in KINDS:
            raise QueryError(f"{path}: parameter {name!r} has unknown kind {kind!r}; known: {', '.join(KINDS)}")
        params.append(Param(name, kind, help_.replace(", optional", "").strip(), optional))
    return params


def parse_query_file(path: Path) -> NamedQuery:
    """Read a ``.rq`` file and its ``#+`` header.

    path (Path): the file.
    RETURNS (NamedQuery): the query with summary, params, lists and example.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise QueryError(f"{path}: cannot read query file ({e.strerror})") from None
    query = NamedQuery(path.stem, path, text)
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "summary":
            query.summary = value
        elif key == "params":
            query.params = _parse_params(value, path)
        elif key == "lists":
            query.lists = [v.strip() for v in value.split(",") if v.strip()]
        elif key == "example":
            query.example = value
    return query


def list_queries(directory: Path = QUERY_DIR) -> list[NamedQuery]:
    """Every named query of ``directory``, sorted by name.

    RETURNS (list[NamedQuery]): the parsed files.
    """
    return [parse_query_file(p) for p in sorted(directory.glob("*.rq"))]


def load_query(name_or_path: str | Path) -> NamedQuery:
    """A named query by name (``tasks_due``) or a ``.rq`` file path.

    RETURNS (NamedQuery): the query; QueryError names the known queries when not found.
    """
    text = str(name_or_path)
    # A path must look like one: a file of the current folder named like a bundled query
    # ("tasks_due") never replaces it.
    if text.endswith(".rq") or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise QueryError(f"{path}: no such query file")
        return parse_query_file(path)
    path = QUERY_DIR / f"{text}.rq"
    if not path.is_file():
        known = ", ".join(q.name for q in list_queries())
        raise QueryError(f"{text}: no such named query; known: {known}")
    return parse_query_file(path)


# --- turning parameter values into RDF terms -------------------------------------------------


@lru_cache(maxsize=1)
def concepts() -> list[tuple[str, str, list[str]]]:
    """SKOS concepts of ``ontology/themes.ttl``: (IRI, local name, folded labels), themes first.

    RETURNS (list[tuple]): one entry per concept; labels are prefLabel, altLabel,
        notation-free local name, all folded (no diacritics, lower case).
    """
    import pyoxigraph

    from ..extract.normalize import fold

    labels: dict[str, list[str]] = {}
    with open(THEMES_TTL, "rb") as f:
        for t in pyoxigraph.parse(f, format=pyoxigraph.RdfFormat.TURTLE):
            if t.predicate.value in (SKOS + "prefLabel", SKOS + "altLabel"):
                labels.setdefault(t.subject.value, []).append(fold(t.object.value))
    out = []
    for iri, labs in labels.items():
        local = iri.rsplit("/theme/", 1)[-1]
        if not local or local in ("directive38", "activities"):
            continue
        name = local.rsplit("/", 1)[-1]
        labs = [name.replace("_", " ")] + labs
        out.append((iri, local, sorted(set(labs), key=len, reverse=True)))
    out.sort(key=lambda c: c[1].startswith("activity/"))
    return out


def find_concept(text: str) -> str | None:
    """The concept IRI whose label, or local name, equals ``text`` (folded); themes before activities.

    >>> find_concept("Đào tạo").rsplit("/", 2)[-2:]
    ['activity', 'training']
    >>> find_concept("kiem tra").rsplit("/", 1)[-1]
    'inspection'
    """
    from ..extract.normalize import fold

    key = fold(text).replace("_", " ")
    for iri, local, labs in concepts():
        if text == iri or key == iri.lower() or key == local.replace("_", " ") or key in labs:
            return iri
    return None


def _literal(value: str):
    import pyoxigraph

    return pyoxigraph.Literal(value)


def _distinct_values(store, sparql: str) -> list:
    return [row.get("v") for row in store.query(sparql).rows]


def _all_unit_names(store) -> list:
    return store.query(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX org: <http://www.w3.org/ns/org#> "
        "SELECT DISTINCT ?u ?l WHERE { ?u a org:Organization ; skos:prefLabel ?l }"
    ).rows


def _units_with_key(store, key: str) -> list:
    """Units whose ``pl:nameKey`` (folded name, derived graph) is ``key``: one indexed look-up."""
    import pyoxigraph

    if not key:
        return []
    rows = store.query(f"SELECT DISTINCT ?u ?k WHERE {{ ?u <{NAME_KEY}> ?k }}", {"k": pyoxigraph.Literal(key)}).rows
    return [r["u"] for r in rows]


def find_units(store, text: str) -> list:
    """Units whose folded name equals ``text`` folded, or failing that contains it.

    store (GraphStore): the store.
    text (str): a unit name or IRI.
    RETURNS (list[NamedNode]): matching unit IRIs (several when the name exists in several localities).
    """
    import pyoxigraph

    from ..extract.normalize import fold

    if text.startswith("http://") or text.startswith("https://"):
        return [pyoxigraph.NamedNode(text)]
    key = fold(text)
    exact = _units_with_key(store, key)
    if exact:
        return exact
    # No unit has exactly that name: compare the name with every unit's.
    rows = _all_unit_names(store)
    exact = [r["u"] for r in rows if fold(r["l"].value) == key]
    if exact:
        return exact
    return [r["u"] for r in rows if key and key in fold(r["l"].value)]


def unit_keys(store, text: str) -> list:
    """The ``pl:nameKey`` terms that find the units :func:`find_units` finds for a name.

    store (GraphStore): the store.
    text (str): a unit name.
    RETURNS (list[Literal]): the folded name when a unit has exactly that name, else the folded names
        of the units whose name contains it; empty when none does.
    """
    import pyoxigraph

    from ..extract.normalize import fold

    key = fold(text)
    if _units_with_key(store, key):
        return [pyoxigraph.Literal(key)]
    names = {fold(r["l"].value) for r in _all_unit_names(store)}
    return [pyoxigraph.Literal(k) for k in sorted(names) if key and key in k]


def bind_value(store, param: Param, value: str) -> list:
    """Turn one user value into the RDF term(s) for ``param``.

    store (GraphStore): used to look up plans, tasks, units and provinces.
    param (Param): the declared parameter.
    value (str): what the user gave.
    RETURNS (list[Term]): one term, or several for a unit name found in several localities.
    """
    import pyoxigraph

    from ..extract.normalize import fold

    kind = param.kind
    if kind == "plan":
        from ..graph.resolve import find_plan

        iri = find_plan(store, value)
        if iri is None:
            raise QueryError(f"{param.name}={value!r}: no plan or document in the store matches")
        return [iri if isinstance(iri, pyoxigraph.NamedNode) else pyoxigraph.NamedNode(str(iri))]
    if kind == "task":
        from ..graph.resolve import find_task

        iri = find_task(store, value)
        if iri is None:
            raise QueryError(f"{param.name}={value!r}: no task in the store matches (give '<file name>#<ref>')")
        return [iri if isinstance(iri, pyoxigraph.NamedNode) else pyoxigraph.NamedNode(str(iri))]
    if kind == "unit":
        units = find_units(store, value)
        if not units:
            raise QueryError(f"{param.name}={value!r}: no unit in the store has that name")
        return units
    if kind == "concept":
        iri = find_concept(value)
        if iri is None:
            names = ", ".join(local for _, local, _ in concepts())
            raise QueryError(f"{param.name}={value!r}: not a theme or activity; known: {names}")
        return [pyoxigraph.NamedNode(iri)]
    if kind == "province":
        provinces = _distinct_values(
            store, "SELECT DISTINCT ?v WHERE { ?p <https://w3id.org/planlineage/ontology#province> ?v }")
        match = [p for p in provinces if p is not None and fold(p.value) == fold(value)]
        return match or [_literal(value)]
    if kind == "frequency":
        name = fold(value)
        if name not in FREQUENCIES:
            raise QueryError(f"{param.name}={value!r}: give annual, quarterly or continuous")
        return [pyoxigraph.NamedNode(FREQ + name)]
    if kind == "role":
        if fold(value) not in ROLES:
            raise QueryError(f"{param.name}={value!r}: give lead or cooperate")
        return [pyoxigraph.NamedNode(PL + ROLES[fold(value)])]
    if kind == "iri":
        return [pyoxigraph.NamedNode(value)]
    return [_literal(value)]


def bind_params(store, query: NamedQuery, values: dict[str, str]) -> list[dict]:
    """Check the user's values against the header and turn them into binding sets.

    RETURNS (list[dict[str, Term]]): one bindings dict per combination (a unit name
        matching two units gives two).
    """
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        have = ", ".join(declared) or "none"
        raise QueryError(f"{query.name}: unknown parameter {unknown[0]!r}; parameters: {have}")
    missing = [p.name for p in query.params if not p.optional and p.name not in values]
    if missing:
        raise QueryError(f"{query.name}: missing parameter {missing[0]!r} ({declared[missing[0]].help})"
                         f"; example: {query.example}")
    sets: list[dict] = [{}]
    body = query_body(query.text)
    # In the order of the header, whatever the order given: the same values give the same query text
    # (the key of a kept answer).
    for name, value in sorted(values.items(), key=lambda kv: list(declared).index(kv[0])):
        var = name
        if declared[name].kind == "unit" and re.search(rf"\?{name}Key\b", body) \
                and not value.startswith(("http://", "https://")):
            # The query joins units on their folded name: one run for all the units of a name.
            var, terms = name + "Key", unit_keys(store, value)
            if not terms:
                raise QueryError(f"{name}={value!r}: no unit in the store has that name")
        else:
            terms = bind_value(store, declared[name], value)
        sets = [dict(s, **{var: t}) for s in sets for t in terms]
    return sets


@dataclass
class Answer:
    """The result of a named query: SELECT rows, an ASK boolean or CONSTRUCT triples.

    columns (list[str]): SELECT variables.
    rows (list[dict[str, Term | None]]): solutions.
    boolean (bool | None): ASK answer.
    graph (list | None): CONSTRUCT/DESCRIBE triples.
    lists (list[str]): columns holding ``|``-separated lists.
    """

    columns: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    graph: list | None = None
    lists: list[str] = field(default_factory=list)


def query_body(text: str) -> str:
    """The query without its leading comment header (so a header can never hold the WHERE that values bind to)."""
    lines = text.splitlines()
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return "\n".join(lines) + "\n"


VARIANT_DIR = QUERY_DIR / "variants"


def variant(query: NamedQuery, params: dict[str, str]) -> NamedQuery:
    """The text to run for these values: ``variants/<name>+<param>[+<param>].rq`` when the optional
    parameters given are exactly those, else the query itself.

    A variant answers the same question with the same columns and order, written to start from the
    bound value: oxigraph does not reorder an ``OPTIONAL``/``FILTER(!BOUND(?p) || ...)`` filter
    ahead of the other patterns, so "units leading inspection tasks in Quảng Ngãi" read every
    inspection task of the country first (0.2-0.47 s at 3,435 documents; the variant: 33 ms).
    tests/test_queries.py checks that every variant gives its query's rows in its query's order.

    >>> variant(load_query("units_leading_topic"), {"concept": "training", "province": "Huế"}).path.name
    'units_leading_topic+province.rq'
    >>> variant(load_query("units_leading_topic"), {"concept": "training"}).name
    'units_leading_topic'
    """
    optional = sorted(p.name for p in query.params if p.optional and p.name in params)
    if not optional or query.path.parent != QUERY_DIR:
        return query
    path = VARIANT_DIR / f"{query.name}+{'+'.join(optional)}.rq"
    return parse_query_file(path) if path.is_file() else query


def query_texts(store, query: NamedQuery, params: dict[str, str]) -> list[str]:
    """store (GraphStore): the graph. query (NamedQuery): the query. params (dict[str, str]): values.
    RETURNS (list[str]): the texts :func:`run_query` runs for them, one per binding set."""
    from ..graph.store import with_values

    body = query_body(variant(query, params).text)
    return [with_values(body, b) if b else body for b in bind_params(store, query, params)]


def run_query(store, query: NamedQuery | str, params: dict[str, str] | None = None) -> Answer:
    """Run a named query (or a ``.rq`` path) with its parameters bound as RDF terms.

    A materialised answer of the same text (:func:`precompute_answers`) is read instead of
    running the query.

    store (GraphStore): an open store (``graph.store.open_store``).
    query (NamedQuery | str): the query or its name/path.
    params (dict[str, str]): parameter values as the user wrote them.
    RETURNS (Answer): columns and rows (merged over multi-valued bindings), or boolean/graph.
    """
    if not isinstance(query, NamedQuery):
        query = load_query(query)
    answer = Answer(lists=list(query.lists))
    seen = set()
    texts = query_texts(store, query, params or {})
    for text in texts:
        res = store.cached(text) or store.query(text)
        if getattr(res, "boolean", None) is not None and not res.columns:
            answer.boolean = bool(answer.boolean) or bool(res.boolean)
            continue
        if getattr(res, "graph", None) is not None and not res.columns:
            answer.graph = (answer.graph or []) + list(res.graph)
            continue
        answer.columns = list(res.columns)
        for row in res.rows:
            _sort_lists(row, answer.lists)
            key = tuple(map(row.get, res.columns))
            if key not in seen:
                seen.add(key)
                answer.rows.append(row)
    return answer


def _sort_lists(row: dict, lists) -> None:
    """Put the values of each ``|``-separated list cell in sorted order: SPARQL leaves the order of
    GROUP_CONCAT open, and two engines (oxigraph, Virtuoso) give the same list in different orders."""
    for c in lists:
        term = row.get(c)
        if term is not None and "|" in term.value:
            row[c] = _literal("|".join(sorted(term.value.split("|"))))


def _years(store) -> list[str]:
    """The years in which tasks of the store end (the periods worth answering in advance)."""
    rows = store.query("SELECT DISTINCT ?y WHERE { ?t <http://www.w3.org/2006/time#hasEnd> ?e "
                       "BIND(SUBSTR(STR(?e), 1, 4) AS ?y) }").rows
    return sorted(r["y"].value for r in rows if r["y"] is not None and r["y"].value.isdigit())


#: A unit name shared by at least this many units ("Công an xã": one per commune) is answered in
#: advance: its tasks are thousands of rows (6,696 for "Công an xã" in the nationwide benchmark,
#: 0.28 s live), where a name of a few units answers live in milliseconds.
COMMON_NAME_UNITS = 100


def _common_unit_names(store, least: int = COMMON_NAME_UNITS) -> list[str]:
    """The folded names shared by at least ``least`` units of the store."""
    rows = store.query(f"SELECT ?k WHERE {{ ?u <{NAME_KEY}> ?k }} GROUP BY ?k "
                       f"HAVING (COUNT(?u) >= {int(least)})").rows
    return sorted(r["k"].value for r in rows)


#: Parameter kinds whose values can be listed in advance (so answers can be kept for each):
#: kind -> function of (store, common) giving the values, None when they need a store and have none.
ENUMERABLE = {"concept": lambda store, common: [local for _, local, _ in concepts()],
              "frequency": lambda store, common: list(FREQUENCIES),
              "role": lambda store, common: list(ROLES),
              "period": lambda store, common: None if store is None else _years(store),
              "unit": lambda store, common: None if store is None else _common_unit_names(store, common)}
#: Kinds with a short fixed list of values: an optional parameter of these is answered for each too.
FEW_VALUES = ("concept", "frequency", "role")


def answer_sets(query: NamedQuery, store=None, common: int = COMMON_NAME_UNITS) -> list[dict[str, str]]:
    """The parameter values whose answers a build keeps for a SELECT query: none when a required
    parameter has open values (a plan, a task), otherwise every combination of the values of the
    required enumerable ones (a period: each year in which tasks end; a unit: each name shared by
    COMMON_NAME_UNITS units or more), and each value of an optional one of few values.

    query (NamedQuery): the query. store (GraphStore | None): where to list values (None: no periods
        or units). common (int): how many units must share a name for it to be answered in advance.
    RETURNS (list[dict[str, str]]): parameter values, one dict per answer.

    >>> answer_sets(load_query("unit_workload"))
    [{}]
    >>> len(answer_sets(load_query("units_leading_topic"))) == len(concepts())
    True
    >>> answer_sets(load_query("unit_tasks"))
    []
    >>> answer_sets(load_query("tasks_recurring"))
    [{}, {'frequency': 'annual'}, {'frequency': 'quarterly'}, {'frequency': 'continuous'}]
    """
    if not re.match(r"(?:\s*PREFIX[^\n]*\n|\s*#[^\n]*\n|\s*\n)*\s*SELECT\b", query_body(query.text), re.IGNORECASE):
        return []
    sets: list[dict[str, str]] = [{}]
    for p in query.params:
        if p.optional:
            continue
        values = ENUMERABLE[p.kind](store, common) if p.kind in ENUMERABLE else None
        if values is None:
            return []
        sets = [dict(s, **{p.name: v}) for s in sets for v in values]
    extra = [dict(s, **{p.name: v}) for p in query.params if p.optional and p.kind in FEW_VALUES
             for s in sets for v in ENUMERABLE[p.kind](store, common)]
    return sets + extra


def precompute_answers(store, progress=None, common: int = COMMON_NAME_UNITS) -> int:
    """Materialise the answers of the corpus-wide named queries (graph/answers.py).

    Run after a build or a remove: every SELECT query whose parameters are optional or
    enumerable, for each value (:func:`answer_sets`). Answers already there are kept.

    store (GraphStore): a store open for writing, its union sealed.
    progress (callable | None): called with the query name after each query.
    common (int): unit names shared by this many units are answered in advance (see answer_sets).
    RETURNS (int): answers written (0 when the store cannot keep answers: read-only, remote).
    """
    written = 0
    for query in list_queries():
        for params in answer_sets(query, store, common):
            for text in query_texts(store, query, params):
                if not store.has_answer(text):
                    res = store.query(text)
                    if not store.remember(text, res):
                        return written
                    written += 1
        if progress is not None:
            progress(query.name)
    return written
