"""Vietnamese text normalisation: NFC, one tone-placement convention, whitespace.

The corpus mixes two tone-placement conventions in the same documents ("Uỷ" and
"Ủy", "hoá" and "hóa"). Everything that matches text (units, references, cue
words) first goes through :func:`normalize`, which applies Unicode NFC and the
*modern* convention of the extraction schema: in an open syllable whose rhyme
is ``oa``, ``oe`` or ``uy`` the tone mark sits on the first vowel
("hóa", "xòe", "Ủy", "thủy"). Syllables with a final consonant or vowel
("hoàng", "khuyến", "khuỷu") and ``qu`` + vowel ("quý") are the same in both
conventions and are left alone.

The original text is kept for display and provenance; :func:`explain` says what
normalisation changed, like ftfy's ``fix_and_explain``.

>>> normalize("Uỷ ban nhân dân xã, văn hoá")
'Ủy ban nhân dân xã, văn hóa'
>>> normalize("quý  khuỷu\\u00a0hoàng")
'quý khuỷu hoàng'
>>> fold("Phòng Văn hoá – Xã hội")
'phong van hoa - xa hoi'
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Combining tone marks of Vietnamese (grave, acute, tilde, hook above, dot below).
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Without these (a space other than " ", or two spaces), _SPACES.sub(" ", text) is text.
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u205f\u3000]|  ")
# Dashes and hyphen-like characters folded to "-" for matching only.
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_OPEN_RHYMES = ("oa", "oe", "uy")
# The end of a syllable in o/u + a/e/y, each bare or with one tone mark (NFC): only
# such syllables can have their tone moved by :func:`_retone`; others are left alone.
_RETONE_END = re.compile("[oòóỏõọuùúủũụOÒÓỎÕỌUÙÚỦŨỤ][aàáảãạeèéẻẽẹyỳýỷỹỵAÀÁẢÃẠEÈÉẺẼẸYỲÝỶỸỴ](?![^\\W\\d_])")
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=65536)
def _retone(word: str) -> str:
    """Move the tone mark of one syllable to the modern position."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = [c for c in decomposed if c in _TONES]
    if len(tone) != 1:
        return word
    bare = "".join(c for c in decomposed if c not in _TONES)
    base = unicodedata.normalize("NFC", bare)
    low = base.lower()
    # Rhyme is exactly oa/oe/uy at the end, not part of "qu" + vowel.
    if len(low) < 2 or not low.endswith(_OPEN_RHYMES):
        return word
    stem = low[:-2]
    if stem.endswith("q") or (stem and stem[-1] in "aăâeêioôơuưy"):
        return word
    target = len(base) - 2  # the first vowel of the pair
    out = []
    for i, ch in enumerate(base):
        if i == target:
            ch = unicodedata.normalize("NFC", unicodedata.normalize("NFD", ch) + tone[0])
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=65536)
def normalize_tones(text: str) -> str:
    """NFC and modern tone placement, nothing else (keeps spacing and length of lines)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    last = 0
    for m in _RETONE_END.finditer(text):
        start = m.start()
        while start > last and _LETTER.match(text, start - 1):
            start -= 1
        out.append(text[last:start])
        out.append(_retone(text[start:m.end()]))
        last = m.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFC, modern tone placement, and single spaces (no leading/trailing space)."""
    text = normalize_tones(text)
    if _ODD_SPACE.search(text):
        text = _SPACES.sub(" ", text)
    return text.strip()


def collapse(text: str) -> str:
    """Collapse runs of white space (including newlines) to one space."""
    # str.split() splits on exactly the characters of the regex \s (str.isspace).
    return " ".join(text.split())


class _BareTable(dict):
    """``str.translate`` table, filled as characters are met: combining marks
    (category Mn) are dropped, "đ"/"Đ" become "d"/"D", the rest stay."""

    def __missing__(self, code: int):
        char = chr(code)
        value = None if unicodedata.category(char) == "Mn" else {"đ": "d", "Đ": "D"}.get(char, code)
        self[code] = value
        return value


_BARE = _BareTable()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics ("đ" becomes "d"); used for tolerant matching."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFD", text).translate(_BARE)


class _FoldTable(_BareTable):
    """:class:`_BareTable` that also turns the dashes of ``_DASHES`` into "-"."""

    def __missing__(self, code: int):
        if _DASHES.match(chr(code)):
            self[code] = "-"
            return "-"
        return super().__missing__(code)


_FOLD = _FoldTable()


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Matching key: normalised, lower case, no diacritics, dashes unified, single spaces."""
    text = normalize(text)
    if text.isascii():
        return collapse(text.lower())
    # strip_diacritics and the dash rule in one str.translate (lower() neither makes nor changes dashes)
    return collapse(unicodedata.normalize("NFD", text).translate(_FOLD).lower())


def explain(text: str) -> list[tuple[str, str]]:
    """List the (original, normalised) word pairs that :func:`normalize_tones` changes.

    >>> explain("Uỷ ban, hoá học, hóa")
    [('Uỷ', 'Ủy'), ('hoá', 'hóa')]
    """
    changes = []
    for m in _SYLLABLE.finditer(unicodedata.normalize("NFC", text)):
        new = _retone(m.group(0))
        if new != m.group(0):
            changes.append((m.group(0), new))
    return changes


class _CharFoldTable(dict):
    """``str.translate`` table of :func:`fold_chars`, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        f = strip_diacritics(ch).lower()
        f = f[0] if len(f) == 1 else ch.lower()[:1] or ch
        self[code] = "-" if "\u2010" <= f <= "\u2015" or f == "\u2212" else f
        return self[code]


_CHAR_FOLD = _CharFoldTable()


def fold_chars(text: str) -> str:
    """Lower case without diacritics, one character for one, so positions match the original.

    >>> fold_chars("Cơ quan chủ trì – Sở")
    'co quan chu tri - so'
    """
    return text.translate(_CHAR_FOLD)


_NOT_KEY = re.compile(r"[^0-9a-z]+")


def cue_key(text: str) -> str:
    """The form cue words are compared with: folded, punctuation as single spaces.

    >>> cue_key("Cơ quan chủ trì, phối hợp:")
    'co quan chu tri phoi hop'
    """
    return _NOT_KEY.sub(" ", fold_chars(text or "")).strip()
