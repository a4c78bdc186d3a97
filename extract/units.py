"""Lead and cooperating units of a task, one full Vietnamese name each.

Plans name the units of a task in a lead column ("Cơ quan chủ trì") and a
cooperating column ("Cơ quan phối hợp"), or in per-group lines
("- Cơ quan phối hợp: ..."). A cell lists several units; this module splits it
the way a reader does:

* ';' always separates units; ',' and 'và' separate them unless both sides are
  members of one collective list: "Các sở, ban, ngành", "Các tổ chức, cá nhân liên
  quan", "Các cơ quan, đơn vị liên quan" and "Ủy ban nhân dân các xã, phường, đặc
  khu" stay whole, "Các Sở ngành, hiệp hội, tổ chức, cá nhân và doanh nghiệp" gives
  four units ("Tổ chức, cá nhân" is one). A piece that names no body of its own
  ("Thể thao và Du lịch" in "Sở Văn hóa, Thể thao và Du lịch") stays with the one
  before it;
* "Các phòng: Văn phòng HĐND -UBND; Kinh tế; ..." distributes its head: "Phòng
  Kinh tế", while "Văn phòng ..." already names its body;
* abbreviations are expanded (:mod:`.abbrev`: "UBND" -> "Ủy ban nhân dân"), the
  head noun spelled as usual ("Chi Cục" -> "Chi cục"), the first letter capitalised;
* a cell holding only "-" names no unit.

In bullet layouts the wording of a bullet also names units: partners after
"Phối hợp với ..." are cooperating units, and a clause that starts with a unit
followed by its verb ("Ban Thường vụ Đảng ủy chỉ đạo ...", "Mặt trận Tổ quốc Việt
Nam ... tham gia tuyên truyền") names the lead (or, with "tham gia", a cooperating
unit) when the group gives no lead. In table layouts bodies named inside the task
text are not units of the task: the table has explicit columns.

The head nouns are the ``UNIT`` patterns of ``patterns/unit.jsonl``; the collective
lists and cue words are in ``lexicon/units_cues.json``.

>>> split_units("Các sở, ban, ngành, UBND các xã, phường, đặc khu")
['Các sở, ban, ngành', 'Ủy ban nhân dân các xã, phường, đặc khu']
>>> split_units("Các phòng: Văn phòng HĐND -UBND; Kinh tế; các tổ chức, cá nhân liên quan")
['Văn phòng Hội đồng nhân dân – Ủy ban nhân dân', 'Phòng Kinh tế', 'Các tổ chức, cá nhân liên quan']
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .lexicons import read_json
from .normalize import collapse, fold, normalize

LEXICON = Path(__file__).resolve().parent / "lexicon" / "units_cues.json"
_KEYS = ("collectives", "area_nouns", "spelling", "empty_cells", "collective_starts",
         "subject_verbs", "partner_cues", "third_party_cues", "phrase_stops")
# "Các phòng: ...", "Các Sở:": a collective head that distributes over the list after ':'.
_DISTRIBUTIVE = re.compile(r"^(?:các|những)\s+([^\W\d_]+(?:\s+[^\W\d_]+)?)\s*:\s*(.+)$", re.IGNORECASE)
# No start inside a run of spaces (the start before it matches the same): linear (issue #15).
_PAREN = re.compile(r"(?!(?<=\s)\s)\s*\([^()]*\)")
_DASH = re.compile(r"(?!(?<=\s)\s)\s*[-–—]\s*")
# A name written as its abbreviation only ("VTV", "TTXVN", "VCCI"): capitals and digits.
_ACRONYM = re.compile(r"[A-ZĐ][A-ZĐ0-9&]+")
# A dash with a space on at least one side (a hyphen inside a word is no separator).
_SPACED_DASH = re.compile(r"(?!(?<=\s)\s)(?:\s+[-–—]\s*|[-–—]\s+)")
_BOUNDARY = re.compile(r";|\.(?:\s|$)")
#: Note of a raw task whose lead is a heading naming only units ("5. Các chủ đầu tư xây dựng và
#: kinh doanh hạ tầng Khu công nghiệp" over its duties): the whole heading is the name.
HEADING_LEAD = "lead named by a heading"


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The cue lexicon (``lexicon/units_cues.json``), checked once."""
    return read_json(LEXICON, _KEYS, "unit lexicon")


