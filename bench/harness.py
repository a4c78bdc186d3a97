"""The nationwide benchmark: generate, extract, build, query, draw, compare with rdflib.

For each size (share of the nationwide corpus of bench/generate.py) it measures:
extraction documents/s with ``--jobs 1`` and ``--jobs 2`` (CLI, start-up
included) and the extraction accuracy against the generator's records;
``planlineage build`` wall time, peak memory and store size; reopening the
store; median and 95th percentile of ``lineage``, ``trace``, five ``ask``
questions and three named queries in process and through the CLI (a new
process each run); ``viz --trace`` time and HTML size; and the lineage and
aggregation queries on a plain rdflib in-memory graph of the same triples.
Results go to ``bench/results/<size>.json``; the table of bench/README.md is
rewritten between its ``bench:results`` markers.

    bench/run --sizes 1pct 10pct 100pct
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

#: size name -> (communes per province, provinces): about 1%, 10% and 100% of 3,435 documents.
SIZES = {"1pct": (1, 17), "10pct": (9, 34), "100pct": (100, 34)}
#: The five questions of the benchmark ({...} filled at random for each run).
QUESTIONS = [
    "which units lead {theme} tasks",
    "which units lead {theme} tasks in {province}",
    "what does {unit} lead",
    "đơn vị nào chủ trì các nhiệm vụ đào tạo",
    "which plans implement {province_plan}",
]
THEMES = ["inspection", "training", "awareness", "investment", "international"]
#: Named queries timed in process: (name, parameter maker).
NAMED = ["units_leading_topic", "plans_by_level", "unit_workload"]
EXE = Path(sys.executable).with_name("planlineage")


def _run(cmd: list[str], env: dict | None = None) -> tuple[float, int, int, str]:
    """Run a command; RETURNS (wall s, exit code, peak RSS MB of the process tree's largest process, stderr)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, proc.returncode, round(usage.ru_maxrss / 1024), err


def _stats(times: list[float]) -> dict:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, max(0, round(0.95 * len(ms)) - 1))]
    return {"runs": len(ms), "median_ms": round(statistics.median(ms), 2), "p95_ms": round(p95, 2),
            "max_ms": round(ms[-1], 2)}


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def machine() -> str:
    """RETURNS (str): CPU model, cores, memory and Python of this machine."""
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
        mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
        mem = f"{mem / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        mem = "?"
    return (f"{cpu}, {os.cpu_count()} cores, {mem} RAM, {platform.system()} {platform.release()}, "
            f"{platform.python_implementation()} {platform.python_version()}")


def extraction(corpus: Path, work: Path, jobs_list) -> dict:
    """Extract the corpus with each --jobs value; score the last run against the generator records."""
    from planlineage.extract.evaluate import score

    n = len(list(corpus.glob("*.txt")))
    out = {"runs": []}
    for jobs in jobs_list:
        dest = work / f"records-j{jobs}"
        shutil.rmtree(dest, ignore_errors=True)
        wall, code, rss, err = _run([str(EXE), "extract", str(corpus), "-o", str(dest), "--jobs", str(jobs)])
        out["runs"].append({"jobs": jobs, "documents": n, "wall_s": round(wall, 2), "docs_per_s": round(n / wall, 1),
                            "peak_rss_mb": rss, "exit": code})
    golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((corpus / "records").glob("*.json"))]
    preds = {}
    for g in golds:
        p = dest / (Path(g["source"]).stem + ".json")
        preds[g["source"]] = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
    s = score(preds, golds).summary()
    out["accuracy"] = {k: (v["f1"] if isinstance(v, dict) else (round(v, 3) if v is not None else None))
                       for k, v in s.items()}
    return out


def build(corpus: Path, store: Path, jobs: int) -> dict:
    """`planlineage build` of the corpus into a fresh store: wall, peak memory, size, triples."""
    shutil.rmtree(store, ignore_errors=True)
    wall, code, rss, err = _run([str(EXE), "build", str(corpus), "--store", str(store), "--jobs", str(jobs)])
    last = [line for line in err.replace("\r", "\n").splitlines() if "triples in" in line]
    triples = int(last[-1].split(";")[1].split()[0]) if last else None
    return {"jobs": jobs, "wall_s": round(wall, 2), "peak_rss_mb": rss, "exit": code, "triples": triples,
            "store_mb": round(_du(store) / 1e6, 1), "message": last[-1] if last else err[-300:]}


