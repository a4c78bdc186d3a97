"""Lead and cooperating units: data-driven cases (tests/cases/units.json) and robustness."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planlineage.extract.document import RawTask
from planlineage.extract.units import split_units, task_units

CASES = json.loads((Path(__file__).parent / "cases" / "units.json").read_text(encoding="utf-8"))


def _run(case: dict) -> dict:
    lead, cooperate = task_units(RawTask(ref=None, **case["input"]), {})
    return {"lead": lead, "cooperate": cooperate}


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["label"] for c in CASES["cases"]])
def test_units_case(case):
    assert _run(case) == case["expected"], case["comment"]


@pytest.mark.parametrize("case", CASES["negative"], ids=[c["label"] for c in CASES["negative"]])
def test_units_negative_names_no_unit(case):
    assert _run(case) == {"lead": [], "cooperate": []}, case["comment"]


def test_units_cases_collected():
    assert len(CASES["cases"]) == 41
    assert len(CASES["negative"]) == 8
    assert len({c["label"] for c in CASES["cases"] + CASES["negative"]}) == 49


def test_units_names_are_expanded_and_capitalised(corpus_files):
    """On the whole corpus, no unit keeps an abbreviation or starts in lower case."""
    from planlineage.extract.record import extract_file

    names = [n for f in corpus_files for t in extract_file(f)["tasks"] for n in t["lead"] + t["cooperate"]]
    assert names
    assert not [n for n in names if "UBND" in n or "HĐND" in n or "HTX" in n]
    assert all(n[:1].isupper() for n in names)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=120))
def test_units_never_raise_on_arbitrary_text(text):
    assert isinstance(split_units(text), list)
    lead, coop = task_units(RawTask(ref=None, text=text, lead=text, cooperate=text, layout="bullets"), {})
    assert all(isinstance(n, str) and n for n in lead + coop)


def _plan_tasks(body: str) -> list[dict]:
    from planlineage.extract.record import extract_text

    text = "ỦY BAN NHÂN DÂN TỈNH X\nSố: 1/KH-UBND\nKẾ HOẠCH\nThực hiện công tác Y\n" + body
    return extract_text(text, "synthetic.txt")["tasks"]


def test_units_heading_over_duties_is_a_whole_name():
    """Invented, in the layout of real 19 (IV. TỔ CHỨC THỰC HIỆN): a heading that names only a unit
    keeps the activity words of its name ('xây dựng' is no verb there), while a cell still ends
    a name at its verb."""
    tasks = _plan_tasks("I. TỔ CHỨC THỰC HIỆN\n1. Sở Y tế\n- Theo dõi, đôn đốc các đơn vị.\n"
                        "2. Các chủ đầu tư xây dựng và kinh doanh hạ tầng khu công nghiệp\n"
                        "- Tạo điều kiện về mặt bằng cho việc lắp đặt thiết bị.\n")
    assert [t["lead"] for t in tasks] == [["Sở Y tế"], ["Các chủ đầu tư xây dựng và kinh doanh hạ tầng khu công nghiệp"]]
    assert split_units("Sở Y tế xây dựng kế hoạch") == ["Sở Y tế"]
