"""Property-based tests of saved-query parameters: no value is code, whatever the string."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from ketrdf.engines.rdflib_sparql import run_saved_query
from ketrdf.errors import InputError, QueryError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.query.saved import SavedQuery, load_saved_queries

pytestmark = pytest.mark.integration  # hundreds of generated values, on the reasoned review

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def saved_queries(project: Project) -> dict[str, SavedQuery]:
    return load_saved_queries(project.queries_dir)


@pytest.fixture(scope="module")
def graph(reasoned: KnowledgeGraph) -> Graph:
    """One union for every example: a query that changed it would show in the later examples too."""
    return reasoned.union()


@SETTINGS
@given(value=st.text(max_size=200))
def test_any_string_claim_id_is_inert(
    value: str, saved_queries: dict[str, SavedQuery], graph: Graph
) -> None:
    before = len(graph)
    try:
        result = run_saved_query(graph, saved_queries["evidence"], {"claim": value})
    except InputError as error:  # a value that is no claim id: refused with the choices
        assert str(error).startswith("parameter 'claim'")
    else:
        assert {str(row[0]) for row in result.rows} == {value}
    assert len(graph) == before


@SETTINGS
@given(value=st.text(max_size=200))
def test_any_string_compound_resolves_or_is_refused(
    value: str, saved_queries: dict[str, SavedQuery], graph: Graph
) -> None:
    before = len(graph)
    try:
        run_saved_query(
            graph, saved_queries["compare"], {"a": value, "b": "esketamine", "endpoint": "antidepressant"}
        )
    except (InputError, QueryError) as error:
        assert "parameter 'a'" in str(error) or "is not an absolute IRI" in str(error)
    assert len(graph) == before

