"""Push to, query and serve from real stores: Oxigraph and Virtuoso (issues 6 and 8).

The stores come from scripts/store (started once by `make test`); a test that
cannot reach its store fails with the reason, it never skips. The tests take
turns through a file lock, so pushes from two pytest workers never overlap.
"""

from __future__ import annotations

import fcntl
import math
import os
import re
import signal
import socket
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.term import Node

from ketrdf.cli import main
from ketrdf.engines.rdflib_sparql import RdflibEngine, run_saved_query
from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.query.parameters import bind_parameters
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import SavedQuery, load_saved_queries
from ketrdf.query.values import with_values
from ketrdf.rdfio.writers import GRAPH_SELECTIONS, serialize
from ketrdf.stores.endpoint import select
from ketrdf.stores.push import STAGING_PREFIX, plan, push
from tests.support.answers import canonical_rows
from tests.support.stores import FaultProxy, Listener, Store, endpoint, served, start_store, stop_store

# Oxigraph and Virtuoso servers; one worker runs these tests in turn, so none waits for the lock below
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("stores")]


@pytest.fixture(autouse=True)
def one_store_test_at_a_time() -> Iterator[None]:
    """The stores are shared by every pytest worker: tests that push take turns (a file lock)."""
    folder = Path(os.environ.get("KETRDF_TEST_STORES") or tempfile.gettempdir())
    with (folder / "ketrdf-store-tests.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)

NAMED_GRAPHS = [str(name) for name in GRAPH_SELECTIONS["all"]]


def cli(project: Project, store: Store | None, *args: str) -> Result:
    env = store.env() if store else None
    return CliRunner().invoke(main, ["--project", str(project.root), "--quiet", *args], env=env)


def count(store: Store, graph: str) -> int:
    rows = select(endpoint(store), f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows
    return int(rows[0][0]) if rows and isinstance(rows[0][0], Literal) else 0


def staging_graphs(store: Store) -> list[str]:
    text = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER STRSTARTS(STR(?g), "{STAGING_PREFIX}") }}')
    return [str(row[0]) for row in select(endpoint(store), text).rows]


def has_final_order_by(text: str) -> bool:
    return re.search(r"\}\s*ORDER\s+BY[^{}]*$", text, re.IGNORECASE) is not None


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> Store:
    found: Store = request.getfixturevalue(request.param)
    return found


# Acceptance 1: push, then the same counts per named graph and the same answers to every saved query.

LocalAnswers = list[tuple[SavedQuery, str, QueryResult]]


@pytest.fixture(scope="module")
def local_answers(review_build: Project, reasoned: KnowledgeGraph) -> LocalAnswers:
    """Each saved query, its example's text as a store is asked it, and rdflib's answer over the
    local graph: computed once, compared with every store."""
    union = reasoned.union()
    answers = []
    for saved in load_saved_queries(review_build.queries_dir).values():
        bindings = bind_parameters(saved, saved.example, RdflibEngine(union))
        answers.append((saved, with_values(saved.text, bindings, saved.name),
                        run_saved_query(union, saved, saved.example)))
    return answers


@pytest.mark.parametrize("gsp", [False, True], ids=["update", "graph-store"])
def test_push_gives_equal_counts_and_answers(review_build: Project, reasoned: KnowledgeGraph, store: Store,
                                             gsp: bool, local_answers: LocalAnswers) -> None:
    pushed = cli(review_build, store, "push", *store.push_args(gsp), "--batch-size", "700")
    assert pushed.exit_code == 0, pushed.output
    for name, graph in reasoned.named_graphs().items():
        assert count(store, str(name)) == len(graph), name
    assert staging_graphs(store) == []

    remote = endpoint(store, tuple(NAMED_GRAPHS))
    for saved, text, local in local_answers:
        answer = select(remote, text)
        assert answer.variables == local.variables, saved.name
        if has_final_order_by(saved.text):
            assert canonical_rows(answer) == canonical_rows(local), saved.name
        else:
            assert sorted(map(repr, canonical_rows(answer))) == sorted(map(repr, canonical_rows(local)))
        assert local.rows or "imports" in saved.tags, f"{saved.name}: the example finds nothing"


