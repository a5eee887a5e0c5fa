"""Query results as CSV, TSV and SPARQL JSON, per the SPARQL 1.1 result formats."""

from __future__ import annotations

import json

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from ketrdf.query.results import QueryResult, render

RESULT = QueryResult(
    variables=("iri", "text", "number", "missing"),
    rows=((URIRef("http://e/a"), Literal("x, \"y\"", lang="en"), Literal(3, datatype=XSD.integer), None),
          (BNode("b0"), Literal("z"), Literal("1.5", datatype=XSD.decimal), None)),
)


def test_csv_quotes_and_plain_values() -> None:
    assert render(RESULT, "csv") == (
        'iri,text,number,missing\r\nhttp://e/a,"x, ""y""",3,\r\n_:b0,z,1.5,\r\n'
    )


def test_tsv_keeps_terms_in_ntriples_form() -> None:
    lines = render(RESULT, "tsv").splitlines()
    assert lines[0] == "?iri\t?text\t?number\t?missing"
    assert lines[1] == '<http://e/a>\t"x, \\"y\\""@en\t"3"^^<http://www.w3.org/2001/XMLSchema#integer>\t'


def test_json_follows_the_sparql_results_format() -> None:
    document = json.loads(render(RESULT, "json"))
    assert document["head"]["vars"] == ["iri", "text", "number", "missing"]
    first = document["results"]["bindings"][0]
    assert first["iri"] == {"type": "uri", "value": "http://e/a"}
    assert first["text"] == {"type": "literal", "value": 'x, "y"', "xml:lang": "en"}
    assert "missing" not in first
    assert json.loads(render(QueryResult((), (), boolean=True), "json")) == {"head": {}, "boolean": True}


def test_table_shows_curies_and_labels() -> None:
    table = render(QueryResult(("x",), ((URIRef("https://w3id.org/ketrdf/resource/r-ketamine"),),)), "table")
    assert "kr:r-ketamine" in table


def test_table_keeps_square_brackets_in_values_and_title() -> None:
    table = render(QueryResult(("x",), ((Literal("[bold]not markup[/bold]"),),)), "table", "[title]")
    assert "[bold]not markup[/bold]" in table and "[title]" in table
