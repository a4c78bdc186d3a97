"""Documents a plan names (references) and the 'X implements Y' edges it states (lineage).

The text is flowed into one string (lines joined, gaps that line wraps leave inside
document symbols closed, e.g. "599/KH-" + "UBND"), with a map from character
offset to source line for provenance. spaCy's span_ruler finds the mentions
(label ``DOC_REF`` of ``extract/patterns/docref.jsonl``: type words, optional
"số", number token; the pattern id is the type code). Plain code then reads what
follows each mention (date, "của <issuer>", a footnote marker) and what links it
to its neighbours, with the cue phrases of ``lexicon/references_cues.json``:

* a sentence opening with "Thực hiện" / "Triển khai thực hiện" + mention: implements,
  and every ";"-separated item of that sentence that starts with a mention too;
* "Căn cứ" + mention: based_on; "thay thế" + mention: replaces; otherwise cites;
* "<A> ... về việc triển khai thực hiện <B>": lineage A -> B; "<A> và <B>" share
  A's relation and parent;
* a footnote attached to a mention ("(cũ)1") describes that mention.

>>> from planlineage.extract.document import Document
>>> doc = Document.from_text("Thực hiện Quyết định số 1703/QĐ-TTg ngày 31/12/2024 của Thủ tướng Chính phủ.", "x")
>>> refs, lineage = extract_references(doc, {"number": None, "province": None})  # doctest: +SKIP
>>> refs[0]["number"], refs[0]["relation"], lineage  # doctest: +SKIP
('1703/QĐ-TTg', 'implements', [{'child': 'self', 'parent': '1703/QĐ-TTg'}])
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import meta
from .lexicons import read_json, read_tsv
from .abbrev import expand_abbreviations
from .document import Document
from .normalize import fold, normalize

LEXICON = Path(__file__).resolve().parent / "lexicon"
RELATION_RANK = {"implements": 3, "replaces": 2, "based_on": 1, "cites": 0}
_DATE = re.compile(
    r"^[\s,]*(?:ngày\s*)?(?:(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4}))",
    re.I,
)
_MARKER = re.compile(r"^(?:\s*\([^()]{0,30}\))?(\d{1,2})(?=[\s.,;/]|$)")
_PAREN = re.compile(r"\([^()]*\)")
_GLUE_END = re.compile(r"[0-9A-Za-zĐđ][/-]$")
_GLUE_START = re.compile(r"[0-9A-ZĐ]")
# No start inside a number ("1.2.3.") or a numeral, nor inside a run of spaces, where the start before
# it matches the same: a search fails in linear time on a long run (issue #15).
_ITEM_START = re.compile(r"(?!(?<=\d)\d|(?<=\d\.)\d|(?<=[IVX])[IVX])(?:[-+•*]|[a-zđ]\)|\d+(?:\.\d+)*\.|[IVX]+\.)\s")
_NOTE_START = re.compile(r"(?!(?<=\s)\s)\s*(\d{1,2})\s+[^\W\d_]")
_NOTE_MARKER = re.compile(r"(?:\)|[^\W\d_])(\d{1,2})(?=[\s.,;/]|$)")


@lru_cache(maxsize=1)
def cues() -> dict:
    """The cue regexes of ``references_cues.json``."""
    return read_json(LEXICON / "references_cues.json")


@lru_cache(maxsize=1)
def symbol_issuers() -> dict[str, str]:
    """Issuer named by a symbol part ("TTg" -> "Thủ tướng Chính phủ")."""
    return {r[0]: r[1] for r in read_tsv(LEXICON / "issuers_symbols.tsv")}


@lru_cache(maxsize=1)
def type_words() -> tuple[str, ...]:
    """Lower-case words that name a document type, from the DOC_TYPE patterns of docref.jsonl."""
    from .nlp import load_patterns

    return tuple(" ".join(t["LOWER"] for t in p["pattern"]) for p in load_patterns() if p["label"] == "DOC_TYPE")


def _rx(name: str) -> re.Pattern:
    return re.compile(cues()[name], re.I)


@dataclass
class Flow:
    """A document as one string with, for each character, its 1-based source line."""

    text: str
    line_of: list[int]
    boundaries: list[int] = field(default_factory=list)
    #: Offsets where a title (the subject under a heading) starts.
    titles: set[int] = field(default_factory=set)

    def lines(self, start: int, end: int) -> list[int]:
        return [self.line_of[start], self.line_of[max(start, end - 1)]]


def _footnotes(doc: Document) -> dict[int, int]:
    """Lines that open a footnote ("1 Triển khai thực hiện ...") -> footnote number."""
    out: dict[int, int] = {}
    first_marker: dict[str, int] | None = None
    offset = 0  # start of line n in doc.text
    for n in range(1, len(doc) + 1):
        line = doc.line(n)
        m = _NOTE_START.match(line)
        if m and line.strip()[len(m.group(1)):][:1].isspace():
            if first_marker is None:
                # End of the first marker of each number in the text. A marker is a whole
                # run of one or two digits, so markers never overlap and one scan finds all.
                first_marker = {}
                for found in _NOTE_MARKER.finditer(doc.text):
                    first_marker.setdefault(found.group(1), found.end())
            # The marker must appear earlier, glued to a word or bracket ("(cũ)1", "năm 2025)2").
            if first_marker.get(m.group(1), offset) < offset:
                out[n] = int(m.group(1))
        offset += len(line) + 1
    return out


def _cue_starts(text: str) -> list[int]:
    """Starts of the matches of ``(?<=\\s)<sentence_cue>`` in ``text``, found faster: the
    scan stops at white space only, and overlapping matches are dropped as finditer does."""
    rx = _cue_rx()
    if rx is None:
        return [m.start() for m in re.finditer(rf"(?<=\s){cues()['sentence_cue']}", text)]
    out, last = [], 0
    for m in rx.finditer(text):
        start = m.start() + 1
        if start >= last:
            out.append(start)
            last = m.end(1) if m.end(1) > start else start + 1
    return out


@lru_cache(maxsize=1)
def _cue_rx() -> re.Pattern | None:
    cue = cues()["sentence_cue"]
    if re.match(cue, "") is not None:  # a cue that can be empty: use the plain scan
        return None
    return re.compile(rf"\s(?=({cue}))")


def flow_text(doc: Document, titles: list[tuple[int, int]] = ()) -> tuple[Flow, dict[int, int]]:
    """Join the lines of ``doc`` into a :class:`Flow` and find its sentence starts.

    titles: the first and last lines of the document's titles (the subjects under its headings):
        each is a sentence of its own, and its start is in ``Flow.titles``.

    RETURNS (tuple[Flow, dict[int, int]]): the flow and {offset of a footnote start: footnote number}.
    """
    notes = _footnotes(doc)
    title_start = {first for first, _ in titles}
    title_edge = title_start | {last + 1 for _, last in titles}
    titles = []
    pieces: list[str] = []
    line_of: list[int] = []
    starts: dict[int, int] = {}
    boundaries = [0]
    offset = 0  # length of the flow so far
    last2 = ""  # its last two characters
    for n in range(1, len(doc) + 1):
        line = normalize(doc.line(n))
        if not line:
            continue
        if n in notes:
            line = line[len(str(notes[n])):].lstrip()
        if offset and not (_GLUE_END.search(last2) and _GLUE_START.match(line)):
            pieces.append(" ")
            line_of.append(n)
            offset += 1
            last2 = last2[-1:] + " "
        if n in notes:
            starts[offset] = notes[n]
            boundaries.append(offset)
        if n in title_start:
            titles.append(offset)
        if n in title_edge:
            boundaries.append(offset)
        if _ITEM_START.match(line):
            boundaries.append(offset)
        if "/" in line or "-" in line:  # WRAPPED_GAP and SPACED_DASH need one of them
            line = meta.SPACED_DASH.sub(r"\1", meta.WRAPPED_GAP.sub("", line))
        pieces.append(line)
        line_of.extend([n] * len(line))
        offset += len(line)
        last2 = (last2 + line)[-2:]
    text = "".join(pieces)
    boundaries += [m.end() for m in re.finditer(r"[.:!?]\s+(?=[^\W\d_])", text) if text[m.end()].isupper()]
    boundaries += _cue_starts(text)
    return Flow(text, line_of, sorted(set(boundaries)), set(titles)), starts


@dataclass
class Mention:
    """One DOC_REF span with what follows it."""

    doc_type: str
    number: str
    start: int
    end: int
    tail: int
    date: str | None = None
    issuer: str | None = None
    marker: int | None = None
    relation: str = "cites"
    parent: str | None = None


def _parse_tail(m: Mention, text: str, limit: int) -> None:
    rest = text[m.end:min(limit, m.end + 400)]
    pos = 0
    d = _DATE.match(rest)
    if d:
        day, month, year = (d.group(1), d.group(2), d.group(3)) if d.group(3) else (d.group(4), d.group(5), d.group(6))
        if 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            m.date = f"{year}-{int(month):02d}-{int(day):02d}"
        pos = d.end()
    c = re.match(r"[\s,]*của\s+", rest[pos:])
    if c:
        start = pos + c.end()
        end = min(len(rest), start + 80)
        for stop in _rx("issuer_stop").finditer(rest, start):
            # "Sở Khoa học và Công nghệ": "và" before a capital continues a name.
            after = rest[stop.end() + 1:]
            if stop.group(0).strip() == "và" and after[:1].isupper() and not after.lower().startswith(type_words()):
                continue
            end = stop.start()
            break
        issuer = re.sub(r"\s+(?:và|hoặc)$", "", rest[start:end].strip())
        if 0 < len(issuer.split()) <= 12:
            m.issuer = issuer
            pos = end
    mk = _MARKER.match(rest[pos:])
    if mk:
        m.marker = int(mk.group(1))
        pos += mk.end()
    m.tail = m.end + pos
    if m.issuer is None:
        b = re.search(cues()["issuer_before"], text[max(0, m.start - 120):m.start])
        if b:
            m.issuer = b.group(1).strip()


def find_mentions(flow: Flow) -> list[Mention]:
    """DOC_REF spans of the flow (longest per number token), in text order."""
    from .nlp import find_spans

    best: dict[int, object] = {}
    for s in find_spans(flow.text, "DOC_REF"):
        if s.end_char not in best or s.start_char < best[s.end_char].start_char:
            best[s.end_char] = s
    mentions = []
    for end in sorted(best):
        s = best[end]
        number = s[-1].text.rstrip(".")
        mentions.append(Mention(s.id_, number, s.start_char, s.end_char, s.end_char))
    for m, nxt in zip(mentions, mentions[1:] + [None]):
        _parse_tail(m, flow.text, nxt.start if nxt else len(flow.text))
    return mentions


def _relate(flow: Flow, mentions: list[Mention], footnote_at: dict[int, int]) -> list[tuple[str, str]]:
    """Set each mention's relation and return the (child, parent) edges, by mention number."""
    text = flow.text
    owner_of_note = {m.marker: m.number for m in mentions if m.marker is not None}
    edges = []
    prev = None
    list_rel = None
    owner = "self"
    for m in mentions:
        b = bisect.bisect_right(flow.boundaries, m.start) - 1
        sent = flow.boundaries[b] if b >= 0 else 0
        same = prev is not None and prev.tail <= m.start and prev.start >= sent
        if not same:
            list_rel = None
            owner = owner_of_note.get(footnote_at.get(sent), "self") if sent in footnote_at else "self"
            before = text[sent:m.start]
            if _rx("implements_start").match(before) or (sent in flow.titles and _rx("implements_title").match(before)):
                list_rel = "implements"
                m.relation = "implements" if owner == "self" else "cites"
                m.parent = owner
            elif _rx("based_on").search(before):
                list_rel = m.relation = "based_on"
            elif _rx("replaces").search(before):
                list_rel = m.relation = "replaces"
        else:
            between = text[prev.tail:m.start]
            lead = between.rsplit(";", 1)[-1] if ";" in between else between
            if ";" in between and not _PAREN.sub("", lead).strip(" )") and list_rel:
                m.relation = list_rel if (list_rel != "implements" or owner == "self") else "cites"
                m.parent = owner if list_rel == "implements" else None
            elif ";" not in between and _rx("child_link").match(_PAREN.sub("", between)):
                m.parent = prev.number
            elif _rx("connector").match(re.sub(r"\)\d{1,2}\b", ")", _PAREN.sub("", between))):
                m.relation, m.parent = prev.relation, prev.parent
            elif (list_rel and ";" not in between and prev.parent == (owner if list_rel == "implements" else None)
                  and _rx("last_item").search(between)):
                # The last item of a list, after its predecessor's subject: "...; Chỉ thị số 02-CT/TU
                # ... về lãnh đạo cuộc bầu cử ... và Chỉ thị số 007/CT-UBND ...".
                m.relation, m.parent = prev.relation, prev.parent
            else:
                if ";" in between:
                    list_rel = None
                if _rx("based_on").search(lead):
                    m.relation = "based_on"
                elif _rx("replaces").search(lead):
                    m.relation = "replaces"
        if m.parent:
            edges.append((m.parent, m.number))
        prev = m
    return [(c, p) for c, p in edges]


