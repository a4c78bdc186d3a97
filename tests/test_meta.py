"""Plan metadata (extract/meta.py) and abbreviation expansion (extract/abbrev.py).

Facts asserted on the bundled plans were read from the texts in data/: header,
heading and subject, preamble, signature block and appendix caption.
"""
import json
from pathlib import Path

import pytest

from planlineage.extract.abbrev import expand_abbreviations
from planlineage.extract.document import Document
from planlineage.extract.header import respace
from planlineage.extract.meta import extract_plan, parse_date, title_lines

DATA = Path(__file__).resolve().parents[1] / "data"


def plan_of(name: str) -> dict:
    path = next(DATA.glob(f"{name}_*.txt"))
    return extract_plan(Document.from_text(path.read_text(encoding="utf-8"), path.name))


def plan_text(text: str) -> dict:
    return extract_plan(Document.from_text(text, "x.txt"))


# ---------------------------------------------------------------- real documents

def test_commune_plan_with_blank_number_and_day():
    # Header "UỶ BAN NHÂN DÂN / XÃ CHÂU TIẾN", "Số:        /KH-UBND", "ngày       tháng  7 năm 2025".
    p = plan_of("000")
    assert p["number"] is None
    assert p["date"] == "2025-07"
    assert p["issuer"] == "Ủy ban nhân dân xã Châu Tiến"
    assert (p["level"], p["province"], p["commune"]) == ("commune", "Nghệ An", "Châu Tiến")
    assert p["signer"] == "Trần Việt Đức"
    assert p["doc_type"] == "KH"
    assert p["title"].startswith("Thực hiện Quyết định số 1703/QĐ-TTg ngày 31/12/2024 của Thủ tướng Chính phủ")
    assert p["title"].endswith("đến năm 2030 và những năm tiếp theo")
    assert "  " not in p["title"]


