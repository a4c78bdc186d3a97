"""Expand standard Vietnamese administrative abbreviations in names.

The table is data: ``extract/lexicon/abbreviations.tsv`` (abbreviation, expansion,
optional context regex). Text is first normalised (NFC, modern tone placement,
single spaces); abbreviations are replaced only as whole words, so document
symbols such as "38-CT/TW" or "1703/QĐ-TTg" are left alone, and ambiguous ones
("TT", "KT") only in the context the table gives.

>>> expand_abbreviations("UBND xã Châu Tiến")
'Ủy ban nhân dân xã Châu Tiến'
>>> expand_abbreviations("TT.Tỉnh ủy, TT. HĐND tỉnh; Sở KH&CN")
'Thường trực Tỉnh ủy, Thường trực Hội đồng nhân dân tỉnh; Sở Khoa học và Công nghệ'
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .errors import PatternError
from .normalize import normalize

LEXICON = Path(__file__).resolve().parent / "lexicon" / "abbreviations.tsv"
# Characters that, next to an abbreviation, make it part of a longer word.
_WORD = r"[\w&]"
# Tokens holding a "/" are document symbols or dates ("38-CT/TW", "40/KH-UBND"): kept as is.
# Every token is matched once and tested for "/" in Python: r"\S*/\S*" rescans a long token
# without "/" from each of its characters (quadratic: a 40,000-character token took 3 s).
_TOKEN = re.compile(r"\S+")
_KEPT = re.compile(r"\x00(\d+)\x00")
_SPACE_RUN = re.compile(r" {2,}")


@lru_cache(maxsize=4)
def load_abbreviations(path: Path = LEXICON) -> list[tuple[str, str, str]]:
    """Rows of the abbreviation table as (abbreviation, expansion, context regex).

    path (Path): the TSV file; lines starting with "#" and the header are skipped.
    RETURNS (list[tuple[str, str, str]]): rows, longest abbreviation first.
    """
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("abbreviation\t"):
            continue
        cells = line.split("\t")
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise PatternError(f"{path}:{n}: expected 'abbreviation<TAB>expansion[<TAB>context]'")
        context = cells[2] if len(cells) > 2 else ""
        try:
            re.compile(context)
        except re.error as e:
            raise PatternError(f"{path}:{n}: context is not a valid regex ({e})") from None
        rows.append((normalize(cells[0]), cells[1], context))
    return sorted(rows, key=lambda r: -len(r[0]))


@lru_cache(maxsize=4)
def _compiled(path: Path = LEXICON):
    rules = []
    for abbr, expansion, context in load_abbreviations(path):
        # Whole word, then the optional context, then an abbreviation point glued to
        # the next word ("VP.UBND") or, for context rules, "TT. HĐND".
        dot = r"(?:\.\s?(?=[^\W\d_]))?" if context else r"(?:\.(?=[^\W\d_]))?"
        regex = re.compile(rf"(?<!{_WORD}){re.escape(abbr)}(?!{_WORD}){context}{dot}")
        rules.append((abbr, regex, expansion))
    return rules


def expand_abbreviations(text: str) -> str:
    """Normalise ``text`` and write out the abbreviations of the table in full.

    text (str): a name or phrase, e.g. "UBND tỉnh Nghệ An".
    RETURNS (str): the normalised text with abbreviations expanded, e.g.
        "Ủy ban nhân dân tỉnh Nghệ An".
    """
    kept: list[str] = []

    def protect(m: re.Match) -> str:
        token = m.group(0)
        if "/" not in token:
            return token
        kept.append(token)
        return f"\x00{len(kept) - 1}\x00"

    out = normalize(text)
    if "/" in out:
        out = _TOKEN.sub(protect, out)
    for abbr, regex, expansion in _compiled():
        if abbr not in out:  # the regex needs the abbreviation itself: skip the scan
            continue
        out = regex.sub(lambda m: expansion + (" " if "." in m.group(0) else ""), out)
    if "\x00" in out:
        out = _KEPT.sub(lambda m: kept[int(m.group(1))], out)
    if "  " in out:
        out = _SPACE_RUN.sub(" ", out)
    return out.strip()
