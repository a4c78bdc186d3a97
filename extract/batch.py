"""Extract many documents, in parallel when asked, one result per path in order.

>>> results = list(extract_paths([]))
>>> results
[]
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import ExtractionError
from .record import extract_file


@dataclass
class Result:
    """Outcome for one path: a record, or the one-line error that stopped it."""

    path: Path
    record: dict | None = None
    error: str | None = None


def _one(path: Path) -> Result:
    try:
        return Result(path, record=extract_file(path))
    except ExtractionError as e:
        return Result(path, error=str(e))


def _warm() -> None:
    from .nlp import get_nlp

    get_nlp()


#: File endings a directory is searched for (a file named explicitly is always tried).
DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")


def expand(paths) -> list[Path]:
    """Files named by ``paths``; a directory stands for the documents in it (see DOCUMENT_SUFFIXES)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            # Not only regular files: a dangling link or a special file named like a document
            # gets its own error line instead of vanishing from the summary.
            out.extend(sorted(x for x in p.iterdir() if x.suffix.lower() in DOCUMENT_SUFFIXES and not x.is_dir()))
        else:
            out.append(p)
    return out


def extract_paths(paths, jobs: int = 1):
    """Yield a :class:`Result` per file, in the order given; ``jobs`` > 1 uses processes."""
    paths = [Path(p) for p in paths]
    if jobs <= 1 or len(paths) < 2:
        for p in paths:
            yield _one(p)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_warm) as pool:
        yield from pool.map(_one, paths, chunksize=max(1, len(paths) // (jobs * 8)))
