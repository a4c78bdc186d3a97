"""Load test of `planlineage serve` (issue #13), loopback only, bounded in time and count.

50 clients send light queries (a plan's lineage step, a unit's label, ASK) for ``--seconds``
while one client loops a slow query (a cross product with ORDER BY) that the server's time limit
must stop. Reports, for the light clients: requests/s, p50/p95/p99 latency, errors; for the slow
client: how its queries ended and after how long; the machine's load average. ``--repeat`` runs
(3 by default), each against a fresh server. Writes bench/results/load.json.

    .venv/bin/python bench/load.py --seconds 20 --clients 50 --timeout 2
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLANLINEAGE = str(Path(sys.executable).parent / "planlineage")
LIGHT = [
    "ASK { ?s a <http://data.europa.eu/eli/ontology#LegalResource> }",
    "SELECT ?p WHERE { ?d <https://w3id.org/planlineage/ontology#sourceFile> \"004_5c5cafd7972287fb.txt\" ; "
    "<http://data.europa.eu/eli/ontology#ensures_implementation_of> ?p }",
    "SELECT ?l WHERE { ?u <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } LIMIT 5",
]
SLOW = "SELECT ?a ?b ?c WHERE { ?a ?p ?o . ?b ?q ?r . ?c ?x ?y } ORDER BY ?o ?r ?y LIMIT 10"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask(url: str, query: str, timeout: float) -> tuple[int, float]:
    started = time.perf_counter()
    req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}),
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as e:
        e.read()
        status = e.code
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _run(args, store: Path) -> dict:
    """One run: a fresh `planlineage serve` over ``store``, the clients for ``args.seconds``."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/query"
    server = subprocess.Popen([PLANLINEAGE, "serve", "--store", str(store), "--port", str(port),
                               "--timeout", str(args.timeout), "--workers", str(args.workers), *args.serve_arg],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while _ask(url, "ASK {}", 2)[0] != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                sys.exit("serve did not start")
            time.sleep(0.1)
        light: list[tuple[int, float]] = []
        slow: list[tuple[int, float]] = []
        stop = time.monotonic() + args.seconds
        lock = threading.Lock()

        def light_client(i: int) -> None:
            n = i
            while time.monotonic() < stop:
                r = _ask(url, LIGHT[n % len(LIGHT)], 30)
                n += 1
                with lock:
                    light.append(r)

        def slow_client() -> None:
            while time.monotonic() < stop:
                r = _ask(url, SLOW, args.timeout * 10 + 10)
                with lock:
                    slow.append(r)

        threads = [threading.Thread(target=light_client, args=(i,)) for i in range(args.clients)]
        threads += [threading.Thread(target=slow_client) for _ in range(args.slow_clients)]
        load_before = os.getloadavg()
        began = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - began
        load_after = os.getloadavg()
    finally:
        server.terminate()
        server.wait(20)

    ok = [d for s, d in light if s == 200]
    errors = len(light) - len(ok)
    return {
        "seconds": round(took, 1), "clients": args.clients, "server_timeout_s": args.timeout,
        "serve_args": args.serve_arg,
        # 1-minute load average of the machine when the clients started and when they stopped.
        "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
        # Latency percentiles of the answered (200) requests.
        "light": {"requests": len(light), "requests_per_s": round(len(light) / took, 1),
                  "errors": errors, "error_rate": round(errors / max(1, len(light)), 4),
                  "p50_ms": round(1000 * _pct(ok, 0.5), 1), "p95_ms": round(1000 * _pct(ok, 0.95), 1),
                  "p99_ms": round(1000 * _pct(ok, 0.99), 1),
                  "statuses": {str(s): sum(1 for x, _ in light if x == s) for s in sorted({x for x, _ in light})}},
        "slow": {"queries": len(slow), "statuses": {str(s): sum(1 for x, _ in slow if x == s)
                                                    for s in sorted({x for x, _ in slow})},
                 "median_s": round(statistics.median([d for _, d in slow]), 2) if slow else None,
                 "max_s": round(max(d for _, d in slow), 2) if slow else None},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=2, help="the server's query time limit (serve --timeout)")
    ap.add_argument("--workers", type=int, default=64, help="serve --workers")
    ap.add_argument("--slow-clients", type=int, default=1, help="clients looping the slow query (0: none)")
    ap.add_argument("--serve-arg", action="append", default=[], help="one more argument for serve (repeatable)")
    ap.add_argument("--repeat", type=int, default=3, help="runs, each with a fresh serve")
    ap.add_argument("--label", default="runs", help="key of these runs in --out (other keys there are kept)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="pl-load-"))
    try:
        store = tmp / "store"
        subprocess.run([PLANLINEAGE, "build", "--store", str(store)], check=True, capture_output=True)
        runs = []
        for _ in range(args.repeat):
            runs.append(_run(args, store))
            print(json.dumps(runs[-1]), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    kept = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    if not all(isinstance(v, list) for v in kept.values()):  # the one-run file of before
        kept = {}
    kept[args.label] = runs
    args.out.write_text(json.dumps(kept, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