def _targets(store, rng: random.Random, runs: int) -> dict:
    rows = store.query("""SELECT ?f ?r WHERE { ?t p-plan:isStepOfPlan ?p ; pl:ref ?r . ?p pl:sourceFile ?f }""").rows
    tasks = sorted({(r["f"].value, r["r"].value) for r in rows})
    plans = sorted({f for f, _ in tasks})
    units = sorted({r["l"].value for r in store.query(
        "SELECT DISTINCT ?l WHERE { ?t pl:leadUnit ?u . ?u skos:prefLabel ?l }").rows})
    # By file name: a number such as 156/KH-UBND may also be a commune plan's (the question is then ambiguous).
    province_plans = sorted({r["f"].value for r in store.query(
        "SELECT DISTINCT ?f WHERE { ?d pl:sourceFile ?f ; pl:level 'province' }").rows})
    provinces = sorted({r["p"].value for r in store.query("SELECT DISTINCT ?p WHERE { ?d pl:sourceFile ?f ; pl:province ?p }").rows})
    return {"plans": [rng.choice(plans) for _ in range(runs)],
            "tasks": [f"{f}#{r}" for f, r in (rng.choice(tasks) for _ in range(runs))],
            "questions": [[q.format(theme=rng.choice(THEMES), province=rng.choice(provinces),
                                    unit=rng.choice(units), province_plan=rng.choice(province_plans)) for _ in range(runs)]
                          for q in QUESTIONS],
            "named": {"units_leading_topic": [{"concept": rng.choice(THEMES)} for _ in range(runs)],
                      "plans_by_level": [{} for _ in range(runs)], "unit_workload": [{} for _ in range(runs)]}}


def _time(fn, args_list) -> tuple[dict, list]:
    times, results = [], []
    for a in args_list:
        t0 = time.perf_counter()
        results.append(fn(*a))
        times.append(time.perf_counter() - t0)
    return _stats(times), results


def in_process(store_dir: Path, targets: dict) -> dict:
    """Reopen the store, then time lineage, trace, ask and the named queries in this process."""
    from planlineage.graph.lineage import lineage
    from planlineage.graph.store import open_store
    from planlineage.graph.trace import trace
    from planlineage.queries.ask import ask
    from planlineage.queries.engine import run_query

    t0 = time.perf_counter()
    store = open_store(store_dir, read_only=True)
    store.query("ASK { ?s ?p ?o }")
    out = {"reopen_ms": round((time.perf_counter() - t0) * 1000, 1)}
    out["lineage"], res = _time(lambda p: lineage(store, p), [(p,) for p in targets["plans"]])
    out["lineage"]["mean_ancestors"] = round(statistics.mean(len(r["ancestors"]) for r in res), 1)
    out["trace"], res = _time(lambda t: trace(store, t), [(t,) for t in targets["tasks"]])
    out["trace"]["mean_steps"] = round(statistics.mean(len(r["steps"]) for r in res), 1)
    out["ask"] = {}
    for form, qs in zip(QUESTIONS, targets["questions"]):
        out["ask"][form], res = _time(lambda q: ask(store, q), [(q,) for q in qs])
        out["ask"][form]["mean_rows"] = round(statistics.mean(len(r["rows"]) for r in res), 1)
    out["named"] = {}
    for name in NAMED:
        out["named"][name], res = _time(lambda p: run_query(store, name, p), [(p,) for p in targets["named"][name]])
        out["named"][name]["mean_rows"] = round(statistics.mean(len(r.rows) for r in res), 1)
    store.close()
    return out


def every_named(store_dir: Path, runs: int = 5) -> dict:
    """Every named query with the parameters of its ``#+ example`` line, in process: as users get it
    (``run_query``: the materialised answer when the build kept one) and live (the query run on the
    store, ORDER BY applied in Python), median of ``runs`` (live: of 3)."""
    from planlineage.graph.store import open_store
    from planlineage.queries.engine import example_params, list_queries, query_texts, run_query

    out = {}
    with open_store(store_dir, read_only=True) as store:
        plan = store.query("SELECT ?f WHERE { ?d pl:sourceFile ?f ; pl:level 'commune' } ORDER BY ?f LIMIT 1").rows
        task = store.query("SELECT ?f ?r WHERE { ?t p-plan:isStepOfPlan ?d ; pl:ref ?r . ?d pl:sourceFile ?f ;"
                           " pl:level 'commune' } ORDER BY ?f ?r LIMIT 1").rows
        for q in list_queries():
            params = example_params(q)
            # The examples name plans of the bundled corpus: use a commune plan (and its first task) of this one.
            for k, v in params.items():
                kind = next(p.kind for p in q.params if p.name == k)
                if kind == "plan" and plan:
                    params[k] = plan[0]["f"].value
                elif kind == "task" and task:
                    params[k] = f"{task[0]['f'].value}#{task[0]['r'].value}"
            answered, res = _time(lambda: run_query(store, q, params), [() for _ in range(runs)])
            texts = query_texts(store, q, params)
            live, _ = _time(lambda: [store.query(t) for t in texts], [() for _ in range(3)])
            out[q.name] = {"params": params, "rows": len(res[0].rows), "answered_median_ms": answered["median_ms"],
                           "answered_p95_ms": answered["p95_ms"], "live_median_ms": live["median_ms"],
                           "kept": all(store.cached(t) is not None for t in texts)}
    return out


