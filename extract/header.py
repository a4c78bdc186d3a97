"""The header and signature blocks of an administrative document, in any layout.

A Vietnamese administrative document opens with two columns (Nghị định 30/2020/NĐ-CP):
the issuing body on the left (upper case, possibly over several lines), the national motto
on the right, then "Số: <number>" under the body and "<place>, ngày ... tháng ... năm ..."
under the motto. Copies give these columns interleaved line by line (PDF text), as a pipe
table ("| UBND ... | CỘNG HÒA ... |"), one cell per line between lone "|" lines (web
pages), glued into one line (a Word table read as text), or letter-spaced
("ỦY B AN NHÂN D Â N"). :func:`read_header` cuts the header text at the motto, the number
and the place-date line, whatever the layout, and keeps the upper-case name pieces in
reading order. :func:`read_signer` finds the name under a "TM. / KT. / CHỦ TỊCH" block.
Cue words are in ``extract/lexicon/meta_cues.json``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import takewhile
from pathlib import Path

from .document import Document
from .lexicons import read_json
from .normalize import collapse, fold, normalize

LEXICON = Path(__file__).resolve().parent / "lexicon"
#: A document symbol: number, type code, issuer code ("252/KH-BCĐQG1237", "21/2024/NQ-HĐND").
#: The (?!...) openings here start no match where the start before it matches the same (inside a run
#: of digits, letters or spaces): a search fails in linear time on a long run (issue #15).
NUMBER = re.compile(r"(?!(?<=\d)\d)(\d+[a-z]?(?:/\d{4})?[/-][^\W\d_][\w&.-]*(?:/[\w&.-]+)*)")
_DAY = r"(\d\s?\d|\d)"  # "0 6": a digit split by a stray space
_DATE_WORDS = re.compile(rf"ngày\s*{_DAY}?\s*tháng\s*{_DAY}?\s*năm\s*(\d{{4}})", re.I)
_DATE_SLASH = re.compile(rf"ngày\s*{_DAY}?\s*/\s*{_DAY}?\s*/\s*(\d{{4}})", re.I)
_NUMBER_CUE = re.compile(r"(?<!\w)(?:Số|SỐ)\s*(?::|\.)?\s*(?=[\d/])|(?<!\w)(?:Số|SỐ)\s*:\s*")
_PLACE_DATE = re.compile(r"(?!(?<=[^\W\d_])[^\W\d_])(?:[^\W\d_]+\s+){0,6}[^\W\d_]+\s*,\s*ngày\b")  # "Lương Minh, ngày"
# At most 64 characters before the "/" (the longest in the bundled and real plans: 4) keep a search linear.
_NUMBER_VALUE = re.compile(r"(?!(?<=\d)\d|(?<=\d\.)\d|(?<=\s)\s)(\d[\w.]{0,63})?((?:\s*[/-]\s*[^\W_][\w&.]*)+)")
_RULE = re.compile(r"[-_=~*—–]{3,}")  # "-------" under the body and the motto
_DOTS = re.compile(r"[.…]{3,}")  # a blank to fill in ("Số: ....../KH-UBND", "ngày ..... tháng 7")
#: A Vietnamese syllable, folded (initial consonants, one to three vowels, final consonants).
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")


_KEYS = ("motto", "signature_post", "signature_noise", "signature_body_words", "decision_types", "plan_types",
         "authority_posts", "authority_stop", "closing", "sub_bodies", "levels", "central", "issue_verbs",
         "standing_signature", "party_committee")


@lru_cache(maxsize=1)
def cues() -> dict:
    """The layout cues of ``meta_cues.json``."""
    return read_json(LEXICON / "meta_cues.json", _KEYS, "metadata lexicon")


def parse_date(text: str) -> str | None:
    """First "ngày D tháng M năm Y" or "ngày D/M/Y" of ``text`` as precisely as given.

    RETURNS (str | None): "YYYY-MM-DD", "YYYY-MM" (day blank) or "YYYY".

    >>> parse_date("Hà Nội, ngày 26 tháng 0 6 năm 2018"), parse_date("ngày  tháng 7 năm 2025")
    ('2018-06-26', '2025-07')
    """
    for rx in (_DATE_WORDS, _DATE_SLASH):
        for m in rx.finditer(text):
            day, month, year = (g.replace(" ", "") if g else g for g in m.groups())
            if (month and not 1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
                continue
            if month and day:
                return f"{year}-{int(month):02d}-{int(day):02d}"
            if month:
                return f"{year}-{int(month):02d}"
            return year
    return None


def _date_span(text: str) -> re.Match | None:
    hits = [m for rx in (_DATE_WORDS, _DATE_SLASH) for m in [rx.search(text)] if m]
    return min(hits, key=lambda m: m.start()) if hits else None


def fold_chars(text: str) -> str:
    """:func:`fold` letter by letter, so that offsets into the result are offsets into ``text``."""
    out = "".join((fold(c) or c) if not c.isspace() else c for c in text)
    return out if len(out) == len(text) else text.lower()


# ---------------------------------------------------------------- letter spacing

def letter_spaced(text: str) -> bool:
    """True for text whose words were broken by spaces ("ỦY B AN NHÂN D Â N")."""
    tokens = text.split()
    singles = sum(1 for t in tokens if len(t) == 1 and t.isalpha())
    return singles >= 2 and singles >= 0.2 * len(tokens)


def known_words(doc: Document) -> frozenset[str]:
    """Lower-case words of the lines of ``doc`` that are not letter-spaced."""
    words = set()
    for line in doc.lines:
        if not letter_spaced(line):
            words.update(w for w in re.findall(r"[^\W\d_]{2,}", line.lower()))
    return frozenset(words)


def respace(text: str, known: frozenset[str] = frozenset()) -> str:
    """Rejoin the pieces of letter-spaced words: fewest pieces, each a known word or a syllable.

    >>> respace("ỦY B AN NHÂN D Â N T HÀNH P HỐ")
    'ỦY BAN NHÂN DÂN THÀNH PHỐ'
    """
    tokens = text.split()
    n = len(tokens)
    best = [0.0] + [float("inf")] * n
    back = [0] * (n + 1)
    for i in range(1, n + 1):
        for j in range(max(0, i - 6), i):
            parts = tokens[j:i]
            if len(parts) > 1 and not all(p.isalpha() for p in parts[:-1]):
                continue
            word = "".join(parts)
            core = word.strip(",.;:()").lower()
            if core in known and len(core) > 1:
                cost = 1.0
            elif core.isalpha() and _SYLLABLE.fullmatch(fold(core)):
                cost = 2.0
            elif len(parts) == 1:
                cost = 3.0
            else:
                continue
            if best[j] + cost < best[i]:
                best[i], back[i] = best[j] + cost, j
    words, i = [], n
    while i > 0:
        words.append("".join(tokens[back[i]:i]))
        i = back[i]
    return " ".join(reversed(words))


# ---------------------------------------------------------------- header

@dataclass
class Header:
    """What the header block says: name pieces, number, date, and where it stands."""

    pieces: list[str] = field(default_factory=list)  # upper-case name pieces in reading order
    number: str | None = None  # None when absent or left blank ("Số:   /KH-UBND")
    date: str | None = None
    first: int = 0  # 1-based line span of the header
    last: int = 0

    @property
    def name(self) -> str:
        return collapse(" ".join(self.pieces))


def _start(lines: list[str], motto: re.Pattern) -> int:
    """Index of the first header line: walk back from the motto over upper-case lines."""
    text = "\n".join(lines)
    m = motto.search(fold_chars(text))
    if not m:
        return 0
    at = text.count("\n", 0, m.start())
    k = at
    while k > 0:
        prev = lines[k - 1].strip().strip("|").strip()
        # Above the motto stand the body (capitals), rules, and in a single column its "Số:" line.
        if (prev and not _RULE.fullmatch(prev) and prev != prev.upper()
                and not _NUMBER_CUE.match(prev) and not _PLACE_DATE.match(prev)):
            break
        k -= 1
    return k


def read_header(doc: Document, end: int) -> Header:
    """Read the header block: the lines before line ``end`` (the document-type heading).

    doc (Document): the document.
    end (int): 1-based line of the heading; the header is what stands above it.
    RETURNS (Header): name pieces, number and date (empty when nothing is above the heading).
    """
    raw = [normalize(doc.line(n)) for n in range(1, end)]
    motto = re.compile(cues()["motto"])
    first = _start(raw, motto)
    known = None
    lines = []
    for line in raw[first:]:
        if "|" in line and not re.sub(r"[\s|:-]", "", line):
            lines.append("|")  # a lone "|" or a table rule "|---|---|": a cell boundary
            continue
        if letter_spaced(line) or any(letter_spaced(c) for c in line.split("|")):
            known = known if known is not None else known_words(doc)
            line = "|".join(respace(c, known) if letter_spaced(c) else c for c in line.split("|"))
        lines.append(line)
    text = _RULE.sub("|", _DOTS.sub(" ", "\n".join(lines)))
    head = Header(first=first + 1, last=end - 1)
    # The motto column goes first, so that the place-date line beside it stands alone.
    folded = fold_chars(text)
    for m in reversed(list(motto.finditer(folded))):
        text = text[:m.start()] + "|" + text[m.end():]
    m = _NUMBER_CUE.search(text)
    if m:
        value = _NUMBER_VALUE.match(text, m.end())
        stop = m.end()
        if value:
            symbol = re.sub(r"\s+", "", value.group(0))
            if value.group(1) and NUMBER.fullmatch(symbol):
                head.number = symbol
            stop = value.end()
        text = text[:m.start()] + "|" + text[stop:]
    d = _date_span(text)
    if d:
        head.date = parse_date(d.group(0))
        begin = max(text.rfind("|", 0, d.start()), text.rfind("\n", 0, d.start())) + 1
        text = text[:begin] + "|" + text[d.end():]
    for piece in re.split(r"[|\n]", text):
        piece = collapse(piece).strip(" -–:.,")
        if len(piece) > 1 and re.search(r"[^\W\d_]", piece) and piece == piece.upper():
            head.pieces.append(piece)
    return head


# ---------------------------------------------------------------- signature

_SIGN_CUE = re.compile(r"(?:^|(?<=[\s|]))(?:TM|T/M|KT|TL|TUQ|Q)\s*[./]\s*(?=[^\W\d_a-zđ])")


def _title_case(token: str) -> bool:
    return token.isalpha() and token[:1].isupper() and (len(token) == 1 or not token[1:].isupper())


def _name_in(segment: str, post: re.Pattern) -> tuple[str | None, bool]:
    """(name, go on): the name a signature segment gives, and whether the block goes on."""
    segment = collapse(re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", segment))
    if not segment or re.match(cues()["signature_noise"], fold(segment)):
        return None, True
    if segment == segment.upper():
        words = segment.split()
        f = fold(segment)
        if (2 <= len(words) <= 5 and all(w.isalpha() for w in words) and not post.search(f)
                and not re.search(cues()["signature_body_words"], f)):
            return " ".join(w.capitalize() for w in words), False
        return None, True
    tokens = [t.rstrip(".,;") or t for t in segment.split()]
    k = 0
    while k < len(tokens) and (tokens[k] == tokens[k].upper()):
        k += 1
    run = []
    while k < len(tokens) and _title_case(tokens[k]):
        run.append(tokens[k])
        k += 1
    if 2 <= len(run) <= 5 and (k == len(tokens) or tokens[k] == tokens[k].upper()):
        return " ".join(run), False
    return None, False


def read_signer(doc: Document, first: int = 1) -> str | None:
    """Name of the first signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name").

    A block opens with "TM." / "KT." / "TL." or with a post in capitals ("CHỦ TỊCH",
    "TRƯỞNG BAN") at the start of a line or table cell; the name is the first line (or
    run of capitalised words) after the posts, wherever the copy put the line breaks.
    ``first`` is the first line to look at (the one after the header).
    """
    post = re.compile(cues()["signature_post"])
    known = None
    n = first
    while n <= len(doc):
        line = normalize(doc.line(n))
        if letter_spaced(line):
            known = known if known is not None else known_words(doc)
            line = respace(line, known)
        start = None
        m = _SIGN_CUE.search(line)
        if m:
            start = m.start()
        else:
            offset = 0
            for cell in line.split("|"):
                lead = cell.strip()
                words = lead.split()
                upper = len(list(takewhile(lambda w: w == w.upper(), words)))
                # A post heads a short cell ("CHỦ TỊCH / name"), never a long capitals line.
                if 2 <= upper <= 6 and post.match(fold(lead)):
                    start = offset + cell.index(lead)
                    break
                offset += len(cell) + 1
        if start is not None:
            segments = re.split(r"\|", line[start:])
            taken = 0
            for k in range(n + 1, min(n + 40, len(doc) + 1)):
                nxt = normalize(doc.line(k))
                if nxt.strip():
                    segments.extend(re.split(r"\|", nxt))
                    taken += 1
                    if taken == 8:
                        break
            for segment in segments:
                if letter_spaced(segment):
                    known = known if known is not None else known_words(doc)
                    segment = respace(segment, known)
                name, go_on = _name_in(segment, post)
                if name:
                    return name
                if not go_on:
                    break
        n += 1
    return None
