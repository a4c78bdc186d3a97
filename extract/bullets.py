"""Read the tasks of a plan written as numbered groups of items (no appendix table).

Plans without an appendix table list their tasks in the NHIỆM VỤ VÀ GIẢI PHÁP
section (found by :mod:`.sections`) as numbered groups ("1. Công tác tuyên
truyền, nâng cao nhận thức") of items. An item starts with a marker: a bullet
("-", "–", "•", "+"), a letter ("a)", "b)"), or a sub-number ("1.1."); a group
with no marked item holds one unmarked paragraph, which is its one task. The
PDF text wraps lines mid-sentence and puts blank lines inside paragraphs, so
lines are joined into items by structure, never by line:

* a marker line starts an item, except a "- xã hội ..." line whose text starts in
  lower case right after a line that did not end a sentence (a wrapped
  "chính trị - xã hội");
* any other line goes on the current item; after a group heading, a line in
  lower case (or after a connector such as "của", "về", ",") goes on the heading,
  one starting with a capital opens the group's unmarked paragraph;
* lone page numbers are dropped.

Nesting follows the order in which marker kinds first appear (a kind seen
again closes the deeper items), as a reader sees it. Lines such as
"- Cơ quan chủ trì thực hiện: ...", "- Cơ quan phối hợp: ...",
"- Thời gian thực hiện: ..." are not tasks: their values (label and final
full stop removed) apply to every task of their group. An item's own clause
"(Phòng X chủ trì, các đơn vị liên quan phối hợp)" or "Thời gian: ..." is
taken out of its text into lead/cooperate/period; "Phòng X chủ trì, ..." at
the start of an item gives its lead. Partners named in running text
("Phối hợp với ...") are left to :mod:`.units`. The cue words are in
``lexicon/bullets_cues.json``.

Refs join the numbering of the groups with ".": "1.2" is the second bullet of
group 1, "1.a" item a) of group 1, "1.1" a "1.1." sub-item; a group whose only
task is an unmarked paragraph gives that task the group's own number ("3").

>>> from planlineage.extract.document import Document
>>> text = "II. NHIỆM VỤ VÀ GIẢI PHÁP\\n1. Tuyên truyền\\n- Tổ chức hội nghị.\\n- Cơ quan chủ trì: Phòng Văn hoá – Xã hội.\\nIII. TỔ CHỨC THỰC HIỆN"
>>> [(t.ref, t.text, t.group, t.lead) for t in extract_bullet_tasks(Document.from_text(text, "x.txt"))]
[('1.1', 'Tổ chức hội nghị.', 'Tuyên truyền', 'Phòng Văn hóa – Xã hội')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .lexicons import read_json
from .document import Document, RawTask
from .errors import ExtractionError
from .normalize import collapse, fold, strip_diacritics
from .sections import tasks_section

LEXICON = Path(__file__).parent / "lexicon" / "bullets_cues.json"
FIELDS = ("lead", "cooperate", "period", "product")

# Marker grammar of Vietnamese administrative texts (Nghị định 30/2020/NĐ-CP,
# Phụ lục I: "1.", "1.1.", "a)", "-", "+"); a few PDF bullet glyphs besides.
_SUB = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s*(?=[^\W\d_])(.*)$")
_NUM = re.compile(r"^(\d{1,2})\s*[.)]\s*(?=[^\W\d_])(.*)$")
_LETTER = re.compile(r"^([a-zđ])\s*\)\s*(\S.*)$|^([a-zđ])\.\s+(?=[A-ZĐÀ-Ỹ])(.*)$")
_DASH = re.compile(r"^[-–—•·●▪◦∙*\uf0b7\uf0a7\uf0d8\uf0fc❖►➢✓]\s*(.*\S.*)$")
_PLUS = re.compile(r"^\+\s*(\S.*)$")
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
_RULE = re.compile(r"^\s*[-–—_=*.]{3,}\s*$")
_SENTENCE_END = re.compile(r"[.;:!?…)\"”]\s*$")
_HEADINGS = ("num", "sub")


@dataclass
class _Item:
    kind: str
    label: str | None
    first: int
    last: int
    parts: list[str]
    children: list["_Item"] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    is_attr: bool = False

    @property
    def text(self) -> str:
        out = ""
        for p in self.parts:
            p = p.strip()
            if not p:
                continue
            # "38-" + "CT/TW" is one word cut by the line wrap; "trị" + "- xã hội" is not.
            if re.search(r"\w[-/]$", out) and re.match(r"\w", p):
                out += p
            else:
                out = f"{out} {p}" if out else p
        return collapse(out)


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    data = read_json(LEXICON)
    labels = data.get("labels")
    if not isinstance(labels, dict) or set(labels) != set(FIELDS):
        raise ExtractionError(LEXICON, f"'labels' must map exactly {', '.join(FIELDS)} to lists of cues")
    return data


class _FoldTable(dict):
    """``str.translate`` table of :func:`_fold_chars`, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        f = strip_diacritics(ch).lower()
        f = f[0] if len(f) == 1 else ch.lower()[:1] or ch
        self[code] = "-" if "\u2010" <= f <= "\u2015" or f == "\u2212" else f
        return self[code]


