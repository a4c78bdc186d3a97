"""Understanding a question by its parts: the entities it names and the thing it asks for.

A question is normalised, its abbreviations written out as the extractor does
(``extract/lexicon/abbreviations.tsv``: "Sở KH&CN" -> "Sở Khoa học và Công
nghệ") and folded (no diacritics, lower case). Entities are then found anywhere
in it, longest first, from the store and the ontology:

* task references (``004_x.txt#3.1``), plan file names and document numbers
  ("40/KH-UBND", "Chỉ thị 38", "Directive 38"), a plan named by its place
  ("the Quảng Ngãi province plan", "kế hoạch của phường Đức Phổ");
* units, by their folded name (``pl:nameKey``), provinces and communes of the plans;
* themes and activities (SKOS labels of ``ontology/themes.ttl`` and the extractor's patterns);
* dates and periods ("by the end of 2025", "trước ngày 31/12/2025", "quý III/2025", "Q3 2025", "in 2030").

What remains is read with the cue words of ``queries/cues.json`` (a data file
with its origin): the role (lead: chủ trì, phụ trách, đảm nhiệm, responsible for,
in charge of; cooperate: phối hợp, supports), levels, frequencies, counts and
rankings, and what is asked (units, tasks, plans, targets, lineage, implementers,
gaps, ...). :data:`RULES` composes those into a named query and its parameters.

>>> from planlineage.queries.understand import periods_in
>>> periods_in("nhiem vu nao phai hoan thanh truoc ngay 31/12/2025")
[('by', '2025-12-31', (40, 50))]
>>> periods_in("what is due in q3 2025")
[('in', '2025-Q3', (15, 22))]
"""
from __future__ import annotations

import difflib
import json
import re
import weakref
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from ..errors import PlanlineageError

CUES = Path(__file__).resolve().parent / "cues.json"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4,
          "first": 1, "second": 2, "third": 3, "fourth": 4}
_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december".split())}
_LAST = {1: "03-31", 2: "06-30", 3: "09-30", 4: "12-31"}
_DOC_TYPES = {"chi thi": "CT", "directive": "CT", "quyet dinh": "QĐ", "decision": "QĐ", "ke hoach": "KH",
              "plan": "KH", "nghi quyet": "NQ", "resolution": "NQ"}


class CueError(PlanlineageError):
    """The cue file cannot be read."""


