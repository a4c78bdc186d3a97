"""Tasks of a plan read from its blocks: numbered items, labelled lines, assignments.

The blocks of :mod:`.layout` are nested by their numbering (``I.`` over ``1.`` over
``1.1.`` over ``a)`` over ``-`` over ``+``): a block of a numbering family already
open closes everything opened after it, a new family opens one level deeper. The
top-level sections are then classified by their titles
(``lexicon/layout_cues.json``): sections that hold no task (purposes, objectives,
awards, funding), sections of tasks, and assignment sections ("TỔ CHỨC THỰC
HIỆN").

In a section of tasks (the LABELLED and INLINE layouts of ``ANNOTATION.md``):

* an item with no sub-item is a task; its '+' details are part of its text;
* a label ("Cơ quan chủ trì: X", "Thời gian thực hiện: ...", or an item reading
  "Cơ quan chủ trì" over a list of units) is not a task: it applies to every task
  of the item it stands under, at any depth; a task's own label wins;
* responsibility clauses in the task's wording ("(Sở X chủ trì; thời gian: 2025)",
  "Giao Sở X chủ trì, phối hợp với ...") are read by :mod:`.bullets`' clause rules.

An assignment section (ASSIGN) lists duties unit by unit: an item that names a
unit ("1. Sở Tư pháp", "- Công an tỉnh:", "a) Sở Y tế: ...") over its duties.
Those duties are the tasks of a plan that has no task of another layout.

>>> from planlineage.extract.document import Document
>>> text = "II. NHIỆM VỤ\\n1. Tuyên truyền\\n- Tổ chức hội nghị.\\n- Cơ quan chủ trì: Phòng Văn hóa.\\nIII. TỔ CHỨC THỰC HIỆN\\n1. Sở Tư pháp\\n- Hướng dẫn."
>>> [(t.ref, t.text, t.lead) for t in section_tasks(Document.from_text(text, "x.txt"))]
[('1.1', 'Tổ chức hội nghị.', 'Phòng Văn hóa')]
>>> [(t.ref, t.text, t.lead) for t in assignment_tasks(Document.from_text(text, "x.txt"))]
[('1.1', 'Hướng dẫn.', 'Sở Tư pháp')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import bullets
from .document import Document, RawTask
from .layout import Block, is_caps, read_blocks
from .lexicons import read_json
from .normalize import collapse, cue_key, fold, fold_chars

LEXICON = Path(__file__).resolve().parent / "lexicon" / "layout_cues.json"
FIELDS = ("lead", "cooperate", "period", "product")
#: Key beside the fields: the lead that a unit heading gave the items under it.
_HEADING = "heading_lead"
_BULLETS = ("dash", "plus", "star")

#: Numbering families that always open the outer levels, outermost first.
_TOP = ("upper", "roman")


@lru_cache(maxsize=1)
def cues() -> dict:
    return read_json(LEXICON, ("section_skip", "section_assign", "section_tasks", "label_headings",
                               "table_columns", "body_end", "indicator_content", "content_labels", "section_tasks_explicit", "time_openers", "part_words", "table_ref", "table_not_lead", "detail_kinds", "unit_prefixes", "group_skip", "criteria_leadin",
                               "criteria_tail", "definition_openers"),
                     "layout cue lexicon")


#: Folded text with punctuation as spaces: the form cues are compared with.
key = cue_key


def _has(text_key: str, words) -> bool:
    """Whether a folded key contains one of the cue words as whole words."""
    return _words_rx(tuple(words)).search(text_key) is not None


@lru_cache(maxsize=64)
def _words_rx(words: tuple) -> re.Pattern:
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z0-9])")


@dataclass
class Node:
    block: Block | None
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None
    #: What :func:`_labels_of` read, once.
    labels: object = None

    @property
    def kind(self) -> str:
        return self.block.kind if self.block else "root"

    @property
    def text(self) -> str:
        return self.block.text if self.block else ""

    def items(self) -> list["Node"]:
        return [c for c in self.children if c.block is not None and c.block.is_item]

    def paras(self) -> list["Node"]:
        return [c for c in self.children if c.block is not None and c.kind == "para"]


def doc_tree(doc: Document) -> Node:
    """The tree of a document's blocks, built once per document."""
    tree = getattr(doc, "_tree", None)
    if tree is None:
        tree = doc._tree = build_tree(read_blocks(doc))
    return tree


