"""The Oxigraph query engine answers every saved query as rdflib's engine does (issue 7)."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ketrdf.cli import main
from ketrdf.engines.oxigraph import run
from ketrdf.engines.rdflib_sparql import RdflibEngine, run_saved_query
from ketrdf.errors import QueryError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.query.parameters import bind_parameters
from ketrdf.query.saved import load_saved_queries
from ketrdf.rdfio.terms import from_oxigraph, load_store, to_oxigraph
from tests.support.answers import canonical_rows


def test_every_saved_query_answers_the_same(project: Project, reasoned: KnowledgeGraph) -> None:
    store = load_store(reasoned.named_graphs().values())
    union = reasoned.union()
    for saved in load_saved_queries(project.queries_dir).values():
        reference = run_saved_query(union, saved, saved.example)
        bindings = bind_parameters(saved, saved.example, RdflibEngine(union))
        answer = run(store, saved.text, bindings, saved.name)
        assert answer.variables == reference.variables, saved.name
        assert sorted(map(repr, canonical_rows(answer))) == sorted(map(repr, canonical_rows(reference))), \
            saved.name


@pytest.mark.integration  # a command on the review
def test_t2_antidepressant_ranking_on_oxigraph(review_build: Project) -> None:
    """T2-antidepressant: (R)-ketamine ranks first, (S)-ketamine last, on the Oxigraph engine too."""
    result = CliRunner().invoke(main, ["--project", str(review_build.root), "-q", "query", "run",
                                       "antidepressant-ranking", "--engine", "oxigraph", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))[1:]
    assert (rows[0][0], rows[0][1]) == ("1", "(R)-ketamine")
    assert rows[-1][2:4] == ["3", "(S)-ketamine"]


@pytest.mark.parametrize("term", [
    URIRef("https://w3id.org/ketrdf/resource/s-ketamine"), BNode("b0"), Literal("plain"),
    Literal("ケタミン", lang="ja"), Literal("3", datatype=XSD.decimal), Literal("2019", datatype=XSD.gYear),
])
def test_terms_round_trip(term: Node) -> None:
    assert from_oxigraph(to_oxigraph(term)) == term


def test_service_is_refused_and_runaway_queries_stop(reasoned: KnowledgeGraph) -> None:
    store = load_store([reasoned.content])
    with pytest.raises(QueryError, match="SERVICE clauses are refused"):
        run(store, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="time limit"):
        run(store, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.5)
