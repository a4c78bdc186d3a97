"""One name per unit: the naming rules of ``data/unit_names.json`` (issue #14).

Plans write the same unit in several ways: "Các sở, ban, ngành", "Các sở, ngành"
and "Các Sở ngành" are one collective addressee; "Các cơ quan có liên quan" and
"Các cơ quan liên quan" one set of bodies. :func:`unit_name` turns a name as
written into its canonical name and its key; :mod:`.build` makes the unit IRI
from the key (within the unit's locality, as before), states the canonical name
as ``skos:prefLabel`` and keeps the spelling of the document as ``skos:altLabel``
in that document's named graph (so each spelling keeps its source).

>>> unit_name("Các Sở ngành")
UnitName(label='Các sở, ban, ngành', key='cac so ban nganh')
>>> unit_name("Các sở, ban, ngành").key == unit_name("Các sở, ngành").key
True
>>> unit_name("Các cơ quan có liên quan")
UnitName(label='Các cơ quan liên quan', key='cac co quan lien quan')
>>> unit_name("Sở KH&CN").label
'Sở Khoa học và Công nghệ'
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .. import DATA_DIR
from .errors import GraphError

RULES = DATA_DIR / "unit_names.json"
_PUNCT = re.compile(r"[^a-z0-9đ]+")


class UnitName(NamedTuple):
    """label (str): canonical name (shown, skos:prefLabel). key (str): folded canonical name (the unit's identity)."""

    label: str
    key: str


def name_key(text: str) -> str:
    """text (str): a name. RETURNS (str): folded, punctuation as single spaces ("Sở, ngành" -> "so nganh")."""
    from ..extract.normalize import fold

    return _PUNCT.sub(" ", fold(text)).strip()


@lru_cache(maxsize=2)
def load_rules(path: Path = RULES) -> tuple[list, dict]:
    """path (Path): the rules file. RETURNS (tuple): ([(compiled pattern, replacement)], {folded form: label}).

    Raises GraphError naming the file and the entry when the file is malformed.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise GraphError(f"{path}: cannot read the unit naming rules ({e})") from None
    subs = []
    for n, rule in enumerate(data.get("equivalents", []), 1):
        try:
            subs.append((re.compile(r"(?<!\w)" + re.escape(rule["pattern"]) + r"(?!\w)", re.I), rule["replace"]))
        except (KeyError, TypeError):
            raise GraphError(f"{path}: equivalents entry {n} needs 'pattern' and 'replace'") from None
    forms = {}
    for n, group in enumerate(data.get("collectives", []), 1):
        if not group.get("label") or not group.get("forms"):
            raise GraphError(f"{path}: collectives entry {n} needs 'label' and 'forms'")
        for form in [group["label"], *group["forms"]]:
            key = name_key(form)
            if forms.get(key, group["label"]) != group["label"]:
                raise GraphError(f"{path}: collectives entry {n}: {form!r} already belongs to {forms[key]!r}")
            forms[key] = group["label"]
    return subs, forms


@lru_cache(maxsize=8192)
def unit_name(name: str) -> UnitName:
    """name (str): a unit as written in a plan. RETURNS (UnitName): its canonical name and key."""
    from ..extract.abbrev import expand_abbreviations
    from ..extract.normalize import normalize

    subs, collectives = load_rules()
    label = expand_abbreviations(normalize(name)).strip()
    for pattern, replace in subs:
        label = pattern.sub(replace, label)
    label = re.sub(r"\s+", " ", label).strip()
    key = name_key(label)
    if key in collectives:
        label = collectives[key]
        key = name_key(label)
    return UnitName(label, key)