def build_tree(blocks: list[Block]) -> Node:
    """Nest blocks by numbering family (see the module docstring); tables are left out."""
    root = Node(None)
    stack: list[Node] = [root]
    for b in blocks:
        if b.is_table:
            continue
        node = Node(b, labels=_UNSET)
        if _is_end(b):
            # "Nơi nhận:" and the signature close the body: nothing after them is a task.
            stack = [root]
            node.parent = root
            root.children.append(node)
            stack.append(node)
            continue
        if b.kind == "para":
            if b.heading and len(b.text) < 120 and not b.text.endswith((".", ";", ",")) and is_caps(b.text):
                # A heading in capitals without a number ("KẾ HOẠCH", "PHỤ LỤC") starts anew at the top.
                stack = [root]
                node.parent = root
                root.children.append(node)
                continue
            parent = stack[-1]
            node.parent = parent
            parent.children.append(node)
            continue
        if b.kind.startswith("dotted") and b.marker and "." in b.marker:
            # "7.1" goes under the open item "7", whatever bullets were opened below it.
            up = b.marker.rsplit(".", 1)[0]
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].block.marker == up and stack[depth].kind not in _BULLETS:
                    del stack[depth + 1:]
                    break
        kinds = [n.kind for n in stack[1:]]
        if b.kind in _TOP:
            # Parts and Roman sections are always the outer levels, whatever came before them.
            while len(stack) > 1 and (stack[-1].kind not in _TOP or _TOP.index(stack[-1].kind) >= _TOP.index(b.kind)):
                stack.pop()
        elif b.kind in kinds:
            del stack[kinds.index(b.kind) + 1:]
        parent = stack[-1]
        node.parent = parent
        parent.children.append(node)
        stack.append(node)
    return root


def _is_end(b: Block) -> bool:
    k = key(b.text)
    return any(k.startswith(c) for c in cues()["body_end"])


def _label_name(text: str) -> str | None:
    """The field of an item whose whole text is a label heading ("Cơ quan chủ trì")."""
    return _label_keys().get(key(text))


@lru_cache(maxsize=1)
def _label_keys() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in FIELDS:
        for cue in cues()["label_headings"][name]:
            out.setdefault(key(cue), name)
    return out


def _labels_of(node: Node) -> dict | None:
    """field -> value when the node is a label (or a heading over labels), else None."""
    if node.labels is _UNSET:
        node.labels = _read_labels(node)
    return node.labels


_UNSET = object()


def _read_labels(node: Node) -> dict | None:
    text = node.text
    before, found = bullets.labelled_clauses(text)
    if found and not before.strip(" -–:."):
        return dict(found)
    name = _label_name(text.rstrip(" :."))
    if name is None:
        return None
    out: dict = {}
    subs = node.items()
    sub_labels = [(c, _labels_of(c)) for c in subs]
    if subs and all(lab is not None for _, lab in sub_labels):
        for _, lab in sub_labels:
            for k, v in lab.items():
                out.setdefault(k, v)
        return out
    values = [c.text.rstrip(" ;.") for c in subs] + [p.text for p in node.paras()]
    if values:
        out[name] = "; ".join(values)
    return out


def _section_class(title: str) -> str | None:
    k = key(title)
    c = cues()
    if any(k.startswith(e) for e in c["body_end"]):
        return "skip"
    if _has(k, c["section_assign"]):
        return "assign"
    if _has(k, c["section_skip"]):
        return "skip"
    if _has(k, c["section_tasks"]):
        return "tasks"
    return None


