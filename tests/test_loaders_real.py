"""Inputs of issue #11 (part 2) on real plans: web pages (HTML in any charset), portal Markdown, Word
header tables, footnotes and automatic numbering, and scanned PDFs read through OCR.

The HTML pages are made here from real plans of ../shared/real/corpus: a Markdown plan rendered with
markdown-it-py (its pipe table becomes a real <table>), and a Word plan written as Word's "web page"
export does (windows-1252, entities for Vietnamese letters, the header as a two-column table).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.extract import loaders
from planlineage.extract.document import Document
from planlineage.extract.layout import read_blocks
from planlineage.extract.record import extract_file

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real" / "corpus"
PIPE_PLAN = REAL / "01_nq03-cp_ctht-nq57_chinhphu.txt"
PORTAL_MD = REAL / "38_qd2629-ttg-2025_ct-phat-trien-chinh-phu-so.md"
HEADER_DOCX = REAL / "24_kh-mttq-btt-xa-luongminh-quangninh-2025_kiem-tra-giam-sat-bau-cu_kh04-mttq-tinh.docx"
FOOTNOTE_DOCX = REAL / "25_kh01-tbttkt-ubbc-xa-phobang-tuyenquang-2025_tuyen-truyen-bau-cu.docx"
NUMBERED_DOCX = REAL / "34_kh-mttq-btt-phuong-baccamranh-2025_kiem-tra-giam-sat-bau-cu.docx"
SCAN = REAL / "31_nq318-cp-2025_kh-trien-khai-nq188-qh15-duong-sat-do-thi_scan.pdf"
NUMBER = re.compile(r"\d+[-/][A-ZĐ][\w/Đ-]*")

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real/corpus is not there")


def _word_web_page(docx_path: Path, out: Path) -> Path:
    """The page Word's "Save as web page" writes: windows-1252, &#NNNN; for letters outside it,
    paragraphs as <p class=MsoNormal>, tables as <table> with one <p> per cell paragraph."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def para(p) -> str:
        return f"<p class=MsoNormal><span lang=VI>{escape(p.text)}</span></p>\n"

    d = docx.Document(docx_path)
    body = []
    for child in d.element.body.iterchildren():
        if child.tag.endswith("}p"):
            body.append(para(Paragraph(child, d)))
        elif child.tag.endswith("}tbl"):
            rows = []
            for row in Table(child, d).rows:
                cells = "".join(f"<td width=300 valign=top>{''.join(para(p) for p in c.paragraphs)}</td>"
                                for c in row.cells)
                rows.append(f"<tr>{cells}</tr>")
            body.append(f"<table class=MsoTableGrid border=0>{''.join(rows)}</table>\n")
    page = ("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<head>\n"
            "<meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">\n"
            "<meta name=Generator content=\"Microsoft Word 15\">\n<style>p.MsoNormal {margin:0cm}</style>\n"
            f"</head>\n<body lang=EN-US>\n<div class=WordSection1>\n{''.join(body)}</div>\n</body>\n</html>\n")
    out.write_bytes(page.encode("cp1252", errors="xmlcharrefreplace"))
    return out


def _tasks(record) -> list[tuple]:
    return [(t["ref"], t["text"], tuple(t["lead"]), tuple(t["cooperate"])) for t in record["tasks"]]


# --- HTML --------------------------------------------------------------------------------

def test_html_page_of_a_real_plan_reads_like_its_markdown(tmp_path):
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(PIPE_PLAN.read_text(encoding="utf-8"))
    # Named .txt: the format comes from the bytes.
    page = tmp_path / "nq03.txt"
    page.write_text(f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>NQ 03</title></head>"
                    f"<body>{html}</body></html>", encoding="utf-8")
    loaded = loaders.load(page)
    assert loaded.format == "html"
    assert "<td>" not in loaded.text and "<p>" not in loaded.text
    # The 140-row task table of Phụ lục II is a grid and one line per row in the text.
    big = max(loaded.grids, key=lambda g: len(g.rows))
    assert len(big.rows) > 140
    assert all(a == z for a, z in big.lines)
    first = big.lines[1][0]
    assert loaded.text.split("\n")[first - 1].startswith("| ")
    md, web = extract_file(PIPE_PLAN), extract_file(page)
    assert web["plan"]["number"] == md["plan"]["number"] == "03/NQ-CP"
    common = set(_tasks(md)) & set(_tasks(web))
    assert len(md["tasks"]) > 100 and len(common) >= 0.95 * len(md["tasks"])


