"""Property tests of the SPARQL gate: a SERVICE clause anywhere in a query is refused, and the
same query without it passes (so the refusal is the gate's, not a syntax error)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketrdf.errors import RefusedQueryError
from ketrdf.query.gate import gate

# hypothesis warns that the nested strategy's repr is long; it is only shown on a failure
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

LEAVES = st.sampled_from(["?s ?p ?o .", "?s <http://example.org/p> ?o .", "BIND (1 AS ?x)",
                          'FILTER (?o != "}")', "VALUES ?v { 1 2 }"])


def _nest(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(inner, inner)
    return st.one_of(
        pair.map(lambda p: f"{{ {p[0]} }} UNION {{ {p[1]} }}"),
        pair.map(lambda p: f"{p[0]} {p[1]}"),
        inner.map(lambda p: f"OPTIONAL {{ {p} }}"),
        inner.map(lambda p: f"MINUS {{ {p} }}"),
        inner.map(lambda p: f"FILTER EXISTS {{ {p} }}"),
        inner.map(lambda p: f"FILTER NOT EXISTS {{ {p} }}"),
        inner.map(lambda p: f"GRAPH ?g {{ {p} }}"),
        inner.map(lambda p: f"{{ SELECT * WHERE {{ {p} }} }}"),
    )


PATTERNS = st.recursive(LEAVES, _nest, max_leaves=8)
SERVICES = st.sampled_from(["SERVICE <http://example.org/sparql>", "SERVICE SILENT <http://example.org/sparql>",
                            "SERVICE ?endpoint"])


@st.composite
def queries_with_a_service(draw: st.DrawFn) -> tuple[str, str]:
    """A query, and the same query with a SERVICE clause at the start of one of its groups."""
    query = f"SELECT * WHERE {{ {draw(PATTERNS)} }}"
    # every "{ " that opens a group pattern (not a subquery's, not VALUES' data block)
    groups = [m.end() for m in re.finditer(r"(?<!\?v ){ (?!SELECT)", query)]
    at = draw(st.sampled_from(groups))
    service = f"{draw(SERVICES)} {{ ?a ?b ?c }} "
    return query, query[:at] + service + query[at:]


@pytest.mark.integration  # 300 parses: seconds
@settings(max_examples=150, deadline=None)
@given(pair=queries_with_a_service())
def test_a_service_clause_anywhere_is_refused(pair: tuple[str, str]) -> None:
    plain, with_service = pair
    gate(plain, "generated")
    with pytest.raises(RefusedQueryError, match="SERVICE clauses are refused"):
        gate(with_service, "generated")


def test_a_service_in_a_group_of_only_a_filter_is_refused() -> None:
    """Found by the test above: rdflib's algebra drops the inner group, a store would run it."""
    text = ("SELECT * WHERE { FILTER NOT EXISTS { FILTER EXISTS {"
            " SERVICE <http://example.org/sparql> { ?a ?b ?c } } } }")
    with pytest.raises(RefusedQueryError, match="SERVICE clauses are refused"):
        gate(text, "generated")