def _sections(root: Node) -> list[tuple[Node, str | None]]:
    """Top-level sections with their class; a heading over sub-sections ("B. NỘI DUNG ...") passes
    its class to them."""
    out = []

    def visit(node: Node, inherited: str | None) -> None:
        for c in node.children:
            if c.block is None or c.kind == "para" and not c.children:
                continue
            if c.kind in ("roman", "upper", "para"):
                cls = _section_class(c.text) or inherited
                out.append((c, cls))
            elif node is root:
                out.append((c, _section_class(c.text)))

    visit(root, None)
    return out


def _token(node: Node) -> str:
    b = node.block
    if b is None:
        return ""
    if b.kind in _BULLETS or b.marker is None:
        same = [c for c in (node.parent.children if node.parent else []) if c.kind == b.kind]
        return str(same.index(node) + 1)
    return b.marker


def _ref(path: list[Node]) -> str:
    parts: list[str] = []
    for n in path:
        t = _token(n)
        if parts and "." in t and t.startswith(parts[-1] + "."):
            parts[-1] = t
        elif t:
            parts.append(t)
    return ".".join(parts)


def _details(node: Node) -> str:
    """The item's text with its '+' details and its paragraphs joined."""
    parts = [node.text]
    for c in node.children:
        if c.block is None or _labels_of(c) is not None:
            continue
        parts.append(_details(c) if c.kind in cues()["detail_kinds"] or c.kind == "para" else c.text)
    return collapse(" ".join(parts))


def _is_heading_only(node: Node) -> bool:
    t = node.text.rstrip()
    return t.endswith(":") or node.block.heading or not t.endswith((".", ";", "!", "?", "…"))


def _criteria_leadin(text: str) -> bool:
    """A line that announces criteria, requirements or priority rules ("... có một trong các điều
    kiện sau:", "... theo thứ tự ưu tiên sau đây:"): what follows it is no task."""
    if not text.rstrip().endswith(":"):
        return False
    k = key(text).strip()
    return _has(k, cues()["criteria_leadin"]) and any(k == t or k.endswith(" " + t) for t in cues()["criteria_tail"])


def _announced_criteria(node: Node) -> set[int]:
    """ids of the bullets of ``node`` that a criteria lead-in paragraph just before them announces."""
    out, open_ = set(), False
    for c in node.children:
        if c.block is None:
            continue
        if c.kind == "para":
            open_ = _criteria_leadin(c.text)
        elif c.kind in _BULLETS and open_:
            out.add(id(c))
        else:
            open_ = False
    return out


def _task_children(node: Node) -> list[Node]:
    detail = set(cues()["detail_kinds"])
    subs = [c for c in node.items() if _labels_of(c) is None]
    if node.kind in _BULLETS + ("letter", "arabic", "dotted2", "dotted3") and subs and all(c.kind in detail for c in subs):
        return []  # '+' lines detail the item above them
    return subs


def _make(node: Node, path: list[Node], labels: dict, group: str | None, layout: str,
          text: str | None = None, lines: tuple[int, int] | None = None) -> RawTask:
    text = text if text is not None else _details(node)
    m = _content_rx().match(fold_chars(text))
    text = text[m.end():] if m else text
    text, inline = bullets.inline_clauses(text)
    fields = dict(labels)
    lead = fields.get("lead")
    if lead and any(rx.search(fold_chars(lead)) for rx in bullets.responsibility_rx()):
        # "Cơ quan thực hiện: Sở X chủ trì, phối hợp với Y": the label's value is itself a clause.
        said = bullets.responsibility_clauses(lead)
        if said.get("lead"):
            fields["lead"] = said["lead"]
            if said.get("cooperate"):
                fields["cooperate"] = "; ".join(x for x in (fields.get("cooperate"), said["cooperate"]) if x)
    for k, v in inline.items():
        if k in ("lead", "cooperate") and not _names_unit(v):
            continue  # "Kiểm tra việc chủ trì ..." names an activity, not a unit
        fields.setdefault(k, v)
    if "period" not in inline:
        own = _own_time(text)
        if own:
            fields["period"] = own  # "... (từ 17/12/2025 đến 25/01/2026)." beats its group's "Đợt 1: ..."
    from .units import HEADING_LEAD

    # The lead a heading gave (no label or clause of the item replaced it) is a name and nothing else.
    whole = [HEADING_LEAD] if fields.get("lead") and fields.get("lead") == labels.get(_HEADING) else []
    return RawTask(ref=_ref(path) or None, text=collapse(text.lstrip("-–—+* ")), group=group,
                   lead=fields.get("lead"), cooperate=fields.get("cooperate"), period=fields.get("period"),
                   product=fields.get("product"), lines=lines or (node.block.lines[0], _last_line(node)), layout=layout,
                   notes=whole)


