"""Turn a plan file (text, PDF or Word) into text plus the tables it really has.

What arrives from provincial portals is not clean UTF-8: PDFs (born digital or
OCRed), Word files, and text in the encodings that still circulate. This module
finds the format from the bytes (never from the file name), loads it, and says
in one line naming the file why it cannot when it cannot.

* Text: UTF-8, UTF-8 with BOM, UTF-16 (BOM, or no BOM with NULs every other byte);
  legacy Vietnamese: Windows-1258 (tones as combining marks, composed to NFC),
  TCVN3/ABC and VNI-Windows, as bytes or as the Latin-1 look-alikes a .doc-to-text
  conversion leaves ("Keá hoaïch", "KÕ ho¹ch"). A legacy decoding is accepted only
  when it turns many words into frequent Vietnamese syllables
  (``lexicon/encodings_check_words.tsv``); tables are ``lexicon/encodings_*.tsv``.
* PDF (pdfplumber): text outside tables in reading order; each ruled table is kept
  as a :class:`Grid` of cells (real cell boundaries beat rebuilding rows from broken
  lines) and also rendered into the text, so every text rule still sees it.
* DOCX (python-docx): paragraphs and tables in document order, tables as Grids; Word's automatic list
  numbers written before their paragraphs and footnotes/endnotes after the text under "Chú thích"
  (:mod:`.wordparts` reads those parts); a small layout table (header or signature block) written cell by
  cell, each cell's paragraphs on their own lines.
* HTML (.html/.htm, any declared charset; lxml): see :mod:`.htmlpage`.
* A scanned PDF (no text layer) is read by OCR when tesseract is installed (:mod:`.ocr`).

Limits (checked before the expensive step): MAX_FILE_BYTES per file, MAX_PDF_PAGES,
MAX_UNZIPPED_BYTES for a Word file, MAX_TEXT_CHARS of text after loading, and
MAX_PDF_SECONDS of PDF parsing.

>>> load_bytes("Kế hoạch".encode("utf-16"), "x.txt").text
'Kế hoạch'
>>> old = encode_legacy("Kế hoạch thực hiện của Ủy ban nhân dân", "tcvn3")
>>> old[:6], load_bytes(old, "y.txt").encoding
(b'K\\xd5 ho\\xb9', 'tcvn3')
"""
from __future__ import annotations

import io
import itertools
import re
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .htmlpage import is_html
from .lexicons import read_tsv
from .errors import ExtractionError
from . import limits
from .normalize import collapse, normalize_tones

