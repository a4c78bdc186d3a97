"""`build` and the three named queries of bench/run on the embedded store, oxigraph server and Virtuoso.

    python bench/servers.py [--size 10pct] [--runs 7] [--work /tmp/plbench-servers]

Generates the nationwide corpus at one size of bench/harness.py (the same generator and seed), then
for each store: `planlineage build` of the whole folder in a new process (wall time; for the two
servers over SPARQL 1.1 Update on loopback, Virtuoso with the writer's account), then the named
queries of bench/run (units_leading_topic, plans_by_level, unit_workload) in this process with the
parameters bench/run draws, the first run discarded, median and p95 of the others. The embedded
store answers from its kept answers where the build kept them (as users get it); a server answers
live. Results in bench/results/servers.json with the ratio to the embedded store.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
import harness  # noqa: E402

EXE = Path(sys.executable).with_name("planlineage")


def _build(corpus: Path, where: list[str], env: dict | None = None) -> dict:
    wall, code, rss, err = harness._run([str(EXE), "build", str(corpus), *where], env={**os.environ, **(env or {})})
    last = [line for line in err.replace("\r", "\n").splitlines() if "triples in" in line]
    if code != 0:
        raise SystemExit(f"bench/servers.py: build {' '.join(where)} failed (exit {code}): {err.strip()[-500:]}")
    return {"wall_s": round(wall, 2), "exit": code, "peak_rss_mb": rss, "message": last[-1] if last else err[-300:]}


def _queries(store, targets: dict, runs: int) -> dict:
    from planlineage.queries.engine import run_query

    out = {}
    for name in harness.NAMED:
        params = targets["named"][name]
        run_query(store, name, params[0])  # warm-up, not counted
        times, rows = [], []
        for p in params[:runs]:
            t0 = time.perf_counter()
            res = run_query(store, name, p)
            times.append((time.perf_counter() - t0) * 1000)
            rows.append(len(res.rows))
        times.sort()
        out[name] = {"median_ms": round(statistics.median(times), 1),
                     "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 1),
                     "mean_rows": round(statistics.mean(rows), 1)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="10pct", choices=sorted(harness.SIZES))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path("/tmp/plbench-servers"))
    args = ap.parse_args(argv)

    from planlineage.graph.store import open_store
    from planlineage.graph.virtuoso import Accounts, running, wait_ready
    from planlineage.queries.serve import free_port

    communes, provinces = harness.SIZES[args.size]
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "corpus"
    paths = generate.write_corpus(corpus, communes, provinces)
    res = {"size": args.size, "documents": len(paths), "machine": harness.machine(),
           "load_average_start": os.getloadavg()[0], "stores": {}}
    print(f"{len(paths)} documents generated", file=sys.stderr)

    store_dir = work / "embedded"
    res["stores"]["embedded"] = {"build": _build(corpus, ["--store", str(store_dir)])}
    with open_store(store_dir, read_only=True) as store:
        targets = harness._targets(store, random.Random(args.size), args.runs + 1)
        res["stores"]["embedded"]["queries"] = _queries(store, targets, args.runs)
    print("embedded", res["stores"]["embedded"], file=sys.stderr)

    exe = Path(sys.executable).with_name("oxigraph")
    port = free_port()
    ox = subprocess.Popen([str(exe if exe.exists() else "oxigraph"), "serve", "--location", str(work / "ox"),
                           "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/query"
        wait_ready(url, ox)
        res["stores"]["oxigraph server"] = {"build": _build(corpus, ["--endpoint", url])}
        res["stores"]["oxigraph server"]["queries"] = _queries(open_store(endpoint=url), targets, args.runs)
    finally:
        ox.terminate()
        ox.wait()
    print("oxigraph", res["stores"]["oxigraph server"], file=sys.stderr)

    acc = Accounts(writer_password="bench-writer", analyst_password="bench-analyst", dba_password="bench-dba")
    with running(work / "virtuoso", free_port(), free_port(), acc, timeout_s=600) as inst:
        env = {"PLANLINEAGE_USER": acc.writer, "PLANLINEAGE_PASSWORD": acc.writer_password}
        res["stores"]["virtuoso"] = {"build": _build(corpus, ["--endpoint", inst.auth_endpoint], env)}
        res["stores"]["virtuoso"]["queries"] = _queries(open_store(endpoint=inst.endpoint), targets, args.runs)
    print("virtuoso", res["stores"]["virtuoso"], file=sys.stderr)

    base = res["stores"]["embedded"]
    for name, s in res["stores"].items():
        s["build"]["ratio"] = round(s["build"]["wall_s"] / base["build"]["wall_s"], 2)
        for q, v in s["queries"].items():
            v["ratio"] = round(v["median_ms"] / max(base["queries"][q]["median_ms"], 0.1), 1)
    res["load_average_end"] = os.getloadavg()[0]
    out = HERE / "results" / "servers.json"
    out.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(res, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
