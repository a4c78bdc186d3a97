"""Stable IRIs of documents, tasks, units and places (docs/decisions/20261121-rdf-model.md).

The same input always gives the same IRI, so building twice gives the same graph.

>>> slug("Ủy ban nhân dân tỉnh Quảng Ngãi")
'uy-ban-nhan-dan-tinh-quang-ngai'
>>> doc_iri("1703/QĐ-TTg", "Thủ tướng Chính phủ").value
'https://w3id.org/planlineage/id/doc/1703-qd-ttg'
>>> doc_iri("40/KH-UBND", "Ủy ban nhân dân tỉnh Quảng Ngãi").value
'https://w3id.org/planlineage/id/doc/40-kh-ubnd--uy-ban-nhan-dan-tinh-quang-ngai'
>>> task_iri(doc_iri("38-CT/TW"), "I.1").value
'https://w3id.org/planlineage/id/doc/38-ct-tw/task/i-1'
>>> unit_iri("Phòng Văn hóa – Xã hội", "commune", "Nghệ An", "Châu Tiến").value
'https://w3id.org/planlineage/id/unit/nghe-an/chau-tien/phong-van-hoa-xa-hoi'
"""
from __future__ import annotations

import functools
import json
import re

from pyoxigraph import NamedNode

from .. import DATA_DIR
from ..extract.normalize import fold
from .namespaces import PLID

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """text (str): any text. RETURNS (str): folded, runs of non-alphanumerics as '-'."""
    return _NON_ALNUM.sub("-", fold(text or "").replace("đ", "d")).strip("-")


@functools.lru_cache(maxsize=1)
def _scopes() -> dict:
    return json.loads((DATA_DIR / "unit_scopes.json").read_text(encoding="utf-8"))


def unit_scope(name: str, plan_level: str | None) -> str:
    """Scope of a unit named in a plan of ``plan_level``.

    name (str): the unit's name. plan_level (str | None): central, province or commune.
    RETURNS (str): "national", "province" or "commune".

    >>> unit_scope("Sở Khoa học và Công nghệ", "commune"), unit_scope("Công an phường", "commune")
    ('province', 'commune')
    """
    f = fold(name).replace("đ", "d")
    cues = _scopes()
    if any(f.startswith(p) for p in cues["national_prefixes"]):
        return "national"
    if plan_level == "central":
        return "national"
    if plan_level != "commune":
        return "province"
    words = set(_NON_ALNUM.split(f))
    if any(f.startswith(p) for p in cues["province_prefixes"]) or words & set(cues["province_words"]):
        return "province"
    return "commune"


def is_national_issuer(issuer: str | None) -> bool:
    """issuer (str | None): a body's name. RETURNS (bool): a central body (Chính phủ, Bộ, Ban Bí thư...)."""
    return bool(issuer) and unit_scope(issuer, None) == "national"


def doc_iri(number: str, issuer: str | None = None, province: str | None = None) -> NamedNode:
    """IRI of a document with a number.

    A local issuer (not a central body) is appended, since local symbols such as
    KH-UBND repeat in every province; an issuer without a place name
    ("Ban Thường vụ Tỉnh ủy") is qualified with ``province``.
    number (str): as written, "40/KH-UBND". issuer (str | None): issuing body.
    province (str | None): province of the document that names it.
    RETURNS (NamedNode): plid:doc/<slug>[--<issuer slug>].
    """
    base = "doc/" + slug(number)
    if issuer and not is_national_issuer(issuer):
        who = slug(issuer)
        if province and slug(province) not in who:
            who += "-" + slug(province)
        base += "--" + who
    return PLID[base]


def src_doc_iri(source: str, key: str = "") -> NamedNode:
    """IRI of a document without a number.

    source (str): file name. key (str): the document's version key (graph/versions.py): two
    files whose names fold to one slug (``kế hoạch 1.txt``, ``ke-hoach-1.txt``) stay two documents.
    RETURNS (NamedNode): plid:doc/src/<file stem>--<first 12 hex digits of key>.
    """
    return PLID["doc/src/" + slug(source.rsplit(".", 1)[0]) + (f"--{key[:12]}" if key else "")]


#: Named graph of cross-document facts (resolution, alignment, supersededBy, known documents).
DERIVED_GRAPH = PLID["graph/derived"]
#: Named graph of the store's own bookkeeping (the union seal, kept answers): never part of the
#: union that queries, ``serve`` and ``query FILE.rq`` see, nor of ``export``.
STORE_GRAPH = PLID["graph/store"]
#: Named graph holding the materialised union on a server whose default graph cannot be written
#: (Virtuoso: its default graph is every graph of the server, system graphs included).
UNION_GRAPH = PLID["graph/union"]
#: Where a server without multi-operation transactions (Virtuoso) stages a document before one MOVE.
STAGING_GRAPHS = PLID["graph/staging/"].value
#: Every document's named graph is ``plid:graph/doc/<version key>`` (graph/versions.py).
DOC_GRAPHS = PLID["graph/doc/"].value
#: SPARQL filter on ``?g``: the documents' graphs only (never the store's own graphs nor a server's).
DOC_GRAPH_FILTER = f'FILTER(STRSTARTS(STR(?g), "{DOC_GRAPHS}"))'
#: SPARQL filter on ``?g``: the graphs whose union queries see: the documents' and the derived graph.
CONTENT_GRAPH_FILTER = f'FILTER(STRSTARTS(STR(?g), "{DOC_GRAPHS}") || ?g = {DERIVED_GRAPH})'


def task_iri(doc: NamedNode, ref: str | None, index: int = 0) -> NamedNode:
    """doc (NamedNode): the plan. ref (str | None): task numbering. index (int): position, for tasks without ref.
    RETURNS (NamedNode): <doc>/task/<slug(ref)> or <doc>/task/t<index>.
    """
    return NamedNode(f"{doc.value}/task/{slug(ref) if ref and slug(ref) else f't{index}'}")


def unit_iri(name: str, scope: str, province: str | None = None, commune: str | None = None) -> NamedNode:
    """name (str): unit name. scope (str): national, province or commune. province, commune (str | None): places.
    RETURNS (NamedNode): plid:unit/<vn | province | province/commune>/<slug(name)>.
    """
    if scope == "national":
        where = "vn"
    elif not province:
        where = slug(commune) if commune else "unplaced"
    elif scope == "commune" and commune:
        where = f"{slug(province)}/{slug(commune)}"
    else:
        where = slug(province)
    return PLID[f"unit/{where}/{slug(name)}"]


def place_iri(province: str, commune: str | None = None) -> NamedNode:
    """province (str), commune (str | None). RETURNS (NamedNode): plid:place/<province>[/<commune>]."""
    return PLID["place/" + slug(province) + (f"/{slug(commune)}" if commune else "")]