LEXICON = Path(__file__).parent / "lexicon"
#: Largest file accepted, checked with stat() before reading: a plan is a few hundred KB,
#: a PDF with scanned pages a few MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Longest text accepted after loading (characters): about ten times the longest plan seen,
#: and under the 1,000,000 characters spaCy takes in one call.
MAX_TEXT_CHARS = 900_000
#: Most pages read from a PDF.
MAX_PDF_PAGES = 500
#: Largest total uncompressed size of a Word file (guards against ZIP bombs).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: Time allowed for reading one PDF (seconds), checked between pages.
MAX_PDF_SECONDS = 120
#: Share of candidate words a legacy decoding must turn into frequent syllables.
MIN_WORD_SHARE = 0.2
#: ... and at least this many such words.
MIN_WORDS = 3

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Characters a legacy font encoding read as Latin-1 / Windows-1252 shows ("Keá hoaïch").
_LATIN1_LOOK = re.compile("[\u0080-\u00ff\u2013-\u203a]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Grid:
    """A table with real cell boundaries.

    rows (list[list[str]]): cell texts, whitespace collapsed, "" for an empty cell.
    lines (list[tuple[int, int]]): first and last line (1-based) of each row in the loaded text.
    """

    rows: list[list[str]] = field(default_factory=list)
    lines: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Loaded:
    """A loaded document. text (str); format ("txt", "pdf", "docx"); encoding (str | None) of a text file;
    grids (list[Grid]): its tables with cell boundaries (PDF, DOCX)."""

    text: str
    format: str
    encoding: str | None = None
    grids: list[Grid] = field(default_factory=list)


#: A table with at most this many columns and rows (with text) lays out a header or signature block
#: ("ỦY BAN NHÂN DÂN ... | CỘNG HÒA ..."): it is written cell by cell, each cell's paragraphs a line.
LAYOUT_MAX = 3


def is_layout_table(rows: list[list[list[str]]]) -> bool:
    """True for a small table of a header or signature block (see :data:`LAYOUT_MAX`)."""
    full = [r for r in rows if any(any(x.strip() for x in c) for c in r)]
    return bool(full) and len(full) <= LAYOUT_MAX and max(len(r) for r in full) <= LAYOUT_MAX


def render_grid(lines: list[str], grids: list, rows: list[list[list[str]]], style: str = "pipe") -> None:
    """Write a table into lines and keep it as a Grid in grids.

    rows: each cell as its lines. A layout table (:func:`is_layout_table`) is written row by row,
    cell by cell, one line per paragraph; otherwise style "pipe" writes one line per row
    ("| 1 | Tập huấn |"), style "blank" the number and first cell on one line and each further cell
    after a blank line (the layout of PDF text the text table reader knows).
    """
    cells = [[collapse(" ".join(c)) for c in r] for r in rows]
    keep = [(r, c) for r, c in zip(rows, cells) if any(c)]
    if not keep:
        return
    grid = Grid()
    layout = is_layout_table([r for r, _ in keep])
    if lines and lines[-1] != "":
        lines.append("")
    for row, texts in keep:
        start = len(lines) + 1
        if layout:
            for cell in row:
                lines.extend(collapse(x) for x in cell if x.strip())
        elif style == "pipe":
            lines.append("| " + " | ".join(t.replace("|", "/") for t in texts) + " |")
        else:
            lines.append(" ".join(c for c in texts[:2] if c))
            for cell in texts[2:]:
                if cell:
                    lines.extend(["", cell])
        grid.rows.append(texts)
        grid.lines.append((start, max(start, len(lines))))
        if style != "pipe" or layout:
            lines.append("")
    if style == "pipe" and not layout:
        lines.append("")
    grids.append(grid)


class _Text:
    """Lines being written, with the tables rendered into them."""

    def __init__(self):
        self.lines: list[str] = []
        self.grids: list[Grid] = []

    def add(self, text: str) -> None:
        self.lines.extend(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))

    def add_grid(self, rows: list[list[str]]) -> None:
        """Render a table: a row's number and first text cell on one line, each further cell
        after a blank line (the layout of PDF text the text table reader knows)."""
        rows = [[collapse(c or "") for c in r] for r in rows]
        rows = [r for r in rows if any(r)]
        if not rows:
            return
        grid = Grid()
        self.add("")
        for row in rows:
            start = len(self.lines) + 1
            self.lines.append(" ".join(c for c in row[:2] if c))
            for cell in row[2:]:
                if cell:
                    self.lines.extend(["", cell])
            grid.rows.append(row)
            grid.lines.append((start, len(self.lines)))
            self.lines.append("")
        self.grids.append(grid)

    def result(self, fmt: str) -> Loaded:
        return Loaded("\n".join(self.lines), fmt, grids=self.grids)


# --- entry points ------------------------------------------------------------------

