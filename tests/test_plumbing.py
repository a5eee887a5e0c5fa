"""The plumbing that libraries do: rdflib's skolemization for the build cache (issue 15)."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.cache import read_cache
from ketrdf.pipeline.export import FORMATS, serialize
from ketrdf.vocabulary import BASE

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
    back = read_cache(serialize(kg.skolemized(), "nquads"))
    for name, graph in kg.named_graphs().items():
        assert set(back.named_graphs()[name]) == set(graph), name
    for output_format in FORMATS:  # exports from the cache match exports of the graph, byte for byte
        assert serialize(back, output_format) == serialize(kg, output_format), output_format


def test_the_cache_is_rdflibs_skolemization() -> None:
    """A graph skolemized by rdflib itself reads back with its blank-node labels."""
    content = Graph()
    content.add((BNode("note"), RDFS.label, Literal("a note")))
    content.add((ex("drug"), RDFS.comment, BNode("note")))
    skolemized = KnowledgeGraph(Graph(), content.skolemize(authority=BASE))
    assert not any(isinstance(term, BNode) for triple in skolemized.content for term in triple)
    back = read_cache(serialize(skolemized, "nquads"))
    assert set(back.content) == set(content)
