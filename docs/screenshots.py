"""Regenerate the README screenshots of the views (docs/img/*.png) in headless Chromium.

    .venv/bin/python docs/screenshots.py            # Vietnamese labels, 1400 x 900 window
    .venv/bin/python docs/screenshots.py --lang en --width 1024

Builds the bundled corpus (data/*.txt) in an in-memory store, writes the corpus,
plan, unit and trace views with ``planlineage.viz.views.write_view`` into a
temporary folder and photographs each page with Debian's chromium
(``apt-get install chromium``), driven by Playwright with ``executable_path``;
nothing is downloaded.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from planlineage import DATA_DIR
from planlineage.extract.batch import extract_paths
from planlineage.graph.store import open_store
from planlineage.viz.views import write_view

IMG = Path(__file__).resolve().parent / "img"
CHROMIUM = "/usr/bin/chromium"
#: The views shown in the README: file name -> write_view arguments.
PLAN, UNIT, COMMUNE = "40/KH-UBND", "Sở Khoa học và Công nghệ", "004_5c5cafd7972287fb.txt"


def trace_task(records: list[dict]) -> str:
    """The task the README traces: task 6.2 of the Đức Phổ commune plan (its last task if refs change)."""
    rec = next(r for r in records if r["source"] == COMMUNE)
    refs = [t["ref"] for t in rec["tasks"] if t.get("ref")]
    return f"{COMMUNE}#{next((r for r in refs if r.endswith('6.2')), refs[-1])}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="vi", choices=("vi", "en"))
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=900)
    ap.add_argument("--out", type=Path, default=IMG)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    records = [r.record for r in extract_paths(sorted(DATA_DIR.glob("*.txt")))]
    work = Path(tempfile.mkdtemp())
    with open_store(memory=True) as store:
        store.load_records(records)
        pages = {name: write_view(store, work / f"{name}.html", lang=args.lang, **focus)[0] for name, focus in {
            "corpus": {}, "plan": {"plan": PLAN}, "unit": {"unit": UNIT},
            "trace": {"trace": trace_task(records)}}.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for name, page_file in pages.items():
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.goto(page_file.as_uri())
            page.wait_for_function("window.planlineageView && window.planlineageView.ready", timeout=60_000)
            page.wait_for_timeout(300)
            page.screenshot(path=str(args.out / f"{name}.png"))
            print(args.out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
