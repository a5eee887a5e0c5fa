"""SPARQL as users write it, on both local engines (issue 13.6, 13.9, 14.9, 14.16-14.18)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from ketrdf.cli import main
from ketrdf.engines.oxigraph import run as run_on_oxigraph
from ketrdf.engines.rdflib_sparql import RdflibEngine, run_saved_query, run_sparql
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline import cache as cache_module
from ketrdf.project import Project
from ketrdf.query.parameters import bind_parameters
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import Parameter, SavedQuery, load_saved_queries
from ketrdf.rdfio.terms import load_dataset
from ketrdf.vocabulary import GRAPH_CONTENT, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_QUERIES, KET, KR
from tests.support.paths import REPO
from tests.support.stores import Store, endpoint

pytestmark = pytest.mark.integration  # the sparql and query commands on the review

GRAPHS_AND_COUNTS = """
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"""


Ketrdf = Callable[..., tuple[int, str]]


@pytest.fixture
def ketrdf(review_build: Project) -> Ketrdf:
    """``ketrdf --project P -q ARGS...`` on the built review: its exit code and output."""
    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["--project", str(review_build.root), "-q", *args])
        return result.exit_code, result.output
    return run


def answer_on(engine: str, kg: KnowledgeGraph, text: str, values: dict[str, str] | None = None,
              saved: SavedQuery | None = None) -> QueryResult:
    """The answer of rdflib's engine or of Oxigraph's (``engine``) on the named graphs of ``kg``."""
    dataset = kg.dataset()
    if engine == "rdflib":
        return run_sparql(dataset, text) if saved is None else run_saved_query(dataset, saved, values)
    if saved is None:
        return run_on_oxigraph(kg.oxigraph_store(), text)
    bindings = bind_parameters(saved, values or {}, RdflibEngine(dataset))
    return run_on_oxigraph(kg.oxigraph_store(), saved.text, bindings, saved.name)


def both_engines(kg: KnowledgeGraph, text: str) -> dict[str, QueryResult]:
    """The answers of rdflib's engine and of Oxigraph's, each on the named graphs of ``kg``."""
    return {engine: answer_on(engine, kg, text) for engine in ("rdflib", "oxigraph")}


def test_graph_queries_see_the_named_graphs_on_both_engines(reasoned: KnowledgeGraph) -> None:
    """As `ketrdf serve` gives them: each graph by name, their union as the default graph."""
    expected = tuple((name, Literal(len(graph))) for name, graph in sorted(reasoned.named_graphs().items())
                     if len(graph))
    assert {GRAPH_ONTOLOGY, GRAPH_CONTENT, GRAPH_INFERRED, GRAPH_QUERIES} <= {row[0] for row in expected}
    for engine, answer in both_engines(reasoned, GRAPHS_AND_COUNTS).items():
        assert tuple((row[0], Literal(int(str(row[1])))) for row in answer.rows) == expected, engine
    # the default graph is the union: an inferred triple is found without GRAPH
    ask = "ASK { kr:r-ketamine ket:moreAntidepressantThan kr:s-ketamine }"
    for engine, answer in both_engines(reasoned, ask).items():
        assert answer.boolean is True, engine


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_sparql_command_runs_graph_ask_construct_describe(ketrdf: Ketrdf, engine: str) -> None:
    code, output = ketrdf("sparql", "--engine", engine, "--format", "csv", GRAPHS_AND_COUNTS)
    assert code == 0, output
    names = [row[0] for row in csv.reader(io.StringIO(output))][1:]
    assert names == sorted(map(str, (GRAPH_CONTENT, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_QUERIES)))
    # ENAN-9: (R)-ketamine is the stronger antidepressant than (S)-ketamine (14.16: ASK on Oxigraph)
    code, output = ketrdf("sparql", "--engine", engine, "ASK { kr:r-ketamine ket:moreAntidepressantThan "
                          "kr:s-ketamine }")
    assert (code, output.strip()) == (0, "True")


def _graph_answers(ketrdf: Ketrdf, query: str) -> dict[tuple[str, str], Graph]:
    answers = {}
    for engine in ("rdflib", "oxigraph"):
        for output_format, parser in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"),
                                      ("table", "turtle")):
            code, output = ketrdf("sparql", "--engine", engine, "--format", output_format, query)
            assert code == 0, output
            answers[engine, output_format] = Graph().parse(data=output, format=parser)
    return answers


def test_construct_and_describe_in_three_rdf_formats(ketrdf: Ketrdf) -> None:
    construct = ("CONSTRUCT { ?form a ket:Enantiomer } WHERE { ?form a ket:Enantiomer }")
    answers = _graph_answers(ketrdf, construct)
    first = next(iter(answers.values()))
    assert (KR["r-ketamine"], RDF.type, KET.Enantiomer) in first
    assert (KR["s-ketamine"], RDF.type, KET.Enantiomer) in first
    assert all(isomorphic(first, graph) for graph in answers.values())
    described = _graph_answers(ketrdf, "DESCRIBE kr:r-ketamine")
    first = next(iter(described.values()))
    assert (KR["r-ketamine"], RDF.type, KET.Enantiomer) in first
    assert all(isomorphic(first, graph) for graph in described.values())


def test_rows_and_graphs_ask_for_their_own_formats(ketrdf: Ketrdf) -> None:
    code, output = ketrdf("sparql", "--format", "turtle", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert code == 2 and "use --format table, csv, tsv, json" in output
    code, output = ketrdf("sparql", "--format", "csv", "DESCRIBE kr:r-ketamine")
    assert code == 2 and "use --format turtle, ntriples, jsonld" in output


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_a_long_one_line_query_runs(ketrdf: Ketrdf, engine: str) -> None:
    query = ("SELECT ?form WHERE { ?form a ket:Enantiomer . FILTER (?form IN ("
             + ", ".join(f"kr:form-{n}" for n in range(40)) + ", kr:r-ketamine)) }")
    assert len(query.encode()) > 300 and "\n" not in query
    code, output = ketrdf("sparql", "--engine", engine, "--format", "csv", query)
    assert code == 0, output
    assert output.split() == ["form", str(KR["r-ketamine"])]


def test_a_missing_query_file_is_named(ketrdf: Ketrdf, tmp_path: Path) -> None:
    code, output = ketrdf("sparql", str(tmp_path / "missing.rq"))
    assert code == 2
    assert "missing.rq: no such file" in output and "syntax" not in output


def test_a_claim_id_that_names_nothing_lists_the_choices(ketrdf: Ketrdf) -> None:
    code, output = ketrdf("query", "run", "evidence", "-p", "claim=ENAN-99")
    assert code == 2, output
    assert "parameter 'claim': 'ENAN-99'" in output
    assert "ENAN-9," in output and "T2-antidepressant" in output


LANGS = ("en", "ja", "en-GB", "de", "fr")


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_the_basis_does_not_depend_on_the_label_language(project: Project, reasoned: KnowledgeGraph,
                                                         engine: str) -> None:
    """ENAN-9 and Table 2: (R) > (S) is stated, and inferred via (R,S)-ketamine, in any language."""
    saved_queries = load_saved_queries(project.queries_dir)
    compare, ranking = saved_queries["compare"], saved_queries["antidepressant-ranking"]
    bases: dict[str, list[str]] = {}
    for lang in LANGS:
        pair = {"a": "kr:r-ketamine", "b": "kr:s-ketamine", "endpoint": "kr:antidepressant-effect",
                "lang": lang}
        answer = answer_on(engine, reasoned, "", pair, compare)
        row = dict(zip(answer.variables, answer.rows[0], strict=True))
        assert (row["greater"], row["lesser"]) == (KR["r-ketamine"], KR["s-ketamine"])
        assert str(row["basis"]) == "stated and inferred", lang
        assert "ENAN-9" in str(row["stated_by"])
        ranked = answer_on(engine, reasoned, "", {"lang": lang}, ranking)
        at = ranked.variables.index("basis")
        bases[lang] = [str(row[at]) for row in ranked.rows]
    assert all(bases[lang] == bases["en"] for lang in LANGS), bases


def test_a_language_tag_with_a_newline_is_refused(ketrdf: Ketrdf) -> None:
    code, output = ketrdf("query", "run", "antidepressant-ranking", "-p", "lang=en\n")
    assert code == 2
    assert "takes a language tag" in output


@pytest.mark.parametrize("header", ["#+ params:\n#+   lang: 5\n", "#+ example: [1]\n",
                                    "#+ params: {claim: {type: string, description: a, b}}\n"])
def test_a_malformed_header_names_the_file(project_copy: Project, header: str) -> None:
    path = project_copy.queries_dir / "odd.rq"
    path.write_text(f"#+ title: t\n#+ question: q\n{header}SELECT * WHERE {{ ?s ?p ?o }}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--project", str(project_copy.root), "query", "list"])
    assert result.exit_code == 2, result.output
    assert "odd.rq: #+" in result.output


def test_a_parameter_that_is_not_utf8_is_refused_clearly() -> None:
    done = subprocess.run([sys.executable, "-m", "ketrdf", "--project", str(REPO), "query", "run", "evidence",
                           b"-p", b"claim=ENAN-\xff9"], capture_output=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert b"--param: not UTF-8 text" in done.stderr
    assert b"codec" not in done.stderr


@pytest.mark.parametrize("limit", ["nan", "inf", "1e400", "-1"])
def test_a_query_timeout_must_be_a_finite_number(ketrdf: Ketrdf, limit: str) -> None:
    for command in (["sparql", "ASK {}"], ["query", "run", "timeline"]):
        code, output = ketrdf(*command[:-1], "--timeout", limit, command[-1])
        assert code == 2, output
        assert "--timeout" in output


def test_project_that_is_no_ketrdf_project(tmp_path: Path) -> None:
    for command in (["build"], ["query", "list"], ["sparql", "ASK {}"]):
        result = CliRunner().invoke(main, ["--project", str(tmp_path), *command])
        assert result.exit_code == 2, (command, result.output)
        assert "not a ketrdf project" in result.output


ECHO = SavedQuery(name="echo", path=Path("echo.rq"), title="echo", question="echo",
                  text="SELECT ?x WHERE { BIND (?v AS ?x) }", params=(Parameter("v"),))
BACKSLASHES = ("a\\b", "\\\\", "ends with \\", "\\u0022", "\\n not a newline")


def test_backslashes_in_parameters_are_kept() -> None:
    """14.18: the same string back from rdflib's engine and from Oxigraph, not doubled."""
    store = load_dataset({})
    for value in BACKSLASHES:
        rdflib_answer = run_saved_query(Graph(), ECHO, {"v": value})
        oxigraph_answer = run_on_oxigraph(store, ECHO.text, bind_parameters(ECHO, {"v": value}))
        assert rdflib_answer.rows == oxigraph_answer.rows == ((Literal(value),),), value


