"""No network behind the user's back (issue 14.4, 14.5, acceptance 2).

The pipeline runs with networking blocked and never tries to connect. A socket guard
fails a test on any connection attempt to anything but the endpoint under test, over
``build``, ``validate``, ``sparql``, ``query run`` (each engine and a remote endpoint) and
``push``; ``serve`` runs in a subprocess, so a loopback listener standing in for the web
shows that nothing reached it. Credentials reach only the host the user named.
"""

from __future__ import annotations

import base64
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ketrdf.cli import main
from ketrdf.engines.rdflib_sparql import run_saved_query
from ketrdf.errors import InputError
from ketrdf.pipeline.build import check_graph
from ketrdf.pipeline.sources import load_sources
from ketrdf.project import Project
from ketrdf.query.saved import load_saved_queries
from ketrdf.rdfio.formats import FORMATS
from ketrdf.rdfio.parse import load_file
from ketrdf.rdfio.writers import serialize
from tests.support.stores import EMPTY_RESULTS, Listener, Seen, served

pytestmark = pytest.mark.integration  # the whole pipeline on the review


class NetworkBlocked(Exception):
    """Raised by the patched socket layer: the test fails if anything reaches it."""


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Block and record every attempt to open a connection or resolve a host."""
    seen: list[str] = []

    def refuse(*args: object, **_kwargs: object) -> None:
        seen.append(repr(args[:2]))
        raise NetworkBlocked(f"network access attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return seen


class Guard:
    """Connections allowed to ``allowed`` (host, port) pairs only; every other attempt is recorded."""

    def __init__(self) -> None:
        self.allowed: set[tuple[str, int]] = set()
        self.refused: list[str] = []

    def allow(self, url: str) -> None:
        """Let connections reach the host and port of ``url`` (the endpoint under test)."""
        parts = urllib.parse.urlsplit(url)
        self.allowed.add((parts.hostname or "", parts.port or 80))


@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[Guard]:
    """The socket guard: the test fails if anything tried to reach a host it did not allow."""
    checked = Guard()
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and (str(address[0]), int(address[1])) in checked.allowed:
            real_connect(sock, address)
            return
        checked.refused.append(f"connect {address!r}")
        raise NetworkBlocked(f"network access attempted: {address!r}")

    def connect_ex(sock: socket.socket, address: object) -> int:
        connect(sock, address)
        return 0

    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> object:
        if any(host == allowed_host for allowed_host, _port in checked.allowed):
            return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]
        checked.refused.append(f"resolve {host!r}")
        raise NetworkBlocked(f"name lookup attempted: {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield checked
    assert checked.refused == [], "network access behind the user's back"


def test_the_guard_itself_catches_a_fetch(attempts: list[str]) -> None:
    with pytest.raises(NetworkBlocked):
        urllib.request.urlopen("http://example.org/", timeout=1)
    assert attempts


def test_whole_pipeline_offline(project: Project, attempts: list[str]) -> None:
    checked = check_graph(project)
    assert checked.passes
    union = checked.kg.union()
    for saved in load_saved_queries(project.queries_dir).values():
        run_saved_query(union, saved, saved.example)
    for name in FORMATS:
        assert serialize(checked.kg, name)
    assert attempts == []


def test_remote_context_and_imports_are_refused_before_any_fetch(
    project_copy: Project, tmp_path: Path, attempts: list[str]
) -> None:
    remote = tmp_path / "remote.jsonld"
    remote.write_text(
        '{"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}', encoding="utf-8"
    )
    with pytest.raises(InputError, match="is remote"):
        load_file(remote)
    with project_copy.ontology_file.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n<https://w3id.org/ketrdf/ontology> owl:imports <http://purl.obolibrary.org/obo/ro.owl> .\n"
        )
    with pytest.raises(InputError, match="has no local file"):
        load_sources(project_copy)
    assert attempts == []


def test_guard_lets_only_the_endpoint_under_test_through(guard: Guard) -> None:
    """The guard is selective: the allowed endpoint is reached, another loopback port is not."""
    named, other = Listener(), Listener()
    try:
        guard.allow(named.url)
        urllib.request.urlopen(named.url, timeout=5).read()
        with pytest.raises(NetworkBlocked):
            urllib.request.urlopen(other.url, timeout=5)
    finally:
        named.close()
        other.close()
    assert len(named.seen) == 1 and other.seen == []
    assert guard.refused == [f"connect ('127.0.0.1', {other.port})"]
    guard.refused.clear()  # the one expected refusal


# Every local path, with the guard: build, validate, sparql and query run on each engine.

@pytest.fixture
def web() -> Iterator[Listener]:
    """A loopback listener standing in for the web; the test checks it received nothing."""
    listener = Listener()
    yield listener
    listener.close()


def run(project: Project, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), "--quiet", *args], env=env)


def test_build_and_validate_stay_offline(project_copy: Project, guard: Guard) -> None:
    built = run(project_copy, "build")
    assert built.exit_code == 0, built.output
    checked = run(project_copy, "validate", str(project_copy.content_dir / "compounds.ttl"))
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_query_paths_stay_offline(review_build: Project, guard: Guard, engine: str) -> None:
    answered = run(review_build, "sparql", "--engine", engine, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert answered.exit_code == 0, answered.output
    ranked = run(review_build, "query", "run", "antidepressant-ranking", "--engine", engine,
                 "--format", "csv")
    assert ranked.exit_code == 0, ranked.output


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_a_service_query_reaches_nobody(review_build: Project, guard: Guard, web: Listener,
                                        engine: str) -> None:
    text = f"SELECT * WHERE {{ SERVICE <{web.url}> {{ ?s ?p ?o }} }}"
    refused = run(review_build, "sparql", "--engine", engine, text)
    assert refused.exit_code == 2, refused.output
    assert "SERVICE" in refused.output
    assert web.seen == []


def test_a_saved_service_query_is_not_sent_to_the_endpoint(project_copy: Project, guard: Guard,
                                                           web: Listener) -> None:
    """query run --endpoint passes the same gate: a SERVICE query is refused before any request."""
    endpoint = Listener()
    try:
        guard.allow(endpoint.url)
        (project_copy.queries_dir / "fetcher.rq").write_text(
            "#+ title: fetch\n#+ question: what does the web say?\n"
            f"SELECT * WHERE {{ SERVICE <{web.url}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
        refused = run(project_copy, "query", "run", "fetcher", "--endpoint", endpoint.url)
        assert refused.exit_code == 2, refused.output
        assert "SERVICE" in refused.output
        assert endpoint.seen == [] and web.seen == []
    finally:
        endpoint.close()


# Credentials (14.5): only to the host the user named; no redirect to another host; no user:pass@.

USER, PASSWORD = "reader", "s3cret-pw-17"
STORE_ENV = {"KETRDF_STORE_USER": USER, "KETRDF_STORE_PASSWORD": PASSWORD}


def _basic(seen: Seen) -> str | None:
    """The password of a request's Basic Authorization header, if it has one."""
    header = {key.lower(): value for key, value in seen.headers.items()}.get("authorization", "")
    if not header.startswith("Basic "):
        return None
    return base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")[2]


