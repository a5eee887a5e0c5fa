"""The knowledge graph as named graphs: ontology, content, inferred, saved-query descriptions, imports."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.stores.memory import Memory
from rdflib.store import Store
from rdflib.term import Node

from ketrdf.rdfio.indexed import add_all, held_by, triples_of
from ketrdf.vocabulary import (
    GRAPH_CONTENT,
    GRAPH_IMPORTS,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_QUERIES,
    bind_prefixes,
    new_graph,
)

if TYPE_CHECKING:
    import pyoxigraph as ox

def union_copy(graphs: Iterable[Graph], context_aware: bool = False) -> Graph:
    """A new graph holding the triples of every graph given: their union, blank nodes shared.

    (Not an RDF merge, which would keep the graphs' blank nodes apart.) ``context_aware``
    for pyshacl (see :func:`~ketrdf.vocabulary.new_graph`).
    """
    union = new_graph(context_aware)
    for graph in graphs:
        add_all(union, triples_of(graph))
    return union


class UnionStore(Store):
    """The triples of several graphs read in place as one read-only store, each triple once.

    A triple of a later graph is skipped when an earlier graph holds it, so put the
    largest graph first: its triples need no check.
    """

    def __init__(self, graphs: Sequence[Graph]) -> None:
        super().__init__()
        self.graphs = tuple(graphs)
        self._held_before = [held_by(self.graphs[:number]) for number in range(len(self.graphs))]
        self._prefixes = Memory()

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[tuple[Any, Iterator[Any]]]:
        """Matching triples of every graph, in graph order, without duplicates.

        Read from each graph's store as its graph reads it: the pattern holds no path (the
        view's graph has followed those), so the graph's own layer would add nothing.
        """
        for number, graph in enumerate(self.graphs):
            matches = graph.store.triples(triple_pattern, context=graph)
            if number == 0:
                yield from matches
                continue
            held = self._held_before[number]
            for triple, contexts in matches:
                if not held(triple):
                    yield triple, contexts

    def first_sight(self, number: int) -> Callable[[tuple[Node, Node, Node]], bool]:
        """A test of whether no graph before graph ``number`` holds a triple (read through their indexes)."""
        held = self._held_before[number]
        return lambda triple: not held(triple)

    def __len__(self, context: Any = None) -> int:
        return sum(1 for _ in self.triples((None, None, None)))

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        raise TypeError("a union view is read-only: add to one of its graphs")

    def addN(self, quads: Iterable[Any]) -> None:
        raise TypeError("a union view is read-only: add to one of its graphs")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise TypeError("a union view is read-only: remove from one of its graphs")

    def bind(self, prefix: str, namespace: URIRef, override: bool = True) -> None:
        self._prefixes.bind(prefix, namespace, override)

    def prefix(self, namespace: URIRef) -> str | None:
        return self._prefixes.prefix(namespace)

    def namespace(self, prefix: str) -> URIRef | None:
        return self._prefixes.namespace(prefix)

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        return self._prefixes.namespaces()


class UnionGraph(Graph):
    """The graph of a :class:`UnionStore`, read whole through its graphs' indexes (rdfio.indexed)."""

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:  # type: ignore[override]
        """Every triple of the graphs, in graph order, each once (a whole read: the engines' input)."""
        store: UnionStore = self.store  # type: ignore[assignment]
        for number, graph in enumerate(store.graphs):
            if number == 0:
                yield from triples_of(graph)
                continue
            new = store.first_sight(number)
            yield from filter(new, triples_of(graph))


def parts_of(graph: Graph) -> tuple[Graph, ...]:
    """The graphs a union view reads, or ``graph`` itself when it is no union view."""
    store = graph.store
    return store.graphs if isinstance(store, UnionStore) else (graph,)


def union_view(graphs: Sequence[Graph]) -> Graph:
    """A read-only graph whose triples are those of ``graphs``, none copied (see :class:`UnionStore`)."""
    return bind_prefixes(UnionGraph(store=UnionStore(graphs)))


def local_dataset(graphs: Mapping[URIRef, Graph]) -> Dataset:
    """The graphs as named graphs of one rdflib Dataset whose default graph is their union.

    What ``ketrdf serve`` and the Oxigraph engine give a query: ``GRAPH`` sees each graph.
    """
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    for name, graph in graphs.items():
        if len(graph):
            named = dataset.graph(name)
            named += graph
    return dataset


@dataclass
class KnowledgeGraph:
    """Asserted triples (ontology and content) kept apart from inferred ones.

    ``queries`` holds the saved queries described in RDF and ``imports`` the
    modules extracted from external ontologies (``ontology/imports/``); both
    are published and queried with the graph but take no part in reasoning.
    It owns the stores the engines read (:meth:`dataset`, :meth:`oxigraph_store`),
    each made once, on first use, by one thread while others wait: change no graph after that.
    """

    ontology: Graph
    content: Graph
    inferred: Graph = field(default_factory=new_graph)
    queries: Graph = field(default_factory=new_graph)
    imports: Graph = field(default_factory=new_graph)
    _dataset: Dataset | None = field(default=None, init=False, repr=False, compare=False)
    _oxigraph: ox.Store | None = field(default=None, init=False, repr=False, compare=False)
    _nquads: bytes | None = field(default=None, init=False, repr=False, compare=False)
    _making: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def union(self) -> Graph:
        """Every triple, asserted and inferred, copied into one new graph: what queries and shapes see."""
        return union_copy(self.named_graphs().values(), context_aware=True)

    def union_view(self) -> Graph:
        """Every triple, asserted and inferred, as one read-only graph: nothing is copied."""
        return union_view((self.content, self.inferred, self.ontology, self.queries, self.imports))

    def named_graphs(self) -> dict[URIRef, Graph]:
        """The graphs by their names, in a fixed order."""
        return {
            GRAPH_ONTOLOGY: self.ontology,
            GRAPH_CONTENT: self.content,
            GRAPH_INFERRED: self.inferred,
            GRAPH_QUERIES: self.queries,
            GRAPH_IMPORTS: self.imports,
        }

    def dataset(self) -> Dataset:
        """The graphs as named graphs of one rdflib Dataset whose default graph is their union (a copy)."""
        with self._making:
            if self._dataset is None:
                self._dataset = local_dataset(self.named_graphs())
            return self._dataset

    def nquads(self) -> bytes:
        """Every graph as sorted N-Quads, each statement in its named graph: the ``all`` N-Quads export.

        Made once (see :mod:`ketrdf.rdfio.lines`), with the Oxigraph store when that is made first.
        """
        with self._making:
            if self._nquads is None:
                self._nquads = self._write_nquads()
            return self._nquads

    def _write_nquads(self, into: ox.Store | None = None) -> bytes:
        from ketrdf.rdfio.lines import sorted_lines

        graphs = self.named_graphs()
        return b"".join(sorted_lines(graphs, tuple(graphs), quads=True, into=into))

    def oxigraph_store(self) -> ox.Store:
        """The graphs as named graphs of one in-memory Oxigraph store (a copy): what :meth:`nquads` says.

        Filled with the statements :meth:`nquads` writes, as it writes them, or parsed from
        its text when that was written before. Blank nodes keep their labels. The store keeps
        a typed literal's value, not its lexical form: ``"5.0"^^xsd:decimal`` reads back as ``"5"``.
        """
        with self._making:
            if self._oxigraph is None:
                import pyoxigraph as ox

                from ketrdf.rdfio.native import nquads_store

                if self._nquads is None:  # one pass: the export's statements fill the store
                    store = ox.Store()
                    self._nquads = self._write_nquads(into=store)
                    self._oxigraph = store
                else:
                    self._oxigraph = nquads_store(self._nquads)
            return self._oxigraph

    def forget_stores(self) -> None:
        """Drop the stores made for engines (to free their memory); they are made again when needed.

        :meth:`nquads` is kept: it is the N-Quads export.
        """
        with self._making:
            self._dataset = self._oxigraph = None
