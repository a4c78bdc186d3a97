"""What the store keeps for itself (the union seal, kept answers) is not part of what users' SPARQL
sees (issue #13), and `serve` runs after the main install. Real store, real `planlineage` processes."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

from planlineage.graph.iris import STORE_GRAPH
from planlineage.graph.store import open_store

PLANLINEAGE = str(Path(sys.executable).parent / "planlineage")
OWN = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p IN (pl:answerRows, pl:unionComplete)) }"
OWN_FULL = ("PREFIX pl: <https://w3id.org/planlineage/ontology#>\n"
            + OWN + "\n")


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([PLANLINEAGE, *map(str, args)], capture_output=True, text=True, timeout=600)


def test_bookkeeping_is_kept_but_not_in_the_union(corpus_store_dir, tmp_path):
    store = tmp_path / "s"
    assert _run("build", "--store", store).returncode == 0
    with open_store(store, read_only=True) as s:
        kept = [q for q in s.backend.store.quads_for_pattern(None, None, None, STORE_GRAPH)]
        # The build did keep answers and seal the union: they are there, in their own graph.
        assert any(q.predicate.value.endswith("#answerRows") for q in kept)
        assert any(q.predicate.value.endswith("#unionComplete") for q in kept)
        assert s.query(OWN).rows == []
        assert all(q.graph_name != STORE_GRAPH for q in s.quads())
    rq = tmp_path / "own.rq"
    rq.write_text(OWN_FULL, encoding="utf-8")
    res = _run("query", rq, "--format", "json", "--store", store)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["results"]["bindings"] == []
    res = _run("export", "--format", "nq", "--store", store)
    assert res.returncode == 0 and "answerRows" not in res.stdout and "unionComplete" not in res.stdout
    assert str(STORE_GRAPH)[1:-1] not in res.stdout


def test_bookkeeping_not_visible_through_serve(tmp_path, running_server, free_port):
    store = tmp_path / "s"
    assert _run("build", "--store", store).returncode == 0
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    with running_server([PLANLINEAGE, "serve", "--store", str(store), "--port", str(port)],
                        url + "?query=ASK%7B%7D", "planlineage serve"):
        req = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": OWN_FULL}),
                                     headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            assert json.loads(resp.read())["results"]["bindings"] == []


def test_serve_binary_is_a_dependency_of_the_main_install():
    """`pip install -e .` (the README's main line) installs the oxigraph server `serve` runs."""
    import configparser

    import planlineage

    cfg = configparser.ConfigParser()
    cfg.read(Path(planlineage.__file__).resolve().parent / "setup.cfg", encoding="utf-8")
    plain = [line.strip() for line in cfg["options"]["install_requires"].splitlines()
             if line.strip() and not line.strip().startswith("#")]
    assert any(re.match(r"oxigraph\b", r) for r in plain), plain
