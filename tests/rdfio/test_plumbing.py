"""The plumbing that libraries do (issue 15): rdflib's skolemization for the build cache, rdflib's
SPARQL results serializers and parser, Oxigraph's term text, curies for CURIEs."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from ketrdf.errors import QueryError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.cache import read_cache
from ketrdf.query.parameters import expand_iri
from ketrdf.query.results import QueryResult, render
from ketrdf.rdfio.formats import FORMATS
from ketrdf.rdfio.terms import short_name
from ketrdf.rdfio.writers import serialize
from ketrdf.stores.endpoint import parse_results
from ketrdf.vocabulary import KR

EX = "http://example.org/ketrdf-test/"


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def shared_blank_nodes() -> KnowledgeGraph:
    """A restriction in the ontology that the inferred graph names too, and a blank node in the content."""
    restriction, note = BNode("restriction"), BNode("note")
    ontology, content, inferred = Graph(), Graph(), Graph()
    ontology.add((ex("Antagonist"), OWL.equivalentClass, restriction))
    ontology.add((restriction, OWL.hasValue, ex("antagonist-role")))
    content.add((ex("drug"), RDFS.comment, note))
    content.add((note, RDFS.label, Literal("a note", lang="en")))
    inferred.add((ex("drug"), RDF.type, restriction))
    return KnowledgeGraph(ontology, content, inferred)


def test_the_cache_round_trips_blank_nodes_under_their_labels() -> None:
    kg = shared_blank_nodes()
    back, counts = read_cache(kg.nquads())  # what write_cache writes
    for name, graph in kg.named_graphs().items():
        assert set(back.named_graphs()[name]) == set(graph), name
        assert counts.get(str(name), 0) == len(graph), name  # the statements read, as rdflib counts them
    for output_format in FORMATS:  # exports from the cache match exports of the graph, byte for byte
        assert serialize(back, output_format) == serialize(kg, output_format), output_format


# --- SPARQL results by rdflib's serializers and parser ---------------------------------------------

RESULT = QueryResult(
    variables=("iri", "text", "number", "node", "missing"),
    rows=((ex("a"), Literal('x, "y"', lang="en"), Literal("3", datatype=XSD.integer), BNode("b0"), None),
          (ex("b"), Literal("z"), Literal("1.5", datatype=XSD.decimal), BNode("b1"), None)),
)


@pytest.mark.parametrize("result", [RESULT, QueryResult((), (), boolean=False)])
def test_json_results_read_back_as_the_same_result(result: QueryResult) -> None:
    assert parse_results(render(result, "json").encode()) == result


def test_a_stores_typed_literals_and_booleans_are_read() -> None:
    """The older ``typed-literal`` form, which stores such as Virtuoso still send."""
    body = (b'{"head": {"vars": ["n", "m"]}, "results": {"bindings": [{"n": {"type": "typed-literal", '
            b'"datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "7"}}]}}')
    assert parse_results(body) == QueryResult(("n", "m"), ((Literal("7", datatype=XSD.integer), None),))
    assert parse_results(b'{"head": {}, "boolean": true}').boolean is True


@pytest.mark.parametrize("output_format", ["csv", "tsv"])
def test_an_ask_answer_is_refused_in_csv_and_tsv(output_format: str) -> None:
    """SPARQL 1.1 CSV and TSV are for SELECT results; an ASK used to print an empty line."""
    with pytest.raises(QueryError, match="ASK"):
        render(QueryResult((), (), boolean=True), output_format)


def test_tsv_keeps_a_literal_with_a_tab_or_a_line_break_in_its_row() -> None:
    """Each term in its one-line N-Triples form; rdflib's n3() wrote these raw in a long string."""
    result = QueryResult(("text", "next"), ((Literal("a\tb\nc\r\u2028d", lang="en"), ex("a")),))
    lines = render(result, "tsv").split("\n")
    assert len(lines) == 3 and lines[2] == ""  # the header, one row, the final line end
    assert lines[1].split("\t") == ['"a\\tb\\nc\\r\u2028d"@en', "<http://example.org/ketrdf-test/a>"]


# --- CURIEs by curies, and one way to show a node ----------------------------------------------------

@pytest.mark.parametrize(("text", "iri"), [
    ("kr:r-ketamine", KR["r-ketamine"]),
    ("ref:14", URIRef("https://w3id.org/ketrdf/resource/hashimoto-2020/ref/14")),
    ("<https://example.org/a>", URIRef("https://example.org/a")),
    ("https://example.org/a", URIRef("https://example.org/a")),
])
def test_expand_iri_takes_ketrdfs_curies_and_full_iris(text: str, iri: URIRef) -> None:
    assert expand_iri(text) == iri


@pytest.mark.parametrize("text", ["r-ketamine", "nope:x y", "<kr:a b>"])
def test_expand_iri_refuses_what_is_no_iri(text: str) -> None:
    with pytest.raises(QueryError, match="not an absolute IRI or a known CURIE"):
        expand_iri(text)


@pytest.mark.parametrize(("node", "shown"), [
    (KR["r-ketamine"], "kr:r-ketamine"),
    (URIRef("https://w3id.org/ketrdf/resource/hashimoto-2020/ref/14"), "ref:14"),  # the longest prefix
    (ex("a"), "<http://example.org/ketrdf-test/a>"),
    (BNode("b0"), "_:b0"),
    (Literal("two\nlines", lang="en"), '"two\\nlines"@en'),
])
def test_a_node_is_shown_one_way(node: Node, shown: str) -> None:
    assert short_name(node) == shown


def test_the_table_and_the_shacl_report_show_a_node_alike() -> None:
    """The table shows an IRI as the validation report does; a blank node as ``_:label``, as in CSV."""
    table = render(QueryResult(("x", "y"), ((URIRef("https://w3id.org/ketrdf/resource/hashimoto-2020/ref/14"),
                                             BNode("b0")),)), "table")
    assert "ref:14" in table and "_:b0" in table