@lru_cache(maxsize=1)
def _members() -> dict[str, set[int]]:
    """Member noun -> the collective groups it belongs to."""
    out: dict[str, set[int]] = {}
    for i, group in enumerate(lexicon()["collectives"]):
        for m in group:
            out.setdefault(m, set()).add(i)
    return out


@lru_cache(maxsize=1)
def _members_by_length() -> list[str]:
    """Member nouns, longest first."""
    return sorted(_members(), key=len, reverse=True)


def _expand(text: str) -> str:
    from .abbrev import expand_abbreviations

    return expand_abbreviations(text)


def _fix_spelling(text: str) -> str:
    for wrong, right in lexicon()["spelling"].items():
        text = re.sub(rf"(?<!\w){re.escape(wrong)}(?!\w)",
                      lambda m: right[:1].upper() + right[1:] if m.group(0)[:1].isupper() else right,
                      text, flags=re.IGNORECASE)
    return text


def _strip_collective(text: str) -> tuple[str, str]:
    """("các ", rest) when a piece starts with a collective word, else ("", text)."""
    low = text.lower()
    for w in lexicon()["collective_starts"]:
        if low.startswith(w + " "):
            return text[: len(w) + 1], text[len(w) + 1:]
    return "", text


@lru_cache(maxsize=16384)
def _head(text: str):
    """The UNIT span a text starts with (after 'các'), or None; NONUNIT phrases win."""
    from .nlp import find_spans

    _, rest = _strip_collective(text.strip())
    if not rest:
        return None
    spans = find_spans(rest, ("UNIT", "NONUNIT"))
    at_start = [s for s in spans if s.start == 0 and s.label_ in ("UNIT", "NONUNIT")]
    if not at_start:
        return None
    best = max(at_start, key=lambda s: (len(s), s.label_ == "UNIT"))
    return best if best.label_ == "UNIT" else None


@lru_cache(maxsize=16384)
def _member_prefix(text: str) -> str | None:
    """The collective member a piece starts with (after 'các'), longest first."""
    _, rest = _strip_collective(text.strip())
    low = rest.lower()
    # Longest first: two members of one length cannot both start the piece.
    return next((m for m in _members_by_length() if low == m or low.startswith(m + " ")), None)


@lru_cache(maxsize=16384)
def _member_suffix(text: str) -> str | None:
    """The collective member a piece ends with, longest first."""
    low = text.strip().lower()
    return next((m for m in _members_by_length() if low == m or low.endswith(" " + m)), None)


def _is_proper(piece: str) -> bool:
    """True for a proper name such as "Ban Dân tộc", "Sở Tài chính" (head + capital word)."""
    head = _head(piece)
    if head is None or not piece[:1].isupper():
        return False
    rest = piece[head.end_char:].strip()
    return bool(rest) and rest[:1].isupper()


def _joins(prev: str, piece: str, joiner: str, distributive: bool) -> bool:
    """Whether ``piece`` continues the unit that ends with ``prev``."""
    a, b = _member_suffix(prev), _member_prefix(piece)
    head = _head(piece)
    q_prev, q_piece = _strip_collective(prev)[0].strip().lower(), _strip_collective(piece)[0].strip().lower()
    if q_prev and q_piece and q_prev != q_piece:
        return False  # "Các thành phố ... và một số tỉnh": another quantifier, another group of bodies
    # A longer name that merely starts with a member ("Tỉnh đoàn" after "... tỉnh") is its own unit.
    longer = head is not None and len(head.text) > len(b or "")
    if a and b and _members()[a] & _members()[b] and not _is_proper(piece) and not longer:
        return True
    if _strip_collective(piece)[0]:
        return False
    if head is not None or _ACRONYM.fullmatch(piece.strip()):
        return False  # "VTV, VOV, TTXVN": an abbreviated name is a body of its own
    return not (distributive and joiner == ",")