_FOLD = _FoldTable()


def _fold_chars(text: str) -> str:
    """Fold one character at a time, so that positions match the original text."""
    return text.translate(_FOLD)


@lru_cache(maxsize=1)
def _label_rx() -> re.Pattern:
    """Regex over folded text: a field label followed by ':' (group name = field)."""
    alts = []
    for name in FIELDS:
        cues = sorted(_lexicon()["labels"][name], key=len, reverse=True)
        body = "|".join(re.escape(c).replace(r"\ ", " ").replace(" ", r"\s+") for c in cues)
        alts.append(f"(?P<{name}>{body})")
    return re.compile(r"(?:^|(?<=[(;.])\s*|\s-\s)(?:" + "|".join(alts) + r")\s*:\s*")


def _labelled(text: str) -> tuple[str, dict]:
    """Split labelled clauses ("Thời gian thực hiện: 2025") off the end of a text.

    text (str): an item, a label line, or one segment of a parenthesised note.
    RETURNS (tuple[str, dict]): the text before the first label, and field -> value
        (label, surrounding spaces and final punctuation removed; first value wins).
    """
    hits = list(_label_rx().finditer(_fold_chars(text)))
    if not hits:
        return text, {}
    found = {}
    for i, m in enumerate(hits):
        end = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        value = text[m.end():end].strip().rstrip(" .;,").strip()
        name = next(n for n in FIELDS if m.group(n))
        if value and name not in found:
            found[name] = value
    return text[:hits[0].start()].rstrip(), found


_PAREN = re.compile(r"\(([^()]*)\)")


