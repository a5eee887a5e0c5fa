"""Real triple stores for the tests (scripts/store), a fault-injecting HTTP proxy, a loopback listener
that stands in for the web, and `ketrdf serve` in a subprocess."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ketrdf.stores.endpoint import Credentials, Endpoint, origin
from tests.support.paths import REPO

STORE_SCRIPT = REPO / "scripts" / "store"


@dataclass(frozen=True)
class Store:
    """A running store, as scripts/store describes it in DIR/env."""

    kind: str
    folder: Path
    pid: int
    url: str
    query: str
    update: str
    gsp: str
    user: str
    password: str
    auth: str

    def env(self) -> dict[str, str]:
        """Environment for a ketrdf subprocess: the credentials, never on the command line."""
        values = dict(os.environ)
        if self.user:
            values.update(KETRDF_STORE_USER=self.user, KETRDF_STORE_PASSWORD=self.password)
        return values

    def push_args(self, gsp: bool = False) -> list[str]:
        """The ``ketrdf push`` options that reach this store."""
        args = ["--endpoint", self.query, "--update-endpoint", self.update, "--auth", self.auth]
        return [*args, "--gsp-endpoint", self.gsp] if gsp else args


def endpoint(store: Store, default_graphs: tuple[str, ...] = ()) -> Endpoint:
    """The client's view of a store: its endpoints and its credentials."""
    credentials = {origin(store.url): Credentials(store.user, store.password)} if store.user else {}
    return Endpoint(query=store.query, update=store.update, auth=store.auth, credentials=credentials,
                    default_graphs=default_graphs, timeout=30)


def read_store(folder: Path) -> Store:
    """The store described by ``folder/env``."""
    values = dict(line.split("=", 1) for line in (folder / "env").read_text().splitlines() if "=" in line)
    return Store(kind=values["KIND"], folder=folder, pid=int(values["PID"]), url=values["URL"],
                 query=values["QUERY"], update=values["UPDATE"], gsp=values["GSP"],
                 user=values["USER"], password=values["PASSWORD"], auth=values["AUTH"])


def start_store(kind: str, folder: Path) -> Store:
    """Start a store with scripts/store; fail (never skip) with the script's reason."""
    done = subprocess.run([str(STORE_SCRIPT), "start", kind, str(folder)], capture_output=True,
                          text=True, check=False, timeout=180)
    if done.returncode != 0:
        pytest.fail(f"could not start {kind}: {done.stderr.strip()}", pytrace=False)
    return read_store(folder)


def stop_store(store: Store) -> None:
    """Stop a store started by :func:`start_store`."""
    subprocess.run([str(STORE_SCRIPT), "stop", str(store.folder)], check=False, timeout=60)


#: How long a test waits for a store that scripts/with-stores is still starting (Virtuoso: 10-20 s).
STARTING_SECONDS = 120.0


