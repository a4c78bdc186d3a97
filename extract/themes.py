"""Task theme (the Directive 38-CT/TW task group) and the training flag.

Directive 38-CT/TW sets six groups of tasks, and plans that carry it out keep them
as the headings their tasks sit under: awareness (tuyên truyền, nâng cao nhận
thức), institutions (rà soát, hoàn thiện văn bản, cơ chế, chính sách, quản lý nhà
nước), human_resources (nguồn nhân lực, đào tạo), investment (đầu tư, ngân sách,
hạ tầng, cơ sở dữ liệu), inspection (thanh tra, kiểm tra, giám sát), international
(hội nhập quốc tế, hợp tác). The theme is read from the group heading first and
from the task wording only when the heading names no group; the keyword that
comes first in the text decides (the longest one where two start together), so
"Xây dựng, đào tạo nguồn nhân lực" is human_resources. The keywords are the
``THEME`` patterns of ``patterns/theme.jsonl`` (id = theme).

A task is training when its wording organises, holds or sends people to training:
an ``ACTIVITY`` keyword with id ``training`` (đào tạo, tập huấn, bồi dưỡng) that is
not part of a name such as "Sở Giáo dục và Đào tạo" (id ``not_training``).

>>> from planlineage.extract.document import RawTask
>>> task_theme(RawTask(ref="1", text="Tổ chức hội nghị", group="Tăng cường công tác thanh tra, kiểm tra, giám sát"))
'inspection'
>>> is_training(RawTask(ref="1", text="Cử công chức tham gia các lớp đào tạo, tập huấn"))
True
"""
from __future__ import annotations

from .normalize import normalize

THEMES = ("awareness", "institutions", "human_resources", "investment", "inspection", "international")
OTHER = "other"


def keyword_theme(text: str | None) -> str | None:
    """Theme of the first THEME keyword in a text, or None when there is none.

    text (str | None): a heading or a task wording.
    RETURNS (str | None): one of :data:`THEMES`.

    >>> keyword_theme("Đẩy mạnh hội nhập quốc tế về công tác tiêu chuẩn")
    'international'
    """
    if not text or not text.strip():
        return None
    from .nlp import find_spans

    found = find_spans(normalize(text), "THEME")
    blocked = [s for s in found if s.id_ not in THEMES]
    spans = [s for s in found if s.id_ in THEMES
             and not any(b.start <= s.start and s.end <= b.end for b in blocked)]
    if not spans:
        return None
    return min(spans, key=lambda s: (s.start, -len(s))).id_


def task_theme(raw) -> str:
    """Theme of a raw task: from its group heading, else its wording, else "other".

    raw (RawTask): the task.
    RETURNS (str): a theme of the extraction schema.
    """
    return keyword_theme(raw.group) or keyword_theme(raw.text) or OTHER


def activities(text: str | None) -> list[str]:
    """Activities a text names, in text order, each once (ACTIVITY patterns).

    text (str | None): a task wording.
    RETURNS (list[str]): activity ids (training, communication, dialogue, ...).

    >>> activities("Tổ chức diễn đàn đối thoại, tuyên truyền")
    ['dialogue', 'communication']
    """
    if not text or not text.strip():
        return []
    from .nlp import find_spans

    spans = find_spans(normalize(text), "ACTIVITY")
    blocked = [s for s in spans if s.id_.startswith("not_")]
    out: list[str] = []
    for s in sorted(spans, key=lambda s: s.start):
        if s.id_.startswith("not_"):
            continue
        if any(b.start <= s.start and s.end <= b.end for b in blocked):
            continue
        if s.id_ not in out:
            out.append(s.id_)
    return out


def is_training(raw) -> bool:
    """True when the task's wording organises, holds or sends people to training.

    raw (RawTask): the task.
    RETURNS (bool): whether a training activity is named in the wording.
    """
    return "training" in activities(raw.text)