class Redirecting:
    """A named store that answers queries itself and redirects the rest to ``elsewhere``.

    ``what`` picks the redirected requests: "query", "update" or "gsp" (Graph Store POST).
    """

    def __init__(self, elsewhere: str, what: str, status: int = 302) -> None:
        def answer(seen: Seen) -> tuple[int, dict[str, str], bytes]:
            kind = ("gsp" if "graph=" in seen.path else "update" if seen.body.startswith(b"update=")
                    else "query")
            if kind == what:
                return status, {"Location": elsewhere}, b""
            return 200, {"Content-Type": "application/sparql-results+json"}, EMPTY_RESULTS

        self.listener = Listener(answer)
        self.url = self.listener.url


@pytest.mark.parametrize(("command", "what", "status"), [
    ("query", "query", 302), ("query", "query", 307), ("push", "query", 303),
    ("push", "update", 302), ("push", "update", 308), ("push", "gsp", 307),
])
def test_no_redirect_to_another_host(review_build: Project, guard: Guard, web: Listener, command: str,
                                     what: str, status: int) -> None:
    """An endpoint on 127.0.0.1 redirects to localhost:OTHER: refused, and no password goes there."""
    elsewhere = f"http://localhost:{web.port}/sparql"
    store = Redirecting(elsewhere, what, status)
    try:
        guard.allow(store.url)
        if command == "query":
            result = run(review_build, "query", "run", "timeline", "--endpoint", store.url, "--retries", "0",
                         env=STORE_ENV)
        else:
            result = run(review_build, "push", "--endpoint", store.url, "--retries", "0",
                         "--what", "inferred", *(["--gsp-endpoint", store.url] if what == "gsp" else []),
                         env=STORE_ENV)
    finally:
        store.listener.close()
    assert result.exit_code == 5, result.output
    assert f"redirects to http://localhost:{web.port}/sparql, outside the host you named" in result.output
    assert PASSWORD not in result.output
    assert web.seen == []
    assert store.listener.seen and all(_basic(seen) == PASSWORD for seen in store.listener.seen)


