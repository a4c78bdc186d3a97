"""A shared store on OpenLink Virtuoso 7: its configuration, its accounts, and a process to run it.

planlineage talks to Virtuoso through the SPARQL 1.1 Protocol alone (graph/store.py ``_Remote``);
this module only writes what an operator needs to run one (``planlineage virtuoso-setup``) and
starts a private instance for the tests and benchmarks. Virtuoso itself comes from the Debian
package ``virtuoso-opensource`` (``virtuoso-t``, ``isql-vt``).

The instance has two ports, both loopback unless the operator says otherwise: HTTP (``/sparql``
for anonymous read-only queries, ``/sparql-auth`` for the analysts' and the writer's accounts,
HTTP Digest) and SQL (dba access through ``isql-vt``; keep it on loopback).

>>> cfg = config_text("/srv/pl", http="0.0.0.0:8890", sql="127.0.0.1:1111", memory_mb=2000)
>>> [ln for ln in cfg.splitlines() if ln.startswith(("ServerPort", "NumberOfBuffers"))]
['ServerPort          = 127.0.0.1:1111', 'NumberOfBuffers     = 17000', 'ServerPort          = 0.0.0.0:8890']
"""
from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError

_HERE = Path(__file__).resolve().parent / "servers"
CONFIG_TEMPLATE = _HERE / "virtuoso.ini"
ROLES_TEMPLATE = _HERE / "virtuoso_roles.sql"
#: Revoking a role the anonymous user does not have is no error for us (a server set up differently).
_HARMLESS = re.compile(r"does not have granted role|already exists")


@dataclass
class Accounts:
    """Names and passwords of the store's accounts (graph/servers/virtuoso_roles.sql)."""
    writer: str = "planlineage_writer"
    writer_password: str = ""
    analyst: str = "planlineage_analyst"
    analyst_password: str = ""
    dba_password: str = ""


def _fill(template: Path, **values) -> str:
    text = template.read_text(encoding="utf-8")
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), text)


def config_text(folder: str | Path, http: str = "127.0.0.1:8890", sql: str = "127.0.0.1:1111",
                memory_mb: int = 1000, timeout_s: int = 60, max_rows: int = 1_000_000, threads: int = 16) -> str:
    """virtuoso.ini for a database in ``folder``.

    http, sql (str): HOST:PORT of the HTTP (SPARQL) and SQL (isql-vt) listeners.
    memory_mb (int): buffer memory. timeout_s (int): a query is stopped after this many seconds.
    max_rows (int): the largest answer. threads (int): HTTP threads (and at most this many connections).
    """
    buffers = max(2000, memory_mb * 8500 // 1000)
    return _fill(CONFIG_TEMPLATE, folder=Path(folder).resolve(), http=http, sql=sql, buffers=buffers,
                 dirty_buffers=buffers * 3 // 4, max_query_mem=f"{max(100, memory_mb // 2)}M", timeout_s=timeout_s,
                 max_rows=max_rows, threads=threads)


def roles_text(accounts: Accounts) -> str:
    """The SQL script giving the accounts their rights; every password must be set."""
    for what in ("writer_password", "analyst_password", "dba_password"):
        value = getattr(accounts, what)
        if not value or "'" in value:
            raise StoreError(f"virtuoso: the {what.replace('_', ' ')} is empty or holds a quote")
    for name in (accounts.writer, accounts.analyst):
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise StoreError(f"virtuoso: {name!r} is not an account name (letters, digits and _)")
    return _fill(ROLES_TEMPLATE, **vars(accounts))


def write_setup(folder: str | Path, accounts: Accounts, **config) -> tuple[Path, Path]:
    """Write ``virtuoso.ini`` and ``roles.sql`` into ``folder`` (created). RETURNS (the two paths)."""
    folder = Path(folder)
    (folder / "db").mkdir(parents=True, exist_ok=True)
    ini, roles = folder / "virtuoso.ini", folder / "roles.sql"
    ini.write_text(config_text(folder, **config), encoding="utf-8")
    roles.write_text(roles_text(accounts), encoding="utf-8")
    roles.chmod(0o600)
    return ini, roles


def binaries() -> tuple[str, str]:
    """RETURNS (virtuoso-t, isql-vt) paths, or raises StoreError naming the Debian package."""
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not server or not isql:
        raise StoreError("virtuoso: virtuoso-t or isql-vt not found (apt-get install virtuoso-opensource)")
    return server, isql


def apply_roles(sql: str, roles: Path, dba_password: str = "dba") -> None:
    """Run ``roles`` with isql-vt as dba on the SQL listener ``sql`` (HOST:PORT)."""
    _, isql = binaries()
    res = subprocess.run([isql, sql, "dba", dba_password, str(roles)], capture_output=True, text=True, timeout=120)
    errors = [ln for ln in (res.stdout + res.stderr).splitlines()
              if ln.startswith("*** Error") and not _HARMLESS.search(ln)]
    if res.returncode != 0 or errors:
        raise StoreError(f"virtuoso: {roles}: {errors[0] if errors else res.stderr.strip() or 'isql-vt failed'}")


def wait_ready(url: str, proc: subprocess.Popen | None = None, seconds: float = 60) -> None:
    """Poll the SPARQL endpoint ``url`` until it answers (or the process dies)."""
    deadline = time.monotonic() + seconds
    while True:
        if proc is not None and proc.poll() is not None:
            raise StoreError(f"virtuoso: the server stopped at start (exit {proc.returncode}); see its log")
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
            return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise StoreError(f"virtuoso: {url} did not answer within {seconds:.0f} s") from None
            time.sleep(0.2)


@dataclass
class Instance:
    """A running private Virtuoso: its SPARQL URLs and accounts."""
    endpoint: str       # anonymous, read-only
    auth_endpoint: str  # with an account (Digest)
    accounts: Accounts
    process: subprocess.Popen
    folder: Path


def _die_with_parent() -> None:
    """In the child before exec: the kernel stops the server when its parent dies (a killed test run)."""
    import ctypes
    import signal

    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@contextmanager
def running(folder: str | Path, http_port: int, sql_port: int, accounts: Accounts, timeout_s: int = 60):
    """Start a private Virtuoso in ``folder`` on loopback, give it the accounts, stop it at the end.

    Used by the tests and bench/; an organisation runs its server as a service instead (README).
    """
    server, _ = binaries()
    folder = Path(folder)
    ini, roles = write_setup(folder, accounts, http=f"127.0.0.1:{http_port}", sql=f"127.0.0.1:{sql_port}",
                             timeout_s=timeout_s)
    log = open(folder / "server.out", "wb")
    proc = subprocess.Popen([server, "+foreground", "+configfile", str(ini)], cwd=folder / "db",
                            stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_ready(base + "/sparql", proc)
        apply_roles(f"127.0.0.1:{sql_port}", roles)
        yield Instance(base + "/sparql", base + "/sparql-auth", accounts, proc, folder)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