def test_remote_query_command_matches_local(review_build: Project, oxigraph: Store) -> None:
    """T2-antidepressant through `query run --endpoint`: (R)-ketamine ranks first remotely too."""
    assert cli(review_build, oxigraph, "push", *oxigraph.push_args(gsp=True)).exit_code == 0
    local = cli(review_build, None, "query", "run", "antidepressant-ranking", "--format", "csv")
    remote = cli(review_build, None, "query", "run", "antidepressant-ranking", "--format", "csv",
                 "--endpoint", oxigraph.query)
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    first = remote.output.splitlines()[1].split(",")
    assert first[:2] == ["1", "(R)-ketamine"]


def test_push_into_one_graph_and_selection(review_build: Project, reasoned: KnowledgeGraph,
                                           oxigraph: Store) -> None:
    target = "urn:ketrdf:test:inferred-only"
    result = cli(review_build, oxigraph, "push", *oxigraph.push_args(), "--graph", target,
                 "--what", "inferred")
    assert result.exit_code == 0, result.output
    assert count(oxigraph, target) == len(reasoned.inferred)


def test_push_leaves_other_targets_staging_graphs_alone(review_build: Project, oxigraph: Store) -> None:
    """A leftover staging graph of another target may be a push under way: only this target's go."""
    from ketrdf.stores.endpoint import update

    other = f"{STAGING_PREFIX}someone-else:1"
    update(endpoint(oxigraph), f"INSERT DATA {{ GRAPH <{other}> {{ <urn:a> <urn:b> <urn:c> }} }}")
    try:
        result = cli(review_build, oxigraph, "push", *oxigraph.push_args(), "--graph", "urn:ketrdf:test:mine",
                     "--what", "inferred")
        assert result.exit_code == 0, result.output
        assert staging_graphs(oxigraph) == [other]
    finally:
        update(endpoint(oxigraph), f"DROP SILENT GRAPH <{other}>")


def test_dry_run_sends_nothing(review_build: Project) -> None:
    result = cli(review_build, None, "push", "--endpoint", "http://127.0.0.1:9/sparql", "--dry-run",
                 "--batch-size", "1000")
    assert result.exit_code == 0, result.output
    found = re.search(r"content>: (\d+) triples in (\d+) batch\(es\)", result.output)
    assert found, result.output
    triples, batches = int(found.group(1)), int(found.group(2))
    assert triples > 3000 and batches == math.ceil(triples / 1000)
    assert "MOVE" in result.output


# Acceptance 2 (and issue 8): a push that fails half-way leaves the old graph; a second run completes.
# (About atomicity, not volume: the old version is the ontology graph, the new one the inferred graph,
# sent in six batches; the equal-counts test pushes everything.)

FAULTS = ["error", "reset", "hang"]
NEW_VERSION = ("--what", "inferred")


@pytest.fixture(scope="module")
def old_version(reasoned: KnowledgeGraph) -> KnowledgeGraph:
    """What the target graph holds before the push under test: the ontology graph alone."""
    return KnowledgeGraph(ontology=reasoned.ontology, content=Graph(), inferred=Graph(), queries=Graph())


def _old_then_faulty_push(project: Project, old: KnowledgeGraph, store: Store, proxy: FaultProxy, target: str,
                          extra: tuple[str, ...] = ()) -> Result:
    push(endpoint(store), plan(old, "all", target))
    assert count(store, target) == len(old.ontology)
    proxied = ["--endpoint", proxy.url(store.query), "--update-endpoint", proxy.url(store.update),
               "--auth", store.auth, "--retries", "0"]
    return cli(project, store, "push", *proxied, "--graph", target, *NEW_VERSION, "--batch-size", "200",
               *extra)


@pytest.mark.parametrize("fault", FAULTS)
def test_interrupted_push_keeps_the_old_graph(review_build: Project, reasoned: KnowledgeGraph, store: Store,
                                              old_version: KnowledgeGraph, fault: str) -> None:
    target = f"urn:ketrdf:test:fault:{fault}"
    proxy = FaultProxy(store.url, b"staging", nth=4, fault=fault, hang_seconds=6)  # the third batch
    try:
        extra = ("--timeout", "2") if fault == "hang" else ()
        failed = _old_then_faulty_push(review_build, old_version, store, proxy, target, extra)
    finally:
        proxy.close()
    assert proxy.faults == 1
    assert failed.exit_code == 5, failed.output
    assert "target graphs are unchanged" in failed.output
    assert "Traceback" not in failed.output
    assert len(failed.output.strip().splitlines()) == 1
    assert count(store, target) == len(old_version.ontology)  # the old version, whole
    again = cli(review_build, store, "push", *store.push_args(), "--graph", target, *NEW_VERSION)
    assert again.exit_code == 0, again.output
    assert count(store, target) == len(reasoned.inferred)
    assert staging_graphs(store) == []


