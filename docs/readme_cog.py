"""Helpers for the cog blocks of README.md: real command output on the bundled corpus.

`cog -r -I docs README.md` regenerates the blocks; `cog --check -I docs README.md`
(run by tests/test_docs.py) fails when the README no longer matches the code.
"""
from __future__ import annotations

import atexit
import shlex
import shutil
import tempfile

import cog
from click.testing import CliRunner

from planlineage.cli import cli

_STORE: list[str] = []


def store() -> str:
    """A store built once from the bundled corpus, in a temporary folder."""
    if not _STORE:
        folder = tempfile.mkdtemp(prefix="planlineage-readme-")
        atexit.register(shutil.rmtree, folder, True)
        path = f"{folder}/store"
        result = CliRunner().invoke(cli, ["build", "--store", path])
        assert result.exit_code == 0, result.output
        _STORE.append(path)
    return _STORE[0]


def run(cmdline: str, needs_store: bool = True, lines: int | None = None) -> None:
    """Print `$ cmdline` and its standard output as a fenced block."""
    argv = shlex.split(cmdline)[1:]
    if needs_store:
        argv += ["--store", store()]
    result = CliRunner().invoke(cli, argv, terminal_width=100)
    out = result.stdout.rstrip("\n").splitlines()
    if lines is not None and len(out) > lines:
        out = out[:lines] + ["..."]
    cog.outl("```")
    cog.outl(f"$ {cmdline}")
    for line in out:
        cog.outl(line.rstrip())
    cog.outl("```")


def help_of(command: str = "") -> None:
    """The --help text of a command, as a fenced block."""
    argv = (shlex.split(command) if command else []) + ["--help"]
    result = CliRunner().invoke(cli, argv, terminal_width=100, prog_name="planlineage")
    cog.outl("```")
    cog.outl(f"$ planlineage {command + ' ' if command else ''}--help")
    cog.out(result.stdout)
    cog.outl("```")
