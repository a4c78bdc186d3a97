"""A read-only SPARQL 1.1 Protocol endpoint over the store: the oxigraph server behind a small guard.

The SPARQL engine and protocol are the ``oxigraph`` server (PyPI package
``oxigraph``) in ``serve-read-only`` mode over the store directory, with
``--union-default-graph`` (every document is a named graph) and ``--timeout-s``.
Two things it does not do well enough on its own, measured with oxigraph 0.5:

* it has no result size limit;
* when the time limit cancels a query whose results are already streaming, it
  answers ``200 OK`` with a truncated body ending in "The SPARQL operation has been
  cancelled", which a client reads as broken JSON rather than as an error.

So a guard (this module, standard library only) listens on the public address,
refuses updates (403), forwards queries to oxigraph on a private loopback port,
buffers the answer up to ``max_bytes`` and turns an over-long result into ``413``
and a cancelled one into ``500`` with a one-line message. Everything else (parsing,
evaluation, content negotiation, the HTML page at ``/``) is oxigraph's.

A public endpoint must not be turned against its host (issue #13), so the guard also:

* refuses ``SERVICE`` (federation: the engine would fetch any URL, loopback included, and echo
  the reply) unless the operator names the host with ``--allow-service HOST`` (403);
* refuses a request body over ``max_request_bytes`` before reading it (413) and a POST without
  a length (411); headers are limited by the standard library (65,536 bytes a line, 100 lines);
* closes a connection that sends nothing for ``conn_timeout_s`` (headers never finished);
* serves at most ``workers`` connections at once and answers ``503`` beyond, at once;
* sends CORS headers only for the origins the operator names (``--cors-origin``);
* runs the engine under an address-space limit (``--max-memory MB``): a query that needs more
  stops the engine, which is restarted, and gets ``500``.

Lock: the read-only server opens the store as a secondary reader; it can run while
other processes read the store (``open_store(..., read_only=True)``), but oxigraph
says reading while another process writes is undefined behaviour, so stop
``serve`` before ``planlineage build``.

>>> parse_bind("127.0.0.1:0")
('127.0.0.1', 0)
"""
from __future__ import annotations

import http.client
import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..errors import PlanlineageError

CANCELLED = b"The SPARQL operation has been cancelled"
DEFAULT_TIMEOUT_S = 30
DEFAULT_MAX_BYTES = 10_000_000
DEFAULT_MAX_REQUEST_BYTES = 1_000_000
DEFAULT_CONN_TIMEOUT_S = 10
DEFAULT_WORKERS = 16


class ServeError(PlanlineageError):
    """The endpoint cannot start (no store, no oxigraph binary, port in use)."""


def parse_bind(text: str) -> tuple[str, int]:
    """host:port -> (host, port)."""
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def free_port(host: str = "127.0.0.1") -> int:
    """A free TCP port on ``host`` (asked from the OS)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable: beside the running Python (the venv), else on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    if local.exists():
        return str(local)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("oxigraph: server binary not found (pip install oxigraph)")
    return found


def _is_update(method: str, path: str, headers, body: bytes) -> bool:
    if urlsplit(path).path.rstrip("/").endswith("/update"):
        return True
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if ctype == "application/sparql-update":
        return True
    if method == "POST" and ctype == "application/x-www-form-urlencoded":
        return "update" in parse_qs(body.decode("utf-8", "replace"))
    return "update" in parse_qs(urlsplit(path).query)


def _query_text(method: str, path: str, headers, body: bytes) -> str:
    """The SPARQL text of a protocol request (GET ?query=, POST form, POST application/sparql-query)."""
    texts = parse_qs(urlsplit(path).query).get("query", [])
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if method == "POST" and ctype == "application/x-www-form-urlencoded":
        texts += parse_qs(body.decode("utf-8", "replace")).get("query", [])
    elif method == "POST":
        texts.append(body.decode("utf-8", "replace"))
    return "\n".join(texts)


@dataclass
class Limits:
    """What the guard allows. timeout_s: query time limit. max_bytes: result size.
    max_request_bytes: request body. conn_timeout_s: a connection's silence before it is closed.
    workers: connections served at once. allow_service: hosts SERVICE may name. cors_origins: origins
    that get CORS headers."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_bytes: int = DEFAULT_MAX_BYTES
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    conn_timeout_s: float = DEFAULT_CONN_TIMEOUT_S
    workers: int = DEFAULT_WORKERS
    allow_service: tuple = ()
    cors_origins: tuple = ()
    #: Address-space limit of the oxigraph process in MB (0: none); beyond, the engine stops and restarts.
    max_memory_mb: int = 0


