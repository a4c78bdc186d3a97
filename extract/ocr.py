"""OCR of scanned PDF pages with Debian's tesseract (``tesseract-ocr`` + ``tesseract-ocr-vie``).

A PDF without a text layer is rendered page by page with pypdfium2 (already there for pdfplumber) at
:data:`DPI` and each page image is read by tesseract through pytesseract (``lang="vie"``), with a tqdm
progress bar of pages on stderr. The page texts, in page order, become the document text and the
normal readers run on it. Time is bounded: :data:`MAX_OCR_SECONDS` per document, checked between pages
and passed to tesseract as the time left for the page.

Chosen over ocrmypdf by measurement (docs/decisions/20261201-layout-model.md, "OCR"): ocrmypdf writes a
new PDF with a text layer (it needs Ghostscript or its own rasteriser plus pikepdf), which pdfplumber
would then read again; here only the text is needed.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from functools import lru_cache

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


def ocr_pdf(data: bytes, path, pages: int) -> list[str]:
    """Text of each page of a scanned PDF. RETURNS (list[str]): one string per page, in order."""
    import pypdfium2
    import pytesseract
    from tqdm import tqdm

    # One thread per tesseract: measured 4.9 s/page against 6.8 s/page with its default OpenMP threads
    # on 2 cores (the threads contend); a user's own setting is kept.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    started = time.monotonic()
    out = []
    pdf = pypdfium2.PdfDocument(data)
    try:
        name = getattr(path, "name", str(path))
        for i in tqdm(range(len(pdf)), total=len(pdf), desc=f"OCR {name}", unit="page", file=sys.stderr,
                      leave=False):
            left = MAX_OCR_SECONDS - (time.monotonic() - started)
            if left <= 0:
                raise ExtractionError(path, f"took over {MAX_OCR_SECONDS} s of OCR at page {i + 1} of {pages}; "
                                            "split it or give a copy with a text layer")
            page = pdf[i]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil()
            page.close()
            try:
                out.append(pytesseract.image_to_string(image, lang=LANG, timeout=left))
            except pytesseract.TesseractError as e:
                raise ExtractionError(path, f"could not be read by OCR at page {i + 1} ({e.message or e.status})") from None
            except RuntimeError as e:  # pytesseract's timeout
                if "timeout" not in str(e).lower():
                    raise
                raise ExtractionError(path, f"took over {MAX_OCR_SECONDS} s of OCR at page {i + 1} of {pages}; "
                                            "split it or give a copy with a text layer") from None
    finally:
        pdf.close()
    return out