@lru_cache(maxsize=1)
def _clause_rx() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Regexes over folded text for a responsibility note: "[Giao] X chủ trì[, phối hợp với Y [thực hiện]]",
    "[Y] phối hợp", and an item that starts "[Giao] X chủ trì" (cue words: assign_words, clause_tails)."""
    lex = _lexicon()

    def alt(key: str) -> str:
        words = sorted(lex.get(key, []), key=len, reverse=True)
        return "|".join(re.escape(w).replace(r"\ ", " ").replace(" ", r"\s+") for w in words) or r"(?!)"

    assign = rf"(?:(?:{alt('assign_words')})\s+)?"
    tail = rf"(?:\s+(?:{alt('clause_tails')}))?"
    lead_coop = re.compile(
        rf"^\s*{assign}(?P<lead>.+?)\s+chu tri{tail}\s*(?:[,;]\s*(?:(?P<coop>.+?)\s+phoi hop{tail}"
        rf"|phoi hop(?:\s+voi)?\s*:?\s*(?P<coop2>.+?){tail}))?\s*[.;]?\s*$")
    coop_only = re.compile(
        rf"^\s*(?:phoi hop(?:\s+voi)?\s*:?\s*(?P<coop2>.+?){tail}|(?P<coop>.+?)\s+phoi hop{tail})\s*[.;]?\s*$")
    subject_lead = re.compile(rf"^{assign}(?P<lead>[a-z][^,;.()]{{2,90}}?)\s+chu tri\b")
    return lead_coop, coop_only, subject_lead


def _clauses(inner: str) -> dict:
    """field -> raw clause of a responsibility note such as "Phòng X chủ trì; thời gian: 2025"."""
    found: dict = {}
    for seg in inner.split(";"):
        rest, lab = _labelled(seg.strip())
        for k, v in lab.items():
            found.setdefault(k, v)
        f = _fold_chars(rest)
        lead_coop, coop_only, _ = _clause_rx()
        hit = lead_coop.match(f) or coop_only.match(f)
        if not hit:
            continue
        for name, groups in (("lead", ("lead",)), ("cooperate", ("coop", "coop2"))):
            for g in groups:
                if hit.groupdict().get(g):
                    found.setdefault(name, rest[hit.start(g):hit.end(g)].strip(" ,.:"))
    return found


def _inline(text: str) -> tuple[str, dict]:
    """Responsibility clauses inside an item.

    text (str): item text.
    RETURNS (tuple[str, dict]): the text without its responsibility notes (a parenthesis
        naming who leads or cooperates, a trailing "Thời gian thực hiện: ..."), and
        field -> raw clause ("lead", "cooperate", "period", "product").
    """
    found: dict = {}
    for m in reversed(list(_PAREN.finditer(text))):
        notes = _clauses(m.group(1))
        if notes:
            for k, v in notes.items():
                found.setdefault(k, v)
            text = text[:m.start()].rstrip() + text[m.end():]
    text, labelled = _labelled(collapse(text))
    for k, v in labelled.items():
        found.setdefault(k, v)
    if "lead" not in found:
        m = _clause_rx()[2].match(_fold_chars(text))
        if m:
            lead = text[m.start("lead"):m.end("lead")]
            cut = _fold_chars(lead).rfind(" do ")
            lead = lead[cut + 4:] if cut >= 0 else lead
            if lead[:1].isupper():
                found["lead"] = lead.strip()
    return text, found


def _marker(line: str) -> tuple[str, str | None, str] | None:
    """(kind, label, rest) of a line that starts with an item marker."""
    s = line.strip()
    m = _SUB.match(s)
    if m:
        return f"sub{m.group(1).count('.')}", m.group(1), m.group(2)
    m = _NUM.match(s)
    if m:
        return "num", m.group(1), m.group(2)
    m = _LETTER.match(s)
    if m:
        return ("letter", m.group(1), m.group(2)) if m.group(1) else ("letter", m.group(3), m.group(4))
    m = _PLUS.match(s)
    if m:
        return "plus", None, m.group(1)
    m = _DASH.match(s)
    if m:
        return "dash", None, m.group(1)
    return None


def _is_heading(item: _Item) -> bool:
    return item.kind == "num" or item.kind.startswith("sub")


def _goes_on_heading(item: _Item, line: str) -> bool:
    """True when an unmarked line continues a group heading rather than opening a paragraph."""
    s = line.strip()
    if not s[:1].isupper():
        return True
    joined = " ".join(item.parts)
    if joined.count("(") > joined.count(")"):
        return True  # a parenthesis left open ("(Giao Sở ... phối hợp với Sở Công") goes on
    last = item.parts[-1].rstrip()
    if last.endswith((",", "-", "–", "(")):
        return True
    words = fold(last).split()
    return bool(words) and words[-1] in _lexicon()["heading_connectors"]


def _is_label(text: str) -> bool:
    """True for a line that only gives group attributes ("Cơ quan phối hợp: ...")."""
    rest, found = _labelled(text.strip())
    return bool(found) and not rest.strip(" -–:")


def _read_items(doc: Document, start: int, end: int) -> list[_Item]:
    """Items of the lines start..end, in order, each with its wrapped lines joined."""
    items: list[_Item] = []
    cur: _Item | None = None
    prev_line = ""
    for n in range(start, end + 1):
        line = doc.line(n)
        if not line.strip() or _PAGE_NUMBER.match(line) or _RULE.match(line):
            continue
        mk = _marker(line)
        if mk and mk[0] in ("dash", "plus") and cur is not None:
            # "chính trị\n- xã hội": a wrapped hyphenated phrase, not a new bullet.
            if mk[2][:1].islower() and not _SENTENCE_END.search(prev_line):
                mk = None
        if mk is None and _is_label(line):
            mk = ("label", None, line.strip())
        elif mk and mk[0] in ("dash", "plus") and _is_label(mk[2]):
            # "- Đơn vị chủ trì: ..." gives attributes to the group, whatever item
            # (a lettered one, a bullet) was open before it.
            mk = ("label", None, mk[2])
        if mk:
            cur = _Item(mk[0], mk[1], n, n, [mk[2]])
            items.append(cur)
        elif cur is not None and _continues(cur, line, prev_line):
            cur.parts.append(line)
            cur.last = n
        else:
            cur = _Item("para", None, n, n, [line])
            items.append(cur)
        prev_line = line.rstrip()
    return items


def _continues(cur: _Item, line: str, prev_line: str) -> bool:
    """True when an unmarked line goes on the current item."""
    if _is_heading(cur):
        return _goes_on_heading(cur, line)
    if cur.kind == "label":
        return line.strip()[:1].islower() or not _SENTENCE_END.search(prev_line)
    return True


def _nest(items: list[_Item]) -> _Item:
    """Tree of items: a marker kind seen again closes the items opened after it."""
    root = _Item("root", None, 0, 0, [])
    stack = [root]
    for it in items:
        if it.kind in ("para", "label"):
            # An unmarked paragraph belongs to the heading just before it (or the section).
            while len(stack) > 1 and not _is_heading(stack[-1]):
                stack.pop()
        else:
            same = [i for i in range(1, len(stack)) if stack[i].kind == it.kind]
            if same:
                del stack[same[-1]:]
        stack[-1].children.append(it)
        if it.kind not in ("para", "label"):
            stack.append(it)
    return root


def _merge_sentence_subitems(node: _Item) -> None:
    """A "1.1." item that ends a sentence and is followed by one unmarked paragraph is
    a task whose text went on over a capitalised line, not a sub-group heading."""
    for c in node.children:
        if (c.kind.startswith("sub") and len(c.children) == 1 and c.children[0].kind == "para"
                and re.search(r"[.;]\s*$", c.parts[-1])):
            para = c.children.pop()
            c.parts.extend(para.parts)
            c.last = para.last
        _merge_sentence_subitems(c)


def _mark_attrs(node: _Item) -> None:
    """Move label lines ("- Cơ quan phối hợp: ...") into their parent's attrs."""
    for c in node.children:
        if not _is_heading(c) and not c.children and _is_label(c.text):
            c.is_attr = True
            for k, v in _labelled(c.text)[1].items():
                node.attrs.setdefault(k, v)
        _mark_attrs(c)


