"""Loader benchmark: seconds to load each real plan of ../shared/real/corpus, by format.

Times ``extract.loaders.load`` only (no extraction), the best of --repeat runs for each file
(the first run of a format pays its imports; that import time is reported apart), on:

* the text, Markdown, Word and PDF plans of ../shared/real/corpus;
* HTML pages made from them: each Markdown plan rendered with markdown-it-py (utf-8) and each
  Word plan written as Word's "web page" export does (windows-1252), as tests/test_loaders_real.py makes them;
* the scanned PDFs through OCR (once each, when tesseract is installed): seconds per page.

Usage: python bench/loaders.py [--repeat 3] [--no-ocr] [--out bench/results/loaders.json]
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL = HERE.parent.parent / "shared" / "real" / "corpus"
sys.path.insert(0, str(HERE.parent / "tests"))


def _fmt(path: Path, loaded) -> str:
    return "md" if path.suffix == ".md" and loaded.format == "txt" else loaded.format


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results" / "loaders.json"))
    args = ap.parse_args()

    from markdown_it import MarkdownIt
    from test_loaders_real import _word_web_page

    from planlineage.extract import loaders

    tmp = Path(tempfile.mkdtemp())
    files = [p for p in sorted(REAL.iterdir()) if not p.name.endswith("_scan.pdf")]
    md = MarkdownIt("commonmark").enable("table")
    for p in list(files):
        if p.suffix == ".md":
            out = tmp / (p.stem + ".html")
            out.write_text(f"<html><head><meta charset='utf-8'></head><body>{md.render(p.read_text())}</body></html>")
            files.append(out)
        elif p.suffix == ".docx":
            files.append(_word_web_page(p, tmp / (p.stem + ".htm")))
    per_format: dict[str, list[float]] = {}
    first: dict[str, float] = {}
    for p in files:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            loaded = loaders.load(p)
            times.append(time.perf_counter() - t)
        fmt = _fmt(p, loaded)
        first.setdefault(fmt, times[0])
        per_format.setdefault(fmt, []).append(min(times))
    result = {"files": {k: len(v) for k, v in per_format.items()},
              "median_s": {k: round(statistics.median(v), 4) for k, v in per_format.items()},
              "max_s": {k: round(max(v), 4) for k, v in per_format.items()},
              "first_load_s_with_imports": {k: round(v, 4) for k, v in first.items()}}
    if not args.no_ocr and shutil.which("tesseract"):
        import pypdfium2

        ocr = {}
        for p in sorted(REAL.glob("*_scan.pdf")):
            pages = len(pypdfium2.PdfDocument(str(p)))
            t = time.perf_counter()
            loaded = loaders.load(p)
            dt = time.perf_counter() - t
            ocr[p.name] = {"pages": pages, "seconds": round(dt, 1), "s_per_page": round(dt / pages, 2),
                           "chars": len(loaded.text)}
        result["ocr"] = ocr
    shutil.rmtree(tmp)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
