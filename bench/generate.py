"""Deterministic generator of a nationwide benchmark corpus of plan documents.

It writes the national decision (1703/QĐ-TTg), one plan per province or
centrally-run city (34 after the 2025 merger) and ``communes`` plans per
province, as plain text in the layouts of the bundled plans (data/*.txt):

* ``bullets``: task groups of "- " bullets closed by "Cơ quan chủ trì thực
  hiện:", "Cơ quan phối hợp:" and "Thời gian thực hiện:" lines (as in the
  ward plan 004);
* ``table``: an appendix table whose cells are broken over lines, one blank
  line between cells, group rows "I", "II", ... (as in the commune plan 000);
* ``lettered``: numbered groups with lettered items "a)", "b)", each followed
  by its own chủ trì / phối hợp / thời gian lines.

Each document comes with the record it was generated from (the extraction
schema, ``extract/schema/extraction.schema.json``), written next to it as
``records/<stem>.json``, so the benchmark can report extraction accuracy.
Wording, units and targets come from ``bench/lexicon.json``; the same
arguments always give byte-identical files.

    python bench/generate.py OUT_DIR --communes 3 --provinces 34

>>> docs = list(generate(communes=1, provinces=2))
>>> [d.record["plan"]["level"] for d in docs]
['central', 'province', 'commune', 'province', 'commune']
"""
from __future__ import annotations

import argparse
import functools
import json
import random
import textwrap
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
SUBJECT = ("về đẩy mạnh công tác tiêu chuẩn, đo lường, chất lượng quốc gia đến năm 2030 "
           "và những năm tiếp theo")
DIRECTIVE = ("Chỉ thị số 38-CT/TW ngày 30/7/2024 của Ban Bí thư " + SUBJECT)
DECISION = ("Quyết định số 1703/QĐ-TTg ngày 31/12/2024 của Thủ tướng Chính phủ ban hành Kế hoạch "
            "triển khai thực hiện " + DIRECTIVE)


@dataclass
class Generated:
    """One generated document.

    name (str): file name. text (str): the document. record (dict): what it states, in the extraction schema.
    """

    name: str
    text: str
    record: dict


@functools.lru_cache(maxsize=1)
def lexicon() -> dict:
    """RETURNS (dict): the vocabulary of bench/lexicon.json."""
    return json.loads((HERE / "lexicon.json").read_text(encoding="utf-8"))


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False) or [""]


def _date_words(d: str) -> tuple[int, int, int]:
    y, m, day = (int(x) for x in d.split("-"))
    return day, m, y


def commune_names(province_index: int, count: int) -> list[tuple[str, str]]:
    """Plausible distinct commune names of one province.

    province_index (int): position in the province list. count (int): how many.
    RETURNS (list[tuple[str, str]]): (kind, name) pairs, kind "xã" or "phường".
    """
    syl = lexicon()["commune_syllables"]
    rng = random.Random(f"communes-{province_index}")
    pairs = [(a, b) for a in syl for b in syl if a != b]
    rng.shuffle(pairs)
    out = []
    for i, (a, b) in enumerate(pairs[:count]):
        out.append(("phường" if i % 3 == 2 else "xã", f"{a} {b}"))
    return out


def _period(rng: random.Random) -> dict:
    text, start, end, rec = rng.choice(lexicon()["periods"])
    return {"period": text, "start": start, "end": end, "recurring": rec}


def _target(rng: random.Random, spec) -> dict:
    pattern, unit, per, at_least, (lo, hi) = spec
    n = rng.randint(lo, hi)
    text = pattern.format(n=n)
    return {"value": n, "unit": unit, "per": per, "at_least": at_least, "text": text}


