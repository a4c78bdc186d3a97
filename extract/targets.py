"""Quantified targets: "100% công chức ...", "01 lớp/năm", "Ít nhất 01 hội nghị/năm".

A target is a number followed by "%" or by a counted noun ("lớp", "hội nghị",
"doanh nghiệp", "lượt", "cuộc diễn đàn", "dự án hoặc đề án"); the pieces (numbers,
"%", counted nouns, the cues "ít nhất" / "tối thiểu" and "hàng năm") are the
``TARGET`` patterns of ``patterns/target.jsonl``. Plans state targets in three
places, all read here:

* the result column of a task ("Dự kiến kết quả", "Sản phẩm"): "80% sản phẩm ...";
* the time column, when it is a frequency with a count: "01 lớp/năm", "1 lần/năm";
* the task wording: "(phấn đấu 100% công chức cấp tỉnh và 95% công chức cấp xã ...)";
* and, for the plan, the objectives section (MỤC TIÊU, CHỈ TIÊU).

A count per period ("02 đợt kiểm tra/năm", "01 đoàn/năm") takes the lower-case
words before "/năm" as its noun, listed or not.
"/năm" after the noun, or "hàng năm" earlier in the same clause, makes the target
per year; "ít nhất", "tối thiểu", "không dưới" before the number (or "trở lên" after
it) make it a floor (``at_least``). "khoảng" (about) does not.

>>> [(t["value"], t["unit"], t["per"], t["at_least"]) for t in find_targets("Ít nhất 01 hội nghị/năm")]
[(1, 'hội nghị', 'year', True)]
>>> [(t["value"], t["unit"]) for t in find_targets("03 cuộc diễn đàn đối thoại dưới hình thức hội thảo, hội nghị")]
[(3, 'cuộc diễn đàn')]
"""
from __future__ import annotations

import re

from .normalize import collapse, fold, normalize_tones

