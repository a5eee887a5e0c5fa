"""Linked Data over a site folder (issue 17, serve): content negotiation, files, 404 and 406.

The site here is a tiny folder laid out as ``ketrdf site``'s contract says (``P.html``,
``ja/P.html``, ``P.ttl``, ...), so these tests need neither the review nor a server.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest

from ketrdf.stores.linked_data import Site, negotiate, prefers_japanese

CLAIM = "resource/claim/ENAN-9"
FORMATS = {".html": "<html lang=\"en\"></html>", ".ttl": "# turtle\n", ".jsonld": "{}\n", ".nt": "\n",
           ".rdf": "<rdf:RDF/>\n"}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    for suffix, text in FORMATS.items():
        (tmp_path / (CLAIM + suffix)).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / (CLAIM + suffix)).write_text(text, encoding="utf-8")
    (tmp_path / "ja" / CLAIM).parent.mkdir(parents=True)
    (tmp_path / "ja" / (CLAIM + ".html")).write_text('<html lang="ja"></html>', encoding="utf-8")
    (tmp_path / "ontology.html").write_text("<html></html>", encoding="utf-8")  # no RDF files: HTML only
    (tmp_path / "index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / ".well-known").mkdir()
    (tmp_path / ".well-known" / "void").write_text("# void\n", encoding="utf-8")
    (tmp_path / ".well-known" / "sparql-examples").write_text("# examples\n", encoding="utf-8")
    (tmp_path / ".htaccess").write_text("RewriteEngine on\n", encoding="utf-8")
    (tmp_path.parent / "secret.txt").write_text("outside the site\n", encoding="utf-8")
    return Site(tmp_path)


@pytest.mark.parametrize(("accept", "suffix"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8", ".html"),  # Chromium's
    ("*/*", ".html"),
    ("", ".html"),
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"),
    ("application/rdf+xml", ".rdf"),
    ("text/turtle;q=0.5, application/ld+json", ".jsonld"),
    ("text/*;q=0.9, application/ld+json;q=0.1", ".html"),
    ("application/*", ".jsonld"),
])
def test_a_subject_iri_redirects_to_the_file_of_the_accepted_format(site: Site, accept: str,
                                                                      suffix: str) -> None:
    reply = site.answer(f"/{CLAIM}", accept)
    assert reply.status == 303
    assert reply.headers["Location"] == f"/{CLAIM}{suffix}"
    assert "Accept" in reply.headers["Vary"]
    followed = site.answer(reply.headers["Location"])
    assert followed.status == 200
    assert followed.body.decode() == FORMATS[suffix]


def test_an_accept_header_no_format_matches_gets_406_listing_the_formats(site: Site) -> None:
    reply = site.answer(f"/{CLAIM}", "image/png")
    assert reply.status == 406
    assert "text/turtle" in reply.body.decode()
    assert site.answer(f"/{CLAIM}", "text/turtle;q=0").status == 406


def test_a_subject_with_only_a_page_gets_406_for_rdf_and_the_page_for_html(site: Site) -> None:
    assert site.answer("/ontology", "text/turtle").status == 406
    assert site.answer("/ontology", "text/html").headers["Location"] == "/ontology.html"


@pytest.mark.parametrize(("query", "accept_language", "japanese"), [
    ("lang=ja", "", True),
    ("", "ja,en;q=0.8", True),
    ("", "ja-JP", True),
    ("", "en-US,en;q=0.9,ja;q=0.8", False),
    ("lang=en", "ja", False),
    ("", "", False),
])
def test_japanese_is_chosen_by_lang_or_accept_language(site: Site, query: str, accept_language: str,
                                                       japanese: bool) -> None:
    assert prefers_japanese(query, accept_language) is japanese
    reply = site.answer(f"/{CLAIM}?{query}", "text/html", accept_language)
    assert reply.headers["Location"] == (f"/ja/{CLAIM}.html" if japanese else f"/{CLAIM}.html")


def test_the_well_known_descriptions_are_turtle(site: Site) -> None:
    for path in ("/.well-known/void", "/.well-known/sparql-examples"):
        reply = site.answer(path)
        assert (reply.status, reply.media) == (200, "text/turtle; charset=utf-8")


def test_files_are_served_with_their_types(site: Site) -> None:
    assert site.answer("/").media == "text/html; charset=utf-8"
    assert site.answer(f"/{CLAIM}.jsonld").media == "application/ld+json"
    assert site.answer(f"/{CLAIM}.ttl").media == "text/turtle; charset=utf-8"


@pytest.mark.parametrize("path", [
    "/resource/claim/NO-SUCH-CLAIM", "/.htaccess", "/../secret.txt", "/%2e%2e/secret.txt",
    "/resource/%2e%2e/%2e%2e/secret.txt", "/%ff", "/resource/claim/ENAN-9%00.html", "relative",
])
def test_unknown_or_forbidden_paths_get_404_with_links_to_search_and_index(site: Site, path: str) -> None:
    reply = site.answer(path)
    assert reply.status == 404
    assert reply.media.startswith("text/html")
    page = reply.body.decode()
    assert "search.html" in page and "index.html" in page
    assert "outside the site" not in page


def test_the_404_page_links_resolve_to_the_site_root_from_any_depth(site: Site) -> None:
    for path in ("/nothing", "/resource/claim/NOTHING", "/a/b/c/d"):
        page = site.answer(path).body.decode()
        search = page.split('href="')[1].split('"')[0]
        assert urljoin(f"http://127.0.0.1{path}", search) == "http://127.0.0.1/search.html"


def test_negotiate_prefers_the_earlier_offer_on_equal_quality() -> None:
    assert negotiate("text/turtle, application/ld+json", ["application/ld+json", "text/turtle"]) \
        == "application/ld+json"
    assert negotiate("text/plain", ["text/html"]) is None
    assert negotiate("text/html;q=x", ["text/html"]) is None  # a malformed q accepts nothing