@lru_cache(maxsize=1)
def _areas_by_length() -> list[str]:
    """Area nouns, longest first."""
    return sorted(lexicon()["area_nouns"], key=len, reverse=True)


def _area_split(piece: str, continued: bool = False) -> list[str]:
    """Split a piece where a unit head follows an area noun with no comma between (``continued``:
    the piece goes on a list after a comma or 'và')."""
    from .nlp import find_spans

    areas = _areas_by_length()
    spans = find_spans(piece, ("UNIT", "NONUNIT"))
    blocked = [s for s in spans if s.label_ == "NONUNIT"]
    cuts = []
    for s in spans:
        if s.label_ != "UNIT" or s.start == 0:
            continue
        if any(b.start <= s.start < b.end and b.start < s.start for b in blocked):
            continue
        if any(b.start == s.start and len(b) > len(s) for b in blocked):
            continue
        before = piece[: s.start_char].rstrip().lower()
        before = re.sub(r"[/]", " ", before)
        # "Tỉnh đoàn" is one name: the area noun must follow a name, not start the piece, unless
        # it ends a list of areas and a capitalised name follows ("xã, phường, đặc khu Sở Tài chính").
        if any(before.endswith(" " + a) or (continued and before == a and piece[s.start_char].isupper())
               for a in areas):
            cuts.append(s.start_char)
    if not cuts:
        return [piece]
    out, last = [], 0
    for c in sorted(set(cuts)):
        out.append(piece[last:c].strip())
        last = c
    out.append(piece[last:].strip())
    return [p for p in out if p]


def _dash_split(piece: str) -> list[str]:
    """Split a piece at a spaced dash between two proper names of bodies ("Ban Công tác đặc biệt -
    Ủy ban Chuyên trách Chính phủ"). A dash inside one name stays: its right side starts no body
    ("Lao động - Thương binh và Xã hội", "Văn hóa – Xã hội"), or names a body alone, as the
    bodies of one office do ("Văn phòng Hội đồng nhân dân – Ủy ban nhân dân", "HĐND - UBND xã")."""
    parts = _SPACED_DASH.split(piece)
    if len(parts) < 2:
        return [piece]
    out = [parts[0]]
    for part in parts[1:]:
        part = part.strip()
        if _head(out[-1].strip()) is not None and _is_proper(part) and not _shared_office(out[-1], part):
            out.append(part)
        else:
            out[-1] = out[-1].rstrip() + " - " + part
    return out


def _same_head_split(piece: str) -> list[str]:
    """Split a piece where a second name with the same head noun starts, capitalised, with no
    separator between (a table cell holding one name a line: "Bộ Thông tin và Truyền thông Bộ Khoa
    học và Công nghệ"): one body never holds another body of its own kind in its name."""
    from .nlp import find_spans

    first = _head(piece)
    if first is None or _strip_collective(piece)[0]:
        return [piece]
    cuts = [s.start_char for s in find_spans(piece, ("UNIT",))
            if s.start_char > first.end_char and fold(s.text) == fold(first.text) and piece[s.start_char].isupper()
            and piece[: s.start_char].rstrip()[-1:].isalpha()
            and not piece[: s.start_char].rstrip().lower().endswith(" và")]
    # "Sở Tài chính Các sở, ngành": a capitalised 'Các' inside a piece opens the next name.
    starts = "|".join(re.escape(w.capitalize()) for w in lexicon()["collective_starts"])
    cuts += [m.start(1) for m in re.finditer(rf"[^\W\d_]\s+({starts})\s", piece) if m.start(1) > first.end_char]
    cuts = sorted(set(cuts))
    if not cuts:
        return [piece]
    bounds = [0] + cuts + [len(piece)]
    return [piece[a:b].strip() for a, b in zip(bounds, bounds[1:]) if piece[a:b].strip()]


