"""The parts of a Word file that python-docx does not read: list numbering and footnotes.

* **Numbering** (``word/numbering.xml``): a paragraph with ``w:numPr`` (its own, or its style's) shows a
  number Word computes. :class:`Numbering` counts as Word does, per abstract list and level (a deeper level
  restarts when a shallower one advances; a ``w:num`` with ``w:startOverride`` restarts its list), and
  formats ``w:lvlText`` ("%1.", "%1.%2.", "%2)") with ``w:numFmt`` (decimal, decimalZero, lowerLetter,
  upperLetter, lowerRoman, upperRoman; a bullet is written "-"; "none" writes nothing).
* **Footnotes** (``word/footnotes.xml``, endnotes in ``word/endnotes.xml``): :func:`notes` gives the text
  of each real note (not the separators), in the order the body refers to them.

The parts are parsed with python-docx's own lxml parser settings (no entity resolution, no network);
their size is bounded by the ZIP limit the loader checks first.
"""
from __future__ import annotations

from lxml import etree

from .htmlpage import roman
from .normalize import collapse

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


def _val(el, path: str, default=None):
    found = el.find(path)
    return found.get(W + "val", default) if found is not None else default


def _letters(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(ord("a") + r) + s
    return s


def format_number(n: int, fmt: str) -> str:
    """One level's number in Word's numFmt.

    >>> [format_number(3, f) for f in ("decimal", "lowerLetter", "upperRoman", "decimalZero", "bullet")]
    ['3', 'c', 'III', '03', '-']
    """
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return roman(n).lower()
    if fmt == "upperRoman":
        return roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "bullet":
        return "-"
    if fmt == "none":
        return ""
    return str(n)  # decimal and the East Asian forms Vietnamese plans do not use


class Numbering:
    """Computes the numbering token of each numbered paragraph, in document order."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # abstractNumId -> ilvl -> (start, fmt, text)
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, start overrides)
        self.style_num: dict[str, tuple[str, int]] = {}  # styleId -> (numId, ilvl)
        self.counters: dict[str, list[int]] = {}
        self.restarted: set[str] = set()
        if numbering_xml:
            root = etree.fromstring(numbering_xml, _PARSER)
            for a in root.iter(W + "abstractNum"):
                lv = {}
                for lvl in a.iter(W + "lvl"):
                    ilvl = int(lvl.get(W + "ilvl", "0"))
                    lv[ilvl] = (int(_val(lvl, W + "start", "1") or 1), _val(lvl, W + "numFmt", "decimal"),
                                _val(lvl, W + "lvlText", "") or "")
                self.levels[a.get(W + "abstractNumId")] = lv
            for num in root.iter(W + "num"):
                overrides = {}
                for o in num.iter(W + "lvlOverride"):
                    start = _val(o, W + "startOverride")
                    if start is not None:
                        overrides[int(o.get(W + "ilvl", "0"))] = int(start)
                self.nums[num.get(W + "numId")] = (_val(num, W + "abstractNumId"), overrides)
        if styles_xml:
            root = etree.fromstring(styles_xml, _PARSER)
            based = {}
            for st in root.iter(W + "style"):
                sid = st.get(W + "styleId")
                based[sid] = _val(st, W + "basedOn")
                pr = st.find(W + "pPr/" + W + "numPr")
                if pr is not None:
                    self.style_num[sid] = (_val(pr, W + "numId"), int(_val(pr, W + "ilvl", "0") or 0))
            for sid in list(based):  # a style inherits its base style's numbering
                seen, cur = set(), sid
                while cur and cur not in self.style_num and cur not in seen:
                    seen.add(cur)
                    cur = based.get(cur)
                if cur in self.style_num:
                    self.style_num.setdefault(sid, self.style_num[cur])

    def token(self, p) -> str | None:
        """The numbering token of paragraph element p ("1.", "a)", "1.2.", "-"), or None when it has none."""
        ppr = p.find(W + "pPr")
        num_id, ilvl = None, 0
        if ppr is not None:
            style = _val(ppr, W + "pStyle")
            if style in self.style_num:
                num_id, ilvl = self.style_num[style]
            pr = ppr.find(W + "numPr")
            if pr is not None:
                num_id = _val(pr, W + "numId", num_id)
                ilvl = int(_val(pr, W + "ilvl", str(ilvl)) or 0)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract)
        if not levels or ilvl not in levels:
            return None
        count = self.counters.setdefault(abstract, [0] * 10)
        if num_id not in self.restarted and overrides:
            self.restarted.add(num_id)
            for lv, start in overrides.items():
                if lv < len(count):
                    count[lv] = start - 1
        ilvl = min(ilvl, len(count) - 1)
        if count[ilvl] == 0:
            count[ilvl] = levels[ilvl][0] - 1
        count[ilvl] += 1
        for deeper in range(ilvl + 1, len(count)):
            count[deeper] = 0
        start, fmt, text = levels[ilvl]
        if fmt == "bullet":
            return "-"
        out = text
        for lv in range(ilvl, -1, -1):
            value = count[lv] or (levels.get(lv, (1,))[0])
            out = out.replace(f"%{lv + 1}", format_number(value, levels.get(lv, (1, "decimal"))[1]))
        out = collapse(out)
        return out or None


def notes(xml: bytes | None, kind: str = "footnote") -> list[tuple[str, str]]:
    """(id, text) of each real footnote (or endnote) of a notes part; separators are left out."""
    if not xml:
        return []
    root = etree.fromstring(xml, _PARSER)
    out = []
    for note in root.iter(W + kind):
        if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        paras = [collapse("".join(t.text or "" for t in p.iter(W + "t"))) for p in note.iter(W + "p")]
        text = " ".join(x for x in paras if x)
        if text:
            out.append((note.get(W + "id"), text))
    return out


def note_order(body, kind: str = "footnote") -> list[str]:
    """Ids of the notes in the order the body refers to them."""
    seen = []
    for ref in body.iter(W + kind + "Reference"):
        i = ref.get(W + "id")
        if i not in seen:
            seen.append(i)
    return seen
