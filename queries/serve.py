"""A read-only SPARQL 1.1 Protocol endpoint over the store: the oxigraph server behind a small guard.

The SPARQL engine and protocol are the ``oxigraph`` server (PyPI package
``oxigraph``) in ``serve-read-only`` mode over the store directory (with
``--union-default-graph`` when the store has no materialised union). Two things it does not do
well enough on its own, measured with oxigraph 0.5: it has no result size limit, and its time
limit neither stops a query that joins for long before its first solution nor comes cheap (see
``Upstream``).

So a guard (this module, standard library only) listens on the public address,
refuses updates (403), forwards queries to oxigraph on a private loopback port,
buffers the answer up to ``max_bytes`` and turns an over-long result into ``413``
and a query over the time limit into ``500`` with a one-line message (as Virtuoso and
Blazegraph answer a timeout, so SPARQL clients such as SPARQLWrapper show it). Everything else
(parsing, evaluation, content negotiation, the HTML page at ``/``) is oxigraph's.

A heavy query must not slow the light ones of other clients: the guard keeps a warm spare
engine, moves new requests to it as soon as a query runs long, gives the long query's engine
thread the lowest CPU priority and kills its engine at the time limit (``Upstream``).

A public endpoint must not be turned against its host (issue #13), so the guard also:

* refuses ``SERVICE`` (federation: the engine would fetch any URL, loopback included, and echo
  the reply) unless the operator names the host with ``--allow-service HOST`` (403);
* refuses a request body over ``max_request_bytes`` before reading it (413) and a POST without
  a length (411); headers are limited by the standard library (65,536 bytes a line, 100 lines);
* closes a connection that sends nothing for ``conn_timeout_s`` (headers never finished);
* serves at most ``workers`` connections at once and answers ``503`` beyond, at once;
* sends CORS headers only for the origins the operator names (``--cors-origin``);
* runs each engine under an address-space limit (``--max-memory MB``): a query that needs more
  stops its engine, the spare takes over, and the query gets ``500``.

Lock: the read-only server opens the store as a secondary reader; it can run while
other processes read the store (``open_store(..., read_only=True)``), but oxigraph
says reading while another process writes is undefined behaviour, so stop
``serve`` before ``planlineage build``.

>>> parse_bind("127.0.0.1:0")
('127.0.0.1', 0)
"""
from __future__ import annotations

import hashlib
import http.client
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..errors import PlanlineageError