def load(path: str | Path) -> Loaded:
    """Load one file whatever its format.

    path (str | Path): the file.
    RETURNS (Loaded): its text and tables; raises ExtractionError naming the file otherwise.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ExtractionError(path, f"cannot be read ({e.strerror})") from None
    if path.is_dir():
        raise ExtractionError(path, "is a directory, not a document")
    if not path.is_file():
        raise ExtractionError(path, "is not a regular file")
    if size > MAX_FILE_BYTES:
        raise ExtractionError(path, f"is {size / 2 ** 20:.0f} MB, over the {MAX_FILE_BYTES // 2 ** 20} MB limit for one plan")
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ExtractionError(path, f"cannot be read ({e.strerror})") from None
    return load_bytes(data, path)


def load_bytes(data: bytes, path: str | Path) -> Loaded:
    """Load a document from its bytes. data (bytes). path (str | Path): named in errors.
    RETURNS (Loaded): the document."""
    if len(data) > MAX_FILE_BYTES:
        raise ExtractionError(path, f"is over the {MAX_FILE_BYTES // 2 ** 20} MB limit for one plan")
    if not data.strip():
        raise ExtractionError(path, "is empty")
    if (at := data[:1024].find(b"%PDF-")) != -1 and b"\n" not in data[:at]:  # "%PDF-" quoted in a text: not a PDF
        loaded = _load_pdf(data, path)
    elif data.startswith(b"PK\x03\x04"):
        loaded = _load_docx(data, path)
    elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ExtractionError(path, "is an old Word .doc (OLE2) file; save it as .docx or PDF first")
    elif data.lstrip()[:5] == b"{\\rtf":
        raise ExtractionError(path, "is an RTF file; save it as .docx, PDF or UTF-8 text first")
    elif is_html(data):
        from .htmlpage import load_html

        loaded = load_html(data, path)
    else:
        text, enc = decode_text(data, path)
        loaded = Loaded(text, "txt", enc)
    loaded.text = limits.without_controls(loaded.text)  # NUL, ESC, ...: never into the graph or a terminal
    if len(loaded.text) > MAX_TEXT_CHARS:
        raise ExtractionError(path, f"holds {len(loaded.text):,} characters of text, over the {MAX_TEXT_CHARS:,} limit for one plan")
    if not loaded.text.strip():
        raise ExtractionError(path, "is empty")
    return loaded


# --- text and legacy encodings ---------------------------------------------------------

def decode_text(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode the bytes of a text file, converting legacy Vietnamese encodings.

    RETURNS (tuple[str, str]): the text and the encoding found ("utf-8", "utf-8-sig",
    "utf-16", "cp1258", "tcvn3", "vni", or "utf-8+tcvn3" / "utf-8+vni" for legacy text
    that was saved as Unicode look-alike characters).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _utf8(data[3:], path, "utf-8-sig")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return _utf16(data, path, "utf-32")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, path, "utf-16")
    head = data[:4096]
    if len(head) >= 8 and head.count(b"\x00") * 4 > len(head) * 2:
        for name, zeros in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):  # the two high bytes of BMP text
            if all(head[i::4].count(0) * 10 >= len(head[i::4]) * 9 for i in zeros):
                return _utf16(data, path, name)
    if head.count(b"\x00") * 4 > len(head):
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if max(even, odd) * 2 > len(head) // 2 and min(even, odd) * 10 < max(even, odd):
            return _utf16(data, path, "utf-16-le" if odd > even else "utf-16-be")
    if b"\x00" in head:
        raise ExtractionError(path, "is a binary file, not plain text (nor a PDF or Word document)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.end != len(data) or e.start < len(data) - 3:
            return _legacy_bytes(data, path, e.start)
        # Only the last character is cut (a copy stopped mid-character): keep the rest.
        text = data[:e.start].decode("utf-8")
    return _utf8_text(text, path, "utf-8")


def _utf8(data: bytes, path, name: str) -> tuple[str, str]:
    try:
        return _utf8_text(data.decode("utf-8"), path, name)
    except UnicodeDecodeError as e:
        raise ExtractionError(path, f"starts with a UTF-8 mark but has an invalid byte at offset {e.start + 3}") from None


def _utf16(data: bytes, path, name: str) -> tuple[str, str]:
    try:
        text = data.decode(name)
    except UnicodeDecodeError as e:
        raise ExtractionError(path, f"looks like UTF-16 text but has invalid bytes at offset {e.start}") from None
    return _utf8_text(text.lstrip("\ufeff"), path, name)


def _utf8_text(text: str, path, name: str) -> tuple[str, str]:
    """Unicode text; legacy look-alikes ("Keá hoaïch") are converted when that reads far better."""
    if _binary(text):
        raise ExtractionError(path, "is a binary file, not plain text (nor a PDF or Word document)")
    if sum(1 for _ in itertools.islice(_LATIN1_LOOK.finditer(text, 0, 200_000), 20)) < 20:
        return text, name
    raw = _as_cp1252(text)
    if raw is None:
        return text, name
    best = _best_legacy(raw, ("tcvn3", "vni"))
    if best and best[1] > max(2 * _word_share(text), MIN_WORD_SHARE):
        return best[2], f"{name}+{best[0]}"
    return text, name


def _legacy_bytes(data: bytes, path, offset: int) -> tuple[str, str]:
    best = _best_legacy(data, ("cp1258", "tcvn3", "vni"))
    if best is None:
        raise ExtractionError(path, f"is not UTF-8 text (invalid byte at offset {offset}) and does not read as "
                                    "Windows-1258, TCVN3 or VNI Vietnamese; convert it to UTF-8 first")
    if _binary(best[2]):
        raise ExtractionError(path, "is a binary file, not plain text (nor a PDF or Word document)")
    return best[2], best[0]


def _binary(text: str) -> bool:
    sample = text[:8192]
    return bool(sample) and len(_CONTROL.findall(sample)) * 20 > len(sample)


def _as_cp1252(text: str) -> bytes | None:
    """The bytes a font-encoded text had before a converter read them as Windows-1252 / Latin-1."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return None
            out.append(ord(ch))
    return bytes(out)


