"""Every command over ``--endpoint`` gives what it gives on the embedded store (issue #13).

Three real servers: two writable ones that ``planlineage build --endpoint`` loads through SPARQL 1.1
Update, an ``oxigraph serve`` process and an OpenLink Virtuoso 7 instance (the writer's account for
the build, anonymous read-only queries for everything else, as an analyst uses a shared server),
and the project's own ``planlineage serve`` over an embedded store (read-only). The commands run as
a user runs them (real `planlineage` processes).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planlineage import DATA_DIR

PLANLINEAGE = str(Path(sys.executable).parent / "planlineage")
PLAN = "004_5c5cafd7972287fb.txt"
READ_COMMANDS = [
    ["lineage", PLAN],
    ["lineage", "345/KH-UBND", "--format", "json"],
    ["trace", f"{PLAN}#6.2"],
    ["ask", "which units lead training tasks"],
    ["ask", "đơn vị nào chủ trì nhiệm vụ thanh tra ở tỉnh An Giang"],
    ["query", "units_leading_training", "--format", "json"],
    ["query", "tasks_due", "--param", "year=2025", "--format", "csv"],
    ["query", "unit_workload", "--format", "json"],
    ["findings", "--format", "json"],
    ["validate"],
]
VIEWS = [[], ["--plan", "40/KH-UBND"], ["--plan", PLAN], ["--unit", "Sở Khoa học và Công nghệ"],
         ["--trace", f"{PLAN}#6.2", "--lang", "en"]]


def _run(*args, timeout=600, env=None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("PLANLINEAGE_USER", "PLANLINEAGE_PASSWORD")}
    return subprocess.run([PLANLINEAGE, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**full, **(env or {})})


def _where(res: subprocess.CompletedProcess, name: str) -> str:
    """stdout and the exit code, with the store's name (a directory or a URL) written as STORE."""
    return f"exit {res.returncode}\n" + res.stdout.replace(name, "STORE")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plans")
    for src in sorted(DATA_DIR.glob("*.txt")):
        shutil.copy(src, folder / src.name)
    return folder


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory, running_server, free_port, virtuoso):
    """(name, query URL, update URL, the writer's environment) of a real writable SPARQL server."""
    if request.param == "virtuoso":
        inst = virtuoso()
        env = {"PLANLINEAGE_USER": inst.accounts.writer, "PLANLINEAGE_PASSWORD": inst.accounts.writer_password}
        yield "virtuoso", inst.endpoint, inst.auth_endpoint, env
        return
    exe = Path(sys.executable).with_name("oxigraph")
    port = free_port()
    cmd = [str(exe if exe.exists() else "oxigraph"), "serve", "--location", str(tmp_path_factory.mktemp("ox")),
           "--bind", f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/query"
    with running_server(cmd, url + "?query=ASK%7B%7D", "oxigraph serve", seconds=10):
        yield "oxigraph", url, url, {}


@pytest.fixture(scope="module")
def built(corpus, server, tmp_path_factory):
    """(embedded store dir, endpoint URL, build outputs): the same folder built into both."""
    name, url, writer_url, env = server
    store = tmp_path_factory.mktemp("emb") / "s"
    a = _run("build", corpus, "--store", store)
    b = _run("build", corpus, "--endpoint", writer_url, env=env)
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    return store, url, (a, b), server


def test_endpoint_build_says_what_the_embedded_build_says(built):
    store, url, (a, b), (_, _, writer_url, _) = built
    last = [r.stderr.strip().splitlines()[-1] for r in (a, b)]
    assert last[0].replace(str(store), "STORE") == last[1].replace(writer_url, "STORE")
    assert re.match(r"5 of 5 documents loaded, 0 duplicate\(s\) skipped, 0 failed; \d+ triples in STORE",
                    last[1].replace(writer_url, "STORE"))


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_endpoint_command_same_output_as_embedded(built, args):
    store, url, _, _ = built
    local = _run(*args, "--store", store)
    remote = _run(*args, "--endpoint", url)
    assert local.returncode == 0, local.stderr
    assert _where(remote, url) == _where(local, str(store)), remote.stderr


def test_endpoint_export_same_quads_as_embedded(built, tmp_path):
    store, url, _, _ = built
    for fmt in ("nq", "graphml"):
        local = _run("export", "--format", fmt, "-o", tmp_path / f"local.{fmt}", "--store", store)
        remote = _run("export", "--format", fmt, "-o", tmp_path / f"remote.{fmt}", "--endpoint", url)
        assert local.returncode == remote.returncode == 0, remote.stderr
        lines = [sorted((tmp_path / f"{w}.{fmt}").read_text(encoding="utf-8").splitlines()) for w in ("local", "remote")]
        assert lines[0] == lines[1] and len(lines[0]) > 1000


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: " ".join(v[:1]) or "corpus")
def test_endpoint_viz_same_page_as_embedded(built, view, tmp_path):
    store, url, _, _ = built
    pages = []
    for where, opt in (("local", ["--store", store]), ("remote", ["--endpoint", url])):
        res = _run("viz", *view, "-o", tmp_path / where / "view.html", *opt)
        assert res.returncode == 0, res.stderr
        pages.append(_files(tmp_path / where))
    assert pages[0] == pages[1]


def test_endpoint_report_same_site_as_embedded(built, tmp_path):
    store, url, _, _ = built
    for where, opt in (("local", ["--store", store]), ("remote", ["--endpoint", url])):
        res = _run("report", "-o", tmp_path / where, *opt)
        assert res.returncode == 0, res.stderr
    local, remote = _files(tmp_path / "local"), _files(tmp_path / "remote")
    assert local.keys() == remote.keys() and len(local) > 3
    assert {k for k in local if local[k] != remote[k]} == set()


def test_endpoint_through_planlineage_serve_same_output(built, running_server, free_port):
    """The project's read-only `serve` over the embedded store: viz and report too (no 413)."""
    store, _, _, _ = built
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    with running_server([PLANLINEAGE, "serve", "--store", str(store), "--port", str(port)],
                        url + "?query=ASK%7B%7D", "planlineage serve"):
        for args in READ_COMMANDS[:4] + [["findings", "--format", "json"]]:
            local = _run(*args, "--store", store)
            remote = _run(*args, "--endpoint", url)
            assert _where(remote, url) == _where(local, str(store)), (args, remote.stderr)
        res = _run("viz", "--plan", "40/KH-UBND", "-o", Path(store).parent / "served" / "v.html", "--endpoint", url)
        assert res.returncode == 0, res.stderr


def test_endpoint_remove_then_rebuild(built, corpus):
    store, url, _, (_, _, writer_url, env) = built
    for opt, e in ((["--store", store], {}), (["--endpoint", writer_url], env)):
        res = _run("remove", PLAN, *opt, env=e)
        assert res.returncode == 0, res.stderr
    after = [_run("lineage", PLAN, *opt) for opt in (["--store", store], ["--endpoint", url])]
    assert after[0].returncode == after[1].returncode == 1
    assert after[0].stderr.replace(str(store), "S") == after[1].stderr.replace(url, "S")
    for opt, e in ((["--store", store], {}), (["--endpoint", writer_url], env)):
        assert _run("build", corpus / PLAN, *opt, env=e).returncode == 0
    outs = [_run("lineage", PLAN, *opt) for opt in (["--store", store], ["--endpoint", url])]
    assert _where(outs[0], str(store)) == _where(outs[1], url)
