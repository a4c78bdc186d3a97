"""Time cells: data-driven cases (tests/cases/dates.json) and robustness."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planlineage.extract.dates import parse_period
from planlineage.extract.document import RawTask

CASES = json.loads((Path(__file__).parent / "cases" / "dates.json").read_text(encoding="utf-8"))
_DATE = re.compile(r"^\d{4}(?:-Q[1-4]|-\d{2}-\d{2})?$")


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["label"] for c in CASES["cases"]])
def test_dates_case(case):
    assert parse_period(RawTask(ref=None, **case["input"])) == case["expected"], case["comment"]


def test_dates_cases_collected():
    assert len(CASES["cases"]) == 24


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=120), st.text(max_size=60))
def test_dates_never_raise_and_stay_in_format(period, text):
    got = parse_period(RawTask(ref=None, text=text, period=period))
    assert set(got) == {"period", "start", "end", "recurring"}
    for k in ("start", "end"):
        assert got[k] is None or _DATE.match(got[k]), got
    assert got["recurring"] in (None, "annual", "quarterly", "continuous")
