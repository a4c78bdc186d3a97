"""Read a task's time cell or clause: start, end and recurrence.

Vietnamese plans write the time of a task in a column ("Thời gian thực hiện",
"Thời gian hoàn thành") or a line ("Thời gian thực hiện: ..."). The forms seen in
plans and what they give:

* a span of years "2026 - 2030", "2025-2030", "giai đoạn 2026-2030"
  -> start "2026", end "2030";
* a deadline "Quý III/2025", "Quý III năm 2025" -> end "2025-Q3"; "Tháng 9/2025", "9/2025"
  -> end "2025-09"; "31/12/2025" -> end "2025-12-31"; "Năm 2025", "đến năm 2030"
  -> end "2025" / "2030";
* an open span "Năm 2025 và những năm tiếp theo", "Từ năm 2025" -> start "2025", end null;
* a condition "Sau khi Đề án ... ban hành", "Theo kế hoạch ...", "đột xuất" -> no date;
* a frequency "Hằng năm", "1 lần/năm", "thường xuyên hàng năm" -> recurring "annual";
  "hằng quý" -> "quarterly"; "Thường xuyên" -> "continuous". When the time cell
  gives no frequency, the task wording may ("Tổ chức định kỳ hàng năm ...",
  "Thường xuyên cập nhật ...").

The time expressions are the ``TIME`` patterns of ``patterns/time.jsonl``.

>>> from planlineage.extract.document import RawTask
>>> parse_period(RawTask(ref="1", text="Rà soát", period="Quý III/2025"))["end"]
'2025-Q3'
>>> parse_period(RawTask(ref="1", text="Rà soát", period="2026 -2030 (thường xuyên hàng năm)"))
{'period': '2026 -2030 (thường xuyên hàng năm)', 'start': '2026', 'end': '2030', 'recurring': 'annual'}
"""
from __future__ import annotations

import calendar
import re
from functools import lru_cache
from pathlib import Path

from .lexicons import read_json
from .normalize import collapse, normalize_tones