def _is_group(node: _Item, tasks: list[_Item]) -> bool:
    """A node whose children are tasks (not details of the node itself).

    Group headings ("1.", "1.1.") always are; a letter or bullet is unless its
    sub-items read as details: they start in lower case, or the bullet ends
    with ":" ("- Tuyên truyền bằng các hình thức:" + "+ Hội nghị ...").
    """
    if not tasks:
        return False
    if _is_heading(node):
        return True
    if node.kind in ("dash", "plus") and node.text.rstrip().endswith(":"):
        return False
    return any(t.text[:1].isupper() for t in tasks)


def _heading_text(node: _Item) -> str:
    return node.text.rstrip(" .:;")


def _walk(node: _Item, path: list, appendix_only: bool, out: list[RawTask]) -> None:
    """Collect the tasks under node: its children, or theirs when a child is a group.

    An unmarked paragraph is a task only when no marked item shares its parent
    (otherwise it introduces them); a group's single paragraph takes the group's
    number; a heading with nothing under it is a task, unless the section only
    names the groups of an appendix table.
    """
    kids = [c for c in node.children if not c.is_attr]
    marked = [c for c in kids if c.kind != "para"]
    kids = [c for c in kids if c.kind != "para" or not marked]
    counters: dict[str, int] = {}
    for c in kids:
        if c.kind in ("dash", "plus", "para"):
            counters[c.kind] = counters.get(c.kind, 0) + 1
            alone = c.kind == "para" and len(kids) == 1 and node.kind != "root"
            part = None if alone else str(counters[c.kind])
        else:
            part = c.label
        sub_tasks = [g for g in c.children if not g.is_attr]
        step = (c, part)
        if _is_group(c, sub_tasks):
            _walk(c, path + [step], appendix_only, out)
        elif not (appendix_only and _is_heading(c)):
            out.append(_task(path + [step]))


