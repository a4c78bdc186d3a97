"""The spaCy pipeline of planlineage: a blank Vietnamese pipeline with our own parts.

* Tokenizer ``planlineage.vi_tokenizer.v1``: whitespace syllables with leading and
  trailing punctuation split off ("đó," -> "đó" ","), but no infix splitting, so a
  document number such as "1703/QĐ-TTg" or a date "31/12/2024" stays one token.
  pyvi word segmentation is not used (see docs/decisions/20261121-tokenizer.md).
* A ``span_ruler`` whose patterns are the JSONL files of ``extract/patterns/``,
  one ``{"label", "pattern", "id"}`` per line; spans may overlap and land in
  ``doc.spans["pl"]``.

Text must be normalised (:func:`planlineage.extract.normalize.normalize`) before
it reaches the pipeline; spaCy keeps ``doc.text == text``, so character offsets
are offsets into the normalised text.

Nothing is loaded at import time; :func:`get_nlp` builds the pipeline once.

>>> [s.label_ for s in find_spans("Thực hiện Quyết định số 1703/QĐ-TTg")]  # doctest: +SKIP
['DOC_REF']
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .errors import PatternError

PATTERN_DIR = Path(__file__).resolve().parent / "patterns"
SPANS_KEY = "pl"


def _register() -> None:
    import spacy
    from spacy.lang.punctuation import TOKENIZER_PREFIXES, TOKENIZER_SUFFIXES
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_prefix_regex, compile_suffix_regex, registry

    if "planlineage.vi_tokenizer.v1" in registry.tokenizers.get_all():
        return

    @registry.tokenizers("planlineage.vi_tokenizer.v1")
    def create_tokenizer():
        def make(nlp):
            return Tokenizer(
                nlp.vocab,
                prefix_search=compile_prefix_regex(TOKENIZER_PREFIXES).search,
                suffix_search=compile_suffix_regex(TOKENIZER_SUFFIXES).search,
            )

        return make

    del spacy


def load_patterns(directory: Path = PATTERN_DIR) -> list[dict]:
    """Read every ``*.jsonl`` pattern file; a bad line raises PatternError naming file and line."""
    patterns: list[dict] = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as e:
                raise PatternError(f"{path}:{n}: not valid JSON ({e.msg})") from None
            if not isinstance(item, dict) or "label" not in item or "pattern" not in item:
                raise PatternError(f"{path}:{n}: a pattern needs 'label' and 'pattern'")
            patterns.append(item)
    return patterns


@lru_cache(maxsize=1)
def get_nlp():
    """The pipeline, built on first use (spacy.blank("vi") + our tokenizer + span_ruler)."""
    import spacy

    _register()
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "planlineage.vi_tokenizer.v1"}}})
    ruler = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY, "validate": True, "phrase_matcher_attr": "LOWER"})
    patterns = load_patterns()
    try:
        ruler.add_patterns(patterns)
    except Exception as e:  # spaCy names the rule index only; add the file context
        raise PatternError(f"{PATTERN_DIR}: invalid pattern ({str(e).splitlines()[0]})") from None
    return nlp


@lru_cache(maxsize=8192)
def _parse(text: str):
    # Cell texts repeat (the same cooperate cell on every row) and several rule
    # modules look at the same text for different labels: parse each text once.
    return get_nlp()(text)


def find_spans(text: str, label: str | None = None):
    """Spans matched by the pattern files in ``text`` (optionally only one label)."""
    doc = _parse(text)
    return [s for s in doc.spans[SPANS_KEY] if label is None or s.label_ == label]


def pipe(texts, batch_size: int = 64):
    """Run the pipeline over many texts (``nlp.pipe``), yielding spaCy Docs."""
    return get_nlp().pipe(texts, batch_size=batch_size)
