"""Issue 15: one protocol and one registry per kind of engine, each engine behind it alike.

Reasoners, validators and SPARQL engines are chosen by name from their registries; the
command line's choices are read from them, so an engine registered at run time is one
``--engine`` can name. Every engine of a kind reports inconsistency, refusals and
timeouts with the same error class and message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import OWL, RDF, SH, XSD

from ketrdf.cli import main
from ketrdf.engines import reasoners, sparql, validators
from ketrdf.engines.bounded import LimitExceeded
from ketrdf.engines.reasoners import get_reasoner, reasoner_names
from ketrdf.engines.sparql import engine_names, register_engine, sparql_engine
from ketrdf.engines.validators import PyshaclValidator, register_validator, validator_names
from ketrdf.errors import InconsistencyError, InputError, QueryError, RefusedQueryError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.validate import validate
from ketrdf.project import Project
from ketrdf.query.engine import Bound
from ketrdf.query.results import QueryResult
from ketrdf.rdfio.terms import from_oxigraph

EX = Namespace("http://example.org/")


def tiny() -> KnowledgeGraph:
    """Two classes, three individuals with labels (test data, not the review)."""
    ontology, content = Graph(), Graph()
    ontology.add((EX.Compound, RDF.type, OWL.Class))
    for number in range(3):
        content.add((EX[f"c{number}"], RDF.type, EX.Compound))
        content.add((EX[f"c{number}"], EX.label, Literal(f"compound {number}")))
    return KnowledgeGraph(ontology, content)


@pytest.mark.parametrize("name", reasoner_names())
def test_every_reasoner_raises_the_same_inconsistency_error(name: str) -> None:
    graph = Graph()
    graph.add((EX.A, OWL.disjointWith, EX.B))
    graph.add((EX.x, RDF.type, EX.A))
    graph.add((EX.x, RDF.type, EX.B))
    with pytest.raises(InconsistencyError) as raised:
        list(get_reasoner(name).entailments(graph))
    assert str(raised.value) == (
        "the ontology and content are inconsistent under OWL-RL: Disjoint classes "
        f"{EX.A} and {EX.B} have a common individual {EX.x}")


def test_an_unknown_engine_of_any_kind_is_bad_input() -> None:
    with pytest.raises(InputError, match="unknown reasoner 'fast'; choose one of: rl, owlrl"):
        get_reasoner("fast")
    with pytest.raises(InputError, match="unknown validator 'turbo'; choose one of: fast, pyshacl"):
        validators.get_validator("turbo")
    with pytest.raises(InputError, match="unknown SPARQL engine 'jena'; choose one of: oxigraph, rdflib"):
        sparql_engine("jena", tiny())


LABELS = "SELECT ?label WHERE { ?c a ex:Compound ; ex:label ?label } ORDER BY ?label"
PREFIX = "PREFIX ex: <http://example.org/>\n"


@pytest.mark.parametrize("name", ["oxigraph", "rdflib"])
def test_each_local_engine_answers_with_bound_parameters(name: str) -> None:
    engine = sparql_engine(name, tiny())
    assert engine.run(PREFIX + LABELS).rows == tuple((Literal(f"compound {n}"),) for n in range(3))
    bound = engine.run(PREFIX + LABELS, {"c": EX.c1}, "labels")
    assert bound.variables == ("label",) and bound.rows == ((Literal("compound 1"),),)
    assert engine.run(PREFIX + "ASK { GRAPH ?g { ex:c2 a ex:Compound } }").boolean is True


@pytest.mark.parametrize("name", ["oxigraph", "rdflib"])
def test_each_local_engine_refuses_and_fails_alike(name: str) -> None:
    engine = sparql_engine(name, tiny())
    with pytest.raises(RefusedQueryError) as refused:
        engine.run("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", origin="q.rq")
    assert str(refused.value).startswith("q.rq: ")
    with pytest.raises(QueryError) as malformed:
        engine.run("SELEC ?x WHERE { ?x ?y ?z }", origin="q.rq")
    assert str(malformed.value).startswith("q.rq: ")


def test_every_local_engine_stops_at_its_time_limit_with_the_same_error() -> None:
    """rdflib's engine stopped with an alarm and said "query stopped ... 0.5 s"; Oxigraph's child
    was killed and said "stopped ... 0.5 s (--timeout)": now one mechanism and one message."""
    kg = tiny()
    for number in range(200):
        kg.content.add((EX[f"n{number}"], EX.value, Literal(number, datatype=XSD.integer)))
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    messages = set()
    for name in ("oxigraph", "rdflib"):
        with pytest.raises(LimitExceeded) as stopped:
            sparql_engine(name, kg).run(endless, origin="endless.rq", timeout=0.5)
        messages.add(str(stopped.value))
    assert messages == {"endless.rq: stopped after the time limit of 0.5 s (--timeout)"}


SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:CompoundShape a sh:NodeShape ; sh:targetClass ex:Compound ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ] .
"""


