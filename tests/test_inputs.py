"""Real inputs and hard inputs (issue #6): PDF, DOCX, legacy encodings, broken files, duplicates, locks.

The fixtures are made here from the bundled corpus: the text plan's own table rows
(read by the text table reader) become a real Word table (python-docx) and a ruled
PDF table (fpdf2 with the Roboto font of the ``font-roboto`` package); the same plan
is written in Windows-1258, TCVN3 and VNI. Each must score against gold within 0.02
of the text version on every field.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.extract import loaders
from planlineage.extract.document import Document
from planlineage.extract.errors import ExtractionError
from planlineage.extract.evaluate import load_gold, score
from planlineage.extract.normalize import fold
from planlineage.extract.record import extract_file
from planlineage.extract.tables import extract_table_tasks
from planlineage.graph.store import META_FILE, open_store, write_checksums

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GOLD_DIR = ROOT.parent / "shared" / "gold"
TABLE_PLAN = DATA / "003_c9d1094d5ee19a54.txt"
BULLET_PLAN = DATA / "004_5c5cafd7972287fb.txt"
HEADER = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Sản phẩm"]
# Characters a TCVN3 file cannot hold; old files used these ASCII stand-ins.
TCVN3_STANDINS = {"–": "-", "…": "...", "“": '"', "”": '"', "\u00a0": " "}


# --- fixture makers ---------------------------------------------------------------------

def _split_plan(path: Path):
    """(lines before the table, table rows with header and group rows, lines after the table)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    rows = extract_table_tasks(Document.from_text(text, path.name))
    first = rows[0].lines[0]
    head = max(i for i in range(first - 1) if re.match(r"s?tt\b", fold(lines[i]).strip()))
    table, group = [HEADER], None
    for r in rows:
        g, _, n = r.ref.rpartition(".")
        if g and r.group != group:
            table.append([g, r.group or "", "", "", "", ""])
            group = r.group
        table.append([n if g and not g.isdigit() else r.ref, r.text, r.lead or "", r.cooperate or "",
                      r.period or "", r.product or ""])
    return lines[:head], table, lines[rows[-1].lines[1]:]


def make_docx(src: Path, out: Path) -> Path:
    import docx

    before, table, after = _split_plan(src)
    d = docx.Document()
    for line in before:
        d.add_paragraph(line)
    t = d.add_table(rows=0, cols=len(HEADER))
    for row in table:
        for cell, value in zip(t.add_row().cells, row):
            cell.text = value
    for line in after:
        d.add_paragraph(line)
    d.save(out)
    return out


def _pdf():
    import font_roboto
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("Roboto", fname=font_roboto.Roboto)
    pdf.add_font("Roboto", style="B", fname=font_roboto.RobotoBold)
    pdf.set_font("Roboto", size=9)
    pdf.add_page()
    return pdf


def _pdf_lines(pdf, lines) -> None:
    for line in lines:
        pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")


def make_pdf(src: Path, out: Path) -> Path:
    """A born-digital PDF of a table plan: text lines, then the task table with ruled cells."""
    before, table, after = _split_plan(src)
    pdf = _pdf()
    _pdf_lines(pdf, before)
    with pdf.table(col_widths=(8, 62, 30, 30, 25, 35), text_align="LEFT", line_height=4.5) as t:
        for row in table:
            r = t.row()
            for value in row:
                r.cell(value)
    _pdf_lines(pdf, after)
    pdf.output(str(out))
    return out


def make_text_pdf(src: Path, out: Path) -> Path:
    pdf = _pdf()
    _pdf_lines(pdf, src.read_text(encoding="utf-8").split("\n"))
    pdf.output(str(out))
    return out


def make_legacy(src: Path, out: Path, encoding: str) -> Path:
    text = src.read_text(encoding="utf-8")
    if encoding == "tcvn3":
        for ch, standin in TCVN3_STANDINS.items():
            text = text.replace(ch, standin)
    out.write_bytes(loaders.encode_legacy(text, encoding))
    return out


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- formats score like the text version -------------------------------------------------