_TRAILING_PAREN = re.compile(r"\(([^()]{4,80})\)\s*(?:[.;]\s*)?$")


def _own_time(text: str) -> str | None:
    """A task's own dates in a parenthesis that ends it ("(từ 17/12/2025 đến 25/01/2026)"), or None."""
    from .dates import parse_dates, time_spans

    m = _TRAILING_PAREN.search(text)
    if not m:
        return None
    inner = m.group(1).strip()
    if re.fullmatch(r"(?:ngày\s*)?\d{1,2}/\d{1,2}/\d{4}", inner, re.IGNORECASE):
        return None  # "(ngày 15/3/2026)": the day of an event the task names, not its own time
    spans = time_spans(inner)
    if not spans or spans[0][1] > 4:
        return None
    return inner if any(parse_dates(inner)) else None


def _last_line(node: Node) -> int:
    """Last line of an item and its details; its own label lines are not part of the task."""
    last = node.block.lines[1]
    for c in node.children:
        if c.block is not None and _labels_of(c) is None:
            last = max(last, _last_line(c))
    return last


def _intro_lead(node: Node, first: Node) -> str | None:
    """The unit an introductory paragraph of a group names as doing its items (the paragraph
    stands before the first item and ends with ':')."""
    from .units import subject_units

    for c in node.children:
        if c is first:
            break
        if c.kind != "para" or not c.text.rstrip().endswith(":"):
            continue
        for clause in re.split(r",\s+", c.text):
            lead, _ = subject_units(clause)
            if lead:
                return "; ".join(lead)
    return None


def _heading_time(text: str) -> str | None:
    """The time words of a group heading: from its first date to its last."""
    from .dates import _DATE_KINDS, time_spans

    spans = [(a, b) for k, a, b in time_spans(text) if k in _DATE_KINDS]
    if not spans:
        return None
    start, end = spans[0][0], spans[-1][1]
    words = fold_chars(text[:start]).split()
    if words and words[-1] in cues()["time_openers"]:
        start = text[:start].rstrip().rfind(" ") + 1  # "Từ ngày 05/12/2025 ...": the opening word too
    return text[start:end].strip()


@lru_cache(maxsize=1)
def _content_rx() -> re.Pattern:
    words = sorted(cues()["content_labels"], key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(re.escape(w) for w in words) + r")\s*:\s*")


def _names_unit(text: str) -> bool:
    from .units import starts_with_unit

    return starts_with_unit(text)


