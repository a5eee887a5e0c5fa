"""A local, read-only SPARQL 1.1 endpoint over the reasoned graph, and the site beside it.

It listens on 127.0.0.1 unless the user names another address. The endpoint is ``/sparql``
(``/query`` too); every other path is the site folder written by ``ketrdf site``, served as
Linked Data (:mod:`ketrdf.stores.linked_data`).

An Oxigraph server holds the graph on a private loopback port. Clients reach it only
through a small gate in this process that parses every request with the one SPARQL gate
(:func:`ketrdf.query.gate.prepare`): a malformed query gets 400 with the parser's message,
an update (LOAD among them) or a query the gate refuses (SERVICE, FROM) gets 403, and
the rest is sent on to Oxigraph, the checked text only. Every query is bounded in time
and its answer in size: the gate stops reading, and restarts the Oxigraph server if it
is still computing (Oxigraph's own ``--timeout-s`` stops a query only when the query
next checks it, which can be many seconds later). The gate runs a few queries at once
and answers 503 to the others.
"""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import subprocess
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from ketrdf.errors import InputError, QueryError, RefusedQueryError, StoreError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.query.gate import gate
from ketrdf.rdfio.writers import serialize
from ketrdf.stores.linked_data import Site, negotiate

HOST = "127.0.0.1"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
ENDPOINT_PATHS = ("/sparql", "/query")
QUERY_UI = "sparql.html"
DATASET_PARAMETERS = ("default-graph-uri", "named-graph-uri")
MAX_REQUEST_BYTES = 1_000_000
CONCURRENT_QUERIES = 4


@dataclass(frozen=True)
class Limits:
    """What one query may cost: seconds of work and bytes of answer."""

    seconds: int = 30
    answer_bytes: int = 64 * 2**20


class Refused(Exception):
    """A request the gate answers itself, with an HTTP status and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of this environment (from the ``oxigraph`` package on PyPI)."""
    beside = Path(sysconfig.get_path("scripts")) / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise InputError("the oxigraph server is not installed: pip install oxigraph")
    return found


def check_query(text: str) -> str:
    """The text the SPARQL gate accepts, as the gate reads it; :class:`Refused` 403 or 400 otherwise."""
    try:
        return gate(text, "query")[1]
    except RefusedQueryError as error:  # well-formed, but SERVICE, FROM or an update
        raise Refused(403, f"{error} (this endpoint is read-only)") from None
    except QueryError as error:
        raise Refused(400, str(error)) from None


def read_query(method: str, target: str, content_type: str, body: bytes) -> tuple[str, list[tuple[str, str]]]:
    """The query text and dataset parameters of a SPARQL 1.1 Protocol query request.

    Raises :class:`Refused` for a path other than ``/sparql`` or ``/query``, an update, a
    query given twice or none, and text that is not UTF-8.
    """
    url = urlsplit(target)
    if url.path == "/update":
        raise Refused(403, "updates are refused: this endpoint is read-only")
    if url.path not in ENDPOINT_PATHS:
        raise Refused(404, "the SPARQL endpoint is /sparql")
    try:
        fields = parse_qsl(url.query, keep_blank_values=True, errors="strict")
        media = content_type.split(";")[0].strip().lower()
        if method == "POST" and media == "application/x-www-form-urlencoded":
            fields += parse_qsl(body.decode("ascii"), keep_blank_values=True, errors="strict")
        elif method == "POST" and media == "application/sparql-query":
            fields.append(("query", body.decode("utf-8")))
        elif method == "POST" and media == "application/sparql-update":
            raise Refused(403, "updates are refused: this endpoint is read-only")
        elif method == "POST":
            raise Refused(415, "send application/sparql-query or application/x-www-form-urlencoded")
    except UnicodeDecodeError:
        raise Refused(400, "the request is not UTF-8 text") from None
    if any(name == "update" for name, _value in fields):
        raise Refused(403, "updates are refused: this endpoint is read-only")
    queries = [value for name, value in fields if name == "query"]
    if len(queries) != 1:
        raise Refused(400, "give exactly one query parameter")
    return queries[0], [(name, value) for name, value in fields if name in DATASET_PARAMETERS]


