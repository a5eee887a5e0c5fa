"""The site, served by ``ketrdf serve``, in a real browser (issue 17, "Tested in a real browser" 1-5, 7).

Expected facts come from the review (claim ids of ``../shared/review-digest.md``) and from
the graph; pages are read through the DOM Chromium built, never by matching the HTML text.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from ketrdf.answer import answer_queries, query_engine
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.query.saved import load_saved_queries
from ketrdf.vocabulary import BASE, KR, PREFIXES, prefix_converter
from tests.browser.conftest import console_errors, requested_urls, screenshot, screenshot_path
from tests.support.site import SITE_GROUP

pytestmark = pytest.mark.xdist_group(SITE_GROUP)

ENAN_9 = "resource/claim/ENAN-9"
#: ENAN-9 cites references 28, 30, 31, 32 and 35 (review digest, ENAN-9).
ENAN_9_REFERENCES = {28, 30, 31, 32, 35}
#: Table 2, T2-antidepressant: (R)-ketamine > (R,S)-ketamine > (S)-ketamine (review digest, ENAN-18).
R, RS, S = str(KR["r-ketamine"]), str(KR["rs-ketamine"]), str(KR["s-ketamine"])


def _open(browser: WebDriver, url: str) -> None:
    browser.get(url)
    assert console_errors(browser) == [], url


class _Links(HTMLParser):
    """The ``href``/``src`` values and ``id`` attributes of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, _tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            elif name == "id" and value is not None:
                self.ids.add(value)


def _fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # follows the 303s
            return int(response.status), response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", b""


def test_no_internal_link_of_any_page_is_broken(base_url: str) -> None:
    """Crawl the whole site over HTTP from both indexes: every link and anchor resolves."""
    started = time.monotonic()
    queue = deque([urljoin(base_url, "index.html"), urljoin(base_url, "ja/index.html")])
    ids: dict[str, set[str]] = {}
    broken: dict[str, int] = {}
    fragments: set[tuple[str, str]] = set()
    seen = set(queue)
    while queue:
        url = queue.popleft()
        status, media, body = _fetch(url)
        if status != 200:
            broken[url] = status
            continue
        if not media.startswith("text/html"):
            continue
        page = _Links()
        page.feed(body.decode("utf-8"))
        ids[url] = page.ids
        for link in page.links:
            target, fragment = urldefrag(urljoin(url, link))
            if not target.startswith(base_url):
                assert urlsplit(target).scheme in ("https", "http", "mailto", "data"), (url, link)
                continue
            if fragment:
                fragments.add((target, fragment))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    print(f"crawled {len(ids)} pages, {len(seen)} files in {time.monotonic() - started:.1f} s")
    assert broken == {}
    assert {(page, anchor) for page, anchor in fragments if anchor not in ids.get(page, set())} == set()
    for path in (f"{ENAN_9}.html", f"ja/{ENAN_9}.html", "ontology.html", "sparql.html", "diagrams.html"):
        assert urljoin(base_url, path) in ids, f"{path} is not reached from the index"


#: One page of each kind, in each language: each loads in the browser with no console error.
PAGE_KINDS = ("index.html", "ontology.html", "ontology/NmdaReceptorAntagonist.html", f"{ENAN_9}.html",
              "resource/r-ketamine.html", "resource/hashimoto-2020/ref/28.html",
              "query/antidepressant-ranking.html", "diagrams.html", "search.html")


@pytest.mark.parametrize("language", ["", "ja/"])
def test_every_kind_of_page_loads_without_console_errors_or_outside_requests(
        browser: WebDriver, base_url: str, language: str) -> None:
    requested_urls(browser)  # forget what came before
    for path in (*PAGE_KINDS, "sparql.html"):
        url = urljoin(base_url, (language if path != "sparql.html" else "") + path)
        browser.get(url)
        assert browser.title, url
        assert console_errors(browser) == [], url
    outside = [url for url in requested_urls(browser)
               if urlsplit(url).scheme in ("http", "https", "ws", "wss") and not url.startswith(base_url)]
    assert outside == [], "the pages asked for something beyond the server"
    if not language:
        browser.get(base_url)
        screenshot(browser, "index")


