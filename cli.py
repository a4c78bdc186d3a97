"""The planlineage command line: thin wrappers over the library.

Each command parses options, calls one library function and prints the result.
Library errors become ``Error: ...`` lines with exit code 1 (click's
ClickException); usage errors exit with 2.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from . import DATA_DIR, __version__


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


# Control characters but tab and newline (C0, DEL, C1): document text must not drive the terminal.
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7f, 0xa0)] if c not in (0x09, 0x0a)}


def _safe(text: str) -> str:
    """Text for a terminal or a table: escape sequences shown as ``\\x1b``, never sent raw.

    >>> _safe("a\x1b[31mb")
    'a\\\\x1b[31mb'
    """
    return text.translate(_CONTROLS)


class _Group(click.Group):
    """Turns the library's PlanlineageError into click's "Error: ..." line, exit 1; refuses
    arguments that are not UTF-8 text; invalid IRIs and a damaged store give one line too."""

    def parse_args(self, ctx, args):
        for arg in args:
            if any("\udc80" <= ch <= "\udcff" for ch in arg):
                raw = arg.encode("utf-8", "surrogateescape")
                raise click.UsageError(f"argument {raw!r} is not UTF-8 text; give names, IRIs and paths in UTF-8")
        ctx.meta["planlineage.args"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        from .errors import PlanlineageError

        try:
            return super().invoke(ctx)
        except PlanlineageError as e:
            raise click.ClickException(_safe(str(e))) from None
        except ValueError as e:
            # pyoxigraph's NamedNode on a user's IRI: "Invalid IRI code point ' '".
            if not str(e).startswith("Invalid IRI"):
                raise
            found = re.search(r"code point '(.+)'", str(e))
            bad = found.group(1) if found else ""
            named = [a for a in ctx.meta.get("planlineage.args", []) if ":" in a and bad and bad in a]
            what = f"{named[0]!r} is not a valid IRI" if named else "an argument is not a valid IRI"
            raise click.ClickException(_safe(f"{what} ({e}); an IRI has no spaces, quotes, <, >, {{, }} or |")) from None
        except RuntimeError as e:
            if "Corruption" not in str(e):
                raise
            from .graph.store import damaged

            raise click.ClickException(_safe(str(damaged(None, e)))) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planlineage")
def cli():
    """Plan lineage and responsibilities from Vietnamese plan documents.

    Typical session: `planlineage build` loads the bundled corpus into the
    default store; `planlineage lineage FILE` and `planlineage trace FILE#REF`
    follow a plan or a task up to Directive 38-CT/TW.
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one <stem>.json record per document into this folder.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for many documents.")
@click.option("--explain", is_flag=True,
              help="Print how each block of the one document was read (heading, task, label, table row, "
                   "skipped) with its lines, instead of the record: to see why a task was missed.")
def extract(paths, out_dir, jobs, explain):
    """Turn plan documents (text, Markdown, HTML, PDF, Word) into extraction records (JSON).

    With one document and no -o the record goes to stdout. A document that
    cannot be read gets one error line; the others are still extracted and the
    exit code is 1.

    \b
    Example:
      planlineage extract data/004_5c5cafd7972287fb.txt
      planlineage extract data/ -o out/records --jobs 2
      planlineage extract --explain data/004_5c5cafd7972287fb.txt
    """
    from .extract.batch import expand, extract_paths

    files = expand(paths)
    if explain:
        if len(files) != 1:
            raise click.UsageError("--explain reads one document")
        from .extract.explain import explain_file

        click.echo(explain_file(files[0]))
        return
    failed = 0
    if out_dir is None and len(files) != 1:
        raise click.UsageError("give -o DIR to extract more than one document")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    with click.progressbar(extract_paths(files, jobs), length=len(files), label="Extracting",
                           file=sys.stderr, hidden=len(files) < 2) as results:
        for res in results:
            if res.error:
                failed += 1
                click.echo(f"Error: {res.error}", err=True)
                continue
            for w in res.record.get("warnings") or []:
                click.echo(f"Warning: {res.path}: {w}", err=True)
            if out_dir is None:
                click.echo(_dump(res.record))
            else:
                (out_dir / f"{res.path.stem}.json").write_text(_dump(res.record) + "\n", encoding="utf-8")
    if out_dir is not None:
        click.echo(f"{len(files) - failed} of {len(files)} documents extracted to {out_dir}", err=True)
    if failed:
        sys.exit(1)