def cli(store_dir: Path, targets: dict, runs: int) -> dict:
    """Time `planlineage lineage|trace|ask` as new processes (start-up included)."""
    base = [str(EXE)]
    st = ["--store", str(store_dir)]
    out = {}
    jobs = {"lineage": [["lineage", p, *st] for p in targets["plans"][:runs]],
            "trace": [["trace", t, *st] for t in targets["tasks"][:runs]],
            "ask": [["ask", qs[i], *st] for i in range(runs) for qs in targets["questions"]][:runs]}
    for name, cmds in jobs.items():
        times, codes = [], []
        for c in cmds:
            wall, code, _, _ = _run(base + c)
            times.append(wall)
            codes.append(code)
        out[name] = _stats(times)
        out[name]["exit_codes"] = sorted(set(codes))
    return out


def viz_trace(store_dir: Path, task: str, work: Path) -> dict:
    """`planlineage viz --trace TASK`: wall time and HTML size (or why it could not run)."""
    page = work / "trace.html"
    code = subprocess.run([str(EXE), "viz", "--help"], capture_output=True).returncode
    if code != 0:
        return {"error": "no `planlineage viz` command in this build"}
    wall, code, _, err = _run([str(EXE), "viz", "--trace", task, "-o", str(page), "--store", str(store_dir)])
    if code != 0 or not page.exists():
        return {"error": err.strip().splitlines()[-1] if err.strip() else f"exit {code}"}
    return {"wall_s": round(wall, 3), "html_kb": round(page.stat().st_size / 1024, 1)}


def _bench_query(name: str) -> str:
    from planlineage.queries.engine import load_query, query_body

    return query_body(load_query(name).text)


