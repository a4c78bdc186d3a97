"""The extract and eval commands: records, bad input, scores against gold, packaging."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import planlineage
from planlineage.cli import cli

ROOT = Path(planlineage.__file__).resolve().parent
DATA = ROOT / "data"
SCHEMA = json.loads((ROOT / "extract" / "schema" / "extraction.schema.json").read_text(encoding="utf-8"))
GOLD = ROOT.parent / "shared" / "gold"
DOCS = sorted(DATA.glob("*.txt"))


def test_bundled_corpus_has_the_five_plans():
    assert len(DOCS) == 5


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_extract_record_is_schema_valid(doc):
    result = CliRunner().invoke(cli, ["extract", str(doc)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    jsonschema.validate(record, SCHEMA)
    assert record["source"] == doc.name
    assert record["tasks"], "every bundled plan has tasks"
    assert record["warnings"] == [] and "Warning:" not in result.stderr
    for task in record["tasks"]:
        first, last = task["lines"]
        assert 1 <= first <= last <= len(doc.read_text(encoding="utf-8").splitlines()) + 1
    for ref in record["references"]:
        assert ref["lines"][0] >= 1


def test_extract_many_writes_one_file_per_document(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(DATA), "-o", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(d.stem + ".json" for d in DOCS)


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\n", "is empty"),
        ("binary.txt", b"\x00\x01\x02PK" * 100, "is a binary file, not plain text"),
        ("latin.txt", b"K\xea\xe1 ho\xe1ch", "is not UTF-8 text"),
        ("recipe.txt", "Nấu cơm: vo gạo, đổ nước, bật nồi.\n".encode(), "is not a plan"),
    ],
)
def test_extract_bad_input_gets_one_line_error_and_others_still_extracted(tmp_path, name, content, reason):
    bad = tmp_path / name
    bad.write_bytes(content)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", str(bad), str(DOCS[-1]), "-o", str(out)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"Error: {bad}: {reason}")
    assert (out / (DOCS[-1].stem + ".json")).exists()
    assert not (out / (bad.stem + ".json")).exists()


def test_extract_several_documents_without_output_dir_is_a_usage_error():
    result = CliRunner().invoke(cli, ["extract", str(DOCS[0]), str(DOCS[1])])
    assert result.exit_code == 2
    assert "give -o DIR" in result.output


def test_extract_tasks_section_without_a_task_warns_issue_11(tmp_path):
    """Issue #11 part 6, no silent zero: a tasks section in which no task is recognised gives a
    warning in the record and on stderr, not a quiet empty list."""
    plan = tmp_path / "khong-nhiem-vu.txt"
    plan.write_text("ỦY BAN NHÂN DÂN XÃ AN BÌNH\nKẾ HOẠCH\n"
                    "Triển khai thực hiện Quyết định số 1703/QĐ-TTg ngày 31/12/2024 của Thủ tướng Chính phủ\n\n"
                    "I. MỤC ĐÍCH, YÊU CẦU\nNâng cao nhận thức về tiêu chuẩn, đo lường, chất lượng.\n\n"
                    "II. NHIỆM VỤ VÀ GIẢI PHÁP\nThực hiện theo các nội dung tại Quyết định số 1703/QĐ-TTg, phù hợp với "
                    "tình hình thực tế của địa phương.\n\n"
                    "III. TỔ CHỨC THỰC HIỆN\nCác cơ quan, đơn vị triển khai thực hiện Kế hoạch này.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(plan)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    jsonschema.validate(record, SCHEMA)
    warning = 'lines 8-10: no task recognised in the tasks section "II. NHIỆM VỤ VÀ GIẢI PHÁP"'
    assert record["tasks"] == [] and record["warnings"] == [warning]
    assert result.stderr == f"Warning: {plan}: {warning}\n"


# The figures issue #2 asks for on the bundled corpus.
THRESHOLDS = {
    "tasks": 0.95, "lead": 0.95, "cooperate": 0.90, "targets": 0.90,
    "references": 0.95, "lineage": 0.90,
}
ACCURACY = {"theme": 0.95, "end": 0.90}


@pytest.mark.skipif(not GOLD.is_dir(), reason="needs ../shared/gold beside the repository")
def test_eval_on_bundled_corpus_meets_issue_thresholds():
    result = CliRunner().invoke(cli, ["eval", str(GOLD), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)["summary"]
    low = {k: summary[k]["f1"] for k, v in THRESHOLDS.items() if summary[k]["f1"] < v}
    low.update({k: summary[k] for k, v in ACCURACY.items() if summary[k] < v})
    assert not low, f"below the issue's thresholds: {low}"


def test_eval_scores_gold_against_itself_as_perfect(tmp_path):
    if not GOLD.is_dir():
        pytest.skip("needs ../shared/gold")
    result = CliRunner().invoke(cli, ["eval", str(GOLD), str(GOLD), "--format", "json"])
    summary = json.loads(result.output)["summary"]
    assert all(v["f1"] == 1.0 for k, v in summary.items() if isinstance(v, dict))
    assert all(v == 1.0 for k, v in summary.items() if isinstance(v, float))


def test_eval_counts_units_of_tasks_not_found_as_missed_issue_11(tmp_path):
    """Issue #11 part 7: with no task found, lead, cooperate and targets score 0, not 1."""
    if not GOLD.is_dir():
        pytest.skip("needs ../shared/gold")
    empty = tmp_path / "pred"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["eval", str(GOLD), str(empty), "--format", "json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for field in ("tasks", "lead", "cooperate", "targets"):
        assert out["summary"][field]["r"] == 0.0 and out["summary"][field]["f1"] == 0.0, field
    assert [d["recall"] for d in out["documents"]] == [0.0] * len(out["documents"]) != []
    # Each missing prediction is said, not silently scored.
    assert result.stderr.count("no prediction;") == len(out["documents"])


def test_eval_scores_a_refused_document_as_nothing_found_and_says_so(tmp_path):
    """eval extracts as `extract` does; a document it refuses is scored empty, with a warning."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "corpus" / "recipe.txt").write_text("Nấu cơm: vo gạo, đổ nước, bật nồi.\n", encoding="utf-8")
    gold = {"source": "recipe.txt", "plan": {}, "references": [], "lineage": [], "objectives": [],
            "tasks": [{"text": "Vo gạo thật sạch rồi đổ nước vào nồi", "lead": ["Phòng Văn hóa – Xã hội"]}]}
    (tmp_path / "gold" / "recipe.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", str(tmp_path / "gold"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"Warning: {tmp_path / 'corpus' / 'recipe.txt'}: is not a plan")
    assert result.stderr.endswith("; scored as nothing found\n")
    summary = json.loads(result.stdout)["summary"]
    assert summary["tasks"]["r"] == 0.0 and summary["lead"]["r"] == 0.0


def test_eval_table_shows_task_recall_per_document_issue_11(tmp_path):
    """A document of which nothing was read stands out in the per-document table."""
    if not GOLD.is_dir():
        pytest.skip("needs ../shared/gold")
    golds = sorted(p for p in GOLD.glob("*.json") if "tasks" in json.loads(p.read_text(encoding="utf-8")))
    pred = tmp_path / "pred"
    pred.mkdir()
    for g in golds[1:]:
        shutil.copy(g, pred / g.name)
    result = CliRunner().invoke(cli, ["eval", str(GOLD), str(pred)])
    assert result.exit_code == 0, result.output
    table = result.stdout.split("\n\n")[-1].splitlines()
    assert table[0].split() == ["document", "gold", "found", "matched", "recall"]
    rows = {r.split()[0]: r.split()[1:] for r in table[1:]}
    assert len(rows) == len(golds)
    first = json.loads(golds[0].read_text(encoding="utf-8"))
    assert rows[first["source"]] == [str(len(first["tasks"])), "0", "0", "0.000"]
    assert all(r[-1] == "1.000" and r[0] == r[1] == r[2] for s, r in rows.items() if s != first["source"])


def test_package_has_one_import_name(tmp_path):
    """Installed, the project provides `planlineage` only, not generic names like `queries`."""
    code = (
        "import importlib.util, planlineage.queries as q, pathlib;"
        "print(q.__file__);"
        "print([n for n in ('queries', 'graph', 'extract', 'ontology', 'cli') if importlib.util.find_spec(n)])"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    queries_file, provided = out.stdout.splitlines()
    assert Path(queries_file).resolve().is_relative_to(ROOT)
    assert provided == "[]"


def test_installed_console_script_runs():
    exe = shutil.which("planlineage") or str(Path(sys.executable).with_name("planlineage"))
    out = subprocess.run([exe, "extract", str(DOCS[-1])], capture_output=True, text=True,
                         env={**os.environ, "PYTHONIOENCODING": "ascii"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["source"] == DOCS[-1].name


def test_extract_explain_shows_how_each_block_was_read():
    """Issue #11: `extract --explain` says, line by line, what became a section, a task, a label."""
    res = CliRunner().invoke(cli, ["extract", "--explain", str(DATA / "004_5c5cafd7972287fb.txt")])
    assert res.exit_code == 0, res.output
    rows = {line.split()[0]: line for line in res.stdout.splitlines()}
    assert "section: tasks" in rows["19"] and "NHIỆM VỤ VÀ GIẢI PHÁP" in rows["19"]
    assert "section: no tasks" in rows["7"]
    assert "task 1.1" in rows["22"] and "Tổ chức phổ biến" in rows["22"]
    assert "label: lead" in rows["25"] and "label: cooperate" in rows["26"] and "label: period" in rows["28"]
    assert "group" in rows["21"]
    rec = json.loads(CliRunner().invoke(cli, ["extract", str(DATA / "004_5c5cafd7972287fb.txt")]).stdout)
    tasks = [line for line in res.stdout.splitlines() if " task " in f" {line.split(None, 2)[2]}"]
    assert len(tasks) == len(rec["tasks"]) == 12


def test_extract_explain_reads_one_document():
    res = CliRunner().invoke(cli, ["extract", "--explain", *map(str, DOCS[:2])])
    assert res.exit_code == 2
    assert "--explain reads one document" in res.output