@cli.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("pred_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def evaluate(gold_dir, pred_dir, fmt):
    """Score extraction records against gold records, field by field.

    Without PRED_DIR the documents named by the gold files are extracted from
    the bundled corpus (or GOLD_DIR/../corpus) first, as `extract` reads them.
    Units and targets of gold tasks not found count as missed. The table ends
    with task recall per document.

    \b
    Example:
      planlineage eval ../shared/gold
    """
    from .extract.evaluate import load_gold, predictions, score

    golds = load_gold(gold_dir)
    if not golds:
        raise click.ClickException(f"{gold_dir}: no gold records (*.json with 'source' and 'tasks')")
    preds, notes = predictions(golds, [DATA_DIR, gold_dir.parent / "corpus"], pred_dir)
    for note in notes:
        click.echo(f"Warning: {note}", err=True)
    scores = score(preds, golds)
    if fmt == "json":
        click.echo(_dump({"summary": scores.summary(), "documents": scores.per_doc}))
    else:
        click.echo(scores.table() + "\n\n" + scores.documents_table())


# --- graph commands (issue #3): build, remove, export, validate, lineage, trace ---------------

def _store_options(f):
    f = click.option("--endpoint", metavar="URL", help="Remote SPARQL 1.1 endpoint (query URL; updates go to URL/update "
                     "for .../query, else to URL). Account: $PLANLINEAGE_USER and $PLANLINEAGE_PASSWORD.")(f)
    return click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
                        help="Store directory (default $PLANLINEAGE_STORE or ./.planlineage/store).")(f)


def _open(store_dir, endpoint, read_only=False, rebuild=False):
    from .graph.store import open_store

    return open_store(store_dir, endpoint=endpoint, read_only=read_only, rebuild=rebuild)


def _answer(store) -> None:
    """Materialise the corpus-wide answers (queries.engine.precompute_answers), with a progress bar."""
    from .queries.engine import list_queries, precompute_answers

    with click.progressbar(length=len(list_queries()), label="Answering", file=sys.stderr) as bar:
        precompute_answers(store, progress=lambda name: bar.update(1))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_store_options
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64), help="Extraction processes.")
@click.option("--rebuild", is_flag=True, help="Empty the store first (needed when another extractor version built it).")
@click.option("--keep-both", is_flag=True,
              help="Keep a new version of a stored plan (same issuer and number) as a separate plan "
                   "instead of replacing it.")
