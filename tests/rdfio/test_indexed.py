"""Reading graphs through rdflib's index (issue 19): the same triples as rdflib reads, and fast.

``ketrdf.rdfio.indexed`` reads a private attribute of rdflib's ``SimpleMemory`` store; a
change of rdflib that renames it must fail here, not slow every build down unnoticed.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ketrdf.knowledge_graph import union_view
from ketrdf.rdfio import indexed
from ketrdf.vocabulary import new_graph

E = "http://example.org/"


def in_rdflibs_default_store(_context_aware: bool = False) -> Graph:
    """A graph in rdflib's default store (``Memory``), which ketrdf reads and fills through rdflib."""
    return Graph()


def _filled(graph: Graph) -> Graph:
    a, b, p, q = URIRef(E + "a"), BNode("n1"), URIRef(E + "p"), URIRef(E + "q")
    for triple in ((a, p, b), (a, p, Literal("x")), (a, p, Literal("x", lang="en")),
                   (b, q, Literal("5.0", datatype=XSD.decimal)), (b, RDF.type, URIRef(E + "C")),
                   (a, q, a)):
        graph.add(triple)
    graph.remove((a, q, a))  # leaves an empty entry in the index
    return graph


def test_ketrdfs_graphs_are_read_through_the_index() -> None:
    for name in ("spo", "pos", "osp"):  # rdflib still keeps them where ketrdf reads and fills them
        assert indexed._index(new_graph(), name) is not None, name


def test_filling_the_indexes_gives_what_rdflibs_add_gives() -> None:
    for context_aware, make in ((False, new_graph), (False, in_rdflibs_default_store), (True, new_graph)):
        by_rdflib, filled = _filled(make(context_aware)), make(context_aware)
        indexed.add_all(filled, [*by_rdflib, *by_rdflib])  # twice: each kept once
        for pattern in [(None, None, None), *((t[0], None, None) for t in by_rdflib),
                        *((None, t[1], None) for t in by_rdflib), *((None, None, t[2]) for t in by_rdflib),
                        *((t[0], None, t[2]) for t in by_rdflib)]:
            assert sorted(filled.triples(pattern)) == sorted(by_rdflib.triples(pattern)), pattern
        assert len(filled) == len(by_rdflib) == indexed.count(filled)
        for triple in list(filled):
            filled.remove(triple)
        assert len(filled) == 0


def test_the_index_gives_what_rdflib_gives() -> None:
    for graph in (_filled(new_graph()), _filled(Graph()), _filled(new_graph(context_aware=True))):
        triples = list(indexed.triples_of(graph))
        assert sorted(triples) == sorted(graph), type(graph.store)
        assert indexed.count(graph) == len(graph) == 5
        held = indexed.held_by([graph])
        assert all(held(triple) for triple in graph)
        assert not held((URIRef(E + "a"), URIRef(E + "q"), URIRef(E + "a")))
        assert not held((URIRef(E + "z"), URIRef(E + "p"), Literal("x")))


def test_by_subject_gives_every_triple_under_its_subject() -> None:
    for graph in (_filled(new_graph()), _filled(Graph()), _filled(new_graph(context_aware=True))):
        groups = list(indexed.by_subject(graph))
        triples = [(s, p, o) for s, objects_by_predicate in groups
                   for p, objects in objects_by_predicate.items() for o in objects]
        assert sorted(triples) == sorted(graph), type(graph.store)
        if indexed.is_indexed(graph):
            assert len(groups) == len({s for s, _ in groups}) == 2  # each subject once


def test_a_union_view_gives_each_triple_of_its_graphs_once() -> None:
    first, second = _filled(new_graph()), new_graph()
    second.add((URIRef(E + "a"), URIRef(E + "p"), Literal("x")))  # also in the first graph
    second.add((URIRef(E + "b"), URIRef(E + "p"), Literal("y")))
    view = union_view((first, second))
    assert sorted(view) == sorted(set(first) | set(second))
    assert len(list(view)) == 6 == len(view)


def test_held_by_asks_every_graph_given() -> None:
    for make in (new_graph, in_rdflibs_default_store):
        first, second = _filled(make()), make()
        only_second = (URIRef(E + "b"), URIRef(E + "p"), Literal("y"))
        second.add(only_second)
        assert indexed.held_by([first, second])(only_second)
        assert not indexed.held_by([first])(only_second)
        assert not indexed.held_by([])(only_second)
        assert all(map(indexed.held_by([second, first]), first))