DEFAULT_TIMEOUT_S = 30
DEFAULT_MAX_BYTES = 10_000_000
DEFAULT_MAX_REQUEST_BYTES = 1_000_000
DEFAULT_CONN_TIMEOUT_S = 10
DEFAULT_WORKERS = 16
#: A request in flight this long (or a quarter of the time limit, if shorter) is heavy (see Upstream).
HEAVY_AFTER_S = 1.0
#: Engines started only while fewer run: the one serving, a warm spare, the low-priority one, a retired one.
MAX_ENGINES = 4
#: A retired engine's light queries are over this long after (its whole session then goes low).
DRAIN_S = 0.2
#: How many heavy requests (path and body) are remembered, to send their repeats to the low-priority engine.
HEAVY_KEYS = 1024
#: How often the watcher looks at the requests in flight, in seconds.
WATCH_S = 0.025
#: A request in flight this long gets its engine's threads looked at (their CPU time, in /proc;
#: about 10 us a thread).
LOOK_AFTER_S = 0.05
#: An engine thread that used this much CPU serves a heavy request (a light one needs about 1 ms).
HEAVY_CPU_S = 0.02
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


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
            call = upstream.enter(hashlib.blake2b(self.path.encode() + b"\n" + body, digest_size=16).digest())
            # The watcher breaks this connection at the time limit; the socket timeout is a backstop.
            conn = http.client.HTTPConnection("127.0.0.1", call.engine.port, timeout=timeout_s + 5)
            call.conn = conn
            try:
                conn.request(method, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                data = resp.read(max_bytes + 1)
            except (OSError, http.client.HTTPException):
                data = None
            conn.close()
            why = upstream.failed(call) if data is None or call.stopped else None
            upstream.leave(call)
            if why:
                self._reply(500, f"query stopped: {why}\n".encode())
                return
            if len(data) > max_bytes:
                self._reply(413, f"result larger than the size limit of {max_bytes} bytes; "
                                 "add LIMIT or narrow the query\n".encode())
                return
            keep = {k: v for k, v in resp.getheaders() if k.lower() in ("content-type",)}
            self._reply(resp.status, data, keep or None)

    return Guard


class _PoolServer(http.server.ThreadingHTTPServer):
    """A threading HTTP server that serves at most ``workers`` connections at once: beyond, the
    connection gets ``503`` at once and is closed (never an unbounded number of threads)."""

    daemon_threads = True
    # The listen backlog (socketserver's default is 5: beyond, the kernel drops a client's SYN and
    # the client retries after a second; measured: p99 of light queries 1,028 ms at 50 clients).
    request_queue_size = 1024

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
    """A running endpoint: the oxigraph processes and the guard server.

    url (str): the SPARQL query URL (``http://host:port/query``).
    upstream (Upstream): the oxigraph server processes.
    guard (_PoolServer): the public server.
    """

    url: str
    upstream: "Upstream"
    guard: "_PoolServer"

    def stop(self) -> None:
        """Stop the guard and the oxigraph processes."""
        self.guard.shutdown()
        self.guard.server_close()
        self.upstream.stop()


class _Engine:
    """One oxigraph ``serve-read-only`` process on a private loopback port."""

    def __init__(self, proc: subprocess.Popen, port: int, own_threads: set[int]):
        self.proc, self.port = proc, port
        #: Threads of the process once it listens (its own, not a request's): never re-prioritised.
        self.own_threads = own_threads
        #: Requests in flight on it.
        self.calls: set[_Call] = set()
        #: New requests no longer go to it (a heavy query, or one at the time limit, runs on it).
        self.retired = False
        #: A query on it reached the time limit: it is retired as soon as a spare is ready.
        self.doomed = False
        self.niced: set[int] = set()
        self.killed = False
        self.retired_at = 0.0
        #: Its autogroup was set to the lowest priority.
        self.group_niced = False


class _Call:
    """A request in flight on an engine."""

    __slots__ = ("engine", "key", "started", "conn", "stopped")

    def __init__(self, engine: _Engine, key, started: float):
        self.engine, self.key, self.started = engine, key, started
        self.conn: http.client.HTTPConnection | None = None
        #: Set when the query reached the time limit and the guard gave it up.
        self.stopped = False


class Upstream:
    """The oxigraph engines behind the guard: one serving new requests, a warm spare, retired ones.

    oxigraph's own ``--timeout-s`` is not used: it starts a thread per query that sleeps the whole
    time limit (measured with oxigraph 0.5.13: 2,753 threads after 3 s of light queries at a 6 s
    limit; under ``--max-memory`` their stacks exhaust the address space and light queries fail
    with "Resource temporarily unavailable"), and a query that joins for long before its first
    solution outlives it anyway. The guard keeps the limit
    itself; a watcher thread looks at every request in flight every ``WATCH_S`` (25 ms):

    * a request is heavy once the engine thread serving it (oxigraph serves each connection in a
      thread of its own, found in ``/proc``) used ``HEAVY_CPU_S`` of CPU: that thread gets the
      lowest CPU priority (SCHED_IDLE, nice 19), so light queries get the cores, and new requests
      go to the warm spare at once (the engine is retired; a new spare is started in the
      background). A request in flight for ``heavy_after_s`` retires its engine too, but keeps its
      priority (it may be a light query waiting for the CPU). The light queries still in flight on
      the retired engine finish there, at their normal priority; once only heavy requests are left
      on it (``DRAIN_S`` at the soonest) the engine's whole session goes to the lowest priority;
    * the request (its path and body) is remembered: when it comes again it goes straight to a
      low-priority engine kept for heavy requests, whose threads are at SCHED_IDLE from the start,
      so a client looping a slow query never competes with the light ones;
    * a request at the time limit is given up (``500``) and its engine retired;
    * a retired engine is killed (SIGKILL; it only reads the store) as soon as every request still
      on it is over or at its own limit, so a runaway query never ends the others in flight;
    * an engine that died (its memory limit) is replaced by the spare at once.

    Each engine runs in a session of its own: where Linux shares the CPU out between sessions
    first (autogroups), a runaway's CPU time would otherwise count against the guard's session,
    whatever its thread's priority (measured with 50 light clients: their p99 119-222 ms with the
    runaway at SCHED_IDLE in the guard's session, 74-82 ms with its session at nice 19; 59-81 ms
    without it).

    A new engine is started only while fewer than ``MAX_ENGINES`` run; without a spare, a heavy
    query stays on the serving engine (its thread at the lowest priority) until one can be started.
    """

    def __init__(self, store: Path, timeout_s: float, max_memory_mb: int = 0, heavy_after_s: float | None = None):
        from ..graph.store import materialised_union

        self.store, self.timeout_s, self.max_memory_mb = store, timeout_s, max_memory_mb
        self.heavy_after_s = heavy_after_s if heavy_after_s is not None else min(HEAVY_AFTER_S, timeout_s / 4)
        # The store's default graph holds the set union of the document graphs when a build
        # completed (graph/store.py materialise_union); otherwise read the named graphs' union.
        self.union = [] if materialised_union(store) else ["--union-default-graph"]
        self.lock = threading.Lock()
        self.retired: list[_Engine] = []
        self.spare: _Engine | None = None
        #: The low-priority engine for requests known to be heavy (started when one is found).
        self.lane: _Engine | None = None
        #: Requests (path and body) found heavy, most recent last.
        self.heavy_keys: OrderedDict = OrderedDict()
        self.spawning = self.lane_spawning = False
        self.lane_ready = threading.Condition(self.lock)
        self.spawn_failed_at = 0.0
        self.closed = threading.Event()
        #: The engine serving new requests.
        self.current = self._spawn()
        self.spare = self._spawn()
        threading.Thread(target=self._watch, daemon=True, name="engine-watcher").start()

    # -- requests ------------------------------------------------------------------------------

    def enter(self, key=None) -> _Call:
        """A request starts: RETURNS the call (``call.engine.port``): on the low-priority engine when
        the same request (``key``: its path and body) was heavy before, else on the serving one."""
        arrived = time.monotonic()  # the time limit counts from here
        with self.lock:
            known = key is not None and key in self.heavy_keys
            if known:
                self.heavy_keys.move_to_end(key)
                self._start_lane()
                # A heavy request may wait for the low-priority engine to start (tens of ms).
                self.lane_ready.wait_for(lambda: self.lane is not None or not self.lane_spawning, timeout=1)
            engine = self.lane if known and self.lane is not None else self.current
            call = _Call(engine, key, arrived)
            engine.calls.add(call)
            return call

    def leave(self, call: _Call) -> None:
        """The request is over (answered or given up)."""
        with self.lock:
            call.engine.calls.discard(call)
            done = self._killable(call.engine)
        if done:
            self._kill(call.engine)

    def failed(self, call: _Call) -> str:
        """The connection to the engine broke: RETURNS why, in words; a dead engine is replaced."""
        if call.stopped:
            return f"it exceeded the time limit of {self.timeout_s:g} s"
        try:  # an engine that hit its memory limit is gone, or going, when the connection breaks
            died = call.engine.proc.wait(0.5) is not None
        except subprocess.TimeoutExpired:
            died = False
        if died:
            with self.lock:
                self._retire(call.engine)
            return (f"the engine reached its memory limit of {self.max_memory_mb} MB" if self.max_memory_mb
                    else "the engine stopped")
        return "the engine did not answer"

    @property
    def port(self) -> int:
        return self.current.port

    @property
    def process(self) -> subprocess.Popen:
        return self.current.proc

    # -- engines -------------------------------------------------------------------------------

    def _spawn(self) -> _Engine:
        port = free_port()
        cmd = [oxigraph_binary(), "serve-read-only", "--location", str(self.store), "--bind",
               f"127.0.0.1:{port}", *self.union]
        # A session of its own: on Linux with autogroups, CPU time is shared out between sessions
        # first, so a runaway's group can be set apart (_lowest_priority), not charged to the guard's.
        # Two malloc arenas: glibc reserves 64 MB of address space for each thread's arena otherwise,
        # and 16 threads' reservations alone reach a --max-memory of 1,000 MB (measured: light queries
        # stopped with "memory limit" at 16 clients).
        env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                                env=env)
        self._limit_memory(proc.pid)
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
                raise ServeError(f"{self.store}: oxigraph server exited ({err[-1] if err else proc.returncode})")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return _Engine(proc, port, set(_threads(proc.pid)))
            except OSError:
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    raise ServeError(f"{self.store}: oxigraph server did not start within 20 s") from None
                time.sleep(0.02)

    def _limit_memory(self, pid: int) -> None:
        """The address-space limit (RLIMIT_AS, set with prlimit: no code runs between fork and exec)."""
        if self.max_memory_mb:
            import resource

            size = self.max_memory_mb * 1024 * 1024
            resource.prlimit(pid, resource.RLIMIT_AS, (size, size))

    def _alive(self) -> int:
        return (1 + len(self.retired) + (self.spare is not None) + (self.lane is not None) + self.spawning
                + self.lane_spawning)

    def _retire(self, engine: _Engine) -> None:
        """(lock held) New requests go to the spare (or, from the low-priority engine, to the serving
        one until a new one is started); ``engine`` is killed once its requests are over."""
        if engine is self.lane:
            self.lane = None
        elif engine is not self.current or self.spare is None:
            return
        else:
            self.current, self.spare = self.spare, None
        engine.retired, engine.retired_at = True, time.monotonic()
        self.retired.append(engine)

    @staticmethod
    def _killable(engine: _Engine) -> bool:
        """(lock held) True once for a retired engine every request of which is over or at its own
        limit (or that died): the caller kills it."""
        if engine.killed or not engine.retired:
            return False
        if engine.proc.poll() is None and not all(c.stopped for c in engine.calls):
            return False
        engine.killed = True
        return True

    def _kill(self, engine: _Engine) -> None:
        """SIGKILL, at once, with its priority back to normal first; the process is reaped in a thread
        of its own. A process exits in its own time slices, and giving back the memory of a runaway
        query takes CPU: at the lowest priority on a busy machine that took seconds (measured up to
        2.8 s for a thread at nice 19) and, for a session at nice 19, more than 10 s (CI)."""
        _normal_priority(engine.proc.pid)
        with suppress(OSError):
            engine.proc.kill()
        threading.Thread(target=self._reap, args=(engine,), daemon=True).start()

    def _reap(self, engine: _Engine) -> None:
        engine.proc.wait()
        if engine.proc.stderr:
            engine.proc.stderr.close()
        with self.lock:
            with suppress(ValueError):
                self.retired.remove(engine)

    def _refill(self, lane: bool = False) -> None:
        """Start a spare engine, or the low-priority one (in a thread of its own)."""
        try:
            engine = self._spawn()
            if lane:  # its threads, and so the ones it starts for connections, at the lowest priority
                _lowest_group_priority(engine.proc.pid)
                for tid in _threads(engine.proc.pid):
                    _lowest_priority(tid)
                    engine.niced.add(tid)
        except ServeError as e:
            sys.stderr.write(f"planlineage serve: an engine did not start: {e}\n")
            with self.lock:
                self.spawning = self.lane_spawning = False
                self.spawn_failed_at = time.monotonic()
                self.lane_ready.notify_all()
            return
        with self.lock:
            if lane:
                self.lane_spawning = False
            else:
                self.spawning = False
            if not self.closed.is_set():
                if lane:
                    self.lane = engine
                else:
                    self.spare = engine
            self.lane_ready.notify_all()
        if self.closed.is_set():
            self._kill(engine)

    def _start_lane(self) -> None:
        """(lock held) Start the low-priority engine if there is none and room for it."""
        if (self.lane is None and not self.lane_spawning and self._alive() < MAX_ENGINES
                and time.monotonic() - self.spawn_failed_at > 5 and not self.closed.is_set()):
            self.lane_spawning = True
            threading.Thread(target=self._refill, args=(True,), daemon=True).start()

    def _watch(self) -> None:
        while not self.closed.wait(WATCH_S):
            now = time.monotonic()
            with self.lock:
                if self.current.doomed or self.current.proc.poll() is not None:  # died: memory limit
                    self._retire(self.current)
                engines = [self.current, *self.retired] + ([self.lane] if self.lane else [])
                # Engines with a request in flight long enough to be worth a look at its threads.
                look = [e for e in engines if any(now - c.started >= LOOK_AFTER_S for c in e.calls)]
            threads = {e: self._heavy_threads(e) for e in look}
            heavy = {e: set(found) for e, found in threads.items()}
            # The connections of the threads that used the CPU (not merely old ones), with their age.
            ports = {e: _thread_ports(e.proc.pid, {t: age for t, (age, _) in found.items()})
                     for e, found in threads.items() if e is not self.lane}
            stop = []
            with self.lock:
                for engine in engines:
                    if engine is self.lane:
                        pass  # meant for heavy requests
                    elif heavy.get(engine) or any(now - c.started >= self.heavy_after_s for c in engine.calls):
                        self._retire(engine)
                    for call in engine.calls if ports.get(engine) else ():  # remember which requests were heavy
                        with suppress(OSError, AttributeError):
                            # Same connection (client port), same age (a port is soon used again).
                            age = ports[engine].get(_port(call))
                            if (call.key is not None and not call.stopped and age is not None
                                    and abs(age - (now - call.started)) < 0.1):
                                self.heavy_keys[call.key] = True
                                while len(self.heavy_keys) > HEAVY_KEYS:
                                    self.heavy_keys.popitem(last=False)
                    for call in engine.calls:
                        if not call.stopped and now - call.started >= self.timeout_s:
                            call.stopped = engine.doomed = True
                            stop.append(call)
                            self._retire(engine)
                kill = [engine for engine in self.retired if self._killable(engine)]
                # Retired a while ago, and every request left on it is a heavy one (its connection's
                # thread used the CPU): the light queries are done.
                group = [e for e in self.retired if not e.group_niced and now - e.retired_at >= DRAIN_S
                         and all(_port(c) in ports.get(e, ()) for c in e.calls if not c.stopped)]
                for engine in group:
                    engine.group_niced = True
                if now - self.spawn_failed_at > 5:
                    if self.spare is None and not self.spawning and self._alive() < MAX_ENGINES:
                        self.spawning = True
                        threading.Thread(target=self._refill, daemon=True).start()
                    if self.heavy_keys:
                        self._start_lane()
            for call in stop:  # the handler sees the connection break and answers 500
                with suppress(OSError, AttributeError):
                    call.conn.sock.shutdown(socket.SHUT_RDWR)
            for engine in kill:
                self._kill(engine)
            for engine in group:
                _lowest_group_priority(engine.proc.pid)
            for engine, tids in heavy.items():
                for tid in tids - engine.niced:
                    _lowest_priority(tid)
                    engine.niced.add(tid)

    @staticmethod
    def _heavy_threads(engine: _Engine) -> dict[int, tuple[float, float]]:
        """The threads of ``engine`` serving a heavy request (one that used ``HEAVY_CPU_S`` of CPU;
        oxigraph serves each connection in a thread of its own), as ``_threads`` gives them. Not an
        old thread that used little: it may be a light query waiting for the CPU on a busy machine,
        and at the lowest priority it would starve to the limit."""
        return {tid: (age, cpu) for tid, (age, cpu) in _threads(engine.proc.pid).items()
                if tid not in engine.own_threads and cpu >= HEAVY_CPU_S}

    def stop(self) -> None:
        """Kill every engine (they only read the store)."""
        self.closed.set()
        with self.lock:
            engines = [e for e in (self.current, *self.retired, self.spare, self.lane) if e is not None]
        for engine in engines:
            _normal_priority(engine.proc.pid)
            with suppress(OSError):
                engine.proc.kill()
        for engine in engines:
            engine.proc.wait()
            if engine.proc.stderr:
                engine.proc.stderr.close()


