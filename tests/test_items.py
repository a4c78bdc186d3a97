"""The block readers of tasks (extract/items.py, extract/blocktables.py) through record.read_tasks,
the path every document takes.

Cases are data: tests/cases/layout/*.json (layouts of ../shared/real/ANNOTATION.md section 2,
invented wording) and the older tests/cases/bullets/*.json, which the block readers must read as
the line reader of extract/bullets.py did, except where section 2 of ANNOTATION.md changed the
rule (SUPERSEDED). Fields of an expected task are compared with the record's task (lead and
cooperate as lists of full names) or, for the old cases, with the raw task (cells as written).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planlineage.extract import record
from planlineage.extract.document import Document

CASES = Path(__file__).parent / "cases"
#: Old cases whose rule ANNOTATION.md section 2 replaced, with the task the new rule gives.
SUPERSEDED = {
    # "When the document has NO task of the other layouts, each duty item under a unit heading is a task".
    "no_tasks_section": [{"text": "Chủ trì, theo dõi thực hiện Kế hoạch.", "lead": "Phòng Văn hóa – Xã hội",
                          "layout": "assignment"}],
}


def _cases(folder: str) -> list:
    out = []
    for path in sorted((CASES / folder).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data.get("cases", [data]):
            out.append(pytest.param(case, id=f"{path.stem}:{case['label']}"))
    return out


def _doc(case: dict) -> Document:
    text = "\n".join(case["input"]) if isinstance(case["input"], list) else case["input"]
    return Document.from_text(text, f"{case['label']}.md")


@pytest.mark.parametrize("case", _cases("layout"))
def test_items_layout_case(case):
    rec = record.extract_document(_doc(case))
    got = [{k: t.get(k) for k in e} for t, e in zip(rec["tasks"], case["expected"])]
    assert len(rec["tasks"]) == len(case["expected"]), [t["text"] for t in rec["tasks"]]
    assert got == case["expected"]


@pytest.mark.parametrize("case", _cases("bullets"))
def test_items_read_the_line_reader_cases(case):
    expected = SUPERSEDED.get(case["label"], case["expected"])
    raw = record.read_tasks(_doc(case))
    got = [{k: (list(getattr(t, k)) if k == "lines" else getattr(t, k)) for k in e} for t, e in zip(raw, expected)]
    assert len(raw) == len(expected), [t.text for t in raw]
    assert got == expected