def _walk(node: Node, path: list[Node], labels: dict, group: str | None, out: list[RawTask],
          section: bool = False) -> None:
    own = dict(labels)
    for c in node.children:
        lab = _labels_of(c) if c.block is not None else None
        if lab:
            own.update(lab)
    subs = _task_children(node)
    if node.block is not None and node.kind not in _TOP and subs and _criteria_leadin(node.text):
        return  # "1.2. ... có một trong các điều kiện sau:" over the conditions
    if subs:
        criteria = _announced_criteria(node)
        if criteria and all(id(c) in criteria for c in subs):
            return  # a group of rules ("... theo thứ tự ưu tiên sau đây:" and its list), no action
        subs = [c for c in subs if id(c) not in criteria]
    if node.block is not None and node.kind not in _TOP and node.kind not in _BULLETS and subs and any(
            key(node.text).startswith(c) for c in cues()["group_skip"]):
        return  # "1. Mục tiêu phát triển" inside a section of contents: what to reach, not tasks
    if (len(subs) == 1 and node.block is not None and node.kind not in _TOP
            and _content_rx().match(fold_chars(subs[0].text))):
        # "a) Hoạt động 1" over "- Nội dung: ..." and its labels: the item is the task, the
        # content line gives its wording.
        c = subs[0]
        for cc in c.children:
            lab = _labels_of(cc) if cc.block is not None else None
            if lab:
                own.update(lab)
        out.append(_make(c, path, own, group, "letters" if node.kind == "letter" else "bullets"))
        return
    unit = _heading_unit(node)
    if unit:
        own["lead"] = own[_HEADING] = unit  # "1. Sở Y tế" over its items: the heading names who does them
    if subs and "lead" not in own:
        intro = _intro_lead(node, subs[0])
        if intro:
            own["lead"] = intro  # "..., Ban Thường trực ... tổ chức thực hiện các hình thức sau:"
    if subs and node.block is not None and node.kind not in _TOP and "period" not in own:
        clause = _heading_time(node.text)
        if clause:
            own["period"] = clause  # "1. Đợt 1: Từ ngày 05/12/2025 đến ngày 20/02/2026:" times its items
    if not subs:
        if node.block is None or _labels_of(node) is not None or node.kind in _TOP:
            return  # a section with a sentence and no item is not a task
        if node.kind == "para" or _has(" ".join(key(node.text).split()[:1]), cues()["definition_openers"]):
            return  # "1.1. Là người có tên trong danh sách ...": who qualifies, not an action
        text, lines = None, None
        paras = [p for p in node.paras() if _labels_of(p) is None]
        if _is_heading_only(node) and paras:
            # "3. Phát triển nguồn nhân lực" over a paragraph: the paragraph is the task; an item
            # ending in ':' ("2.1.a. Thành lập Ban Chỉ đạo:") opens the sentence that the paragraph goes on.
            text = collapse(" ".join(p.text for p in paras))
            lines, group = (paras[0].block.lines[0], paras[-1].block.lines[1]), node.text
            if node.text.rstrip().endswith(":") and not node.block.heading:
                text, lines = collapse(node.text + " " + text), (node.block.lines[0], lines[1])
        elif _is_heading_only(node) and (node.block.heading or node.text.rstrip().endswith(":") and not any(
                c.block is not None and _labels_of(c) is None for c in node.children)):
            return  # a title, or "Bước 1:" over nothing of its own
        out.append(_make(node, path, own, group, "letters" if node.kind == "letter" else "bullets", text, lines))
        return
    _group_labels_of_last(node, subs, own)
    heading = node.text if node.block is not None and not section else group
    if heading and group and heading != group and _names_theme(group) and not _names_theme(heading):
        heading = group  # "1. Nội dung, biện pháp" under "II. BAN HÀNH VĂN BẢN ...": the group is II
    for c in subs:
        _walk(c, path + [c], own, heading or group, out)


def _heading_unit(node: Node) -> str | None:
    """The unit a numbered group heading names and nothing else ("2. Sở Tài chính", "a) Ủy ban
    nhân dân các xã, phường"), when items or a paragraph stand under it and at least half of its
    numbered siblings (two or more) name a unit too: a list of units, not of topics."""
    if node.block is None or node.kind in _TOP or node.kind in _BULLETS or not node.children:
        return None
    unit = _only_unit(node.text)
    if unit is None or node.parent is None:
        return unit
    sibs = [c for c in node.parent.items() if c.kind == node.kind]
    named = sum(1 for c in sibs if _only_unit(c.text))
    return unit if named >= 2 and 2 * named >= len(sibs) else None


def _only_unit(text: str) -> str | None:
    text = text.rstrip(" :")
    if text.endswith((".", ";")) or ":" in text:
        return None
    u = _unit_heading(text)
    return u[0] if u and not u[1] else None


