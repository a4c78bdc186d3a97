"""The extractor never raises on arbitrary text and always returns a schema-valid record."""
import json
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings, strategies as st

import planlineage
from planlineage.extract import extract_text

SCHEMA = json.loads((Path(planlineage.__file__).parent / "extract" / "schema" /
                     "extraction.schema.json").read_text(encoding="utf-8"))
PLANLIKE = st.lists(st.sampled_from([
    "KẾ HOẠCH", "I. MỤC TIÊU", "II. NHIỆM VỤ VÀ GIẢI PHÁP", "1. Tuyên truyền", "- Tổ chức tập huấn",
    "- Cơ quan chủ trì: Phòng Văn hóa – Xã hội", "- Thời gian thực hiện: Năm 2025", "Phụ lục",
    "TT Nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Thời gian", "I Tuyên truyền", "1 Tổ chức hội nghị",
    "Thực hiện Quyết định số 1703/QĐ-TTg ngày 31/12/2024", "Căn cứ Chỉ thị số 38-CT/TW", "100% công chức",
    "", "a) Đến năm 2030", "Số: 12/KH-UBND", "ngày 5 tháng 7 năm 2025", "TM. ỦY BAN NHÂN DÂN",
]), max_size=40).map("\n".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), PLANLIKE))
def test_extract_text_never_raises_and_is_schema_valid(text):
    record = extract_text(text, "fuzz.txt")
    jsonschema.validate(record, SCHEMA)
