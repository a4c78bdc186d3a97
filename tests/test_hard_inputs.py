"""Hard inputs (issue #15): every reader bounded, one error line, the store unchanged.

Each test builds its own input in a temporary folder from a bundled plan and runs the
real `planlineage` command line (click's CliRunner) on a real store. How long these inputs
take is measured in bench/adversarial.py, not asserted here.
"""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.extract import limits
from planlineage.extract.abbrev import expand_abbreviations
from planlineage.extract.errors import ExtractionError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from adversarial import docx_bytes  # noqa: E402  the adversarial inputs bench/ measures, built once
from planlineage.extract.record import extract_file, extract_text
from planlineage.graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "004_5c5cafd7972287fb.txt"
TASK_LINE = "- Cụ thể hóa các chủ trương, chính sách trung ương, tỉnh, áp dụng phù hợp với điều kiện phường."


def _build(tmp_path: Path, *files: Path):
    store = tmp_path / "store"
    res = CliRunner().invoke(cli, ["build", *map(str, files), "--store", str(store)])
    return res, store


def _errors(res) -> list[str]:
    return [line for line in res.stderr.splitlines() if line.startswith("Error:")]


def _sources(store: Path) -> list[str]:
    with open_store(store, read_only=True) as s:
        return s.sources()


def test_a_token_of_850000_characters_in_a_task_is_read(tmp_path):
    # The "\S*/\S*" pattern of abbrev.py rescanned such a token from each character (> 15 min).
    text = PLAN.read_text(encoding="utf-8")
    long = text.replace(TASK_LINE, TASK_LINE[:-1] + " " + "a" * 850_000 + ".", 1)
    path = tmp_path / "long.txt"
    path.write_text(long, encoding="utf-8")
    plain = extract_text(text, "plain.txt")
    record = extract_file(path)
    assert len(record["tasks"]) == len(plain["tasks"])
    assert any("a" * 1000 in t["text"] for t in record["tasks"])


def test_abbreviations_still_spare_document_symbols_next_to_long_tokens():
    token = "x" * 100_000
    assert expand_abbreviations(f"UBND {token} 38-CT/TW UBND") == f"Ủy ban nhân dân {token} 38-CT/TW Ủy ban nhân dân"


def test_the_time_limit_stops_a_document_with_one_line():
    text = PLAN.read_text(encoding="utf-8") * 30
    with pytest.raises(ExtractionError) as e:
        with limits.time_limit("slow.txt", 0.05):
            extract_text(text, "slow.txt")
    assert str(e.value).startswith("slow.txt: took over 0.05 s to read")


def test_a_small_docx_with_too_much_xml_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(docx_bytes(40))
    assert bomb.stat().st_size < 1_000_000
    res, store = _build(tmp_path, bomb, PLAN)
    assert res.exit_code == 1
    assert _errors(res) == [f"Error: {bomb}: holds word/document.xml of over 25 MB of XML, "
                            "over the limit for one plan; not a plan"]
    assert "1 of 2 documents loaded" in res.stderr
    assert PLAN.name in _sources(store) and "bomb.docx" not in _sources(store)


def test_a_docx_that_lies_about_its_size_is_refused(tmp_path):
    data = bytearray(docx_bytes(30))
    z = zipfile.ZipFile(io.BytesIO(bytes(data)))
    real = z.getinfo("word/document.xml").file_size.to_bytes(4, "little")
    liar = tmp_path / "liar.docx"
    liar.write_bytes(bytes(data).replace(real, (1000).to_bytes(4, "little")))
    res, store = _build(tmp_path, liar)
    assert res.exit_code == 1
    assert len(_errors(res)) == 1 and _errors(res)[0].startswith(f"Error: {liar}: is a damaged ZIP/Word file")


def test_100000_bullets_are_refused_with_one_line(tmp_path):
    head = PLAN.read_text(encoding="utf-8").split("\n")[:12]
    path = tmp_path / "bullets.txt"
    path.write_text("\n".join(head + ["- Họp"] * 100_000) + "\n", encoding="utf-8")
    res, store = _build(tmp_path, path, PLAN)
    assert res.exit_code == 1
    assert len(_errors(res)) == 1
    assert _errors(res)[0].startswith(f"Error: {path}: holds 100,0")
    assert "lines of text, over the 40,000 limit for one plan; split it" in _errors(res)[0]
    assert PLAN.name in _sources(store)


