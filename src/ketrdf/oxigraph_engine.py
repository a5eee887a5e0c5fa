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
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier, Node

from ketrdf.errors import QueryError
from ketrdf.namespaces import PREFIXES
from ketrdf.queries import QueryResult, refuse_remote_keywords, with_values

LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def to_oxigraph(term: Node) -> Term:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"cannot bind {term!r}")


def from_oxigraph(term: object) -> Node | None:
    """A pyoxigraph term as the rdflib term rdflib's own engine would give."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise QueryError(f"unexpected result term {term!r}")


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
