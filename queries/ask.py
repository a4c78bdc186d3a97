"""Plain questions, in English or Vietnamese, mapped onto the named queries.

The question forms are data (``queries/questions.json``): each form names a
query and lists templates such as ``which units lead [the] {concept} tasks``
or ``don vi nao chu tri [cac|nhung] nhiem vu {concept}``. A question is
normalised and folded (no diacritics, lower case), so "don vi nao chu tri dao
tao" and "Đơn vị nào chủ trì đào tạo" are the same question, whatever the tone
placement. Slot text is cut from the normalised question (accents kept) and
resolved:

* ``concept``: the longest SKOS label of ``ontology/themes.ttl``, or phrase of
  ``extract/patterns/theme.jsonl`` / ``activity.jsonl``, found in the slot text.
  Pattern files are compiled to folded phrase lists on first use, so asking
  does not load spaCy.
* ``unit``, ``plan``, ``task``, ``province``: looked up in the store
  (:func:`planlineage.queries.engine.bind_value`).
* ``period``: ``2025``, ``2025-Q3`` or ``2025-07``.

A form whose slots do not all resolve is skipped; a question no form maps
raises :class:`UnknownQuestion`, whose message lists the known forms with an
example each (the CLI exits 2). Nothing is guessed.

>>> parse("Đơn vị nào chủ trì các nhiệm vụ đào tạo?")[0][:2]
('units_leading_topic', {'concept': 'đào tạo'})
>>> parse("don vi nao chu tri dao tao")[0][1]
{'concept': 'dao tao'}
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..graph.bulk import paused_gc
from ..errors import PlanlineageError
from . import engine

QUESTIONS = Path(__file__).resolve().parent / "questions.json"
PATTERN_DIR = Path(__file__).resolve().parent.parent / "extract" / "patterns"
_PERIOD = re.compile(r"^(\d{4})(-q[1-4]|-\d{2})?$")
_TOKEN = re.compile(r"\{(\w+)\}|\[|\]|\(|\)|\||[^\s\[\](){}|]+|\s+")


class UnknownQuestion(PlanlineageError):
    """A question that no known form maps; the message lists the forms with examples."""


@dataclass
class Form:
    """One question form of ``questions.json``.

    id (str): form name.
    query (str): the named query it runs.
    templates (list[str]): folded templates.
    examples (dict[str, str]): an example per language.
    overrides (dict): slot -> {resolved value -> other query name}.
    fixed (dict[str, str]): parameters the form always sets.
    regexes (list[re.Pattern]): compiled templates.
    """

    id: str
    query: str
    templates: list[str]
    examples: dict[str, str]
    overrides: dict = field(default_factory=dict)
    fixed: dict = field(default_factory=dict)
    regexes: list = field(default_factory=list)


def compile_template(template: str) -> re.Pattern:
    """A template as a regular expression over the folded question.

    >>> bool(compile_template("which units lead [the] {concept} tasks").fullmatch("which units lead the x tasks"))
    True
    """
    out = []
    for m in _TOKEN.finditer(template.strip()):
        tok = m.group(0)
        if m.group(1):
            out.append(f"(?P<{m.group(1)}>.+?)")
        elif tok == "[":
            out.append("(?:")
        elif tok == "]":
            out.append(r"\s*)?")
        elif tok == "(":
            out.append("(?:")
        elif tok in (")", "|"):
            out.append(tok)
        elif tok.isspace():
            out.append(r"\s*")
        else:
            left = r"\b" if re.match(r"\w", tok) else ""
            right = r"\b" if re.search(r"\w$", tok) else ""
            out.append(left + re.escape(tok) + right)
    return re.compile("".join(out) + r"\s*[?.!]*\s*")


@lru_cache(maxsize=1)
def forms() -> list[Form]:
    """The question forms of ``questions.json``, templates compiled."""
    try:
        data = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise UnknownQuestion(f"{QUESTIONS}: cannot read question forms ({e})") from None
    out = []
    for item in data["forms"]:
        form = Form(item["id"], item["query"], item["templates"], item["examples"],
                    item.get("overrides", {}), item.get("fixed", {}))
        form.regexes = [compile_template(t) for t in form.templates]
        out.append(form)
    return out


def _fold_char(ch: str) -> str:
    from ..extract.normalize import strip_diacritics

    f = strip_diacritics(ch).lower()
    if ch in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212":
        return "-"
    return f if len(f) == 1 else ch


def fold_aligned(question: str) -> tuple[str, str]:
    """The normalised question and its folded form, of equal length (character i folds to i)."""
    from ..extract.normalize import normalize

    text = normalize(question).replace("\u2019", "'")
    return text, "".join(_fold_char(c) for c in text)


def parse(question: str) -> list[tuple[str, dict[str, str], Form]]:
    """Every (form id, raw slot texts, form) whose template matches the question, in form order.

    question (str): the question as typed.
    RETURNS (list[tuple]): candidates; slots keep the question's own spelling.
    """
    text, folded = fold_aligned(question)
    out = []
    for form in forms():
        for rx in form.regexes:
            m = rx.fullmatch(folded)
            if m:
                slots = {k: text[m.start(k):m.end(k)].strip() for k, v in m.groupdict().items() if v is not None}
                out.append((form.id, slots, form))
                break
    return out


def _pattern_phrases() -> list[tuple[str, str]]:
    """(folded phrase, concept id) from ``extract/patterns/theme.jsonl`` and ``activity.jsonl``.

    Token patterns are flattened when every token is a plain ``LOWER``/``ORTH``/``TEXT``/``NORM``
    string; patterns using operators or sets are left to the extractor.
    """
    from ..extract.nlp import load_patterns
    from ..extract.normalize import fold

    out = []
    for item in load_patterns(PATTERN_DIR, ("theme.jsonl", "activity.jsonl")):
        pattern, cid = item.get("pattern"), item.get("id") or item.get("label", "")
        if isinstance(pattern, str):
            phrase = pattern
        elif isinstance(pattern, list) and all(
                isinstance(t, dict) and len(t) == 1 and isinstance(next(iter(t.values())), str)
                and next(iter(t)) in ("LOWER", "ORTH", "TEXT", "NORM") for t in pattern):
            phrase = " ".join(next(iter(t.values())) for t in pattern)
        else:
            continue
        out.append((fold(phrase), str(cid)))
    return out


@lru_cache(maxsize=1)
def concept_phrases() -> list[tuple[str, str]]:
    """(folded phrase, concept IRI), longest phrase first: SKOS labels plus pattern-file phrases."""
    by_local = {}
    out = []
    for iri, local, labels in engine.concepts():
        if local == "other":
            continue
        by_local[local] = iri
        by_local.setdefault(local.rsplit("/", 1)[-1], iri)
        out += [(lab, iri) for lab in labels]
    labelled = {phrase for phrase, _ in out}
    for phrase, cid in _pattern_phrases():
        # The ontology's labels win: a cue word the extractor files under a theme
        # ("đào tạo" -> human_resources) stays the activity the SKOS labels say it is.
        key = cid.lower().rsplit(".", 1)[-1]
        iri = by_local.get(key) or by_local.get(f"activity/{key}")
        if iri and phrase and phrase not in labelled:
            out.append((phrase, iri))
    return sorted(set(out), key=lambda p: (-len(p[0]), p[1].count("/activity/")))


def find_concept_in(text: str) -> str | None:
    """The concept whose longest label occurs (whole words, folded) in ``text``.

    >>> find_concept_in("officials' training").rsplit("/", 1)[-1]
    'training'
    >>> find_concept_in("the weather") is None
    True
    """
    folded = " " + re.sub(r"[^\w/]+", " ", fold_aligned(text)[1]) + " "
    for phrase, iri in concept_phrases():
        if f" {phrase} " in folded:
            return iri
    return None


@dataclass
class Mapping:
    """A question mapped onto a named query.

    form (str): the form id.
    query (NamedQuery): the query to run.
    params (dict[str, str]): parameter values (concepts as IRIs).
    reading (str): one line saying what was understood. count (bool): a count was asked.
    """

    form: str
    query: engine.NamedQuery
    params: dict
    reading: str = ""
    count: bool = False


def _resolve(store, form: Form, slots: dict[str, str]) -> Mapping | None:
    params = dict(form.fixed)
    query_name = form.query
    for slot, raw in slots.items():
        if slot == "concept":
            iri = find_concept_in(raw)
            if iri is None:
                return None
            params["concept"] = iri
            query_name = form.overrides.get("concept", {}).get(iri, query_name)
        elif slot == "period":
            value = raw.lower().replace(" ", "")
            if not _PERIOD.match(value):
                return None
            params["period"] = value.upper().replace("-Q", "-Q")
        else:
            params[slot] = raw
    query = engine.load_query(query_name)
    declared = {p.name: p for p in query.params}
    if "period" in params and "period" not in declared:
        params["year"] = params.pop("period")
    params = {k: v for k, v in params.items() if k in declared}
    for name, value in params.items():
        try:
            engine.bind_value(store, declared[name], value)
        except PlanlineageError:
            return None
    return Mapping(form.id, query, params)


def known_forms() -> str:
    """The question forms with one example per language, for the 'cannot map' answer."""
    lines = []
    for form in forms():
        ex = form.examples
        lines.append(f"  {form.id}: \"{ex.get('en', '')}\" / \"{ex.get('vi', '')}\"")
    return "\n".join(lines)


def map_question(store, question: str) -> Mapping:
    """The named query and parameters that answer ``question``.

    The question is read by its parts first (:func:`planlineage.queries.understand.read`); the
    template forms of ``questions.json`` are tried when no reading composes a query.

    store (GraphStore): used to check that units, plans, tasks and provinces exist.
    RETURNS (Mapping): with ``reading``, the one line saying what was understood.
    RAISES UnknownQuestion: with the nearest readings and the known forms (the CLI exits 2).
    """
    from . import understand

    reading = understand.read(store, question)
    if reading.query is not None:
        query = engine.load_query(reading.query)
        try:
            engine.bind_params(store, query, reading.params)
        except PlanlineageError:
            pass
        else:
            return Mapping(reading.asked or reading.query, query, reading.params, reading.line(), reading.count)
    for _, slots, form in parse(question):
        mapping = _resolve(store, form, slots)
        if mapping is not None:
            shown = " · ".join([understand.cues()["titles"].get(mapping.query.name, mapping.query.name)]
                               + [f"{k}: {v.rsplit('/', 1)[-1]}" for k, v in mapping.params.items()])
            mapping.reading = shown
            return mapping
    near = understand.nearest(store, question, reading)
    near_text = "".join(f"\n  {n}" for n in near) or "\n  (none)"
    raise UnknownQuestion(f"I cannot map this question onto a query: {question!r}\n"
                          f"Nearest readings:{near_text}\n"
                          f"Questions I know (English / Vietnamese):\n{known_forms()}")


def label_of(value, lang: str = "en"):
    """A theme, activity, frequency or level by its label in ``lang`` (other values unchanged).

    >>> label_of("https://w3id.org/planlineage/theme/human_resources", "vi")
    'Phát triển nguồn nhân lực'
    >>> label_of("http://purl.org/cld/freq/annual"), label_of("commune", "vi")
    ('annual', 'cấp xã')
    """
    if not isinstance(value, str):
        return value
    if value.startswith("http"):
        if value.startswith(_THEME_NS):
            from .understand import concept_label

            return concept_label(value, lang)
        if value.startswith(engine.FREQ):
            return value[len(engine.FREQ):]
        return value
    if value in ("province", "commune"):
        from .understand import cues

        return cues()["level_labels"][value][lang]
    return value


_THEME_NS = "https://w3id.org/planlineage/theme/"


def _json_rows(answer: engine.Answer, lang: str = "en") -> tuple[list[str], list[dict]]:
    """Rows as plain values; a column X with a label column XLabel shows the label as X and the IRI as X_iri.
    Themes, frequencies and levels are shown by their label in ``lang``; list cells are sorted."""
    from .formats import to_python

    labelled = {c[:-5] for c in answer.columns if c.endswith("Label") and c[:-5] in answer.columns}
    columns = []
    for c in answer.columns:
        if c in labelled:
            columns.append(c + "_iri")
        elif c.endswith("Label") and c[:-5] in labelled:
            columns.append(c[:-5])
        elif c.endswith("Label") and c[:-5] not in answer.columns:
            columns.append(c[:-5])
        else:
            columns.append(c)
    rows = []
    for row in answer.rows:
        out = {}
        for src, dst in zip(answer.columns, columns):
            value = to_python(row.get(src))
            if src in answer.lists:
                value = sorted(v for v in (value or "").split(engine.LIST_SEPARATOR) if v)
            elif not dst.endswith("_iri"):
                value = label_of(value, lang)
            out[dst] = value
        rows.append(out)
    return columns, rows


def ask(store, question: str, lang: str = "en") -> dict:
    """Answer a plain question.

    store (GraphStore): an open store.
    question (str): English or Vietnamese question.
    lang (str): language of theme, frequency and level labels ("en" or "vi").
    RETURNS (dict): ``{"question", "reading", "form", "query", "params", "sparql", "columns", "rows", "count"}``
        with rows as plain values (lists for list columns); count is the number of rows when a count was asked.
    """
    mapping = map_question(store, question)
    answer = engine.run_query(store, mapping.query, mapping.params)
    with paused_gc():
        columns, rows = _json_rows(answer, lang)
    _show_localities(store, columns, rows)
    return {"question": question, "reading": mapping.reading, "form": mapping.form, "query": mapping.query.name,
            "params": mapping.params, "sparql": engine.variant(mapping.query, mapping.params).text,
            "columns": columns, "rows": rows, "count": len(rows) if mapping.count else None, "answer": answer}


def _show_localities(store, columns: list[str], rows: list[dict]) -> None:
    """Two units of the same name in different localities: each named with its locality, "Sở Y tế (An Giang)".

    The locality is the place a unit's IRI is minted under (``.../id/unit/<place>/<name>``, graph/iris.py),
    named by that place's label; the places are looked up once each, not once per unit.
    """
    for col in [c[:-4] for c in columns if c.endswith("_iri") and c[:-4] in columns]:
        iris: dict[str, set] = {}
        for r in rows:
            if isinstance(r.get(col), str) and isinstance(r.get(col + "_iri"), str):
                iris.setdefault(r[col], set()).add(r[col + "_iri"])
        place_of = {i: i.split("/id/unit/", 1)[1].split("/")[0] for s in iris.values() if len(s) > 1 for i in s
                    if "/id/unit/" in i and i.split("/id/unit/", 1)[1].count("/") == 1}
        if not place_of:
            continue
        import pyoxigraph

        base = next(iter(place_of)).split("/id/unit/", 1)[0] + "/id/place/"
        values = " ".join(str(pyoxigraph.NamedNode(base + p)) for p in sorted(set(place_of.values())))
        label = {r["p"].value[len(base):]: r["l"].value for r in store.query(
            f"SELECT ?p ?l WHERE {{ VALUES ?p {{ {values} }} ?p <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}").rows}
        for r in rows:
            where = label.get(place_of.get(r.get(col + "_iri")))
            if where:
                r[col] = f"{r[col]} ({where})"


def list_forms() -> str:
    """What can be asked: each question form with an English and a Vietnamese example."""
    lines = []
    for form in forms():
        ex = form.examples
        lines.append(f"{form.id} ({form.query})\n  en: {ex.get('en', '')}\n  vi: {ex.get('vi', '')}")
    return "\n".join(lines)


def to_table(result: dict, width: int = 50) -> str:
    """An answer as aligned text: labels rather than IRIs, lists joined with ", ", cells cut to ``width``."""
    cols = [c for c in result["columns"] if not c.endswith("_iri")]

    def cell(v) -> str:
        text = ", ".join(map(str, v)) if isinstance(v, list) else "" if v is None else str(v)
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cell(r.get(c)) for c in cols] for r in result["rows"]]
    head = [result["reading"]] if result.get("reading") else []
    if result.get("count") is not None:
        head.append(f"{result['count']} rows")
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(head + (lines if cells else lines + ["(no answer)"]))
