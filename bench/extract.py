"""Extraction benchmark: the bundled corpus repeated N times, --jobs 1 and --jobs 2.

Reports documents per second and the peak resident memory of the largest process:

* ``cli``: the whole ``planlineage extract DIR -o OUT --jobs N`` run, start-up included.
* ``in_process_cold``: one process, pipeline and lexicons loaded, and before every
  document the per-text caches are emptied (every ``functools.lru_cache`` of
  ``planlineage.extract`` bigger than a loader's, and spaCy's tokenizer cache), so a
  document gains nothing from having been seen before: the honest figure for a
  stream of distinct plans.
* ``in_process_warm``: same loop without emptying the caches; the corpus repeats, so
  this figure is flattered by the caches (repeated texts are parsed once).

``docs_per_s`` is wall time; ``docs_per_cpu_s`` uses the process CPU time, which is
steadier on a shared machine. Results go to bench/results/extract.json (or --out).

* ``real_cold``: the real plans of ../shared/real/corpus (scans left out), once each, cold, all
  together and by file format (their size and layout differ from the bundled plans).

Usage: python bench/extract.py [--repeat 100] [--jobs 1 2] [--out FILE]
"""
from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import platform
import pkgutil
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
REAL = HERE.parent.parent / "shared" / "real" / "corpus"
#: lru_caches up to this size are loaders (pattern files, lexicons), kept when "cold".
LOADER_CACHE_SIZE = 8


def make_corpus(folder: Path, repeat: int) -> list[Path]:
    docs = sorted(DATA.glob("*.txt"))
    out = []
    for i in range(repeat):
        for d in docs:
            p = folder / f"{i:04d}_{d.name}"
            shutil.copyfile(d, p)
            out.append(p)
    return out


def cli_run(corpus: Path, out: Path, jobs: int) -> dict:
    exe = Path(sys.executable).with_name("planlineage")
    t0 = time.perf_counter()
    code = (
        "import resource, subprocess, sys;"
        f"r = subprocess.run([{str(exe)!r}, 'extract', {str(corpus)!r}, '-o', {str(out)!r}, '--jobs', '{jobs}'],"
        " stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    n = len(list(corpus.iterdir()))
    return {"jobs": jobs, "documents": n, "wall_s": round(wall, 2), "docs_per_s": round(n / wall, 1),
            "peak_rss_mb": round(int(proc.stdout.strip()) / 1024, 1)}


def text_caches() -> list:
    """The per-text caches of planlineage.extract (lru_caches bigger than a loader's)."""
    import planlineage.extract as package

    caches = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, functools._lru_cache_wrapper) and obj.__module__ == module.__name__:
                size = obj.cache_parameters()["maxsize"]
                if size is None or size > LOADER_CACHE_SIZE:
                    caches.append(obj)
    return caches


def in_process(paths: list[Path], cold: bool) -> dict:
    from planlineage.extract.nlp import get_nlp
    from planlineage.extract.record import extract_file

    nlp = get_nlp()
    extract_file(paths[0])  # loads the lexicons, as the first document of any run does
    caches = text_caches()
    wall = cpu = 0.0
    for p in paths:
        if cold:
            for cache in caches:
                cache.cache_clear()
            nlp.tokenizer.prefix_search = nlp.tokenizer.prefix_search  # the setter empties the tokenizer cache
        t0, c0 = time.perf_counter(), time.process_time()
        extract_file(p)
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
    return {"jobs": 1, "documents": len(paths), "caches": "cold per document" if cold else "warm",
            "cleared_caches": sorted(f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}" for c in caches) if cold else [],
            "wall_s": round(wall, 2), "docs_per_s": round(len(paths) / wall, 1),
            "docs_per_cpu_s": round(len(paths) / cpu, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path, default=HERE / "results" / "extract.json")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        paths = make_corpus(corpus, args.repeat)
        results = {"machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
                              f"{os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.1f}",
                   "repeat": args.repeat, "cli": [],
                   "in_process_cold": in_process(paths, cold=True),
                   "in_process_warm": in_process(paths, cold=False)}
        for jobs in args.jobs:
            results["cli"].append(cli_run(corpus, Path(tmp) / f"out{jobs}", jobs))
    if REAL.is_dir():
        # The real plans of ../shared/real/corpus once each, cold, by format (scans need OCR: not timed here).
        real = sorted(p for p in REAL.iterdir() if not p.name.endswith("_scan.pdf"))
        results["real_cold"] = {"all": in_process(real, cold=True)}
        for fmt in sorted({p.suffix for p in real}):
            results["real_cold"][fmt] = in_process([p for p in real if p.suffix == fmt], cold=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
