"""The knowledge graph as named graphs: ontology, content, inferred, the query catalogue, imports."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.term import Node

from ketrdf.namespaces import (
    BASE,
    GRAPH_CONTENT,
    GRAPH_IMPORTS,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_QUERIES,
    bind_prefixes,
)

GENID = BASE + ".well-known/genid/"


def merge(graphs: Iterable[Graph]) -> Graph:
    """Return a new graph holding the triples of every graph given."""
    merged = bind_prefixes(Graph())
    for graph in graphs:
        merged += graph
    return merged


@dataclass
class KnowledgeGraph:
    """Asserted triples (ontology and content) kept apart from inferred ones.

    ``queries`` holds the saved-query catalogue as RDF and ``imports`` the
    modules extracted from external ontologies (``ontology/imports/``); both
    are published and queried with the graph but take no part in reasoning.
    """

    ontology: Graph
    content: Graph
    inferred: Graph = field(default_factory=Graph)
    queries: Graph = field(default_factory=Graph)
    imports: Graph = field(default_factory=Graph)

    def asserted(self) -> Graph:
        """Ontology and content together."""
        return merge((self.ontology, self.content))

    def union(self) -> Graph:
        """Every triple, asserted and inferred: what queries and shapes see."""
        return merge((self.ontology, self.content, self.inferred, self.queries, self.imports))

    def named_graphs(self) -> dict[URIRef, Graph]:
        """The graphs by their names, in a fixed order."""
        return {
            GRAPH_ONTOLOGY: self.ontology,
            GRAPH_CONTENT: self.content,
            GRAPH_INFERRED: self.inferred,
            GRAPH_QUERIES: self.queries,
            GRAPH_IMPORTS: self.imports,
        }

    def to_dataset(self, names: Iterable[URIRef] | None = None) -> Dataset:
        """An rdflib Dataset with the named graphs chosen (all by default)."""
        dataset = Dataset()
        bind_prefixes(dataset)
        for name, graph in self.named_graphs().items():
            if names is None or name in names:
                target = dataset.graph(name)
                for triple in graph:
                    target.add(triple)
        return dataset

    def skolemized(self) -> KnowledgeGraph:
        """A copy whose blank nodes are IRIs that keep their labels (see :meth:`deskolemized`)."""
        return self._mapped(lambda term: URIRef(GENID + str(term)) if isinstance(term, BNode) else term)

    def deskolemized(self) -> KnowledgeGraph:
        """Undo :meth:`skolemized`: blank nodes come back with the same labels."""
        return self._mapped(
            lambda term: BNode(term[len(GENID):]) if isinstance(term, URIRef) and term.startswith(GENID)
            else term)

    def _mapped(self, change: Callable[[Node], Node]) -> KnowledgeGraph:
        def mapped(graph: Graph) -> Graph:
            if not any(change(term) is not term for triple in graph for term in triple):
                return graph
            result = bind_prefixes(Graph())
            for triple in graph:
                result.add(tuple(change(term) for term in triple))  # type: ignore[arg-type]
            return result

        return KnowledgeGraph(*(mapped(graph) for graph in self.named_graphs().values()))