@pytest.mark.parametrize("name", validator_names())
def test_each_validator_reads_the_knowledge_graph_it_is_given(name: str) -> None:
    kg = tiny()
    shapes = Graph().parse(data=SHAPES, format="turtle")
    assert validate(kg, shapes, name).conforms
    kg.content.remove((EX.c2, EX.label, None))
    report = validate(kg, shapes, name)
    assert [(r.focus_node, r.path) for r in report.violations()] == [(f"<{EX.c2}>", f"<{EX.label}>")]
    assert (None, SH.conforms, Literal(False)) in report.report_graph


class Dummy:
    """A SPARQL engine that answers every query with one row of its own."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.triples = len(kg.content)

    def run(self, text: str, bindings: Mapping[str, Bound] | None = None, origin: str = "query",
            timeout: float | None = None) -> QueryResult:
        names = tuple(sorted(bindings or {}))
        return QueryResult(variables=("engine", *names),
                           rows=((Literal(f"dummy over {self.triples} content triples"),
                                  *(from_oxigraph((bindings or {})[n]) for n in names)),))


@pytest.fixture
def buildable(project_copy: Project) -> Project:
    """A copy of the project without the QC check that the review fails on main today (issue 16's
    unlinked-entity check: 24 entities without an identifier or a reason), so that it builds."""
    (project_copy.qc_dir / "unlinked-entity-violation.rq").unlink()
    return project_copy


@pytest.fixture
def dummy_engine() -> Iterator[None]:
    register_engine("dummy", Dummy)
    yield
    sparql.ENGINES.pop("dummy")


def test_a_registered_sparql_engine_answers_a_saved_query_on_the_command_line(
    buildable: Project, dummy_engine: None
) -> None:
    """Acceptance 2 of issue 15: one registry entry, and ``--engine dummy`` runs a saved query."""
    assert "dummy" in engine_names()
    result = CliRunner().invoke(main, ["--project", str(buildable.root), "--quiet", "query", "run",
                                       "evidence", "-p", "claim=ENAN-9", "--engine", "dummy",
                                       "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()
    assert header == "engine,claim,lang"  # the parameters, checked and bound, reach the engine
    assert row.startswith("dummy over ") and row.endswith(" content triples,ENAN-9,en")


def test_the_engine_choices_are_the_registry(review_build: Project) -> None:
    result = CliRunner().invoke(main, ["--project", str(review_build.root), "sparql", "--engine", "dummy",
                                       "ASK {}"])
    assert result.exit_code == 2 and "'dummy' is not one of 'oxigraph', 'rdflib'" in result.output


def test_the_validator_option_reaches_a_query_without_a_cache(buildable: Project) -> None:
    """``--validator pyshacl query run`` builds the graph with pyshacl when there is no build."""
    used: list[int] = []

    class Spy(PyshaclValidator):
        def report(self, kg: KnowledgeGraph, shapes: Graph) -> tuple[bool, Graph]:
            used.append(len(kg.content))
            return super().report(kg, shapes)

    register_validator("pyshacl", Spy)
    try:
        result = CliRunner().invoke(main, ["--project", str(buildable.root), "--quiet", "--validator",
                                           "pyshacl", "query", "run", "nmda-affinity", "--format", "csv"])
    finally:
        register_validator("pyshacl", PyshaclValidator)
    assert result.exit_code == 0, result.output
    assert not Path(buildable.build_dir).exists() and len(used) == 1 and used[0] > 0


def test_the_registries_start_with_their_defaults() -> None:
    assert reasoner_names()[0] == reasoners.DEFAULT_REASONER == "rl"
    assert validator_names()[0] == validators.DEFAULT_VALIDATOR == "fast"
