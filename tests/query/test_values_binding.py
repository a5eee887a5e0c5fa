"""Parameters bound as VALUES without a second parse (issue 19.1), and still safe.

The gate parses a text once; :func:`with_values` binds checked terms into it by
construction. The property test gates the bound texts to show the construction keeps the
verdict: no SERVICE, FROM or update can come in with a parameter's value.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from ketrdf.errors import QueryError
from ketrdf.query import gate as gate_module
from ketrdf.query.gate import check, gate
from ketrdf.query.saved import load_saved_queries
from ketrdf.query.values import with_values
from tests.support.paths import REPO

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SAVED = {name: saved for name, saved in load_saved_queries(REPO / "queries").items() if saved.params}
#: A literal that would reach out if it were read as query text instead of a string
HOSTILE = '"} } SERVICE <http://example.org/sparql> { ?a ?b ?c } #\n\'{ WHERE { \\'


def test_binding_parameters_does_not_parse_the_query_again(parses: list[str]) -> None:
    text = SAVED["evidence"].text
    check(text, "evidence")
    assert len(parses) == 1
    for value in ("ENAN-9", "ENAN-17", HOSTILE):
        bound = with_values(text, {"claim": Literal(value)}, "evidence", declare_prefixes=False)
        assert "VALUES (?claim)" in bound
    with_values(text, {"claim": Literal("x")}, "evidence")  # with PREFIX lines, for an endpoint
    assert len(parses) == 1


def test_a_text_is_parsed_once_whatever_its_line_endings(parses: list[str]) -> None:
    text = "SELECT ?s WHERE { ?s ?p ?o }\n"
    for variant in (text, text.replace("\n", "\r\n"), text):
        assert check(variant, "query")[0].form == "SELECT"
    assert len(parses) == 1


def test_a_hostile_literal_stays_a_literal() -> None:
    """A value holding quotes, braces and a SERVICE clause passes the gate as one string."""
    text = SAVED["evidence"].text
    bound = with_values(text, {"claim": Literal(HOSTILE)}, "evidence", declare_prefixes=False)
    verdict = check(text, "evidence")[0]
    query, _ = gate(bound, "bound", canonical=True)  # parsed: would raise if SERVICE came in
    assert gate_module._verdict(query) == verdict


def _an_iri(term: URIRef) -> bool:
    """An IRI by RFC 3987 as Oxigraph reads it ("[" and other gen-delims out of place are refused:
    tests/query/test_values_binding.py::test_an_iri_oxigraph_refuses_is_a_query_error_not_a_crash)."""
    try:
        ox.NamedNode(str(term))
    except ValueError:
        return False
    return True


IRIS = st.text(st.characters(codec="utf-8", exclude_characters='<>"{}|^`\\', min_codepoint=0x21,
                             exclude_categories=("Cc", "Co", "Cn", "Cs")),
               max_size=12).map(lambda tail: URIRef("http://example.org/" + tail)).filter(_an_iri)
STRINGS = st.text(st.characters(codec="utf-8", exclude_categories=["Cc"], include_characters="\t\n\r"),
                  max_size=20)
TERMS: st.SearchStrategy[Identifier] = st.one_of(
    IRIS,
    STRINGS.map(Literal),
    st.tuples(STRINGS, st.sampled_from(["en", "ja", "en-GB"])).map(lambda p: Literal(p[0], lang=p[1])),
    st.integers().map(lambda n: Literal(n, datatype=XSD.integer)),
    st.sampled_from([Literal(HOSTILE), URIRef("http://example.org/SERVICE")]),
)


@st.composite
def bound_queries(draw: st.DrawFn) -> tuple[str, dict[str, Identifier]]:
    """A saved query with parameters and a term for each of them."""
    name = draw(st.sampled_from(sorted(SAVED)))
    return name, {param.name: draw(TERMS) for param in SAVED[name].params}


@pytest.mark.integration  # one parse per example: seconds
@settings(max_examples=60, deadline=None)
@given(case=bound_queries(), declare=st.booleans())
def test_a_bound_text_passes_the_gate_with_the_verdict_of_its_query(
        case: tuple[str, dict[str, Identifier]], declare: bool) -> None:
    """With ketrdf's prefixes declared (for an endpoint) or not (a local engine knows them)."""
    name, bindings = case
    text = SAVED[name].text
    verdict = check(text, name)[0]
    bound = with_values(text, bindings, name, declare_prefixes=declare)
    query, canonical = gate(bound, "bound", canonical=True)
    assert canonical == bound
    assert gate_module._verdict(query) == verdict


@pytest.mark.parametrize("control", ["\x00", "\x1f", "\x7f"])
def test_a_parameter_value_with_a_control_character_is_refused(control: str) -> None:
    """Found by the property test: rdflib's parser failed on a bound '\\x1f' after other queries."""
    with pytest.raises(QueryError, match="control character"):
        with_values(SAVED["evidence"].text, {"claim": Literal(f"a{control}b")}, "evidence")


@pytest.mark.parametrize("iri", ["http://example.org/\x7f", "http://example.org/["])
def test_an_iri_oxigraph_refuses_is_a_query_error_not_a_crash(iri: str) -> None:
    """Found by the property test: DEL (U+007F), a control character no IRI holds; "[" in a path."""
    with pytest.raises(QueryError, match="not a valid IRI"):
        with_values(SAVED["evidence"].text, {"claim": URIRef(iri)}, "evidence")
