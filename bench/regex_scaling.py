"""Each compiled regular expression of extract/ on adversarial strings (issue #15).

Every module-level pattern of ``planlineage.extract`` (and those in module-level lists) runs
``search`` and ``findall`` over one run of a single character class (letters, digits, spaces,
"/", ".", "-", ...) of 2,000 and of 8,000 characters. A linear pattern takes about 4x longer on
the longer string, a quadratic one about 16x; patterns whose time grew more than 7x (and took
over 0.5 ms on the short string) are listed. ``search`` over a whole run is the worst case: most
of these patterns are used with ``match`` or on one line, where normalisation has already
collapsed runs of spaces; the end-to-end figures are in bench/results/adversarial.json.
Results: bench/results/regex_scaling.json.

    .venv/bin/python bench/regex_scaling.py
"""
from __future__ import annotations

import importlib
import json
import pkgutil
import re
import time
from pathlib import Path

import planlineage.extract as extract

HERE = Path(__file__).resolve().parent
ALPHABETS = ["a", "1", " ", "/", ".", "a/", "1.", "-", "ệ", "A", "a ", "1 ", ". ", "a.", "1/", "(", "x-", "\n", "\t", "Ủ"]


def patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for m in pkgutil.iter_modules(extract.__path__):
        mod = importlib.import_module(f"planlineage.extract.{m.name}")
        for k, v in vars(mod).items():
            if isinstance(v, re.Pattern):
                out.append((f"{m.name}.{k}", v))
            elif isinstance(v, (list, tuple)):
                out += [(f"{m.name}.{k}[{i}]", x) for i, x in enumerate(v) if isinstance(x, re.Pattern)]
    return out


def cost(p: re.Pattern, s: str) -> float:
    if isinstance(p.pattern, bytes):
        s = s.encode("utf-8")
    t0 = time.perf_counter()
    p.search(s)
    p.findall(s)
    return time.perf_counter() - t0


def main() -> None:
    found = patterns()
    flagged = []
    for name, p in found:
        for a in ALPHABETS:
            t1 = cost(p, a * (2000 // len(a)))
            if t1 < 0.0005:
                continue
            t2 = cost(p, a * (8000 // len(a)))
            if t2 / t1 > 7:
                flagged.append({"pattern": name, "run_of": a, "2000_s": round(t1, 4), "8000_s": round(t2, 4),
                                "growth": round(t2 / t1, 1), "regex": str(p.pattern)[:160]})
                print(flagged[-1], flush=True)
    out = {"patterns": len(found), "flagged": flagged}
    (HERE / "results" / "regex_scaling.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n",
                                                         encoding="utf-8")


if __name__ == "__main__":
    main()