def _pieces(segment: str) -> list[tuple[str, str]]:
    """(joiner, piece) pairs of a segment split at ',' and 'và' (and a dash between two bodies)."""
    out: list[tuple[str, str]] = []
    for i, part in enumerate(segment.split(",")):
        for n, name in enumerate(_same_head_split(part.strip())):
            for j, sub in enumerate(re.split(r"\s+và\s+", name)):
                joiner = "|" if n > 0 and j == 0 else "" if i == 0 and j == 0 else ("và" if j > 0 else ",")
                bits = [b for d in _dash_split(sub.strip()) for b in _area_split(d.strip(), i > 0 or j > 0)]
                for k, bit in enumerate(bits):
                    if bit:
                        out.append((joiner if k == 0 else "|", bit))
    return out


def _office_body(text: str) -> bool:
    """True for a body that shares an office with others ("Ủy ban nhân dân", "Ủy ban nhân dân xã")."""
    low = text.strip().lower()
    areas = "|".join(re.escape(a) for a in lexicon()["area_nouns"])
    return any(re.fullmatch(rf"{re.escape(b)}(?:\s+(?:{areas})(?:\s+\S.*)?)?", low)
               for b in lexicon().get("office_bodies", []))


def _shared_office(unit: str, piece: str) -> bool:
    """True when ``piece`` is one more body of the office ``unit`` names
    ("Văn phòng Hội đồng nhân dân" + "Ủy ban nhân dân")."""
    low = unit.lower()
    if not any(low.startswith(h + " ") for h in lexicon().get("office_heads", [])):
        return False
    last = re.split(r",|\s+và\s+|\s+[-–]\s+", unit)[-1]
    last = re.sub(rf"^(?:{'|'.join(re.escape(h) for h in lexicon()['office_heads'])})\s+", "", last.strip(), flags=re.I)
    return _office_body(last) and _office_body(piece)


def _bare_head(unit: str) -> bool:
    """True for a unit that opens with a collective member noun alone ("Bộ", "Bộ, cơ quan ngang
    bộ"): a kind of body, not one body."""
    first = unit.split(",")[0].strip()
    head = _head(first)
    return head is not None and head.end_char == len(first) and first.lower() in _members()


def _split_segment(segment: str, distributive: bool = False) -> list[str]:
    units: list[str] = []
    last_piece = ""
    for joiner, piece in _pieces(segment):
        if units and joiner in (",", "và") and _shared_office(units[-1], piece):
            units[-1] += (", " if joiner == "," else " và ") + piece
        elif units and joiner in (",", "và") and _joins(last_piece, piece, joiner, distributive):
            units[-1] += (", " if joiner == "," else " và ") + piece
        elif (units and joiner == "," and not distributive and (_strip_collective(units[-1])[0] or _bare_head(units[-1]))
              and piece[:1].islower() and _member_prefix(piece) and not _strip_collective(piece)[0]
              and _member_prefix(piece) not in lexicon().get("own_list_members", [])):
            # "Các Bộ, ngành, cơ quan liên quan": lower-case common nouns go on with the collective;
            # so they do after a head noun alone, which names a kind of body ("Bộ, cơ quan ngang bộ").
            units[-1] += ", " + piece
        else:
            units.append(piece)
        last_piece = piece
    return units


def _dash(m: re.Match) -> str:
    left, right = m.string[: m.start()], m.string[m.end():]
    if not left or not right or (m.group(0).strip() == m.group(0)):
        return m.group(0)
    # Between two names of bodies ("Hội đồng nhân dân – Ủy ban nhân dân", "Văn hóa –
    # Xã hội") the dash is an en dash; inside a compound ("chính trị - xã hội") a hyphen.
    return " – " if right.lstrip()[:1].isupper() else " - "


