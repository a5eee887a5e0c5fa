"""The one SPARQL gate (issue 14.1, 14.3): every text ketrdf runs is parsed and refused there.

A loopback HTTP listener stands in for "the web": whatever a query, rule or QC check
holds, and on either engine, it must receive no request.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from ketrdf.cli import main
from ketrdf.engines.oxigraph import run as run_on_oxigraph
from ketrdf.engines.rdflib_sparql import run_sparql
from ketrdf.errors import InputError, QueryError
from ketrdf.knowledge_graph import local_dataset
from ketrdf.pipeline.qc import load_checks
from ketrdf.pipeline.rules import load_rules
from ketrdf.project import Project
from ketrdf.query.gate import gate, prepare
from ketrdf.query.values import with_values
from ketrdf.rdfio.terms import load_store

EMPTY_RESULTS = b'{"head": {"vars": []}, "results": {"bindings": []}}'


class Listener:
    """An HTTP server on 127.0.0.1 (a free port) that records every request it receives."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        seen = self.requests

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                seen.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(EMPTY_RESULTS)))
                self.end_headers()
                self.wfile.write(EMPTY_RESULTS)

            do_GET = do_POST = answer

            def log_message(self, *_args: object) -> None:
                return None

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def bypasses(url: str) -> dict[str, str]:
    """Texts that reach ``url`` if SERVICE is not refused on what the engine really reads."""
    return {
        "plain SERVICE": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        # a comment ended by a bare CR: rdflib reads the rest of the line as comment, Oxigraph not
        "comment ended by CR": f"SELECT * WHERE {{ # x\rSERVICE <{url}> {{ ?s ?p ?o }}\n}}",
        "comment ended by an escaped CR": f"SELECT * WHERE {{ # x\\u000DSERVICE <{url}> {{ ?s ?p ?o }}\n}}",
        # a token scanner reads <1)SERVICE#> as one IRI
        "FILTER(0<1)SERVICE#>": f"SELECT * WHERE {{ ?s ?p ?o FILTER(0<1)SERVICE#>\n<{url}> {{ ?s ?p ?o }} }}",
        "FROM": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "FROM NAMED": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "LOAD": f"LOAD <{url}>",
    }


CASES = list(bypasses("http://127.0.0.1:9/"))


@pytest.mark.parametrize("case", CASES)
def test_the_gate_refuses(case: str) -> None:
    with pytest.raises(QueryError, match=r"^origin: .*(refused|syntax error)"):
        prepare(bypasses("http://127.0.0.1:9/")[case], "origin")


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_engines_refuse_and_send_nothing(case: str, engine: str, listener: Listener) -> None:
    text = bypasses(listener.url)[case]
    graph = Graph()
    with pytest.raises(QueryError):
        if engine == "oxigraph":
            run_on_oxigraph(load_store([graph]), text, timeout=10)
        else:
            run_sparql(local_dataset({}), text)
    assert listener.requests == []


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_sparql_command_refuses(case: str, engine: str, listener: Listener, review_build: Project,
                                tmp_path: Path) -> None:
    text = bypasses(listener.url)[case]
    as_file = tmp_path / "adhoc.rq"
    as_file.write_text(text, encoding="utf-8")
    for argument in (text, str(as_file)):
        result = CliRunner().invoke(main, ["--project", str(review_build.root), "-q", "sparql",
                                           "--engine", engine, "--timeout", "10", argument])
        assert result.exit_code == 2, result.output
    assert listener.requests == []


def _saved(text: str) -> str:
    return f"#+ title: t\n#+ question: q\n{text}\n"


@pytest.mark.parametrize("case", ["comment ended by CR", "FILTER(0<1)SERVICE#>", "plain SERVICE"])
@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_query_run_refuses(case: str, engine: str, listener: Listener, project_copy: Project) -> None:
    (project_copy.queries_dir / "fetch.rq").write_text(_saved(bypasses(listener.url)[case]), encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(project_copy.root), "-q", "query", "run", "fetch",
                                       "--engine", engine, "--timeout", "10"])
    assert result.exit_code == 2, result.output
    assert "fetch.rq" in result.output
    assert listener.requests == []


@pytest.mark.parametrize("case", ["comment ended by CR", "FILTER(0<1)SERVICE#>", "plain SERVICE"])
def test_query_run_on_an_endpoint_refuses(case: str, listener: Listener, project_copy: Project) -> None:
    """The user names the endpoint; SERVICE would make it fetch from elsewhere: refused too."""
    (project_copy.queries_dir / "fetch.rq").write_text(
        _saved(bypasses("http://127.0.0.1:9/")[case]), encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(project_copy.root), "-q", "query", "run", "fetch",
                                       "--endpoint", listener.url, "--timeout", "10"])
    assert result.exit_code == 2, result.output
    assert listener.requests == []


