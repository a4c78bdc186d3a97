"""Tests of the table reader (planlineage.extract.tables) on the bundled plans and JSON cases."""
import json
from pathlib import Path

import pytest

from planlineage.extract.document import Document
from planlineage.extract.tables import extract_table_tasks

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CASES = sorted((Path(__file__).parent / "cases" / "tables").glob("*.json"))
# Number of case files the data-driven test must run (guards against a silently empty suite).
N_CASES = 5


def _rows(stem: str):
    path = next(DATA.glob(f"{stem}_*.txt"))
    return extract_table_tasks(Document.from_text(path.read_text(encoding="utf-8"), path.name))


@pytest.mark.parametrize("stem,refs", [
    ("000", ["I.1", "I.2", "II.1", "II.2", "II.3", "II.4", "III.1", "IV.1", "IV.2", "V.1", "V.2"]),
    ("001", ["I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "II.3", "II.4", "II.5", "III.1", "III.2",
             "III.3", "III.4", "IV.1", "IV.2", "V.1", "V.2", "V.3", "VI.1", "VI.2"]),
    ("003", ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "5.1", "5.2", "6.1", "6.2"]),
])
def test_tables_rows_and_refs_of_each_appendix(stem, refs):
    rows = _rows(stem)
    assert [r.ref for r in rows] == refs
    assert all(r.layout == "table" and r.text and r.lead for r in rows)
    assert all(r.lines[0] <= r.lines[1] for r in rows)


@pytest.mark.parametrize("stem", ["002", "004"])
def test_tables_plans_without_table_give_nothing(stem):
    assert _rows(stem) == []


def test_tables_row_cut_by_page_break_is_joined():
    """001 II.3: the end of the task text comes after the time cell, on the next page."""
    row = {r.ref: r for r in _rows("001")}["II.3"]
    assert row.text.endswith("giai đoạn 2021 – 2030” trên địa bàn tỉnh đến năm 2030.")
    assert row.period == "Quý III năm 2025 ban hành kế hoạch. Thực hiện các nhiệm vụ cụ thể theo Kế hoạch"


def test_tables_page_break_interleaves_lead_and_cooperate():
    """001 V.1: 'Chi Cục Quản lý thị' + (cooperating cell) + 'trường tỉnh'."""
    row = {r.ref: r for r in _rows("001")}["V.1"]
    assert row.lead.endswith("Chi Cục Quản lý thị trường tỉnh")
    assert row.cooperate == "UBND các xã, phường, đặc khu"
    assert row.period == "Ban hành kế hoạch trong quý I hàng năm; Tổ chức kiểm tra theo kế hoạch và đột xuất."


def test_tables_interleaved_task_cooperate_and_product():
    """000 IV.2: task text, cooperating cell and product are interleaved over lines 452-476."""
    row = {r.ref: r for r in _rows("000")}["IV.2"]
    assert row.text.endswith("kết nối với Cổng Thông tin truy xuất nguồn gốc sản phẩm, hàng hóa Quốc gia")
    assert row.lead == "Phòng Văn hóa – Xã hội"
    assert row.cooperate.endswith("Trung tâm phục vụ hành chính công; các tổ chức, cá nhân liên quan")
    assert row.period == "2026 -2030"
    assert row.product.endswith("kết nối với Cổng Thông tin truy xuất nguồn gốc sản phẩm, hàng hóa Quốc gia")


def test_tables_cooperate_resumed_after_product():
    """000 II.3: the cooperating cell continues after the product cell."""
    row = {r.ref: r for r in _rows("000")}["II.3"]
    assert row.cooperate.endswith("sản phẩm gắn với Chương trình OCOP; các tổ chức, cá nhân khác có liên quan.")
    assert row.product.endswith("Chương trình OCOP được hỗ trợ")


def test_tables_missing_time_cell_and_dash_cells():
    rows000 = {r.ref: r for r in _rows("000")}
    assert rows000["III.1"].period is None and rows000["III.1"].product.startswith("100% cán bộ công")
    rows001 = {r.ref: r for r in _rows("001")}
    assert rows001["I.1"].cooperate is None and rows001["I.1"].period == "Quý III năm 2025"
    assert rows001["III.2"].lead == "Các sở, ngành; UBND các xã, phường, đặc khu"


def test_tables_result_subcolumns_are_read_once():
    """003: 'Đến năm 2030' and 'Những năm tiếp theo' repeat the same value."""
    rows = {r.ref: r for r in _rows("003")}
    assert rows["1.1"].product == "02 lượt/năm"
    assert rows["2.2"].cooperate == "Các Sở, ban, ngành" and rows["2.2"].product == "10 doanh nghiệp/năm"
    assert rows["4.1"].lead == "Sở Khoa học và Công nghệ" and rows["4.1"].cooperate.startswith("Sở Tài chính")


def test_tables_group_headings():
    rows = _rows("003")
    assert rows[0].group.startswith("Nâng cao nhận thức, kiến thức")
    assert rows[-1].group == "Đẩy mạnh hội nhập quốc tế về công tác tiêu chuẩn, đo lường, chất lượng"


def test_tables_cases_collected():
    assert len(CASES) == N_CASES


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_tables_cases(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    assert {"label", "comment", "input", "expected"} <= set(case)
    rows = extract_table_tasks(Document.from_text(case["input"], path.name))
    assert len(rows) == len(case["expected"])
    for row, want in zip(rows, case["expected"]):
        for key, value in want.items():
            assert getattr(row, key) == value, (row.ref, key)