@lru_cache(maxsize=1)
def cues() -> dict:
    """The cue words of ``queries/cues.json``."""
    try:
        return json.loads(CUES.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise CueError(f"{CUES}: cannot read cue words ({e})") from None


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_/"


def _has(text: str, phrase: str) -> tuple[int, int] | None:
    """The span of ``phrase`` in ``text`` as whole words (no letter, digit or "/" next to it), or None."""
    start = 0
    while phrase:
        i = text.find(phrase, start)
        if i < 0:
            return None
        j = i + len(phrase)
        if (i == 0 or not _word_char(text[i - 1])) and (j == len(text) or not _word_char(text[j])):
            return i, j
        start = i + 1
    return None


def _any(text: str, phrases) -> str | None:
    """The longest phrase of ``phrases`` that occurs in ``text`` (whole words)."""
    for p in sorted(phrases, key=len, reverse=True):
        if _has(text, p):
            return p
    return None


# --- periods ---------------------------------------------------------------------------------

_PERIOD_RX = [
    ("day", re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")),
    ("day", re.compile(r"ngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})")),
    ("day_name", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(_MONTHS) + r"),? (\d{4})")),
    ("name_day", re.compile(r"\b(" + "|".join(_MONTHS) + r") (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})")),
    ("iso", re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")),
    ("quarter", re.compile(r"\bquy (iv|iii|ii|i|[1-4])\s*(?:/|nam|-)?\s*(\d{4})")),
    ("quarter", re.compile(r"\b(first|second|third|fourth) quarter(?: of)?\s+(\d{4})")),
    ("quarter", re.compile(r"\bq([1-4])[\s/-]*(\d{4})")),
    ("quarter_iso", re.compile(r"\b(\d{4})-q([1-4])\b")),
    ("month", re.compile(r"\bthang (\d{1,2})\s*(?:/|nam|-)\s*(\d{4})")),
    ("month_name", re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{4})")),
    ("month_iso", re.compile(r"(?<![\d/])(\d{4})-(\d{2})(?![\d-])")),
    ("year", re.compile(r"(?<![\d/.-])((?:19|20)\d\d)(?![\d/-])")),
]


def periods_in(folded: str) -> list[tuple[str, str, tuple[int, int]]]:
    """(mode, value, span) of each date or period of a folded question.

    mode is "by" when a by-cue ("by", "before", "trước", "đến hết") comes right before it,
    else "in". value is a day ``YYYY-MM-DD`` for "by" (the last day of the period; "before
    2026" is 2025-12-31) and ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM`` for "in".
    """
    out, taken = [], []
    for kind, rx in _PERIOD_RX:
        for m in rx.finditer(folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            g = m.groups()
            if kind == "day":
                day, last = f"{g[2]}-{int(g[1]):02d}-{int(g[0]):02d}", None
            elif kind in ("day_name", "name_day"):
                d, mo = (g[0], g[1]) if kind == "day_name" else (g[1], g[0])
                day, last = f"{g[2]}-{_MONTHS[mo]:02d}-{int(d):02d}", None
            elif kind == "iso":
                day, last = f"{g[0]}-{g[1]}-{g[2]}", None
            elif kind == "quarter":
                q, y = _ROMAN[g[0]], g[1]
                day, last = f"{y}-Q{q}", f"{y}-{_LAST[q]}"
            elif kind == "quarter_iso":
                day, last = f"{g[0]}-Q{g[1]}", f"{g[0]}-{_LAST[int(g[1])]}"
            elif kind in ("month", "month_name", "month_iso"):
                mo, y = (_MONTHS[g[0]], g[1]) if kind == "month_name" else \
                    (int(g[1]), g[0]) if kind == "month_iso" else (int(g[0]), g[1])
                if not 1 <= mo <= 12:
                    continue
                day, last = f"{y}-{mo:02d}", f"{y}-{mo:02d}-31"
            else:
                day, last = g[0], f"{g[0]}-12-31"
            taken.append(m.span())
            words = folded[:m.start()].split()
            popped = []
            while words and words[-1] in cues()["date_fillers"]:
                popped.append(words.pop())
            tail = " " + " ".join(words[-4:])
            by = any(tail.endswith(" " + p) for p in cues()["by_date"])
            # "before 2026" ends on 2025-12-31; "before the end of 2025", "trước cuối năm 2025" on 2025-12-31
            before_cue = bool(words) and words[-1] in ("before", "truoc") and not {"end", "cuoi"} & set(popped)
            if by or before_cue:
                if before_cue and kind == "year":
                    value = f"{int(g[0]) - 1}-12-31"
                else:
                    value = last or day
                out.append(("by", value, m.span()))
            else:
                out.append(("in", day, m.span()))
    return sorted(out, key=lambda p: p[2])


# --- the store's vocabulary ------------------------------------------------------------------

_VOCAB: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
PL = "https://w3id.org/planlineage/ontology#"
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


class Vocabulary:
    """What of the store a question can name, read lazily (each part on first use, once per store).

    Units are looked up by the word sequences of the question (one indexed ``pl:nameKey`` query),
    so asking costs the same on 5 or 3,435 documents; only the "nearest names" answer to a question
    that names no known unit reads every unit name.
    """

    def __init__(self, store):
        self._store = weakref.ref(store)

    @property
    def store(self):
        return self._store()

    def unit_candidates(self, folded: str) -> dict[str, str]:
        """Folded unit names (``pl:nameKey``) that occur as word sequences of ``folded`` -> a label."""
        import pyoxigraph

        words = folded.split()
        grams = set()
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + 16) + 1):
                gram = " ".join(words[i:j])
                grams.update({gram, gram.strip(".,;:!?()\"'")})
        grams = sorted(g for g in grams if len(g) >= 5)
        if not grams:
            return {}
        values = " ".join(pyoxigraph.Literal(g).__str__() for g in grams)
        rows = self.store.query(f"SELECT ?k (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?k {{ {values} }} "
                                f"?u <{PL}nameKey> ?k OPTIONAL {{ ?u <{SKOS_LABEL}> ?l }} }} GROUP BY ?k").rows
        return {r["k"].value: (r["label"].value if r.get("label") is not None else r["k"].value)
                for r in rows if r.get("k") is not None}

    @cached_property
    def units(self) -> dict[str, str]:
        """Every folded unit name -> a label (for the nearest names only)."""
        rows = self.store.query(f"SELECT ?k (SAMPLE(?l) AS ?label) WHERE {{ ?u <{PL}nameKey> ?k . "
                                f"OPTIONAL {{ ?u <{SKOS_LABEL}> ?l }} }} GROUP BY ?k").rows
        return {r["k"].value: (r["label"].value if r.get("label") is not None else r["k"].value)
                for r in rows if r.get("k") is not None}

    @cached_property
    def places(self) -> dict[str, tuple[str, str]]:
        """Folded province and commune names of the plans -> (kind, name)."""
        from ..extract.normalize import fold

        out = {}
        for prop in ("province", "commune"):
            for r in self.store.query(f"SELECT DISTINCT ?v WHERE {{ ?p <{PL}{prop}> ?v }}").rows:
                if r.get("v") is not None:
                    out[fold(r["v"].value)] = (prop, r["v"].value)
        return out

    @cached_property
    def numbers(self) -> list[str]:
        """Document numbers of the store (plans and the documents they name)."""
        return sorted({r["n"].value for r in self.store.query(
            "SELECT DISTINCT ?n WHERE { ?d <http://data.europa.eu/eli/ontology#id_local> ?n }").rows})

    @cached_property
    def plans(self) -> list[dict]:
        """Ingested plans with their level, province and commune."""
        return [{k: (r[k].value if r.get(k) is not None else None) for k in ("source", "level", "province", "commune")}
                for r in self.store.query(
                    f"SELECT ?source ?level ?province ?commune WHERE {{ ?p <{PL}sourceFile> ?source . "
                    f"OPTIONAL {{ ?p <{PL}level> ?level }} OPTIONAL {{ ?p <{PL}province> ?province }} "
                    f"OPTIONAL {{ ?p <{PL}commune> ?commune }} }}").rows]


def vocabulary(store) -> Vocabulary:
    """The store's :class:`Vocabulary` (one per open store)."""
    if store not in _VOCAB:
        _VOCAB[store] = Vocabulary(store)
    return _VOCAB[store]


# --- the reading -----------------------------------------------------------------------------

@dataclass
class Reading:
    """What a question was understood to ask.

    asked (str | None): the asked thing (an id of cues.json "asked").
    entities (dict[str, str]): what it names: unit, plan, task, province, commune, concept, level, ...
    shown (dict[str, str]): the same as a user reads them (labels, not IRIs).
    query (str | None): the named query composed. params (dict): its parameters.
    count (bool): a count was asked. unknown (list[str]): things named that the store does not have.
    """

    asked: str | None = None
    entities: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)
    query: str | None = None
    params: dict = field(default_factory=dict)
    count: bool = False
    rank: bool = False
    unknown: list = field(default_factory=list)
    rest: str = ""
    ignored: dict = field(default_factory=dict)
    named_plan: bool = False

    def line(self) -> str:
        """One line: "units leading tasks · theme: training · province: An Giang"."""
        title = cues()["titles"].get(self.query or "", self.query or "?")
        parts = [title] + [f"{k}: {v}" for k, v in self.shown.items()]
        if self.count:
            parts.append("count")
        if self.ignored:
            parts.append("not used: " + ", ".join(f"{k} {v}" for k, v in self.ignored.items()))
        return " · ".join(parts)