def _best_legacy(data: bytes, names) -> tuple[str, float, str] | None:
    """The legacy decoding that reads best: (name, word share, text), or None when none reads as Vietnamese."""
    found = []
    for name in names:
        text = DECODERS[name](data)
        if text is None:
            continue
        share = _word_share(text)
        if share >= MIN_WORD_SHARE and _word_hits(text) >= MIN_WORDS:
            found.append((name, share, text))
    return max(found, key=lambda x: x[1]) if found else None


@lru_cache(maxsize=1)
def _check_words() -> frozenset:
    return frozenset(row[0] for row in read_tsv(LEXICON / "encodings_check_words.tsv"))


def _candidates(text: str) -> list[str]:
    """Words of the sample that carry a diacritic or are frequent syllables (ASCII-only words prove nothing)."""
    words = [normalize_tones(w.lower()) for w in _WORD.findall(text[:200_000])]
    return [w for w in words if not w.isascii()]


def _word_share(text: str) -> float:
    words = _candidates(text)
    return sum(w in _check_words() for w in words) / len(words) if words else 0.0


def _word_hits(text: str) -> int:
    return sum(w in _check_words() for w in _candidates(text))


@lru_cache(maxsize=1)
def _tcvn3() -> dict[int, str]:
    table = {}
    for n, row in enumerate(read_tsv(LEXICON / "encodings_tcvn3.tsv"), 1):
        if len(row) < 2 or len(row[1]) != 1:
            raise ExtractionError(LEXICON / "encodings_tcvn3.tsv", f"row {n} is not 'byte<TAB>char<TAB>name'")
        table[int(row[0], 16)] = row[1]
    return table


@lru_cache(maxsize=1)
def _vni() -> dict[bytes, str]:
    table = {}
    for n, row in enumerate(read_tsv(LEXICON / "encodings_vni.tsv"), 1):
        if len(row) < 2 or len(row[0]) != 1:
            raise ExtractionError(LEXICON / "encodings_vni.tsv", f"row {n} is not 'char<TAB>hex bytes<TAB>name'")
        table[bytes.fromhex(row[1])] = row[0]
    return table


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes to text; the table is ``lexicon/encodings_tcvn3.tsv``.

    >>> decode_tcvn3(b"K\\xd5 ho\\xb9ch")
    'Kế hoạch'
    """
    table = _tcvn3()
    return unicodedata.normalize("NFC", "".join(table.get(b, chr(b)) for b in data))


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes to text (a letter is one or two bytes); table ``lexicon/encodings_vni.tsv``.

    >>> decode_vni(b"K\\x65\\xe1 ho\\x61\\xefch")
    'Kế hoạch'
    """
    table = _vni()
    out, i, n = [], 0, len(data)
    while i < n:
        two = data[i:i + 2]
        if len(two) == 2 and two in table:
            out.append(table[two])
            i += 2
            continue
        one = data[i:i + 1]
        out.append(table.get(one) or one.decode("cp1252", errors="replace") if one[0] >= 0x80 else one.decode("ascii"))
        i += 1
    return "".join(out)


def _decode_cp1258(data: bytes) -> str | None:
    try:
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None


DECODERS = {"cp1258": _decode_cp1258, "tcvn3": decode_tcvn3, "vni": decode_vni}


