"""Tests of the item reader of tasks sections (extract/items.py, with the clause rules of
extract/bullets.py) on numbered groups, bullets and lettered items, and of the section splitter.

Real plans: data/004 (ward, '-' bullets with per-group 'Cơ quan chủ trì / phối hợp /
Thời gian' lines) and data/002 (commune Party committee, PDF text with wrapped lines).
Synthetic layouts (letters, numbered sub-items, inline clauses) are data:
tests/cases/bullets/*.json, one case per file or a "cases" list (negative.json).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlineage.extract import bullets, items, sections
from planlineage.extract.document import Document
from planlineage.extract.errors import ExtractionError

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = Path(__file__).parent / "cases" / "bullets"


def _doc(name: str) -> Document:
    path = next((ROOT / "data").glob(f"{name}_*.txt"))
    return Document.from_text(path.read_text(encoding="utf-8"), path.name)


def _load_cases() -> list[dict]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data.get("cases", [data]):
            cases.append({**case, "file": path.name})
    return cases


CASES = _load_cases()


@pytest.fixture(scope="module")
def ward_tasks():
    return items.section_tasks(_doc("004"))


@pytest.fixture(scope="module")
def party_tasks():
    return items.section_tasks(_doc("002"))


def test_bullets_ward_plan_has_twelve_tasks_in_six_groups(ward_tasks):
    assert [t.ref for t in ward_tasks] == [f"{g}.{b}" for g in range(1, 7) for b in (1, 2)]
    assert {t.layout for t in ward_tasks} == {"bullets"}
    assert ward_tasks[0].text.startswith("Tổ chức phổ biến, tuyên truyền nội dung Chỉ thị 38-CT/TW")
    assert ward_tasks[0].group == "Công tác tuyên truyền, nâng cao nhận thức"
    assert ward_tasks[0].lines == (22, 22)


def test_bullets_ward_group_lines_apply_to_every_bullet(ward_tasks):
    assert {t.lead for t in ward_tasks} == {"Phòng Văn hóa – Xã hội phường"}
    assert {t.period for t in ward_tasks} == {"Năm 2025 và những năm tiếp theo"}
    coop = {t.ref: t.cooperate for t in ward_tasks}
    assert coop["1.2"] == "Trung tâm Cung ứng dịch vụ công, Các cơ quan, đơn vị liên quan"
    assert coop["2.1"] == "Các cơ quan, đơn vị liên quan"
    assert coop["5.1"] == coop["6.2"] == "Công an phường, Các cơ quan, đơn vị liên quan"


def test_bullets_ward_label_lines_and_section_three_are_not_tasks(ward_tasks):
    texts = " ".join(t.text for t in ward_tasks)
    assert "Cơ quan chủ trì" not in texts and "Thời gian thực hiện" not in texts
    # Section III (TỔ CHỨC THỰC HIỆN, line 75 on) assigns responsibilities: not read.
    assert max(t.lines[1] for t in ward_tasks) < 75
    assert not any(t.text.startswith("Chủ trì, theo dõi, đôn đốc") for t in ward_tasks)


def test_bullets_party_plan_joins_wrapped_lines(party_tasks):
    refs = [t.ref for t in party_tasks]
    assert refs == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "3",
                    "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "6.1", "6.2"]
    by_ref = {t.ref: t for t in party_tasks}
    # "Chỉ thị số 38-" / "CT/TW" across a blank line, and the "- xã hội" line of 1.3.
    assert "quán triệt Chỉ thị số 38-CT/TW và các văn bản" in by_ref["1.1"].text
    assert "các tổ chức chính trị - xã hội xã, hội doanh nghiệp tham gia" in by_ref["1.3"].text
    assert by_ref["1.3"].lines == (101, 111)
    assert by_ref["1.1"].group == ("Tuyên truyền, nâng cao nhận thức của các cấp ủy đảng, chính quyền, nhân dân "
                                   "và doanh nghiệp về tầm quan trọng của công tác tiêu chuẩn, đo lường, chất lượng")


def test_bullets_party_plan_unbulleted_group_is_one_task(party_tasks):
    task = {t.ref: t for t in party_tasks}["3"]
    assert task.text.startswith("Phối phợp cử cán bộ, công chức đi đào tạo")
    assert task.text.endswith("đáp ứng yêu cầu phát triển trong giai đoạn tới.")
    assert task.group.startswith("Phát triển, đào tạo nguồn nhân lực")


def test_bullets_party_plan_has_no_group_lines_and_stops_before_section_three(party_tasks):
    assert all(t.lead is None and t.cooperate is None and t.period is None for t in party_tasks)
    assert max(t.lines[1] for t in party_tasks) < 233
    assert not any(t.text.startswith("Nghiên cứu, rà soát, hoàn thiện") for t in party_tasks)


@pytest.mark.parametrize("name", ["000", "001"])
def test_bullets_appendix_plans_give_no_heading_tasks(name):
    """Their NHIỆM VỤ section only names the groups of the appendix table: the rows are the tasks."""
    from planlineage.extract import record

    assert {t.layout for t in record.read_tasks(_doc(name))} == {"table"}


def test_sections_find_tasks_section_of_every_bundled_plan():
    found = {p.name[:3]: sections.tasks_section(_doc(p.name[:3])) for p in sorted((ROOT / "data").glob("*.txt"))}
    assert {k: (s.number, s.title) for k, s in found.items()} == {
        "000": ("III", "NHIỆM VỤ, GIẢI PHÁP"), "001": ("II", "NHIỆM VỤ VÀ GIẢI PHÁP"),
        "002": ("II", "NHIỆM VỤ VÀ GIẢI PHÁP"), "003": ("III", "NHIỆM VỤ VÀ GIẢI PHÁP"),
        "004": ("II", "NHIỆM VỤ VÀ GIẢI PHÁP")}
    assert (found["004"].start, found["004"].end) == (19, 74)


def test_sections_bad_lexicon_is_named(tmp_path, monkeypatch):
    bad = tmp_path / "sections_headings.json"
    bad.write_text('{"tasks_prefix": []}', encoding="utf-8")
    monkeypatch.setattr(sections, "LEXICON", bad)
    sections._lexicon.cache_clear()
    try:
        with pytest.raises(ExtractionError, match="sections_headings.json: has no list 'tasks_exclude'"):
            sections.tasks_section(_doc("004"))
    finally:
        sections._lexicon.cache_clear()


def test_bullets_case_files_are_well_formed():
    assert len(CASES) == 15
    for case in CASES:
        assert {"label", "comment", "input", "expected", "expect"} <= set(case), case["file"]
        assert case["expect"] in ("pass", "fail"), case["label"]
    assert len({c["label"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c["label"], marks=[pytest.mark.xfail(strict=True)] if c["expect"] == "fail" else [])
     for c in CASES])
def test_bullets_cases(case):
    doc = Document.from_text("\n".join(case["input"]), case["label"])
    got = items.section_tasks(doc)
    assert len(got) == len(case["expected"]), [t.text for t in got]
    for task, want in zip(got, case["expected"]):
        for key, value in want.items():
            have = list(task.lines) if key == "lines" else getattr(task, key)
            assert have == value, f"{case['label']} {task.ref}.{key}"


def test_bullets_bad_lexicon_is_named(tmp_path, monkeypatch):
    bad = tmp_path / "bullets_cues.json"
    bad.write_text('{"labels": {"lead": []}}', encoding="utf-8")
    monkeypatch.setattr(bullets, "LEXICON", bad)
    bullets._lexicon.cache_clear()
    bullets._label_rx.cache_clear()
    try:
        with pytest.raises(ExtractionError, match="bullets_cues.json: 'labels' must map exactly lead, cooperate"):
            items.section_tasks(_doc("004"))
    finally:
        bullets._lexicon.cache_clear()
        bullets._label_rx.cache_clear()