def test_push_survives_a_killed_server(review_build: Project, reasoned: KnowledgeGraph,
                                       old_version: KnowledgeGraph, private_oxigraph: Store) -> None:
    target = "urn:ketrdf:test:fault:killed"

    def kill() -> None:
        os.kill(private_oxigraph.pid, signal.SIGKILL)

    proxy = FaultProxy(private_oxigraph.url, b"staging", nth=3, fault=kill)  # the second batch
    try:
        failed = _old_then_faulty_push(review_build, old_version, private_oxigraph, proxy, target)
    finally:
        proxy.close()
    assert failed.exit_code == 5, failed.output
    assert "target graphs are unchanged" in failed.output
    restarted = start_store("oxigraph", private_oxigraph.folder)
    try:
        assert count(restarted, target) == len(old_version.ontology)
        again = cli(review_build, restarted, "push", *restarted.push_args(), "--graph", target, *NEW_VERSION)
        assert again.exit_code == 0, again.output
        assert count(restarted, target) == len(reasoned.inferred)
        assert staging_graphs(restarted) == []
    finally:
        stop_store(restarted)


# Acceptance 3: one-line errors, exit 5, no traceback, no secret.

def _assert_one_line_error(result: Result, *needles: str, secret: str | None = None) -> None:
    assert result.exit_code == 5, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ketrdf: error:"), result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output
    if secret:
        assert secret not in result.output


def test_wrong_password(review_build: Project, virtuoso: Store) -> None:
    env = {**virtuoso.env(), "KETRDF_STORE_PASSWORD": "not-the-password-42"}
    result = CliRunner().invoke(main, ["--project", str(review_build.root), "-q", "push",
                                       *virtuoso.push_args()], env=env)
    _assert_one_line_error(result, "credentials", "HTTP 401", secret="not-the-password-42")
    assert virtuoso.password not in result.output


def test_unreachable_endpoint(review_build: Project) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli(review_build, None, "query", "run", "timeline", "--endpoint", f"http://127.0.0.1:{port}/sparql",
                 "--retries", "0")
    _assert_one_line_error(result, "unreachable")


@pytest.fixture
def web_page() -> Iterator[str]:
    """A web server that answers every request with an HTML page (not SPARQL)."""

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = b"<html><body>hello</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

    server = HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_not_a_sparql_endpoint(review_build: Project, web_page: str) -> None:
    result = cli(review_build, None, "query", "run", "timeline", "--endpoint", web_page)
    _assert_one_line_error(result, "is this a SPARQL endpoint")


def test_timeout(review_build: Project, oxigraph: Store) -> None:
    proxy = FaultProxy(oxigraph.url, b"query", nth=1, fault="hang", hang_seconds=5)
    try:
        result = cli(review_build, None, "query", "run", "timeline", "--endpoint", proxy.url(oxigraph.query),
                     "--timeout", "1", "--retries", "0")
    finally:
        proxy.close()
    _assert_one_line_error(result, "no answer within 1 s")