def _resolve_issuer(issuer: str | None, known: list[str], province: str | None) -> str | None:
    if not issuer:
        return None
    issuer = expand_abbreviations(issuer)
    levels = cues()["level_words"]
    if re.search(rf"(?<!\w)(?:{levels})$", issuer):
        longer = [k for k in known if k.startswith(issuer + " ")]
        if province and any(k == f"{issuer} {province}" for k in longer):
            return f"{issuer} {province}"
        if len(set(longer)) == 1:
            return longer[0]
        if province and re.search(r"(?<!\w)(?:tỉnh|thành phố)$", issuer):
            return f"{issuer} {province}"
    return issuer


def _purpose_implements(doc: Document, flow: Flow, mentions: list[Mention], edges: list) -> None:
    """The purpose section (MỤC ĐÍCH) says what the plan carries out: a document named right after
    "thực hiện (có hiệu quả)", "cụ thể hóa", "triển khai" there ("... góp phần thực hiện hiệu quả
    Nghị quyết số 57-NQ/TW") is implemented by this plan, unless the sentence gave it a parent."""
    from .sections import split_sections

    purposes = [(s.start, s.end) for s in split_sections(doc) if any(t in fold(s.title) for t in cues()["purpose_titles"])]
    if not purposes:
        return
    cue = _rx("purpose_implements")
    for m in mentions:
        line = flow.line_of[m.start]
        if m.parent is not None or m.relation == "implements" or not any(a <= line <= b for a, b in purposes):
            continue
        before = flow.text[max(0, m.start - 120):m.start]
        before = re.split(r"[;.:,]", before)[-1]
        found = cue.search(before)
        # "Kế hoạch của Thủ tướng Chính phủ thực hiện Chỉ thị ...": another document carries it out.
        if found and not any(re.search(rf"(?<!\w){w}(?!\w)", before[:found.start()].lower()) for w in type_words()):
            m.relation, m.parent = "implements", "self"
            edges.append(("self", m.number))


