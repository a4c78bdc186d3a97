"""`planlineage report` time and peak memory at 1%, 10% and 100% of the nationwide corpus (issue #15).

For each size the corpus of bench/generate.py is written and built with `planlineage build
--jobs 2` (the builders of bench/harness.py), unless ``--work`` already holds that size's store
(``<work>/<size>/store``, kept between runs: the 100% build takes minutes). Then
`planlineage report -o SITE --lang vi [--jobs N]` runs in a new process, ``--runs`` times: wall seconds, CPU
seconds (user + system of the process, steadier than wall on a shared machine), peak RSS
(``wait4``), files and megabytes written. The load average of the machine is recorded before and
after each run. ``--code DIR`` runs the report of another checkout (a folder holding a
``planlineage`` package, e.g. ``git archive`` of an older commit) for before/after figures, with
``--timeout`` seconds at most per run (a run stopped there is recorded as such).

    python bench/report.py --sizes 1pct 10pct 100pct --work /tmp/plreport --out bench/results/report.json
    python bench/report.py --sizes 1pct 10pct 100pct --jobs 2 --label after-jobs2
    python bench/report.py --sizes 1pct --code /tmp/before --label before --timeout 900
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import harness  # noqa: E402


def _store(work: Path, size: str) -> tuple[Path, int, dict | None]:
    """The store of one size, built when missing. RETURNS (store path, documents, build figures or None)."""
    communes, provinces = harness.SIZES[size]
    corpus, store = work / size / "corpus", work / size / "store"
    if store.is_dir() and (store / "CURRENT").exists() and corpus.is_dir():
        return store, len(list(corpus.glob("*.txt"))), None
    shutil.rmtree(corpus, ignore_errors=True)
    paths = generate.write_corpus(corpus, communes, provinces)
    built = harness.build(corpus, store, 2)
    if built["exit"] != 0:
        raise SystemExit(f"{size}: build failed: {built['message']}")
    return store, len(paths), built


def run_report(store: Path, site: Path, code: Path | None, timeout: float, jobs: int = 1) -> dict:
    """One `planlineage report` in a new process. RETURNS (dict): wall, CPU, peak RSS, exit, output size."""
    shutil.rmtree(site, ignore_errors=True)
    env = dict(os.environ)
    cmd = [str(harness.EXE), "report", "-o", str(site), "--lang", "vi", "--store", str(store)]
    if jobs > 1:
        cmd += ["--jobs", str(jobs)]
    if code is not None:
        env["PYTHONPATH"] = str(code)
        cmd = [sys.executable, "-m", "planlineage.cli", *cmd[1:]]
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    stopped = False
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            stopped = True
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace")
    files = [p for p in site.rglob("*") if p.is_file()] if site.exists() else []
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "exit": os.waitstatus_to_exitcode(status),
            "stopped_at_timeout_s": timeout if stopped else None,
            "pages": sum(1 for p in files if p.suffix == ".html"),
            "site_mb": round(sum(p.stat().st_size for p in files) / 1e6, 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "stderr_tail": err.strip().splitlines()[-1:] if err.strip() else []}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=list(harness.SIZES), choices=list(harness.SIZES))
    ap.add_argument("--work", type=Path, default=Path("/tmp/plreport"), help="stores kept here between runs")
    ap.add_argument("--runs", type=int, default=1, help="report runs per size")
    ap.add_argument("--jobs", type=int, default=1, help="report --jobs (processes drawing the pages)")
    ap.add_argument("--code", type=Path, help="folder holding another planlineage package to time instead")
    ap.add_argument("--label", default="after", help="key of these figures in the results file")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds at most per report run")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "report.json")
    args = ap.parse_args(argv)
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results["machine"] = harness.machine()
    for size in args.sizes:
        store, n, built = _store(args.work, size)
        runs = [run_report(store, args.work / size / f"site-{args.label}", args.code, args.timeout, args.jobs)
                for _ in range(args.runs)]
        entry = {"documents": n, "jobs": args.jobs, "runs": runs,
                 "median_wall_s": sorted(r["wall_s"] for r in runs)[len(runs) // 2],
                 "median_cpu_s": sorted(r["cpu_s"] for r in runs)[len(runs) // 2],
                 "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        if built:
            entry["build"] = built
        results.setdefault(args.label, {})[size] = entry
        print(f"[{args.label} {size}] {n} documents: {json.dumps(runs)}", file=sys.stderr)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
