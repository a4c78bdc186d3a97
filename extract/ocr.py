"""OCR of scanned PDF pages with Debian's tesseract (``tesseract-ocr`` + ``tesseract-ocr-vie``).

A PDF without a text layer is rendered page by page with pypdfium2 (already there for pdfplumber) at
:data:`DPI` and each page image is read by tesseract through pytesseract (``lang="vie"``), with a tqdm
progress bar of pages on stderr. The page texts, in page order, become the document text and the
normal readers run on it. Time is bounded: :data:`MAX_OCR_SECONDS` per document, checked between pages
and passed to tesseract as the time left for the page.

A page is first straightened (:func:`deskew`). A ruled table on it (:func:`find_rules`: long runs of ink
across and down the page) is read apart from the rest of the page with its rules erased, each word put
in the cell its box centre falls in, the narrow number column read cell by cell, and kept as a
:class:`~.loaders.Grid` rendered into the text as a PDF table is; a table going on over a page break
with the same columns joins the table before it.

Chosen over ocrmypdf by measurement (docs/decisions/20261201-layout-model.md, "OCR"): ocrmypdf writes a
new PDF with a text layer (it needs Ghostscript or its own rasteriser plus pikepdf), which pdfplumber
would then read again; here only the text is needed.
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import time
from functools import lru_cache
from pathlib import Path

from .errors import ExtractionError

#: Resolution of the rendered page (tesseract reads 300 dpi scans best).
DPI = 300
#: Time allowed for the OCR of one document (seconds).
MAX_OCR_SECONDS = 600
#: Tesseract language used: Vietnamese (its model also reads the Latin digits and punctuation).
LANG = "vie"
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-vie"


@lru_cache(maxsize=1)
def available() -> str | None:
    """None when OCR can run, else what is missing (a sentence saying how to install it)."""
    if shutil.which("tesseract") is None:
        return f"tesseract is not installed ({INSTALL})"
    try:
        import pytesseract
    except ImportError:
        return "pytesseract is not installed (pip install pytesseract)"
    try:
        langs = pytesseract.get_languages(config="")
    except Exception as e:  # noqa: BLE001 - a broken tesseract install: say so
        return f"tesseract does not run ({e})"
    if LANG not in langs:
        return f"tesseract has no Vietnamese model ({INSTALL})"
    return None


def ocr_pdf(data: bytes, path, pages: int, out) -> None:
    """Write the text and ruled tables of each page of a scanned PDF into out (a loaders._Text)."""
    import pypdfium2
    import pytesseract
    from tqdm import tqdm

    # One thread per tesseract: measured 4.9 s/page against 6.8 s/page with its default OpenMP threads
    # on 2 cores (the threads contend); a user's own setting is kept.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    started = time.monotonic()
    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as e:
        raise ExtractionError(path, f"is a damaged PDF ({e})") from None
    try:
        name = getattr(path, "name", str(path))
        for i in tqdm(range(len(pdf)), total=len(pdf), desc=f"OCR {name}", unit="page", file=sys.stderr,
                      leave=False):
            left = MAX_OCR_SECONDS - (time.monotonic() - started)
            if left <= 0:
                raise ExtractionError(path, f"took over {MAX_OCR_SECONDS} s of OCR at page {i + 1} of {pages}; "
                                            "split it or give a copy with a text layer")
            try:
                page = pdf[i]
                image = page.render(scale=DPI / 72, grayscale=True).to_pil()
                page.close()
            except pypdfium2.PdfiumError as e:
                raise ExtractionError(path, f"is a damaged PDF (page {i + 1}: {e})") from None
            first_grid = len(out.grids)
            try:
                _page(image, left, out)
                _join_continued(out, first_grid)
            except pytesseract.TesseractError as e:
                raise ExtractionError(path, f"could not be read by OCR at page {i + 1} ({e.message or e.status})") from None
            except RuntimeError as e:  # pytesseract's timeout
                if "timeout" not in str(e).lower():
                    raise
                raise ExtractionError(path, f"took over {MAX_OCR_SECONDS} s of OCR at page {i + 1} of {pages}; "
                                            "split it or give a copy with a text layer") from None
    finally:
        pdf.close()


#: Lines between a table at the end of a page and one at the top of the next that are page
#: furniture (a page number, a running head): at most this many, each at most FURNITURE_CHARS long.
FURNITURE_LINES, FURNITURE_CHARS = 3, 20


def _join_continued(out, first: int) -> None:
    """A table that goes on over a page break is one table: the first grid of this page joins the
    last grid of the page before when they have the same columns and only page furniture lies
    between; a repeated header row is dropped."""
    if first == 0 or len(out.grids) <= first:
        return
    prev, cur = out.grids[first - 1], out.grids[first]
    if not prev.rows or not cur.rows or len(prev.rows[0]) != len(cur.rows[0]):
        return
    between = [x for x in out.lines[prev.lines[-1][1]:cur.lines[0][0] - 1] if x.strip()]
    if len(between) > FURNITURE_LINES or any(len(x.strip()) > FURNITURE_CHARS for x in between):
        return
    rows, spans = cur.rows, cur.lines
    # The header repeated on the new page (OCR may read a cell of it differently).
    if sum(a == b for a, b in zip(rows[0], prev.rows[0])) * 2 >= len(rows[0]):
        rows, spans = rows[1:], spans[1:]
    prev.rows.extend(rows)
    prev.lines.extend(spans)
    del out.grids[first]


# --- ruled tables of a page image ----------------------------------------------------------------
#: A pixel darker than this (0-255) is ink.
INK = 150
#: A horizontal rule is a run of ink at least 1/RULE_RUN of the page width; a row of the image is a
#: rule when its runs cover RULE_SHARE of the width.
RULE_RUN, RULE_SHARE = 30, 0.25
#: A vertical rule covers this share of the table's height (rows merged across columns break some).
COLUMN_SHARE = 0.4
#: A vertical rule counts in one row when it covers this share of that row's height.
CELL_SHARE = 0.7


def _erode(mask, length: int, axis: int):
    """Positions where a run of `length` ink pixels starts along axis (the mask shrinks by length - 1)."""
    m = mask if axis == 1 else mask.T
    k = 1
    while k < length:
        step = min(k, length - k)
        m = m[:, :-step] & m[:, step:]
        k += step
    return m if axis == 1 else m.T


def _spans(index, gap: int) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for i in index:
        if out and i - out[-1][1] <= gap:
            out[-1][1] = int(i)
        else:
            out.append([int(i), int(i)])
    return [(a, b) for a, b in out]


def _thicken(mask, axis: int):
    """Ink spread 2 px across axis, so a rule a skewed scan draws over a few pixels stays one run."""
    d = mask.copy()
    for k in (1, 2):
        if axis == 0:
            d[k:] |= mask[:-k]
            d[:-k] |= mask[k:]
        else:
            d[:, k:] |= mask[:, :-k]
            d[:, :-k] |= mask[:, k:]
    return d


def find_rules(ink) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(horizontal rules, vertical rules) of a page's ink mask, as pixel spans; ([], []) without a table."""
    import numpy as np

    height, width = ink.shape
    rows = _spans(np.where(_erode(_thicken(ink, 0), width // RULE_RUN, 1).sum(1) > width * RULE_SHARE)[0], 4)
    if len(rows) < 3:
        return [], []
    top, bottom = rows[0][0], rows[-1][1]
    band = _thicken(ink[top:bottom + 1], 1)
    cols = _spans(np.where(_erode(band, max(20, (bottom - top) // 40), 0).sum(0) > (bottom - top) * COLUMN_SHARE)[0], 8)
    if len(cols) < 3:
        return [], []
    return rows, cols


#: Largest skew of a scanned page that is straightened (degrees), and the step of the search.
MAX_SKEW, SKEW_STEP = 2.0, 0.1


def deskew(image):
    """The page turned upright: the angle whose rows of ink are sharpest (largest variance of the
    row profile, on a quarter-size copy), so table rules run along pixel rows."""
    import numpy as np
    from PIL import Image

    small = image.reduce(4)

    def sharpness(angle: float) -> float:
        return float((np.asarray(small.rotate(angle, fillcolor=255)) < INK).sum(1).var())

    # Coarse steps of 4 x SKEW_STEP over the range, then SKEW_STEP around the best.
    coarse = [k * 4 * SKEW_STEP for k in range(-int(MAX_SKEW / (4 * SKEW_STEP)), int(MAX_SKEW / (4 * SKEW_STEP)) + 1)]
    best = max(coarse, key=sharpness)
    best = max((best + k * SKEW_STEP for k in range(-3, 4)), key=sharpness)
    if abs(best) < SKEW_STEP / 2:
        return image
    return image.rotate(best, resample=Image.BICUBIC, fillcolor=255)


def _page(image, left: float, out) -> None:
    """OCR one page image into out: text above the ruled table, the table as a grid, text below."""
    import numpy as np
    from PIL import Image

    image = deskew(image)
    ink = np.asarray(image) < INK
    rows, cols = find_rules(ink)
    if rows:
        # Rules erased (white) before OCR, so that no letter is read from a rule.
        clean = np.asarray(image).copy()
        x0, x1, y0, y1 = cols[0][0], cols[-1][1], rows[0][0], rows[-1][1]
        for a, b in rows:
            clean[max(0, a - 3):b + 4, x0:x1 + 1] = 255
        for a, b in cols:
            clean[y0:y1 + 1, max(0, a - 3):b + 4] = 255
        image = Image.fromarray(clean)
    if not rows:
        out.add(_text(_words(image, left)))
        return
    y0, y1 = rows[0][0], rows[-1][1]
    x0, x1 = cols[0][0], cols[-1][1]
    # The table is read apart from the rest of the page (a seal or the text around it is never
    # read into one line with a header cell), and the rest with the table blanked out.
    inside = [(b, p, ln, x + x0, y + y0, w, h, t)
              for b, p, ln, x, y, w, h, t in _words(image.crop((x0, y0, x1 + 1, y1 + 1)), left)]
    rest = np.asarray(image).copy()
    rest[y0:y1 + 1, x0:x1 + 1] = 255
    outside = _words(Image.fromarray(rest), left)
    above = [w for w in outside if w[4] + w[6] / 2 < y0]
    below = [w for w in outside if w[4] + w[6] / 2 >= y0]
    cells = _cells(inside, rows, cols, ink)
    _number_column(image, cells, rows, cols, left)
    out.add(_text(above))
    out.add_grid(cells)
    out.add(_text(below))


def _words(image, left: float) -> list[tuple]:
    """(block, paragraph, line, left, top, width, height, text) of each word tesseract reads."""
    import pytesseract

    data = pytesseract.image_to_data(image, lang=LANG, timeout=left, output_type=pytesseract.Output.DICT)
    return [(data["block_num"][k], data["par_num"][k], data["line_num"][k], data["left"][k], data["top"][k],
             data["width"][k], data["height"][k], data["text"][k].strip())
            for k in range(len(data["text"])) if data["text"][k].strip()]


#: A first column narrower than this share of the table holds the row numbers ("TT": "1", "I", "a").
NUMBER_COLUMN = 0.08


def _number_column(image, cells, rows, cols, left: float) -> None:
    """Row numbers of a narrow first column, read cell by cell as one line each (a page's OCR drops
    most lone digits and Roman numerals)."""
    import pytesseract

    if (cols[1][0] - cols[0][1]) > NUMBER_COLUMN * (cols[-1][0] - cols[0][1]):
        return
    for r, row in enumerate(cells):
        if len(row[0]) > 6:
            continue
        box = (cols[0][1] + 4, rows[r][1] + 4, cols[1][0] - 3, rows[r + 1][0] - 3)
        if box[2] - box[0] < 8 or box[3] - box[1] < 8:
            continue
        token = pytesseract.image_to_string(image.crop(box), lang=LANG, config="--psm 6", timeout=left).strip()
        token = token.split("\n")[0].strip() if token else ""
        stem, end = re.fullmatch(r"(.*?)([.),]?)", token).groups()
        token = _confusions().get(stem, stem) + (end and end.replace(",", "."))
        if re.fullmatch(r"\d{1,3}[.)]?|[IVX]{1,5}[.)]?|[a-zđ][.)]?", token) or token.upper() in ("TT", "STT"):
            row[0] = token
        elif not token:
            row[0] = ""


@lru_cache(maxsize=1)
def _confusions() -> dict[str, str]:
    from .lexicons import read_tsv

    path = Path(__file__).parent / "lexicon" / "ocr_number_confusions.tsv"
    return {row[0]: row[1] for row in read_tsv(path) if len(row) >= 2}


def _text(words) -> str:
    """Lines of words in tesseract's reading order; a blank line between its paragraphs."""
    lines, key, para = [], None, None
    for b, p, ln, *_rest, text in words:
        if (b, p) != para and lines:
            lines.append("")
        if (b, p, ln) != key:
            lines.append(text)
        else:
            lines[-1] += " " + text
        key, para = (b, p, ln), (b, p)
    return "\n".join(lines)


def _cells(words, rows, cols, ink) -> list[list[str]]:
    """Cell texts of a ruled table; a cell merged over a missing rule keeps its text in its first column."""
    import bisect

    ys = [(a + b) / 2 for a, b in rows]
    xs = [(a + b) / 2 for a, b in cols]
    grid: list[list[list]] = [[[] for _ in range(len(xs) - 1)] for _ in range(len(ys) - 1)]
    owner: list[list[int]] = []
    for r in range(len(ys) - 1):
        a, b = int(ys[r]) + 6, int(ys[r + 1]) - 6
        first, own = 0, []
        for c in range(len(xs) - 1):
            if c:
                lo, hi = cols[c]
                covered = ink[a:b, max(0, lo - 3):hi + 4].any(axis=1).mean() if b > a else 1.0
                if covered >= CELL_SHARE:
                    first = c
            own.append(first)
        owner.append(own)
    for w in words:
        r = bisect.bisect(ys, w[4] + w[6] / 2) - 1
        c = bisect.bisect(xs, w[3] + w[5] / 2) - 1
        if 0 <= r < len(grid) and 0 <= c < len(grid[0]):
            grid[r][owner[r][c]].append(w)
    out = []
    for row in grid:
        cells = []
        for ws in row:
            ws = sorted(ws, key=lambda w: (w[4], w[3]))
            lines: list[list] = []
            for w in ws:
                if lines and abs(w[4] - lines[-1][0][4]) < 0.6 * max(w[6], lines[-1][0][6]):
                    lines[-1].append(w)
                else:
                    lines.append([w])
            cells.append(" ".join(" ".join(x[7] for x in sorted(ln, key=lambda w: w[3])) for ln in lines))
        out.append(cells)
    return out
