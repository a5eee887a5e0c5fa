"""The knowledge graph as named graphs: ontology, content, inferred and the query catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, URIRef

from ketrdf.namespaces import GRAPH_CONTENT, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_QUERIES, bind_prefixes


def merge(graphs: Iterable[Graph]) -> Graph:
    """Return a new graph holding the triples of every graph given."""
    merged = bind_prefixes(Graph())
    for graph in graphs:
        merged += graph
    return merged


@dataclass
class KnowledgeGraph:
    """Asserted triples (ontology and content) kept apart from inferred ones.

    ``queries`` holds the saved-query catalogue as RDF; it is published with
    the graph but takes no part in reasoning.
    """

    ontology: Graph
    content: Graph
    inferred: Graph = field(default_factory=Graph)
    queries: Graph = field(default_factory=Graph)

    def asserted(self) -> Graph:
        """Ontology and content together."""
        return merge((self.ontology, self.content))

    def union(self) -> Graph:
        """Every triple, asserted and inferred: what queries and shapes see."""
        return merge((self.ontology, self.content, self.inferred, self.queries))

    def named_graphs(self) -> dict[URIRef, Graph]:
        """The graphs by their names, in a fixed order."""
        return {
            GRAPH_ONTOLOGY: self.ontology,
            GRAPH_CONTENT: self.content,
            GRAPH_INFERRED: self.inferred,
            GRAPH_QUERIES: self.queries,
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

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> KnowledgeGraph:
        """The named graphs of a Dataset written by :meth:`to_dataset`, as views (no copy)."""
        parts = [bind_prefixes(dataset.graph(name))
                 for name in (GRAPH_ONTOLOGY, GRAPH_CONTENT, GRAPH_INFERRED, GRAPH_QUERIES)]
        return cls(*parts)