def _names_theme(text: str) -> bool:
    from .themes import keyword_theme

    return keyword_theme(text) is not None


def _group_labels_of_last(node: Node, subs: list[Node], own: dict) -> None:
    """Labels under the last item of a group, when no other item has labels of its own, label the
    whole group ("a) ...", "b) ...", then "Cơ quan chủ trì: ..."): they move up to the group."""
    if len(subs) < 2:
        return
    def labels(n):
        return [_labels_of(c) for c in n.children if c.block is not None and _labels_of(c)]
    if any(labels(n) for n in subs[:-1]) or _task_children(subs[-1]):
        return
    last = labels(subs[-1])
    unmarked = [c for c in subs[-1].children if c.block is not None and _labels_of(c) and c.kind == "para"]
    if last and len(unmarked) == len(last):
        for lab in last:
            for k, v in lab.items():
                own.setdefault(k, v)


def section_tasks(doc: Document) -> list[RawTask]:
    """Tasks of the task sections of a plan (LABELLED and INLINE layouts)."""
    root = doc_tree(doc)
    sections = _sections(root)
    has_tasks = any(cls == "tasks" for _, cls in sections)
    has_assign = any(cls == "assign" for _, cls in sections)
    out: list[RawTask] = []
    used: list[Node] = []
    for node, cls in sections:
        # A section whose title names no kind holds tasks beside the plan's task sections; in a
        # plan without one, only when no section assigns the work unit by unit either.
        if cls == "tasks" or (cls is None and node.kind == "roman" and (has_tasks or not has_assign)):
            before = len(out)
            _walk(node, [node], {}, None, out, section=True)
            if len(out) > before:
                used.append(node)
    if len(used) == 1 and used[0].block is not None and used[0].block.marker:
        # One section holds every task: refs start below it ("2.3", not "II.2.3"), as the
        # annotation writes them; with several sections the section numeral tells them apart.
        head = used[0].block.marker + "."
        for t in out:
            if t.ref and t.ref.startswith(head):
                t.ref = t.ref[len(head):]
    return out


def names_its_tasks(doc: Document) -> bool:
    """True when a section title says it holds the plan's tasks ("NHIỆM VỤ", "GIẢI PHÁP"),
    not only what is to be done ("NỘI DUNG THỰC HIỆN")."""
    root = doc_tree(doc)
    return any(cls == "tasks" and _has(key(n.text), cues()["section_tasks_explicit"]) for n, cls in _sections(root))


# -- leads named by reference ---------------------------------------------------

_ROMAN_REF = re.compile(r"^[IVX]+(?:\.|$)")
_PARTS = r"\s*((?:\(\s*[IVX\d]+(?:\.\d+)*\s*\)\s*|\(\s*[a-zđ]\s*\)\s*)+)"
_TOKEN = re.compile(r"\(\s*([IVX\d]+(?:\.\d+)*|[a-zđ])\s*\)")


@lru_cache(maxsize=1)
def _part_rx() -> re.Pattern:
    """'mục (IV) (1)': a part word of the lexicon and the numbers of the part in parentheses."""
    words = "|".join(re.escape(w) for w in cues()["part_words"])
    return re.compile(rf"(?:{words}){_PARTS}", re.IGNORECASE)


def part_prefixes(text: str) -> list[str]:
    """Refs of the parts of the plan a duty names ("tại mục (IV) (4.1) (4.2)" -> IV.4.1, IV.4.2).

    >>> part_prefixes("Chủ trì triển khai các nhiệm vụ tại mục (IV) (4.1) (4.2) và Phụ lục")
    ['IV.4.1', 'IV.4.2']
    >>> part_prefixes("Chủ trì các nhiệm vụ tại mục (IV)(3.4)(a);"), part_prefixes("tại mục (IV) (1)")
    (['IV.3.4.a'], ['IV.1'])
    """
    out: list[str] = []
    for m in _part_rx().finditer(text):
        tokens = _TOKEN.findall(m.group(1))
        if not tokens:
            continue
        paths: list[list[str]] = [[tokens[0]]]
        last_depth = None
        for t in tokens[1:]:
            if re.fullmatch(r"[a-zđ]", t):
                paths[-1].append(t)  # a letter under the part before it
                continue
            depth = t.count(".")
            if last_depth is not None and depth == last_depth:
                paths.append(paths[-1][:-1] + [t])  # "(4.1) (4.2)": two parts side by side
            else:
                paths[-1].append(t)
            last_depth = depth
        out.extend(".".join(path) for path in paths)
    return out