def _lowest_priority(tid: int) -> None:
    """Thread ``tid`` at the lowest CPU priority: SCHED_IDLE (below nice 19: measured, a runaway at
    nice 19 alone still got 27% of a core beside 50 light clients) and nice 19 where that policy
    is missing."""
    with suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, tid, 19)
        os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))


def _normal_priority(pid: int) -> None:
    """Process ``pid``'s autogroup back to nice 0 and every thread of it (those it started for
    connections inherit their parent's policy) back to SCHED_OTHER, nice 0, as far as allowed
    (raising a priority needs CAP_SYS_NICE, except the autogroup's back to 0)."""
    with suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text("0")
    with suppress(OSError):
        for name in os.listdir(f"/proc/{pid}/task"):
            with suppress(OSError, AttributeError, ValueError):
                os.sched_setscheduler(int(name), os.SCHED_OTHER, os.sched_param(0))
                os.setpriority(os.PRIO_PROCESS, int(name), 0)


def _port(call: _Call) -> int | None:
    """The client port of the guard's connection to the engine for ``call`` (None before it is open)."""
    try:
        return call.conn.sock.getsockname()[1]
    except (OSError, AttributeError):
        return None


def _lowest_group_priority(pid: int) -> None:
    """The autogroup (the session's share of the CPU, Linux) of process ``pid`` at nice 19."""
    with suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text("19")


