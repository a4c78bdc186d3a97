"""Plan metadata: title, type, number, issuer, level, province, commune, date, signer.

Follows the layout of Vietnamese administrative documents: the header (issuing
body left, national motto right, "Số:" line, place and date line), the heading
("KẾ HOẠCH") with the subject line under it, the preamble ("UBND xã ... ban hành
Kế hoạch"), the signature block ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / ... /
name") and the appendix caption ("Kèm theo Kế hoạch số 345/KH-UBND ngày ...").
Cue words live in ``extract/lexicon/meta_cues.json``; bodies and provinces in
``issuers_bodies.tsv`` and ``places_provinces.tsv``.

>>> from planlineage.extract.document import Document
>>> doc = Document.from_text("UBND XÃ A\\nSố: 12/KH-UBND   A, ngày 3 tháng 7 năm 2025\\nKẾ HOẠCH\\nVề việc X", "x.txt")
>>> p = extract_plan(doc)  # doctest: +SKIP
>>> p["number"], p["date"], p["issuer"]  # doctest: +SKIP
('12/KH-UBND', '2025-07-03', 'Ủy ban nhân dân xã A')
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from itertools import takewhile
from pathlib import Path

from .lexicons import read_tsv
from .abbrev import expand_abbreviations
from .document import Document
from .header import NUMBER as _NUMBER, Header, cues, parse_date, read_header, read_signer
from .normalize import collapse, fold, normalize

LEXICON = Path(__file__).resolve().parent / "lexicon"
#: A space left by a line wrap inside a document symbol ("38- CT/TW", "599/KH-" + "UBND").
_SIGNATURE = re.compile(r"(?!(?<=\s)\s)\s*(?:TM|T/M)\s*[./]?\s*(.+)")  # no start inside a run of spaces (issue #15)
WRAPPED_GAP = re.compile(r"(?<=[0-9A-Za-zĐđ][/-])\s+(?=[0-9A-ZĐ])")
#: A space typed before the hyphen of a symbol ("78/2021/NĐ -CP"): group 1 is the symbol so far.
SPACED_DASH = re.compile(r"(\d/(?:\d{4}/)?[A-ZĐ][A-ZĐa-z&]*)\s+(?=[-–][A-ZĐ])")


def _tsv(name: str) -> list[list[str]]:
    return read_tsv(LEXICON / name)


@lru_cache(maxsize=1)
def bodies() -> list[str]:
    """Issuing bodies (full form), longest first."""
    return sorted((normalize(r[0]) for r in _tsv("issuers_bodies.tsv")), key=len, reverse=True)


@lru_cache(maxsize=1)
def provinces() -> list[str]:
    """Province and city names, longest first."""
    return sorted((normalize(r[0]) for r in _tsv("places_provinces.tsv")), key=len, reverse=True)


def join_wrapped(text: str) -> str:
    """Collapse white space and close gaps that line wraps leave inside document symbols.

    text (str): lines joined with spaces or newlines.
    RETURNS (str): one line, e.g. "Kế hoạch số 599/KH-UBND" from "Kế hoạch số 599/KH-\\nUBND".
    """
    return SPACED_DASH.sub(r"\1", WRAPPED_GAP.sub("", collapse(text)))


# ---------------------------------------------------------------- title

def heading_line(doc: Document) -> tuple[int, str] | None:
    """First line that is a document-type heading ("KẾ HOẠCH"), with the type code.

    RETURNS (tuple[int, str] | None): (1-based line, code such as "KH"), or None.
    """
    from .nlp import find_spans

    for n in range(1, min(len(doc), 150) + 1):
        text = normalize(doc.line(n))
        if not text or text != text.upper() or len(text) > 40:
            continue
        spans = [s for s in find_spans(text, "DOC_TYPE") if s.start_char == 0]
        if spans:
            longest = max(spans, key=lambda s: s.end_char)
            if not text[longest.end_char:].strip(" .:"):
                return n, longest.id_
        # OCR misreads a tone mark ("QUYÉT ĐỊNH"): the heading still folds to a type name.
        code = _folded_types().get(fold(text).strip(" .:"))
        if code:
            return n, code
    return None


@lru_cache(maxsize=1)
def _folded_types() -> dict[str, str]:
    """Folded document-type names of the DOC_TYPE patterns ("quyet dinh" -> "QĐ")."""
    from .nlp import load_patterns

    return {fold(" ".join(t["LOWER"] for t in p["pattern"])): p["id"]
            for p in reversed(load_patterns()) if p["label"] == "DOC_TYPE"}


def subjects(doc: Document) -> list[tuple[int, int]]:
    """First and last line of the subject under every document-type heading of ``doc`` (a decision's
    own, and the one of the plan it issues: "KẾ HOẠCH" after the signature)."""
    from .nlp import find_spans

    first = title_lines(doc)
    out = [first] if first else []
    for n in range(1, len(doc) + 1):
        text = doc.line(n).strip(" *#\t")
        # Not the enacting words "QUYẾT ĐỊNH:" before the articles.
        if not text or len(text) > 40 or text != text.upper() or not text[:1].isalpha() or text.endswith(":"):
            continue
        if n > 1 and doc.line(n - 1).strip(" *#|\t"):  # a heading stands apart, not the end of a wrapped one
            continue
        text = normalize(text)
        spans = [s for s in find_spans(text, "DOC_TYPE") if s.start_char == 0]
        if spans and not text[max(s.end_char for s in spans):].strip(" .:"):
            found = _subject_lines(doc, n)
            if found and found not in out:
                out.append(found)
    return sorted(out)


def title_lines(doc: Document) -> tuple[int, int] | None:
    """First and last line of the subject under the heading, or None without a heading."""
    found = heading_line(doc)
    return _subject_lines(doc, found[0]) if found else None


def _subject_lines(doc: Document, heading: int, stop=None) -> tuple[int, int] | None:
    """First and last line of the subject under the heading at line ``heading``.

    stop (callable | None): a test on a line's text that ends the subject before that line.
    """
    start = end = None
    gap = False  # a blank line after the subject began
    for n in range(heading + 1, min(len(doc), heading + 30) + 1):
        text = normalize(doc.line(n))
        if not text:
            gap = start is not None
            continue
        if gap and _after_gap_ends(doc, start, end, n):
            break
        if re.fullmatch(r"[-_=*.~ ]{3,}", text) or re.match(r"(?:[IVX]+|\d+)\.\s", text):
            break
        if start is not None and (re.match(r"(?:Thực hiện|Căn cứ|Triển khai|Xét|Theo|Nhằm|Để)\b", text)):
            break
        if stop and stop(text):
            break
        if start is None:
            start = n
        end = n
        if end - start >= 12:
            break
    return (start, end) if start else None


def _after_gap_ends(doc: Document, start: int, end: int, n: int) -> bool:
    """After a blank line, line ``n`` is no longer the subject (lines ``start``-``end``) when the case
    of its letters differs: a subject in capitals, then a line that is not; a sentence-case subject,
    then a line mostly in capitals (a scanned stamp, the author's line), or a word or two alone before
    such a line (a stamp's logo read as text)."""
    subject = normalize(" ".join(doc.lines[start - 1:end]))
    text = normalize(doc.line(n))
    if subject == subject.upper():
        return text != text.upper()
    if _capitals(text):
        return True
    if len(text.split()) <= 2:
        after = next((normalize(doc.line(k)) for k in range(n + 1, min(len(doc), n + 4) + 1)
                      if doc.line(k).strip()), "")
        return _capitals(after) or _noise(after)
    return False


def _capitals(text: str) -> bool:
    """Most letters of ``text`` (at least 8 of them) are capitals."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


_ODD_TOKEN = re.compile(r"[^\w\s.,;:()/&%\"“”'‘’–-]|[^\W\d_A-ZÀ-ỸĐ][A-ZÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬĐÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ]")


def _noise(text: str) -> bool:
    """A line of OCR noise (a stamp read as text: "¬ toan e-CÔNG THÔNG fR ĐÊN TỬ"): many tokens
    with symbols or a capital inside a lower-case word."""
    tokens = text.split()
    odd = sum(1 for t in tokens if _ODD_TOKEN.search(t))
    return odd >= 1 and odd > 0.3 * len(tokens)


# Patterns starting with \s* start no match inside a run of spaces (the start before it matches the
# same): a search fails in linear time on a long run (issue #15).
_CAPTION = re.compile(r"(?!(?<=\s)\s)\(?\s*(?:Ban hành\s+)?[Kk]èm theo\b")


def attached_plan_line(doc: Document) -> int | None:
    """Line of the heading of the plan that a decision (or resolution) issues, None for a plan."""
    found = heading_line(doc)
    return _attached_heading(doc, found) if found and found[1] in cues()["decision_types"] else None


def _attached_heading(doc: Document, found: tuple[int, str]) -> int | None:
    """Line of the heading of the plan a decision issues ("KẾ HOẠCH", "CHƯƠNG TRÌNH HÀNH ĐỘNG CỦA ...")."""
    from .nlp import find_spans

    for n in range(found[0] + 1, len(doc) + 1):
        text = normalize(doc.line(n)).strip()
        if not text or text != text.upper() or len(text) > 60 or text.endswith(":"):
            continue
        spans = [s for s in find_spans(text, "DOC_TYPE") if s.start_char == 0 and s.id_ in cues()["plan_types"]]
        if spans:
            tail = text[max(s.end_char for s in spans):].strip(" .")
            if not tail or fold(tail).startswith("cua "):
                return n
        elif _folded_types().get(fold(text).strip(" .")) in cues()["plan_types"]:
            return n  # OCR misread a tone mark ("KÉ HOẠCH")
    return None


def _plan_title(doc: Document, found: tuple[int, str] | None) -> str:
    """The plan's subject: under its heading, or for a decision that issues a plan, under
    the attached plan's heading; an appendix caption or a decision's author line ends it."""
    if not found:
        return ""
    capitals = []  # a subject begun in capitals ends at the first line that is not

    def stop(text: str, authority: bool = False) -> bool:
        if _CAPTION.match(text) or (capitals and capitals[0] and text != text.upper()) or _noise(text):
            return True
        capitals.append(text == text.upper())
        return authority and _is_authority(text)

    lines = None
    if found[1] in cues()["decision_types"]:
        attached = _attached_heading(doc, found)
        if attached:
            lines = _subject_lines(doc, attached, stop)
        if not lines:
            capitals.clear()
            lines = _subject_lines(doc, found[0], lambda t: stop(t, authority=True))
    else:
        lines = _subject_lines(doc, found[0], stop)
    if not lines:
        return ""
    title = join_wrapped(" ".join(doc.lines[lines[0] - 1:lines[1]]))
    return _CAPTION.split(title, 1)[0].strip() if _CAPTION.search(title[1:]) else title


# ---------------------------------------------------------------- header

def _header(doc: Document, found: tuple[int, str] | None) -> Header:
    """The header above the heading; without a heading line (the subject run into it),
    the block that ends with the place-date line under the motto."""
    if found:
        return read_header(doc, found[0])
    motto = re.compile(cues()["motto"])
    for n in range(1, min(len(doc), 60) + 1):
        if motto.search(fold(doc.line(n))):
            for k in range(n, min(len(doc), n + 12) + 1):
                if parse_date(normalize(" ".join(doc.lines[n - 1:k]))):  # the date may wrap
                    return read_header(doc, k + 1)
            break
    return Header()


def _bodies_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, body) of the bodies named in ``text``, longest first where they overlap.

    Matched with their diacritics (lower case): folded, "SỐ" would be "Sở".
    """
    low = "".join(c.lower()[:1] for c in text)  # same length as ``text``, so offsets carry over
    spans: list[tuple[int, int, str]] = []
    for b in bodies():
        for m in re.finditer(rf"(?<!\w){re.escape(b.lower())}(?!\w)", low):
            if not any(s < m.end() and m.start() < e for s, e, _ in spans):
                spans.append((m.start(), m.end(), b))
    return sorted(spans)


def _proper(upper: str) -> str:
    """Write an upper-case header name in normal case: body, level word, place name."""
    text = normalize(upper)
    low = fold(text)
    body = next((b for b in bodies() if low.startswith(fold(b))), None)
    if body is None:  # a body the lexicon does not list ("CÔNG AN TỈNH X"): still a level and a place
        levels = "|".join(re.escape(fold(lv)) for lv in sorted(cues()["levels"], key=len, reverse=True))
        m = re.search(rf"\s({levels})\s", low)
        if not m:
            return text[:1] + text[1:].lower()
        body = text[:1] + text[1:m.start()].lower()
    rest = text[len(body):].strip()
    if any(fold(rest).startswith(fold(b) + " ") or fold(rest) == fold(b) for b in bodies()):
        return collapse(f"{body} {_proper(rest)}")  # "Thường trực" + "Hội đồng nhân dân tỉnh X"
    place = next((p for p in provinces() if fold(p) == fold(rest)), None)
    if place:
        return collapse(f"{body} {place}")  # "TỈNH ỦY HÀ TĨNH" -> "Tỉnh ủy Hà Tĩnh"
    for level in sorted(cues()["levels"], key=len, reverse=True):
        if fold(rest).startswith(fold(level) + " ") or fold(rest) == fold(level):
            name = rest[len(level):].strip()
            name = next((p for p in provinces() if fold(p) == fold(name)), None) or " ".join(
                w[:1].upper() + w[1:].lower() for w in name.split())
            return collapse(f"{body} {level} {name}")
    return collapse(f"{body} {rest.lower()}")


def _recase(name: str, doc: Document) -> str:
    """Written in capitals, a name's own case is lost: take it from the body text
    ("SỞ KHOA HỌC VÀ CÔNG NGHỆ" -> "Sở Khoa học và Công nghệ")."""
    rx = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)", re.IGNORECASE)
    return next((collapse(m.group(0)) for m in rx.finditer(doc.text) if m.group(0) != m.group(0).upper()), name)


def _header_issuer(doc: Document, head: Header) -> str | None:
    if not head.pieces:
        return None
    text = expand_abbreviations(head.name)
    low = fold(text)
    spans = _bodies_in(text)
    # "UBND TỈNH X / SỞ Y": the last body named is the issuer.
    at = spans[-1][0] if spans else 0
    # "THƯỜNG TRỰC HĐND TỈNH X": a sub-body written before its parent, in one name.
    if len(spans) > 1 and spans[-2][2] in cues()["sub_bodies"] and not text[spans[-2][1]:at].strip():
        return _recase(_proper(text[spans[-2][0]:]), doc)
    issuer = _recase(_proper(text[at:]), doc)
    # "ỦY BAN MTTQ VIỆT NAM XÃ A / BAN THƯỜNG TRỰC": the sub-body of the body above it.
    if len(spans) > 1 and spans[-1][2] in cues()["sub_bodies"]:
        parent = _recase(_proper(text[spans[-2][0]:at].strip()), doc)
        return collapse(f"{issuer} {parent}")
    # A body under a provincial committee ("UBND TỈNH X" above "SỞ Y") is "Sở Y tỉnh X".
    above = re.search(r"(?:^|\s)(tinh|thanh pho)\s+(.+)$", low[:at].strip())
    if above and not re.search(r"(?<!\w)(?:tỉnh|thành phố|xã|phường|huyện|đặc khu)(?!\w)", issuer):
        place = next((p for p in provinces() if fold(p) == above.group(2).strip()), None)
        if place:
            issuer = f"{issuer} {'tỉnh' if above.group(1) == 'tinh' else 'thành phố'} {place}"
    return issuer


def _authority(doc: Document, found: tuple[int, str] | None) -> str | None:
    """The author line of a decision, in capitals above its first "Căn cứ" ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH")."""
    if not found or found[1] not in cues()["decision_types"]:
        return None
    stop = re.compile(cues()["authority_stop"])
    candidate = None
    for n in range(found[0] + 1, min(len(doc), found[0] + 40) + 1):
        line = normalize(doc.line(n)).strip(" |:.")
        if not line:
            continue
        if stop.match(fold(line)):
            return candidate
        if _is_authority(line):
            candidate = expand_abbreviations(line)
    return None


def _is_authority(line: str) -> bool:
    """A capitals line that names a body, or a post and a body ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH")."""
    if line != line.upper() or not re.search(r"[^\W\d_]", line):
        return False
    text = expand_abbreviations(line)
    spans = _bodies_in(text)
    return bool(spans) and (spans[0][0] == 0 or bool(re.match(cues()["authority_posts"], fold(text))))


def _decision_issuer(doc: Document, authority: str, header_issuer: str | None) -> str:
    """Issuer of a decision: its author line; a post ("Chủ tịch") stays unless the plan's
    closing sentence says the plan is the body's ("Trên đây là Kế hoạch ... của Ủy ban nhân dân")."""
    spans = _bodies_in(authority)
    body = _proper(authority[spans[0][0]:])
    named = header_issuer if header_issuer and fold(header_issuer).startswith(fold(body)) else body
    post = authority[:spans[0][0]].strip()
    if not post:
        return named
    closing = re.search(cues()["closing"] + r"[^.]*", doc.text)
    if closing:
        owner = closing.group(0).rsplit(" của ", 1)[-1]
        if fold(expand_abbreviations(owner)).startswith(fold(spans[0][2])):
            return named
    return f"{post[:1]}{post[1:].lower()} {named}"


def _preamble_issuer(doc: Document) -> str | None:
    lines = title_lines(doc)
    first = (lines[1] + 1) if lines else 1
    text = join_wrapped(" ".join(doc.lines[first - 1:first + 60]))
    verb = re.compile(rf"\s+(?:{cues()['issue_verbs']})\s+(?:kế hoạch|Kế hoạch)")
    for m in verb.finditer(text):
        before = re.split(r"[.;,:]", text[max(0, m.start() - 150):m.start()])[-1]
        subject = expand_abbreviations(before)
        low = fold(subject)
        found = [(i + len(fold(b)), -i) for b in bodies() for i in [low.rfind(fold(b))] if i >= 0]
        if not found:
            continue
        i = -max(found)[1]  # the last body named, in its longest form
        # "... của Thủ tướng Chính phủ ban hành Kế hoạch": the issuer of a referenced document.
        if re.search(r"(?:^|\s)(?:cua|tai|theo)\s*$", low[:i]) or re.search(r"\d", subject[i:]):
            continue
        return subject[i:].strip()
    return None


def _signature_issuer(doc: Document) -> str | None:
    for line in doc.lines:
        m = _SIGNATURE.match(normalize(line))
        if m:
            return _proper(expand_abbreviations(m.group(1)))
    return None


# ---------------------------------------------------------------- places

def _name_after(text: str, start: int) -> str | None:
    """Capitalised words (or a number) right after ``start``: a place name."""
    words = []
    for w in re.finditer(r"[^\s,.;:()/“”\"]+", text[start:start + 60]):
        if text[start + w.start() - 1:start + w.start()] not in (" ", "") or (words and "\n" in text[start:start + w.start()]):
            break
        token = w.group(0)
        if token[:1].isupper() or token.isdigit():
            words.append(token)
            if len(words) == 4:
                break
        else:
            break
    return " ".join(words) or None


def _level_name(issuer: str, kinds: tuple[str, ...]) -> str | None:
    for kind in kinds:
        m = re.search(rf"(?<!\w){kind}\s+", issuer)
        if m:
            return _name_after(issuer, m.end())
    return None


def infer_province(text: str) -> str | None:
    """Most named province or city of a text (from the province lexicon)."""
    counts = Counter()
    for p in provinces():
        if p not in text:  # cheap test first: the regex scan is slow on a whole document
            continue
        n = len(re.findall(rf"(?<!\w){re.escape(p)}(?!\w)", text))
        if n:
            counts[p] = n
    # A longer name contains a shorter one ("Thừa Thiên Huế" / "Huế"): count once.
    for p in list(counts):
        for q in list(counts):
            if p != q and p in q:
                counts[p] -= counts[q]
    counts = Counter({k: v for k, v in counts.items() if v > 0})
    return counts.most_common(1)[0][0] if counts else None


def _header_province(head: Header) -> str | None:
    """The province the header block names ("ĐẢNG BỘ TỈNH THANH HÓA", "UBND TỈNH X")."""
    low = fold(head.name)
    for p in provinces():
        if re.search(rf"(?:tinh|thanh pho)\s+{re.escape(fold(p))}(?!\w)", low):
            return p
    return None


def _level(issuer: str | None) -> str:
    if not issuer:
        return "commune"
    if re.search(cues()["central"], issuer, re.I):
        return "central"
    found = []
    for word, level in cues()["levels"].items():
        m = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", issuer)
        if m:
            found.append((m.start(), level))
    return min(found)[1] if found else "commune"


def _complete_issuer(issuer: str, text: str, province: str | None, commune: str | None) -> str:
    """Add the level word or place name an issuer leaves implicit, from the text."""
    if re.search(cues()["central"], issuer, re.I):
        return issuer  # "Chính phủ": no level word to add
    levels = sorted(cues()["levels"], key=len, reverse=True)
    last = issuer.split()[-1] if issuer else ""
    if any(issuer.endswith(" " + lv) for lv in ("tỉnh", "thành phố")) and province:
        return f"{issuer} {province}"
    if any(issuer.endswith(" " + lv) for lv in ("xã", "phường", "đặc khu")) and commune:
        return f"{issuer} {commune}"
    has_level = any(re.search(rf"(?<!\w){re.escape(lv)}(?!\w)", issuer) for lv in levels)
    if not has_level and last:
        pat = re.compile(rf"{re.escape(fold(issuer))} ({'|'.join(re.escape(fold(lv)) for lv in levels)})(?!\w)")
        found = Counter(m.group(1) for m in pat.finditer(fold(expand_abbreviations(text))))
        if found:
            word = found.most_common(1)[0][0]
            level = next(lv for lv in levels if fold(lv) == word)
            return f"{issuer} {level}"
    return issuer


# ---------------------------------------------------------------- number, date, signer

def _captions(doc: Document, kind: str):
    """(number, date) of each caption that attaches a part to this document
    ("(Kèm theo Kế hoạch số 345/KH-UBND ngày 28/3/2025 ...)"), in document order."""
    rx = re.compile(rf"kèm theo\b[^()]{{0,60}}?{re.escape(kind)}\s+số\s*(\S*)", re.I)
    text = join_wrapped(doc.text)
    for m in rx.finditer(text):
        number = _NUMBER.match(m.group(1))
        yield (number.group(1).rstrip(".,") if number else None), parse_date(text[m.end():m.end() + 60])


def _number_and_date(doc: Document, head: Header, found: tuple[int, str] | None) -> tuple[str | None, str | None]:
    """The document's own number and date: header first, then the captions of its appendices.

    A caption's date replaces the header's when it is the same date given more precisely.
    """
    number, date = head.number, head.date
    kind = normalize(doc.line(found[0])).strip().lower() if found else "kế hoạch"
    for cap_number, cap_date in _captions(doc, kind):
        if number is None and cap_number:
            number = cap_number
        if cap_date and (date is None or (cap_date.startswith(date) and len(cap_date) > len(date))):
            date = cap_date
    return number, date


# ---------------------------------------------------------------- web copies without a header

def _carried_document(doc: Document) -> dict | None:
    """Type, number, date and issuer of the document a headerless web copy carries in full."""
    from .references import type_words

    lead = join_wrapped(" ".join(doc.lines[:30]))
    types = "|".join(re.escape(t) for t in sorted(type_words(), key=len, reverse=True))
    m = re.search(rf"{cues()['full_text_cue']}\s+({types})\s+số\s*(\S+)", lead, re.I)
    number = _NUMBER.match(m.group(2)) if m else None
    if not number:
        return None
    symbol = number.group(1).rstrip(".,:")
    found = {"doc_type": _folded_types().get(fold(m.group(1))), "number": symbol, "date": None, "issuer": None,
             "title": "", "signer": None}
    for cite in re.finditer(re.escape(symbol), lead):
        after = lead[cite.end():cite.end() + 120]
        d = re.match(r"\s*\(?\s*(ngày[^)]{0,30}?năm\s*\d{4}|ngày\s*[\d/ ]+)\)?", after)
        found["date"] = found["date"] or (parse_date(d.group(1)) if d else None)
        by = re.match(r"[^.;]{0,40}?\bcủa\s+(.{0,80})", after)
        spans = _bodies_in(by.group(1)) if by else []
        if spans and spans[0][0] == 0 and not found["issuer"]:
            found["issuer"] = spans[0][2]
            subject = re.match(r"\s*(về\s[^.;:]+)", lead[cite.end() + by.start(1) + spans[0][1]:])
            found["title"] = collapse(subject.group(1)) if subject else ""
    # "Thay mặt Bộ Chính trị, Tổng Bí thư X đã ký": the signature a web copy spells out.
    signed = re.search(r"Thay mặt [^,]{2,60},\s*(.{0,60}?)\s+(?:đã\s+)?ký\b", lead)
    if signed:
        words = signed.group(1).split()
        name = list(reversed(list(takewhile(lambda w: w[:1].isupper(), reversed(words)))))
        post = " ".join(words[:len(words) - len(name)])
        if 2 <= len(name) <= 5 and re.search(cues()["signature_post"], fold(post)):
            found["signer"] = " ".join(name)
    return found


# ---------------------------------------------------------------- plan

def extract_plan(doc: Document) -> dict:
    """Metadata of the plan in ``doc`` (the ``plan`` object of the extraction schema).

    doc (Document): the loaded document.
    RETURNS (dict): title, doc_type, number, issuer, level, province, commune, date, signer.
    """
    found = heading_line(doc)
    title = _plan_title(doc, found)
    head = _header(doc, found)
    number, date = _number_and_date(doc, head, found)
    text = doc.text
    issuer = _header_issuer(doc, head)
    carried = None if found or head.pieces else _carried_document(doc)
    if carried:
        number, date, issuer = number or carried["number"], date or carried["date"], issuer or carried["issuer"]
    authority = _authority(doc, found)
    if authority:
        issuer = _decision_issuer(doc, authority, issuer)
    issuer = issuer or _preamble_issuer(doc) or _signature_issuer(doc) or ""
    issuer = expand_abbreviations(issuer)
    sig = _signature_issuer(doc)
    if (sig and re.match(cues()["party_committee"], issuer) and re.match(cues()["standing_signature"], fold(sig))):
        issuer = f"Ban Thường vụ {issuer}"
    province = _level_name(issuer, ("tỉnh", "thành phố", "Thành phố", "Thành ủy", "Tỉnh ủy"))
    if province:
        province = next((p for p in provinces() if fold(p) == fold(province)), province)
    else:
        province = _header_province(head) or infer_province(text)
    level = _level(issuer)
    if level == "central":
        province = None  # a national body: the place-date line names only where it sits
    commune = _level_name(issuer, ("xã", "phường", "đặc khu", "thị trấn")) if level == "commune" else None
    if level == "commune" and commune is None and issuer:
        kind = next((k for k in ("đặc khu", "phường", "xã") if re.search(rf"(?<!\w){k}$", issuer)), None)
        if kind:
            names = Counter()
            for m in re.finditer(rf"(?<!\w){kind}\s+", text):
                name = _name_after(text, m.end())
                if name:
                    names[name] += 1
            commune = names.most_common(1)[0][0] if names else None
    issuer = _complete_issuer(issuer, text, province, commune) if issuer else issuer
    if level == "commune" and commune is None:
        commune = _level_name(issuer, ("xã", "phường", "đặc khu", "thị trấn"))
    return {
        "title": title or (carried or {}).get("title", ""),
        "doc_type": found[1] if found else (carried or {}).get("doc_type") or "KH",
        "number": number,
        "issuer": issuer,
        "level": _level(issuer) if issuer else level,
        "province": province,
        "commune": commune if _level(issuer) == "commune" else None,
        "date": date,
        "signer": read_signer(doc, found[0] + 1 if found else 1) or (carried or {}).get("signer"),
    }
