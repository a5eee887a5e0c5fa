"""Stage 4, query, on Oxigraph: the graph in an in-memory pyoxigraph store, queried natively.

rdflib's SPARQL engine is the reference; Oxigraph answers the same saved
queries (a test compares them all) many times faster on large graphs.
Parameters travel as a ``VALUES`` block, as for a remote endpoint
(:func:`ketrdf.queries.with_values`; Oxigraph's own substitutions only bind
projected variables); ``SERVICE`` and ``FROM`` are refused as with rdflib.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from ketrdf.errors import QueryError
from ketrdf.namespaces import PREFIXES
from ketrdf.queries import QueryResult, refuse_remote_keywords, with_values
from ketrdf.terms import from_oxigraph, to_oxigraph


def load_store(graphs: Iterable[Graph]) -> ox.Store:
    """An in-memory store holding every triple of ``graphs`` in its default graph."""
    store = ox.Store()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                 for graph in graphs for s, p, o in graph)
    return store


def run(store: ox.Store, text: str, bindings: dict[str, Identifier] | None = None,
        origin: str = "query", timeout: float | None = None) -> QueryResult:
    """Run a SELECT or ASK on ``store``; stop waiting after ``timeout`` seconds."""
    refuse_remote_keywords(text, origin)  # Oxigraph parses the query (and reports syntax errors)
    bound = with_values(text, bindings or {}, origin, verify=False)
    outcome: dict[str, object] = {}

    def work() -> None:
        try:
            result = store.query(bound)
            if isinstance(result, ox.QuerySolutions):
                names = tuple(variable.value for variable in result.variables)
                outcome["result"] = QueryResult(variables=names, rows=tuple(
                    tuple(from_oxigraph(solution[name]) for name in names) for solution in result))
            elif isinstance(result, bool):
                outcome["boolean"] = result
            else:
                outcome["error"] = ValueError("only SELECT and ASK queries are supported here")
        except SyntaxError as error:
            outcome["error"] = ValueError(f"SPARQL syntax error: {error} (the line counts ketrdf's "
                                          f"{len(PREFIXES)} prefix lines)")
        except (OSError, ValueError, RuntimeError) as error:
            outcome["error"] = error

    if timeout is None:
        work()
    else:
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            raise QueryError(f"{origin}: query stopped after the time limit of {timeout} s (--timeout)")
    if "error" in outcome:
        raise QueryError(f"{origin}: {outcome['error']}")
    found = outcome.get("result")
    if isinstance(found, QueryResult):
        return found
    return QueryResult(variables=(), rows=(), boolean=bool(outcome["boolean"]))
