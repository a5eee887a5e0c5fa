"""The sorted N-Quads a knowledge graph is written as once, and what reads the graph (issue 19).

The N-Quads export and the Oxigraph store of the QC checks and queries share
``KnowledgeGraph.nquads()``; they and the fast validator must see the graph exactly:
every term, every literal's lexical form, every blank-node label the loader gave.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ketrdf.engines.oxigraph import run
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.validate import validate
from ketrdf.rdfio.lines import sorted_lines
from ketrdf.rdfio.native import nquads_store
from ketrdf.rdfio.terms import Term, to_oxigraph
from ketrdf.rdfio.writers import GRAPH_SELECTIONS, serialize
from ketrdf.vocabulary import PREFIXES

E = "http://example.org/"


def sorted_statements(graphs: Mapping[URIRef, Graph], names: tuple[URIRef, ...],
                      quads: bool) -> list[ox.Quad | ox.Triple]:
    """The reference: the named graphs' statements as Oxigraph quads (or triples, each once),
    sorted on their terms' N-Triples text (the order sorted_lines and the TriG writer rely on).
    """
    converted: dict[Node, tuple[Term, str]] = {}  # each term converted once: most recur often

    def term(node: Node) -> tuple[Term, str]:
        found = converted.get(node)
        if found is None:
            as_oxigraph = to_oxigraph(node)
            found = converted[node] = (as_oxigraph, str(as_oxigraph))
        return found

    keyed: dict[tuple[str, ...], ox.Quad | ox.Triple] = {}
    for name in names:
        graph_name = ox.NamedNode(str(name))
        suffix = (str(graph_name),) if quads else ()
        for s, p, o in graphs[name]:
            (subject, s_text), (predicate, p_text), (obj, o_text) = term(s), term(p), term(o)
            key = (s_text, p_text, o_text, *suffix)
            if key not in keyed:
                keyed[key] = (ox.Quad(subject, predicate, obj, graph_name) if quads  # type: ignore[arg-type]
                              else ox.Triple(subject, predicate, obj))  # type: ignore[arg-type]
    return [keyed[key] for key in sorted(keyed)]


def _tricky() -> KnowledgeGraph:
    """Terms whose texts are prefixes of one another, non-ASCII text, escapes, equal literals."""
    content, ontology = Graph(), Graph()
    a, ab = URIRef(E + "a"), URIRef(E + "a/b")
    for subject in (a, ab, BNode("s1b1"), BNode("s1b10"), URIRef(E + "é"), URIRef(E + "z")):
        for value in (Literal("x"), Literal("x", lang="en"), Literal("x", datatype=XSD.token),
                      Literal("x\ny"), Literal("x\ry"), Literal("zé"),
                      Literal("5.0", datatype=XSD.decimal), a, ab):
            content.add((subject, URIRef(E + "p"), value))
    content.add((a, URIRef(E + "q"), Literal("s", datatype=XSD.string)))
    content.add((a, URIRef(E + "q"), Literal("s")))  # the same term once written
    ontology.add((a, URIRef(E + "p"), Literal("x")))  # in two graphs
    return KnowledgeGraph(ontology=ontology, content=content)


@pytest.mark.parametrize("quads", [True, False], ids=["nquads", "ntriples"])
def test_sorted_lines_are_the_sorted_statements_written(quads: bool) -> None:
    """Sorting Oxigraph's lines as bytes gives the order (and the single copies) of sorting the terms."""
    graphs = _tricky().named_graphs()
    names = tuple(graphs)
    statements = sorted_statements(graphs, names, quads)
    rdf_format = ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES
    expected = ox.serialize(statements, format=rdf_format)  # type: ignore[arg-type]
    assert b"".join(sorted_lines(graphs, names, quads)) == expected
    assert expected.count(b"\n") == len(statements)


