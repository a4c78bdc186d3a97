"""A shared Virtuoso store set up as the README says, tried as an attacker and as each account would (issue #13).

The server is started from the files ``planlineage virtuoso-setup`` writes, its accounts given with
the ``isql-vt`` line it prints. Each attack goes to the real server on loopback; a local HTTP
listener (conftest ``victim``) counts every request the server makes on an attacker's behalf.
"""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from planlineage import DATA_DIR

PLANLINEAGE = str(Path(sys.executable).parent / "planlineage")
PASSWORDS = {"PLANLINEAGE_DBA_PASSWORD": "dba-t3st", "PLANLINEAGE_WRITER_PASSWORD": "writer-t3st",
             "PLANLINEAGE_ANALYST_PASSWORD": "analyst-t3st"}
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _run(*args, env=None, timeout=600):
    base = {k: v for k, v in os.environ.items() if not k.startswith("PLANLINEAGE_")}
    return subprocess.run([PLANLINEAGE, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**base, **(env or {})})


@pytest.fixture(scope="module")
def shared(tmp_path_factory, free_port):
    """(anonymous URL, account URL): a Virtuoso set up with `planlineage virtuoso-setup`, 2 s query limit."""
    from planlineage.graph.virtuoso import wait_ready

    folder = tmp_path_factory.mktemp("shared")
    http_port, sql_port = free_port(), free_port()
    res = _run("virtuoso-setup", folder, "--http", f"127.0.0.1:{http_port}", "--sql", f"127.0.0.1:{sql_port}",
               "--timeout", "2", "--memory", "500", env=PASSWORDS)
    assert res.returncode == 0, res.stderr
    ini, roles = folder / "virtuoso.ini", folder / "roles.sql"
    assert oct(roles.stat().st_mode & 0o777) == "0o600"
    isql = next(line.split("&&")[0].split() for line in res.stdout.splitlines() if "isql-vt" in line)
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{http_port}"
        wait_ready(base + "/sparql", proc)
        done = subprocess.run(isql, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and "*** Error" not in done.stdout.replace("does not have granted role", ""), \
            done.stdout
        yield base + "/sparql", base + "/sparql-auth"
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _send(url: str, field: str, text: str, user: str | None = None, password: str = "") -> tuple[int, str]:
    """POST one SPARQL request as the SPARQL protocol says; RETURNS (HTTP status, body)."""
    handlers = []
    if user:
        pm = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        pm.add_password(None, url, user, password)
        handlers = [urllib.request.HTTPDigestAuthHandler(pm)]
    req = urllib.request.Request(url, data=urllib.parse.urlencode({field: text}).encode(),
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.build_opener(*handlers).open(req, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


WRITER = {"PLANLINEAGE_USER": "planlineage_writer", "PLANLINEAGE_PASSWORD": PASSWORDS["PLANLINEAGE_WRITER_PASSWORD"]}
ANALYST = {"PLANLINEAGE_USER": "planlineage_analyst", "PLANLINEAGE_PASSWORD": PASSWORDS["PLANLINEAGE_ANALYST_PASSWORD"]}
PLAN = DATA_DIR / "004_5c5cafd7972287fb.txt"


def _count(url: str) -> int:
    status, body = _send(url, "query", 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } '
                                       'FILTER(STRSTARTS(STR(?g), "https://w3id.org/planlineage/")) }')
    assert status == 200, body
    return int(body.split('"value": "')[1].split('"')[0])


def test_virtuoso_anonymous_and_analyst_cannot_write(shared):
    anon, auth = shared
    before = _count(anon)
    for where, env in ((anon, {}), (auth, ANALYST)):
        res = _run("build", PLAN, "--endpoint", where, env=env)
        assert res.returncode == 1, res.stderr
        last = res.stderr.strip().splitlines()[-1]
        assert "Traceback" not in res.stderr and where in last and "not allowed for" in last, last
    assert _count(anon) == before
    status, _ = _send(anon, "update", 'INSERT DATA { GRAPH <https://w3id.org/planlineage/id/graph/doc/x> { <a:b> <a:c> "d" } }')
    assert status >= 400 and _count(anon) == before


def test_virtuoso_writer_builds_and_analysts_read(shared):
    anon, auth = shared
    res = _run("build", PLAN, DATA_DIR / "001_576764f9f3d585c1.txt", "--endpoint", auth, env=WRITER)
    assert res.returncode == 0, res.stderr
    for where, env in ((anon, {}), (auth, ANALYST)):
        out = _run("lineage", PLAN.name, "--endpoint", where, env=env)
        assert out.returncode == 0, out.stderr
        assert "40/KH-UBND" in out.stdout and "38-CT/TW" in out.stdout


@pytest.mark.parametrize("attack", [
    "SELECT * WHERE { SERVICE <{url}/service> { ?s ?p ?o } }",
    'DEFINE get:soft "replace" SELECT * FROM <{url}/sponge.ttl> WHERE { ?s ?p ?o }',
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1",  # control: a plain query answers
], ids=["service", "sponge", "control"])
@pytest.mark.parametrize("who", ["anonymous", "analyst"])
def test_virtuoso_does_not_fetch_for_readers(shared, victim, attack, who):
    anon, auth = shared
    url, seen = victim
    before = len(seen)
    status, body = _send(anon, "query", attack.replace("{url}", url)) if who == "anonymous" else _send(
        auth, "query", attack.replace("{url}", url), "planlineage_analyst", PASSWORDS["PLANLINEAGE_ANALYST_PASSWORD"])
    assert len(seen) == before, f"the server fetched {seen[before:]}"
    assert "internal secret" not in body
    assert (status == 200) == ("LIMIT 1" in attack), body[:300]


def test_virtuoso_load_refused_to_readers(shared, victim):
    anon, _ = shared
    url, seen = victim
    before = len(seen)
    status, _ = _send(anon, "update", f"LOAD <{url}/load.ttl> INTO GRAPH <https://w3id.org/planlineage/id/graph/doc/y>")
    assert status >= 400 and len(seen) == before


def test_virtuoso_long_query_stopped_with_one_line(shared, tmp_path):
    """A cross product over the server's graphs runs into the 2 s limit: one error line, exit 1
    (Virtuoso answers what it has so far, marked in a header, which planlineage refuses)."""
    anon, _ = shared
    rq = tmp_path / "cross.rq"
    rq.write_text(CROSS + "\n", encoding="utf-8")
    res = _run("query", rq, "--endpoint", anon, timeout=300)
    assert res.returncode == 1, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "incomplete answer" in res.stderr or "HTTP" in res.stderr