def _mask(folded: str, span: tuple[int, int]) -> str:
    a, b = span
    return folded[:a] + " " * (b - a) + folded[b:]


def _find_plan(store, text: str):
    from ..graph.resolve import find_plan

    try:
        return find_plan(store, text)
    except PlanlineageError:
        return None


def _entities(store, text: str, folded: str, reading: Reading) -> str:
    """Fill ``reading.entities``/``shown`` and return the folded question with the entities blanked."""
    from . import ask as ask_mod

    from ..extract.normalize import fold

    ent, shown = reading.entities, reading.shown
    vocab = vocabulary(store)
    # task references and plan file names
    m = re.search(r"(\d{3}_[0-9a-f]{16}(?:\.txt)?)#([\w.]+)", folded)
    if m:
        ent["task"] = text[m.start():m.end()]
        shown["task"] = ent["task"]
        folded = _mask(folded, m.span())
    m = re.search(r"\b\d{3}_[0-9a-f]{16}(?:\.txt)?\b", folded)
    if m and "plan" not in ent:
        ent["plan"] = text[m.start():m.end()]
        shown["plan"] = ent["plan"] if ent["plan"].endswith(".txt") else ent["plan"] + ".txt"
        folded = _mask(folded, m.span())
    # any other file name of a stored plan ("kh-quang-ngai-2025.pdf")
    m = re.search(r"(?<![\w/])[\w.-]+\.(?:txt|md|html?|pdf|docx?)(?![\w/])", folded)
    if m and "plan" not in ent and _find_plan(store, text[m.start():m.end()]) is not None:
        ent["plan"] = shown["plan"] = text[m.start():m.end()]
        folded = _mask(folded, m.span())
    # document numbers as written ("40/KH-UBND", "1703/QĐ-TTg")
    for m in re.finditer(r"(?<![\w/])\d{1,4}(?:/\d{4})?[/-][a-zđ]+(?:[-/][a-zđ0-9]+)*", folded):
        raw = text[m.start():m.end()]
        if _find_plan(store, raw) is not None and "plan" not in ent:
            ent["plan"], shown["plan"] = raw, next((n for n in vocab.numbers if fold(n) == fold(raw)), raw)
            folded = _mask(folded, m.span())
        elif "plan" not in ent:
            reading.unknown.append(("plan", raw))
    # "Chỉ thị 38", "Directive 38", "Kế hoạch số 345"
    if "plan" not in ent:
        for m in re.finditer(r"\b(chi thi|directive|quyet dinh|decision|ke hoach|plan|nghi quyet|resolution)"
                             r"(?: so| no\.?| number)? (\d{1,4})\b", folded):
            code, num = _DOC_TYPES[m.group(1)], m.group(2)
            hits = sorted({n for n in vocab.numbers if re.match(rf"0*{num}[/-]", n)
                           and fold(code) in fold(n)})
            hits = [h for h in hits if _find_plan(store, h) is not None]
            if len(hits) == 1:
                ent["plan"], shown["plan"] = hits[0], hits[0]
                folded = _mask(folded, m.span())
                break
    # periods
    for mode, value, span in periods_in(folded):
        if mode == "by" and "date" not in ent:
            ent["date"], shown["due by"] = value, value
        elif mode == "in" and "period" not in ent:
            ent["period"], shown["due in"] = value, value
        folded = _mask(folded, span)
    # units and concepts, longest first; a concept wins a tie ("doanh nghiệp")
    spans = []
    units = vocab.unit_candidates(folded)
    for key in units:
        span = _has(folded, key)
        if span:
            spans.append((len(key), 0, span, "unit", key))
    for phrase, iri in ask_mod.concept_phrases():
        if phrase in cues()["plan_words"]:
            continue
        span = _has(folded, phrase)
        if span:
            spans.append((len(phrase), 1, span, "concept", iri))
    for fkey, (kind, value) in vocab.places.items():
        span = _has(folded, fkey)
        if span:
            spans.append((len(fkey), 2, span, kind, value))
    taken = []
    for _, _, span, kind, value in sorted(spans, key=lambda s: (-s[0], -s[1])):
        if kind in ent or any(a < span[1] and span[0] < b for a, b in taken):
            continue
        taken.append(span)
        ent[kind] = value
        if kind == "unit":
            shown["unit"] = units[value]
        elif kind == "concept":
            shown["theme"] = concept_label(value, "en")
        else:
            shown[kind] = value
        folded = _mask(folded, span)
    return folded


