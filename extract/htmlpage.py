"""Web pages (.html / .htm, as saved from legal portals or by Word's "Save as web page").

Recognised from the bytes (a doctype, ``<html>``, ``<head>``, ``<body>`` or ``<meta>`` first), decoded with
the charset the page declares (a byte-order mark, ``<meta charset>``, ``<meta http-equiv="Content-Type">``
or an XML declaration; without one, as a text file is), parsed with lxml's HTML parser, and written as
lines for the layout reader (:mod:`.layout`):

* each block element (``p``, ``div``, ``h1``–``h6``, ``li``, ...) is one paragraph, paragraphs separated by
  a blank line, as in a Markdown web copy; ``<br>`` breaks a line; ``script``/``style``/``head`` are dropped;
* a list item gets the marker a browser shows (``-`` in ``<ul>``, ``1.``/``a.``/``i.`` in ``<ol>`` after
  its ``type`` and ``start``); bold text (``b``, ``strong``, headings) is written ``**bold**``, the
  Markdown a web copy has, so that a bold heading is read as one;
* a ``<table>`` is kept as a :class:`~.loaders.Grid` (rows of cells, ``colspan``/``rowspan`` cells once, in
  their first column and row) and rendered as one pipe line per row; a small layout table (a header
  block or a signature block: at most 3 columns and 3 rows, see :data:`~.loaders.LAYOUT_MAX`) is written
  cell by cell, each cell's paragraphs on their own lines, so it reads like the text header it shows.

>>> page = load_html('<html><head><meta charset="windows-1252"><title>x</title></head><body>'
...                  '<p><b>K&#7870; HO&#7840;CH</b></p><ol><li>Tuy&ecirc;n truy&#7873;n</li></ol>'
...                  '<table><tr><th>TT</th><th>N&#7897;i dung</th><th>Ch&#7911; tr&igrave;</th><th>Th&#7901;i gian</th></tr>'
...                  '<tr><td>1</td><td>T&#7853;p hu&#7845;n</td><td>S&#7903; T&#432; ph&aacute;p</td><td>2025</td></tr></table>'.encode("cp1252"), "x.html")
>>> page.text.split("\\n")
['**KẾ HOẠCH**', '', '1. Tuyên truyền', '', '| TT | Nội dung | Chủ trì | Thời gian |', '| 1 | Tập huấn | Sở Tư pháp | 2025 |']
>>> page.encoding, page.grids[0].rows[1]
('cp1252', ['1', 'Tập huấn', 'Sở Tư pháp', '2025'])
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from .errors import ExtractionError
from .normalize import collapse

#: Bytes that open an HTML page (after a BOM, blanks, an XML declaration and comments).
#: A comment ends at its first "-->" (".*?-->" could also end at any later one: 2^n ways over n
#: comments, 2 s for 22 empty ones); \A: only the start of the bytes is tried, as match does. Linear (issue #15).
_HTML_START = re.compile(rb"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--(?:(?!-->).)*-->\s*)*"
                         rb"<(?:!doctype\s+html|html|head|body|meta|title)[\s>/]",
                         re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")

_SKIP = {"head", "script", "style", "noscript", "template", "iframe", "object", "svg", "math", "select", "button"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "section",
          "article", "header", "footer", "address", "center", "caption", "figcaption", "form", "fieldset", "nav",
          "aside", "main", "ul", "ol", "dl", "hr", "figure", "legend", "body", "html"}
_BOLD = {"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "th"}


def is_html(data: bytes) -> bool:
    """True when the bytes open as an HTML page (UTF-8/UTF-16 byte-order marks allowed)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data[:2048].decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    else:
        head = data[3:2048] if data.startswith(b"\xef\xbb\xbf") else data[:2048]
    return bool(_HTML_START.match(head))


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares (BOM first, then XML declaration, then ``<meta>``), as a Python codec name."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None


def load_html(data: bytes, path):
    """Text and tables of a web page. RETURNS (loaders.Loaded) with format "html"."""
    from lxml import etree, html

    from .loaders import Loaded, _utf8_text, decode_text

    enc = declared_charset(data)
    text = None
    if enc:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            text = None  # a wrong declaration: read the bytes as a text file is read
    if text is None:
        text, enc = decode_text(data, path)
    # Windows-1258 writes tones as combining marks: compose them.
    text = unicodedata.normalize("NFC", _XML_DECL.sub("", text.lstrip("\ufeff"), count=1))
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(path, f"is an HTML page that cannot be parsed ({e})") from None
    page = _Page()
    page.walk(root)
    page.flush()
    body = "\n".join(page.lines).strip("\n")
    # A page written in a legacy font encoding shows Latin-1 look-alikes ("Keá hoaïch"): convert them.
    fixed, how = _utf8_text(body, path, enc)
    loaded = Loaded(fixed, "html", how, grids=page.grids)
    if fixed is not body:
        # The conversion keeps the line breaks, so grid line spans stay right; cells are converted too.
        for g in loaded.grids:
            g.rows = [[_utf8_text(c, path, enc)[0] for c in r] for r in g.rows]
    return loaded