def _tasks(rng: random.Random, place: str, level: str, units: list[str], collective: list[str],
           roman: bool, per_group: tuple[int, int]) -> list[tuple[str, str, list[dict]]]:
    """Task groups: (theme, group title, [task records]) in the order of Directive 38's groups."""
    lex = lexicon()
    groups = []
    for gi, (theme, title) in enumerate(lex["groups"].items()):
        pool = lex["tasks"][theme]
        n = min(len(pool), rng.randint(*per_group))
        chosen = rng.sample(pool, n)
        gref = ROMAN[gi] if roman else str(gi + 1)
        tasks = []
        for ti, (pattern, training) in enumerate(chosen, 1):
            lead = [rng.choice(units)]
            coop = rng.sample([u for u in units if u not in lead], rng.randint(0, 2)) + rng.sample(collective, 1)
            targets = [_target(rng, rng.choice(lex["targets"]))] if rng.random() < 0.35 else []
            task = {"ref": f"{gref}.{ti}", "theme": theme, "text": pattern.format(place=place) + ".",
                    "lead": lead, "cooperate": coop, **_period(rng), "targets": targets, "training": training}
            tasks.append(task)
        groups.append((theme, title, tasks))
    return groups


def _header(issuer_lines: list[str], number: str, place: str, date: str) -> list[str]:
    d, m, y = _date_words(date)
    return [f"{issuer_lines[0]:<40}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            f"{issuer_lines[1]:<40}Độc lập - Tự do - Hạnh phúc", "",
            f"Số: {number:<30}{place}, ngày {d:02d} tháng {m} năm {y}", ""]