@lru_cache(maxsize=4)
def _concept_labels(lang: str) -> dict[str, str]:
    import pyoxigraph

    from .engine import SKOS, THEMES_TTL

    out = {}
    with open(THEMES_TTL, "rb") as f:
        for t in pyoxigraph.parse(f, format=pyoxigraph.RdfFormat.TURTLE):
            if t.predicate.value == SKOS + "prefLabel" and getattr(t.object, "language", None) == lang:
                out[t.subject.value] = t.object.value
    return out


def concept_label(iri: str, lang: str = "en") -> str:
    """A theme or activity by its SKOS prefLabel in ``lang``.

    >>> concept_label("https://w3id.org/planlineage/theme/activity/training", "vi")
    'Đào tạo, tập huấn'
    """
    return _concept_labels(lang).get(iri, iri.rsplit("/", 1)[-1])


def _plan_by_place(reading: Reading, folded: str, vocab: Vocabulary) -> None:
    """"the Quảng Ngãi province plan", "kế hoạch của phường Đức Phổ": the one plan of that place."""
    ent = reading.entities
    if "plan" in ent or not ("province" in ent or "commune" in ent):
        return
    plans = vocab.plans
    if "commune" in ent:
        plans = [p for p in plans if p["commune"] == ent["commune"]]
    else:
        plans = [p for p in plans if p["province"] == ent["province"]]
        level = ent.get("level") or ("province" if re.search(r"\b(tinh|province|provincial)\b", folded) else None)
        if level:
            plans = [p for p in plans if p["level"] == level]
    if len(plans) == 1:
        ent["plan"] = plans[0]["source"]
        reading.shown["plan"] = plans[0]["source"]
        reading.named_plan = True  # the place (and level) named the plan


