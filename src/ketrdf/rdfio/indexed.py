"""Read and fill ketrdf's graphs through their store's own indexes, faster than rdflib's ``Graph``.

A ``Graph`` hands each triple through three generators and makes a generator of its
contexts on the way; rdflib's ``SimpleMemory`` store, where ketrdf keeps its graphs
(:func:`ketrdf.vocabulary.new_graph`), holds them as three indexes, ``spo[subject]
[predicate][object]``, ``pos`` and ``osp``, which these functions read (three times as
fast) and fill (half as fast again as the store's ``addN``) directly. A graph in any other
store goes through rdflib. The indexes are private attributes of rdflib's store:
``tests/rdfio/test_indexed.py`` checks that they are found and read and fill as rdflib's
own methods do. Change no graph while reading it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from rdflib import Graph
from rdflib.plugins.stores.memory import SimpleMemory
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


Index = dict[Any, dict[Any, dict[Any, int]]]


def _index(graph: Graph, name: str = "spo") -> Index | None:
    store = graph.store
    return getattr(store, f"_SimpleMemory__{name}", None) if type(store) is SimpleMemory else None


def is_indexed(graph: Graph) -> bool:
    """Whether ``graph`` is read through its store's indexes.

    Then :func:`triples_of` gives each subject's triples in the order that
    ``graph.triples((subject, None, None))`` gives them.
    """
    return _index(graph) is not None


def triples_of(graph: Graph) -> Iterator[Triple]:
    """Every triple of ``graph`` (in another order than iterating the graph gives)."""
    index = _index(graph)
    if index is None:
        return iter(graph)
    return ((s, p, o) for s, by_predicate in index.items() for p, objects in by_predicate.items()
            for o in objects)


def by_subject(graph: Graph) -> Iterable[tuple[Node, Mapping[Node, Iterable[Node]]]]:
    """Each subject of ``graph`` with its objects by predicate, read in place from its store's index.

    Each subject comes once; a graph in any other store gives each triple as a subject of
    its own. Whoever reads a subject's statements this way names the subject once, and each
    predicate once per subject, rather than once per triple.
    """
    index = _index(graph)
    if index is None:
        return ((s, {p: (o,)}) for s, p, o in graph)
    return index.items()


def held_by(graphs: Sequence[Graph]) -> Callable[[Triple], bool]:
    """A test of whether any of ``graphs`` holds a triple (each term given), their indexes found once."""
    indexes = [_index(graph) for graph in graphs]
    if any(index is None for index in indexes):
        return lambda triple: any(triple in graph for graph in graphs)
    found = [index for index in indexes if index is not None]
    nothing: dict[Any, Any] = {}

    def held(triple: Triple) -> bool:
        subject, predicate, obj = triple
        for index in found:  # noqa: SIM110 - a loop, not any(): no generator made for each triple
            if obj in index.get(subject, nothing).get(predicate, nothing):
                return True
        return False

    return held


def count(graph: Graph) -> int:
    """The number of triples of ``graph`` (rdflib's ``len`` counts them one by one)."""
    index = _index(graph)
    if index is None:
        return len(graph)
    return sum(len(objects) for by_predicate in index.values() for objects in by_predicate.values())


def add_all(graph: Graph, triples: Iterable[Triple]) -> None:
    """Add ``triples`` (rdflib terms, not checked) to ``graph``, as its store's ``addN`` would."""
    spo, pos, osp = _index(graph, "spo"), _index(graph, "pos"), _index(graph, "osp")
    if spo is None or pos is None or osp is None:
        graph.store.addN((s, p, o, graph) for s, p, o in triples)
        return
    for s, p, o in triples:
        _enter(spo, s, p, o)
        _enter(pos, p, o, s)
        _enter(osp, o, s, p)


def _enter(index: Index, first: Any, second: Any, third: Any) -> None:
    level = index.get(first)
    if level is None:
        level = index[first] = {}
    leaves = level.get(second)
    if leaves is None:
        leaves = level[second] = {}
    leaves[third] = 1
