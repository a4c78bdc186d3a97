"""Bounds on what reading one document may cost, whatever its format.

The loaders check sizes before the expensive step (see :mod:`.loaders`); this module holds
the bounds of the analysis that follows: a time limit per document and a limit on the
number of tasks one plan may hold. Both end in one :class:`~.errors.ExtractionError` line
naming the file, so a batch goes on with the next document.

The largest plan of the bundled and real corpora has a few hundred tasks and is read in well
under a second; the limits are two orders of magnitude above that.

>>> with time_limit("plan.txt", 5):
...     sum(range(10))
45
"""
from __future__ import annotations

import signal
import threading
import zlib
from contextlib import contextmanager

from .errors import ExtractionError

#: Seconds the analysis of one document (after loading) may take.
MAX_DOCUMENT_SECONDS = 120
#: Tasks one plan may hold; a document with more is refused before its graph is built.
MAX_TASKS = 5_000
#: Non-empty lines of text one plan may hold, checked before the analysis (a 500-page PDF
#: has about 20,000; 100,000 one-word bullets in 700 KB do not reach the character limit).
MAX_LINES = 40_000
#: Largest XML part of a Word file once unpacked: the largest document.xml of the real plans is
#: 0.3 MB; parsing 190 MB of XML took 128 s and 2.9 GB.
MAX_DOCX_XML_BYTES = 25 * 2 ** 20


# C0 controls but tab, newline and carriage return; DEL; C1 controls.
_CONTROLS = dict.fromkeys([c for c in range(0x20) if c not in (0x09, 0x0a, 0x0d)] + list(range(0x7f, 0xa0)))


def without_controls(text: str) -> str:
    r"""``text`` without NUL, escape and other control characters (kept out of the graph and the terminal).

    >>> without_controls("Kế\x00 hoạch\x1b[31m\n")
    'Kế hoạch[31m\n'
    """
    return text.translate(_CONTROLS)


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no ``except Exception`` of a reader swallows it."""


@contextmanager
def time_limit(path, seconds: float = MAX_DOCUMENT_SECONDS):
    """Raise ExtractionError naming ``path`` when the block runs longer than ``seconds``.

    Uses SIGALRM, so it applies in the main thread of a process (the CLI and each worker
    process of ``--jobs``); elsewhere (a thread of a server) the block runs unbounded.
    Regular-expression matching is interrupted too (CPython's ``re`` checks for signals).
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise ExtractionError(path, f"took over {seconds:g} s to read (the limit for one document); "
                                    "split it or check it for a runaway line") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)


def check_zip(z, path, total_limit: int, xml_limit: int = MAX_DOCX_XML_BYTES) -> None:
    """Unpack every member of the open ZipFile ``z`` as a stream and refuse the file as soon as
    an XML part passes ``xml_limit`` or all parts pass ``total_limit`` bytes: the real sizes,
    not the sizes the ZIP directory declares, and before any XML is parsed."""
    try:
        _unpack_counted(z, path, total_limit, xml_limit)
    except zlib.error as e:
        raise ExtractionError(path, f"is a damaged ZIP/Word file ({e})") from None


def _unpack_counted(z, path, total_limit: int, xml_limit: int) -> None:
    total = 0
    for info in z.infolist():
        size = 0
        with z.open(info) as f:
            while chunk := f.read(2 ** 20):
                size += len(chunk)
                total += len(chunk)
                if info.filename.endswith((".xml", ".rels")) and size > xml_limit:
                    raise ExtractionError(path, f"holds {info.filename} of over {xml_limit // 2 ** 20} MB of XML, "
                                                "over the limit for one plan; not a plan")
                if total > total_limit:
                    raise ExtractionError(path, f"unpacks to over {total_limit // 2 ** 20} MB; not a plan")


def check_lines(path, text: str, limit: int = MAX_LINES) -> None:
    """Refuse a text with more than ``limit`` non-empty lines before it is analysed."""
    count = text.count("\n") + 1
    if count > limit:
        count -= sum(1 for line in text.split("\n") if not line.strip())
    if count > limit:
        raise ExtractionError(path, f"holds {count:,} lines of text, over the {limit:,} limit for one plan; split it")


def check_tasks(path, count: int, limit: int = MAX_TASKS) -> None:
    """Refuse a document with more than ``limit`` tasks (checked before its graph is built)."""
    if count > limit:
        raise ExtractionError(path, f"holds {count:,} tasks, over the {limit:,} limit for one plan; split it")
