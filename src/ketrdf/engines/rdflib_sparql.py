"""SPARQL on rdflib's engine, the reference: queries over an rdflib graph or dataset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from ketrdf.engines.bounded import within
from ketrdf.query.gate import prepare, query_form
from ketrdf.query.parameters import bind_parameters
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import SavedQuery
from ketrdf.rdfio.terms import from_oxigraph
from ketrdf.vocabulary import new_graph

if TYPE_CHECKING:
    from ketrdf.query.engine import Bound


def _rdflib_terms(bindings: Mapping[str, Bound] | None) -> dict[str, Identifier]:
    """Bound values as rdflib terms (parameters give Oxigraph's)."""
    return {name: from_oxigraph(term) if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)  # type: ignore[misc]
            else term for name, term in (bindings or {}).items()}


def run_sparql(graph: Graph, text: str, bindings: Mapping[str, Bound] | None = None,
               origin: str = "query", timeout: float | None = None) -> QueryResult:
    """Run a query on ``graph`` (a Dataset: ``GRAPH`` sees its named graphs).

    The text passes :func:`ketrdf.query.gate.prepare` first. With ``timeout`` the query
    runs in a child bounded in time and memory (:func:`ketrdf.engines.bounded.within`),
    as on Oxigraph.
    """
    query = prepare(text, origin)
    form = query_form(query)
    initial = _rdflib_terms(bindings)

    def work() -> QueryResult:
        result = graph.query(query, initBindings=initial)
        if form in ("CONSTRUCT", "DESCRIBE"):
            found = new_graph()
            for triple in result.graph or ():
                found.add(triple)
            return QueryResult(variables=(), rows=(), graph=found)
        if form == "ASK":
            return QueryResult(variables=(), rows=(), boolean=bool(result.askAnswer))
        rows = tuple(tuple(row) for row in result)  # type: ignore[arg-type]
        return QueryResult(variables=tuple(str(var) for var in result.vars or ()), rows=rows)

    return within(work, origin, timeout)


class RdflibEngine:
    """rdflib's SPARQL engine (the reference) over a graph or dataset."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def run(self, text: str, bindings: Mapping[str, Bound] | None = None, origin: str = "query",
            timeout: float | None = None) -> QueryResult:
        """See :func:`run_sparql`."""
        return run_sparql(self.graph, text, bindings, origin, timeout)


def run_saved_query(graph: Graph, query: SavedQuery, values: dict[str, str] | None = None,
                    timeout: float | None = None) -> QueryResult:
    """Bind ``values`` to the parameters of a saved query and run it on ``graph``."""
    bindings = bind_parameters(query, values or {}, RdflibEngine(graph))
    return run_sparql(graph, query.text, bindings, origin=str(query.path), timeout=timeout)