def _many_tasks(groups: int, per_group: int) -> str:
    head = PLAN.read_text(encoding="utf-8").split("\n")[:5]
    body = ["II. NHIỆM VỤ VÀ GIẢI PHÁP", ""]
    for i in range(1, groups + 1):
        body.append(f"{i}. Nhóm nhiệm vụ {i}")
        for j in range(1, per_group + 1):
            body += [f"{i}.{j}. Tổ chức tập huấn về tiêu chuẩn đợt {j}",
                     "- Cơ quan chủ trì thực hiện: Phòng Văn hoá – Xã hội phường."]
    return "\n".join(head + [""] + body) + "\n"


def test_a_plan_over_the_task_limit_is_refused_before_its_graph(tmp_path):
    path = tmp_path / "many.txt"
    path.write_text(_many_tasks(60, 90), encoding="utf-8")
    res, store = _build(tmp_path, path)
    assert res.exit_code == 1
    assert _errors(res) == [f"Error: {path}: holds 5,400 tasks, over the 5,000 limit for one plan; split it"]
    assert "0 of 1 documents loaded" in res.stderr


def test_the_task_count_grows_with_the_plan_not_faster(tmp_path):
    # Size scaling checked by a count: ten times the groups, ten times the tasks.
    small = extract_text(_many_tasks(6, 20), "small.txt")
    big = extract_text(_many_tasks(60, 20), "big.txt")
    assert len(small["tasks"]) == 120 and len(big["tasks"]) == 1200


#: The patterns bench/regex_scaling.py found quadratic before they were rewritten (issue #15).
WERE_QUADRATIC = ["header.NUMBER", "header._PLACE_DATE", "header._NUMBER_VALUE", "meta._CAPTION", "targets._RATE_UNIT",
                  "units._DASH", "units._PAREN", "layout._PIPE_SEP", "blocktables._VALUE", "references._ITEM_START",
                  "references._NOTE_START", "htmlpage._HTML_START", "meta._SIGNATURE"]

_RUN_PATTERNS = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from regex_scaling import ALPHABETS, exercise, patterns, run_of
for name, p in patterns():
    print("start", name, flush=True)
    t = time.process_time()
    for a in ALPHABETS:
        exercise(p, run_of(p, a, 100_000))
    print("done", name, time.process_time() - t, flush=True)
"""


def test_every_pattern_of_extract_stays_within_its_benchmark_budget_on_long_runs():
    """Every compiled module-level pattern of planlineage.extract (bench/regex_scaling.py finds them,
    lists and tuples of patterns included) runs search, match and findall over each adversarial run
    of 100,000 characters, in a process of its own.

    The bound is not a wall-clock limit chosen here: each pattern gets 20 times the CPU time
    bench/regex_scaling.py measured for it (its slowest run at 10^5 characters, times the number of
    runs; at least 1 s, also for a pattern the benchmark has not seen), counted as CPU time of
    that process, which the load of the machine does not inflate. A linear pattern uses a few
    percent of its budget; a quadratic one about 100 times its 10^4 figure: the old
    ``units._PAREN``, one of the cheapest of the 14 the benchmark found quadratic, took 18.7 s of
    CPU on one run of 10^5 spaces (it has three such runs: spaces, newlines, tabs) against a budget
    of about 4 s, the others up to minutes, so each of them fails here (or hits the overall
    timeout, which names the pattern that was running).
    """
    import json
    import subprocess

    bench = ROOT / "bench"
    measured = json.loads((bench / "results" / "regex_scaling.json").read_text(encoding="utf-8"))
    sys.path.insert(0, str(bench))
    from regex_scaling import ALPHABETS

    budget = {w["pattern"]: max(1.0, 20 * (w["100000_s"] or 0) * len(ALPHABETS)) for w in measured["worst"]}
    assert not measured["flagged"], measured["flagged"]  # the benchmark itself found nothing quadratic
    proc = subprocess.Popen([sys.executable, "-c", _RUN_PATTERNS, str(bench)], stdout=subprocess.PIPE, text=True)
    try:
        out, _ = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        running = [line.split()[1] for line in out.splitlines() if line.startswith("start")][-1:]
        pytest.fail(f"pattern {running} still running after 600 s on runs of 100,000 characters")
    assert proc.returncode == 0
    done = {line.split()[1]: float(line.split()[2]) for line in out.splitlines() if line.startswith("done")}
    assert set(WERE_QUADRATIC) <= set(done)
    over = {name: (round(cpu, 3), round(budget.get(name, 1.0), 3)) for name, cpu in done.items()
            if cpu > budget.get(name, 1.0)}
    assert not over, f"CPU seconds over the budget from bench/results/regex_scaling.json: {over}"
