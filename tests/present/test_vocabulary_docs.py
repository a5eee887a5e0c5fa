"""The vocabulary reference is generated from the reasoned graph, complete and committed up to date."""

from __future__ import annotations

import pytest

from ketrdf.engines.rdflib_sparql import run_sparql
from ketrdf.knowledge_graph import KnowledgeGraph, local_dataset
from ketrdf.present.reader import GraphReader
from ketrdf.present.vocabulary_docs import vocabulary_markdown
from ketrdf.project import Project

# Computed from the graph (rdflib's engine, not the Oxigraph store the generator reads).
PREDICATES = "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }"
NAMED_INDIVIDUALS = """
SELECT DISTINCT ?x WHERE {
  GRAPH ?g { ?x a ?class }
  FILTER (isIRI(?x) && (?class = owl:NamedIndividual
          || !REGEX(STR(?class), "^http://www.w3.org/(2002/07/owl|1999/02/22-rdf-syntax-ns|2000/01/rdf-schema|2001/XMLSchema)#")))
  FILTER NOT EXISTS { ?x a ?meta . VALUES ?meta { owl:Class rdfs:Class owl:Ontology } }
  FILTER NOT EXISTS { ?anything ?x ?value }
}"""


@pytest.fixture(scope="module")
def page(reader: GraphReader) -> str:
    return vocabulary_markdown(reader)


def test_committed_docs_are_up_to_date(project: Project, page: str) -> None:
    committed = (project.root / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert committed == page, "run: ketrdf docs -o docs/ontology.md"


def test_every_predicate_of_the_graph_has_an_entry_with_its_use(
    reasoned: KnowledgeGraph, reader: GraphReader, page: str,
) -> None:
    rows = run_sparql(local_dataset(reasoned.named_graphs()), PREDICATES).rows
    predicates = {reader.curie(str(row[0])) for row in rows}
    # the bibliographic and external properties issue 16 names are among them
    assert {"dcterms:title", "dcterms:issued", "dcterms:isPartOf", "bibo:volume", "bibo:pages",
            "dcterms:bibliographicCitation", "ket:referenceNumber", "ket:firstAuthor",
            "skos:exactMatch", "prov:wasAttributedTo"} <= predicates
    missing = [p for p in sorted(predicates) if f"### `{p}`" not in page]
    assert not missing
    entry = page.split("### `dcterms:title`", 1)[1].split("###", 1)[0]
    assert "- used: in " in entry and "`ket:Reference` (35)" in entry  # the review lists 35 references


def test_every_named_individual_of_the_graph_is_listed(
    reasoned: KnowledgeGraph, reader: GraphReader, page: str,
) -> None:
    rows = run_sparql(local_dataset(reasoned.named_graphs()), NAMED_INDIVIDUALS).rows
    individuals = {reader.curie(str(row[0])) for row in rows}
    assert {"kr:human", "kr:rodentia", "kr:r-ketamine", "ket:Finding", "ref:28"} <= individuals
    missing = [i for i in sorted(individuals) if f"| `{i}` |" not in page]
    assert not missing


def test_terms_carry_labels_definitions_and_restrictions_in_words(page: str) -> None:
    assert "- label (ja): NMDA受容体拮抗薬" in page
    assert ("- equivalent to: things that have `ket:hasRole` the value `kr:role-nmda-receptor-antagonist`"
            in page)
    assert "- property chain: `ket:hasEvidence` then `ket:citesReference`" in page
    entry = page.split("### `ket:Claim` ", 1)[1].split("\n### ", 1)[0]
    assert "- definition: —" not in entry and "- subclasses: " in entry
