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
                prefix_search=AffixSearch(compile_prefix_regex(TOKENIZER_PREFIXES)),
                suffix_search=AffixSearch(compile_suffix_regex(TOKENIZER_SUFFIXES), suffix=True),
            )

        return make

    del spacy


class AffixSearch:
    """``regex.search`` for spaCy's prefix or suffix regex, skipping strings of letters only.

    No prefix or suffix of spaCy's lists is made of letters alone: each contains
    punctuation, a symbol, a digit or "$", or needs a digit before it ("5km"), so
    the regex cannot match a string for which ``str.isalpha()`` holds (tested in
    tests/test_nlp.py). The tokenizer tries both regexes on every chunk of text,
    most chunks of a plan are plain words, and without a warm tokenizer cache the
    suffix regex (tried at every position) is most of the tokenizing time.

    For the suffix regex, a word followed by one other character ("tỉnh,") can only
    have that last character as its suffix (the suffixes that hold letters need a
    digit or an apostrophe before them), so only that position is searched.

    regex (re.Pattern): the compiled prefix or suffix regex.
    suffix (bool): whether ``regex`` is the suffix regex.
    """

    def __init__(self, regex, suffix: bool = False):
        # spaCy serialises a tokenizer's affix search as ``search.__self__.pattern``.
        self.__self__ = regex
        self._search = regex.search
        self._suffix = suffix

    def __call__(self, text: str):
        if text.isalpha():
            return None
        if self._suffix and len(text) > 1 and text[:-1].isalpha():
            return self._search(text, len(text) - 1)
        return self._search(text)


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


def _second_lowers(tokens: list[dict]) -> list[str] | None:
    # LOWER values the second token must have when the first token is required, else None.
    if len(tokens) < 2 or tokens[0].get("OP", "1") != "1" or tokens[1].get("OP", "1") != "1":
        return None
    lower = tokens[1].get("LOWER")
    if isinstance(lower, str):
        return [lower]
    if isinstance(lower, dict) and set(lower) == {"IN"}:
        return list(lower["IN"])
    return None


def _required_token(tokens: list[dict]) -> tuple[str, list[str]] | None:
    # A token that every match has after the first (after the second when that one is
    # checked by _second_lowers): (attribute, fixed values), else ("REGEX_<attribute>", [regex]).
    rest = [t for t in tokens[1 if _second_lowers(tokens) is None else 2:] if t.get("OP", "1") == "1"]
    found = [f for f in map(_token_anchors, reversed(rest)) if f]
    fixed = [f for f in found if not f[0][0].startswith("REGEX_")]
    if fixed:
        return fixed[0][0][0], [value for _, value in fixed[0]]
    return (found[0][0][0], [found[0][0][1]]) if found else None


def _literal(regex: str) -> str | None:
    """The longest run of plain characters every match of ``regex`` contains, or None
    ("^[^\\W\\d_]*/năm$" -> "/năm"); only runs at the top level of the pattern count."""
    import re._constants as C
    import re._parser as P

    parsed = P.parse(regex)
    if parsed.state.flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_VERBOSE):
        return None
    best, run = "", ""
    for op, arg in parsed:
        run = run + chr(arg) if op is C.LITERAL else ""
        best = max(best, run, key=len)
    if not best or set(best) & {"σ", "ς", "Σ"}:
        return None
    return best