@lru_cache(maxsize=1)
def _verb_rx() -> re.Pattern:
    verbs = sorted(lexicon()["subject_verbs"]["lead"] + lexicon()["subject_verbs"]["cooperate"], key=len, reverse=True)
    return re.compile(r"\s(?:" + "|".join(re.escape(v) for v in verbs) + r")(?!\w)")


def _cut_at_verb(name: str) -> str:
    """A unit name without the duty a cell goes on with ("Sở Y tế chủ trì hướng dẫn" -> "Sở Y tế").
    Verbs are matched in lower case only: in a name they are capitalised ("Sở Xây dựng").

    >>> _cut_at_verb("Sở Khoa học và Công nghệ chủ trì hướng dẫn"), _cut_at_verb("Sở Xây dựng")
    ('Sở Khoa học và Công nghệ', 'Sở Xây dựng')
    """
    for m in _verb_rx().finditer(name):
        before = name[: m.start()].split()
        if before and before[-1].lower() in lexicon()["collective_starts"]:
            continue  # "các tổ chức trong nước": a noun here, not a verb
        word, prev = m.group(0).strip().lower(), _member_suffix(name[: m.start()].rstrip(" ,"))
        if prev and word in _members() and _members()[prev] & _members()[word]:
            continue  # "Cơ quan tổ chức có liên quan": two members of one list, the comma left out
        if len(before) >= 2 and _head(name[: m.start()]) is not None:
            return name[: m.start()]
        break
    return name


@lru_cache(maxsize=16384)
def clean_name(name: str, whole: bool = False) -> str:
    """One unit name as the schema writes it.

    name (str): a unit as cut from a cell (abbreviations already expanded).
    whole (bool): the name stands alone (a heading over the unit's duties), so a verb inside
        it is part of the name ("Các chủ đầu tư xây dựng và kinh doanh hạ tầng").
    RETURNS (str): the name, '' when nothing is left.

    >>> clean_name("Chi Cục Quản lý thị trường tỉnh.")
    'Chi cục Quản lý thị trường tỉnh'
    >>> clean_name("các tổ chức, cá nhân liên quan")
    'Các tổ chức, cá nhân liên quan'
    """
    name = collapse(_PAREN.sub("", name))
    name = re.sub(r"^(?:và|với|cùng)\s+", "", name, flags=re.IGNORECASE)
    if not whole:
        name = _cut_at_verb(name)
    # "Bộ Khoa học và Công nghệ với các tiêu chuẩn ...": what the unit answers for, not its name.
    name = re.split(r"(?!(?<=\s)\s)\s+với\s+(?=[^\W\d_]*[a-zđ])(?![A-ZĐ])", name, maxsplit=1)[0]
    name = name.strip(" ,;.:-–—*+•")
    if not name:
        return ""
    name = _DASH.sub(_dash, name)
    head = _head(name)
    if head is not None and not _strip_collective(name)[0]:
        canonical = head.id_ or head.text
        if fold(canonical) == fold(head.text) and canonical != head.text:
            name = canonical + name[len(head.text):]
    return name[:1].upper() + name[1:]


def split_units(cell: str | None, whole: bool = False) -> list[str]:
    """Units listed in one lead or cooperating cell.

    cell (str | None): the cell (or the list after "Cơ quan phối hợp:").
    whole (bool): the cell is a heading that names only units (:data:`HEADING_LEAD`): no
        duty follows a name inside it, so no verb ends one.
    RETURNS (list[str]): unit names in order, each once; [] for an empty or "-" cell.

    >>> split_units("Sở Khoa học và Công nghệ, Thanh tra tỉnh, Sở Công Thương")
    ['Sở Khoa học và Công nghệ', 'Thanh tra tỉnh', 'Sở Công Thương']
    >>> split_units("-")
    []
    """
    if not cell:
        return []
    # A remark in parentheses ("(Văn phòng ... là cơ quan thường trực)") names no unit of the cell.
    text = _fix_spelling(_expand(normalize(_PAREN.sub(" ", cell)))).strip(" ;,.:")
    if not text or text.lower() in lexicon()["empty_cells"]:
        return []
    names: list[str] = []
    m = _DISTRIBUTIVE.match(text)
    if m and _head(m.group(1)) is not None:
        head = _head(m.group(1))
        prefix = head.id_ or head.text
        listed = m.group(2)
        # "Các phòng: A; B, C; D" lists its members with ';' and may use ',' inside one;
        # without any ';' the commas separate the members.
        distributive = ";" not in listed
        for seg in re.split(r"[;\n]", listed):
            for unit in _split_segment(seg.strip(), distributive=distributive):
                if _head(unit) is None and not _strip_collective(unit)[0]:
                    unit = f"{prefix} {unit}"
                names.append(unit)
    else:
        for seg in re.split(r"[;\n]", text):
            names.extend(_split_segment(seg.strip()))
    return _unique(clean_name(n, whole) for n in names)


