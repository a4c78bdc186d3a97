"""Task theme and training flag: data-driven cases (tests/cases/themes.json) and robustness."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planlineage.extract.document import RawTask
from planlineage.extract.themes import THEMES, activities, is_training, task_theme

CASES = json.loads((Path(__file__).parent / "cases" / "themes.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["label"] for c in CASES["cases"]])
def test_themes_case(case):
    raw = RawTask(ref=None, **case["input"])
    assert {"theme": task_theme(raw), "training": is_training(raw)} == case["expected"], case["comment"]


def test_themes_cases_collected():
    assert len(CASES["cases"]) == 18


def test_themes_keywords_cover_every_theme_and_activity():
    """The keyword data (patterns/theme.jsonl, activity.jsonl) names every theme and activity."""
    from planlineage.extract.nlp import load_patterns

    pats = load_patterns()
    theme_ids = {p["id"] for p in pats if p["label"] == "THEME"}
    activity_ids = {p["id"] for p in pats if p["label"] == "ACTIVITY"}
    assert set(THEMES) <= theme_ids
    assert {"training", "communication", "dialogue", "legal_review", "inspection", "investment",
            "database", "enterprise_support"} <= activity_ids
    assert activities("Tổ chức diễn đàn đối thoại và tập huấn") == ["dialogue", "training"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=120), st.one_of(st.none(), st.text(max_size=80)))
def test_themes_never_raise_on_arbitrary_text(text, group):
    raw = RawTask(ref=None, text=text, group=group)
    assert task_theme(raw) in THEMES + ("other",)
    assert isinstance(is_training(raw), bool)