def _fields(summary: dict) -> dict:
    return {k: (v["f1"] if isinstance(v, dict) else v) for k, v in summary.items()}


@pytest.fixture(scope="module")
def gold_003():
    golds = [g for g in load_gold(GOLD_DIR) if g["source"] == TABLE_PLAN.name]
    assert len(golds) == 1
    return golds


@pytest.fixture(scope="module")
def text_scores(gold_003):
    return _fields(score({TABLE_PLAN.name: extract_file(TABLE_PLAN)}, gold_003).summary())


FORMATS = {
    "docx": lambda d: make_docx(TABLE_PLAN, d / "plan.docx"),
    "pdf": lambda d: make_pdf(TABLE_PLAN, d / "plan.pdf"),
    "cp1258": lambda d: make_legacy(TABLE_PLAN, d / "plan-1258.txt", "cp1258"),
    "tcvn3": lambda d: make_legacy(TABLE_PLAN, d / "plan-tcvn3.txt", "tcvn3"),
    "vni": lambda d: make_legacy(TABLE_PLAN, d / "plan-vni.txt", "vni"),
    "utf-16": lambda d: _write(d / "plan16.txt", TABLE_PLAN.read_text(encoding="utf-8").encode("utf-16")),
    "utf-8-sig": lambda d: _write(d / "planbom.txt", TABLE_PLAN.read_text(encoding="utf-8").encode("utf-8-sig")),
}


def test_inputs_every_format_is_tested():
    assert len(FORMATS) == 7


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_inputs_format_scores_within_002_of_text_on_every_field(tmp_path, fmt, gold_003, text_scores):
    path = FORMATS[fmt](tmp_path)
    record = extract_file(path)
    record["source"] = TABLE_PLAN.name
    got = _fields(score({TABLE_PLAN.name: record}, gold_003).summary())
    assert got.keys() == text_scores.keys()
    worse = {k: (text_scores[k], got[k]) for k in got
             if text_scores[k] is not None and (got[k] is None or got[k] < text_scores[k] - 0.02)}
    assert not worse, f"{fmt}: fields worse than the text version (text, {fmt}): {worse}"
    assert len(record["tasks"]) == len(extract_file(TABLE_PLAN)["tasks"]) > 0


def test_inputs_legacy_encodings_are_named_in_the_record(tmp_path):
    found = {enc: extract_file(make_legacy(TABLE_PLAN, tmp_path / f"{enc}.txt", enc))["encoding"]
             for enc in ("cp1258", "tcvn3", "vni")}
    assert found == {"cp1258": "cp1258", "tcvn3": "tcvn3", "vni": "vni"}


def test_inputs_legacy_text_saved_as_unicode_lookalikes_is_converted(tmp_path):
    """A .doc in a VNI font saved as Unicode text reads "Keá hoaïch"; it is converted back."""
    text = BULLET_PLAN.read_text(encoding="utf-8")
    mojibake = loaders.encode_legacy(text, "vni").decode("cp1252", errors="replace")
    assert "Keá hoaïch" in mojibake or "KEÁ HOAÏCH" in mojibake
    loaded = loaders.load_bytes(mojibake.encode("utf-8"), "old.txt")
    assert loaded.encoding == "utf-8+vni"
    assert loaded.text == text


def test_inputs_pdf_table_comes_as_grid_rows(tmp_path):
    loaded = loaders.load(make_pdf(TABLE_PLAN, tmp_path / "plan.pdf"))
    assert loaded.format == "pdf" and loaded.grids
    assert loaded.grids[0].rows[0] == HEADER
    assert "Kế hoạch" in loaded.text or "KẾ HOẠCH" in loaded.text


