"""Quantified targets: data-driven cases (tests/cases/targets.json) and robustness."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planlineage import DATA_DIR
from planlineage.extract.document import Document, RawTask
from planlineage.extract.targets import extract_objectives, find_targets, task_targets

CASES = json.loads((Path(__file__).parent / "cases" / "targets.json").read_text(encoding="utf-8"))


def _run(case: dict) -> list[list]:
    given_ = case["input"]
    if "document" in given_:
        path = DATA_DIR / given_["document"]
        found = extract_objectives(Document.from_text(path.read_text(encoding="utf-8"), path.name))
    else:
        found = task_targets(RawTask(ref=None, **given_))
    return [[t["value"], t["unit"], t["per"], t["at_least"]] for t in found]


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["label"] for c in CASES["cases"]])
def test_targets_case(case):
    assert _run(case) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", CASES["negative"], ids=[c["label"] for c in CASES["negative"]])
def test_targets_negative_gives_no_target(case):
    assert _run(case) == [], case["comment"]


def test_targets_cases_collected():
    assert len(CASES["cases"]) == 22
    assert len(CASES["negative"]) == 5


def test_targets_text_is_the_stating_clause():
    """The target keeps the clause that states it, not the whole task wording."""
    text = "Xây dựng kế hoạch (phấn đấu 100% công chức cấp tỉnh được đào tạo). Báo cáo kết quả."
    assert [t["text"] for t in find_targets(text)] == ["phấn đấu 100% công chức cấp tỉnh được đào tạo"]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=160))
def test_targets_never_raise_on_arbitrary_text(text):
    for t in find_targets(text):
        assert isinstance(t["value"], (int, float)) and t["unit"] and t["text"]
        assert t["per"] in (None, "year") and isinstance(t["at_least"], bool)


def test_indicator_table_range_and_rate_per_year():
    """An indicator table's '16 - 18' under unit '%/năm' is one objective, 16 % per year; '40 - 50'
    (Tổ chức) is 40; a range's upper bound is no objective of its own."""
    from planlineage.extract.blocktables import indicator_objectives

    doc = Document.from_text(
        "| TT | Chỉ tiêu | Đơn vị | Kết quả |\n|---|---|---|---|\n"
        "| 1 | Số đơn đăng ký sáng chế tăng trung bình | %/năm | 16 - 18 |\n"
        "| 2 | Tổ chức khoa học và công nghệ được xếp hạng | Tổ chức | 40 - 50 |\n"
        "| 3 | Tỉ lệ doanh nghiệp đổi mới sáng tạo | % | ≥ 40 |\n", "x.md")
    assert [(o["value"], o["unit"], o["per"], o["at_least"]) for o in indicator_objectives(doc)] == [
        (16, "%", "year", False), (40, "Tổ chức", None, False), (40, "%", None, True)]


def test_objectives_of_the_plan_a_decision_issues():
    """A decision ends ('Nơi nhận:') before the plan it issues: the plan's MỤC TIÊU still counts."""
    doc = Document.from_text(
        "ỦY BAN NHÂN DÂN TỈNH A\nSố: 5/QĐ-UBND\n\nQUYẾT ĐỊNH\nVề việc ban hành Kế hoạch xuất khẩu\n\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch xuất khẩu.\n\nNơi nhận:\n- Như Điều 3;\n\n"
        "KẾ HOẠCH\nXuất khẩu sản phẩm hàng hóa giai đoạn 2026 - 2030\n\n"
        "I. MỤC TIÊU\n\n1. Phấn đấu giá trị hàng hóa xuất khẩu đến năm 2030 đạt 400 triệu USD.\n\n"
        "II. GIẢI PHÁP\n\n1. Xây dựng vùng nguyên liệu đạt 50 ha.\n", "x.txt")
    assert [(o["value"], o["unit"]) for o in extract_objectives(doc)] == [(400, "triệu USD")]