def test_province_plan_header_in_two_lines():
    p = plan_of("001")
    assert p["issuer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert (p["level"], p["province"], p["commune"]) == ("province", "Quảng Ngãi", None)
    assert (p["number"], p["date"]) == (None, "2025-09")
    assert p["signer"] == "Nguyễn Ngọc Sâm"
    assert p["title"].endswith("trên địa bàn tỉnh Quảng Ngãi")


def test_party_plan_without_header_takes_issuer_from_preamble_and_province_from_text():
    # "Ban Thường vụ Đảng ủy xây dựng Kế hoạch"; "Ban Thường vụ Thành ủy Hải Phòng"; no commune named.
    p = plan_of("002")
    assert p["issuer"] == "Ban Thường vụ Đảng ủy xã"
    assert (p["level"], p["province"], p["commune"]) == ("commune", "Hải Phòng", None)
    assert (p["number"], p["date"]) == (None, None)
    assert p["signer"] == "Vũ Văn Hải"
    assert p["title"].startswith("thực hiện Chỉ thị số 38-CT/TW")


def test_number_and_date_from_appendix_caption():
    # No header; "(Kèm theo Kế hoạch số 345/KH-UBND ngày  28  /3 / 2025 của Ủy ban nhân dân tỉnh)".
    p = plan_of("003")
    assert (p["number"], p["date"]) == ("345/KH-UBND", "2025-03-28")
    assert p["issuer"] == "Ủy ban nhân dân tỉnh An Giang"
    assert p["level"] == "province"
    assert p["signer"] == "Hồ Văn Mừng"


def test_ward_plan_without_date_ignores_reporting_deadline():
    # "trước ngày 15/11/2025" is a reporting deadline, not the issue date.
    p = plan_of("004")
    assert p["date"] is None
    assert p["issuer"] == "Ủy ban nhân dân phường Đức Phổ"
    assert (p["level"], p["province"], p["commune"]) == ("commune", "Quảng Ngãi", "Đức Phổ")
    assert p["signer"] == "Hoàng Hải"


# ---------------------------------------------------------------- rules on small texts

def test_header_number_and_full_date():
    p = plan_text("ỦY BAN NHÂN DÂN\nPHƯỜNG AN HÒA\nSố: 12/KH-UBND    An Hòa, ngày 03 tháng 7 năm 2025\n"
                  "KẾ HOẠCH\nTổ chức hội nghị\n\nCăn cứ Luật Tổ chức chính quyền địa phương;")
    assert (p["number"], p["date"]) == ("12/KH-UBND", "2025-07-03")
    assert p["issuer"] == "Ủy ban nhân dân phường An Hòa"
    assert (p["level"], p["commune"]) == ("commune", "An Hòa")
    assert p["title"] == "Tổ chức hội nghị"


def test_title_stops_at_preamble_and_joins_wrapped_symbol():
    doc = Document.from_text("KẾ HOẠCH\nThực hiện Kế hoạch số 211-\nKH/TU của Tỉnh ủy\n\nThực hiện Kế hoạch", "x")
    assert title_lines(doc) == (2, 3)
    assert extract_plan(doc)["title"] == "Thực hiện Kế hoạch số 211-KH/TU của Tỉnh ủy"


def test_appendix_caption_with_blank_number_gives_no_number():
    p = plan_text("KẾ HOẠCH\nVề X\n\nPhụ lục\n(Kèm theo Kế hoạch số      /KH-UBND ngày    /9/2025 của UBND tỉnh)")
    assert p["number"] is None
    assert p["date"] == "2025-09"


def test_signer_after_title_block():
    p = plan_text("KẾ HOẠCH\nVề X\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\n(Đã ký)\n\nNguyễn Văn An\n")
    assert p["signer"] == "Nguyễn Văn An"
    assert p["issuer"] == "Ủy ban nhân dân"


@pytest.mark.parametrize("text, expected", [
    ("ngày 31 tháng 12 năm 2024", "2024-12-31"),
    ("ngày   tháng 7 năm 2025", "2025-07"),
    ("ngày  28  /3 / 2025", "2025-03-28"),
    ("ngày  /9/2025", "2025-09"),
    ("không có ngày", None),
])
def test_parse_date_precision(text, expected):
    assert parse_date(text) == expected


# ---------------------------------------------------------------- abbreviations

@pytest.mark.parametrize("text, expected", [
    ("UBND tỉnh Nghệ An", "Ủy ban nhân dân tỉnh Nghệ An"),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
    ("Thường trực HĐND tỉnh", "Thường trực Hội đồng nhân dân tỉnh"),
    ("Ban TT Uỷ ban MTTQ Việt Nam phường", "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam phường"),
    ("Ban Thường trực UBMTTQVN phường", "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam phường"),
    ("MTTQ VN", "Mặt trận Tổ quốc Việt Nam"),
    ("phát triển KT-XH", "phát triển kinh tế - xã hội"),
    ("TT.Tỉnh ủy, TT. HĐND tỉnh", "Thường trực Tỉnh ủy, Thường trực Hội đồng nhân dân tỉnh"),
    ("VP.UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
])
def test_expand_abbreviations(text, expected):
    assert expand_abbreviations(text) == expected


def test_expand_abbreviations_leaves_symbols_and_ambiguous_uses_alone():
    assert expand_abbreviations("Chỉ thị số 38-CT/TW và Kế hoạch số 40/KH-UBND") == \
        "Chỉ thị số 38-CT/TW và Kế hoạch số 40/KH-UBND"
    assert expand_abbreviations("KT. CHỦ TỊCH") == "KT. CHỦ TỊCH"      # ký thay, not Kinh tế
    assert expand_abbreviations("TT Nội dung") == "TT Nội dung"        # table column "Thứ tự"
    assert expand_abbreviations("Phòng KT xã") == "Phòng Kinh tế xã"


def test_parse_date_rejects_impossible_day_or_month():
    assert parse_date("ngày 99/99/2025") is None


# ---------------------------------------------------------------- header layouts (tests/cases/meta_headers.json)

HEADER_CASES = json.loads((Path(__file__).parent / "cases" / "meta_headers.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", HEADER_CASES, ids=[c["name"] for c in HEADER_CASES])
def test_header_layouts(case):
    p = plan_text(case["text"])
    assert {k: p[k] for k in case["expect"]} == case["expect"]


def test_letter_spaced_words_are_rejoined():
    assert respace("ỦY B AN NHÂN D Â N T HÀNH P HỐ") == "ỦY BAN NHÂN DÂN THÀNH PHỐ"
    assert respace("Nguyễn Hữu Tín") == "Nguyễn Hữu Tín"  # words already whole stay apart


# ---------------------------------------------------------------- real plans (../shared/real)

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"


@pytest.mark.skipif(not (REAL / "gold").is_dir(), reason="needs ../shared/real beside the repository")
def test_real_plan_metadata_matches_gold():
    # The floors: plan number, issuer and date right on at least 85% of the real gold plans.
    from planlineage.extract import evaluate, loaders

    right = {f: 0 for f in ("number", "issuer", "date", "level", "province", "signer")}
    golds = evaluate.load_gold(REAL / "gold")
    for g in golds:
        loaded = loaders.load(REAL / "corpus" / g["source"])
        doc = Document.from_text(loaded.text, g["source"], loaded.grids, paragraph_lines=loaded.format == "docx")
        p = extract_plan(doc)
        for f in right:
            right[f] += evaluate._plan_value(p.get(f)) == evaluate._plan_value(g["plan"].get(f))
    assert {f: n / len(golds) >= 0.85 for f, n in right.items()} == {f: True for f in right}, right


@pytest.mark.skipif(not (REAL / "corpus").is_dir(), reason="needs ../shared/real beside the repository")
def test_every_real_plan_gets_an_issuer_without_the_motto():
    # The 18 real plans without gold too: an issuer is read, never glued to the national motto,
    # and a national body is not placed in the province where it sits.
    from planlineage.extract import loaders

    for path in sorted((REAL / "corpus").iterdir()):
        if path.suffix == ".pdf":  # scans: OCR is slow, and covered by the loader tests
            continue
        loaded = loaders.load(path)
        p = extract_plan(Document.from_text(loaded.text, path.name, loaded.grids,
                                            paragraph_lines=loaded.format == "docx"))
        assert p["issuer"] and "cộng hòa" not in p["issuer"].lower(), (path.name, p["issuer"])
        assert p["province"] is None or p["level"] != "central", (path.name, p)


def test_title_ends_before_a_scanned_stamp_after_a_blank_line():
    """A scan's stamp under the title ('Land' / 'CỔNG THÔNG fR ĐÊN TỬ CHÍNH PHÙ') and the author's
    line are not part of a sentence-case title; a title wrapped over blank lines still joins."""
    head = ("THỦ TƯỚNG CHÍNH PHỦ\nSố: 2229/QĐ-TTg\n\nQUYẾT ĐỊNH\n\n"
            "Phê duyệt Chiến lược phát triển dịch vụ logistics Việt Nam\nthời kỳ 2025 - 2035, tầm nhìn đến 2050\n\n")
    assert plan_text(head + "Land\n\nCỔNG THÔNG fR ĐÊN TỬ CHÍNH PHÙ\nĐ 2 - GiỒ:......G....\n\n"
                     "THỦ TƯỚNG CHÍNH PHỦ\n\nCăn cứ Luật Tổ chức Chính phủ;\n")["title"] == (
        "Phê duyệt Chiến lược phát triển dịch vụ logistics Việt Nam thời kỳ 2025 - 2035, tầm nhìn đến 2050")
    assert plan_text("KẾ HOẠCH\n\nThực hiện Quyết định số 1703/QĐ-TTg ngày 31/12/2024 của\n\n"
                     "Thủ tướng Chính phủ về công tác tiêu chuẩn\n\nI. MỤC ĐÍCH\n")["title"] == (
        "Thực hiện Quyết định số 1703/QĐ-TTg ngày 31/12/2024 của Thủ tướng Chính phủ về công tác tiêu chuẩn")
