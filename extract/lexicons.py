"""Reading the data files of ``extract/lexicon/``: one reader, one kind of error.

Every cue list, abbreviation table and vocabulary of the extractor is a JSON or
TSV file with a header saying where it comes from. A file that is missing,
malformed or lacks a key the rules need raises :class:`ExtractionError` naming
the file, so a broken data file never passes as an empty cue list.

>>> sorted(read_json(LEXICON_DIR / "meta_cues.json"))[:1]  # doctest: +ELLIPSIS
[...]
>>> read_tsv(LEXICON_DIR / "issuers_symbols.tsv")[0][:1]  # doctest: +ELLIPSIS
[...]
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import ExtractionError

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"


def read_json(path: Path, required: tuple[str, ...] = (), what: str = "cue lexicon") -> dict:
    """A JSON lexicon, checked for the keys the rules need.

    path (Path): the file. required (tuple[str, ...]): keys that must be present.
    what (str): what the file is, for the error message.
    RETURNS (dict): the parsed file.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ExtractionError(path, f"cannot be read as a {what} ({e})") from None
    if not isinstance(data, dict):
        raise ExtractionError(path, f"is not a {what}: a JSON object is expected")
    missing = [k for k in required if k not in data]
    if missing:
        raise ExtractionError(path, f"misses the key(s) {', '.join(missing)}")
    return data


def read_tsv(path: Path) -> list[list[str]]:
    """Rows of a TSV lexicon: '#' comment lines and the column-name row left out.

    path (Path): the file. RETURNS (list[list[str]]): the data rows, split at tabs.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ExtractionError(path, f"cannot be read ({e.strerror})") from None
    rows = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return rows[1:]
