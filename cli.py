"""The planlineage command line: thin wrappers over the library.

Each command parses options, calls one library function and prints the result.
Library errors become ``Error: ...`` lines with exit code 1 (click's
ClickException); usage errors exit with 2.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import DATA_DIR, __version__


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


class _Group(click.Group):
    """Turns the library's PlanlineageError into click's "Error: ..." line, exit 1."""

    def invoke(self, ctx):
        from .errors import PlanlineageError

        try:
            return super().invoke(ctx)
        except PlanlineageError as e:
            raise click.ClickException(str(e)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="planlineage")
def cli():
    """Plan lineage and responsibilities from Vietnamese plan documents.

    Typical session: `planlineage build` loads the bundled corpus into the
    default store; `planlineage lineage FILE` and `planlineage trace FILE#REF`
    follow a plan or a task up to Directive 38-CT/TW.
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one <stem>.json record per document into this folder.")
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes for many documents.")
def extract(paths, out_dir, jobs):
    """Turn plan documents (text) into extraction records (JSON).

    With one document and no -o the record goes to stdout. A document that
    cannot be read gets one error line; the others are still extracted and the
    exit code is 1.

    \b
    Example:
      planlineage extract data/004_5c5cafd7972287fb.txt
      planlineage extract data/ -o out/records --jobs 2
    """
    from .extract.batch import expand, extract_paths

    files = expand(paths)
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
            elif out_dir is None:
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
    the bundled corpus (or GOLD_DIR/../corpus) first.

    \b
    Example:
      planlineage eval ../shared/gold
    """
    from .extract.evaluate import load_gold, score
    from .extract.record import extract_text, read_text

    golds = load_gold(gold_dir)
    if not golds:
        raise click.ClickException(f"{gold_dir}: no gold records (*.json with 'source' and 'tasks')")
    preds = {}
    for g in golds:
        src = g["source"]
        if pred_dir is not None:
            p = pred_dir / (Path(src).stem + ".json")
            preds[src] = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
            continue
        for folder in (DATA_DIR, gold_dir.parent / "corpus"):
            if (folder / src).exists():
                preds[src] = extract_text(read_text(folder / src), src)
                break
        else:
            raise click.ClickException(f"{src}: document not found in {DATA_DIR} or {gold_dir.parent / 'corpus'}")
    scores = score(preds, golds)
    if fmt == "json":
        click.echo(_dump({"summary": scores.summary(), "documents": scores.per_doc}))
    else:
        click.echo(scores.table())


def main():
    """Console-script entry point."""
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