def test_html_word_web_page_in_windows_1252_reads_like_the_word_file(tmp_path):
    page = _word_web_page(HEADER_DOCX, tmp_path / "kh.htm")
    assert b"&#7913;" in page.read_bytes() or b"&#" in page.read_bytes()  # letters outside windows-1252
    loaded = loaders.load(page)
    assert (loaded.format, loaded.encoding) == ("html", "cp1252")
    lines = loaded.text.split("\n")
    # The header table reads as a text header: each cell's paragraphs on their own lines.
    assert "ỦY BAN MTTQ VIỆT NAM" in lines and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert any(x.startswith("Số:") and "/KH-MTTQ-BTT" in x and "CỘNG HÒA" not in x for x in lines)
    assert "p.MsoNormal" not in loaded.text and "Generator" not in loaded.text
    word, web = extract_file(HEADER_DOCX), extract_file(page)
    for key in ("issuer", "date", "signer", "title"):
        assert web["plan"][key] == word["plan"][key], key
    assert len(word["tasks"]) > 10
    assert [t[1] for t in _tasks(web)] == [t[1] for t in _tasks(word)]


def test_html_declared_charset_wins_and_a_wrong_one_falls_back(tmp_path):
    text = "Kế hoạch số 12/KH-UBND của Ủy ban nhân dân tỉnh về chuyển đổi số"
    cp = f"<html><head><meta http-equiv='content-type' content='text/html;charset=Windows-1258'></head><body><p>{text}</p></body></html>"
    assert loaders.load_bytes(loaders.encode_legacy(cp, "cp1258"), "a.html").text == text
    right = f"<html><head><meta charset=\"utf-8\"></head><body><p>{text}</p></body></html>".encode("utf-8")
    assert loaders.load_bytes(right, "b.html").text == text
    # Declared UTF-8 but written in Windows-1258 (a legacy export): read as a text file is.
    legacy = b"<html><head><meta charset='utf-8'></head><body><p>" + loaders.encode_legacy(text, "cp1258") + b"</p></body></html>"
    got = loaders.load_bytes(legacy, "c.html")
    assert (got.text, got.encoding) == (text, "cp1258")


def test_html_lists_and_breaks_become_items_and_lines():
    page = ("<html><body><h2>II. NHIỆM VỤ</h2><ol type=a><li>Sở Tư pháp chủ trì</li><li>Sở Nội vụ</li></ol>"
            "<ul><li>Tuyên truyền</li></ul><p>Nơi nhận:<br>- Như trên;<br>- Lưu: VT.</p>"
            "<script>var x = 1;</script></body></html>").encode()
    loaded = loaders.load_bytes(page, "x.html")
    assert loaded.text.split("\n") == ["**II. NHIỆM VỤ**", "", "a. Sở Tư pháp chủ trì", "", "b. Sở Nội vụ", "",
                                       "- Tuyên truyền", "", "Nơi nhận:", "", "- Như trên;", "", "- Lưu: VT."]


def test_html_empty_page_is_one_clear_error(tmp_path):
    page = tmp_path / "blank.html"
    page.write_bytes(b"<html><head><title>x</title></head><body>  </body></html>")
    res = CliRunner().invoke(cli, ["extract", str(page)])
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines()[-1] == f"Error: {page}: is empty"


# --- Markdown ------------------------------------------------------------------------------

def test_markdown_portal_copy_loads_as_text_with_its_tables():
    loaded = loaders.load(PORTAL_MD)
    assert loaded.format == "txt" and loaded.encoding == "utf-8"
    blocks = read_blocks(Document.from_text(loaded.text, PORTAL_MD.name, loaded.grids))
    assert any(b.kind == "table" and len(b.rows) > 2 for b in blocks)
    record = extract_file(PORTAL_MD)
    assert record["plan"]["number"] == "2629/QĐ-TTg"
    assert record["tasks"] and record["references"]


# --- DOCX ----------------------------------------------------------------------------------

def test_docx_header_table_reads_cell_by_cell_and_keeps_its_grid():
    loaded = loaders.load(HEADER_DOCX)
    lines = loaded.text.split("\n")
    head = lines[:lines.index("KẾ HOẠCH")]
    assert [x for x in head if x] == ["ỦY BAN MTTQ VIỆT NAM", "XÃ LƯƠNG MINH", "BAN THƯỜNG TRỰC", "Số: /KH-MTTQ-BTT",
                                      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                      "Lương Minh, ngày 10 tháng 12 năm 2025"]
    grid = loaded.grids[0]
    assert len(grid.rows) == 1 and len(grid.rows[0]) == 2
    assert grid.rows[0][0].startswith("ỦY BAN MTTQ VIỆT NAM") and grid.rows[0][1].startswith("CỘNG HÒA")
    assert grid.lines[0] == (1, 7)
    record = extract_file(HEADER_DOCX)
    assert "CỘNG HÒA" not in (record["plan"]["issuer"] or "") and record["plan"]["date"] == "2025-12-10"