#: (asked, entities needed, query, parameters from entities). The first rule whose asked thing
#: and entities are there answers. A role, rank or frequency picks the query through ``pick``.
RULES = [
    ("trace", ("task",), "task_trace", {"task": "task"}),
    ("tasks", ("task",), "task_trace", {"task": "task"}),
    ("gaps", ("plan",), "coverage_gaps", {"child": "plan"}),
    ("gaps", (), "coverage_gaps", {}),
    ("external", (), "external_parents", {}),
    ("implementers", ("plan",), "plan_implementers", {"plan": "plan"}),
    ("lineage", ("plan",), "plan_lineage", {"plan": "plan"}),
    ("superseded", (), "superseded_plans", {}),
    ("nolead", (), "finding_no_lead", {}),
    ("recurring", (), "tasks_recurring", {"frequency": "frequency"}),
    ("workload", ("unit",), "unit_load", {"unit": "unit"}),
    ("workload", ("plan",), "plan_tasks", {"plan": "plan"}),
    ("workload", (), "unit_workload", {}),
    ("targets", ("plan",), "plan_targets", {"plan": "plan"}),
    ("targets", ("concept",), "topic_targets", {"concept": "concept"}),
    ("due", ("date",), "tasks_due_by", {"date": "date"}),
    ("due", ("period",), "tasks_due", {"year": "period"}),
    ("tasks", ("unit",), "unit_tasks", {"unit": "unit", "role": "role"}),
    ("tasks", ("plan",), "plan_tasks", {"plan": "plan"}),
    ("tasks", ("date",), "tasks_due_by", {"date": "date"}),
    ("tasks", ("period",), "tasks_due", {"year": "period"}),
    ("units", ("concept",), "units_leading_topic", {"concept": "concept", "province": "province", "plan": "plan"}),
    ("units", ("rank",), "unit_workload", {}),
    ("units", ("plan",), "plan_tasks", {"plan": "plan"}),
    ("plans", ("per",), "plans_by_level", {}),
    ("plans", ("level",), "plans", {"level": "level", "province": "province"}),
    ("plans", ("province",), "plans", {"level": "level", "province": "province"}),
    ("plans", ("count",), "plans_by_level", {}),
    ("plans", (), "plans", {}),
    ("units", ("unit",), "unit_tasks", {"unit": "unit", "role": "role"}),
    (None, ("unit", "role"), "unit_tasks", {"unit": "unit", "role": "role"}),
    (None, ("concept", "role"), "units_leading_topic", {"concept": "concept", "province": "province", "plan": "plan"}),
    (None, ("task",), "task_trace", {"task": "task"}),
]
TRAINING = "https://w3id.org/planlineage/theme/activity/training"


