"""Questions after a killed build (issue #15): are they as fast as on a clean store?

100 documents (the five bundled plans, twenty copies each, as tests/test_ingest_safety.py) are
built once into a clean store; then a build into a second store is killed with SIGKILL at a
random moment, ten times. After each kill the three commands of the issue run through the CLI
(a new process each, start-up included): ``query units_leading_training``, ``findings`` and
``ask "which units lead training tasks"``, each followed by the same command on the clean store
(the ratio compares the two under the same load). The first command after a kill also completes the
store (derived graph, sealed union, kept answers: graph/store.py ``_complete_union``); it is
reported apart. Results: bench/results/kill_queries.json.

    .venv/bin/python bench/kill_queries.py [--kills 10]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXE = str(Path(sys.executable).with_name("planlineage"))
COMMANDS = {"query": ["query", "units_leading_training"], "findings": ["findings"],
            "ask": ["ask", "which units lead training tasks"]}


def _timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    res = subprocess.run([EXE, *args], capture_output=True, text=True)
    took = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(f"{args}: exit {res.returncode}: {res.stderr[-500:]}")
    return took


def _times(store: Path) -> dict:
    return {k: _timed([*cmd, "--store", str(store)]) for k, cmd in COMMANDS.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=10)
    args = ap.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        for i in range(20):
            for src in sorted((ROOT / "data").glob("*.txt")):
                text = src.read_text(encoding="utf-8").rstrip("\n")
                (docs / f"c{i:02d}_{src.name}").write_text(f"{text}\nBản lưu {10000 + i}\n", encoding="utf-8")
        clean = Path(tmp) / "clean"
        t0 = time.perf_counter()
        subprocess.run([EXE, "build", str(docs), "--store", str(clean), "--keep-both"], capture_output=True, check=True)
        build_s = time.perf_counter() - t0
        _times(clean)  # warm the page cache
        ref = [_times(clean) for _ in range(3)]
        reference = {k: statistics.median(r[k] for r in ref) for k in COMMANDS}
        kills = []
        for n in range(args.kills):
            store = Path(tmp) / f"killed{n}"
            proc = subprocess.Popen([EXE, "build", str(docs), "--store", str(store), "--keep-both"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            at = rng.uniform(0.3, build_s * 0.9)  # before the build ends
            time.sleep(at)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            if not store.exists():
                kills.append({"kill_at_s": round(at, 1), "store": "absent"})
                continue
            first = _timed([*COMMANDS["query"], "--store", str(store)])
            after = _times(store)
            now = _times(clean)  # the clean store again, under the same load
            kills.append({"kill_at_s": round(at, 1), "first_query_s": round(first, 2),
                          **{k: round(v, 2) for k, v in after.items()},
                          **{f"clean_{k}": round(v, 2) for k, v in now.items()},
                          "worst_ratio": round(max(after[k] / now[k] for k in COMMANDS), 2)})
            print(kills[-1], flush=True)
    out = {"documents": 100, "clean_build_s": round(build_s, 1),
           "clean_median_s": {k: round(v, 2) for k, v in reference.items()}, "kills": kills,
           "load_average": os.getloadavg()}
    (HERE / "results" / "kill_queries.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(out["clean_median_s"]), "clean build", out["clean_build_s"], "s")


if __name__ == "__main__":
    main()