def test_docx_footnotes_are_read_and_their_references_found():
    import docx

    loaded = loaders.load(FOOTNOTE_DOCX)
    lines = loaded.text.split("\n")
    start = lines.index("Chú thích") + 1
    notes = lines[start:]
    assert len(notes) == 2 and notes[0].startswith("[1] Chỉ thị số 46-CT/TW") and notes[1].startswith("[2] Hiến pháp")
    body = "\n".join(p.text for p in docx.Document(FOOTNOTE_DOCX).paragraphs)
    only_in_notes = {n for n in NUMBER.findall(" ".join(notes)) if n not in body}
    assert only_in_notes
    record = extract_file(FOOTNOTE_DOCX)
    found = {r["number"] for r in record["references"] if r["lines"][0] > start}
    assert only_in_notes & found, (only_in_notes, found)


def test_docx_automatic_numbering_is_written_before_its_paragraph(tmp_path):
    import docx

    d = docx.Document()  # python-docx's template has Word's "List Number" and "List Bullet" styles
    d.add_paragraph("Mục đích", style="List Number")
    d.add_paragraph("Yêu cầu", style="List Number")
    d.add_paragraph("Tổ chức hội nghị quán triệt", style="List Bullet")
    d.add_paragraph("3. Typed number stays as typed", style="List Number")
    d.add_paragraph("Không đánh số")
    d.save(tmp_path / "n.docx")
    lines = [x for x in loaders.load(tmp_path / "n.docx").text.split("\n") if x]
    assert lines == ["1. Mục đích", "2. Yêu cầu", "- Tổ chức hội nghị quán triệt", "3. Typed number stays as typed",
                     "Không đánh số"]
    # A real plan: "Mục đích" is numbered by Word (numFmt decimal, lvlText "%1.").
    real = loaders.load(NUMBERED_DOCX).text.split("\n")
    assert "1. Mục đích" in real


# --- scanned PDF ---------------------------------------------------------------------------

needs_ocr = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")


@pytest.fixture(scope="module")
def scan_record(tmp_path_factory):
    """The record `planlineage extract` writes for the 7-page scan (OCR once for the tests below)."""
    out = tmp_path_factory.mktemp("ocr")
    res = CliRunner().invoke(cli, ["extract", str(SCAN), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))


@needs_ocr
def test_scanned_pdf_is_read_through_ocr_with_its_number_and_references(scan_record):
    assert scan_record["format"] == "pdf-ocr"
    assert scan_record["plan"]["number"] == "318/NQ-CP"
    assert scan_record["plan"]["issuer"] == "Chính phủ"
    assert any(r["number"].startswith("188/2025/QH") for r in scan_record["references"])


@needs_ocr
def test_scanned_pdf_ocr_text_yields_tasks_with_their_lead(scan_record):
    assert len(scan_record["tasks"]) >= 5
    assert sum(1 for t in scan_record["tasks"] if t["lead"]) >= 5


@needs_ocr
def test_scanned_pdf_ruled_table_is_read_cell_by_cell():
    loaded = loaders.load(SCAN)
    assert loaded.format == "pdf-ocr"
    # The appendix table (3 pages) is found from the rules drawn in the page images; a page that
    # goes on with the same columns joins the table before it (its repeated header dropped), unless
    # text (here a footnote) lies between.
    assert 1 <= len(loaded.grids) <= 3
    assert sum(len(g.rows) for g in loaded.grids) >= 18
    assert [r[1] for g in loaded.grids for r in g.rows].count("Nội dung công việc") == len(loaded.grids)
    header = loaded.grids[0].rows[0]
    assert len(header) == 7 and header[0] == "TT" and header[1] == "Nội dung công việc"
    assert header[2].startswith("Cơ quan chủ") and header[3] == "Cơ quan phối hợp"
    numbers = [r[0] for g in loaded.grids for r in g.rows[1:]]
    # Row numbers read one by one from the narrow first column: most of them, in order.
    arabic = [int(n) for n in numbers if n.isdigit()]
    assert len(arabic) >= 10 and arabic[-5:] == sorted(arabic[-5:])
    assert "I" in numbers and "II" in numbers
    first, last = loaded.grids[0].lines[2]
    assert "Việc lập" in " ".join(loaded.text.split("\n")[first - 1:last])


def test_scanned_pdf_without_tesseract_says_how_to_install_it(tmp_path):
    # A real process whose PATH has no tesseract.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = dict(os.environ, PATH=str(bin_dir))
    res = subprocess.run([str(Path(sys.executable).parent / "planlineage"), "extract", str(SCAN)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines()[-1] == (
        f"Error: {SCAN}: is a PDF with 7 page image(s) and no text layer (scanned?) and tesseract is not installed "
        "(apt-get install tesseract-ocr tesseract-ocr-vie): it needs OCR first (e.g. ocrmypdf)")