def _unique(names) -> list[str]:
    out, seen = [], set()
    for n in names:
        k = fold(n)
        if n and k not in seen:
            seen.add(k)
            out.append(n)
    return out


def _word_at(text: str, phrases, start: int = 0) -> tuple[int, str] | None:
    """First lower-case occurrence of one of ``phrases`` as whole words at or after ``start``,
    not used as a noun after 'các' / 'những' ("các tổ chức")."""
    best = None
    for p in phrases:
        for m in re.finditer(rf"(?<!\w){re.escape(p)}(?!\w)", text[start:]):
            pos = start + m.start()
            if re.search(r"(?:các|những|mọi)\s+$", text[:pos].lower()):
                continue
            if best is None or pos < best[0]:
                best = (pos, p)
            break
    return best


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _BOUNDARY.split(text) if c.strip()]


def subject_units(text: str | None) -> tuple[list[str], list[str]]:
    """Units that a bullet's clauses start with, as doers (lead) or participants (cooperate).

    text (str | None): the bullet's wording (normalised).
    RETURNS (tuple[list[str], list[str]]): (lead, cooperate).

    >>> subject_units("Cấp ủy đảng, chính quyền tăng cường lãnh đạo, chỉ đạo")
    (['Cấp ủy đảng', 'Chính quyền'], [])
    """
    lead: list[str] = []
    coop: list[str] = []
    if not text:
        return lead, coop
    verbs = lexicon()["subject_verbs"]
    listed: list[str] = []  # a first clause that only lists units: the subjects go on after its ';'
    text = _expand(normalize(text))
    # A parenthesised note is a clause of its own ("(Giao Công an tỉnh tham mưu)"); the sentence
    # around it goes on without it.
    notes = [m.group(0)[1:-1] for m in re.finditer(r"\([^()]*\)", text)]
    for i, clause in enumerate(_clauses(_PAREN.sub(" ", text)) + notes):
        clause = re.sub(r"^(?:giao|đề nghị)\s+", "", clause.strip(), flags=re.IGNORECASE)
        clause = _after_opener(clause)
        if not starts_with_unit(clause):
            listed = []
            continue  # "Tổ chức tập huấn ...": the verb "organise", not an organisation
        found = _word_at(clause, verbs["lead"] + verbs["cooperate"], 1)
        if found is None:
            listed = split_units(clause) if i == 0 and len(clause.split()) <= 20 else []
            continue
        subject = clause[: found[0]].strip(" ,")
        if not subject or len(subject.split()) > 20:
            listed = []
            continue
        if subject.lower() in _members():
            listed = []
            continue  # "Cơ quan chủ trì, thành phần ...": a kind of body, no unit
        units = listed + split_units(subject)
        listed = []
        (coop if found[1] in verbs["cooperate"] else lead).extend(units)
    return lead, coop