def test_inputs_docx_keeps_paragraphs_and_table_in_document_order(tmp_path):
    loaded = loaders.load(make_docx(TABLE_PLAN, tmp_path / "plan.docx"))
    lines = loaded.text.split("\n")
    first_row = loaded.grids[0].lines[0][0]
    assert lines[first_row - 1] == "TT Nhiệm vụ"
    assert any("chủ trì" in x for x in lines[:first_row])  # text before the table stays before it
    assert lines[-1] == TABLE_PLAN.read_text(encoding="utf-8").split("\n")[-1]


def test_inputs_unreadable_legacy_bytes_are_refused_naming_the_encodings():
    with pytest.raises(ExtractionError, match=r"^x\.txt: is not UTF-8 text .* Windows-1258, TCVN3 or VNI"):
        loaders.load_bytes(bytes(range(0x80, 0x100)) * 20, "x.txt")


# --- hard inputs: one line, exit 1, store unchanged ----------------------------------------

def _encrypted_pdf(path: Path) -> Path:
    pdf = _pdf()
    pdf.cell(0, 5, "Kế hoạch thực hiện Chỉ thị số 38-CT/TW")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.output(str(path))
    return path


def _scanned_pdf(path: Path) -> Path:
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("RGB", (400, 600), "white"), x=10, y=10, w=150)
    pdf.output(str(path))
    return path