def build(paths, store_dir, endpoint, jobs, rebuild, keep_both):
    """Extract documents (text, PDF, DOCX) and load them into the graph (default: the bundled corpus).

    Re-running is idempotent; a changed document replaces its named graph, and
    a build that was killed is completed by running it again. A document that
    cannot be read or breaks the graph's shapes gets one error line, the others
    are loaded, and the exit code is 1. A plan that lacks what a plan should say
    (issuer, level, date, tasks) is loaded with what was read and listed as
    "Incomplete: FILE: no issuer, no date". A document with the same content as one
    already stored (the same file, or its text as PDF or DOCX) is skipped. A new
    version of a stored plan (same issuer and number, or issuer, date and subject)
    replaces it: "Replaced: FILE (same plan as OLD, N tasks changed)"; --keep-both
    keeps both. A second build on the same store stops at once.

    \b
    Example:
      planlineage build
      planlineage build data/004_5c5cafd7972287fb.txt --store /tmp/pl
    """
    from .extract.batch import expand

    from .graph.errors import StoreError

    files = expand(paths or [DATA_DIR])
    done = []
    with _open(store_dir, endpoint, rebuild=rebuild) as store:
        try:
            with click.progressbar(store.build_iter(files, jobs, keep_both), length=len(files), label="Building",
                                   file=sys.stderr) as outcomes:
                done.extend(outcomes)
            _answer(store)
        except StoreError as e:
            # Disk full or a damaged store mid-build: what was written, what failed, what was not reached.
            for o in done:
                if o.error:
                    click.echo(f"Error: {o.error}", err=True)
            written = sum(1 for o in done if not o.error and not o.duplicate_of)
            click.echo(f"{written} of {len(files)} documents written before the store failed, "
                       f"{sum(1 for o in done if o.error)} failed, {len(files) - len(done)} not reached", err=True)
            raise click.ClickException(str(e)) from None
        errors = [o.error for o in done if o.error]
        dups = [o for o in done if o.duplicate_of]
        for e in errors:
            click.echo(f"Error: {e}", err=True)
        for o in dups:
            click.echo(f"Skipped: {o.source}: same content as {o.duplicate_of}, already in the store", err=True)
        for o in done:
            if o.replaced:
                click.echo(f"Replaced: {o.source} (same plan as {o.replaced}, {o.tasks_changed} "
                           f"task{'' if o.tasks_changed == 1 else 's'} changed)", err=True)
        for o in done:
            if o.missing:
                click.echo(f"Incomplete: {o.source}: {', '.join(o.missing)}", err=True)
        loaded = len(files) - len(errors) - len(dups)
        click.echo(f"{loaded} of {len(files)} documents loaded, {len(dups)} duplicate(s) skipped, {len(errors)} failed; "
                   f"{store.triple_count()} triples in {store.name}", err=True)
    if errors:
        sys.exit(1)


@cli.command()
@click.argument("source")
@_store_options
def remove(source, store_dir, endpoint):
    """Drop one source document (by file name) from the graph.

    \b
    Example:
      planlineage remove 004_5c5cafd7972287fb.txt
    """
    with _open(store_dir, endpoint) as store:
        store.remove_source(source)
        _answer(store)
        click.echo(f"removed {source}; {store.triple_count()} triples in {store.name}", err=True)


@cli.command()
@_store_options
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "jsonld", "graphml"]), default="nq", show_default=True)
@click.option("-o", "--output", type=click.File("wb"), default="-", help="Output file (default stdout).")
def export(store_dir, endpoint, fmt, output):
    """Write the whole graph as Turtle, N-Triples, N-Quads, JSON-LD or GraphML.

    \b
    Example:
      planlineage export --format graphml -o plans.graphml
    """
    with _open(store_dir, endpoint, read_only=True) as store:
        store.export(fmt, output)


@cli.command()
@_store_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def validate(store_dir, endpoint, fmt):
    """Check the graph against the SHACL shapes; exit code 3 when it does not conform.

    Plans that lack what a plan should say (issuer, level, date, tasks) are
    listed as "Incomplete: FILE: no issuer, no date"; they do not make the graph
    non-conformant.

    \b
    Example:
      planlineage validate
    """
    from .graph.validate import VIOLATION, incomplete, validate_store

    with _open(store_dir, endpoint, read_only=True) as store:
        if not endpoint:
            from .graph.store import verify_checksums

            verify_checksums(store.name)  # the table files as their last writer left them
        results = validate_store(store)
    violations = [v for v in results if v.severity == VIOLATION]
    lacking = incomplete(results)
    if fmt == "json":
        click.echo(_dump({"conforms": not violations, "violations": [v.__dict__ for v in violations],
                          "incomplete": lacking}))
    else:
        lines = [str(v) for v in violations] + [f"Incomplete: {s}: {', '.join(m)}" for s, m in lacking.items()]
        click.echo("\n".join(lines + ([] if violations else ["The graph conforms to the shapes."])))
    if violations:
        sys.exit(3)