def _sign(signer: str, collective: str) -> list[str]:
    return ["", "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "", f"TM. {collective}", "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH", "", signer, ""]


def _bullets(groups) -> list[str]:
    out = []
    for gi, (theme, title, tasks) in enumerate(groups, 1):
        out.append(f"{gi}. {title}")
        for t in tasks:
            out += _wrap("- " + t["text"], 90) + [""]
        # The group's lines apply to every bullet: give every task the same lead/cooperate/period.
        lead, coop, per = tasks[0]["lead"], tasks[0]["cooperate"], {k: tasks[0][k] for k in
                                                                      ("period", "start", "end", "recurring")}
        for t in tasks:
            t.update(lead=list(lead), cooperate=list(coop), **per)
        out += [f"- Cơ quan chủ trì thực hiện: {', '.join(lead)}.",
                f"- Cơ quan phối hợp: {', '.join(coop)}.", "",
                f"- Thời gian thực hiện: {per['period']}."]
    return out


def _lettered(groups) -> list[str]:
    out = []
    for gi, (theme, title, tasks) in enumerate(groups, 1):
        out.append(f"{gi}. {title}")
        for ti, t in enumerate(tasks):
            letter = "abcdefgh"[ti]
            t["ref"] = f"{gi}.{letter}"
            out += _wrap(f"{letter}) {t['text']}", 90)
            if t["targets"]:
                out += _wrap(f"Chỉ tiêu: {t['targets'][0]['text']}.", 90)
            out += [f"- Cơ quan chủ trì: {', '.join(t['lead'])}.",
                    f"- Cơ quan phối hợp: {', '.join(t['cooperate'])}.",
                    f"- Thời gian thực hiện: {t['period']}.", ""]
    return out


def _table(groups, caption: list[str]) -> list[str]:
    out = ["", "", "Phụ lục", *caption, "",
           "TT Nhiệm vụ, giải pháp Cơ quan chủ trì ", "thực hiện", "",
           "Cơ quan phối hợp thực ", "hiện", "", "Thời gian thực ", "hiện", "", "Sản phẩm", ""]
    for gi, (theme, title, tasks) in enumerate(groups):
        out += _wrap(f"{ROMAN[gi]} {title}", 110) + [""]
        for ti, t in enumerate(tasks, 1):
            text = _wrap(t["text"], 30)
            out += [f"{ti} {text[0]}", *text[1:], ""]
            out += _wrap("; ".join(t["lead"]), 16) + [""]
            out += _wrap("; ".join(t["cooperate"]), 22) + [""]
            product = t["targets"][0]["text"] if t["targets"] else ""
            first = (t["period"] + " " + product).strip()
            out += _wrap(first, 20) + [""]
    return out


def _record(source: str, plan: dict, references: list, lineage: list, objectives: list, groups) -> dict:
    return {"source": source, "plan": plan, "references": references, "lineage": lineage,
            "objectives": objectives, "tasks": [t for _, _, ts in groups for t in ts]}


def national() -> Generated:
    """RETURNS (Generated): the national decision 1703/QĐ-TTg, tasks as lettered items."""
    rng = random.Random("national")
    lex = lexicon()
    groups = _tasks(rng, "các bộ, ngành, địa phương", "central", lex["units"]["central"],
                    ["Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương", "Các bộ, cơ quan ngang bộ"],
                    False, (2, 3))
    lines = _header(["THỦ TƯỚNG CHÍNH PHỦ", ""], "1703/QĐ-TTg", "Hà Nội", "2024-12-31")
    lines += ["KẾ HOẠCH", *_wrap("Triển khai thực hiện " + DIRECTIVE, 80), "",
              *_wrap(f"Thực hiện {DIRECTIVE}, Thủ tướng Chính phủ ban hành Kế hoạch triển khai thực hiện "
                     "như sau:", 90), "",
              "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích",
              "- Tổ chức quán triệt, triển khai đầy đủ, hiệu quả Chỉ thị số 38-CT/TW.", "",
              "II. NHIỆM VỤ VÀ GIẢI PHÁP", *_lettered(groups),
              "III. TỔ CHỨC THỰC HIỆN", "Các bộ, ngành, địa phương tổ chức thực hiện Kế hoạch này./.",
              *_sign("Trần Hồng Hà", "THỦ TƯỚNG CHÍNH PHỦ")]
    plan = {"title": "Triển khai thực hiện " + DIRECTIVE, "doc_type": "QĐ", "number": "1703/QĐ-TTg",
            "issuer": "Thủ tướng Chính phủ", "level": "central", "province": None, "commune": None,
            "date": "2024-12-31", "signer": "Trần Hồng Hà"}
    refs = [{"doc_type": "CT", "number": "38-CT/TW", "date": "2024-07-30", "issuer": "Ban Bí thư",
             "relation": "implements"}]
    return Generated("n00-1703-qd-ttg.txt", "\n".join(lines) + "\n",
                     _record("n00-1703-qd-ttg.txt", plan, refs, [{"child": "self", "parent": "38-CT/TW"}], [], groups))


def _province_facts(pi: int) -> dict:
    name, kind = lexicon()["provinces"][pi]
    rng = random.Random(f"province-{pi}")
    word = "thành phố" if kind == "city" else "tỉnh"
    return {"name": name, "word": word, "issuer": f"Ủy ban nhân dân {word} {name}",
            "number": f"{100 + pi * 7}/KH-UBND", "date": f"2025-{rng.randint(4, 9):02d}-{rng.randint(1, 28):02d}"}


def province(pi: int) -> Generated:
    """pi (int): index in the province list. RETURNS (Generated): its plan (table or lettered layout)."""
    lex = lexicon()
    f = _province_facts(pi)
    rng = random.Random(f"province-plan-{pi}")
    units = [u.replace("tỉnh", f["word"]) for u in lex["units"]["province"]]
    collective = [u.replace("tỉnh", f["word"]) for u in lex["units"]["collective_province"]]
    layout = "table" if pi % 2 == 0 else "lettered"
    groups = _tasks(rng, f"{f['word']} {f['name']}", "province", units, collective, layout == "table", (3, 4))
    objectives = [_target(rng, o) for o in lex["objectives"]]
    d, m, y = _date_words(f["date"])
    signer = rng.choice(lex["signers"])
    title = f"Triển khai thực hiện {DECISION} trên địa bàn {f['word']} {f['name']}"
    lines = _header(["ỦY BAN NHÂN DÂN", f"{f['word'].upper()} {f['name'].upper()}"], f["number"], f["name"], f["date"])
    lines += ["KẾ HOẠCH", *_wrap(title, 80), "",
              *_wrap(f"Thực hiện {DECISION}, Ủy ban nhân dân {f['word']} ban hành Kế hoạch triển khai thực hiện "
                     f"trên địa bàn {f['word']} {f['name']}, cụ thể như sau:", 80), "",
              "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích",
              *_wrap("- Quán triệt, tổ chức thực hiện đầy đủ, hiệu quả các nhiệm vụ và giải pháp tại Quyết định số "
                     "1703/QĐ-TTg.", 80), "", "II. MỤC TIÊU", "2. Chỉ tiêu cụ thể đến năm 2030"]
    lines += [x for o in objectives for x in _wrap("- " + o["text"] + ".", 80)]
    lines += ["", "III. NHIỆM VỤ VÀ GIẢI PHÁP"]
    if layout == "table":
        lines += [f"{i}. {title_}." for i, (_, title_, _) in enumerate(groups, 1)]
        lines += ["(Nhiệm vụ cụ thể tại Phụ lục kèm theo)", "IV. TỔ CHỨC THỰC HIỆN",
                  "Các sở, ban, ngành căn cứ nhiệm vụ được giao tổ chức thực hiện./.",
                  *_sign(signer, "ỦY BAN NHÂN DÂN")]
        lines += _table(groups, ["NHIỆM VỤ, GIẢI PHÁP TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH SỐ 1703/QĐ-TTg",
                                 f"(Kèm theo Kế hoạch số {f['number']} ngày {d:02d}/{m}/{y} của {f['issuer']})"])
    else:
        lines += _lettered(groups)
        lines += ["IV. TỔ CHỨC THỰC HIỆN", "Các sở, ban, ngành căn cứ nhiệm vụ được giao tổ chức thực hiện./.",
                  *_sign(signer, "ỦY BAN NHÂN DÂN")]
    plan = {"title": title, "doc_type": "KH", "number": f["number"], "issuer": f["issuer"], "level": "province",
            "province": f["name"], "commune": None, "date": f["date"], "signer": signer}
    refs = [{"doc_type": "QĐ", "number": "1703/QĐ-TTg", "date": "2024-12-31", "issuer": "Thủ tướng Chính phủ",
             "relation": "implements"},
            {"doc_type": "CT", "number": "38-CT/TW", "date": "2024-07-30", "issuer": "Ban Bí thư", "relation": "cites"}]
    lin = [{"child": "self", "parent": "1703/QĐ-TTg"}, {"child": "1703/QĐ-TTg", "parent": "38-CT/TW"}]
    name = f"p{pi:02d}-{_slug(f['name'])}.txt"
    return Generated(name, "\n".join(lines) + "\n", _record(name, plan, refs, lin, objectives, groups))


def _slug(text: str) -> str:
    from planlineage.extract.normalize import fold

    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())