class _Page:
    """Lines being written from the tree, with its tables."""

    def __init__(self):
        self.lines: list[str] = []
        self.grids = []
        self.cur: list[str] = []

    # -- text ----------------------------------------------------------------
    def flush(self) -> None:
        line = collapse("".join(self.cur).replace("****", "").replace("** **", " "))
        self.cur = []
        if line and line != "**":
            if self.lines and self.lines[-1] != "":
                self.lines.append("")
            self.lines.append(line)

    def walk(self, el, bold: bool = False, marker: str | None = None) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP or not tag:
            if el.tail:
                self.cur.append(el.tail)
            return
        if tag == "table":
            self.flush()
            self.table(el)
            if el.tail:
                self.cur.append(el.tail)
            return
        block = tag in _BLOCK or tag == "tr"
        if tag == "br":
            self.flush()
        elif block:
            self.flush()
        if marker:
            self.cur.append(marker + " ")
        strong = tag in _BOLD and not bold
        if strong:
            self.cur.append(" **")
        if el.text:
            self.cur.append(el.text)
        if tag in ("ol", "ul"):
            self._list(el, tag, bold or strong)
        else:
            for child in el:
                self.walk(child, bold or strong)
        if strong:
            self.cur.append("** ")
        if block:
            self.flush()
        if el.tail:
            self.cur.append(el.tail)

    def _list(self, el, tag: str, bold: bool) -> None:
        try:
            n = int(el.get("start", "1"))
        except ValueError:
            n = 1
        kind = el.get("type", "1")
        for child in el:
            if isinstance(child.tag, str) and child.tag.lower() == "li":
                self.walk(child, bold, "-" if tag == "ul" else f"{_ordinal(n, kind)}.")
                n += 1
            else:
                self.walk(child, bold)

    # -- tables --------------------------------------------------------------
    def table(self, el) -> None:
        from .loaders import render_grid

        rows = _rows(el)
        if rows:
            render_grid(self.lines, self.grids, rows)

    def cell_lines(self, td) -> list[str]:
        """The paragraphs of one cell, each a line (nested tables: one line per row)."""
        sub = _Page()
        sub.cur = [td.text or ""]
        for child in td:
            sub.walk(child)
        sub.flush()
        return [x for x in sub.lines if x]


def _rows(table) -> list[list[list[str]]]:
    """Rows of cells, each cell its lines; spanned cells are "" beyond their first column and row."""
    page = _Page()
    trs = [tr for tr in table.iter("tr") if _owner(tr) is table]
    rows: list[list[list[str]]] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for tr in trs:
        row: list[list[str]] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while pending.get(col, 0) > 0:
                pending[col] -= 1
                row.append([])
                col += 1
            lines = page.cell_lines(td)
            if td.tag.lower() == "th":
                lines = [x.replace("**", "") for x in lines]
            span, down = _int(td.get("colspan")), _int(td.get("rowspan"))
            row.append(lines)
            for k in range(span):
                if k:
                    row.append([])
                if down > 1:
                    pending[col + k] = down - 1
            col += span
        while any(v > 0 for c, v in pending.items() if c >= col):
            if pending.get(col, 0) > 0:
                pending[col] -= 1
            row.append([])
            col += 1
        rows.append(row)
    return rows


def _owner(tr):
    el = tr.getparent()
    while el is not None and not (isinstance(el.tag, str) and el.tag.lower() == "table"):
        el = el.getparent()
    return el


def _int(value) -> int:
    try:
        return max(1, min(int(value), 50))
    except (TypeError, ValueError):
        return 1


def _ordinal(n: int, kind: str) -> str:
    """The number a browser prints for list item n of an <ol type=...>."""
    if kind in ("a", "A"):
        s = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            s = chr(ord("a") + r) + s
        return s.upper() if kind == "A" else s
    if kind in ("i", "I"):
        s = roman(n)
        return s if kind == "I" else s.lower()
    return str(n)


def roman(n: int) -> str:
    """Roman numeral of n (1..3999).

    >>> roman(14)
    'XIV'
    """
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out
