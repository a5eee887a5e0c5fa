"""SPARQL engines, chosen by name from one registry.

Each implements :class:`ketrdf.query.engine.SparqlEngine`: it answers one query text
with bound parameters, bounded by a timeout.
Local engines are made from a :class:`~ketrdf.knowledge_graph.KnowledgeGraph`
by the factory registered under their name: ``oxigraph`` (fast) and ``rdflib`` (the
reference); ``--engine`` lists :func:`engine_names`. A remote endpoint is the same
protocol (:class:`ketrdf.stores.endpoint.RemoteEngine`), chosen by ``--endpoint``.

Every engine passes the text through the SPARQL gate (:mod:`ketrdf.query.gate`) and
reports errors the same way: :class:`~ketrdf.errors.QueryError` for a query it cannot
run, :class:`~ketrdf.errors.RefusedQueryError` for what the gate refuses, and
:class:`~ketrdf.engines.bounded.LimitExceeded` past ``timeout`` (a remote store's
failures, its timeouts included, are :class:`~ketrdf.errors.StoreError`).
This module imports no engine until one is asked for, so the command line stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ketrdf.engines.registry import Registry
from ketrdf.query.engine import SparqlEngine

if TYPE_CHECKING:
    from ketrdf.knowledge_graph import KnowledgeGraph


EngineFactory = Callable[["KnowledgeGraph"], SparqlEngine]


def default_oxigraph(kg: KnowledgeGraph) -> SparqlEngine:
    """Oxigraph over the graph's store (the default engine)."""
    from ketrdf.engines.oxigraph import OxigraphEngine

    return OxigraphEngine(kg.oxigraph_store())


def _rdflib(kg: KnowledgeGraph) -> SparqlEngine:
    from ketrdf.engines.rdflib_sparql import RdflibEngine

    return RdflibEngine(kg.dataset())


DEFAULT_ENGINE = "oxigraph"
#: The local engines of ``--engine``.
ENGINES = Registry[EngineFactory]("SPARQL engine", {DEFAULT_ENGINE: default_oxigraph, "rdflib": _rdflib})
register_engine = ENGINES.register
engine_names = ENGINES.names


def sparql_engine(name: str, kg: KnowledgeGraph) -> SparqlEngine:
    """The engine registered as ``name``, over ``kg`` (default graph: the union of its graphs)."""
    return ENGINES.factory(name)(kg)