def baseline(store_dir: Path, plans: list[str], reps: int = 3) -> dict:
    """The same lineage and aggregation queries on pyoxigraph and on a plain rdflib in-memory Graph."""
    import pyoxigraph as ox
    import rdflib

    from planlineage.graph.namespaces import sparql_prefixes
    from planlineage.graph.resolve import find_plan
    from planlineage.graph.store import open_store, with_values

    store = open_store(store_dir, read_only=True)
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()}
    t0 = time.perf_counter()
    g = rdflib.Graph()
    g.parse(data="\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples), format="nt")
    load_s = time.perf_counter() - t0
    del triples
    plan = find_plan(store, plans[0])
    queries = {
        "lineage (plan_lineage)": with_values(_bench_query("plan_lineage"), {"plan": plan}),
        "units leading a theme (units_leading_topic)": with_values(
            _bench_query("units_leading_topic"), {"concept": ox.NamedNode(
                "https://w3id.org/planlineage/theme/inspection")}),
        "province roll-up (plans_by_level)": _bench_query("plans_by_level"),
    }
    from planlineage.queries.engine import run_query

    # The same questions as users get them after a build (the kept answer when there is one).
    answered = {"units leading a theme (units_leading_topic)": lambda: run_query(store, "units_leading_topic",
                                                                               {"concept": "inspection"}),
                "province roll-up (plans_by_level)": lambda: run_query(store, "plans_by_level")}
    out = {"rdflib_triples": len(g), "rdflib_load_s": round(load_s, 1), "queries": {}}
    for label, text in queries.items():
        ox_t, rl_t = [], []
        for _ in range(reps):
            t0 = time.perf_counter()
            n_ox = len(store.query(text).rows)
            ox_t.append(time.perf_counter() - t0)
        for _ in range(reps):
            t0 = time.perf_counter()
            n_rl = len(list(g.query(sparql_prefixes() + text)))
            rl_t.append(time.perf_counter() - t0)
        a, b = statistics.median(ox_t), statistics.median(rl_t)
        out["queries"][label] = {"oxigraph_ms": round(a * 1000, 1), "rdflib_ms": round(b * 1000, 1),
                                 "ratio": round(b / a, 1), "rows_oxigraph": n_ox, "rows_rdflib": n_rl}
        if label in answered:
            ans_t = []
            for _ in range(reps):
                t0 = time.perf_counter()
                n_ans = len(answered[label]().rows)
                ans_t.append(time.perf_counter() - t0)
            c = statistics.median(ans_t)
            out["queries"][label].update({"answered_ms": round(c * 1000, 1), "ratio_answered": round(b / c, 1),
                                          "rows_answered": n_ans})
    store.close()
    return out


def run_size(name: str, work: Path, runs: int, cli_runs: int, skip: set, results: Path = HERE / "results") -> dict:
    """All measurements for one size; RETURNS (dict) also written to ``results/<name>.json``.

    name (str): a key of SIZES. work (Path): scratch folder. runs, cli_runs (int): timed runs.
    skip (set): parts to leave out ("extract", "cli", "baseline"). results (Path): where the JSON goes.
    """
    communes, provinces = SIZES[name]
    work = work / name
    corpus, store = work / "corpus", work / "store"
    shutil.rmtree(corpus, ignore_errors=True)
    t0 = time.perf_counter()
    paths = generate.write_corpus(corpus, communes, provinces)
    res = {"size": name, "documents": len(paths), "communes_per_province": communes, "provinces": provinces,
           "machine": machine(), "generate_s": round(time.perf_counter() - t0, 1),
           "corpus_mb": round(sum(p.stat().st_size for p in paths) / 1e6, 1)}
    print(f"[{name}] {len(paths)} documents generated", file=sys.stderr)
    if "extract" not in skip:
        res["extraction"] = extraction(corpus, work, [1, 2])
        print(f"[{name}] extraction {res['extraction']['runs']}", file=sys.stderr)
    res["build"] = build(corpus, store, 2)
    print(f"[{name}] build {res['build']}", file=sys.stderr)
    targets = _targets(__import__("planlineage.graph.store", fromlist=["x"]).open_store(store, read_only=True),
                       random.Random(name), runs)
    res["in_process"] = in_process(store, targets)
    print(f"[{name}] in process done", file=sys.stderr)
    res["every_named"] = every_named(store)
    print(f"[{name}] every named query done", file=sys.stderr)
    if "cli" not in skip:
        res["cli"] = cli(store, targets, cli_runs)
    res["viz_trace"] = viz_trace(store, targets["tasks"][0], work)
    if "baseline" not in skip:
        res["baseline"] = baseline(store, targets["plans"])
    results.mkdir(parents=True, exist_ok=True)
    (results / f"{name}.json").write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n")
    return res


def slope(results: list[dict]) -> dict:
    """Least-squares line of build time and store size against documents. RETURNS (dict)."""
    pts = [(r["documents"], r["build"]["wall_s"], r["build"]["store_mb"]) for r in results]
    if len(pts) < 2:
        return {}
    xs = [p[0] for p in pts]
    out = {}
    for i, key in ((1, "build_s_per_doc"), (2, "store_mb_per_doc")):
        ys = [p[i] for p in pts]
        mx, my = statistics.mean(xs), statistics.mean(ys)
        b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        out[key] = round(b, 4)
        out[key.replace("per_doc", "intercept")] = round(my - b * mx, 2)
    return out


def _fmt(v, unit=""):
    return "–" if v is None else f"{v}{unit}"


def table(results: list[dict]) -> str:
    """RETURNS (str): the Markdown table of bench/README.md, one column per size."""
    cols = [r["size"] for r in results]
    rows = [("documents", [r["documents"] for r in results]),
            ("triples (quads)", [r["build"]["triples"] for r in results])]

    def get(r, *path):
        for p in path:
            if not isinstance(r, dict) or p not in r:
                return None
            r = r[p]
        return r

    ex = lambda r, j: next((x["docs_per_s"] for x in get(r, "extraction", "runs") or [] if x["jobs"] == j), None)
    rows += [("extraction docs/s, --jobs 1", [ex(r, 1) for r in results]),
             ("extraction docs/s, --jobs 2", [ex(r, 2) for r in results]),
             ("extraction task F1 / lead F1 (sanity)",
              [f"{_fmt(get(r, 'extraction', 'accuracy', 'tasks'))} / {_fmt(get(r, 'extraction', 'accuracy', 'lead'))}"
               for r in results]),
             ("build wall s (--jobs 2)", [get(r, "build", "wall_s") for r in results]),
             ("build peak RSS MB (largest process)", [get(r, "build", "peak_rss_mb") for r in results]),
             ("store on disk MB", [get(r, "build", "store_mb") for r in results]),
             ("reopen store ms", [get(r, "in_process", "reopen_ms") for r in results])]
    for k in ("lineage", "trace"):
        rows.append((f"{k} in process median / p95 ms",
                     [f"{get(r, 'in_process', k, 'median_ms')} / {get(r, 'in_process', k, 'p95_ms')}" for r in results]))
    for q in QUESTIONS:
        rows.append((f"ask \"{q}\" median / p95 ms",
                     [f"{get(r, 'in_process', 'ask', q, 'median_ms')} / {get(r, 'in_process', 'ask', q, 'p95_ms')}"
                      for r in results]))
    for q in NAMED:
        rows.append((f"query {q} median / p95 ms",
                     [f"{get(r, 'in_process', 'named', q, 'median_ms')} / {get(r, 'in_process', 'named', q, 'p95_ms')}"
                      for r in results]))
    for k in ("lineage", "trace", "ask"):
        rows.append((f"CLI {k} median / p95 s", [
            f"{_fmt(get(r, 'cli', k, 'median_ms') and round(get(r, 'cli', k, 'median_ms') / 1000, 2))} / "
            f"{_fmt(get(r, 'cli', k, 'p95_ms') and round(get(r, 'cli', k, 'p95_ms') / 1000, 2))}" for r in results]))
    rows.append(("viz --trace s / KB", [
        get(r, "viz_trace", "error") or f"{get(r, 'viz_trace', 'wall_s')} / {get(r, 'viz_trace', 'html_kb')}"
        for r in results]))
    labels = next((list(get(r, "baseline", "queries")) for r in results if get(r, "baseline", "queries")), [])
    for lab in labels:
        rows.append((f"{lab}: oxigraph live / rdflib ms (×)", [
            (lambda q: f"{q['oxigraph_ms']} / {q['rdflib_ms']} ({q['ratio']}×)" if q else "–")(
                get(r, "baseline", "queries", lab)) for r in results]))
        if any(get(r, "baseline", "queries", lab, "answered_ms") is not None for r in results):
            rows.append((f"{lab}: as answered (kept answer) / rdflib ms (×)", [
                (lambda q: f"{q['answered_ms']} / {q['rdflib_ms']} ({q['ratio_answered']}×)"
                 if q and "answered_ms" in q else "–")(get(r, "baseline", "queries", lab)) for r in results]))
    lines = ["| | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
    lines += [f"| {name} | " + " | ".join(str(_fmt(v)) for v in vals) + " |" for name, vals in rows]
    names = next((list(get(r, "every_named")) for r in results if get(r, "every_named")), [])
    if names:
        lines += ["", "Every named query, example parameters (a plan or task of the example: the first commune plan"
                  " of this corpus), in process, median ms as answered (materialised answer when kept: *) / live,"
                  " and rows:", "", "| query | " + " | ".join(cols) + " |", "|---|" + "---|" * len(cols)]
        for n in names:
            cells = []
            for r in results:
                e = get(r, "every_named", n)
                cells.append("–" if not e else f"{e['answered_median_ms']}{'*' if e['kept'] else ''} / "
                             f"{e['live_median_ms']} ({e['rows']})")
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def write_readme(results: list[dict]) -> None:
    """Rewrite the results section of bench/README.md (between its markers)."""
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    sl = slope(results)
    block = (f"{START}\nMachine: {results[0]['machine']}.\n\n{table(results)}\n\n"
             + (f"Linear fit over the sizes: build {sl['build_s_per_doc'] * 1000:.1f} ms per document "
                f"(intercept {sl['build_s_intercept']} s), store {sl['store_mb_per_doc'] * 1000:.1f} kB per document.\n"
                if sl else "") + END)
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    ap.add_argument("--runs", type=int, default=20, help="In-process runs per measurement.")
    ap.add_argument("--cli-runs", type=int, default=20, help="New-process runs per CLI command.")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "planlineage-bench")
    ap.add_argument("--skip", nargs="*", default=[], choices=["extract", "cli", "baseline"])
    ap.add_argument("--no-readme", action="store_true", help="Do not rewrite bench/README.md.")
    a = ap.parse_args(argv)
    results = []
    for name in a.sizes:
        results.append(run_size(name, a.work, a.runs, a.cli_runs, set(a.skip)))
    if not a.no_readme:
        done = [json.loads((HERE / "results" / f"{n}.json").read_text()) for n in SIZES
                if (HERE / "results" / f"{n}.json").exists()]
        write_readme(done)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