class Oxigraph:
    """The Oxigraph server behind the gate, on a private loopback port; restarted to stop a query."""

    def __init__(self, binary: str, store: Path, log: Path, seconds: int) -> None:
        self.port = _free_port()
        self.command = [binary, "serve-read-only", "--location", str(store), "--bind", f"{HOST}:{self.port}",
                        "--union-default-graph", "--timeout-s", str(seconds)]
        self.log = log
        self.lock = threading.Lock()
        self.generation = 0
        self.process = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        with self.log.open("a", encoding="utf-8") as log_file:
            process = subprocess.Popen(self.command, stdout=log_file, stderr=log_file)
        for _attempt in range(200):
            if process.poll() is not None:
                break
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return process
            except OSError:
                time.sleep(0.05)
        self._stop(process)
        message = self.log.read_text(encoding="utf-8", errors="replace").strip()
        raise StoreError(f"the oxigraph server did not start: {message[-300:]}")

    @staticmethod
    def _stop(process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def current(self) -> int:
        """The generation of the running server (waits while it restarts)."""
        with self.lock:
            return self.generation

    def restart(self, generation: int) -> None:
        """Stop the server of ``generation`` and every query on it, and start it again (once)."""
        with self.lock:
            if generation == self.generation:
                self.process.kill()
                self.process.wait()
                self.process = self._start()
                self.generation += 1

    def crashed(self) -> bool:
        """Whether the server stopped by itself."""
        with self.lock:
            return self.process.poll() is not None

    def stop(self) -> None:
        """Stop the server."""
        with self.lock:
            self._stop(self.process)


class Gate:
    """Check each request, then ask the Oxigraph server within ``limits``."""

    def __init__(self, oxigraph: Oxigraph, limits: Limits) -> None:
        self.oxigraph, self.limits = oxigraph, limits
        self.slots = threading.BoundedSemaphore(CONCURRENT_QUERIES)

    def answer(self, text: str, dataset: list[tuple[str, str]], accept: str) -> tuple[int, str, bytes]:
        """Status, content type and body of Oxigraph's answer to the checked ``text``."""
        text = check_query(text)
        if not self.slots.acquire(blocking=False):
            raise Refused(503, f"busy: {CONCURRENT_QUERIES} queries are running, try again")
        try:
            generation = self.oxigraph.current()
            try:
                return self._ask(text, dataset, accept)
            except Refused as refused:
                if refused.status in (500, 504):  # stop the work the answer was cut from
                    self.oxigraph.restart(generation)
                raise
        finally:
            self.slots.release()

    def _ask(self, text: str, dataset: list[tuple[str, str]], accept: str) -> tuple[int, str, bytes]:
        deadline = time.monotonic() + self.limits.seconds
        too_slow = Refused(504, f"the query ran longer than {self.limits.seconds} s "
                                "(ketrdf serve --timeout) and was stopped")
        connection = http.client.HTTPConnection(HOST, self.oxigraph.port, timeout=self.limits.seconds)
        try:
            path = "/query" + (f"?{urlencode(dataset)}" if dataset else "")
            connection.request("POST", path, body=text.encode("utf-8"),
                               headers={"Content-Type": "application/sparql-query", "Accept": accept})
            upstream = connection.sock
            response = connection.getresponse()
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read1(65536):
                size += len(chunk)
                if size > self.limits.answer_bytes:
                    raise Refused(500, f"the answer is larger than {self.limits.answer_bytes // 2**20} MB "
                                       "(ketrdf serve --max-answer-mb) and was stopped")
                if time.monotonic() > deadline:
                    raise too_slow
                chunks.append(chunk)
                upstream.settimeout(max(0.01, deadline - time.monotonic()))
        except TimeoutError:
            raise too_slow from None
        except (OSError, http.client.HTTPException):
            raise Refused(503, "the query was stopped (the server restarted to stop another query "
                               "that ran too long); try again") from None
        finally:
            connection.close()
        # Oxigraph's own time limit ends a cancelled answer with a message as if it were whole:
        # it is set no shorter than ours, so an answer that ends after our deadline is refused.
        if time.monotonic() > deadline:
            raise too_slow
        return response.status, response.getheader("Content-Type") or "text/plain", b"".join(chunks)


def _handler(gate: Gate, site: Site | None, any_host: bool) -> type[BaseHTTPRequestHandler]:
    """The request handler: the endpoint on ``ENDPOINT_PATHS``, the ``site`` (if any) elsewhere.

    Unless ``any_host`` (the user bound another address), requests must be addressed to a
    loopback name, so a web page cannot reach the endpoint through a rebound DNS name.
    """
    class Handler(BaseHTTPRequestHandler):
        server_version = "ketrdf-serve"
        timeout = 10.0  # seconds to send the request

        def log_message(self, *_args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._route(b"", head=False)

        def do_HEAD(self) -> None:
            self._route(b"", head=True)

        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if not 0 <= length <= MAX_REQUEST_BYTES:
                too_big = f"a request body of at most {MAX_REQUEST_BYTES} bytes\n"
                self._send(413, "text/plain; charset=utf-8", too_big.encode())
                return
            self._route(self.rfile.read(length), head=False)

        def _route(self, body: bytes, head: bool) -> None:
            host = urlsplit(f"//{self.headers.get('Host', '')}").hostname
            path = urlsplit(self.path).path
            if not any_host and host not in LOOPBACK_NAMES:
                refused = "this server answers requests addressed to 127.0.0.1 or localhost\n"
                self._send(403, "text/plain; charset=utf-8", refused.encode(), head=head)
            elif site is not None and self.command != "POST" and path not in ENDPOINT_PATHS:
                reply = site.answer(self.path, self.headers.get("Accept", ""),
                                    self.headers.get("Accept-Language", ""))
                self._send(reply.status, reply.media, reply.body, reply.headers, head)
            elif site is not None and self._wants_query_ui(path):
                self._send(303, "text/plain; charset=utf-8", f"See /{QUERY_UI}\n".encode(),
                           {"Location": f"/{QUERY_UI}", "Vary": "Accept"}, head)
            else:
                self._serve(body, head)

        def _wants_query_ui(self, path: str) -> bool:
            """A browser's plain GET of the endpoint (no query): it is sent to the query UI."""
            accept = self.headers.get("Accept", "")
            return (self.command == "GET" and path in ENDPOINT_PATHS and not urlsplit(self.path).query
                    and negotiate(accept, ["text/html", "application/sparql-results+json"]) == "text/html"
                    and "text/html" in accept)

        def _serve(self, body: bytes, head: bool) -> None:
            try:
                text, dataset = read_query(self.command, self.path,
                                           self.headers.get("Content-Type", ""), body)
                accept = self.headers.get("Accept") or "application/sparql-results+json"
                status, media, answer = gate.answer(text, dataset, accept)
            except Refused as refused:
                status, media, answer = refused.status, "text/plain; charset=utf-8", f"{refused}\n".encode()
            except Exception as error:  # one request must not stop the server
                status, media = 500, "text/plain; charset=utf-8"
                answer = f"internal error: {type(error).__name__}\n".encode()
            self._send(status, media, answer, head=head)

        def _send(self, status: int, media: str, body: bytes, headers: dict[str, str] | None = None,
                  head: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

    return Handler


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


class _GateServer(ThreadingHTTPServer):
    """The gate's HTTP server; it stops when the Oxigraph server stops by itself."""

    daemon_threads = True
    host: str  # as the user named it
    oxigraph: Oxigraph

    def service_actions(self) -> None:
        if self.oxigraph.crashed():
            message = self.oxigraph.log.read_text(encoding="utf-8", errors="replace").strip()
            raise StoreError(f"the oxigraph server stopped: {message[-300:]}")


def listen(host: str, port: int) -> _GateServer:
    """The gate's server, bound to ``host:port`` but not serving yet (:func:`serve` does).

    ``ketrdf serve`` binds first, so a port in use is reported before the graph is loaded;
    the caller closes the server (``with listen(...) as server``).
    """
    try:
        server = _GateServer((host, port), BaseHTTPRequestHandler, bind_and_activate=True)
    except OSError as error:
        raise InputError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None
    server.host = host
    return server


def serve(kg: KnowledgeGraph, gate_server: _GateServer, ready: Callable[[str], None] = lambda _url: None,
          limits: Limits = Limits(), site: Path | None = None) -> int:
    """Load ``kg`` into a temporary Oxigraph store and serve it through ``gate_server`` until interrupted.

    The default graph is the union of the named graphs, so the saved queries run unchanged.
    With ``site``, that folder is served too. ``ready`` gets the server's root URL once it
    answers (on a loopback address unless the user chose another).
    """
    host, port = gate_server.host, gate_server.server_address[1]
    binary = oxigraph_binary()
    with tempfile.TemporaryDirectory(prefix="ketrdf-serve-") as folder:
        data = Path(folder) / "ketrdf.nq"
        data.write_bytes(serialize(kg, "nquads", "all"))
        store = Path(folder) / "store"
        loaded = subprocess.run([binary, "load", "--location", str(store), "--file", str(data)],
                                capture_output=True, text=True, check=False)
        if loaded.returncode != 0:
            raise StoreError(f"oxigraph could not load the graph: {loaded.stderr.strip()[:300]}")
        # SIGTERM ends ketrdf like Ctrl-C: through the finally below, which stops the server too
        signal.signal(signal.SIGTERM, _interrupt)
        oxigraph: Oxigraph | None = None
        try:
            # Oxigraph's limit (whole seconds) is never shorter than the gate's (see Gate._ask)
            oxigraph = Oxigraph(binary, store, Path(folder) / "server.log", limits.seconds)
            gate_server.oxigraph = oxigraph
            pages = Site(site) if site is not None else None
            gate_server.RequestHandlerClass = _handler(Gate(oxigraph, limits), pages,
                                                       any_host=host not in LOOPBACK_NAMES)
            ready(f"http://{host}:{port}/")
            gate_server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            if oxigraph is not None:
                oxigraph.stop()
        return 0
