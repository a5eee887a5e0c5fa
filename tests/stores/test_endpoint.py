"""``RemoteEngine``, the SPARQL engine of a store's endpoint, against a loopback HTTP server (no store)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from rdflib import Literal, URIRef

from ketrdf.errors import RefusedQueryError, StoreError
from ketrdf.stores.endpoint import Endpoint, RemoteEngine
from tests.support.stores import Listener, Seen

ANSWER = {"head": {"vars": ["s", "label"]},
          "results": {"bindings": [{"s": {"type": "uri", "value": "http://e/a"},
                                    "label": {"type": "literal", "value": "a", "xml:lang": "en"}}]}}


def _json(body: bytes) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/sparql-results+json"}, body


@pytest.fixture
def store() -> Iterator[Listener]:
    listener = Listener(lambda _seen: _json(json.dumps(ANSWER).encode()))
    yield listener
    listener.close()


def engine(listener: Listener, timeout: float = 10.0) -> RemoteEngine:
    return RemoteEngine(Endpoint(query=f"{listener.url}query", timeout=timeout, retries=0))


def sent_query(seen: Seen) -> str:
    (query,) = parse_qs(seen.body.decode())["query"]
    return query


def test_the_answer_is_parsed_and_the_bindings_are_sent_as_values(store: Listener) -> None:
    result = engine(store).run("SELECT ?s ?label WHERE { ?s <http://e/p> ?label }",
                               {"s": URIRef("http://e/a")})
    assert result.variables == ("s", "label")
    assert result.rows == ((URIRef("http://e/a"), Literal("a", lang="en")),)
    (seen,) = store.seen
    assert seen.method == "POST" and seen.path == "/query"
    query = sent_query(seen)
    assert "VALUES" in query and "<http://e/a>" in query


def test_a_refused_query_is_never_sent(store: Listener) -> None:
    with pytest.raises(RefusedQueryError, match="SERVICE"):
        engine(store).run("SELECT * WHERE { SERVICE <http://e/elsewhere> { ?s ?p ?o } }", origin="q.rq")
    assert store.seen == []


def test_an_answer_that_is_not_sparql_json_is_a_store_error() -> None:
    listener = Listener(lambda _seen: (200, {"Content-Type": "text/html"}, b"<html>hello</html>"))
    try:
        with pytest.raises(StoreError, match="not SPARQL JSON results"):
            engine(listener).run("ASK {}")
    finally:
        listener.close()


def test_the_timeout_of_a_run_bounds_the_wait() -> None:
    def slow(_seen: Seen) -> tuple[int, dict[str, str], bytes]:
        time.sleep(3)
        return _json(b'{"head": {}, "boolean": true}')

    listener = Listener(slow)
    started = time.monotonic()
    try:
        with pytest.raises(StoreError):
            engine(listener, timeout=60).run("ASK {}", timeout=0.3)
    finally:
        listener.close()
    assert time.monotonic() - started < 3
