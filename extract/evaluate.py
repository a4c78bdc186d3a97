"""Score extraction records against gold records, field by field.

Matching rules (the ones of issue #2):

* A predicted task matches a gold task when their normalised texts start alike:
  the folded texts (no diacritics, lower case, punctuation dropped) share a
  common prefix of at least ``min(PREFIX, shorter length)`` characters. Pairs are
  assigned one to one, longest common prefix first.
* A predicted task that matches no gold task but matches an ``extra_ok`` entry
  of the gold file counts neither way.
* Lead and cooperating units are compared per matched task as sets of folded
  names (micro-averaged); targets per matched task by (value, unit); objectives,
  references (by number) and lineage edges per document. The units and targets of a
  gold task that no predicted task matches are missed (false negatives): a set in
  which no task is found scores 0 on them, not 1 (issue #11, "honest scores").
* theme, training, start, end, recurring: accuracy over matched tasks; each plan
  field: accuracy over documents.
* Task recall per document (:meth:`Scores.documents_table`), so that a document of
  which nothing was read stands out in a good total.

>>> prf(3, 4, 5)["f1"]
0.667
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .normalize import fold

PREFIX = 30
TASK_FIELDS = ("theme", "training", "start", "end", "recurring")
PLAN_FIELDS = ("doc_type", "number", "issuer", "level", "province", "commune", "date", "signer")


def key(text: str) -> str:
    """Folded text with everything but letters and digits removed."""
    return re.sub(r"[^0-9a-z]", "", fold(text or ""))


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _alike(a: str, b: str) -> int:
    """Length of the common prefix if the two keys start alike, else 0."""
    need = min(PREFIX, len(a), len(b))
    if need == 0:
        return 0
    n = _common(a, b)
    return n if n >= need else 0


def match_tasks(pred: list[dict], gold: list[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index), longest common prefix first."""
    pk = [key(t.get("text", "")) for t in pred]
    gk = [key(t.get("text", "")) for t in gold]
    cands = []
    for i, a in enumerate(pk):
        for j, b in enumerate(gk):
            n = _alike(a, b)
            if n:
                cands.append((-n, i, j))
    cands.sort()
    used_p, used_g, pairs = set(), set(), []
    for _, i, j in cands:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return sorted(pairs)


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add_sets(self, pred: set, gold: set) -> None:
        self.tp += len(pred & gold)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def prf(self) -> dict:
        return prf(self.tp, self.tp + self.fp, self.tp + self.fn)


@dataclass
class Acc:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    def value(self) -> float | None:
        return round(self.right / self.total, 3) if self.total else None


def prf(tp: int, npred: int, ngold: int) -> dict:
    p = tp / npred if npred else 1.0
    r = tp / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3)}


def _units(names) -> set:
    return {fold(n) for n in names or []}


def _targets(items) -> set:
    return {(float(t.get("value", 0)), fold(t.get("unit", ""))) for t in items or []}


def _edges(items) -> set:
    return {(fold(e.get("child", "")), fold(e.get("parent", ""))) for e in items or []}


