"""Property-based tests: mutated content never crashes the loader, and no parameter value is code."""

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
from ketrdf.rdfio.parse import load_file

pytestmark = pytest.mark.integration  # hundreds of generated inputs, on the review

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def valid_content(project: Project) -> bytes:
    return (project.content_dir / "compounds.ttl").read_bytes()


@pytest.fixture(scope="module")
def saved_queries(project: Project) -> dict[str, SavedQuery]:
    return load_saved_queries(project.queries_dir)


@pytest.fixture(scope="module")
def graph(reasoned: KnowledgeGraph) -> Graph:
    """One union for every example: a query that changed it would show in the later examples too."""
    return reasoned.union()


@st.composite
def mutations(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        position = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[position] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=32))]
        else:
            del data[position:]
    return bytes(data)


def test_mutated_content_gives_a_graph_or_a_clear_error(
    valid_content: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    tried = {"inputs": 0, "errors": 0}

    @SETTINGS
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        mutated = data.draw(mutations(valid_content))
        path = folder / "mutated.ttl"
        path.write_bytes(mutated)
        tried["inputs"] += 1
        try:
            load_file(path)
        except InputError as error:
            tried["errors"] += 1
            assert str(error).startswith(str(path))

    check()
    assert tried["inputs"] >= 100


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

