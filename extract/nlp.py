"""The spaCy pipeline of planlineage: a blank Vietnamese pipeline with our own parts.

* Tokenizer ``planlineage.vi_tokenizer.v1``: whitespace syllables with leading and
  trailing punctuation split off ("đó," -> "đó" ","), but no infix splitting, so a
  document number such as "1703/QĐ-TTg" or a date "31/12/2024" stays one token.
  pyvi word segmentation is not used (see docs/decisions/20261121-tokenizer.md).
* One ``span_ruler`` per label whose patterns are the JSONL files of
  ``extract/patterns/``, one ``{"label", "pattern", "id"}`` per line; spans may
  overlap and land in ``doc.spans["pl"]`` (sorted by ``planlineage_sort_spans``).
  :func:`find_spans` runs only the ruler of the label asked for, on a Doc
  tokenized once per text.

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

    @spacy.Language.factory("planlineage_span_ruler", assigns=["doc.spans"], default_config={
        "spans_key": SPANS_KEY, "phrase_matcher_attr": None, "validate": False, "overwrite": False})
    def make_span_ruler(nlp, name, spans_key, phrase_matcher_attr, validate, overwrite):
        return _anchored_ruler_class()(nlp, name, spans_key=spans_key, phrase_matcher_attr=phrase_matcher_attr,
                                       validate=validate, overwrite=overwrite)

    @spacy.Language.component("planlineage_sort_spans")
    def sort_spans(doc):
        # The per-label rulers append their spans; order them as one ruler would.
        doc.spans[SPANS_KEY] = sorted(doc.spans[SPANS_KEY])
        return doc

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


def pattern_length(tokens: list[dict]) -> int | None:
    """Most tokens a token pattern can match, or None when it has no limit ("+", "*", "{n,}")."""
    length = 0
    for token in tokens:
        op = token.get("OP", "1")
        if op in ("1", "!", "?"):
            length += 1
        elif op.startswith("{") and op.endswith("}") and op[-2:-1].isdigit():
            length += int(op[1:-1].split(",")[-1])
        else:
            return None
    return length


def _token_anchors(token: dict) -> list[tuple[str, str]] | None:
    # A necessary condition on one token: fixed values of LOWER / ORTH (TEXT) / SHAPE,
    # else a REGEX on TEXT or LOWER; None when the token has neither.
    for attr in ("LOWER", "ORTH", "TEXT", "SHAPE"):
        value = token.get(attr)
        name = "ORTH" if attr == "TEXT" else attr
        if isinstance(value, str):
            return [(name, value)]
        if isinstance(value, dict) and set(value) == {"IN"}:
            return [(name, v) for v in value["IN"]]
    for attr in ("LOWER", "ORTH", "TEXT"):
        value = token.get(attr)
        if isinstance(value, dict) and set(value) == {"REGEX"}:
            return [("REGEX_" + ("ORTH" if attr == "TEXT" else attr), value["REGEX"])]
    return None


def pattern_anchors(tokens: list[dict]) -> list[tuple[str, str]] | None:
    """What the first token of any match of a token pattern must be.

    tokens (list[dict]): one token pattern.
    RETURNS (list[tuple[str, str]] | None): (attribute, value) pairs, one of which the
        first matched token meets: ("LOWER" | "ORTH" | "SHAPE", value) for a fixed value,
        ("REGEX_ORTH" | "REGEX_LOWER", regex) for a regex the text must contain. Leading
        optional tokens ("?") add the anchors of the tokens after them. None when a match
        can start at any token or the pattern has no length limit.

    >>> pattern_anchors([{"LOWER": "năm", "OP": "?"}, {"TEXT": {"REGEX": "^20\\d\\d$"}}])
    [('LOWER', 'năm'), ('REGEX_ORTH', '^20\\d\\d$')]
    """
    if not tokens or pattern_length(tokens) is None:
        return None
    anchors: list[tuple[str, str]] = []
    for token in tokens:
        op = token.get("OP", "1")
        found = _token_anchors(token)
        if found is None or op not in ("1", "?"):
            return None
        anchors += found
        if op == "1":
            return anchors
    return None


@lru_cache(maxsize=1)
def _anchored_ruler_class():
    import re

    import numpy
    from spacy.attrs import IDS
    from spacy.matcher import Matcher
    from spacy.pipeline.span_ruler import SpanRuler
    from spacy.tokens import Span

    class AnchoredSpanRuler(SpanRuler):
        """A ``span_ruler`` that runs each token pattern only where a match can start.

        For every token that meets one of a pattern's anchors (:func:`pattern_anchors`:
        a fixed LOWER / ORTH / SHAPE value, or a regex on the text), the patterns with
        that anchor run on a window as long as their longest match. Patterns without
        anchors run on the whole Doc, phrase patterns too. Same spans as
        ``span_ruler``, much less work: a Matcher costs tokens x patterns, and regex
        predicates are Python calls per token.
        """

        _fixed = None

        def add_patterns(self, patterns):
            super().add_patterns(patterns)
            strings = self.nlp.vocab.strings
            fixed: dict[str, dict[int, list]] = {}
            regex: dict[tuple[str, str], list] = {}
            whole = Matcher(self.nlp.vocab)
            for entry in self.patterns:
                tokens = entry["pattern"]
                if isinstance(tokens, str):
                    continue
                key = repr((entry["label"], entry.get("id", "")))
                anchors = pattern_anchors(tokens)
                if anchors is None:
                    whole.add(key, [tokens])
                    continue
                length = pattern_length(tokens)
                for attr, value in dict.fromkeys(anchors):
                    if attr.startswith("REGEX_"):
                        slot = regex.setdefault((attr[len("REGEX_"):], value), [Matcher(self.nlp.vocab), 0])
                    else:
                        slot = fixed.setdefault(attr, {}).setdefault(strings.add(value), [Matcher(self.nlp.vocab), 0])
                    slot[0].add(key, [tokens])
                    slot[1] = max(slot[1], length)
            self._fixed = [(IDS[attr], numpy.array(list(groups), dtype="uint64"), groups)
                           for attr, groups in fixed.items()]
            self._regex = [(IDS[attr], re.compile(rx), matcher, longest)
                           for (attr, rx), (matcher, longest) in regex.items()]
            self._whole = whole if len(whole) else None

        def match(self, doc):
            if self._fixed is None or len(doc) == 0:
                return super().match(doc)
            matches = []
            size = len(doc)

            def run(matcher, i, longest):
                matches.extend((m_id, i + start, i + end) for m_id, start, end in matcher(doc[i:min(size, i + longest)]))

            for attr, keys, groups in self._fixed:
                values = doc.to_array(attr)
                for i in numpy.flatnonzero(numpy.isin(values, keys)).tolist():
                    matcher, longest = groups[int(values[i])]
                    run(matcher, i, longest)
            if self._regex:
                strings = doc.vocab.strings
                for attr, rx, matcher, longest in self._regex:
                    values = doc.to_array(attr).tolist()
                    seen: dict[int, bool] = {}
                    for i, value in enumerate(values):
                        hit = seen.get(value)
                        if hit is None:
                            hit = seen[value] = rx.search(strings[value]) is not None
                        if hit:
                            run(matcher, i, longest)
            if self._whole is not None:
                matches += self._whole(doc)
            if len(self.phrase_matcher):
                matches += self.phrase_matcher(doc)
            label_id = self._match_label_id_map
            return sorted({Span(doc, start, end, label=label_id[m_id]["label"], span_id=label_id[m_id]["id"])
                           for m_id, start, end in matches if start != end})

    return AnchoredSpanRuler


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
    """The pipeline, built on first use: spacy.blank("vi") + our tokenizer + one
    ``planlineage_span_ruler`` per label (``span_ruler_<label>``) + ``planlineage_sort_spans``.

    One ruler per label lets :func:`find_spans` run only the patterns of the label
    it is asked for (a Matcher costs tokens x patterns); the full pipeline still
    puts every span in ``doc.spans["pl"]``, sorted as one ruler would.
    """
    import spacy

    _register()
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "planlineage.vi_tokenizer.v1"}}})
    by_label: dict[str, list[dict]] = {}
    for item in load_patterns():
        by_label.setdefault(item["label"], []).append(item)
    for label, patterns in by_label.items():
        ruler = nlp.add_pipe("planlineage_span_ruler", name=ruler_name(label), config={
            "spans_key": SPANS_KEY, "overwrite": False, "validate": True, "phrase_matcher_attr": "LOWER"})
        try:
            ruler.add_patterns(patterns)
        except Exception as e:  # spaCy names the rule index only; add the file context
            raise PatternError(f"{PATTERN_DIR}: invalid {label} pattern ({str(e).splitlines()[0]})") from None
    nlp.add_pipe("planlineage_sort_spans")
    return nlp


def ruler_name(label: str) -> str:
    """Name of the pipeline's span ruler for one label, e.g. "span_ruler_doc_ref"."""
    return f"span_ruler_{label.lower()}"