def _symbol_case(number: str) -> str:
    """``number`` in capitals with its symbol part in the case it is written ("1703/QĐ-TTG" ->
    "1703/QĐ-TTg"), where issuers_symbols.tsv has a part in lower case."""
    mixed = _mixed_case_symbols()
    return "".join(mixed.get(p, p) for p in re.split(r"([-/])", number))


@lru_cache(maxsize=1)
def _mixed_case_symbols() -> dict[str, str]:
    """Symbol parts written in mixed case, by their capitals ("TTG" -> "TTg")."""
    return {k.upper(): k for k in symbol_issuers() if k != k.upper()}


def extract_references(doc: Document, plan: dict, task_lines=()) -> tuple[list[dict], list[dict]]:
    """References and lineage of ``doc``.

    doc (Document): the loaded document.
    plan (dict): its plan metadata (``number`` is excluded; ``province`` resolves "UBND tỉnh").
    task_lines: the (first, last) lines of its tasks: a "thay thế" there says what a task's product
        replaces ("Xây dựng Nghị định ... (thay thế Nghị định số 87/2021/NĐ-CP)"), not this plan, so
        the document it names is cited.
    RETURNS (tuple[list[dict], list[dict]]): references (doc_type, number, date, issuer,
        relation, lines) once each, and lineage edges {child, parent} ("self" = this plan).
    """
    flow, footnote_at = flow_text(doc, meta.subjects(doc))
    own = fold(plan.get("number") or "")
    mentions = [m for m in find_mentions(flow) if fold(m.number) != own]
    parent_edges = _relate(flow, mentions, footnote_at)
    _purpose_implements(doc, flow, mentions, parent_edges)
    spans = sorted(task_lines)
    for m in mentions:
        if m.relation == "replaces":
            line = flow.line_of[m.start]
            i = bisect.bisect_right(spans, (line, float("inf"))) - 1
            if i >= 0 and spans[i][0] <= line <= spans[i][1]:
                m.relation = "cites"

    # Merge: a bare number ("Kế hoạch số 298") joins the full form of the same type.
    full = [m for m in mentions if not m.number.isdigit()]

    def canonical(m: Mention) -> str:
        if not m.number.isdigit():
            return m.number
        same = [f for f in full if re.match(rf"{m.number}\D", f.number) and f.doc_type == m.doc_type
                and (not m.date or not f.date or m.date == f.date)]
        return same[0].number if same else m.number

    # One symbol in capitals ("22/2013/QĐ-TTG", a title printed in capitals) and as written elsewhere
    # ("22/2013/QĐ-TTg") is one document: the form as written wins, else the case of the symbol part.
    written: dict[str, str] = {}
    for m in mentions:
        key = canonical(m)
        if key.casefold() not in written or (written[key.casefold()] == written[key.casefold()].upper()
                                             and key != key.upper()):
            written[key.casefold()] = key if key != key.upper() else _symbol_case(key)
    by_number: dict[str, list[Mention]] = {}
    alias = {}
    for m in mentions:
        key = written[canonical(m).casefold()]
        alias[m.number] = key
        by_number.setdefault(key, []).append(m)
    known = [expand_abbreviations(m.issuer) for m in mentions if m.issuer]
    province = plan.get("province")
    refs = []
    for number, group in by_number.items():
        issuers = Counter(i for i in (_resolve_issuer(m.issuer, known, province) for m in group) if i)
        issuer = max(issuers, key=lambda k: (issuers[k], -[_resolve_issuer(m.issuer, known, province) for m in group].index(k))) if issuers else None
        if issuer is None:
            part = re.split(r"[-/]", number)[-1]
            issuer = symbol_issuers().get(part)
        dates = [m.date for m in group if m.date]
        first = group[0]
        refs.append({
            "doc_type": first.doc_type,
            "number": number,
            "date": Counter(dates).most_common(1)[0][0] if dates else None,
            "issuer": issuer,
            "relation": max((m.relation for m in group), key=RELATION_RANK.get),
            "lines": flow.lines(first.start, first.tail),
        })
    lineage, seen = [], set()
    for parent, child in parent_edges:
        edge = (parent if parent == "self" else alias.get(parent, parent), alias.get(child, child))
        if edge[0] != edge[1] and edge not in seen:
            seen.add(edge)
            lineage.append({"child": edge[0], "parent": edge[1]})
    return refs, lineage