LABEL = "TARGET"
# "/" between two letters ("lớp/năm") is a space for matching: same length, same offsets.
_SLASH = re.compile(r"(?<=[^\W\d_]|%)/(?=[^\W\d_])")
# "16-18" is a range of two numbers, "2021-2030" of two years: a space for matching as well.
_RANGE_DASH = re.compile(r"(?<=[\d%])[-–](?=\d)")
# A range: the lower bound is the target, with the unit stated after the upper one ("40 - 50 tổ
# chức" -> 40 tổ chức, "16 - 18 (%/năm)" -> 16 %); the upper bound is no target of its own.
# Linear (issue #15): no start inside a run of spaces, and no two white-space runs side by side.
_RANGE_NEXT = re.compile(r"(?!(?<=\s)\s)\s*(?:%\s*)?(?:[-–]|đến)\s*(\d+(?:[.,]\d+)?)(?!\s*/\s*\d)")
_RANGE_PREV = re.compile(r"(?:\d\s*(?:(?:%|[^\W\d_]+(?:\s+[^\W\d_]+){0,2})\s*)?[-–]"
                         r"|\btừ\s+\d+(?:[.,]\d+)?\s*(?:%\s*)?đến)\s*$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# A number right after these words is an identifier or a date part, not a quantity.
_NOT_QUANTITY = {"số", "thứ", "điều", "khoản", "mục", "quý", "tháng", "ngày", "năm", "đoạn", "khóa", "lần"}
_JOINERS = {",": ", ", "hoặc": " hoặc ", "và": " và ", "/": "/"}
_PER_YEAR_AFTER = re.compile(r"^\s*(?:/\s*năm|(?:mỗi|một|hàng|hằng|trong)\s+năm)\b", re.IGNORECASE)
_AT_LEAST_AFTER = re.compile(r"^\s*trở\s+lên\b", re.IGNORECASE)
# "N <noun words>/năm": a count per period; up to four lower-case words before the slash.
# No start inside a run of spaces (the start before it matches the same): linear (issue #15).
_RATE_UNIT = re.compile(r"(?!(?<=\s)\s)\s+((?:[^\W\d_]+,?\s+){0,3}[^\W\d_]+)\s*/\s*(?:năm|quý|tháng)\b")
_CLAUSE_END = re.compile(r";|\.(?:\s|$)|,\s*trong\s+đó\b|\n")
_OBJECTIVE_TITLES = ("muc tieu", "chi tieu")
_ITEM_MARK = re.compile(r"^\s*(?:[-+•*]|[a-zđ][.)]|\d{1,2}(?:\.\d{1,2})*[.)])\s+", re.IGNORECASE)


def _number(text: str) -> float | int:
    """A number as Vietnamese writes it: "," before decimals, "." between thousands ("46.200")."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return int(text.replace(".", ""))
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


def _clause(text: str, start: int, end: int) -> str:
    """The clause of ``text`` around [start, end): a parenthesis or a ';'/'.'-delimited part."""
    opened = text.rfind("(", 0, start)
    if opened > text.rfind(")", 0, start):
        close = text.find(")", end)
        inner = text[opened + 1:close if close != -1 else len(text)]
        return collapse(inner).strip(" ,;.:")
    left = 0
    for m in _CLAUSE_END.finditer(text, 0, start):
        left = m.end()
    m = _CLAUSE_END.search(text, end)
    right = m.start() if m else len(text)
    clause = collapse(text[left:right])
    return _ITEM_MARK.sub("", clause).strip(" ,;.:")


def find_targets(text: str | None) -> list[dict]:
    """Targets stated in one text (a cell, a clause or an objective item).

    text (str | None): normalised text.
    RETURNS (list[dict]): targets {value, unit, per, at_least, text} in text order.

    >>> [(t["value"], t["unit"]) for t in find_targets("phấn đấu 100% công chức cấp tỉnh và 95% công chức cấp xã")]
    [(100, '%'), (95, '%')]
    >>> find_targets("Quyết định số 1322/QĐ-TTg ngày 31/08/2020, giai đoạn 2021 – 2030")
    []
    """
    if not text or not text.strip() or not _DIGIT.search(text):
        # every target starts at a TARGET "number" span, a token of decimal digits
        return []
    from .nlp import find_spans

    spans = find_spans(_RANGE_DASH.sub(" ", _SLASH.sub(" ", text)), LABEL)
    if not spans:
        return []
    doc = spans[0].doc
    by_start: dict[int, list] = {}
    for s in spans:
        by_start.setdefault(s.start, []).append(s)

    def piece(i: int, kind: str):
        found = [s for s in by_start.get(i, []) if s.id_ == kind]
        return max(found, key=len) if found else None

    targets = []
    for s in sorted(spans, key=lambda s: s.start):
        if s.id_ != "number":
            continue
        if s.start > 0 and doc[s.start - 1].lower_ in _NOT_QUANTITY:
            continue
        if _YEAR.match(s.text) and s.start > 0 and doc[s.start - 1].lower_ in ("đến", "từ", "giai", "-", "–", "/"):
            continue
        if _RANGE_PREV.search(text, max(0, s.start_char - 40), s.start_char):
            continue
        i = s.end
        upper = _RANGE_NEXT.match(text, s.end_char)
        if upper and not piece(i, "percent") and (text[s.end_char:upper.start(1)].strip(" %") != "đến"
                                                  or text[:s.start_char].rstrip().lower().endswith("từ")):
            # The unit comes after the upper bound: look for it there.
            after = [t for t in by_start if t >= s.end and doc[t].idx >= upper.end(1)]
            i = min(after) if after else i
            if i > s.end and doc[i - 1].idx + len(doc[i - 1]) > upper.end(1):
                i = s.end
        rate = _RATE_UNIT.match(text, s.end_char)
        if rate and not all(w[:1].islower() and w.rstrip(",") not in ("năm", "quý", "tháng")
                            for w in rate.group(1).split()):
            rate = None
        if piece(i, "percent"):
            unit, last = "%", piece(i, "percent")
        elif rate and not piece(i, "percent"):
            # "02 đợt kiểm tra/năm", "01 đoàn/năm": the words before "/năm" are the
            # counted noun, whatever it is.
            unit, last = collapse(rate.group(1)), None
        else:
            noun = piece(i, "noun")
            if noun is None:
                continue
            parts, last = [noun.text], noun
            while True:
                nxt = piece(last.end, "noun")
                if nxt is not None:
                    parts.append(" " + nxt.text)
                    last = nxt
                    continue
                if last.end < len(doc) and doc[last.end].lower_ in _JOINERS:
                    nxt = piece(last.end + 1, "noun")
                    if nxt is not None and doc[last.end + 1 : nxt.end].text == nxt.text:
                        parts.append(_JOINERS[doc[last.end].lower_] + nxt.text)
                        last = nxt
                        continue
                break
            unit = "".join(parts)
        start_char, end_char = s.start_char, (last.end_char if last is not None else rate.end(1))
        clause = _clause(text, start_char, end_char)
        before = text[max(0, start_char - 200):start_char]
        # Cues count only within the same clause, before the number.
        cut = max(before.rfind(";"), before.rfind("."), before.rfind("("))
        before = before[cut + 1:]
        cues_before = [c for c in spans if c.end_char <= start_char and c.start_char >= start_char - len(before)]
        at_least = any(c.id_ == "at_least" and start_char - c.end_char <= 12 for c in cues_before)
        at_least = at_least or bool(_AT_LEAST_AFTER.match(text[end_char:]))
        per_year = bool(_PER_YEAR_AFTER.match(text[end_char:])) or any(c.id_ == "per_year" for c in cues_before)
        targets.append({
            "value": _number(s.text),
            "unit": unit,
            "per": "year" if per_year else None,
            "at_least": at_least,
            "text": clause or collapse(text[start_char:end_char]),
        })
    return targets


def _merge(found: list[dict], more: list[dict]) -> None:
    seen = {(t["value"], fold(t["unit"]), t["per"]) for t in found}
    for t in more:
        k = (t["value"], fold(t["unit"]), t["per"])
        if k not in seen:
            seen.add(k)
            found.append(t)


def task_targets(raw) -> list[dict]:
    """Targets of one raw task, from its result cell, its time cell and its wording.

    raw (RawTask): the task.
    RETURNS (list[dict]): targets, each stated once (a result repeated in two
        result columns, "Đến năm 2030" and "Những năm tiếp theo", counts once).
    """
    found: list[dict] = []
    for source in (raw.product, raw.period, raw.text):
        if source:
            _merge(found, find_targets(normalize_tones(source)))
    return found


def objective_lines(doc) -> list[tuple[int, int]]:
    """Line ranges (first, last; 1-based) of the objectives sections (MỤC TIÊU, CHỈ TIÊU)."""
    from .sections import split_sections

    ranges = []
    for s in split_sections(doc):
        key = fold(s.title)
        if any(t in key for t in _OBJECTIVE_TITLES):
            ranges.append((s.start + 1, s.end))
    return ranges


def extract_objectives(doc) -> list[dict]:
    """Plan-level quantified targets of the objectives section.

    doc (Document): the plan.
    RETURNS (list[dict]): targets in document order; one per number stated, each
        with the item (bullet or lettered point) that states it.
    """
    found: list[dict] = []
    for first, last in objective_lines(doc):
        items: list[str] = []
        for n in range(first, last + 1):
            line = doc.line(n)
            if not line.strip():
                continue
            if _ITEM_MARK.match(line) or not items:
                items.append(line)
            else:
                items[-1] += " " + line
        for item in items:
            found.extend(find_targets(collapse(_ITEM_MARK.sub("", item, count=1))))
    return found
