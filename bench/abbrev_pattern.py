"""The quadratic pattern of issue #15, before and after: abbrev.py on one long token.

``expand_abbreviations`` protected tokens holding "/" with ``re.sub(r"\\S*/\\S*", ...)``, which
rescans a token without "/" from each of its characters; it now matches each token once
(``\\S+``) and tests for "/" in Python. Both are timed here on a task text holding one token of
N characters (best of 3), in process. Results: bench/results/abbrev_pattern.json.

    .venv/bin/python bench/abbrev_pattern.py
"""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from planlineage.extract.abbrev import expand_abbreviations

HERE = Path(__file__).resolve().parent
OLD = re.compile(r"\S*/\S*")


def best(fn, text: str) -> float:
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        fn(text)
        runs.append(time.perf_counter() - t0)
    return min(runs)


def main() -> None:
    rows = {}
    for n in (10_000, 20_000, 40_000, 850_000):
        text = "UBND tỉnh giao " + "a" * n + " thực hiện"
        rows[n] = {"new_expand_s": round(best(expand_abbreviations, text), 4)}
        if n <= 40_000:
            rows[n]["old_pattern_s"] = round(best(lambda t: OLD.sub("", t), text), 4)
        print(n, rows[n], flush=True)
    (HERE / "results" / "abbrev_pattern.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