def commune(pi: int, ci: int, kind: str, cname: str) -> Generated:
    """One commune or ward plan implementing its province's plan (bullets or table layout).

    pi (int): province index. ci (int): commune index. kind (str): "xã" or "phường". cname (str): its name.
    RETURNS (Generated): the plan.
    """
    lex = lexicon()
    f = _province_facts(pi)
    rng = random.Random(f"commune-{pi}-{ci}")
    units = [f"{u} {kind}" if u in ("Công an", "Ủy ban Mặt trận Tổ quốc Việt Nam") else u
             for u in lex["units"]["commune"]]
    layout = "bullets" if ci % 2 == 0 else "table"
    groups = _tasks(rng, f"{kind} {cname}", "commune", units, lex["units"]["collective_commune"],
                    layout == "table", (1, 2))
    number = f"{rng.randint(10, 250)}/KH-UBND"
    date = f"2025-{rng.randint(10, 12):02d}-{rng.randint(1, 28):02d}"
    pd, pm, py = _date_words(f["date"])
    ref_text = f"Kế hoạch số {f['number']} ngày {pd:02d}/{pm}/{py} của Ủy ban nhân dân {f['word']} {f['name']}"
    title = f"Triển khai thực hiện {ref_text} {SUBJECT} trên địa bàn {kind} {cname}"
    issuer = f"Ủy ban nhân dân {kind} {cname}"
    lines = _header(["ỦY BAN NHÂN DÂN", f"{kind.upper()} {cname.upper()}"], number, cname, date)
    lines += ["KẾ HOẠCH", *_wrap(title, 80), "",
              *_wrap(f"Thực hiện {ref_text} về việc triển khai thực hiện {DECISION} trên địa bàn {f['word']}, "
                     f"Ủy ban nhân dân {kind} {cname} ban hành Kế hoạch thực hiện như sau:", 80), "",
              "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích",
              f"- Tổ chức thực hiện đầy đủ, hiệu quả các nhiệm vụ tại Kế hoạch số {f['number']}.", "",
              "II. NHIỆM VỤ VÀ GIẢI PHÁP"]
    signer = rng.choice(lex["signers"])
    if layout == "bullets":
        lines += _bullets(groups)
        lines += ["III. TỔ CHỨC THỰC HIỆN", f"Các cơ quan, đơn vị của {kind} tổ chức thực hiện Kế hoạch này./.",
                  *_sign(signer, "ỦY BAN NHÂN DÂN")]
    else:
        lines += [f"{i}. {t}." for i, (_, t, _) in enumerate(groups, 1)]
        lines += ["(Chi tiết các nhiệm vụ, giải pháp thể hiện tại Phụ lục kèm theo).", "III. TỔ CHỨC THỰC HIỆN",
                  f"Các cơ quan, đơn vị của {kind} tổ chức thực hiện Kế hoạch này./.",
                  *_sign(signer, "ỦY BAN NHÂN DÂN")]
        d, m, y = _date_words(date)
        lines += _table(groups, [f"Nhiệm vụ, giải pháp triển khai thực hiện Kế hoạch số {f['number']}",
                                 f"(Ban hành kèm theo Kế hoạch số {number}, ngày {d:02d}/{m}/{y} của {issuer})"])
    plan = {"title": title, "doc_type": "KH", "number": number, "issuer": issuer, "level": "commune",
            "province": f["name"], "commune": cname, "date": date, "signer": signer}
    refs = [{"doc_type": "KH", "number": f["number"], "date": f["date"], "issuer": f["issuer"],
             "relation": "implements"},
            {"doc_type": "QĐ", "number": "1703/QĐ-TTg", "date": "2024-12-31", "issuer": "Thủ tướng Chính phủ",
             "relation": "cites"},
            {"doc_type": "CT", "number": "38-CT/TW", "date": "2024-07-30", "issuer": "Ban Bí thư", "relation": "cites"}]
    lin = [{"child": "self", "parent": f["number"]}, {"child": f["number"], "parent": "1703/QĐ-TTg"},
           {"child": "1703/QĐ-TTg", "parent": "38-CT/TW"}]
    name = f"p{pi:02d}-c{ci:03d}-{_slug(cname)}.txt"
    return Generated(name, "\n".join(lines) + "\n", _record(name, plan, refs, lin, [], groups))


