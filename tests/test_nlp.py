"""The spaCy pipeline's speed-ups find exactly what plain spaCy finds.

The tokenizer skips spaCy's affix regexes on all-letter strings and the span
rulers run patterns only where a match can start (planlineage.extract.nlp); both
must give the same tokens and spans as spaCy's own Tokenizer and span_ruler, on
the bundled plans and on made-up text.
"""
from __future__ import annotations

import json
import random
import re
import sys
import unicodedata

import pytest
import spacy
from spacy.lang.lex_attrs import word_shape
from spacy.lang.punctuation import TOKENIZER_PREFIXES, TOKENIZER_SUFFIXES
from spacy.tokenizer import Tokenizer
from spacy.util import compile_prefix_regex, compile_suffix_regex

from planlineage.extract import nlp, references
from planlineage.extract.document import Document
from planlineage.extract.meta import subjects


@pytest.fixture(scope="module")
def texts(corpus_files) -> list[str]:
    """Every line of the bundled plans, each plan's flowed text, and word salads of them."""
    out = []
    for path in corpus_files:
        doc = Document.from_text(path.read_text(encoding="utf-8"), path.name)
        out += doc.lines
        out.append(references.flow_text(doc, subjects(doc))[0].text)
    words = " ".join(out).split()
    rng = random.Random(0)
    digits = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Nd"]
    extra = ["2025", "1999", "12", "3", "lớp/năm", "Lần/Năm", "02/quý", "1,5", "100%", "9" * 120,
             "19" + rng.choice(digits) + rng.choice(digits), rng.choice(digits) * 2]
    for _ in range(3000):
        out.append(" ".join(rng.choice(words + extra) for _ in range(rng.randint(1, 12))))
    return out


def test_affix_regexes_never_match_a_string_of_letters():
    prefix = compile_prefix_regex(TOKENIZER_PREFIXES)
    suffix = compile_suffix_regex(TOKENIZER_SUFFIXES)
    letters = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isalpha()]
    assert not [c for c in letters if prefix.search(c) or suffix.search(c)]
    rng = random.Random(1)
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 8))) for _ in range(20000)]
    assert not [w for w in words if prefix.search(w) or suffix.search(w)]


def test_suffix_of_a_word_and_one_mark_is_that_mark():
    """AffixSearch looks for the suffix of "tỉnh," at its last character only."""
    suffix = compile_suffix_regex(TOKENIZER_SUFFIXES)
    marks = [chr(c) for c in range(0x10000) if not chr(c).isalpha() and not 0xD800 <= c < 0xE000]
    for word in ("tỉnh", "US", "k", "F"):
        for mark in marks:
            text = word + mark
            whole, last = suffix.search(text), suffix.search(text, len(text) - 1)
            assert (whole and whole.span()) == (last and last.span()), text


def test_tokenizer_splits_as_spacy_does(texts):
    ours = nlp.get_nlp().tokenizer
    assert isinstance(ours.suffix_search, nlp.AffixSearch)
    plain = Tokenizer(ours.vocab, prefix_search=compile_prefix_regex(TOKENIZER_PREFIXES).search,
                      suffix_search=compile_suffix_regex(TOKENIZER_SUFFIXES).search)
    for text in texts + ["(Sở Tư pháp),", "“Kế hoạch”.", "5km 10% US$3 ...", "UBND;"]:
        assert [(t.text, t.whitespace_) for t in ours(text)] == [(t.text, t.whitespace_) for t in plain(text)]


def test_tokenizer_still_serialises():
    data = nlp.get_nlp().tokenizer.to_bytes()
    fresh = Tokenizer(nlp.get_nlp().vocab).from_bytes(data)
    assert [t.text for t in fresh("(Sở Tư pháp),")] == ["(", "Sở", "Tư", "pháp", ")", ","]


def test_anchored_rulers_find_the_spans_of_spacys_span_ruler(texts):
    pipeline = nlp.get_nlp()
    reference = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "planlineage.vi_tokenizer.v1"}}})
    ruler = reference.add_pipe("span_ruler", config={"spans_key": "pl", "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(nlp.load_patterns())
    labels = [name for name in pipeline.pipe_names if name.startswith("span_ruler_")]
    found = 0
    for text in texts:
        doc = pipeline.make_doc(text)
        expected = ruler.match(doc)
        for name in labels:
            label = name[len("span_ruler_"):].upper()
            got = [(s.start, s.end, s.label_, s.id_) for s in pipeline.get_pipe(name).match(doc)]
            assert got == [(s.start, s.end, s.label_, s.id_) for s in expected if s.label_ == label], (name, text)
            found += len(got)
    assert found > 10000


def test_shapes_stated_in_patterns_follow_from_their_regexes():
    """A token pattern with a REGEX and a SHAPE: every text the regex accepts has one of the shapes."""
    rng = random.Random(2)
    digits = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Nd"]
    samples = ["".join(rng.choice(digits if rng.random() < 0.5 else "0123456789") for _ in range(rng.randint(1, 6)))
               for _ in range(20000)] + ["2025", "1999", "7" * 100, "1" * 150, "31", "09"]
    checked = 0
    for item in nlp.load_patterns():
        for token in item["pattern"] if isinstance(item["pattern"], list) else []:
            if "SHAPE" not in token or "TEXT" not in token:
                continue
            shapes = token["SHAPE"]["IN"] if isinstance(token["SHAPE"], dict) else [token["SHAPE"]]
            regex = re.compile(token["TEXT"]["REGEX"])
            accepted = [s for s in samples if regex.search(s)]
            assert accepted and all(word_shape(s) in shapes for s in accepted), json.dumps(token)
            checked += 1
    assert checked >= 10


def test_pattern_anchors():
    assert nlp.pattern_anchors([{"LOWER": "kế"}, {"LOWER": "hoạch"}]) == [("LOWER", "kế")]
    assert nlp.pattern_anchors([{"LOWER": "năm", "OP": "?"}, {"TEXT": {"REGEX": "^20\\d\\d$"}}]) == [
        ("LOWER", "năm"), ("REGEX_ORTH", "^20\\d\\d$")]
    assert nlp.pattern_anchors([{"IS_SPACE": True}, {"LOWER": "x"}]) is None
    assert nlp.pattern_anchors([{"LOWER": "x"}, {"LOWER": "y", "OP": "+"}]) is None
