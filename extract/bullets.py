"""Responsibility clauses and labels of task items: who leads, who cooperates, when, what.

The block readers of :mod:`.items` decide what is a task; this module reads what an
item or a label line says about it. Lines such as "- Cơ quan chủ trì thực hiện: ...",
"- Cơ quan phối hợp: ...", "- Thời gian thực hiện: ..." are labels: their values
(label and final full stop removed) apply to every task of the item they stand under.
An item's own clause "(Phòng X chủ trì, các đơn vị liên quan phối hợp)" or
"Thời gian: ..." is taken out of its text into lead/cooperate/period; "Giao Phòng X chủ
trì, ..." at the start of an item gives its lead. Partners named in running text
("Phối hợp với ...") are left to :mod:`.units`. The cue words are in
``lexicon/bullets_cues.json``.

>>> labelled_clauses("Cơ quan chủ trì: Phòng Văn hóa – Xã hội.")
('', {'lead': 'Phòng Văn hóa – Xã hội'})
>>> inline_clauses("Tổ chức hội nghị (Phòng Văn hóa chủ trì; thời gian: năm 2026).")[1]
{'lead': 'Phòng Văn hóa', 'period': 'năm 2026'}
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .lexicons import read_json
from .errors import ExtractionError
from .normalize import collapse, fold_chars

LEXICON = Path(__file__).parent / "lexicon" / "bullets_cues.json"
FIELDS = ("lead", "cooperate", "period", "product")

@lru_cache(maxsize=1)
def _lexicon() -> dict:
    data = read_json(LEXICON)
    labels = data.get("labels")
    if not isinstance(labels, dict) or set(labels) != set(FIELDS):
        raise ExtractionError(LEXICON, f"'labels' must map exactly {', '.join(FIELDS)} to lists of cues")
    return data


_fold_chars = fold_chars


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


#: The clause rules, for the block readers of :mod:`.items`.
labelled_clauses = _labelled
inline_clauses = _inline
responsibility_clauses = _clauses


@lru_cache(maxsize=1)
def responsibility_rx() -> tuple[re.Pattern, re.Pattern]:
    """Patterns over folded text of the words that say who leads ("chủ trì") and who cooperates
    ("phối hợp"): ``inline_lead`` and ``inline_cooperate`` of the lexicon."""
    lex = _lexicon()

    def words(key: str) -> re.Pattern:
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in lex.get(key, [])) + r")(?!\w)")

    return words("inline_lead"), words("inline_cooperate")

