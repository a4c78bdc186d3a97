"""Extraction cost of adversarial inputs: time, peak memory, exit code and error line.

Each input is generated into a temporary folder from a bundled plan and read with
``planlineage extract FILE`` in a new process (start-up included):

* ``token-N-C``: a task of data/004 with one run of N characters C and no space (issue #15:
  850,000 characters kept ``build`` busy for over 15 minutes);
* ``words-N``: the same task with N characters of two-letter words;
* ``bullets-100000``: a plan with 100,000 one-word bullets;
* ``docx-xml-190MB``: a .docx of under 1 MB holding 190 MB of XML;
* ``docx-lying``: a .docx whose ZIP directory declares a small document.xml that unpacks to 190 MB.

    .venv/bin/python bench/adversarial.py            # writes bench/results/adversarial.json
    .venv/bin/python bench/adversarial.py --quick    # the small sizes only
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PLAN = ROOT / "data" / "004_5c5cafd7972287fb.txt"
EXE = Path(sys.executable).with_name("planlineage")
TASK_LINE = "- Cụ thể hóa các chủ trương, chính sách trung ương, tỉnh, áp dụng phù hợp với điều kiện phường."


def long_token(n: int, char: str = "a") -> str:
    text = PLAN.read_text(encoding="utf-8")
    assert TASK_LINE in text
    return text.replace(TASK_LINE, TASK_LINE[:-1] + " " + char * (n // len(char)) + ".", 1)


def many_words(n: int) -> str:
    text = PLAN.read_text(encoding="utf-8")
    return text.replace(TASK_LINE, TASK_LINE[:-1] + " " + "ab " * (n // 3) + ".", 1)


def bullets(n: int) -> str:
    head = PLAN.read_text(encoding="utf-8").split("\n")[:12]
    return "\n".join(head + ["- Họp"] * n) + "\n"


def docx_bytes(xml_mb: int, lie: bool = False) -> bytes:
    """A Word file whose document.xml is ``xml_mb`` MB of paragraphs (deflated to well under 1 MB)."""
    import io

    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    para = "<w:p><w:r><w:t>Việc</w:t></w:r></w:p>"
    head, tail = src.read("word/document.xml").decode("utf-8").split("<w:body>")
    body = para * (xml_mb * 2 ** 20 // len(para.encode()))
    xml = (head + "<w:body>" + body + tail).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info, src.read(info))
        z.writestr("word/document.xml", xml)
    data = out.getvalue()
    if lie:
        # Rewrite the declared uncompressed size of document.xml (local header and central directory).
        data = bytearray(data)
        real = len(xml).to_bytes(4, "little")
        small = (1000).to_bytes(4, "little")
        data = bytes(data).replace(real, small)
    return data


def cases(quick: bool):
    sizes = [10_000, 40_000] if quick else [10_000, 40_000, 160_000, 850_000]
    for n in sizes:
        yield f"token-{n}-a", "txt", lambda n=n: long_token(n)
    for char in ("1", "/", ".", "-", "ệ", "a/"):
        n = 40_000 if quick else 160_000
        yield f"token-{n}-{char}", "txt", lambda n=n, c=char: long_token(n, c)
    yield f"words-{sizes[-1]}", "txt", lambda: many_words(sizes[-1])
    yield "bullets-100000", "txt", lambda: bullets(100_000)
    if not quick:
        yield "docx-xml-190MB", "docx", lambda: docx_bytes(190)
        yield "docx-lying", "docx", lambda: docx_bytes(190, lie=True)


def run(path: Path) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(EXE), "extract", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    return {"seconds": round(time.perf_counter() - t0, 2), "exit": os.waitstatus_to_exitcode(status),
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "stderr_lines": len(err.splitlines()),
            "first_line": (err.splitlines() or [""])[0][:200]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--make", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "adversarial.json")
    args = ap.parse_args()
    if args.make:
        name, target = args.make
        content = dict((n, m) for n, _, m in cases(False))[name]()
        if isinstance(content, str):
            Path(target).write_text(content, encoding="utf-8")
        else:
            Path(target).write_bytes(content)
        return
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, ext, make in cases(args.quick):
            path = Path(tmp) / f"{name.replace('/', 'slash')}.{ext}"
            # Made in another process: a child forked from a bench holding 190 MB of XML would count it.
            subprocess.run([sys.executable, __file__, "--make", name, str(path)], check=True)
            rows[name] = {"file_bytes": path.stat().st_size, **run(path)}
            print(name, rows[name], flush=True)
            path.unlink()
    result = {"machine": f"{platform.machine()} {os.cpu_count()} cores, CPython {platform.python_version()}",
              "load_average": os.getloadavg(), "cases": rows}
    if not args.quick:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