def test_the_enan_9_page_shows_the_claim_its_evidence_and_its_references(
        browser: WebDriver, base_url: str, reasoned: KnowledgeGraph) -> None:
    _open(browser, urljoin(base_url, f"{ENAN_9}.html"))
    screenshot(browser, "claim-ENAN-9")
    statement = browser.find_element(By.CSS_SELECTOR, "section.statement")
    assert "ENAN-9" in statement.find_element(By.TAG_NAME, "h2").text
    assert statement.find_elements(By.CSS_SELECTOR, "section.evidence"), "no evidence shown"
    cited = browser.find_elements(By.CSS_SELECTOR, "section.cited")
    numbers = set()
    for reference in cited:
        iri = URIRef(prefix_converter().expand(
            reference.find_element(By.CSS_SELECTOR, "h3 a").get_attribute("title") or ""))
        number = int(str(iri).rsplit("/", 1)[1])
        numbers.add(number)
        hrefs = [link.get_attribute("href") or "" for link in
                 reference.find_elements(By.CSS_SELECTOR, "a.external")]
        for href in hrefs:
            assert re.fullmatch(r"https://doi\.org/10\.\d{4,9}/\S+|https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/?",
                                href), href
        union = reasoned.union()
        known = {str(o) for o in union.objects(iri, None) if str(o).startswith(("https://doi.org/",
                                                                                "https://pubmed"))}
        assert set(hrefs) >= known, f"reference {number}: the graph's DOI/PubMed links are not all shown"
    assert numbers == ENAN_9_REFERENCES
    assert any(link.get_attribute("href", ) for ref in cited for link in ref.find_elements(By.CSS_SELECTOR,
               "a.external")), "no DOI or PubMed link at all"


def test_a_compound_page_shows_its_identifiers(browser: WebDriver, base_url: str,
                                               reasoned: KnowledgeGraph) -> None:
    """(R)-ketamine's page links every identifier the graph matches it to (PubChem, InChIKey, ...)."""
    _open(browser, urljoin(base_url, "resource/r-ketamine.html"))
    screenshot(browser, "compound-r-ketamine")
    shown = {link.get_attribute("href") for link in
             browser.find_elements(By.CSS_SELECTOR, "ul.identifiers a")}
    matches = {str(iri) for iri in reasoned.union().objects(URIRef(R), SKOS.exactMatch)}
    assert matches, "the graph matches (R)-ketamine to no identifier"
    assert matches <= shown


def _edges(browser: WebDriver, endpoint: str) -> list[tuple[str, str, str, WebElement]]:
    """Each edge drawn for ``endpoint``: (from, to, stated or inferred, the element)."""
    found = []
    for edge in browser.find_elements(By.CSS_SELECTOR, f"section.ordering#{endpoint} svg .edge"):
        (kind,) = set((edge.get_attribute("class") or "").split()) - {"edge"}
        found.append((edge.get_attribute("data-from") or "", edge.get_attribute("data-to") or "", kind, edge))
    return found


def _dashes(edge: WebElement) -> str:
    return str(edge.find_element(By.TAG_NAME, "path").value_of_css_property("stroke-dasharray"))


def test_the_orderings_draw_stated_and_inferred_edges_apart(browser: WebDriver, base_url: str) -> None:
    """Table 2 (ENAN-18): (R) > (R,S) > (S) for antidepressant action; ENAN-9 states (R) > (S) too.

    (R) > (S) also follows from the other two by transitivity, so it is drawn twice: stated
    (solid, linked to ENAN-9's claims) and inferred (dashed). For side effects (S) > (R,S) >> (R):
    the review never compares (S) with (R) directly, so (S) > (R) is only inferred.
    """
    _open(browser, urljoin(base_url, "diagrams.html"))
    figure = browser.find_element(By.CSS_SELECTOR, "section.ordering#antidepressant-effect figure")
    browser.execute_script("arguments[0].scrollIntoView()", figure)
    figure.screenshot(str(screenshot_path("diagram-antidepressant-ordering")))
    antidepressant = _edges(browser, "antidepressant-effect")
    assert sorted(edge[:3] for edge in antidepressant) == sorted([
        (R, RS, "stated"), (RS, S, "stated"), (R, S, "stated"), (R, S, "inferred")])
    side_effects = _edges(browser, "side-effect-burden")
    assert sorted(edge[:3] for edge in side_effects) == sorted([
        (S, RS, "stated"), (RS, R, "stated"), (S, R, "inferred")])
    for edges in (antidepressant, side_effects):
        stated = {_dashes(edge) for *_, kind, edge in edges if kind == "stated"}
        inferred = {_dashes(edge) for *_, kind, edge in edges if kind == "inferred"}
        assert not stated & inferred, "an inferred edge is drawn like a stated one"
    for *_, edge in [*antidepressant, *side_effects]:
        assert edge.get_attribute("href"), "an edge does not link to its claims"


def _cell(term: object) -> str:
    return "" if term is None else str(term)


