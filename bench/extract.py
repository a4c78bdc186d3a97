"""Extraction benchmark: the bundled corpus repeated N times, --jobs 1 and --jobs 2.

Reports documents per second (whole CLI run, including start-up, and in process
once the pipeline is loaded) and the peak resident memory of the largest process.
Results go to bench/results/extract.json.

Usage: python bench/extract.py [--repeat 100] [--jobs 1 2]
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"


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


def in_process(paths: list[Path]) -> dict:
    from planlineage.extract.nlp import get_nlp
    from planlineage.extract.record import extract_file

    get_nlp()
    t0 = time.perf_counter()
    for p in paths:
        extract_file(p)
    wall = time.perf_counter() - t0
    return {"jobs": 1, "documents": len(paths), "wall_s": round(wall, 2), "docs_per_s": round(len(paths) / wall, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=100)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        paths = make_corpus(corpus, args.repeat)
        results = {"machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
                              f"{__import__('os').cpu_count()} cores",
                   "repeat": args.repeat, "cli": [], "in_process": in_process(paths)}
        for jobs in args.jobs:
            results["cli"].append(cli_run(corpus, Path(tmp) / f"out{jobs}", jobs))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "extract.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