def test_backslashes_in_parameters_are_kept_on_a_remote_store(oxigraph: Store) -> None:
    from ketrdf.query.values import with_values
    from ketrdf.stores.endpoint import select

    remote = endpoint(oxigraph)
    for value in BACKSLASHES:
        answer = select(remote, with_values(ECHO.text, bind_parameters(ECHO, {"v": value}), "echo"))
        assert answer.rows == ((Literal(value),),), value


def test_substitutions_bind_only_projected_variables() -> None:
    """13.9: why the Oxigraph engine binds parameters as a checked VALUES block."""
    import pyoxigraph as ox

    store = ox.Store()
    with pytest.raises(RuntimeError, match="SELECT projection"):
        store.query("SELECT ?x WHERE { BIND (STR(?v) AS ?x) }",
                    substitutions={ox.Variable("v"): ox.Literal("a")})


def test_json_output_of_ask(ketrdf: Ketrdf) -> None:
    code, output = ketrdf("sparql", "--engine", "oxigraph", "--format", "json", "ASK { ?s ?p ?o }")
    assert code == 0 and json.loads(output) == {"head": {}, "boolean": True}


def test_the_oxigraph_engine_reads_a_current_build_without_rdflib_graphs(
        ketrdf: Ketrdf, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a cached `query run`: Oxigraph loads build/cache.nq itself (before: 4.4 s to read it into
    rdflib graphs and write it out again for Oxigraph, 0.8 s now)."""
    def refuse(_data: bytes) -> None:
        raise AssertionError("the cache was read into rdflib graphs")

    monkeypatch.setattr(cache_module, "read_cache", refuse)
    # ENAN-9: (R)-ketamine is the stronger antidepressant than (S)-ketamine
    code, output = ketrdf("sparql", "--engine", "oxigraph", "ASK { kr:r-ketamine ket:moreAntidepressantThan "
                          "kr:s-ketamine }")
    assert (code, output.strip()) == (0, "True")
