"""Write tests/cases/questions.jsonl: analysts' questions, the reading each must produce, and for many
the rows they must answer, derived from the gold annotations in ../shared/gold/ (not from the engine).

Run: .venv/bin/python tests/cases/make_questions.py  (rewrites the file; review the diff).

Each line: {"q", "lang" (en | vi | vi-ascii), "reading", "query"} and, when the gold says what the
answer is, "rows": {"key": [columns], "values": [[...], ...]}: the set of the answer's rows projected
on those columns (list cells joined sorted with ","). Vietnamese questions without diacritics are the
Vietnamese ones with the accents stripped, as typed on a keyboard without a Vietnamese layout.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

GOLD = Path(__file__).resolve().parents[3] / "shared" / "gold"
OUT = Path(__file__).resolve().parent / "questions.jsonl"
RECORDS = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("0*.json"))]
CORPUS = json.loads((GOLD / "corpus.json").read_text(encoding="utf-8"))
NUMBER_OF = {"001_576764f9f3d585c1.txt": "40/KH-UBND", "003_c9d1094d5ee19a54.txt": "345/KH-UBND"}  # corpus.json identity


def ascii_vi(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def tasks():
    for g in RECORDS:
        for t in g["tasks"]:
            yield g, t


def last_day(end: str) -> str:
    if len(end) == 4:
        return end + "-12-31"
    if "-Q" in end:
        return end[:4] + {"1": "-03-31", "2": "-06-30", "3": "-09-30", "4": "-12-31"}[end[-1]]
    return end + "-31" if len(end) == 7 else end


out: list[dict] = []


def add(q_en, q_vi, reading, query, rows=None):
    for lang, q in (("en", q_en), ("vi", q_vi), ("vi-ascii", ascii_vi(q_vi) if q_vi else None)):
        if q:
            item = {"q": q, "lang": lang, "reading": reading, "query": query}
            if rows is not None:
                item["rows"] = rows
            out.append(item)


# --- tasks of a unit, by role -------------------------------------------------------------------
UNITS = [("Sở Khoa học và Công nghệ", "Sở KH&CN"), ("Thanh tra tỉnh", None), ("Sở Công Thương", None),
         ("Phòng Kinh tế", None), ("Công an phường", None), ("Sở Tài chính", None),
         ("Trung tâm Phục vụ hành chính công", None), ("Sở Y tế", None)]
LEAD_EN = ["what does {u} lead", "which tasks is {u} responsible for", "what is {u} in charge of",
           "which tasks does {u} take the lead on"]
LEAD_VI = ["{u} chủ trì những nhiệm vụ nào", "{u} phụ trách những nhiệm vụ gì", "{u} đảm nhiệm nhiệm vụ nào",
           "nhiệm vụ nào do {u} chủ trì"]
COOP_EN = ["what does {u} cooperate on", "which tasks does {u} support"]
COOP_VI = ["{u} phối hợp những nhiệm vụ nào", "{u} phối hợp thực hiện nhiệm vụ gì"]
for i, (unit, abbr) in enumerate(UNITS):
    for role, en_forms, vi_forms, field in (("lead", LEAD_EN, LEAD_VI, "lead"),
                                           ("cooperate", COOP_EN, COOP_VI, "cooperate")):
        expect = sorted({(g["source"], t["ref"]) for g, t in tasks() if unit in t[field]})
        if not expect:
            continue
        name = abbr if abbr and i % 2 == 0 else unit
        k = i % len(en_forms)
        add(en_forms[k].format(u=name), vi_forms[k].format(u=abbr or unit), f"tasks of a unit · unit: {unit} · role: {role}",
            "unit_tasks", {"key": ["source", "ref"], "values": [list(x) for x in expect]})
        if abbr:
            add(en_forms[(k + 1) % len(en_forms)].format(u=unit), vi_forms[(k + 1) % len(vi_forms)].format(u=unit),
                f"tasks of a unit · unit: {unit} · role: {role}", "unit_tasks",
                {"key": ["source", "ref"], "values": [list(x) for x in expect]})

# --- one unit's workload ------------------------------------------------------------------------
for unit, en, vi in (("Sở Khoa học và Công nghệ", "how many tasks is Sở KH&CN responsible for", "Sở KH&CN đảm nhiệm bao nhiêu nhiệm vụ"),
                     ("Phòng Kinh tế", "how many tasks does Phòng Kinh tế lead", "Phòng Kinh tế chủ trì bao nhiêu nhiệm vụ")):
    per = {}
    for g, t in tasks():
        lead, coop = unit in t["lead"], unit in t["cooperate"]
        if lead or coop:
            c = per.setdefault(g["source"], [0, 0])
            c[0] += lead
            c[1] += coop
    add(en, vi, f"workload of a unit · unit: {unit} · count", "unit_load",
        {"key": ["source", "leads", "cooperates"], "values": [[s, a, b] for s, (a, b) in sorted(per.items())]})
add("what is the workload of Sở Tài chính", "khối lượng công việc của Sở Tài chính",
    "workload of a unit · unit: Sở Tài chính", "unit_load")

# --- units leading / cooperating on a theme -----------------------------------------------------
THEMES = [("awareness", "awareness", "tuyên truyền"), ("institutions", "policy", "thể chế"),
          ("human_resources", "human resources", "nguồn nhân lực"), ("investment", "investment", "đầu tư"),
          ("inspection", "inspection", "thanh tra"), ("international_integration", "international integration",
                                                                                      "hội nhập quốc tế")]
LABEL = {"awareness": "awareness", "institutions": "institutions", "human_resources": "human resources",
         "investment": "investment", "inspection": "inspection", "international_integration": "international integration"}
TOPIC_EN = ["which units lead {t} tasks", "who is responsible for {t}", "who is in charge of {t} tasks",
            "which agencies take the lead on {t}"]
TOPIC_VI = ["đơn vị nào chủ trì nhiệm vụ {t}", "cơ quan nào phụ trách {t}", "ai đảm nhiệm các nhiệm vụ {t}",
            "đơn vị nào chịu trách nhiệm về {t}"]
COOPT_EN = ["which units cooperate on {t} tasks", "who supports {t} tasks"]
COOPT_VI = ["đơn vị nào phối hợp thực hiện nhiệm vụ {t}", "cơ quan nào tham gia phối hợp về {t}"]


def per_unit_plan(field, pred):
    from planlineage.graph.unitnames import unit_name  # the graph names a unit by its canonical name (issue #14)

    rows = {}
    for g, t in tasks():
        if pred(g, t):
            for u in t[field]:
                rows.setdefault((unit_name(u).label, g["source"]), set()).add(t["ref"])
    # two units of one name in different provinces are shown with their province (issue #12)
    province = {g["source"]: g["plan"]["province"] for g in RECORDS}
    places = {}
    for u, s in rows:
        places.setdefault(u, set()).add(province[s])
    return [[u if len(places[u]) == 1 else f"{u} ({province[s]})", s, ",".join(sorted(r))]
            for (u, s), r in sorted(rows.items())]


for i, (theme, en, vi) in enumerate(THEMES):
    k = i % 4
    add(TOPIC_EN[k].format(t=en), TOPIC_VI[k].format(t=vi), f"units leading tasks · theme: {LABEL[theme]}",
        "units_leading_topic", None)
    add(COOPT_EN[i % 2].format(t=en), COOPT_VI[i % 2].format(t=vi), f"units cooperating on tasks · theme: {LABEL[theme]}",
        "units_cooperating_topic", None)
    for province in ("An Giang", "Quảng Ngãi"):
        rows = per_unit_plan("lead", lambda g, t: t["theme"] == theme and g["plan"]["province"] == province)
        if rows:
            add(f"who leads {en} tasks in {province}", f"đơn vị nào chủ trì nhiệm vụ {vi} ở tỉnh {province}",
                f"units leading tasks · theme: {LABEL[theme]} · province: {province}", "units_leading_topic",
                {"key": ["unit", "source", "tasks"], "values": rows})
# training (the pl:training flag of the gold)
rows = per_unit_plan("lead", lambda g, t: t["training"])
add("which units lead training tasks", "đơn vị nào chủ trì các nhiệm vụ đào tạo", "units leading tasks · theme: training",
    "units_leading_training", {"key": ["unit", "source", "tasks"], "values": rows})
add("who is in charge of training", "ai phụ trách tập huấn", "units leading tasks · theme: training",
    "units_leading_training", {"key": ["unit", "source", "tasks"], "values": rows})
rows = per_unit_plan("lead", lambda g, t: t["training"] and g["plan"]["province"] == "Quảng Ngãi")
add("who is responsible for training in Quảng Ngãi", "đơn vị nào đảm nhiệm đào tạo tại tỉnh Quảng Ngãi",
    "units leading tasks · theme: training · province: Quảng Ngãi", "units_leading_training",
    {"key": ["unit", "source", "tasks"], "values": rows})

# --- a plan's tasks and targets -----------------------------------------------------------------
PLANS = [("004_5c5cafd7972287fb.txt", "plan 004_5c5cafd7972287fb.txt", "kế hoạch 004_5c5cafd7972287fb.txt"),
         ("001_576764f9f3d585c1.txt", "plan 40/KH-UBND", "kế hoạch 40/KH-UBND"),
         ("003_c9d1094d5ee19a54.txt", "the An Giang province plan", "kế hoạch của tỉnh An Giang"),
         ("000_11cd5fe2edb761f3.txt", "the Châu Tiến commune plan", "kế hoạch của xã Châu Tiến"),
         ("004_5c5cafd7972287fb.txt", "the Đức Phổ plan", "kế hoạch của phường Đức Phổ"),
         ("002_962f71b5e489d974.txt", "plan 002_962f71b5e489d974", "kế hoạch 002_962f71b5e489d974")]
SHOWN = {"plan 40/KH-UBND": "40/KH-UBND", "kế hoạch 40/KH-UBND": "40/KH-UBND",
         "plan 002_962f71b5e489d974": "002_962f71b5e489d974.txt"}
by_source = {g["source"]: g for g in RECORDS}
for i, (source, en, vi) in enumerate(PLANS):
    shown = SHOWN.get(en, source)
    refs = [[source, t["ref"]] for t in by_source[source]["tasks"]]
    en_q = ["what are the tasks of {p}", "list the tasks of {p}", "which tasks are in {p}"][i % 3].format(p=en)
    vi_q = ["{p} có những nhiệm vụ nào", "nhiệm vụ của {p}", "các nhiệm vụ trong {p}"][i % 3].format(p=vi)
    add(en_q, vi_q, f"tasks of a plan · plan: {shown}", "plan_tasks", {"key": ["source", "ref"], "values": refs})
    g = by_source[source]
    targets = [["objective", None, o["value"]] for o in g["objectives"] if o.get("value") is not None]
    targets += [["target", t["ref"], x["value"]] for t in g["tasks"] for x in t["targets"] if x.get("value") is not None]
    en_q = ["what are the targets of {p}", "which objectives does {p} set"][i % 2].format(p=en)
    vi_q = ["chỉ tiêu của {p}", "mục tiêu của {p} là gì"][i % 2].format(p=vi)
    add(en_q, vi_q, f"targets and objectives of a plan · plan: {shown}", "plan_targets",
        {"key": ["kind", "ref", "value"], "values": sorted(targets, key=str)})

# --- due dates ----------------------------------------------------------------------------------
def due_by(day):
    return sorted([g["source"], t["ref"]] for g, t in tasks() if t["end"] and last_day(t["end"]) <= day)


def due_in(period):
    return sorted([g["source"], t["ref"]] for g, t in tasks() if t["end"] and t["end"].startswith(period))


for en, vi, day in (("which tasks are due by the end of 2025", "nhiệm vụ nào phải hoàn thành trước ngày 31/12/2025", "2025-12-31"),
                    ("what must be finished before 2026", "nhiệm vụ nào phải xong trước cuối năm 2025", "2025-12-31"),
                    ("which tasks are due by 30/09/2025", "những nhiệm vụ nào đến hạn trước quý IV/2025", None),
                    ("which tasks have a deadline no later than 2030", "nhiệm vụ nào có thời hạn đến hết năm 2030", "2030-12-31")):
    if day is None:  # "trước quý IV/2025" is read as by the end of that quarter
        add(en, None, "tasks due · due by: 2025-09-30", "tasks_due_by",
            {"key": ["source", "ref"], "values": due_by("2025-09-30")})
        add(None, vi, "tasks due · due by: 2025-12-31", "tasks_due_by",
            {"key": ["source", "ref"], "values": due_by("2025-12-31")})
        continue
    add(en, vi, f"tasks due · due by: {day}", "tasks_due_by", {"key": ["source", "ref"], "values": due_by(day)})
for en, vi, period in (("which tasks are due in 2030", "nhiệm vụ nào đến hạn trong năm 2030", "2030"),
                       ("what is due in Q3 2025", "những nhiệm vụ nào hết hạn trong quý III/2025", "2025-Q3"),
                       ("tasks to be completed in the third quarter of 2025", "nhiệm vụ nào phải hoàn thành vào quý 3 năm 2025", "2025-Q3"),
                       ("how many tasks are due in 2030", "có bao nhiêu nhiệm vụ đến hạn năm 2030", "2030")):
    count = " · count" if "how many" in en else ""
    add(en, None, f"tasks due · due in: {period}{count}", "tasks_due", {"key": ["source", "ref"], "values": due_in(period)})
    count = " · count" if "bao nhiêu" in vi else ""
    add(None, vi, f"tasks due · due in: {period}{count}", "tasks_due", {"key": ["source", "ref"], "values": due_in(period)})

# --- plans per level or province ----------------------------------------------------------------
def plans(pred):
    return sorted([g["source"]] for g in RECORDS if pred(g["plan"]))


for en, vi, reading, pred in (
        ("how many plans are at commune level", "có bao nhiêu kế hoạch cấp xã", "plans · level: commune · count",
         lambda p: p["level"] == "commune"),
        ("which plans are at province level", "những kế hoạch cấp tỉnh nào", "plans · level: province",
         lambda p: p["level"] == "province"),
        ("how many plans are there in Quảng Ngãi", "bao nhiêu kế hoạch ở tỉnh Quảng Ngãi", "plans · province: Quảng Ngãi · count",
         lambda p: p["province"] == "Quảng Ngãi"),
        ("which plans are from An Giang", "kế hoạch nào của tỉnh An Giang", "plans · province: An Giang",
         lambda p: p["province"] == "An Giang")):
    add(en, vi, reading, "plans", {"key": ["source"], "values": plans(pred)})
levels = {}
for g in RECORDS:
    levels.setdefault((g["plan"]["level"], g["plan"]["province"]), []).append(g["source"])
rows = [[lv, pr, len(s)] for (lv, pr), s in sorted(levels.items())]
add("how many plans per level", "bao nhiêu kế hoạch mỗi cấp", "plans per level and province · count", "plans_by_level",
    {"key": ["level", "province", "plans"], "values": rows})
add("plans by level and province", "số kế hoạch theo cấp và tỉnh", "plans per level and province", "plans_by_level",
    {"key": ["level", "province", "plans"], "values": rows})

# --- lineage and implementers (corpus.json ancestors) -------------------------------------------
ANC = CORPUS["ancestors"]
for source, en, vi, shown in (("004_5c5cafd7972287fb.txt", "what does plan 004_5c5cafd7972287fb.txt implement",
                               "kế hoạch 004_5c5cafd7972287fb.txt thực hiện văn bản nào", "004_5c5cafd7972287fb.txt"),
                              ("003_c9d1094d5ee19a54.txt", "what is the lineage of plan 345/KH-UBND",
                               "nguồn gốc của kế hoạch 345/KH-UBND", "345/KH-UBND"),
                              ("001_576764f9f3d585c1.txt", "which documents does 40/KH-UBND implement",
                               "kế hoạch 40/KH-UBND triển khai văn bản nào", "40/KH-UBND")):
    add(en, vi, f"what a plan implements (lineage) · plan: {shown}", "plan_lineage",
        {"key": ["parent"], "values": sorted([a] for a in ANC[source])})
for doc, en, vi in (("38-CT/TW", "which plans implement Directive 38", "những kế hoạch nào thực hiện Chỉ thị 38"),
                    ("1703/QĐ-TTg", "which plans implement 1703/QĐ-TTg", "kế hoạch nào triển khai Quyết định 1703/QĐ-TTg"),
                    ("40/KH-UBND", "what implements plan 40/KH-UBND", "văn bản nào thực hiện kế hoạch 40/KH-UBND")):
    values = sorted([s] for s, a in ANC.items() if doc in a)
    add(en, vi, f"plans implementing a document (any depth) · plan: {doc}", "plan_implementers",
        {"key": ["source"], "values": values})
add("what does 004_5c5cafd7972287fb.txt leave out from its parent",
    "kế hoạch 004_5c5cafd7972287fb.txt bỏ sót nội dung nào so với kế hoạch cấp trên",
    "themes a child plan leaves out of its parent · plan: 004_5c5cafd7972287fb.txt", "coverage_gaps")
add("which themes did plan 40/KH-UBND drop", "kế hoạch 40/KH-UBND bỏ qua nhóm nhiệm vụ nào",
    "themes a child plan leaves out of its parent · plan: 40/KH-UBND", "coverage_gaps")

# --- corpus-wide questions ----------------------------------------------------------------------
annual = sorted([g["source"], t["ref"]] for g, t in tasks() if t["recurring"] == "annual")
add("which tasks recur every year", "nhiệm vụ nào thực hiện hằng năm", "recurring tasks · frequency: annual",
    "tasks_recurring", {"key": ["source", "ref"], "values": annual})
add("which tasks are done annually", "những nhiệm vụ nào lặp lại hàng năm", "recurring tasks · frequency: annual",
    "tasks_recurring", {"key": ["source", "ref"], "values": annual})
cont = sorted([g["source"], t["ref"]] for g, t in tasks() if t["recurring"] == "continuous")
add("which tasks are ongoing", "nhiệm vụ nào thực hiện thường xuyên", "recurring tasks · frequency: continuous",
    "tasks_recurring", {"key": ["source", "ref"], "values": cont})
old = sorted([s["old"]] for s in CORPUS["supersedes"])
add("which plans were superseded", "kế hoạch nào bị thay thế", "superseded plans", "superseded_plans",
    {"key": ["old"], "values": old})
add("which plans have been replaced", "những kế hoạch nào đã bị bãi bỏ", "superseded plans", "superseded_plans",
    {"key": ["old"], "values": old})
nolead = sorted([g["source"], t["ref"]] for g, t in tasks() if not t["lead"])
add("which tasks have no lead unit", "nhiệm vụ nào không có đơn vị chủ trì", "tasks without a lead unit",
    "finding_no_lead", {"key": ["source", "ref"], "values": nolead})
add("which tasks does nobody lead", "nhiệm vụ nào chưa có cơ quan chủ trì", "tasks without a lead unit",
    "finding_no_lead", {"key": ["source", "ref"], "values": nolead})
add("which units cooperate most", "đơn vị nào phối hợp nhiều nhất", "units cooperating most", "unit_cooperation")
add("which units are busiest", "đơn vị nào bận nhất", "workload per unit", "unit_workload")
add("which units have the most tasks", "đơn vị nào có nhiều nhiệm vụ nhất", "workload per unit", "unit_workload")
add("which parents are missing", "kế hoạch nào thực hiện văn bản không có trong kho",
    "plans implementing documents outside the corpus", "external_parents")
add("trace task 004_5c5cafd7972287fb.txt#3.1", "truy vết nhiệm vụ 004_5c5cafd7972287fb.txt#3.1",
    "trace of a task · task: 004_5c5cafd7972287fb.txt#3.1", "task_trace")
add("where does task 004_5c5cafd7972287fb.txt#1.1 come from", "nhiệm vụ 004_5c5cafd7972287fb.txt#1.1 bắt nguồn từ đâu",
    "trace of a task · task: 004_5c5cafd7972287fb.txt#1.1", "task_trace")

# --- more ways of naming things: English unit names, dates in words, plans by place ---------------
add("What tasks does the Department of Science and Technology lead?", "Sở Khoa học và Công nghệ giữ vai trò chủ trì những nhiệm vụ nào?",
    "tasks of a unit · unit: Sở Khoa học và Công nghệ · role: lead", "unit_tasks",
    {"key": ["source", "ref"], "values": sorted([g["source"], t["ref"]] for g, t in tasks() if "Sở Khoa học và Công nghệ" in t["lead"])})
add("What is due by 30 September 2025?", "Nhiệm vụ nào phải hoàn thành chậm nhất ngày 30/9/2025?", "tasks due · due by: 2025-09-30",
    "tasks_due_by", {"key": ["source", "ref"], "values": due_by("2025-09-30")})
add("What are the objectives of the Quảng Ngãi province plan?", "Mục tiêu của kế hoạch tỉnh Quảng Ngãi là gì?",
    "targets and objectives of a plan · plan: 001_576764f9f3d585c1.txt", "plan_targets", None)
add("Which documents does the An Giang plan carry out?", "Kế hoạch của tỉnh An Giang căn cứ văn bản nào?",
    "what a plan implements (lineage) · plan: 003_c9d1094d5ee19a54.txt", "plan_lineage",
    {"key": ["parent"], "values": sorted([a] for a in ANC["003_c9d1094d5ee19a54.txt"])})
add("List the commune plans", "Danh sách các kế hoạch cấp xã", "plans · level: commune", "plans",
    {"key": ["source"], "values": plans(lambda p: p["level"] == "commune")})
add("Who cooperates on awareness in Quảng Ngãi?", "Ai phối hợp tuyên truyền ở Quảng Ngãi?",
    "units cooperating on tasks · theme: awareness · province: Quảng Ngãi", "units_cooperating_topic",
    {"key": ["unit", "source", "tasks"],
     "values": per_unit_plan("cooperate", lambda g, t: t["theme"] == "awareness" and g["plan"]["province"] == "Quảng Ngãi")})
add("How many tasks are there in plan 345/KH-UBND?", "Kế hoạch 345/KH-UBND có bao nhiêu nhiệm vụ?",
    "tasks of a plan · plan: 345/KH-UBND · count", "plan_tasks",
    {"key": ["source", "ref"], "values": [["003_c9d1094d5ee19a54.txt", t["ref"]] for t in by_source["003_c9d1094d5ee19a54.txt"]["tasks"]]})
add("Who leads the tasks of plan 004_5c5cafd7972287fb.txt?", "Ai chủ trì các nhiệm vụ của kế hoạch 004_5c5cafd7972287fb.txt?",
    "tasks of a plan · plan: 004_5c5cafd7972287fb.txt", "plan_tasks",
    {"key": ["ref", "lead"], "values": [[t["ref"], sorted(t["lead"])] for t in by_source["004_5c5cafd7972287fb.txt"]["tasks"]]})
add("Which units take part in inspection tasks?", "Những cơ quan nào tham gia các nhiệm vụ kiểm tra, giám sát?",
    "units cooperating on tasks · theme: inspection", "units_cooperating_topic", None)
# what a question names but the composed query cannot use is said in the reading, never dropped
add("which tasks of plan 004_5c5cafd7972287fb.txt have no lead unit", "nhiệm vụ nào của kế hoạch 004_5c5cafd7972287fb.txt không có đơn vị chủ trì",
    "tasks without a lead unit · not used: plan 004_5c5cafd7972287fb.txt", "finding_no_lead", None)

if __name__ == "__main__":
    OUT.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in out), encoding="utf-8")
    langs = {lang: sum(o["lang"] == lang for o in out) for lang in ("en", "vi", "vi-ascii")}
    print(f"{OUT}: {len(out)} questions {langs}, {sum('rows' in o for o in out)} with rows")