def _construct(url: str) -> str:
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"


def test_a_rule_with_service_fails_the_build(listener: Listener, project_copy: Project) -> None:
    behind_cr = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ # x\rSERVICE <{listener.url}> {{ ?s ?p ?o }}\n}}"
    for name, text in (("plain", _construct(listener.url)), ("cr", behind_cr)):
        rule = project_copy.rules_dir / f"fetch-{name}.rq"
        rule.write_text(text, encoding="utf-8")
        with pytest.raises(QueryError, match=rf"fetch-{name}\.rq: SERVICE clauses are refused"):
            load_rules(project_copy.rule_files())
        result = CliRunner().invoke(main, ["--project", str(project_copy.root), "-q", "build"])
        assert result.exit_code == 2, result.output
        assert f"fetch-{name}.rq" in result.output
        rule.unlink()
    assert listener.requests == []


@pytest.mark.parametrize("case", ["comment ended by CR", "FILTER(0<1)SERVICE#>", "plain SERVICE", "FROM"])
def test_a_qc_check_with_service_is_refused(case: str, listener: Listener, project_copy: Project) -> None:
    text = bypasses(listener.url)[case].replace("SELECT *", "SELECT ?focus ?message", 1)
    check = project_copy.qc_dir / "fetch-violation.rq"
    check.write_text(_saved(text), encoding="utf-8")
    with pytest.raises(QueryError, match=r"fetch-violation\.rq"):
        load_checks(project_copy.qc_dir)
    assert listener.requests == []


def test_a_qc_check_must_project_focus_and_message(project_copy: Project) -> None:
    """14.16: the check is read, not scanned for the text "?focus"."""
    check = project_copy.qc_dir / "blind-violation.rq"
    check.write_text(_saved('SELECT ?message WHERE { ?focus a ?c BIND ("x" AS ?message) }'), encoding="utf-8")
    with pytest.raises(InputError, match=r"blind-violation\.rq: a QC check must be a SELECT of"):
        load_checks(project_copy.qc_dir)
    result = CliRunner().invoke(main, ["--project", str(project_copy.root), "-q", "build"])
    assert result.exit_code == 2, result.output
    assert "blind-violation.rq" in result.output


def test_bound_parameters_pass_the_gate_again() -> None:
    """What an engine receives is what the gate parsed: the VALUES block included."""
    from rdflib import Literal

    text = with_values("SELECT ?x WHERE { BIND (?v AS ?x) }", {"v": Literal("} SERVICE <http://e/> {")})
    assert "VALUES" in text
    assert prepare(text, "bound").algebra.name == "SelectQuery"


def test_the_canonical_text_is_what_both_parsers_read() -> None:
    query, text = gate("SELECT ?x WHERE { # a comment\r BIND (\"caf\\u00E9\" AS ?x) }", "q")
    assert "\r" not in text and "café" in text
    assert query.algebra.name == "SelectQuery"


@pytest.mark.integration  # a query on the review in a worker process
def test_an_oxigraph_error_in_the_worker_prints_nothing_stray(tmp_path: Path) -> None:
    """14.17: Oxigraph's results are dropped in the thread that made them."""
    script = tmp_path / "worker.py"
    script.write_text(
        "import pyoxigraph as ox\n"
        "from ketrdf.errors import QueryError\n"
        "from ketrdf.engines.oxigraph import run\n"
        "class Failing:\n"
        "    def __init__(self):\n"
        "        self.store = ox.Store()\n"
        "    def query(self, text, **options):\n"
        "        solutions = self.store.query('SELECT * WHERE { ?s ?p ?o }')\n"
        "        raise OSError('the store failed')\n"
        "try:\n"
        "    run(Failing(), 'SELECT * WHERE { ?s ?p ?o }', timeout=5)\n"
        "except QueryError as error:\n"
        "    print(error)\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.stdout.strip() == "query: the store failed"
    assert "unsendable" not in done.stderr, done.stderr
    assert done.stderr == ""


def test_listener_itself_records(listener: Listener) -> None:
    """The listener works: a SERVICE that passed no gate would be seen."""
    import urllib.request

    with urllib.request.urlopen(listener.url, timeout=5) as answer:
        assert answer.read() == EMPTY_RESULTS
    assert listener.requests == ["GET /sparql"]
