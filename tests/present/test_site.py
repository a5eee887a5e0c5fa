"""``ketrdf site`` on the review's graph: every subject's pages, links, diagrams, languages, rules."""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.present.reader import GraphReader
from ketrdf.present.site.paths import subject_path
from ketrdf.present.site.publish import htaccess
from ketrdf.present.site.writer import SiteFiles, SiteOptions
from ketrdf.project import Project
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import load_saved_queries
from tests.support.site import SITE_GROUP

BASE = "https://w3id.org/ketrdf/"
SVG = "{http://www.w3.org/2000/svg}"
R, RS, S = (BASE + f"resource/{name}-ketamine" for name in ("r", "rs", "s"))
pytestmark = pytest.mark.xdist_group(SITE_GROUP)


class Parsed(HTMLParser):
    """The links, the <html lang>, the elements with a lang attribute and the JSON-LD of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self.html_lang = ""
        self.stack: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []  # (text, language in effect)
        self.scripts: dict[str, str] = {}
        self._script = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.html_lang = values.get("lang") or ""
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "link", "script"):
                self.links.append(values[name] or "")
        if tag == "script":
            self._script = values.get("type") or "text/javascript"
        if tag not in ("meta", "link", "br", "input", "path", "rect", "circle", "line"):
            lang = values.get("lang") or (self.stack[-1][1] if self.stack else self.html_lang)
            self.stack.append((tag, lang))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        self._script = ""

    def handle_data(self, data: str) -> None:
        if self._script:
            self.scripts[self._script] = self.scripts.get(self._script, "") + data
        elif data.strip():
            self.texts.append((data.strip(), self.stack[-1][1] if self.stack else self.html_lang))


def page(site: dict[str, bytes], name: str) -> Parsed:
    return Parsed(site[name].decode("utf-8"))


def test_every_resource_term_and_query_has_its_pages_and_rdf(site: dict[str, bytes],
                                                            reasoned: KnowledgeGraph) -> None:
    union = reasoned.union()
    iris = {str(node) for triple in union for node in triple if isinstance(node, URIRef)}
    wanted = {subject_path(iri) for iri in iris
              if iri.startswith((BASE + "resource/", BASE + "query/", BASE + "ontology#"))}
    assert len(wanted) > 300
    missing = [f"{path}{suffix}" for path in sorted(p for p in wanted if p)
               for suffix in (".html", ".ttl", ".jsonld", ".nt", ".rdf")
               if f"{path}{suffix}" not in site or f"ja/{path}.html" not in site]
    assert missing == []


def test_no_internal_link_is_broken(site: dict[str, bytes]) -> None:
    broken = []
    for name in sorted(n for n in site if n.endswith(".html")):
        for link in page(site, name).links:
            target = link.split("#")[0].split("?")[0]
            if not target or re.match(r"^[a-z]+:", target) or target == "sparql.html" or \
                    target.endswith("/sparql.html"):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
            if resolved not in site:
                broken.append(f"{name} -> {link}")
    assert broken == []


def test_each_page_carries_its_subjects_rdf(site: dict[str, bytes]) -> None:
    parsed = page(site, "resource/claim/ENAN-9.html")
    embedded = Graph().parse(data=parsed.scripts["application/ld+json"], format="json-ld")
    turtle = Graph().parse(data=site["resource/claim/ENAN-9.ttl"].decode(), format="turtle")
    assert len(embedded) == len(turtle) > 0
    assert (URIRef(BASE + "resource/claim/ENAN-9"), None, None) in turtle
    assert "../../resource/claim/ENAN-9.ttl" not in parsed.links  # relative to the page's own folder
    assert {"ENAN-9.ttl", "ENAN-9.jsonld"} <= set(parsed.links)


def test_the_enan_9_page_shows_its_references_with_links(site: dict[str, bytes]) -> None:
    # ENAN-9 (digest): (R) stronger and longer-lasting than (S) in animal models [28, 30, 31, 32, 35].
    text = site["resource/claim/ENAN-9.html"].decode()
    parsed = Parsed(text)
    references = {link.rsplit("/", 1)[-1] for link in parsed.links if "/hashimoto-2020/ref/" in link}
    assert {"28.html", "30.html", "31.html", "32.html", "35.html"} <= references
    assert any(link.startswith(("https://doi.org/", "https://pubmed.ncbi.nlm.nih.gov/"))
               for link in parsed.links)
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", text, re.S).group())  # type: ignore[union-attr]
    assert any(a.get("data-iri") == BASE + "resource/claim/ENAN-9" for a in svg.iter(f"{SVG}a"))


def test_the_antidepressant_ordering_draws_stated_and_inferred_edges(site: dict[str, bytes]) -> None:
    # ENAN-18, T2-antidepressant: (R) > (R,S) > (S); (R) > (S) also follows by transitivity.
    text = site["resource/antidepressant-effect.html"].decode()
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", text, re.S).group())  # type: ignore[union-attr]
    edges = {(a.get("class"), a.get("data-from"), a.get("data-to")) for a in svg.iter(f"{SVG}a")
             if "edge" in (a.get("class") or "")}
    assert {("edge stated", R, RS), ("edge stated", RS, S), ("edge inferred", R, S)} <= edges
    assert not {(kind, a, b) for kind, a, b in edges if (a, b) in {(S, R), (RS, R), (S, RS)}}


def test_the_nmda_antagonist_term_page_says_its_definition_in_words(site: dict[str, bytes]) -> None:
    text = site["ontology/NmdaReceptorAntagonist.html"].decode()
    equivalent = re.search(r'<dd class="equivalent"[^>]*>(.*?)</dd>', text, re.S)
    assert equivalent is not None
    words = re.sub(r"<[^>]+>", "", equivalent.group(1))
    assert "have ket:hasRole the value kr:role-nmda-receptor-antagonist" in words
    assert 'id="NmdaReceptorAntagonist"' in site["ontology.html"].decode()


def test_japanese_pages_show_one_language_per_element(site: dict[str, bytes],
                                                      reasoned: KnowledgeGraph) -> None:
    parsed = page(site, "ja/resource/r-ketamine.html")
    assert parsed.html_lang == "ja"
    english = {str(o) for o in reasoned.union().objects(URIRef(R), URIRef(
        "http://www.w3.org/2000/01/rdf-schema#label")) if getattr(o, "language", None) == "en"}
    assert english and not any(text in english for text, _ in parsed.texts)
    latin = [text for text, lang in parsed.texts
             if lang == "ja" and re.fullmatch(r"[A-Za-z ,.()]{25,}", text)]
    assert latin == []  # long English text on a Japanese page is marked lang="en"


def test_htaccess_sends_each_kind_of_iri_to_an_existing_file(site: dict[str, bytes]) -> None:
    publish = "https://static.example/ketrdf/"
    rules, conditions = [], []
    for line in htaccess(publish).splitlines():
        if line.startswith("RewriteCond"):
            _, variable, pattern = line.split(" ", 2)
            conditions.append((variable, re.compile(pattern)))
        elif line.startswith("RewriteRule"):
            _, pattern, target, _flags = line.split(" ")
            rules.append((re.compile(pattern), target, conditions))
            conditions = []

    def resolve(path: str, headers: dict[str, str]) -> str:
        for pattern, target, conds in rules:
            found = pattern.match(path)
            header = {"%{HTTP_ACCEPT}": "Accept", "%{HTTP:Accept-Language}": "Accept-Language"}
            if found and all(c.search(headers.get(header[v], "")) for v, c in conds):
                return found.expand(target.replace("$1", r"\1")).removeprefix(publish)
        raise AssertionError(path)

    html = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9"}
    for path in ("resource/claim/ENAN-9", "query/antidepressant-ranking", "ontology/NmdaReceptorAntagonist",
                 "ontology", "resource/r-ketamine"):
        assert resolve(path, html) == f"{path}.html"
        assert resolve(path, {**html, "Accept-Language": "ja,en;q=0.5"}) == f"ja/{path}.html"
        for media, suffix in (("text/turtle", ".ttl"), ("application/ld+json", ".jsonld"),
                              ("application/n-triples", ".nt"), ("application/rdf+xml", ".rdf")):
            assert resolve(path, {"Accept": media}) == f"{path}{suffix}" and f"{path}{suffix}" in site
    assert resolve("", html) == "index.html"
    assert resolve("downloads/ketrdf.trig", html) == "downloads/ketrdf.trig" in site


def test_well_known_files_parse(site: dict[str, bytes]) -> None:
    void = Graph().parse(data=site[".well-known/void"].decode(), format="turtle")
    examples = Graph().parse(data=site[".well-known/sparql-examples"].decode(), format="turtle")
    assert (URIRef(BASE), None, None) in void
    assert (URIRef(BASE + "query/antidepressant-ranking"), URIRef("http://www.w3.org/ns/shacl#select"),
            None) in examples


def test_the_site_is_written_whole_and_the_same_twice(
        site: dict[str, bytes], site_dir: Path, reasoned: KnowledgeGraph, project: Project,
        saved_answers: dict[str, QueryResult]) -> None:
    """``site`` is what ``ketrdf site`` wrote (``site_dir``); made again with a new reader, the English
    pages and every RDF file are the same bytes."""
    reader = GraphReader.for_project(reasoned, project.prefixes_file)  # a new one: nothing remembered
    saved = load_saved_queries(project.queries_dir)
    again = SiteFiles(reader, reasoned, saved, saved_answers, SiteOptions(("en",))).files()
    assert again == {name: data for name, data in site.items() if not name.startswith("ja/")}
    assert sorted(p.name for p in site_dir.parent.iterdir()) == ["site"]  # no staging folder left