def pattern_anchors(tokens: list[dict]) -> list[tuple[str, str]] | None:
    """What the first token of any match of a token pattern must be.

    tokens (list[dict]): one token pattern.
    RETURNS (list[tuple[str, str]] | None): (attribute, value) pairs, one of which the
        first matched token meets: ("LOWER" | "ORTH" | "SHAPE", value) for a fixed value,
        ("REGEX_ORTH" | "REGEX_LOWER", regex) for a regex the text must contain. Leading
        optional tokens ("?") add the anchors of the tokens after them. None when a match
        can start at any token or the pattern has no length limit.

    >>> pattern_anchors([{"LOWER": "năm", "OP": "?"}, {"TEXT": {"REGEX": "^20[0-9]{2}$"}}])
    [('LOWER', 'năm'), ('REGEX_ORTH', '^20[0-9]{2}$')]
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

    from spacy.attrs import IDS, LOWER
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

            def _requirement(required):
                attr, values = required
                if attr.startswith("REGEX_"):
                    return IDS[attr[len("REGEX_"):]], re.compile(values[0])
                return IDS[attr], frozenset(strings.add(w) for w in values)

            # anchor -> [Matcher of the patterns it starts, their longest match, ids of the
            # one-token patterns that are that anchor alone (a hit is their match)]
            fixed: dict[str, dict[int, list]] = {}
            regex: dict[str, dict[str, list]] = {}
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
                alone = len(tokens) == 1 and len(tokens[0]) == 1
                follow = _second_lowers(tokens)
                required = _required_token(tokens)
                for attr, value in dict.fromkeys(anchors):
                    if attr.startswith("REGEX_"):
                        slot = regex.setdefault(attr[len("REGEX_"):], {}).setdefault(value, [None, 0, [], set(), set()])
                    else:
                        slot = fixed.setdefault(attr, {}).setdefault(strings.add(value), [None, 0, [], set(), set()])
                    if alone:
                        slot[2].append(strings.add(key))
                        continue
                    if slot[0] is None:
                        slot[0] = Matcher(self.nlp.vocab)
                    slot[0].add(key, [tokens])
                    slot[1] = max(slot[1], pattern_length(tokens))
                    if slot[3] is not None:
                        slot[3] = None if follow is None else slot[3] | {strings.add(w) for w in follow}
                    if slot[4] is not None:
                        slot[4] = None if required is None else slot[4] | {_requirement(required)}
            self._fixed = [(IDS[attr], {k: tuple(slot) for k, slot in slots.items()}) for attr, slots in fixed.items()]
            self._regex = [(IDS[attr], attr == "LOWER", [(re.compile(rx), _literal(rx), tuple(slot))
                                                         for rx, slot in slots.items()])
                           for attr, slots in regex.items()]
            self._whole = whole if len(whole) else None
            # match key -> (label, id) as string-store hashes, as Span takes them
            self._span_ids = {m_id: (strings.add(v["label"]), strings.add(v["id"]))
                              for m_id, v in self._match_label_id_map.items()}

        def match(self, doc):
            if self._fixed is None or len(doc) == 0:
                return super().match(doc)
            matches = list(self.phrase_matcher(doc)) if len(self.phrase_matcher) else []
            if self._fixed or self._regex:
                matches += self._anchored_matches(doc)
            if self._whole is not None:
                matches += self._whole(doc)
            if not matches:
                return []
            ids = self._span_ids
            return sorted({Span(doc, start, end, label=ids[m_id][0], span_id=ids[m_id][1])
                           for m_id, start, end in matches if start != end})

        def _anchored_matches(self, doc) -> list:
            size = len(doc)
            matches = []
            arrays = {}

            def values_of(attr):
                if attr not in arrays:
                    arrays[attr] = doc.to_array(attr).tolist()
                return arrays[attr]

            tested: dict = {}

            def meets(need, i, end):
                # need: (attribute, fixed value hashes) or (attribute, regex)
                attr, test = need
                if isinstance(test, frozenset):
                    return not test.isdisjoint(values_of(attr)[i:end])
                for value in values_of(attr)[i:end]:
                    key = (test, value)
                    if key not in tested:
                        tested[key] = test.search(doc.vocab.strings[value]) is not None
                    if tested[key]:
                        return True
                return False

            def hit(slot, i):
                matcher, longest, alone, follow, required = slot
                matches.extend((m_id, i, i + 1) for m_id in alone)
                if matcher is None:
                    return
                end = min(size, i + longest)
                # Cheap necessary conditions before running the patterns on the window:
                # every pattern of the slot needs one of these words right after the anchor,
                if follow is not None and (i + 1 >= size or values_of(LOWER)[i + 1] not in follow):
                    return
                # and each needs a token with one of its fixed values somewhere in the window.
                if required is not None and not any(meets(need, i, end) for need in required):
                    return
                window = doc[i:end]
                matches.extend((m_id, i + start, i + end) for m_id, start, end in matcher(window))

            for attr, slots in self._fixed:
                values = values_of(attr)
                for i, value in enumerate(values):
                    if value in slots:
                        hit(slots[value], i)
            strings = doc.vocab.strings
            for attr, lower, slots in self._regex:
                # A regex whose literal is not in the text cannot match any token: token
                # texts are pieces of doc.text and lower() maps characters one by one
                # (_literal keeps no sigma, whose lower case depends on what follows).
                whole = doc.text.lower() if lower else doc.text
                slots = [(rx, slot) for rx, literal, slot in slots if literal is None or literal in whole]
                if not slots:
                    continue
                values = values_of(attr)
                # Each distinct text is tested once against each regex.
                texts = [(value, strings[value]) for value in set(values)]
                passed: dict[int, list] = {}
                for rx, slot in slots:
                    for value, text in texts:
                        if rx.search(text):
                            passed.setdefault(value, []).append(slot)
                if passed:
                    for i, value in enumerate(values):
                        if value in passed:
                            for slot in passed[value]:
                                hit(slot, i)
            return matches

    return AnchoredSpanRuler


def load_patterns(directory: Path = PATTERN_DIR, names: tuple[str, ...] | None = None) -> list[dict]:
    """Read the ``*.jsonl`` pattern files (all, or the ``names`` that exist); a bad line raises
    PatternError naming file and line. Imports no spaCy (the question engine reads these too)."""
    patterns: list[dict] = []
    paths = sorted(directory.glob("*.jsonl")) if names is None else [
        directory / n for n in names if (directory / n).exists()]
    for path in paths:
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


@lru_cache(maxsize=1)
def _rulers() -> dict:
    # label -> its span ruler (looked up once: pipe_names builds a list on every call)
    nlp = get_nlp()
    return {name[len("span_ruler_"):].upper(): nlp.get_pipe(name) for name in nlp.pipe_names
            if name.startswith("span_ruler_")}


@lru_cache(maxsize=16384)
def _label_spans(text: str, label: str) -> tuple:
    ruler = _rulers().get(label)
    if ruler is None:
        return ()
    return tuple(ruler.match(_tokens(text)))


def find_spans(text: str, label=None):
    """Spans matched by the pattern files in ``text``, sorted as ``doc.spans["pl"]``.

    text (str): normalised text.
    label (str | tuple[str, ...] | None): only the patterns of this label (or
        these labels) are run; None runs all of them.
    RETURNS (list[Span]): spans on one Doc of ``text``, by start, end and label.
    """
    if isinstance(label, str):
        return list(_label_spans(text, label))
    return list(_labels_spans(text, tuple(_rulers()) if label is None else tuple(label)))


@lru_cache(maxsize=16384)
def _labels_spans(text: str, labels: tuple) -> tuple:
    # The spans of several labels, merged in order once per text (units asks for
    # UNIT + NONUNIT of the same piece many times).
    return tuple(sorted(s for one in labels for s in _label_spans(text, one)))


def pipe(texts, batch_size: int = 64):
    """Run the pipeline over many texts (``nlp.pipe``), yielding spaCy Docs."""
    return get_nlp().pipe(texts, batch_size=batch_size)
