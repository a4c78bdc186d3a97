"""Each compiled regular expression of extract/ on adversarial strings (issue #15).

Every module-level pattern of ``planlineage.extract`` (also those inside module-level lists,
tuples and dicts, such as ``layout._MARKERS``) runs ``search``, ``match`` and ``findall`` over
one run of a single character class or a short repeated unit (letters, digits, spaces, "/", ".",
"-", "1.", "<!---->", ...) of 10,000 and of 100,000 characters, and its three slowest runs again
at 1,000,000. CPU time of this process, best of 3 (1 at 10^6). A linear pattern takes about 10x
longer for 10x the length, a quadratic one about 100x; a run whose time grew more than 50x (over
1 ms on the longer string), or whose 10,000 characters already take over 0.5 s (a quadratic
pattern would need minutes for 100,000), is listed under ``flagged``. ``worst`` holds, per
pattern, its slowest time at each length; tests/test_hard_inputs.py gives each pattern a budget
from these figures. ``search`` over a whole run is the worst case: most of these patterns are
used with ``match`` or on one line. Results: bench/results/regex_scaling.json.

    .venv/bin/python bench/regex_scaling.py
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import re
import time
from pathlib import Path

import planlineage.extract as extract

HERE = Path(__file__).resolve().parent
#: Repeated units: single classes, and the pairs and openings the patterns of extract/ start with.
ALPHABETS = ["a", "1", " ", "/", ".", "a/", "1.", "-", "ệ", "A", "a ", "1 ", ". ", "a.", "1/", "(", "x-", "\n", "\t",
             "Ủ", "I", "a1", "a,", "1-a", "<!---->", "<!--", "|", "*", "Số "]
SIZES = (10_000, 100_000, 1_000_000)
GROWTH = 50  # 10x the length: about 10x when linear (up to about 30x where the run outgrows the
#             CPU caches, as from 10^5 to 10^6), about 100x when quadratic


def _collect(name: str, value, out: list, depth: int = 0) -> None:
    if isinstance(value, re.Pattern):
        out.append((name, value))
    elif depth < 2 and isinstance(value, (list, tuple)):
        for i, x in enumerate(value):
            _collect(f"{name}[{i}]", x, out, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for k, x in value.items():
            _collect(f"{name}[{k!r}]", x, out, depth + 1)


def patterns() -> list[tuple[str, re.Pattern]]:
    """(module.NAME, pattern) of every compiled pattern held at module level in planlineage.extract."""
    out: list = []
    for m in pkgutil.iter_modules(extract.__path__):
        mod = importlib.import_module(f"planlineage.extract.{m.name}")
        for k, v in vars(mod).items():
            _collect(f"{m.name}.{k}", v, out)
    seen, unique = set(), []
    for name, p in out:  # a pattern imported into a second module (meta._NUMBER is header.NUMBER) is run once
        if id(p) not in seen:
            seen.add(id(p))
            unique.append((name, p))
    return unique


def run_of(p: re.Pattern, unit: str, n: int):
    """``unit`` repeated to ``n`` characters, as bytes for a bytes pattern."""
    s = (unit * (n // len(unit) + 1))[:n]
    return s.encode("utf-8") if isinstance(p.pattern, bytes) else s


def exercise(p: re.Pattern, s) -> None:
    p.search(s)
    p.match(s)
    p.findall(s)


def cost(p: re.Pattern, s, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        exercise(p, s)
        best = min(best, time.process_time() - t0)
    return best


def _flag(flagged: list, name: str, p: re.Pattern, a: str, n: int, t0: float | None, t: float) -> None:
    entry = {"pattern": name, "run_of": a, f"{n}_s": round(t, 5)}
    if t0 is not None:
        entry.update({f"{n // 10}_s": round(t0, 5), "growth": round(t / max(t0, 1e-6), 1)})
    flagged.append({**entry, "regex": str(p.pattern)[:160]})
    print(flagged[-1], flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--long", type=int, default=3, help="slowest runs of each pattern tried at 1,000,000")
    args = ap.parse_args()
    small, mid, big = SIZES
    found = patterns()
    flagged, worst = [], []
    started = time.time()
    for name, p in found:
        times = {}
        for a in ALPHABETS:
            t1 = cost(p, run_of(p, a, small))
            if t1 > 0.5:
                _flag(flagged, name, p, a, small, None, t1)  # a quadratic pattern would need minutes at 10^5
                continue
            t2 = cost(p, run_of(p, a, mid))
            if t2 > 0.001 and t2 / max(t1, 1e-6) > GROWTH:
                _flag(flagged, name, p, a, mid, t1, t2)
                continue
            times[a] = (t1, t2)
        longest = {}
        for a in sorted(times, key=lambda a: -times[a][1])[:args.long]:
            t3 = cost(p, run_of(p, a, big), repeat=1)
            if t3 > 0.01 and t3 / max(times[a][1], 1e-6) > GROWTH:
                _flag(flagged, name, p, a, big, times[a][1], t3)
            longest[a] = t3
        top = max(times, key=lambda a: times[a][1]) if times else None
        worst.append({"pattern": name, f"{small}_s": round(max((t[0] for t in times.values()), default=0), 5),
                      f"{mid}_s": round(times[top][1], 5) if top else None, f"run_of_at_{mid}": top,
                      f"{big}_s": round(max(longest.values()), 5) if longest else None})
    worst.sort(key=lambda w: -(w[f"{mid}_s"] or 0))
    out = {"patterns": len(found), "sizes": list(SIZES), "alphabets": ALPHABETS, "growth_limit": GROWTH,
           "flagged": flagged, "seconds": round(time.time() - started, 1),
           "load_average": [round(x, 2) for x in os.getloadavg()], "worst": worst}
    (HERE / "results" / "regex_scaling.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n",
                                                         encoding="utf-8")
    print(f"{len(found)} patterns, {len(flagged)} flagged; slowest at {mid:,}: "
          + ", ".join(f"{w['pattern']} {w[f'{mid}_s']:.4f} s" for w in worst[:5]))


if __name__ == "__main__":
    main()
