"""SPARQL federation (``SERVICE``) is refused unless its host is allowed (issue #13).

A ``SERVICE <url> { ... }`` pattern makes the engine fetch ``url`` (loopback and private hosts
included) and return what it got: server-side request forgery through ``serve``, and the same
through ``query FILE.rq`` on the embedded store. The query text is read token by token (string
literals, IRIs and comments are skipped whole, so the word inside them does not count); every
``SERVICE`` keyword must name an IRI whose host is allowed. A variable or prefixed name after
``SERVICE`` is refused whatever is allowed (its target is not known before evaluation).

>>> service_targets('SELECT * { SERVICE <http://127.0.0.1:8099/x> { ?s ?p ?o } }')
['http://127.0.0.1:8099/x']
>>> service_targets('SELECT * { ?s <http://x/p> "SERVICE <http://h/>" } # SERVICE <http://h/>')
[]
>>> try:
...     check_federation("select * { service silent ?u { ?s ?p ?o } }", ["h"])
... except GraphError as e:
...     print(e)
query: SERVICE ?u (federation) is refused: only SERVICE <IRI> to an allowed host can run
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import GraphError

_TOKEN = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
                    r'|[?$]?[A-Za-z_][\w.\-]*(?::[\w.\-]*)?|\S', re.DOTALL)


def _tokens(text: str):
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if not tok.startswith("#"):
            yield tok


def service_targets(text: str) -> list[str]:
    """text (str): a SPARQL query or update. RETURNS (list[str]): what each SERVICE names, in order
    (the IRI without brackets, or the variable / prefixed name as written)."""
    toks = list(_tokens(text))
    out = []
    for i, tok in enumerate(toks):
        if tok.upper() == "SERVICE":
            j = i + 1
            if j < len(toks) and toks[j].upper() == "SILENT":
                j += 1
            target = toks[j] if j < len(toks) else ""
            out.append(target[1:-1] if target.startswith("<") else target)
    return out


def check_federation(text: str, allowed=()) -> None:
    """Raise GraphError when ``text`` federates to a host not in ``allowed``.

    text (str): the query. allowed (iterable[str]): host names or host:port the operator allows.
    """
    allowed = {a.lower() for a in allowed}
    for target in service_targets(text):
        if not re.match(r"[a-z][a-z0-9+.\-]*://", target, re.IGNORECASE):
            raise GraphError(f"query: SERVICE {target or '(nothing)'} (federation) is refused: "
                             "only SERVICE <IRI> to an allowed host can run")
        parts = urlsplit(target)
        host = (parts.hostname or "").lower()
        if host not in allowed and parts.netloc.lower() not in allowed:
            raise GraphError(f"query: SERVICE <{target}> (federation) is refused: host {host or '?'} is not allowed")
