"""Normalisation: NFC, one tone-placement convention, whitespace (properties and cases)."""
import unicodedata

from hypothesis import given, strategies as st

from planlineage.extract.normalize import explain, fold, normalize

CASES = [
    ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
    ("UỶ BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN"),
    ("văn hoá", "văn hóa"),
    ("khoẻ mạnh", "khỏe mạnh"),
    ("thuỷ sản", "thủy sản"),
    ("quý", "quý"),          # qu + vowel: unchanged
    ("hoàng", "hoàng"),      # closed syllable: unchanged
    ("khuỷu", "khuỷu"),
    ("a\u00a0 b\tc", "a b c"),
    ("Ho\u0061\u0301", "Hóa"),  # decomposed input becomes NFC
]


def test_normalize_cases():
    for raw, expected in CASES:
        assert normalize(raw) == expected, raw
    assert len(CASES) == 10


def test_fold_makes_tone_variants_and_missing_diacritics_equal():
    assert fold("Phòng Văn hoá – Xã hội") == fold("phong van hóa - xa hoi")
    assert fold("Uỷ ban") == fold("Ủy ban") == "uy ban"


def test_explain_lists_changes():
    assert explain("Uỷ ban văn hoá, hóa") == [("Uỷ", "Ủy"), ("hoá", "hóa")]


@given(st.text())
def test_normalize_is_idempotent_and_nfc(text):
    once = normalize(text)
    assert normalize(once) == once
    assert unicodedata.is_normalized("NFC", once)