@lru_cache(maxsize=8192)
def _tokens(text: str):
    # Cell texts repeat (the same cooperate cell on every row) and several rule
    # modules look at the same text for different labels: tokenize each text once.
    return get_nlp().make_doc(text)


@lru_cache(maxsize=16384)
def _label_spans(text: str, label: str) -> tuple:
    nlp = get_nlp()
    name = ruler_name(label)
    if name not in nlp.pipe_names:
        return ()
    return tuple(nlp.get_pipe(name).match(_tokens(text)))


def find_spans(text: str, label=None):
    """Spans matched by the pattern files in ``text``, sorted as ``doc.spans["pl"]``.

    text (str): normalised text.
    label (str | tuple[str, ...] | None): only the patterns of this label (or
        these labels) are run; None runs all of them.
    RETURNS (list[Span]): spans on one Doc of ``text``, by start, end and label.
    """
    if isinstance(label, str):
        return list(_label_spans(text, label))
    if label is None:
        label = [name[len("span_ruler_"):].upper() for name in get_nlp().pipe_names if name.startswith("span_ruler_")]
    return sorted(s for one in label for s in _label_spans(text, one))


def pipe(texts, batch_size: int = 64):
    """Run the pipeline over many texts (``nlp.pipe``), yielding spaCy Docs."""
    return get_nlp().pipe(texts, batch_size=batch_size)
