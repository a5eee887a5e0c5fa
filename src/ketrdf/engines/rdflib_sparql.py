"""SPARQL on rdflib's engine, the reference: queries over an rdflib graph or dataset."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Identifier

from ketrdf.errors import QueryError
from ketrdf.query.gate import prepare, query_form
from ketrdf.query.results import QueryResult
from ketrdf.vocabulary import bind_prefixes


@contextmanager
def time_limit(seconds: float | None, origin: str, setting: str = "--timeout") -> Iterator[None]:
    """Interrupt the block after ``seconds`` (POSIX main thread only; elsewhere no limit).

    ``setting`` names the option or variable that sets the limit, for the error message.
    """
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise QueryError(f"{origin}: query stopped after the time limit of {seconds} s ({setting})")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds or 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_sparql(graph: Graph, text: str, bindings: dict[str, Identifier] | None = None,
               origin: str = "query", timeout: float | None = None) -> QueryResult:
    """Run a query on ``graph`` (a Dataset: ``GRAPH`` sees its named graphs) within ``timeout`` s."""
    query = prepare(text, origin)
    form = query_form(query)
    with time_limit(timeout, origin):
        result = graph.query(query, initBindings=bindings or {})
        if form in ("CONSTRUCT", "DESCRIBE"):
            found = bind_prefixes(Graph())
            for triple in result.graph or ():
                found.add(triple)
            return QueryResult(variables=(), rows=(), graph=found)
        rows = tuple(tuple(row) for row in result) if form == "SELECT" else ()  # type: ignore[arg-type]
    if form == "ASK":
        return QueryResult(variables=(), rows=(), boolean=bool(result.askAnswer))
    variables = tuple(str(var) for var in result.vars or ())
    return QueryResult(variables=variables, rows=rows)


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