def leads_by_reference(tasks: list[RawTask], duties: list[RawTask]) -> None:
    """A unit that an assignment section makes 'chủ trì' of a part of the plan ("Chủ trì triển
    khai các nhiệm vụ tại mục (IV) (1)") leads the tasks of that part that name no lead; the
    most specific part wins.

    tasks (list[RawTask]): the items of the tasks sections. duties (list[RawTask]): the
        duties of the assignment sections (:func:`assignment_tasks`).
    """
    named: list[tuple[str, str]] = []
    for duty in duties:
        if duty.lead and bullets.responsibility_rx()[0].search(fold_chars(duty.text)):
            named.extend((prefix, duty.lead) for prefix in part_prefixes(duty.text))
    if not named:
        return
    named.sort(key=lambda p: len(p[0]), reverse=True)
    for t in tasks:
        if t.lead or not t.ref or t.layout in ("table", "assignment"):
            continue
        for prefix, lead in named:
            if not _ROMAN_REF.match(t.ref):
                prefix = prefix.split(".", 1)[1] if "." in prefix else ""  # refs start below the one section
            if prefix and (t.ref == prefix or t.ref.startswith(prefix + ".")):
                t.lead = lead
                break


# -- assignment sections -------------------------------------------------------

def _unit_heading(text: str) -> tuple[str, str] | None:
    """(unit names, duty text after ':') when an item names a unit, else None."""
    from .units import starts_with_unit

    t = text.strip()
    k = fold(t)
    for p in sorted(cues()["unit_prefixes"], key=len, reverse=True):
        if k.startswith(p + " "):
            t = t[len(p) + 1:].strip()
            break
    head, sep, rest = t.partition(":")
    head = head.strip()
    if not head or len(head.split()) > 30 or not starts_with_unit(head):
        return None
    if not sep and (len(head.split()) > 14 or head.endswith((".", ";"))):
        return None
    return head.rstrip(" ."), rest.strip()


def _duties(node: Node, path: list[Node], lead: str, out: list[RawTask]) -> None:
    subs = [c for c in node.items() if _labels_of(c) is None]
    detail = set(cues()["detail_kinds"])
    duties = [c for c in subs if c.kind not in detail] or subs
    if duties:
        for c in duties:
            u = _unit_heading(c.text)
            if u and (c.items() or not u[1]) and c.kind not in _BULLETS:
                _assign_node(c, path + [c], out)
                continue
            out.append(_make(c, path + [c], {"lead": lead, _HEADING: lead}, None, "assignment"))
        return
    head = _unit_heading(node.text)
    rest = head[1] if head else ""
    text = collapse(" ".join([rest] + [p.text for p in node.paras()]))
    if text:
        out.append(_make(node, path, {"lead": lead, _HEADING: lead}, None, "assignment", text))


def _assign_node(node: Node, path: list[Node], out: list[RawTask]) -> None:
    u = _unit_heading(node.text) if node.block is not None and node.kind != "para" else None
    if u is not None:
        _duties(node, path, u[0], out)
        return
    for c in node.items():
        _assign_node(c, path + [c], out)


def assignment_tasks(doc: Document) -> list[RawTask]:
    """Duties of the assignment sections, unit by unit (ASSIGN layout)."""
    root = doc_tree(doc)
    out: list[RawTask] = []
    for node, cls in _sections(root):
        if cls == "assign":
            for c in node.items():
                _assign_node(c, [c], out)
    for t in out:
        t.layout = "assignment"
    return out