@cli.command()
@click.argument("plan")
@_store_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def lineage(plan, store_dir, endpoint, fmt):
    """Every document a plan implements, up to Directive 38-CT/TW.

    PLAN is a file name, a document number or an IRI.

    \b
    Example:
      planlineage lineage 004_5c5cafd7972287fb.txt --format json
    """
    from .graph.lineage import lineage as run, to_table

    with _open(store_dir, endpoint, read_only=True) as store:
        result = run(store, plan)
    click.echo(_dump(result) if fmt == "json" else _safe(to_table(result)))


@cli.command()
@click.argument("task")
@_store_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def trace(task, store_dir, endpoint, fmt):
    """The chain from a task up to the Directive's task group.

    TASK is <file name>#<ref> or an IRI.

    \b
    Example:
      planlineage trace 004_5c5cafd7972287fb.txt#6.2
    """
    from .graph.trace import to_table, trace as run

    with _open(store_dir, endpoint, read_only=True) as store:
        result = run(store, task)
    click.echo(_dump(result) if fmt == "json" else _safe(to_table(result)))


# --- questions (issue #4): query, ask, findings, serve -------------------------------------------

@cli.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the named queries with what they answer.")
@click.option("--show-sparql", is_flag=True, help="Print the SPARQL that runs, values bound (to stderr with --format json).")
@_store_options
def query(name, params, fmt, list_, show_sparql, store_dir, endpoint):
    """Run a named SPARQL query (or a .rq file) with parameters bound as RDF terms.

    \b
    Example:
      planlineage query --list
      planlineage query units_leading_training --format json
      planlineage query tasks_due --param year=2025 --format csv
    """
    from .queries.engine import list_queries, run_query
    from .queries.formats import render

    if list_ or not name:
        click.echo("\n".join(f"{q.name:28} {q.summary}" for q in list_queries()))
        return
    bad = [p for p in params if "=" not in p]
    if bad:
        raise click.UsageError(f"--param {bad[0]!r}: give KEY=VALUE")
    values = dict(p.split("=", 1) for p in params)
    with _open(store_dir, endpoint, read_only=True) as store:
        if show_sparql:
            from .queries.engine import load_query, query_texts

            click.echo("\n".join(query_texts(store, load_query(name), values)), err=fmt != "table")
        click.echo(_safe(render(run_query(store, name, values), fmt).rstrip("\n")))


@cli.command()
@click.argument("question", required=False)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--show-sparql", is_flag=True, help="Print the named query that answers the question.")
@click.option("--list", "list_", is_flag=True, help="List what can be asked, with an example each.")
@click.option("--lang", type=click.Choice(["en", "vi"]), default="en", show_default=True,
              help="Language of theme, frequency and level labels.")
@_store_options
def ask(question, fmt, show_sparql, list_, lang, store_dir, endpoint):
    """Answer a plain question in English or Vietnamese (exit 2 when it cannot be mapped).

    The answer begins with one line saying how the question was read.

    \b
    Example:
      planlineage ask --list
      planlineage ask "which units lead training tasks"
      planlineage ask "Sở KH&CN phụ trách những nhiệm vụ nào" --lang vi
      planlineage ask "đơn vị nào chủ trì các nhiệm vụ đào tạo" --format json
    """
    from .queries.ask import UnknownQuestion, ask as answer, list_forms, to_table

    if list_ or not question:
        click.echo(list_forms())
        return
    with _open(store_dir, endpoint, read_only=True) as store:
        try:
            res = answer(store, question, lang=lang)
        except UnknownQuestion as e:
            click.echo(str(e), err=True)
            sys.exit(2)
    if show_sparql:
        click.echo(f"# {res['query']} {res['params']}\n{res['sparql']}", err=fmt == "json")
    keys = ("question", "reading", "query", "params", "count", "columns", "rows")
    click.echo(_dump({k: res[k] for k in keys}) if fmt == "json" else _safe(to_table(res)))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_store_options