LABEL = "TIME"
LEXICON = Path(__file__).resolve().parent / "lexicon" / "dates_cues.json"
_DATE_KINDS = {"range", "open", "from", "until", "quarter", "month", "date", "year"}
_REPEAT_KINDS = ("annual", "quarterly", "continuous")
# "/" or a dash glued to a digit separates the parts of a date or a span ("III/2025",
# "31/12/2025", "2025-2030", "2026 -2030"); the tokenizer keeps such tokens whole,
# so they become spaces (same length, offsets stay valid) before matching.
_SEPARATOR = re.compile(r"[/\-–—](?=\d)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_EMPTY = {"", "-", "–", "x", "không"}


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The deadline cues (``lexicon/dates_cues.json``), checked once."""
    return read_json(LEXICON, ("deadline_cues", "deadline_links"), "date lexicon")


def deadline_clause(text: str | None) -> str | None:
    """The date a task's wording gives as its deadline ("hoàn thành trong Quý IV/2024").

    text (str | None): the task's wording (normalised).
    RETURNS (str | None): the date words as written, or None.

    >>> deadline_clause("Tổ chức quán triệt Chỉ thị, hoàn thành trong Quý IV/2024.")
    'Quý IV/2024'
    >>> deadline_clause("Phấn đấu hoàn thành chỉ tiêu năm 2025") is None
    True
    """
    if not text:
        return None
    lex = lexicon()
    low = text.lower()
    dated = [(a, b) for k, a, b in time_spans(text) if k in _DATE_KINDS]
    for cue in lex["deadline_cues"]:
        for m in re.finditer(rf"(?<!\w){re.escape(cue)}(?!\w)", low):
            for a, b in dated:
                if a >= m.end() and " ".join(low[m.end():a].split()) in lex["deadline_links"]:
                    return text[a:b]
    return None


def _view(text: str) -> str:
    """The text as the TIME patterns expect it (same length as ``text``)."""
    return _SEPARATOR.sub(" ", text)


def time_spans(text: str) -> list[tuple[str, int, int]]:
    """TIME expressions in a text, longest first where they overlap.

    text (str): normalised text.
    RETURNS (list[tuple[str, int, int]]): (kind, start char, end char), in text order.

    >>> [k for k, _, _ in time_spans("Năm 2025 và những năm tiếp theo")]
    ['open']
    """
    from spacy.util import filter_spans

    from .nlp import find_spans

    spans = filter_spans(find_spans(_view(text), LABEL))
    return [(s.id_, s.start_char, s.end_char) for s in spans]


def _point(kind: str, text: str) -> str | None:
    """Normalised date of one point expression (quarter, month, date, year)."""
    years = _YEAR.findall(text)
    if not years:
        return None
    year = years[-1]
    nums = re.findall(r"[^\W_]+", _view(text).lower())
    if kind == "quarter":
        q = next((_ROMAN[n] for n in nums if n in _ROMAN), None)
        return f"{year}-Q{q}" if q else year
    if kind in ("month", "date"):
        small = [int(n) for n in nums if n.isdigit() and len(n) <= 2]
        if kind == "month" and small:
            return f"{year}-{small[-1]:02d}"
        if kind == "date" and len(small) >= 2:
            day, month = small[-2], small[-1]
            try:
                calendar.monthrange(int(year), month)
            except calendar.IllegalMonthError:
                return year
            if day > calendar.monthrange(int(year), month)[1]:
                return year
            return f"{year}-{month:02d}-{day:02d}"
    return year


def parse_dates(text: str | None) -> tuple[str | None, str | None]:
    """Start and end of a time expression.

    text (str | None): the time cell or clause (normalised).
    RETURNS (tuple): (start, end), each "YYYY", "YYYY-Qn", "YYYY-MM" (a month), "YYYY-MM-DD" or None.

    >>> parse_dates("2025-2030"), parse_dates("Năm 2025 và những năm tiếp theo")
    (('2025', '2030'), ('2025', None))
    >>> parse_dates("Sau khi Trung ương ban hành Đề án năm 2026")
    (None, None)
    """
    if not text:
        return None, None
    spans = time_spans(text)
    dated = [(k, a, b) for k, a, b in spans if k in _DATE_KINDS]
    if not dated:
        return None, None
    first_kind, first_start, first_end = dated[0]
    # A condition stated before any date makes the time conditional ("Sau khi ...").
    if any(k == "conditional" and a < first_start for k, a, _ in spans):
        return None, None
    part = text[first_start:first_end]
    years = _YEAR.findall(part)
    if first_kind == "range" and len(years) >= 2:
        return years[0], years[-1]
    if first_kind in ("open", "from"):
        start = years[0] if years else None
        # "Từ ngày 01/7/2025 đến ngày 31/12/2025": a second point after "đến" closes it.
        rest = [d for d in dated[1:] if re.search(r"\bđến\b|\btới\b", text[first_end:d[1]].lower())]
        if first_kind == "from" and rest:
            k, a, b = rest[0]
            return start, _point(k, text[a:b])
        return start, None
    if first_kind == "until":
        return None, years[-1] if years else None
    end = _point(first_kind, part)
    # Two points joined by "đến" / "-" ("Quý I/2025 - Quý IV/2026") form a span.
    if len(dated) > 1:
        k, a, b = dated[1]
        between = text[first_end:a].strip().lower()
        if k in ("quarter", "month", "date", "year") and between in ("-", "–", "đến", "tới", "đến hết"):
            return end, _point(k, text[a:b])
    # "Từ ngày 15/3/2026 đến ngày bầu cử": a start, and an end that is not a date.
    if re.search(r"(?:^|\s)từ\s*$", text[:first_start].lower()):
        return end, None
    return None, end


def parse_recurring(text: str | None) -> tuple[str | None, str | None]:
    """Frequency stated in a text and the words that state it.

    text (str | None): a time cell or a task's wording (normalised).
    RETURNS (tuple): (recurring, words as written): recurring is "annual",
        "quarterly", "continuous" or None. A yearly or quarterly frequency wins over
        "thường xuyên" ("2025 - 2030 (thường xuyên hàng năm)" is annual).

    >>> parse_recurring("1 lần/năm (Quý II hàng năm)")
    ('annual', '1 lần/năm')
    >>> parse_recurring("Tuyên truyền thường xuyên với nhiều hình thức")
    ('continuous', 'thường xuyên')
    """
    if not text:
        return None, None
    found = [(k, a, b) for k, a, b in time_spans(text) if k in _REPEAT_KINDS]
    periodic = [f for f in found if f[0] != "continuous"]
    chosen = periodic[0] if periodic else (found[0] if found else None)
    if chosen is None:
        return None, None
    kind, a, b = chosen
    return kind, text[a:b]


def parse_period(raw) -> dict:
    """Period fields of one raw task.

    raw (RawTask): the task; ``raw.period`` is its time cell or line, ``raw.text`` its wording.
    RETURNS (dict): {"period", "start", "end", "recurring"} as the extraction schema
        describes them. Without a time cell, a deadline in the wording ("hoàn
        thành trong Quý IV/2024") gives ``period`` and the dates; else ``period`` is
        the frequency clause of the wording when there is one ("hàng năm",
        "thường xuyên"), else None.
    """
    period = collapse(normalize_tones(raw.period)) if raw.period else None
    if period is not None and period.lower() in _EMPTY:
        period = None
    text = collapse(normalize_tones(raw.text or ""))
    start, end = parse_dates(period)
    recurring, _ = parse_recurring(period)
    if period is None:
        deadline = deadline_clause(text)
        if deadline is not None:
            period = deadline
            start, end = parse_dates(deadline)
    if recurring is None:
        recurring, words = parse_recurring(text)
        if period is None and words:
            period = words
    return {"period": period, "start": start, "end": end, "recurring": recurring}
