"""Answering saved queries: choose them, bind their parameters, run them on one engine.

What ``ketrdf query run`` does, callable from Python::

    kg = obtain_graph(project)
    queries = choose_queries(load_saved_queries(project.queries_dir), "evidence")
    for answer in answer_queries(kg, queries, {"claim": "ENAN-9"}, query_engine(kg, "oxigraph")):
        print(answer.result.rows)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ketrdf.engines.sparql import SparqlEngine, sparql_engine
from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.query.gate import check
from ketrdf.query.parameters import bind_parameters
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import SavedQuery, find_query
from ketrdf.stores.endpoint import Endpoint, RemoteEngine


@dataclass(frozen=True)
class Answer:
    """A saved query, the parameter values it ran with, and its result."""

    query: SavedQuery
    values: Mapping[str, str]
    result: QueryResult


def choose_queries(catalog: dict[str, SavedQuery], name: str | None = None,
                   run_all: bool = False) -> list[SavedQuery]:
    """The saved query ``name``, or with ``run_all`` every saved query (exactly one of the two)."""
    if run_all == bool(name):
        raise InputError("give a query NAME or --all (see 'ketrdf query list')")
    return list(catalog.values()) if run_all else [find_query(catalog, name or "")]


def query_engine(kg: KnowledgeGraph, name: str, endpoint: Endpoint | None = None) -> SparqlEngine:
    """The store at ``endpoint`` when one is given, else the local engine registered as ``name``."""
    return RemoteEngine(endpoint) if endpoint is not None else sparql_engine(name, kg)


def answer_queries(kg: KnowledgeGraph, queries: list[SavedQuery], values: Mapping[str, str] | None,
                   engine: SparqlEngine, timeout: float | None = None) -> list[Answer]:
    """Run each query with ``values`` (``None``: each query's example) on ``engine``.

    Each text passes the SPARQL gate before any engine sees it; parameter values are
    checked and labels resolved in ``kg`` (also for a remote engine), then bound by the engine.
    """
    answers = []
    for saved in queries:
        given = saved.example if values is None else values
        origin = str(saved.path)
        check(saved.text, origin)
        bindings = bind_parameters(saved, dict(given), kg.union_view())
        answers.append(Answer(saved, given, engine.run(saved.text, bindings, origin, timeout)))
    return answers