def test_the_query_ui_from_a_saved_query_page_shows_the_rows_of_query_run(
        browser: WebDriver, base_url: str, reasoned: KnowledgeGraph, project: Project) -> None:
    name = "antidepressant-ranking"
    _open(browser, urljoin(base_url, f"query/{name}.html"))
    requested_urls(browser)
    browser.find_element(By.CSS_SELECTOR, f'a[href$="sparql.html?query={name}"]').click()
    WebDriverWait(browser, 20).until(lambda driver: driver.execute_script(
        "return typeof yasgui !== 'undefined' && yasgui.getTab() !== undefined"))
    assert browser.execute_script("return yasgui.getTab().getName()") == name
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows = WebDriverWait(browser, 20).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr"))
    screenshot(browser, "query-ui")
    shown = []
    for row in rows:
        cells = row.find_elements(By.TAG_NAME, "td")[1:]  # the first column numbers the rows
        shown.append(tuple(_shown_value(cell) for cell in cells))
    saved = load_saved_queries(project.queries_dir)
    (answer,) = answer_queries(reasoned, [saved[name]], None, query_engine(reasoned, "oxigraph"))
    assert shown == [tuple(_cell(term) for term in row) for row in answer.result.rows]
    assert console_errors(browser) == []
    outside = [url for url in requested_urls(browser)
               if urlsplit(url).scheme in ("http", "https") and not url.startswith(base_url)]
    assert outside == []


def _shown_value(cell: WebElement) -> str:
    """A Yasr table cell as a term: an IRI's link, a literal's lexical form without quotes and tags."""
    text = str(cell.text).strip()
    quoted = re.fullmatch(r'"(.*)"(@[A-Za-z-]+|\^\^\S+)?', text, re.DOTALL)
    if quoted:
        return quoted.group(1)
    links = [link.get_attribute("href") for link in cell.find_elements(By.CSS_SELECTOR, "a.iri")]
    return str(links[0]) if links else text


def test_the_query_ui_knows_ketrdf_prefixes_and_fetches_nothing_outside(browser: WebDriver,
                                                                        base_url: str) -> None:
    requested_urls(browser)
    _open(browser, urljoin(base_url, "sparql.html?query=evidence"))
    WebDriverWait(browser, 20).until(lambda driver: driver.execute_script(
        "return typeof yasgui !== 'undefined' && yasgui.getTab() !== undefined"))
    config = browser.execute_script("const c = yasgui.getTab().getYasqe().config;"
                                    "return [c.autocompleters, c.prefixCcApi]")
    assert "property" not in config[0] and "class" not in config[0], "LOV autocompleters are on"
    editor = browser.execute_script("return yasgui.getTab().getYasqe().getValue()")
    for prefix, iri in PREFIXES.items():
        assert f"PREFIX {prefix}: <{iri}>" in editor
    # type into the editor as a user would: autocompletion must not reach for LOV or prefix.cc
    browser.execute_script("const y = yasgui.getTab().getYasqe(); y.setValue('PREFIX ket' + ': <"
                           + BASE + "ontology#>\\nSELECT * WHERE { ?s a ket:Cl'); y.focus();"
                           "y.setCursor(y.lastLine()); y.showHint && y.autocomplete();")
    time.sleep(1)
    outside = [url for url in requested_urls(browser)
               if urlsplit(url).scheme in ("http", "https", "ws", "wss") and not url.startswith(base_url)]
    assert outside == []


def test_japanese_pages_show_japanese_labels_where_the_graph_has_them(
        browser: WebDriver, base_url: str, reasoned: KnowledgeGraph) -> None:
    union = reasoned.union()
    converter = prefix_converter()
    for path in (f"ja/{ENAN_9}.html", "ja/resource/r-ketamine.html", "ja/index.html"):
        _open(browser, urljoin(base_url, path))
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ja"
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('main a[title]'), a => [a.title, a.textContent,"
            " (a.querySelector('[lang]') || a.closest('[lang]')).lang])")
        checked = 0
        for curie, text, lang in links:
            iri = converter.expand(curie)
            if iri is None:
                continue
            labels = {label.language: str(label) for label in union.objects(URIRef(iri), RDFS.label)
                      if isinstance(label, Literal)}
            if "ja" in labels:
                assert (text, lang) == (labels["ja"], "ja"), (path, curie)
                checked += 1
            elif text in labels.values():
                assert lang != "ja", f"{path}: {curie}'s label is marked Japanese but the graph has none"
        assert checked, f"{path}: no link with a Japanese label"
    screenshot(browser, "japanese-index")