def _big(path: Path) -> Path:
    line = "Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện Chỉ thị số 38-CT/TW.\n".encode()
    with path.open("wb") as f:
        for _ in range(50 * 2 ** 20 // len(line) + 1):
            f.write(line)
    return path


def _zip_not_docx(path: Path) -> Path:
    shutil.make_archive(str(path.with_suffix("")), "zip", DATA)
    os.replace(path.with_suffix(".zip"), path)
    return path


HARD = {
    "empty.txt": (lambda p: _write(p, b""), "is empty"),
    "binary.txt": (lambda p: _write(p, bytes(range(256)) * 64), "is a binary file, not plain text"),
    "truncated.pdf": (lambda p: _write(p, make_pdf(TABLE_PLAN, p).read_bytes()[:30_000]),
                      "is a truncated PDF (no %%EOF at its end): the copy is incomplete"),
    "encrypted.pdf": (_encrypted_pdf, "is an encrypted PDF that needs a password; save an unprotected copy"),
    # With tesseract the OCR finds no text in the blank page; without it the message says how to install it.
    "scanned.pdf": (_scanned_pdf, "is a PDF with 1 page image(s) and no text layer (scanned?)"),
    "huge.txt": (_big, "is 50 MB, over the 20 MB limit for one plan"),
    "recipe.txt": (lambda p: _write(p, "Nấu cơm: vo gạo, đổ nước, bật nồi.\n".encode() * 40), "is not a plan"),
    "old.doc": (lambda p: _write(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
                "is an old Word .doc (OLE2) file"),
    "archive.docx": (_zip_not_docx, "is a ZIP archive, not a Word (.docx) document"),
}


@pytest.fixture(scope="module")
def one_plan_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "s"
    res = CliRunner().invoke(cli, ["build", str(BULLET_PLAN), "--store", str(path)])
    assert res.exit_code == 0, res.output
    return path


def _dump(path: Path) -> list[str]:
    with open_store(path, read_only=True) as store:
        return sorted(str(q) for q in store.quads())


def test_inputs_every_hard_input_is_tested():
    assert len(HARD) == 9


@pytest.mark.parametrize("name", sorted(HARD))
def test_inputs_hard_input_one_error_line_exit_1_store_unchanged(tmp_path, one_plan_store, name):
    make, reason = HARD[name]
    bad = make(tmp_path / name)
    before = _dump(one_plan_store)
    res = CliRunner().invoke(cli, ["build", str(bad), "--store", str(one_plan_store)])
    assert res.exit_code == 1, res.output
    errors = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [errors[0]] and errors[0].startswith(f"Error: {bad}: {reason}"), res.stderr
    assert "0 of 1 documents loaded" in res.stderr
    assert _dump(one_plan_store) == before


def test_inputs_directory_with_unreadable_file_loads_the_others_and_names_it(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for src in (BULLET_PLAN, TABLE_PLAN):
        shutil.copy(src, docs / src.name)
    (docs / "lost.txt").symlink_to(tmp_path / "nowhere.txt")
    res = CliRunner().invoke(cli, ["build", str(docs), "--store", str(tmp_path / "s")])
    assert res.exit_code == 1
    errors = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: {docs / 'lost.txt'}: cannot be read (No such file or directory)"]
    assert "2 of 3 documents loaded, 0 duplicate(s) skipped, 1 failed" in res.stderr
    with open_store(tmp_path / "s", read_only=True) as store:
        assert store.sources() == sorted([BULLET_PLAN.name, TABLE_PLAN.name])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_inputs_file_without_read_permission_is_named(tmp_path):
    bad = tmp_path / "secret.txt"
    shutil.copy(BULLET_PLAN, bad)
    bad.chmod(0)
    with pytest.raises(ExtractionError, match=r"secret\.txt: cannot be read \(Permission denied\)"):
        loaders.load(bad)


# --- duplicates, lock, version ----------------------------------------------------------------

def test_inputs_duplicates_by_content_are_not_counted_twice(tmp_path):
    """The same file under two names and the same plan as a PDF are one document."""
    twice = tmp_path / "copy-of-plan.txt"
    shutil.copy(BULLET_PLAN, twice)
    as_pdf = make_text_pdf(BULLET_PLAN, tmp_path / "plan-as.pdf")
    res = CliRunner().invoke(cli, ["build", str(BULLET_PLAN), str(twice), str(as_pdf), "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output
    skipped = sorted(line for line in res.stderr.splitlines() if line.startswith("Skipped:"))
    assert skipped == [f"Skipped: {twice.name}: same content as {BULLET_PLAN.name}, already in the store",
                       f"Skipped: {as_pdf.name}: same content as {BULLET_PLAN.name}, already in the store"]
    with open_store(tmp_path / "s", read_only=True) as store:
        assert store.sources() == [BULLET_PLAN.name]


def test_inputs_second_writer_stops_with_clear_message(tmp_path):
    with open_store(tmp_path / "s") as first:
        assert first.triple_count() == 0
        res = CliRunner().invoke(cli, ["build", str(BULLET_PLAN), "--store", str(tmp_path / "s")])
        assert res.exit_code == 1
        assert res.stderr.strip() == (f"Error: {tmp_path / 's'}: another planlineage process (pid {os.getpid()}) "
                                      "is writing to this store; wait for it to finish or use another --store")
    res = CliRunner().invoke(cli, ["build", str(BULLET_PLAN), "--store", str(tmp_path / "s")])
    assert res.exit_code == 0, res.output


def test_inputs_store_of_older_extractor_is_reported_then_rebuilt(tmp_path):
    store = tmp_path / "s"
    assert CliRunner().invoke(cli, ["build", str(BULLET_PLAN), "--store", str(store)]).exit_code == 0
    (store / META_FILE).write_text('{"extractor": "planlineage.extract.v0"}', encoding="utf-8")
    # As the older version leaves its store: its writer records the sums of the files at close
    # (without them the changed file is, rightly, reported as damaged).
    write_checksums(store)
    res = CliRunner().invoke(cli, ["build", str(TABLE_PLAN), "--store", str(store)])
    assert res.exit_code == 1
    assert res.stderr.startswith(f"Error: {store}: built by planlineage.extract.v0, this planlineage extracts with")
    res = CliRunner().invoke(cli, ["build", "--rebuild", str(TABLE_PLAN), "--store", str(store)])
    assert res.exit_code == 0, res.output
    with open_store(store, read_only=True) as s:
        assert s.sources() == [TABLE_PLAN.name]
    assert '"planlineage.extract.v1"' in (store / META_FILE).read_text(encoding="utf-8")