def test_credentials_never_on_the_command_line(review_build: Project) -> None:
    result = cli(review_build, None, "push", "--endpoint", "http://127.0.0.1:9/sparql", "--password", "x")
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_netrc_credentials(review_build: Project, virtuoso: Store, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {virtuoso.user} password {virtuoso.password}\n")
    netrc.chmod(0o600)
    env = {key: value for key, value in os.environ.items() if not key.startswith("KETRDF_STORE_")}
    result = CliRunner().invoke(main, ["--project", str(review_build.root), "-q", "push",
                                       *virtuoso.push_args(), "--netrc", str(netrc), "--what", "inferred",
                                       "--graph", "urn:ketrdf:test:netrc"], env=env)
    assert result.exit_code == 0, result.output
    assert virtuoso.password not in result.output


# Acceptance 4: exports load into Oxigraph unchanged; invalid triples never reach a store.

@pytest.mark.parametrize("output_format", ["turtle", "ntriples", "jsonld", "trig", "nquads"])
def test_exports_round_trip_through_oxigraph(reasoned: KnowledgeGraph, empty_oxigraph: Store,
                                             output_format: str) -> None:
    data = serialize(reasoned, output_format, "all")
    media = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json",
             "trig": "application/trig", "nquads": "application/n-quads"}[output_format]
    dataset = output_format in ("trig", "nquads")
    url = f"{empty_oxigraph.gsp}" + ("" if dataset else "?graph=urn%3Aketrdf%3Atest%3Around-trip")
    request = urllib.request.Request(url, data=data, method="POST", headers={"Content-Type": media})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201, 204)
    accept = "application/n-quads" if dataset else "application/n-triples"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as back:
        returned = back.read()
    if dataset:
        local, remote = Dataset(), Dataset()
        local.parse(data=data, format=output_format)
        remote.parse(data=returned, format="nquads")
        for name in NAMED_GRAPHS:
            assert len(remote.graph(URIRef(name))) == len(reasoned.named_graphs()[URIRef(name)])
            assert isomorphic(decimals_by_value(local.graph(URIRef(name))),
                              decimals_by_value(remote.graph(URIRef(name)))), name
    else:
        parser = "json-ld" if output_format == "jsonld" else output_format
        local_graph = Graph().parse(data=data, format=parser)
        assert isomorphic(decimals_by_value(local_graph),
                          decimals_by_value(Graph().parse(data=returned, format="nt")))


def decimals_by_value(graph: Graph) -> Graph:
    """``graph``, changed in place, with xsd:decimal literals in one spelling: Oxigraph stores 3.0 as 3
    (same value)."""
    decimals = [(s, p, o) for s, p, o in graph if isinstance(o, Literal) and o.datatype == XSD.decimal]
    for s, p, o in decimals:
        graph.remove((s, p, o))
        graph.add((s, p, Literal(format(o.toPython().normalize(), "f"), datatype=XSD.decimal)))
    return graph


@pytest.mark.parametrize("bad", [
    (Literal("a literal"), URIRef("urn:p"), Literal("subject")),
    (URIRef("urn:s"), BNode(), Literal("blank predicate")),
    (URIRef("urn:with space"), URIRef("urn:p"), Literal("bad IRI")),
])
def test_invalid_triples_never_reach_a_store(reasoned: KnowledgeGraph, bad: tuple[Node, Node, Node]) -> None:
    broken = Graph()
    broken.add(bad)
    kg = KnowledgeGraph(ontology=reasoned.ontology, content=broken, inferred=Graph(), queries=Graph())
    with pytest.raises(InputError, match="refusing to push an invalid triple"):
        plan(kg)


def test_blank_nodes_stay_in_one_batch(reasoned: KnowledgeGraph) -> None:
    """A store scopes blank-node labels to one request: every blank node's triples share a batch."""
    for upload in plan(reasoned, "all", None, batch_size=50):
        seen: dict[str, int] = {}
        for number, batch in enumerate(upload.batches):
            for label in set(re.findall(rb"_:\w+", batch)):
                assert seen.setdefault(label.decode(), number) == number, label
        assert sum(len(Graph().parse(data=b, format="nt")) for b in upload.batches) == upload.triples


# serve: a local SPARQL endpoint over the build, stopped by Ctrl-C or SIGTERM.

def test_serve_stops_its_server_on_sigterm(review_build: Project) -> None:
    """SIGTERM (a service manager's stop) ends serve as Ctrl-C does: exit 0, its Oxigraph child stopped
    (`served` checks the port is free). Ctrl-C ends test_serve_answers_like_the_local_graph."""
    with served(review_build.root) as (server, _port):
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 0


