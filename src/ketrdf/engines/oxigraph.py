"""SPARQL on Oxigraph: the graph in an in-memory pyoxigraph store, queried natively.

rdflib's SPARQL engine is the reference; Oxigraph answers the same saved
queries (a test compares them all) many times faster on large graphs.
Every text passes :func:`ketrdf.query.gate.gate` first (rdflib's parser: no
SERVICE, FROM or update) and Oxigraph gets the gate's own canonical text.
Parameters travel as a ``VALUES`` block added to that text and checked by the
gate again (:func:`ketrdf.query.values.with_values`): Oxigraph's substitutions bind
only projected variables (pyoxigraph 0.5.13 refuses any other).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ketrdf.engines.bounded import within
from ketrdf.errors import QueryError
from ketrdf.prefixes import PREFIXES
from ketrdf.query.results import QueryResult
from ketrdf.query.values import with_values

if TYPE_CHECKING:
    from ketrdf.query.engine import Bound


def _answer(result: object) -> QueryResult:
    """The rows or boolean of an Oxigraph result, as Oxigraph's terms; a graph as an rdflib graph."""
    if isinstance(result, ox.QuerySolutions):
        names = tuple(variable.value for variable in result.variables)
        return QueryResult(variables=names, terms=tuple(
            tuple(solution[name] for name in names) for solution in result))
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(variables=(), rows=(), boolean=bool(result))

    from ketrdf.rdfio.terms import from_oxigraph
    from ketrdf.vocabulary import new_graph

    graph = new_graph()
    for triple in result:  # type: ignore[attr-defined]  # QueryTriples
        graph.add((from_oxigraph(triple.subject), from_oxigraph(triple.predicate),  # type: ignore[arg-type]
                   from_oxigraph(triple.object)))
    return QueryResult(variables=(), rows=(), graph=graph)


def run(store: ox.Store, text: str, bindings: Mapping[str, Bound] | None = None,
        origin: str = "query", timeout: float | None = None) -> QueryResult:
    """Run a query on ``store``; with ``timeout``, in a child bounded in time and memory.

    The default graph is the union of the store's graphs, as with ``ketrdf serve``;
    ``GRAPH`` sees the named graphs of a store made by :func:`load_dataset`. With a
    ``timeout`` the query runs in a forked child (:func:`ketrdf.engines.bounded.within`) that
    is killed at the limit, and that may add at most ``KETRDF_MAX_QUERY_MB`` of memory.
    """
    bound = with_values(text, dict(bindings or {}), origin, declare_prefixes=False)

    def work() -> QueryResult:
        try:
            return _answer(store.query(bound, prefixes=PREFIXES, use_default_graph_as_union=True))
        except SyntaxError as error:
            raise QueryError(f"{origin}: SPARQL syntax error: {error}") from None
        except (OSError, ValueError, RuntimeError) as error:
            raise QueryError(f"{origin}: {error}") from None

    return within(work, origin, timeout)


class OxigraphEngine:
    """Oxigraph's SPARQL engine over an in-memory store (see :func:`run`)."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def run(self, text: str, bindings: Mapping[str, Bound] | None = None, origin: str = "query",
            timeout: float | None = None) -> QueryResult:
        """See :func:`run`."""
        return run(self.store, text, bindings, origin, timeout)