def _make_handler(upstream, limits: Limits):
    timeout_s, max_bytes = limits.timeout_s, limits.max_bytes

    class Guard(http.server.BaseHTTPRequestHandler):
        server_version = "planlineage-guard"
        protocol_version = "HTTP/1.1"
        # Socket timeout of every read: a client that stops sending (headers never finished,
        # a body shorter than its length) is disconnected after this long.
        timeout = limits.conn_timeout_s

        def log_message(self, fmt, *args):  # one line per request on stderr, like oxigraph
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

        def _cors(self) -> None:
            origin = self.headers.get("Origin") if self.headers else None
            if origin and origin in limits.cors_origins:
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Vary", "Origin")

        def _reply(self, status: int, body: bytes, headers: dict | None = None, close: bool = False) -> None:
            self.send_response(status)
            for k, v in (headers or {"Content-Type": "text/plain; charset=utf-8"}).items():
                self.send_header(k, v)
            self._cors()
            self.send_header("Content-Length", str(len(body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def do_OPTIONS(self):
            self.send_response(204)
            if self.headers.get("Origin") in limits.cors_origins:
                self._cors()
                self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            self._forward("GET", b"")

        def do_POST(self):
            length = self.headers.get("Content-Length")
            if length is None or not length.strip().isdigit():
                self._reply(411, b"a POST needs a Content-Length\n", close=True)
                return
            if int(length) > limits.max_request_bytes:
                self._reply(413, f"request body larger than the limit of {limits.max_request_bytes} bytes\n".encode(),
                            close=True)
                return
            try:
                body = self.rfile.read(int(length))
            except OSError:  # the client stopped sending (socket timeout)
                self.close_connection = True
                return
            self._forward("POST", body)

        def _forward(self, method: str, body: bytes) -> None:
            if _is_update(method, self.path, self.headers, body):
                self._reply(403, b"read-only endpoint: SPARQL updates are refused\n")
                return
            from ..graph.errors import GraphError
            from ..graph.federation import check_federation

            try:
                check_federation(_query_text(method, self.path, self.headers, body), limits.allow_service)
            except GraphError as e:
                self._reply(403, (str(e) + "\n").encode())
                return
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("content-type", "accept", "accept-encoding")}
            headers["Accept-Encoding"] = "identity"
            # Our own deadline too: oxigraph checks its --timeout-s while producing
            # results, so a long join before the first solution can outlive it.
            port, process = upstream.enter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s + 1)
            try:
                conn.request(method, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                data = resp.read(max_bytes + 1)
            except (OSError, http.client.HTTPException):
                conn.close()
                upstream.leave(process)
                try:  # an engine that hit its memory limit is gone, or going, when the connection breaks
                    died = process.wait(0.5) is not None
                except subprocess.TimeoutExpired:
                    died = False
                upstream.restart(port)
                why = (f"the engine reached its memory limit of {limits.max_memory_mb} MB" if died and limits.max_memory_mb
                       else f"it exceeded the time limit of {timeout_s:g} s")
                self._reply(500, f"query stopped: {why}\n".encode())
                return
            conn.close()
            upstream.leave(process)
            if len(data) > max_bytes:
                self._reply(413, f"result larger than the size limit of {max_bytes} bytes; "
                                 "add LIMIT or narrow the query\n".encode())
                return
            if CANCELLED in data[-200:]:
                # 500, as Virtuoso and Blazegraph answer a timeout, so SPARQL clients
                # (SPARQLWrapper's EndPointInternalError) show the message.
                self._reply(500, f"query stopped: it exceeded the time limit of {timeout_s:g} s\n".encode())
                return
            keep = {k: v for k, v in resp.getheaders() if k.lower() in ("content-type",)}
            self._reply(resp.status, data, keep or None)

    return Guard


class _PoolServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server that serves at most ``workers`` connections at once: beyond, the
    connection gets ``503`` at once and is closed (never an unbounded number of threads)."""

    daemon_threads = True

    def __init__(self, address, handler, workers: int):
        self.slots = threading.BoundedSemaphore(workers)
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        if not self.slots.acquire(blocking=False):
            with suppress(OSError):
                request.settimeout(1)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Connection: close\r\nContent-Length: 33\r\n\r\nserver busy: too many connections\n")
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


@dataclass
class Endpoint:
    """A running endpoint: the oxigraph process and the guard server.

    url (str): the SPARQL query URL (``http://host:port/query``).
    upstream (Upstream): the oxigraph server process.
    guard (_PoolServer): the public server.
    """

    url: str
    upstream: "Upstream"
    guard: "_PoolServer"

    def stop(self) -> None:
        """Stop the guard and the oxigraph process."""
        self.guard.shutdown()
        self.guard.server_close()
        self.upstream.stop()


class Upstream:
    """The oxigraph server process on a private loopback port; replaceable.

    oxigraph applies ``--timeout-s`` while it produces solutions; a query that joins
    for long before its first solution (an aggregate over a cross product) keeps a CPU
    busy after the client got its error. The guard then starts a fresh process on a new
    port for every new request (cheap for a read-only store: well under a second for the
    bundled corpus) and retires the old one: it is stopped once the queries still running
    on it have had their time limit, so a runaway query never ends the others in flight.
    """

    def __init__(self, store: Path, timeout_s: float, max_memory_mb: int = 0):
        self.store, self.timeout_s, self.max_memory_mb = store, timeout_s, max_memory_mb
        self.lock = threading.Lock()
        self.retired: list[subprocess.Popen] = []
        #: Requests in flight on each process (by pid).
        self.busy: dict[int, int] = {}
        port = free_port()
        #: (port, process) serving new requests, replaced as one value.
        self.current = (port, self._spawn(port))

    def enter(self) -> tuple[int, subprocess.Popen]:
        """A request starts: RETURNS (port, process) to send it to."""
        with self.lock:
            port, proc = self.current
            self.busy[proc.pid] = self.busy.get(proc.pid, 0) + 1
            return port, proc

    def leave(self, proc: subprocess.Popen) -> None:
        """The request sent to ``proc`` is over (answered or given up)."""
        with self.lock:
            self.busy[proc.pid] = self.busy.get(proc.pid, 1) - 1

    @property
    def port(self) -> int:
        return self.current[0]

    @property
    def process(self) -> subprocess.Popen:
        return self.current[1]

    def _spawn(self, port: int) -> subprocess.Popen:
        from ..graph.store import materialised_union

        # The store's default graph holds the set union of the document graphs when a build
        # completed (graph/store.py materialise_union); otherwise read the named graphs' union.
        union = [] if materialised_union(self.store) else ["--union-default-graph"]
        cmd = [oxigraph_binary(), "serve-read-only", "--location", str(self.store), "--bind",
               f"127.0.0.1:{port}", *union, "--timeout-s", str(max(1, int(round(self.timeout_s))))]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._limit_memory(proc.pid)
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
                raise ServeError(f"{self.store}: oxigraph server exited ({err[-1] if err else proc.returncode})")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return proc
            except OSError:
                if time.monotonic() > deadline:
                    proc.terminate()
                    raise ServeError(f"{self.store}: oxigraph server did not start within 20 s") from None
                time.sleep(0.05)

    def _limit_memory(self, pid: int) -> None:
        """The address-space limit (RLIMIT_AS, set with prlimit: no code runs between fork and exec)."""
        if self.max_memory_mb:
            import resource

            size = self.max_memory_mb * 1024 * 1024
            resource.prlimit(pid, resource.RLIMIT_AS, (size, size))

    def restart(self, port: int | None = None) -> None:
        """Serve new requests from a fresh process; retire the one on ``port`` (default: the current one).

        A process already retired (another request saw it fail first) is not replaced twice.
        """
        with self.lock:
            if port is not None and port != self.port:
                return
            old = self.process
            new_port = free_port()
            self.current = (new_port, self._spawn(new_port))
            self.retired.append(old)
        threading.Thread(target=self._end, args=(old,), daemon=True).start()

    def _end(self, proc: subprocess.Popen) -> None:
        # Stopped as soon as no request is in flight on it (the runaway's request is given up by
        # then), at the latest when every one has had its time limit (the guard's own deadline).
        deadline = time.monotonic() + self.timeout_s + 2
        while time.monotonic() < deadline and self.busy.get(proc.pid, 0) > 0:
            time.sleep(0.05)
        _terminate(proc)
        with self.lock:
            self.busy.pop(proc.pid, None)
        with self.lock:
            if proc in self.retired:
                self.retired.remove(proc)

    def stop(self) -> None:
        """Terminate the process and any retired one still running."""
        with self.lock:
            procs = [self.process, *self.retired]
            self.retired = []
        for proc in procs:
            _terminate(proc)


def _terminate(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stderr and not proc.stderr.closed:
        proc.stderr.close()


def start(store: str | Path, host: str = "127.0.0.1", port: int = 7878, timeout_s: float = DEFAULT_TIMEOUT_S,
          max_bytes: int = DEFAULT_MAX_BYTES, limits: Limits | None = None) -> Endpoint:
    """Start oxigraph read-only on a private port and the guard on ``host:port`` (in a thread).

    store (str | Path): the store directory (``planlineage build --store DIR``).
    host (str): public address; loopback by default.
    port (int): public port (0 picks a free one).
    timeout_s (float): query time limit in seconds.
    max_bytes (int): result size limit in bytes.
    limits (Limits | None): the other limits (request size, connection timeout, workers, SERVICE
        hosts, CORS origins); its timeout_s and max_bytes are replaced by the arguments.
    RETURNS (Endpoint): running; call ``stop()``.
    """
    from dataclasses import replace

    limits = replace(limits or Limits(), timeout_s=timeout_s, max_bytes=max_bytes)
    store = Path(store)
    if not store.is_dir():
        raise ServeError(f"{store}: no store here (run `planlineage build --store {store}` first)")
    upstream = Upstream(store, timeout_s, limits.max_memory_mb)
    try:
        guard = _PoolServer((host, port), _make_handler(upstream, limits), limits.workers)
    except OSError as e:
        upstream.stop()
        raise ServeError(f"{host}:{port}: cannot listen ({e.strerror})") from None
    threading.Thread(target=guard.serve_forever, daemon=True).start()
    real_host, real_port = guard.server_address[:2]
    return Endpoint(f"http://{real_host}:{real_port}/query", upstream, guard)


def serve(store: str | Path, host: str = "127.0.0.1", port: int = 7878, timeout_s: float = DEFAULT_TIMEOUT_S,
          max_bytes: int = DEFAULT_MAX_BYTES, ready=None, limits: Limits | None = None) -> None:
    """Run the endpoint until interrupted (Ctrl-C or SIGTERM).

    ready (callable | None): called with the query URL once listening.
    """
    import signal

    endpoint = start(store, host, port, timeout_s, max_bytes, limits)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    if ready is not None:
        ready(endpoint.url)
    try:
        while not stop.is_set():
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        endpoint.stop()