def encode_legacy(text: str, encoding: str) -> bytes:
    """Write text in a legacy encoding (used to make test fixtures and to check the tables round-trip).

    text (str): Unicode text. encoding (str): "cp1258", "tcvn3" or "vni".
    RETURNS (bytes): the encoded text; a character the encoding lacks raises ValueError.

    >>> decode_vni(encode_legacy("Ủy ban nhân dân", "vni"))
    'Ủy ban nhân dân'
    """
    if encoding == "cp1258":
        out = []
        for ch in unicodedata.normalize("NFC", text):
            try:
                out.append(ch.encode("cp1258"))
            except UnicodeEncodeError:
                # Windows-1258 has the vowels with circumflex, breve and horn but
                # not the tones: those follow as combining marks.
                base = unicodedata.normalize("NFD", ch)
                tones = "".join(c for c in base if c in "\u0300\u0301\u0303\u0309\u0323")
                rest = unicodedata.normalize("NFC", "".join(c for c in base if c not in tones))
                out.append((rest + tones).encode("cp1258"))
        return b"".join(out)
    if encoding == "tcvn3":
        rev = {v: k for k, v in _tcvn3().items()}
        out = bytearray()
        for ch in unicodedata.normalize("NFC", text):
            if ch in rev:
                out.append(rev[ch])
            elif ord(ch) < 0x80 and ord(ch) not in _tcvn3():
                out.append(ord(ch))
            else:
                raise ValueError(f"{ch!r} has no TCVN3 code")
        return bytes(out)
    if encoding == "vni":
        rev = {v: k for k, v in _vni().items()}
        out = bytearray()
        for ch in unicodedata.normalize("NFC", text):
            if ch in rev:
                out += rev[ch]
            else:
                out += ch.encode("cp1252")
        return bytes(out)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


# --- PDF ------------------------------------------------------------------------------

def _load_pdf(data: bytes, path) -> Loaded:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    if b"%%EOF" not in data[-2048:] and b"%%EOF" not in data:  # bytes after %%EOF are allowed
        raise ExtractionError(path, "is a truncated PDF (no %%EOF at its end): the copy is incomplete")
    out = _Text()
    started = time.monotonic()
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > MAX_PDF_PAGES:
                raise ExtractionError(path, f"has {len(pdf.pages)} pages, over the {MAX_PDF_PAGES}-page limit for one plan")
            images, npages = 0, len(pdf.pages)
            for page in pdf.pages:
                if time.monotonic() - started > MAX_PDF_SECONDS:
                    raise ExtractionError(path, f"took over {MAX_PDF_SECONDS} s to read; split it or convert it to text")
                images += len(page.images)
                _pdf_page(page, out)
                page.close()
    except ExtractionError:
        raise
    except PDFPasswordIncorrect:
        raise ExtractionError(path, "is an encrypted PDF that needs a password; save an unprotected copy") from None
    except Exception as e:  # noqa: BLE001 - pdfminer raises many types on damaged files; each becomes one line here
        # pdfplumber wraps pdfminer's errors: the real one is the first argument.
        inner = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(inner, PDFPasswordIncorrect):
            raise ExtractionError(path, "is an encrypted PDF that needs a password; save an unprotected copy") from None
        reason = str(inner).splitlines()[0][:120] if str(inner) else type(inner).__name__
        if "password" in reason.lower() or "encrypt" in reason.lower():
            raise ExtractionError(path, "is an encrypted PDF that needs a password; save an unprotected copy") from None
        raise ExtractionError(path, f"is a damaged PDF ({reason})") from None
    loaded = out.result("pdf")
    if not loaded.text.strip():
        from . import ocr

        what = f"{images} page image(s) and " if images else ""
        missing = ocr.available()
        if missing:
            raise ExtractionError(path, f"is a PDF with {what}no text layer (scanned?) and {missing}: "
                                        "it needs OCR first (e.g. ocrmypdf)")
        scanned = _Text()
        ocr.ocr_pdf(data, path, npages, scanned)
        loaded = scanned.result("pdf-ocr")
        if not loaded.text.strip():
            raise ExtractionError(path, f"is a PDF with {what}no text layer (scanned?), and OCR (tesseract) "
                                        "found no text in it")
    return loaded


