"""``ketrdf serve`` of the review's site over HTTP, as curl would ask (issue 17, test 6 and "Bad input")."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode, urljoin

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic

from ketrdf.vocabulary import BASE
from tests.support.site import SITE_GROUP

pytestmark = pytest.mark.xdist_group(SITE_GROUP)

CHROMIUM_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CLAIM = "resource/claim/ENAN-9"


def _get(url: str, accept: str = "", data: bytes | None = None, content_type: str = "",
         language: str = "") -> tuple[int, str, str, bytes]:
    """Status, final URL, content type and body of a request (redirects followed)."""
    headers = {name: value for name, value in (("Accept", accept), ("Content-Type", content_type),
                                               ("Accept-Language", language)) if value}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.url, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, url, error.headers["Content-Type"], error.read()


def _about(data: bytes, media: str, subject: URIRef) -> Graph:
    graph = Graph().parse(data=data, format=media)
    about = Graph()
    for triple in graph.triples((subject, None, None)):
        about.add(triple)
    return about


def test_one_iri_gives_html_to_a_browser_and_the_same_triples_as_turtle_and_json_ld(base_url: str) -> None:
    iri = urljoin(base_url, CLAIM)
    status, final, media, _body = _get(iri, CHROMIUM_ACCEPT)
    assert (status, final, media) == (200, iri + ".html", "text/html; charset=utf-8")
    subject = URIRef(BASE + CLAIM)
    described = {}
    for accept in ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"):
        status, final, media, body = _get(iri, accept)
        assert status == 200 and media.startswith(accept), (accept, status, media)
        described[accept] = to_isomorphic(_about(body, accept.split(";")[0], subject))
    turtle = described["text/turtle"]
    assert len(turtle) > 0
    assert all(graph == turtle for graph in described.values())


def test_japanese_is_served_for_lang_ja_and_accept_language(base_url: str) -> None:
    iri = urljoin(base_url, CLAIM)
    assert _get(iri + "?lang=ja", CHROMIUM_ACCEPT)[1] == urljoin(base_url, f"ja/{CLAIM}.html")
    assert _get(iri, CHROMIUM_ACCEPT, language="ja,en;q=0.5")[1] == urljoin(base_url, f"ja/{CLAIM}.html")


def test_the_ontology_and_a_term_resolve(base_url: str) -> None:
    assert _get(urljoin(base_url, "ontology"), CHROMIUM_ACCEPT)[1] == urljoin(base_url, "ontology.html")
    status, _final, media, body = _get(urljoin(base_url, "ontology"), "text/turtle")
    assert status == 200 and media.startswith("text/turtle")
    assert (URIRef(BASE + "ontology"), None, None) in Graph().parse(data=body, format="turtle")
    term = urljoin(base_url, "ontology/NmdaReceptorAntagonist")
    assert _get(term, CHROMIUM_ACCEPT)[0] == 200


@pytest.mark.parametrize("path", [".well-known/void", ".well-known/sparql-examples"])
def test_the_well_known_descriptions_are_turtle(base_url: str, path: str) -> None:
    status, _final, media, body = _get(urljoin(base_url, path))
    assert (status, media) == (200, "text/turtle; charset=utf-8")
    assert len(Graph().parse(data=body, format="turtle")) > 0


def test_an_unknown_iri_gets_404_with_a_page_linking_to_search(base_url: str) -> None:
    status, _final, media, body = _get(urljoin(base_url, "resource/claim/NO-SUCH-CLAIM"), CHROMIUM_ACCEPT)
    assert (status, media) == (404, "text/html; charset=utf-8")
    assert b'href="../../search.html"' in body


def test_an_accept_header_no_format_matches_gets_406(base_url: str) -> None:
    assert _get(urljoin(base_url, CLAIM), "image/png")[0] == 406


def test_a_malformed_query_gets_400_with_the_parser_message(base_url: str) -> None:
    status, _final, _media, body = _get(urljoin(base_url, "sparql"), data=b"SELECT * WHERE { ?s ?p }",
                                        content_type="application/sparql-query")
    assert status == 400
    assert b"line" in body.lower() or b"expected" in body.lower()


@pytest.mark.parametrize("form", [
    {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"},
    {"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"},
])
def test_updates_and_service_get_403(base_url: str, form: dict[str, str]) -> None:
    status = _get(urljoin(base_url, "sparql"), data=urlencode(form).encode(),
                  content_type="application/x-www-form-urlencoded")[0]
    assert status == 403


def test_the_endpoint_answers_a_query_and_sends_a_browser_to_the_query_ui(base_url: str) -> None:
    query = urlencode({"query": "ASK { ?s ?p ?o }"})
    status, _final, _media, body = _get(urljoin(base_url, "sparql?" + query),
                                        "application/sparql-results+json")
    assert status == 200 and json.loads(body)["boolean"] is True
    assert _get(urljoin(base_url, "sparql"), CHROMIUM_ACCEPT)[1] == urljoin(base_url, "sparql.html")
