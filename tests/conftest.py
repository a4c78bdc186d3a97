"""Shared fixtures, named for what they give.

Graph fixtures build from the real extractor's output on the bundled corpus
(data/*.txt); ``oxigraph_endpoint`` runs a real ``oxigraph serve`` process on a
free loopback port.
"""
from __future__ import annotations

import http.server
import json
from contextlib import ExitStack, contextmanager
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from planlineage import DATA_DIR

GOLD_DIR = Path(__file__).resolve().parents[2] / "shared" / "gold"


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    """The five bundled plan documents."""
    return sorted(DATA_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def extracted_records(corpus_files) -> list[dict]:
    """Extraction records of the bundled corpus, from the real extractor."""
    from planlineage.extract.batch import extract_paths

    results = list(extract_paths(corpus_files))
    errors = [r.error for r in results if r.error]
    assert not errors, errors
    return [r.record for r in results]


@pytest.fixture(scope="session")
def corpus_facts() -> dict:
    """Cross-document gold facts (../shared/gold/corpus.json)."""
    return json.loads((GOLD_DIR / "corpus.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def corpus_store(extracted_records):
    """An in-memory embedded store holding the bundled corpus."""
    from planlineage.graph.store import open_store

    store = open_store(memory=True)
    outcomes = store.load_records(extracted_records)
    assert [o.error for o in outcomes if o.error] == []
    yield store
    store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _running(cmd: list[str], ready_url: str, what: str, seconds: float = 20):
    """Start a server process, poll ``ready_url`` until it answers, stop it at the end.

    Fails with the server's own output when it dies before answering.
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + seconds
        while True:
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"{what} died (exit {proc.returncode}): {out.decode()} {err.decode()}")
            try:
                urllib.request.urlopen(ready_url, timeout=1).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"{what} did not answer within {seconds:.0f} s")
                time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture(scope="session")
def free_port():
    """A function giving a free loopback TCP port."""
    return _free_port


@pytest.fixture(scope="session")
def running_server():
    """Context manager ``running_server(cmd, ready_url, what)``: a real server process for a test."""
    return _running


@pytest.fixture(scope="session")
def corpus_store_dir(tmp_path_factory, extracted_records):
    """A store directory holding the bundled corpus (real extractor), for CLI and server runs."""
    from planlineage.graph.store import open_store

    path = tmp_path_factory.mktemp("corpus") / "store"
    with open_store(path) as store:
        assert [o.error for o in store.load_records(extracted_records) if o.error] == []
    return path


@pytest.fixture(scope="session")
def oxigraph_endpoint(tmp_path_factory):
    """Query URL of a real `oxigraph serve` process (empty store), terminated at the end."""
    exe = Path(sys.executable).with_name("oxigraph")
    if not exe.exists():
        exe = Path(shutil.which("oxigraph") or "oxigraph")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    url = f"http://127.0.0.1:{port}"
    cmd = [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with _running(cmd, url + "/query?query=ASK%7B%7D", "oxigraph serve", seconds=10):
        yield url + "/query"


@pytest.fixture(scope="session")
def endpoint_store(oxigraph_endpoint, extracted_records):
    """The bundled corpus loaded into the real oxigraph server, used through --endpoint."""
    from planlineage.graph.store import open_store

    store = open_store(endpoint=oxigraph_endpoint)
    outcomes = store.load_records(extracted_records)
    assert [o.error for o in outcomes if o.error] == []
    return store


@pytest.fixture(scope="session")
def virtuoso_store(virtuoso, extracted_records):
    """The bundled corpus loaded into the real Virtuoso server with the writer's account, then
    read as analysts read it: anonymously, on the read-only endpoint."""
    from planlineage.graph.store import open_store

    inst = virtuoso()
    writer = open_store(endpoint=inst.auth_endpoint, user=inst.accounts.writer,
                        password=inst.accounts.writer_password)
    outcomes = writer.load_records(extracted_records)
    assert [o.error for o in outcomes if o.error] == []
    return open_store(endpoint=inst.endpoint)


@pytest.fixture(params=["embedded", "endpoint", "virtuoso"])
def any_store(request):
    """The bundled corpus in every kind of store: embedded pyoxigraph, the oxigraph server, Virtuoso."""
    name = {"embedded": "corpus_store", "endpoint": "endpoint_store", "virtuoso": "virtuoso_store"}[request.param]
    return request.getfixturevalue(name)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A function giving the session's private OpenLink Virtuoso (graph/virtuoso.py ``Instance``),
    started on loopback at its first use, with the writer's and the analyst's accounts."""
    from planlineage.graph.virtuoso import Accounts, running

    started = []
    with ExitStack() as stack:
        def get():
            if not started:
                acc = Accounts(writer_password="writer-secret", analyst_password="analyst-secret",
                               dba_password="dba-secret")
                started.append(stack.enter_context(running(tmp_path_factory.mktemp("virtuoso"), _free_port(),
                                                           _free_port(), acc)))
            return started[0]

        yield get


@pytest.fixture(scope="module")
def victim():
    """A loopback HTTP server standing for an internal service: it records every request it gets."""
    hits = []

    class Secret(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b"<http://x/secret> <http://x/p> \"internal secret\" ."
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Secret)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()