def test_serve_answers_like_the_local_graph(review_build: Project) -> None:
    """The served graph answers as the local one; then Ctrl-C (SIGINT) stops serve with exit 0."""
    with served(review_build.root) as (server, port):
        local = cli(review_build, None, "query", "run", "evidence", "--format", "csv")
        remote = cli(review_build, None, "query", "run", "evidence", "--format", "csv", "--endpoint",
                     f"http://127.0.0.1:{port}/query", "--default-graph", "urn:x-none:unused")
        union = cli(review_build, None, "query", "run", "evidence", "--format", "csv", "--endpoint",
                    f"http://127.0.0.1:{port}/query")
        assert remote.exit_code == 0 and union.exit_code == 0, remote.output + union.output
        assert sorted(union.output.splitlines()) == sorted(local.output.splitlines())  # ENAN-9
        assert remote.output.count("\n") == 1  # a graph that does not exist: the header only
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=15) == 0


# serve is read-only and bounded (issue 14.4): updates refused, each query stopped at the limit.

def _ask(port: int, path: str, body: bytes | None, content_type: str = "application/x-www-form-urlencoded",
         timeout: float = 120) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body,
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def test_serve_refuses_updates_and_malformed_queries(review_build: Project) -> None:
    web = Listener()
    try:
        with served(review_build.root) as (_server, port):
            load = f"LOAD <{web.url}data.ttl>"
            insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
            for path, body, media in [
                ("/update", _form(update=load), "application/x-www-form-urlencoded"),
                ("/update", load.encode(), "application/sparql-update"),
                ("/query", load.encode(), "application/sparql-update"),
                ("/query", _form(update=insert), "application/x-www-form-urlencoded"),
                ("/query", _form(query=load), "application/x-www-form-urlencoded"),
                (f"/query?{urllib.parse.urlencode({'query': insert})}", None, ""),
            ]:
                status, text = _ask(port, path, body, media)
                assert status == 403, (path, body, status, text)
                assert "read-only" in text
            status, text = _ask(port, "/query", _form(query="SELECT ?s WHERE { ?s ?p }"))
            assert status == 400 and "SPARQL syntax error" in text, text
            status, text = _ask(port, "/query", _form(query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
            assert status == 200 and '"n"' in text, text
    finally:
        web.close()
    assert web.seen == []


def _cpu_seconds_of_children(pid: int) -> float:
    """CPU time used so far by the processes ``pid`` started (the Oxigraph server)."""
    total = 0
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            fields = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _assert_idle(pid: int) -> None:
    before = _cpu_seconds_of_children(pid)
    time.sleep(2)
    assert _cpu_seconds_of_children(pid) - before < 0.3, "the Oxigraph server is still computing"


CROSS_PRODUCT = "SELECT {} WHERE {{ ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }}"


def test_serve_stops_a_slow_query_at_the_limit(review_build: Project) -> None:
    with served(review_build.root, "--timeout", "2") as (server, port):
        started = time.monotonic()
        status, text = _ask(port, "/query", _form(query=CROSS_PRODUCT.format("(COUNT(*) AS ?n)")))
        waited = time.monotonic() - started
        assert status == 504 and "longer than 2 s" in text, text
        assert waited < 10, waited
        _assert_idle(server.pid)
        status, text = _ask(port, "/query", _form(query="ASK { ?s ?p ?o }"))
        assert status == 200 and "true" in text, text


def test_serve_stops_an_answer_larger_than_the_limit(review_build: Project) -> None:
    with served(review_build.root, "--max-answer-mb", "1") as (server, port):
        status, text = _ask(port, "/query", _form(query=CROSS_PRODUCT.format("*")))
        assert status == 500 and "larger than 1 MB" in text, text
        _assert_idle(server.pid)


# push checks what the store answers (issue 14.16): a count that is no number stops it.

def test_a_count_that_is_not_a_number_stops_the_push(review_build: Project, oxigraph: Store) -> None:
    target = "urn:ketrdf:test:count-not-a-number"
    answer = (b'{"head": {"vars": ["n"]}, "results": {"bindings": '
              b'[{"n": {"type": "literal", "value": "many"}}]}}')
    proxy = FaultProxy(oxigraph.url, b"COUNT%28", nth=1, fault=answer)
    try:
        result = cli(review_build, oxigraph, "push", "--endpoint", proxy.url(oxigraph.query),
                     "--update-endpoint", proxy.url(oxigraph.update), "--graph", target, "--what", "inferred")
    finally:
        proxy.close()
    assert proxy.faults == 1
    _assert_one_line_error(result, "answered the triple count", "'many', not a number",
                           "the staging graphs were dropped")
    assert staging_graphs(oxigraph) == []
    assert count(oxigraph, target) == 0
