"""Namespaces, graph names and prefix bindings of ketrdf."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from rdflib import Graph, Namespace, URIRef

from ketrdf.prefixes import BASE as BASE  # re-exported: the plain strings live in ketrdf.prefixes
from ketrdf.prefixes import IRI_FORBIDDEN as IRI_FORBIDDEN
from ketrdf.prefixes import PREFIXES as PREFIXES

if TYPE_CHECKING:
    import curies

KET = Namespace(BASE + "ontology#")
KR = Namespace(BASE + "resource/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
SH = Namespace("http://www.w3.org/ns/shacl#")

ONTOLOGY_IRI = URIRef(BASE + "ontology")
GRAPH_ONTOLOGY = URIRef(BASE + "graph/ontology")
GRAPH_CONTENT = URIRef(BASE + "graph/content")
GRAPH_INFERRED = URIRef(BASE + "graph/inferred")
GRAPH_QUERIES = URIRef(BASE + "graph/queries")
GRAPH_IMPORTS = URIRef(BASE + "graph/imports")
QUERY = Namespace(BASE + "query/")


def bind_prefixes(graph: Graph) -> Graph:
    """Bind ketrdf's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def new_graph(context_aware: bool = False) -> Graph:
    """A new empty graph, with ketrdf's prefixes, the way ketrdf makes every graph it fills.

    It lives in rdflib's ``SimpleMemory`` store: one graph per store, no contexts kept per
    triple, so adding and reading triples costs less than in the default ``Memory``
    (about 30 % less to load 100k triples). ``context_aware`` gives a ``Memory`` store,
    for a graph that pyshacl reads: it wraps every graph in a Dataset, which needs one.
    """
    from rdflib.plugins.stores.memory import Memory, SimpleMemory

    return bind_prefixes(Graph(store=Memory() if context_aware else SimpleMemory()))


@cache
def _converter(prefixes: tuple[tuple[str, str], ...]) -> curies.Converter:
    import curies  # on first use: it loads pydantic, which most commands never need

    return curies.Converter.from_prefix_map(dict(prefixes))


def prefix_converter(prefixes: Mapping[str, str] = PREFIXES) -> curies.Converter:
    """A curies converter of ``prefixes`` (ketrdf's by default): the reference for :mod:`ketrdf.prefixes`."""
    return _converter(tuple(sorted(prefixes.items())))