def _pick(query: str, reading: Reading) -> str:
    """The query a role, a ranking or the training activity turns a rule's query into."""
    ent = reading.entities
    role = ent.get("role")
    if query == "units_leading_topic" and role == "cooperate":
        return "units_cooperating_topic"
    if query == "units_leading_topic" and ent.get("concept") == TRAINING:
        return "units_leading_training"
    if query == "topic_targets" and ent.get("concept") == TRAINING:
        return "training_targets"
    if query == "unit_workload" and role == "cooperate":
        return "unit_cooperation"
    return query


def _asked(rest: str) -> list[str]:
    """The asked things whose cue occurs in the rest of the question, in the order of cues.json."""
    return [a["id"] for a in cues()["asked"] if _any(rest, a["cues"])]


def english_names(question: str) -> str:
    """English names of units written as the plans write them (cues.json "unit_names_en").

    >>> english_names("what does the Department of Science and Technology lead")
    'what does Sở Khoa học và Công nghệ lead'
    """
    out = question
    for en, vi in sorted(cues()["unit_names_en"].items(), key=lambda kv: -len(kv[0])):
        out = re.sub(rf"(?i)\b(?:the )?{re.escape(en)}\b", vi, out)
    return out


def read(store, question: str) -> Reading:
    """Read a question: its entities, the asked thing, and the named query with parameters.

    store (GraphStore): the store whose units, plans and places are looked for.
    question (str): as typed, English or Vietnamese, with or without diacritics.
    RETURNS (Reading): ``query`` is None when no rule composes a query.
    """
    from ..extract.abbrev import expand_abbreviations
    from . import ask as ask_mod
    from .engine import load_query

    text, folded = ask_mod.fold_aligned(expand_abbreviations(english_names(question)))
    folded = folded.replace("?", " ")
    reading = Reading()
    rest = _entities(store, text, folded, reading)
    reading.rest = rest
    ent, c = reading.entities, cues()
    for kind in ("levels", "frequencies"):
        for value, phrases in c[kind].items():
            if _any(rest, phrases):
                ent.setdefault(kind[:-1] if kind == "levels" else "frequency", value)
    role = _any(rest, c["roles"]["lead"] + c["roles"]["cooperate"])
    if role:
        ent["role"] = "lead" if role in c["roles"]["lead"] else "cooperate"
    reading.count = bool(_any(rest, c["count"]))
    reading.rank = bool(_any(rest, c["rank"]))
    if reading.rank:
        ent["rank"] = "most"
    if reading.count:
        ent["count"] = "yes"
    if _any(rest, c["per"]):
        ent["per"] = "yes"
    asked = _asked(rest)
    needs_plan = {"gaps", "implementers", "lineage", "targets", "tasks"}
    if set(asked) & needs_plan and _any(rest, c["plan_words"]):
        _plan_by_place(reading, rest, vocabulary(store))
    if "level" in ent:
        reading.shown["level"] = ent["level"]
    if "frequency" in ent:
        reading.shown["frequency"] = ent["frequency"]
    reading.asked = asked[0] if asked else None
    for want in asked + [None]:
        for a, needs, query, params in RULES:
            if a != want or any(n not in ent for n in needs):
                continue
            query = _pick(query, reading)
            declared = {p.name for p in load_query(query).params}
            reading.asked, reading.query = want, query
            reading.params = {p: ent[e] for p, e in params.items() if e in ent and p in declared}
            _trim_shown(reading)
            return reading
    return reading