def _pdf_page(page, out: _Text) -> None:
    """Text above, between and below the page's ruled tables, tables as grids, in reading order."""
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    top = 0.0
    for t in tables:
        x0, t_top, x1, t_bottom = t.bbox
        if t_top > top:
            out.add(page.within_bbox((0, top, page.width, t_top)).extract_text() or "")
        out.add_grid([[c or "" for c in row] for row in t.extract()])
        top = max(top, t_bottom)
    if top < page.height:
        out.add(page.within_bbox((0, top, page.width, page.height)).extract_text() or "")


# --- DOCX -----------------------------------------------------------------------------

def _load_docx(data: bytes, path) -> Loaded:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED_BYTES:
                raise ExtractionError(path, f"unpacks to over {MAX_UNZIPPED_BYTES // 2 ** 20} MB; not a plan")
            limits.check_zip(z, path, MAX_UNZIPPED_BYTES)  # real unpacked sizes, before parsing
    except zipfile.BadZipFile as e:
        raise ExtractionError(path, f"is a damaged ZIP/Word file ({e})") from None
    except (OSError, ValueError, EOFError, zlib.error, RuntimeError, NotImplementedError) as e:
        # RuntimeError: an encrypted entry; NotImplementedError: an unknown compression method.
        raise ExtractionError(path, f"is a damaged ZIP/Word file ({e})") from None
    if "word/document.xml" not in names:
        raise ExtractionError(path, "is a ZIP archive, not a Word (.docx) document")
    import docx

    from . import wordparts

    out = _Text()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = {n: z.read(f"word/{n}.xml") if f"word/{n}.xml" in names else None
                     for n in ("numbering", "styles", "footnotes", "endnotes")}
        doc = docx.Document(io.BytesIO(data))
        reader = _DocxReader(doc, wordparts.Numbering(parts["numbering"], parts["styles"]))
        body = doc.element.body
        for child in body.iterchildren():
            if child.tag == wordparts.W + "p":
                out.add(reader.paragraph(child))
            elif child.tag == wordparts.W + "tbl":
                rows = reader.rows(child)
                render_grid(out.lines, out.grids, rows, style="blank")
        notes = []
        for kind in ("footnote", "endnote"):
            found = dict(wordparts.notes(parts[kind + "s"], kind))
            order = [i for i in wordparts.note_order(body, kind) if i in found]
            notes += [found[i] for i in order + [i for i in found if i not in order]]
        if notes:
            # Footnotes name documents too ("Chỉ thị số 46-CT/TW ..."): after the text, under their heading.
            out.lines += ["", "Chú thích"] + [f"[{n}] {t}" for n, t in enumerate(notes, 1)]
    except ExtractionError:
        raise
    except Exception as e:  # noqa: BLE001 - python-docx/lxml raise many types on damaged files
        reason = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        raise ExtractionError(path, f"is a damaged Word file ({reason})") from None
    return out.result("docx")


class _DocxReader:
    """Paragraph texts with their automatic numbers, and table rows with each cell's paragraphs."""

    def __init__(self, doc, numbering):
        self.doc = doc
        self.numbering = numbering
        self.cells: dict = {}

    def paragraph(self, p) -> str:
        from docx.text.paragraph import Paragraph

        from .layout import marker_of

        text = Paragraph(p, self.doc).text
        token = self.numbering.token(p)
        if token and text.strip() and marker_of(collapse(text)) is None:
            return f"{token} {text.lstrip()}"
        return text

    def cell_lines(self, tc) -> list[str]:
        """A cell's paragraphs (each one line; a nested table one line per row), read once per cell."""
        if tc in self.cells:
            return self.cells[tc]
        from .wordparts import W

        lines = []
        for child in tc.iterchildren():
            if child.tag == W + "p":
                lines.extend(self.paragraph(child).split("\n"))
            elif child.tag == W + "tbl":
                lines.extend(" | ".join(collapse(" ".join(c)) for c in r) for r in self.rows(child))
        self.cells[tc] = lines
        return lines

    def rows(self, tbl) -> list[list[list[str]]]:
        """Cells per row, each its lines; a cell merged across columns keeps its text once (in its first column)."""
        from docx.table import Table

        rows = []
        for row in Table(tbl, self.doc).rows:
            seen, cells = set(), []
            for cell in row.cells:
                key = id(cell._tc)
                cells.append([] if key in seen else self.cell_lines(cell._tc))
                seen.add(key)
            rows.append(cells)
        return rows