def _thread_ports(pid: int, ages: dict[int, float]) -> dict[int, float]:
    """Client port -> thread age, for the threads (id -> age) of oxigraph serve: it names each
    connection's thread after the client's address ("127.0.0.1:PORT"); {} if it does not."""
    ports = {}
    for tid, age in ages.items():
        with suppress(OSError, ValueError):
            name = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
            if name.startswith("127.0.0.1:"):
                ports[int(name.rpartition(":")[2])] = age
    return ports


def _threads(pid: int) -> dict[int, tuple[float, float]]:
    """The threads of process ``pid``: thread id -> (seconds since it started, CPU seconds it used);
    {} where there is no /proc."""
    out = {}
    with suppress(OSError):
        now = time.clock_gettime(time.CLOCK_BOOTTIME)
        for name in os.listdir(f"/proc/{pid}/task"):
            with suppress(OSError, ValueError, IndexError):
                fd = os.open(f"/proc/{pid}/task/{name}/stat", os.O_RDONLY)
                try:
                    fields = os.read(fd, 1024).rsplit(b")", 1)[1].split()
                finally:
                    os.close(fd)
                # Fields 14, 15 and 22 of proc(5): user and system time, start time, in clock ticks.
                out[int(name)] = (now - int(fields[19]) / _CLOCK_TICKS,
                                  (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS)
    return out


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
