"""The review's graph read for views, and each saved query's answer, made once per test worker.

The site itself (``site``, ``site_dir``) is in ``tests/support/site.py``, shared with the browser tests.
"""

from __future__ import annotations

import pytest

from ketrdf.answer import answer_queries, query_engine
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.present.reader import GraphReader
from ketrdf.project import Project
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import load_saved_queries


@pytest.fixture(scope="session")
def reader(reasoned: KnowledgeGraph, project: Project) -> GraphReader:
    """The reasoned graph as views read it, with the project's external prefixes."""
    return GraphReader.for_project(reasoned, project.prefixes_file)


@pytest.fixture(scope="session")
def saved_answers(reasoned: KnowledgeGraph, project: Project) -> dict[str, QueryResult]:
    """Each saved query's answer on the reasoned graph, by name, as ``ketrdf site`` gets them."""
    saved = load_saved_queries(project.queries_dir)
    answers = answer_queries(reasoned, list(saved.values()), None, query_engine(reasoned, "oxigraph"))
    return {answer.query.name: answer.result for answer in answers}