def generate(communes: int, provinces: int = 34):
    """The corpus, national decision first, then each province followed by its communes.

    communes (int): plans per province (0-100). provinces (int): how many of the 34 (in list order).
    RETURNS (iterator[Generated]): documents with their records.
    """
    yield national()
    for pi in range(min(provinces, len(lexicon()["provinces"]))):
        yield province(pi)
        for ci, (kind, cname) in enumerate(commune_names(pi, communes)):
            yield commune(pi, ci, kind, cname)


def write_corpus(out: Path, communes: int, provinces: int = 34) -> list[Path]:
    """Write documents to ``out/`` and their records to ``out/records/``.

    out (Path): folder (created). communes (int), provinces (int): as :func:`generate`.
    RETURNS (list[Path]): the document files, in generation order.
    """
    out = Path(out)
    (out / "records").mkdir(parents=True, exist_ok=True)
    paths = []
    for g in generate(communes, provinces):
        p = out / g.name
        p.write_text(g.text, encoding="utf-8")
        (out / "records" / (p.stem + ".json")).write_text(
            json.dumps(g.record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--communes", type=int, default=100)
    ap.add_argument("--provinces", type=int, default=34)
    a = ap.parse_args()
    paths = write_corpus(a.out, a.communes, a.provinces)
    print(f"{len(paths)} documents in {a.out}")


if __name__ == "__main__":
    main()