@dataclass
class Scores:
    """Running totals over documents; :meth:`table` prints them."""

    counts: dict = field(default_factory=lambda: {k: Count() for k in (
        "tasks", "lead", "cooperate", "targets", "objectives", "references", "lineage")})
    accs: dict = field(default_factory=dict)
    per_doc: list = field(default_factory=list)

    def acc(self, name: str) -> Acc:
        return self.accs.setdefault(name, Acc())

    def add(self, pred: dict, gold: dict) -> None:
        ptasks, gtasks = pred.get("tasks", []), gold.get("tasks", [])
        pairs = match_tasks(ptasks, gtasks)
        matched_p = {i for i, _ in pairs}
        extra = [key(x) for x in gold.get("extra_ok", [])]
        fp = sum(
            1 for i, t in enumerate(ptasks)
            if i not in matched_p and not any(_alike(key(t.get("text", "")), e) for e in extra)
        )
        c = self.counts["tasks"]
        c.tp += len(pairs)
        c.fp += fp
        c.fn += len(gtasks) - len(pairs)
        for i, j in pairs:
            p, g = ptasks[i], gtasks[j]
            self.counts["lead"].add_sets(_units(p.get("lead")), _units(g.get("lead")))
            self.counts["cooperate"].add_sets(_units(p.get("cooperate")), _units(g.get("cooperate")))
            self.counts["targets"].add_sets(_targets(p.get("targets")), _targets(g.get("targets")))
            for f in TASK_FIELDS:
                self.acc(f).add(p.get(f) == g.get(f))
        matched_g = {j for _, j in pairs}
        for j, g in enumerate(gtasks):
            if j not in matched_g:
                # A task not found loses its units and targets too.
                self.counts["lead"].fn += len(_units(g.get("lead")))
                self.counts["cooperate"].fn += len(_units(g.get("cooperate")))
                self.counts["targets"].fn += len(_targets(g.get("targets")))
        self.counts["objectives"].add_sets(_targets(pred.get("objectives")), _targets(gold.get("objectives")))
        self.counts["references"].add_sets(
            {fold(r.get("number", "")) for r in pred.get("references", [])},
            {fold(r.get("number", "")) for r in gold.get("references", [])},
        )
        prel = {fold(r.get("number", "")): r.get("relation") for r in pred.get("references", [])}
        for r in gold.get("references", []):
            k = fold(r.get("number", ""))
            if k in prel:
                self.acc("relation").add(prel[k] == r.get("relation"))
        self.counts["lineage"].add_sets(_edges(pred.get("lineage")), _edges(gold.get("lineage")))
        pp, gp = pred.get("plan", {}), gold.get("plan", {})
        for f in PLAN_FIELDS:
            self.acc("plan." + f).add(_plan_value(pp.get(f)) == _plan_value(gp.get(f)))
        self.per_doc.append({"source": gold.get("source"), "tasks_pred": len(ptasks),
                             "tasks_gold": len(gtasks), "matched": len(pairs), "unmatched_pred": fp,
                             "recall": prf(len(pairs), len(ptasks), len(gtasks))["r"]})

    def summary(self) -> dict:
        out = {name: c.prf() for name, c in self.counts.items()}
        out.update({name: a.value() for name, a in self.accs.items()})
        return out

    def table(self) -> str:
        rows = [f"{'field':<16} {'P':>6} {'R':>6} {'F1':>6}"]
        for name, c in self.counts.items():
            s = c.prf()
            rows.append(f"{name:<16} {s['p']:>6.3f} {s['r']:>6.3f} {s['f1']:>6.3f}")
        rows.append(f"{'field':<16} {'accuracy':>20}")
        for name, a in self.accs.items():
            v = a.value()
            rows.append(f"{name:<16} {'-' if v is None else f'{v:.3f}':>20}  ({a.right}/{a.total})")
        return "\n".join(rows)

    def documents_table(self) -> str:
        """Task recall per document: document, gold tasks, found (predicted), matched, recall."""
        width = max([len("document")] + [len(str(d["source"])) for d in self.per_doc])
        rows = [f"{'document':<{width}} {'gold':>5} {'found':>5} {'matched':>7} {'recall':>6}"]
        for d in self.per_doc:
            rows.append(f"{d['source']:<{width}} {d['tasks_gold']:>5} {d['tasks_pred']:>5} {d['matched']:>7} "
                        f"{d['recall']:>6.3f}")
        return "\n".join(rows)


def _plan_value(v):
    return fold(v) if isinstance(v, str) else v


def load_gold(gold_dir: Path) -> list[dict]:
    """Gold records of a folder (every ``*.json`` with a ``source`` and ``tasks``)."""
    records = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "source" in data and "tasks" in data:
            records.append(data)
    return records


def predictions(golds: list[dict], folders: list[Path], pred_dir: Path | None = None) -> tuple[dict, list[str]]:
    """The records to score: read from ``pred_dir`` (``<stem>.json``), or extracted from the
    document each gold file names, found in the first of ``folders`` that has it, exactly as
    ``planlineage extract`` reads it.

    RETURNS (tuple): (source -> record, notes). A document the extractor refuses (e.g. "is not
    a plan") is scored as an empty record and named in ``notes``; so is a missing prediction.
    """
    from .errors import ExtractionError
    from .record import extract_file

    preds: dict = {}
    notes: list = []
    for g in golds:
        src = g["source"]
        if pred_dir is not None:
            p = Path(pred_dir) / (Path(src).stem + ".json")
            preds[src] = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
            if not p.exists():
                notes.append(f"{p}: no prediction; {src} is scored as nothing found")
            continue
        path = next((Path(f) / src for f in folders if (Path(f) / src).exists()), None)
        if path is None:
            raise ExtractionError(src, f"document not found in {' or '.join(map(str, folders))}")
        try:
            preds[src] = extract_file(path)
        except ExtractionError as e:
            preds[src] = {}
            notes.append(f"{e}; scored as nothing found")
    return preds, notes


def score(preds: dict[str, dict], golds: list[dict]) -> Scores:
    """Score predicted records (by source file name) against gold records."""
    scores = Scores()
    for gold in golds:
        scores.add(preds.get(gold["source"], {}), gold)
    return scores