#: An entity shown in the reading only when the composed query used it (a reading never claims
#: a filter the answer did not apply).
_SHOWN_BY = {"unit": "unit", "plan": "plan", "task": "task", "province": "province", "theme": "concept", "due by": "date", "due in": "year", "level": "level", "frequency": "frequency"}


_ORDER = ("unit", "role", "theme", "plan", "task", "province", "level", "due by", "due in", "frequency")


def _trim_shown(reading: Reading) -> None:
    used = set(reading.params)
    if reading.query == "coverage_gaps" and "child" in used:
        used.add("plan")
    if reading.query in ("units_leading_training", "training_targets"):
        used.add("concept")
    shown = {k: v for k, v in reading.shown.items() if _SHOWN_BY.get(k, k) in used}
    # what the question named but the composed query cannot use is said, not dropped
    reading.ignored = {k: v for k, v in reading.shown.items() if k not in shown and k in _SHOWN_BY
                       and not (k == "plan" and "task" in shown)
                       and not (reading.named_plan and k in ("province", "commune", "level"))}
    if "role" in reading.params and reading.query == "unit_tasks":
        shown["role"] = reading.params["role"]
    reading.shown = {k: shown[k] for k in _ORDER if k in shown}


@lru_cache(maxsize=1)
def _cue_words() -> tuple[str, ...]:
    """Every cue phrase of cues.json (what asks, roles, counts): words that name no unit."""
    c = cues()
    phrases = [p for a in c["asked"] for p in a["cues"]] + c["roles"]["lead"] + c["roles"]["cooperate"] \
        + c["count"] + c["rank"] + c["by_date"] + c["in_period"]
    return tuple(p for p in phrases if " " not in p)


def nearest(store, question: str, reading: Reading) -> list[str]:
    """What the question might have meant: the closest unit names to its words, and what is missing."""
    from ..extract.abbrev import expand_abbreviations
    from . import ask as ask_mod

    out = []
    vocab = vocabulary(store)
    # the words that named nothing known (places, themes and plans taken out)
    folded = reading.rest or ask_mod.fold_aligned(expand_abbreviations(english_names(question)))[1]
    words = [w for w in re.findall(r"[\w&/.-]+", folded) if not any(w in p.split() for p in _cue_words())]
    grams = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, min(len(words), i + 7) + 1)}
    scored = {}
    for g in grams:
        for k in difflib.get_close_matches(g, list(vocab.units), n=3, cutoff=0.72):
            scored[k] = max(scored.get(k, 0), difflib.SequenceMatcher(None, g, k).ratio())
    if scored and "unit" not in reading.entities:
        best = sorted(scored, key=lambda k: -scored[k])[:3]
        out.append("closest unit names: " + "; ".join(vocab.units[k] for k in best))
    for kind, raw in reading.unknown:
        close = difflib.get_close_matches(raw, vocab.numbers, n=3, cutoff=0.5)
        out.append(f"no plan numbered {raw!r}" + (f"; closest: {', '.join(close)}" if close else ""))
    asked = reading.asked
    need = {"units": "a theme or activity (e.g. training, inspection) or a ranking (most)",
            "tasks": "a unit, a plan, a task or a period", "targets": "a plan or a theme",
            "lineage": "a plan (file name or number)", "implementers": "a plan, directive or decision",
            "due": "a year, quarter, month or day", "trace": "a task (<file name>#<ref>)",
            "gaps": "a child plan", "workload": "a unit"}
    if asked in need:
        title = next(a["reading"] for a in cues()["asked"] if a["id"] == asked)
        out.append(f"{title}: give {need[asked]}")
    return out