def shared_store(kind: str, scratch: Path) -> tuple[Store, bool]:
    """The store `make test` started (scripts/with-stores), or a new one; True if we own it.

    scripts/with-stores starts Virtuoso while the tests run: its ``env`` appears once it
    answers, ``virtuoso.failed`` (the reason) if it cannot; this waits for either.
    """
    shared = os.environ.get("KETRDF_TEST_STORES")
    if not shared:
        return start_store(kind, scratch / kind), True
    folder, failed = Path(shared) / kind, Path(shared) / f"{kind}.failed"
    deadline = time.monotonic() + STARTING_SECONDS
    while not (folder / "env").is_file():
        if failed.is_file():
            reason = failed.read_text(encoding="utf-8", errors="replace")[-2000:]
            pytest.fail(f"scripts/with-stores could not start {kind}: {reason}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"{kind} was not started by scripts/with-stores ({folder}/env missing after "
                        f"{STARTING_SECONDS:.0f} s)", pytrace=False)
        time.sleep(0.2)
    return read_store(folder), False


Action = Callable[[], None]


class FaultProxy:
    """An HTTP proxy in front of a store that misbehaves on the N-th request whose body matches.

    ``fault`` is one of: ``"error"`` (answer 500), ``"reset"`` (close the connection without an
    answer), ``"hang"`` (answer nothing for ``hang_seconds``), a callable run before a reset
    (e.g. killing the server), or bytes: a SPARQL JSON results document to answer instead.
    """

    def __init__(self, target: str, match: bytes, nth: int, fault: str | bytes | Action,
                 hang_seconds: float = 30.0) -> None:
        parts = urlsplit(target)
        self.target_host, self.target_port = parts.hostname or "127.0.0.1", parts.port or 80
        self.match, self.nth, self.fault, self.hang_seconds = match, nth, fault, hang_seconds
        self.matched = 0
        self.faults = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy.handle(self, b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                proxy.handle(self, self.rfile.read(length))

            do_PUT = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        # polls every 0.05 s (not 0.5 s), so shutdown() returns at once
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, store_url: str) -> str:
        """The proxied form of a URL of the store."""
        parts = urlsplit(store_url)
        return parts._replace(netloc=f"127.0.0.1:{self.port}").geturl()

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        with self.lock:
            hit = self.match in body
            if hit:
                self.matched += 1
            faulty = hit and self.matched == self.nth
            if faulty:
                self.faults += 1
        if faulty:
            if isinstance(self.fault, bytes):
                handler.send_response(200)
                handler.send_header("Content-Type", "application/sparql-results+json")
                handler.send_header("Content-Length", str(len(self.fault)))
                handler.end_headers()
                handler.wfile.write(self.fault)
                return
            if self.fault == "error":
                handler.send_error(500, "injected fault")
                return
            if self.fault == "hang":
                time.sleep(self.hang_seconds)
            elif callable(self.fault):
                self.fault()
            handler.connection.shutdown(socket.SHUT_RDWR)
            handler.close_connection = True
            return
        connection = http.client.HTTPConnection(self.target_host, self.target_port, timeout=60)
        try:
            headers = {key: value for key, value in handler.headers.items()
                       if key.lower() not in ("host", "connection")}
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except OSError:
            handler.connection.shutdown(socket.SHUT_RDWR)
            handler.close_connection = True
            return
        finally:
            connection.close()
        handler.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def close(self) -> None:
        """Stop the proxy."""
        self.server.shutdown()
        self.server.server_close()


@dataclass(frozen=True)
class Seen:
    """One request a :class:`Listener` received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Listener:
    """A loopback HTTP server that stands in for "the web": it records every request it gets.

    ``answer`` maps a request to (status, headers, body); by default an empty SPARQL JSON result.
    """

    def __init__(self, answer: Callable[[Seen], tuple[int, dict[str, str], bytes]] | None = None) -> None:
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
                with listener.lock:
                    listener.seen.append(seen)
                status, headers, body = (answer or _empty_results)(seen)
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        """Stop listening."""
        self.server.shutdown()
        self.server.server_close()


EMPTY_RESULTS = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'


def _empty_results(_seen: Seen) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/sparql-results+json"}, EMPTY_RESULTS


def free_port() -> int:
    """A loopback port nobody listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(project_root: Path, *options: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`ketrdf serve` on a free port, ready; stopped by SIGTERM (as a service manager would) if a test
    leaves it running, so that it stops its Oxigraph child too (a SIGKILL would orphan that child).
    Without ``--site DIR`` in ``options`` only the endpoint is served (``--no-site``)."""
    port = free_port()
    site = () if "--site" in options else ("--no-site",)
    server = subprocess.Popen([sys.executable, "-m", "ketrdf", "--project", str(project_root), "-q",
                               "serve", "--port", str(port), *site, *options],
                              stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        assert f"http://127.0.0.1:{port}/sparql" in line, line
        yield server, port
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    with socket.socket() as again, pytest.raises(ConnectionRefusedError):
        again.connect(("127.0.0.1", port))  # nobody listens: the Oxigraph child stopped too
