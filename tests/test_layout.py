"""The layout model (extract/layout.py): one plan in five formats gives the same blocks and the same record.

The plan is written here once as structure (header lines, numbered and bulleted
items with labelled lines, and a task table); each writer renders it the way that
format does: text with the table's cells one per line between '|' lines (a web
copy), Markdown with '**' headings and a pipe table, an HTML page with <p> and
<table> in windows-1252's cousin encoding declared by a meta tag, a Word file with
paragraphs and a real table (python-docx), a born-digital PDF with a ruled table
(fpdf2). The loaders and the layout reader must bring all five back to the same
blocks, and the extractor to the same tasks and references.
"""
from __future__ import annotations

import html
from pathlib import Path

import pytest

from planlineage.extract import loaders, record
from planlineage.extract.document import Document
from planlineage.extract.layout import read_blocks

HEAD = [
    "ỦY BAN NHÂN DÂN XÃ AN HÒA",
    "Số: 12/KH-UBND",
    "KẾ HOẠCH",
    "Thực hiện Kế hoạch số 40/KH-UBND ngày 09/9/2025 của Ủy ban nhân dân tỉnh.",
]
# (marker, text) of the body; a marker of None is a plain paragraph.
BODY = [
    ("I.", "MỤC ĐÍCH, YÊU CẦU"),
    ("-", "Quán triệt đầy đủ nội dung Kế hoạch số 40/KH-UBND."),
    ("II.", "NHIỆM VỤ VÀ GIẢI PHÁP"),
    ("1.", "Tuyên truyền, nâng cao nhận thức"),
    ("-", "Tổ chức hội nghị quán triệt cho cán bộ, công chức xã."),
    ("-", "Cơ quan chủ trì: Phòng Văn hóa – Xã hội."),
    ("-", "Thời gian thực hiện: Quý III/2025."),
    ("2.", "Đào tạo, bồi dưỡng"),
    ("-", "Cử công chức tham gia lớp tập huấn về tiêu chuẩn, đo lường, chất lượng."),
    ("-", "Cơ quan chủ trì: Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã."),
    ("III.", "TỔ CHỨC THỰC HIỆN"),
    (None, "Các cơ quan, đơn vị căn cứ Kế hoạch này tổ chức thực hiện."),
]
TABLE = [
    ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian"],
    ["1", "Kiểm tra hàng hóa trên địa bàn xã", "Công an xã", "Năm 2026"],
    ["2", "Xây dựng cơ sở dữ liệu về đo lường", "Phòng Kinh tế", "Quý IV/2026"],
]
TAIL = ["PHỤ LỤC"]


def _lines() -> list[str]:
    return HEAD + [f"{m} {t}" if m else t for m, t in BODY] + TAIL


def write_text(out: Path) -> Path:
    cells = []
    for row in TABLE:
        cells.append("|")
        for c in row:
            cells += [c, "|"]
    out.write_text("\n\n".join(_lines()) + "\n\n" + "\n".join(cells) + "\n", encoding="utf-8")
    return out


def write_markdown(out: Path) -> Path:
    rows = ["| " + " | ".join(TABLE[0]) + " |", "|" + "---|" * len(TABLE[0])]
    rows += ["| " + " | ".join(r) + " |" for r in TABLE[1:]]
    body = [f"**{m} {t}**" if m and m.endswith(".") and t.isupper() else (f"{m} {t}" if m else t) for m, t in BODY]
    text = "\n\n".join(HEAD[:2] + ["# " + HEAD[2]] + HEAD[3:] + body + TAIL) + "\n\n" + "\n".join(rows) + "\n"
    out.write_text(text, encoding="utf-8")
    return out


def write_html(out: Path) -> Path:
    paras = "".join(f"<p>{html.escape(x)}</p>\n" for x in _lines())
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>\n" for r in TABLE)
    page = (f'<html><head><meta charset="utf-8"><title>x</title></head><body>\n{paras}'
            f"<table>\n{rows}</table>\n</body></html>\n")
    out.write_bytes(page.encode("utf-8"))
    return out


def write_docx(out: Path) -> Path:
    import docx

    d = docx.Document()
    for line in _lines():
        d.add_paragraph(line)
    t = d.add_table(rows=0, cols=len(TABLE[0]))
    for row in TABLE:
        for cell, value in zip(t.add_row().cells, row):
            cell.text = value
    d.save(out)
    return out


def write_pdf(out: Path) -> Path:
    import font_roboto
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("Roboto", fname=font_roboto.Roboto)
    pdf.add_font("Roboto", style="B", fname=font_roboto.RobotoBold)
    pdf.set_font("Roboto", size=9)
    pdf.add_page()
    for line in _lines():
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    with pdf.table(col_widths=(10, 80, 50, 40), text_align="LEFT", line_height=5) as t:
        for row in TABLE:
            r = t.row()
            for value in row:
                r.cell(value)
    pdf.output(str(out))
    return out


WRITERS = {"text": ("plan.txt", write_text), "markdown": ("plan.md", write_markdown),
           "html": ("plan.html", write_html), "docx": ("plan.docx", write_docx), "pdf": ("plan.pdf", write_pdf)}


def _doc(path: Path) -> Document:
    loaded = loaders.load(path)
    return Document.from_text(loaded.text, path.name, loaded.grids, paragraph_lines=loaded.format == "docx")


def _shape(doc: Document) -> list:
    """What a reader sees: (kind, marker, text) of each block, a table as its rows of cell texts."""
    out = []
    for b in read_blocks(doc):
        if b.is_table:
            out.append(("table", [[c.text for c in row] for row in b.rows]))
        else:
            out.append((b.kind, b.marker, b.text))
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("formats")
    return {fmt: writer(d / name) for fmt, (name, writer) in WRITERS.items()}


def test_layout_text_blocks_are_the_plan_structure(written):
    shape = _shape(_doc(written["text"]))
    items = [(k, m, t) for k, m, t in (s for s in shape if s[0] != "table")]
    assert ("roman", "II", "NHIỆM VỤ VÀ GIẢI PHÁP") in items
    assert ("arabic", "1", "Tuyên truyền, nâng cao nhận thức") in items
    assert ("dash", "-", "Cơ quan chủ trì: Phòng Văn hóa – Xã hội.") in items
    assert [s for s in shape if s[0] == "table"] == [("table", TABLE)]


@pytest.mark.parametrize("fmt", [f for f in WRITERS if f != "text"])
def test_layout_every_format_gives_the_blocks_of_the_text(written, fmt):
    assert _shape(_doc(written[fmt])) == _shape(_doc(written["text"]))


def _facts(rec: dict) -> dict:
    return {
        "tasks": [(t["text"], tuple(t["lead"]), t["end"]) for t in rec["tasks"]],
        "references": sorted(r["number"] for r in rec["references"]),
        "lineage": sorted((e["child"], e["parent"]) for e in rec["lineage"]),
    }


@pytest.mark.parametrize("fmt", [f for f in WRITERS if f != "text"])
def test_layout_every_format_gives_the_record_of_the_text(written, fmt):
    assert _facts(record.extract_file(written[fmt])) == _facts(record.extract_file(written["text"]))


def test_layout_record_has_the_table_rows_as_tasks(written):
    rec = record.extract_file(written["text"])
    rows = {t["text"]: t for t in rec["tasks"]}
    assert rows["Kiểm tra hàng hóa trên địa bàn xã"]["lead"] == ["Công an xã"]
    assert rows["Xây dựng cơ sở dữ liệu về đo lường"]["end"] == "2026-Q4"
    assert [r["number"] for r in rec["references"]] == ["40/KH-UBND"]