def test_a_redirect_within_the_named_host_keeps_the_query(review_build: Project, guard: Guard) -> None:
    """Same scheme, host and port: followed with the same POST body and the credentials."""
    def answer(seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if seen.path == "/moved":
            return 307, {"Location": "/sparql"}, b""
        return 200, {"Content-Type": "application/sparql-results+json"}, EMPTY_RESULTS

    store = Listener(answer)
    try:
        guard.allow(store.url)
        result = run(review_build, "query", "run", "timeline", "--endpoint", f"{store.url}moved",
                     "--format", "csv", env=STORE_ENV)
    finally:
        store.close()
    assert result.exit_code == 0, result.output
    assert [seen.path for seen in store.seen] == ["/moved", "/sparql"]
    assert store.seen[0].body == store.seen[1].body and b"query=" in store.seen[1].body
    assert [_basic(seen) for seen in store.seen] == [PASSWORD, PASSWORD]


@pytest.mark.parametrize("command", [
    ["query", "run", "timeline", "--endpoint"],
    ["push", "--dry-run", "--endpoint"],
    ["push", "--endpoint", "http://127.0.0.1:9/sparql", "--update-endpoint"],
])
def test_a_password_in_the_url_is_refused_and_never_printed(review_build: Project, guard: Guard,
                                                            web: Listener, command: list[str]) -> None:
    url = f"http://{USER}:{PASSWORD}@127.0.0.1:{web.port}/sparql"
    result = run(review_build, *command, url)
    assert result.exit_code == 2, result.output
    assert "must not hold a user name or password" in result.output
    assert "KETRDF_STORE_USER" in result.output
    assert PASSWORD not in result.output
    assert web.seen == []


# serve (14.4): the endpoint any web page can reach refuses SERVICE; nothing reaches the web.

SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # x\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ FILTER(0<1)SERVICE#>\n<{url}> {{ ?s ?p ?o }} }}",
    # a comment to the end of the text to rdflib, a SERVICE clause to Oxigraph (# ends at CR)
    "SELECT * WHERE {{ ?s ?p ?o . # note\r SERVICE <{url}> {{ ?a ?b ?c }}\n}}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{url}> {{ ?s ?q ?v }} }} }} LIMIT 1",
]


def _ask_serve(port: int, how: str, text: str) -> tuple[int, str]:
    base = f"http://127.0.0.1:{port}/query"
    if how == "get":
        request = urllib.request.Request(f"{base}?{urllib.parse.urlencode({'query': text})}")
    elif how == "form":
        request = urllib.request.Request(base, data=urllib.parse.urlencode({"query": text}).encode(),
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        request = urllib.request.Request(base, data=text.encode(),
                                         headers={"Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_refuses_service_from_any_client(review_build: Project, web: Listener) -> None:
    with served(review_build.root) as (_server, port):
        for template in SERVICE_QUERIES:
            for how in ("get", "form", "sparql-query"):
                status, text = _ask_serve(port, how, template.format(url=web.url))
                assert status == 403, (how, template, status, text)
                assert "SERVICE clauses are refused" in text
                assert web.seen == [], (how, template)
        status, text = _ask_serve(port, "get", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert status == 200, text
    assert web.seen == []