def findings(fmt, store_dir, endpoint):
    """What a reviewer of the plan cascade must look at, with evidence (plans, tasks, lines).

    \b
    Example:
      planlineage findings --format json
    """
    from .queries.findings import findings as find, to_table

    with _open(store_dir, endpoint, read_only=True) as store:
        items = find(store)
    click.echo(_dump(items) if fmt == "json" else _safe(to_table(items)))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option("--timeout", "timeout_s", default=30.0, show_default=True, help="Query time limit in seconds.")
@click.option("--max-bytes", default=10_000_000, show_default=True, help="Result size limit in bytes.")
@click.option("--max-request-bytes", default=1_000_000, show_default=True, help="Request body limit in bytes.")
@click.option("--conn-timeout", "conn_timeout_s", default=10.0, show_default=True,
              help="Seconds a connection may stay silent (unfinished headers or body) before it is closed.")
@click.option("--workers", default=16, show_default=True, type=click.IntRange(1, 1024),
              help="Connections served at once; more get 503.")
@click.option("--allow-service", "allow_service", multiple=True, metavar="HOST",
              help="A host SPARQL SERVICE (federation) may name (repeatable; default: SERVICE refused).")
@click.option("--max-memory", "max_memory_mb", default=4096, show_default=True, type=click.IntRange(0),
              help="Memory limit of the SPARQL engine in MB (0: none); a query beyond it is stopped.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="An origin browsers may query from, e.g. https://yasgui.triply.cc (repeatable; default none).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Store directory (default $PLANLINEAGE_STORE or ./.planlineage/store).")
def serve(host, port, timeout_s, max_bytes, max_request_bytes, conn_timeout_s, workers, allow_service,
          max_memory_mb, cors_origins, store_dir):
    """A read-only SPARQL 1.1 endpoint over the store (oxigraph server behind a guard).

    SERVICE (federation) is refused unless --allow-service names the host;
    request bodies, silent connections and concurrent connections are limited.

    \b
    Example:
      planlineage serve --port 7878   # then query http://127.0.0.1:7878/query
    """
    import os

    from .graph.store import DEFAULT_STORE
    from .queries.serve import Limits, serve as run

    store = store_dir or Path(os.environ.get("PLANLINEAGE_STORE") or DEFAULT_STORE)
    limits = Limits(max_request_bytes=max_request_bytes, conn_timeout_s=conn_timeout_s, workers=workers,
                    allow_service=tuple(allow_service), cors_origins=tuple(cors_origins), max_memory_mb=max_memory_mb)
    run(store, host, port, timeout_s, max_bytes,
        ready=lambda url: click.echo(f"SPARQL endpoint (read-only) at {url}", err=True), limits=limits)


@cli.command("virtuoso-setup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--http", "http", default="127.0.0.1:8890", show_default=True, metavar="HOST:PORT",
              help="Where the SPARQL endpoint listens (0.0.0.0:8890 for the analysts' machines).")
@click.option("--sql", "sql", default="127.0.0.1:1111", show_default=True, metavar="HOST:PORT",
              help="Where the administration port (isql-vt) listens: keep it on loopback.")
@click.option("--memory", "memory_mb", default=2000, show_default=True, type=click.IntRange(200),
              help="Buffer memory in MB.")
@click.option("--timeout", "timeout_s", default=60, show_default=True, type=click.IntRange(1),
              help="Seconds after which a query is stopped.")
@click.option("--writer", default="planlineage_writer", show_default=True, help="The build's account.")
@click.option("--analyst", default="planlineage_analyst", show_default=True, help="The analysts' read-only account.")
def virtuoso_setup(folder, http, sql, memory_mb, timeout_s, writer, analyst):
    """Write the configuration and accounts of a shared store on OpenLink Virtuoso.

    Writes FOLDER/virtuoso.ini (database in FOLDER/db, limits of a public
    read-only endpoint) and FOLDER/roles.sql (anonymous /sparql read-only
    without federation or sponging; an analyst account that reads, a writer
    account for `build`). Passwords come from $PLANLINEAGE_DBA_PASSWORD,
    $PLANLINEAGE_WRITER_PASSWORD and $PLANLINEAGE_ANALYST_PASSWORD, or are asked.

    \b
    Example (Debian package virtuoso-opensource):
      planlineage virtuoso-setup /srv/planlineage --http 0.0.0.0:8890
      virtuoso-t +configfile /srv/planlineage/virtuoso.ini +wait
      isql-vt 127.0.0.1:1111 dba dba /srv/planlineage/roles.sql && rm /srv/planlineage/roles.sql
    """
    import os

    from .graph.virtuoso import Accounts, write_setup

    def secret(var, what):
        return os.environ.get(var) or click.prompt(f"Password of {what}", hide_input=True, confirmation_prompt=True)

    accounts = Accounts(writer=writer, analyst=analyst,
                        dba_password=secret("PLANLINEAGE_DBA_PASSWORD", "dba (the administrator)"),
                        writer_password=secret("PLANLINEAGE_WRITER_PASSWORD", writer),
                        analyst_password=secret("PLANLINEAGE_ANALYST_PASSWORD", analyst))
    ini, roles = write_setup(folder, accounts, http=http, sql=sql, memory_mb=memory_mb, timeout_s=timeout_s)
    click.echo(f"Wrote {ini} and {roles}. Next:\n"
               f"  virtuoso-t +configfile {ini} +wait\n"
               f"  isql-vt {sql} dba dba {roles} && rm {roles}\n"
               f"Build: PLANLINEAGE_USER={writer} PLANLINEAGE_PASSWORD=... planlineage build DIR "
               f"--endpoint http://{http}/sparql-auth\n"
               f"Analysts: planlineage ask \"...\" --endpoint http://{http}/sparql")


# --- pictures (issue #5): viz, report ------------------------------------------------------------

@cli.command()
@click.option("--trace", "task", metavar="TASK", help="A task (<file name>#<ref> or IRI): its chain up to the Directive.")
@click.option("--plan", metavar="PLAN", help="A plan (file name, number or IRI): ancestors, tasks, units, targets.")
@click.option("--unit", metavar="UNIT", help="A unit (name or IRI): the tasks it leads or cooperates on.")
@click.option("-o", "--output", default="planlineage-view.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True, help="Language of labels.")
@_store_options
def viz(task, plan, unit, output, lang, store_dir, endpoint):
    """Draw the graph as an interactive HTML page that works offline.

    Without --trace/--plan/--unit: the whole corpus as the cascade of plans.
    The scripts it needs are written beside the page (planlineage-viz/).

    \b
    Example:
      planlineage viz --trace 004_5c5cafd7972287fb.txt#6.2 -o trace.html --lang en
    """
    from .viz.views import write_view

    with _open(store_dir, endpoint, read_only=True) as store:
        page, view = write_view(store, output, trace=task, plan=plan, unit=unit, lang=lang)
    click.echo(f"{page}: {len(view.nodes)} nodes, {len(view.edges)} edges", err=True)


@cli.command()
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the site (created).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True, help="Language of labels.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes drawing the plan and unit pages.")
@_store_options
def report(out_dir, lang, jobs, store_dir, endpoint):
    """Write a static site: plans, their tasks, units, a responsibility matrix, interactive views.

    \b
    Example:
      planlineage report -o site && xdg-open site/index.html
    """
    from .viz.report import build_report

    with _open(store_dir, endpoint, read_only=True) as store:
        index = build_report(store, out_dir, lang, jobs)
    click.echo(f"report written: {index}", err=True)


def main():
    """Console-script entry point."""
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