def _task(path: list[tuple[_Item, str | None]]) -> RawTask:
    """RawTask of the last item of path (items from the section down, with ref parts).

    The item's sub-items are part of its text; each of lead/cooperate/period/product
    comes from the nearest label line (the item's own, then its groups' going up);
    an inline lead replaces it, an inline cooperate clause is added to it.
    """
    node = path[-1][0]
    parts: list[str] = []
    for it, part in path:
        if it.kind.startswith("sub"):
            parts = it.label.split(".")
        elif part is not None:
            parts.append(part)
    heads = [it for it, _ in path[:-1]]
    text = node.text
    last = node.last
    for d in _descendants(node):
        text = f"{text} {d.text}"
        last = max(last, d.last)
    text, inline = _inline(collapse(text))
    cells = {}
    for name in FIELDS:
        for it in [node] + heads[::-1]:
            if name in it.attrs:
                cells[name] = it.attrs[name]
                break
    if inline.get("lead"):
        cells["lead"] = inline["lead"]
    for name in ("cooperate", "period", "product"):
        if inline.get(name):
            cells[name] = f"{cells[name]}; {inline[name]}" if name == "cooperate" and cells.get(name) else inline[name]
    notes = [f"groups: {' | '.join(_heading_text(h) for h in heads)}"] if len(heads) > 1 else []
    return RawTask(
        ref=".".join(parts) or None,
        text=text,
        group=_heading_text(heads[-1]) if heads else None,
        lead=cells.get("lead"),
        cooperate=cells.get("cooperate"),
        period=cells.get("period"),
        product=cells.get("product"),
        lines=(node.first, last),
        layout="letters" if node.kind == "letter" else "bullets",
        notes=notes,
    )


def _descendants(node: _Item):
    for c in node.children:
        if not c.is_attr:
            yield c
            yield from _descendants(c)


def _appendix_only(doc: Document, start: int, end: int) -> bool:
    body = fold(doc.span(start, end))
    return any(cue in body for cue in _lexicon()["appendix_pointer"])


def read_items(doc: Document, start: int, end: int) -> list[RawTask]:
    """Tasks of the lines start..end read as groups of items (see the module docstring).

    doc (Document): the plan.
    start, end (int): first and last line of the section body (1-based, inclusive).
    RETURNS (list[RawTask]): one per task, in document order.
    """
    root = _nest(_read_items(doc, start, end))
    _merge_sentence_subitems(root)
    _mark_attrs(root)
    out: list[RawTask] = []
    _walk(root, [], _appendix_only(doc, start, end), out)
    return out


def extract_bullet_tasks(doc: Document) -> list[RawTask]:
    """Tasks of a plan whose NHIỆM VỤ section lists them as numbered groups of items.

    doc (Document): the plan.
    RETURNS (list[RawTask]): one per task, layout "bullets" or "letters"; empty when the
        plan has no tasks section or the section only names the groups of an appendix.
    """
    section = tasks_section(doc)
    if section is None or section.end <= section.start:
        return []
    return read_items(doc, section.start + 1, section.end)


#: The clause rules, for the block readers of :mod:`.items`.
labelled_clauses = _labelled
inline_clauses = _inline
responsibility_clauses = _clauses
fold_chars = _fold_chars


def appendix_cues() -> list[str]:
    """Folded phrases by which a tasks section points to its appendix table ("tại Phụ lục")."""
    return _lexicon()["appendix_pointer"]
