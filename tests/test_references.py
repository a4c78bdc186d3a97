"""References and lineage (extract/references.py) on the bundled plans and on small texts.

Facts asserted on the bundled plans were read from data/*.txt: the preamble
("Thực hiện ...; ...; ..."), "Căn cứ" lines, "thay thế" sentences and footnotes.
"""
from pathlib import Path

from planlineage.extract.document import Document
from planlineage.extract.meta import extract_plan
from planlineage.extract.nlp import find_spans
from planlineage.extract.references import extract_references

DATA = Path(__file__).resolve().parents[1] / "data"


def run(text: str, plan: dict | None = None):
    doc = Document.from_text(text, "x.txt")
    plan = plan or extract_plan(doc)
    refs, lineage = extract_references(doc, plan)
    return {r["number"]: r for r in refs}, {(e["child"], e["parent"]) for e in lineage}


def run_file(name: str):
    path = next(DATA.glob(f"{name}_*.txt"))
    return run(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- real documents

def test_thuc_hien_list_makes_three_implements_and_nested_edges():
    refs, edges = run_file("000")
    assert {n for n, r in refs.items() if r["relation"] == "implements"} == {
        "1703/QĐ-TTg", "298/KH-UBND", "1436/SKHCN-QLTĐC"}
    # "Kế hoạch số 298, ngày 28/4/2025, của UBND tỉnh Nghệ An" merged with "298/KH-UBND".
    assert "298" not in refs
    assert refs["298/KH-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Nghệ An"
    assert refs["298/KH-UBND"]["date"] == "2025-04-28"
    # "Kế hoạch số 599/KH-" wrapped onto "UBND"; "UBND tỉnh" resolved to the province.
    assert refs["599/KH-UBND"]["relation"] == "cites"
    assert refs["599/KH-UBND"]["lines"] == [58, 60]
    assert refs["599/KH-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Nghệ An"
    assert refs["1436/SKHCN-QLTĐC"]["issuer"] == "Sở Khoa học và Công nghệ tỉnh Nghệ An"
    assert refs["1436/SKHCN-QLTĐC"]["doc_type"] == "CV"
    assert refs["38-CT/TW"]["relation"] == "cites"
    assert edges == {
        ("self", "1703/QĐ-TTg"), ("self", "298/KH-UBND"), ("self", "1436/SKHCN-QLTĐC"),
        ("1703/QĐ-TTg", "38-CT/TW"), ("298/KH-UBND", "1703/QĐ-TTg"), ("1436/SKHCN-QLTĐC", "298/KH-UBND")}
    assert len(refs) == 7


def test_replaces_and_footnote_edges_and_shared_number():
    refs, edges = run_file("001")
    assert refs["21/KH-UBND"]["relation"] == refs["996/KH-UBND"]["relation"] == "replaces"
    assert refs["996/KH-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Kon Tum"
    # 996/KH-UBND (Kon Tum plan) and 996/QĐ-TTg (decision of 2018) are two documents.
    assert refs["996/QĐ-TTg"]["date"] == "2018-08-10"
    assert refs["1186/TTr-SKHCN"]["relation"] == "cites"           # "xét đề xuất ... tại Tờ trình"
    assert refs["1186/TTr-SKHCN"]["issuer"] == "Sở Khoa học và Công nghệ"
    assert refs["1703/QĐ-TTg"]["relation"] == "implements"
    # Footnotes 1 and 2 describe the replaced plans.
    assert {("21/KH-UBND", "1703/QĐ-TTg"), ("996/KH-UBND", "1703/QĐ-TTg"),
            ("996/KH-UBND", "180-KH/TU"), ("180-KH/TU", "38-CT/TW")} <= edges
    assert ("self", "180-KH/TU") not in edges
    assert refs["180-KH/TU"]["relation"] == "cites"
    assert refs["180-KH/TU"]["date"] == "2024-11-22"               # "ngày 22 tháng 11 năm 2024"


def test_party_plan_implements_directive_and_city_plan():
    refs, edges = run_file("002")
    assert refs["38-CT/TW"]["relation"] == refs["03-KH/TU"]["relation"] == "implements"
    assert refs["07-KH/TU"]["relation"] == "cites"
    assert refs["07-KH/TU"]["issuer"] == "Ban Thường vụ Thành ủy Hải Phòng"
    assert edges == {("self", "38-CT/TW"), ("self", "03-KH/TU"), ("03-KH/TU", "38-CT/TW")}


def test_can_cu_is_based_on_unless_title_subject_and_own_number_is_not_a_reference():
    refs, edges = run_file("003")
    assert refs["38-CT/TW"]["relation"] == "based_on"
    assert refs["211-KH/TU"]["relation"] == "implements"
    assert "345/KH-UBND" not in refs                                  # the plan's own number
    assert refs["21/2024/NQ-HĐND"]["issuer"] == "Hội đồng nhân dân tỉnh An Giang"
    assert refs["36/QĐ-TTg"]["issuer"] == "Thủ tướng Chính phủ"
    assert edges == {("self", "211-KH/TU"), ("211-KH/TU", "38-CT/TW")}


def test_ward_plan_chain():
    refs, edges = run_file("004")
    assert set(refs) == {"40/KH-UBND", "1703/QĐ-TTg", "38-CT/TW"}
    assert refs["40/KH-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert edges == {("self", "40/KH-UBND"), ("40/KH-UBND", "1703/QĐ-TTg"), ("1703/QĐ-TTg", "38-CT/TW")}


# ---------------------------------------------------------------- rules on small texts

PLAN = {"number": None, "province": "Nghệ An"}


def test_docref_patterns_keep_symbol_as_one_token():
    spans = find_spans("Thực hiện Quyết định số 1703/QĐ-TTg, Chỉ thị 38-CT/TW;", "DOC_REF")
    assert [(s.text, s.id_) for s in spans] == [("Quyết định số 1703/QĐ-TTg", "QĐ"), ("Chỉ thị 38-CT/TW", "CT")]


def test_can_cu_gives_based_on_without_lineage():
    refs, edges = run("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ;", PLAN)
    assert refs["30/2020/NĐ-CP"]["relation"] == "based_on"
    assert refs["30/2020/NĐ-CP"]["issuer"] == "Chính phủ"
    assert edges == set()


def test_thay_the_gives_replaces_for_both_coordinated_plans():
    refs, _ = run("Kế hoạch này thay thế Kế hoạch số 3/KH-UBND ngày 01/01/2024 và Kế hoạch số 4/KH-UBND.", PLAN)
    assert refs["3/KH-UBND"]["relation"] == refs["4/KH-UBND"]["relation"] == "replaces"


def test_thuc_hien_list_and_item_not_starting_with_a_document():
    refs, edges = run("Thực hiện Quyết định số 10/QĐ-UBND; Kế hoạch số 5/KH-UBND của UBND tỉnh; "
                      "xét đề nghị tại Tờ trình số 7/TTr-SKHCN, UBND xã ban hành Kế hoạch.", PLAN)
    assert refs["10/QĐ-UBND"]["relation"] == refs["5/KH-UBND"]["relation"] == "implements"
    assert refs["7/TTr-SKHCN"]["relation"] == "cites"
    assert refs["5/KH-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Nghệ An"
    assert edges == {("self", "10/QĐ-UBND"), ("self", "5/KH-UBND")}


def test_wrapped_number_and_space_after_hyphen():
    refs, _ = run("Các mục tiêu tại Kế hoạch số 599/KH-\nUBND ngày 29/8/2022 và Chỉ thị số 38- CT/TW.", PLAN)
    assert set(refs) == {"599/KH-UBND", "38-CT/TW"}
    assert refs["599/KH-UBND"]["lines"] == [1, 2]
    assert refs["599/KH-UBND"]["date"] == "2022-08-29"


def test_number_without_symbol_merges_with_full_form_of_same_type():
    refs, edges = run("Thực hiện Kế hoạch số 298, ngày 28/4/2025, của UBND tỉnh Nghệ An; Công văn số "
                      "1436/SKHCN-QLTĐC về triển khai thực hiện Kế hoạch số 298/KH-UBND ngày 28/4/2025. "
                      "Quyết định số 298/QĐ-TTg.", PLAN)
    assert set(refs) == {"298/KH-UBND", "1436/SKHCN-QLTĐC", "298/QĐ-TTg"}
    assert refs["298/KH-UBND"]["relation"] == "implements"
    assert ("self", "298/KH-UBND") in edges and ("1436/SKHCN-QLTĐC", "298/KH-UBND") in edges


def test_own_number_from_appendix_caption_is_not_a_reference():
    text = "KẾ HOẠCH\nVề X\n\nThực hiện Chỉ thị số 38-CT/TW.\n\n(Kèm theo Kế hoạch số 345/KH-UBND ngày 28/3/2025)"
    refs, edges = run(text)
    assert set(refs) == {"38-CT/TW"}
    assert edges == {("self", "38-CT/TW")}


def test_mid_sentence_thuc_hien_is_not_implements():
    refs, edges = run("- Xây dựng kế hoạch thực hiện Quyết định số 1322/QĐ-TTg ngày 31/08/2020.", PLAN)
    assert refs["1322/QĐ-TTg"]["relation"] == "cites"
    assert refs["1322/QĐ-TTg"]["issuer"] == "Thủ tướng Chính phủ"
    assert edges == set()


def test_documents_without_number_are_not_references():
    refs, _ = run("Căn cứ Luật Ngân sách nhà nước; thực hiện Đề án của Trung ương.", PLAN)
    assert refs == {}


def test_decision_title_that_issues_a_plan_implements_its_document_and_capitals_merge():
    # A decision "VỀ BAN HÀNH KẾ HOẠCH TRIỂN KHAI THỰC HIỆN X" issues the plan that carries X out,
    # though its preamble names X with "Căn cứ"; the symbol in capitals ("QĐ-TTG") is the one written
    # "QĐ-TTg" in the preamble, and a capital-only one gets the symbol's case.
    refs, edges = run(
        "ỦY BAN NHÂN DÂN TỈNH A\nSố: 12/QĐ-UBND\n\nQUYẾT ĐỊNH\n"
        "VỀ BAN HÀNH KẾ HOẠCH TRIỂN KHAI THỰC HIỆN THÔNG TƯ SỐ 09/2013/TT-BXD CỦA BỘ XÂY DỰNG "
        "VỀ HƯỚNG DẪN THỰC HIỆN QUYẾT ĐỊNH SỐ 22/2013/QĐ-TTG CỦA THỦ TƯỚNG CHÍNH PHỦ\n\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\n\n"
        "Căn cứ Thông tư số 09/2013/TT-BXD ngày 01 tháng 7 năm 2013 của Bộ Xây dựng;\n"
        "Căn cứ Quyết định số 22/2013/QĐ-TTg ngày 26 tháng 4 năm 2013 của Thủ tướng Chính phủ;\n\n"
        "QUYẾT ĐỊNH:\n\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n\n"
        "KẾ HOẠCH\n\nTHỰC HIỆN CHỈ THỊ SỐ 27/CT-TTG NGÀY 15 THÁNG 8 NĂM 2024\n\nI. MỤC ĐÍCH\n")
    assert refs["09/2013/TT-BXD"]["relation"] == "implements"
    assert set(refs) == {"09/2013/TT-BXD", "22/2013/QĐ-TTg", "27/CT-TTg"}
    assert ("self", "09/2013/TT-BXD") in edges and ("09/2013/TT-BXD", "22/2013/QĐ-TTg") in edges
    # The plan's own title, after the decision's articles, is a title too.
    assert ("self", "27/CT-TTg") in edges


def test_enacting_words_and_a_wrapped_section_heading_are_not_titles():
    # "QUYẾT ĐỊNH:" before the articles and "BÁO CÁO" ending a wrapped heading start no title: the
    # "thay thế" list after them keeps its relation to its last item.
    refs, _ = run(
        "QUYẾT ĐỊNH\nVỀ VIỆC BAN HÀNH KẾ HOẠCH PHÒNG CHỐNG THIÊN TAI\n\nQUYẾT ĐỊNH:\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Thay thế Quyết định số 3089/QĐ-UBND ngày "
        "24 tháng 8 năm 2021 của Ủy ban nhân dân Thành phố; Quyết định số 1179/QĐ-UBND ngày 13 tháng 4 "
        "năm 2022 của Ủy ban nhân dân tỉnh B.\n\nVII. CHẾ ĐỘ\nBÁO CÁO\n\n"
        "Các đơn vị báo cáo theo Kế hoạch số 5/KH-UBND.\n")
    assert refs["3089/QĐ-UBND"]["relation"] == refs["1179/QĐ-UBND"]["relation"] == "replaces"
    assert refs["5/KH-UBND"]["relation"] == "cites"


def test_last_item_of_a_list_after_its_predecessor_subject_keeps_the_relation():
    refs, edges = run(
        "KẾ HOẠCH\nPHÁT ĐỘNG PHONG TRÀO THI ĐUA\n\n"
        "Thực hiện Chỉ thị số 46-CT/TW ngày 16/5/2025 của Bộ Chính trị về lãnh đạo cuộc bầu cử; "
        "Chỉ thị số 02-CT/TU ngày 05/8/2025 của Ban Thường vụ Tỉnh ủy về lãnh đạo cuộc bầu cử nhiệm kỳ "
        "2026 - 2031 và Chỉ thị số 007/CT-UBND ngày 06/10/2025 của UBND tỉnh về việc tổ chức cuộc bầu cử.\n")
    assert {n for n, r in refs.items() if r["relation"] == "implements"} == {"46-CT/TW", "02-CT/TU", "007/CT-UBND"}
    assert ("self", "007/CT-UBND") in edges


def test_long_description_before_thuc_hien_links_child_to_parent():
    # "... sửa đổi, bổ sung cập nhật Chương trình hành động của Chính phủ thực hiện Nghị quyết ...":
    # eleven words between the two documents, still the first carries out the second.
    _, edges = run(
        "KẾ HOẠCH\nPHÁT TRIỂN KINH TẾ SỐ\n\n"
        "Căn cứ Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ sửa đổi, bổ sung cập nhật Chương "
        "trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;\n")
    assert edges == {("71/NQ-CP", "57-NQ/TW")}


def test_space_typed_before_the_hyphen_of_a_symbol():
    refs, _ = run("KẾ HOẠCH\nPHÒNG CHỐNG THIÊN TAI\n\nCăn cứ Nghị định số 78/2021/NĐ-CP ngày 01 tháng 8 năm 2021 "
                  "của Chính phủ; sửa đổi một số điều của Nghị định số 78/2021/NĐ -CP ngày 01 tháng 8 năm 2021;\n")
    assert set(refs) == {"78/2021/NĐ-CP"}


def test_thay_the_inside_a_task_is_what_the_task_replaces_not_this_plan():
    """'(thay thế Nghị định số 87/2021/NĐ-CP)' in a task row says what the decree to be drafted
    replaces: the plan cites 87/2021/NĐ-CP; its own 'Quyết định này thay thế ...' still replaces."""
    from planlineage.extract.record import extract_text

    record = extract_text(
        "ỦY BAN NHÂN DÂN TỈNH A\nSố: 7/KH-UBND\n\nKẾ HOẠCH\nPhát triển giáo dục\n\n"
        "Kế hoạch này thay thế Kế hoạch số 3/KH-UBND ngày 02/01/2024 của Ủy ban nhân dân tỉnh.\n\n"
        "II. NHIỆM VỤ\n\n"
        "| TT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n|---|---|---|---|---|\n"
        "| 1 | Xây dựng Nghị định về học phí (thay thế Nghị định số 87/2021/NĐ-CP) | Sở Giáo dục và Đào tạo "
        "| Sở Tài chính | 2025 |\n"
        "| 2 | Tổ chức tập huấn cho giáo viên | Sở Giáo dục và Đào tạo | Sở Nội vụ | 2026 |\n", "x.md")
    relation = {r["number"]: r["relation"] for r in record["references"]}
    assert len(record["tasks"]) == 2
    assert relation == {"3/KH-UBND": "replaces", "87/2021/NĐ-CP": "cites"}


def test_purpose_section_names_what_the_plan_carries_out():
    """In MỤC ĐÍCH, '... góp phần ... thực hiện hiệu quả Nghị quyết số 57-NQ/TW' makes this plan
    implement it; 'Kế hoạch của Thủ tướng Chính phủ thực hiện Chỉ thị ...' is another document's."""
    refs, edges = run(
        "KẾ HOẠCH\nPHÁT TRIỂN HẠ TẦNG SỐ\n\n"
        "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;\n\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\n"
        "- Phát triển hạ tầng số, góp phần tăng trưởng kinh tế số và thực hiện hiệu quả Nghị quyết số "
        "57-NQ/TW của Bộ Chính trị.\n"
        "- Bám sát Kế hoạch của Thủ tướng Chính phủ thực hiện Chỉ thị số 38-CT/TW.\n\n"
        "II. NHIỆM VỤ\n\n1. Xây dựng trạm 5G.\n")
    assert refs["57-NQ/TW"]["relation"] == "implements" and ("self", "57-NQ/TW") in edges
    assert refs["38-CT/TW"]["relation"] == "cites" and ("self", "38-CT/TW") not in edges
