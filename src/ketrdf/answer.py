"""Answering saved queries: choose them, bind their parameters, run them on one engine.

What ``ketrdf query run`` does, callable from Python::

    kg = obtain_graph(project)
    queries = choose_queries(load_saved_queries(project.queries_dir), "evidence")
    for answer in answer_queries(kg, queries, {"claim": "ENAN-9"}, query_engine(kg, "oxigraph")):
        print(answer.result.rows)

On a current build, :func:`cached_engine` gives the Oxigraph engine straight from the
build cache, with no rdflib graph: ``answer_queries(None, queries, values, engine)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ketrdf.engines.sparql import DEFAULT_ENGINE, ENGINES, default_oxigraph, sparql_engine
from ketrdf.errors import InputError
from ketrdf.pipeline.cache import DAMAGED, Progress, quiet, verified_cache
from ketrdf.query.engine import SparqlEngine
from ketrdf.query.gate import check
from ketrdf.query.parameters import bind_parameters
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import SavedQuery, find_query

if TYPE_CHECKING:
    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.project import Project
    from ketrdf.stores.endpoint import Endpoint


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


def query_engine(kg: KnowledgeGraph | None, name: str, endpoint: Endpoint | None = None) -> SparqlEngine:
    """The store at ``endpoint`` when one is given, else the local engine ``name`` over ``kg``."""
    if endpoint is not None:
        from ketrdf.stores.endpoint import RemoteEngine

        return RemoteEngine(endpoint)
    if kg is None:
        raise TypeError("a local engine needs the graph")
    return sparql_engine(name, kg)


def cached_engine(project: Project, reasoner: str, validator: str,
                  progress: Progress = quiet) -> SparqlEngine | None:
    """The default engine, Oxigraph, over the last build's verified cache, loaded without rdflib.

    None when the cache is stale or damaged (said through ``progress``), or when another
    engine was registered as the default: then the graph is built or read as usual.
    """
    if ENGINES.get(DEFAULT_ENGINE) is not default_oxigraph:
        return None
    cache = verified_cache(project, reasoner, validator, progress)
    if cache is None:
        return None
    from ketrdf.engines.oxigraph import OxigraphEngine
    from ketrdf.rdfio.native import graph_counts, read_nquads, store_of

    try:
        quads = read_nquads(cache.nquads)
    except (SyntaxError, ValueError):
        quads = None
    if quads is None or not cache.matches(graph_counts(quads)):
        progress(DAMAGED)
        return None
    return OxigraphEngine(store_of(quads))


def answer_queries(kg: KnowledgeGraph | None, queries: list[SavedQuery], values: Mapping[str, str] | None,
                   engine: SparqlEngine, timeout: float | None = None,
                   resolver: SparqlEngine | None = None) -> list[Answer]:
    """Run each query with ``values`` (``None``: each query's example) on ``engine``.

    Each text passes the SPARQL gate before any engine sees it; parameter values are
    checked and labels resolved by the look-up queries of ``resolver``: by default the
    default engine over ``kg`` (labels are resolved in the local build, whatever engine
    or store answers), else ``engine`` itself; then bound by ``engine``.
    """
    if resolver is None:
        resolver = engine if kg is None else sparql_engine(DEFAULT_ENGINE, kg)
    answers = []
    for saved in queries:
        given = saved.example if values is None else values
        origin = str(saved.path)
        check(saved.text, origin)
        bindings = bind_parameters(saved, dict(given), resolver)
        answers.append(Answer(saved, given, engine.run(saved.text, bindings, origin, timeout)))
    return answers