def _after_opener(clause: str) -> str:
    """A clause without the adverbial phrase it opens with ("Trên cơ sở đề nghị của ..., Sở Xây
    dựng chủ trì ...", "Căn cứ ..., các thôn ấp, tổ dân phố tổ chức ..."): from the first comma
    (or 'thì') after which a unit and its verb follow; the clause as it is when none does."""
    openers = lexicon().get("clause_openers", [])
    label = re.match(r"^[^:]{1,80}:\s+", clause)
    if label and any(clause[label.end():].lower().startswith(o + " ") for o in openers):
        clause = clause[label.end():]  # "Hướng dẫn và tiếp nhận hồ sơ: Căn cứ ..., các thôn ấp ..."
    low = clause.lower()
    if not any(low.startswith(o + " ") for o in openers):
        return clause
    verbs = lexicon()["subject_verbs"]
    for m in re.finditer(r",\s+|(?!(?<=\s)\s)\s+thì\s+", clause):  # "Trường hợp ... thì Ủy ban nhân dân xã có trách nhiệm"
        rest = clause[m.end():]
        if starts_with_unit(rest) and _word_at(rest, verbs["lead"] + verbs["cooperate"], 1) is not None:
            return rest
    return clause


def partner_units(text: str | None) -> list[str]:
    """Partners a bullet names after "phối hợp với", "hợp tác ... với".

    text (str | None): the bullet's wording (normalised).
    RETURNS (list[str]): cooperating units.

    >>> partner_units("Phối hợp với các cơ quan chức năng trong công tác kiểm tra hàng hóa.")
    ['Các cơ quan chức năng']
    >>> partner_units("Khuyến khích doanh nghiệp liên kết với các viện, trường để đổi mới công nghệ.")
    []
    """
    out: list[str] = []
    if not text:
        return out
    lex = lexicon()
    for clause in _clauses(_expand(normalize(text))):
        low = clause.lower()
        for cue in lex["partner_cues"]:
            parts = cue.split(" ... ")
            pos = 0
            for part in parts:
                m = re.search(rf"(?<!\w){re.escape(part)}(?!\w)", low[pos:])
                if m is None:
                    pos = -1
                    break
                pos += m.end()
            if pos < 0 or _word_at(low[:pos], lex["third_party_cues"], 0) is not None:
                continue
            phrase = clause[pos:].strip()
            stop = _word_at(phrase, lex["phrase_stops"], 1)
            if stop is not None:
                phrase = phrase[: stop[0]]
            phrase = re.split(r"[(:]", phrase)[0].strip(" ,")
            if phrase and starts_with_unit(phrase):  # "phối hợp tổ chức hội nghị": a verb, no partner
                out.extend(split_units(phrase))
    return _unique(out)


def task_units(raw, plan: dict | None = None) -> tuple[list[str], list[str]]:
    """Lead and cooperating units of one raw task.

    raw (RawTask): the task; ``raw.lead`` / ``raw.cooperate`` are its cells or lines.
    plan (dict | None): the plan metadata (issuer, level, ...); not needed by the
        current rules, accepted so that record assembly stays uniform.
    RETURNS (tuple[list[str], list[str]]): (lead, cooperate), full names, each once.
    """
    lead = split_units(raw.lead, whole=HEADING_LEAD in raw.notes)
    coop = split_units(raw.cooperate)
    if raw.layout != "table":
        said_lead, said_coop = subject_units(raw.text)
        if not lead:
            lead = said_lead
        coop = coop + said_coop + partner_units(raw.text)
    return _unique(lead), _unique(coop)


def starts_with_unit(text: str) -> bool:
    """True when a text starts with the name of a body ("Sở Tư pháp", "Các sở, ban, ngành", "UBND tỉnh").

    >>> starts_with_unit("Sở Tư pháp"), starts_with_unit("Tổ chức hội nghị")
    (True, False)
    """
    if not text:
        return False
    t = _expand(normalize(text))
    head = _head(t)
    if head is None:
        return False
    # "Tổ chức hội nghị" opens a duty with the verb; "Các tổ chức ..." names bodies.
    return not (fold(head.text) in lexicon().get("verb_heads", []) and not _strip_collective(t)[0])
