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