def test_trig_writes_each_graph_in_the_order_of_its_sorted_statements() -> None:
    """The TriG is read from the sorted N-Quads: each graph whole, in the selection's order, sorted."""
    kg = _tricky()
    graphs = kg.named_graphs()
    for selection, names in GRAPH_SELECTIONS.items():
        statements = [quad for name in names for quad in sorted_statements(graphs, (name,), quads=True)]
        expected = ox.serialize(statements, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)  # type: ignore[arg-type]
        assert serialize(kg, "trig", selection) == expected


def test_the_store_keeps_the_loaders_blank_node_labels() -> None:
    kg = _tricky()
    query = f"SELECT DISTINCT ?s WHERE {{ ?s <{E}p> ?o FILTER isBlank(?s) }} ORDER BY ?s"
    result = run(kg.oxigraph_store(), query)
    assert [str(row[0]) for row in result.rows] == ["s1b1", "s1b10"]


def test_the_fast_validator_reports_labels_and_lexical_forms_as_the_reference() -> None:
    """A blank node and a "5.0" decimal in the report as in the graph (an Oxigraph store says "5")."""
    shapes = Graph().parse(format="turtle", data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{E}S> a sh:NodeShape ; sh:targetClass <{E}C> ;
            sh:property [ sh:path <{E}d> ; sh:maxInclusive 4.5 ] ;
            sh:property [ sh:path <{E}k> ; sh:in ( "a" ) ] .""")
    content = Graph()
    node = BNode("f0b3")
    content.add((node, RDF.type, URIRef(E + "C")))
    content.add((node, URIRef(E + "d"), Literal("5.0", datatype=XSD.decimal)))
    content.add((node, URIRef(E + "k"), Literal("a")))  # in the list: no result
    kg = KnowledgeGraph(ontology=Graph(), content=content)
    fast, reference = validate(kg, shapes, "fast"), validate(kg, shapes, "pyshacl")
    found = [(r.focus_node, r.path, r.value) for r in fast.results]
    assert found == [("_:f0b3", f"<{E}d>", '"5.0"^^<http://www.w3.org/2001/XMLSchema#decimal>')]
    assert found == [(r.focus_node, r.path, r.value) for r in reference.results]


def test_the_store_made_first_holds_what_the_nquads_written_with_it_say() -> None:
    """Made in one pass with the N-Quads, or parsed from them later: the same store, the same text."""
    one_pass = _tricky()
    store = one_pass.oxigraph_store()
    later = _tricky()
    text = later.nquads()
    assert one_pass.nquads() == text
    assert set(store) == set(nquads_store(text)) == set(later.oxigraph_store())
    assert len(store) == text.count(b"\n")


def test_a_store_wanted_by_two_threads_at_once_is_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build fills the QC engine's store while a validator runs, which may want it too."""
    kg = _tricky()
    writing, other_asked, written = threading.Event(), threading.Event(), threading.Event()
    write = KnowledgeGraph._write_nquads
    writes: list[str] = []

    def slow_write(self: KnowledgeGraph, into: ox.Store | None = None) -> bytes:
        writes.append(threading.current_thread().name)
        writing.set()
        assert other_asked.wait(10), "the second thread did not ask for the store"
        time.sleep(0.2)  # the second thread is now inside oxigraph_store(), or waiting for it
        text = write(self, into)
        written.set()
        return text

    monkeypatch.setattr(KnowledgeGraph, "_write_nquads", slow_write)
    stores: list[ox.Store] = []
    complete: list[bool] = []

    def second() -> None:
        assert writing.wait(10)
        other_asked.set()
        stores.append(kg.oxigraph_store())
        complete.append(written.is_set())

    thread = threading.Thread(target=second)
    thread.start()
    first = kg.oxigraph_store()
    thread.join(10)
    assert writes == [threading.main_thread().name]  # written once, by the thread that asked first
    assert stores == [first] and stores[0] is first
    assert complete == [True]  # not handed over half filled
    assert kg.nquads() == b"".join(sorted_lines(kg.named_graphs(), tuple(kg.named_graphs()), quads=True))
