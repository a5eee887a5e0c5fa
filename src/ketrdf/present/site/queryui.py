"""The site's query UI: ``sparql.html``, Yasgui (vendored, offline) on the endpoint ``sparql`` beside it.

Every saved query is a tab, as the endpoint receives it from ``ketrdf query run --endpoint``:
its example parameter values bound as ``VALUES`` and ketrdf's prefixes declared. The page
opens the tab named by ``?query=NAME``. Nothing is fetched from the network: Yasgui's LOV
autocompleters are off, its endpoint catalogue lists only this endpoint, its prefix
autocompleter reads ketrdf's prefixes from ``assets/yasgui/prefixes.json`` beside the page,
and nothing is kept in the browser's storage (every visit starts from the saved queries).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ketrdf.engines.sparql import DEFAULT_ENGINE, sparql_engine
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.query.parameters import bind_parameters
from ketrdf.query.saved import SavedQuery
from ketrdf.query.values import with_values
from ketrdf.vocabulary import PREFIXES

PAGE = "sparql.html"
ENDPOINT = "sparql"  # relative to the page, so the UI works under any base
ASSETS = Path(__file__).parent / "assets" / "yasgui"
ASSET_FOLDER = "assets/yasgui"
VENDORED = ("yasgui.min.js", "yasgui.min.css", "LICENSE")
PREFIX_FILE = "prefixes.json"
NEW_TAB_QUERY = "SELECT ?subject ?predicate ?object WHERE {\n  ?subject ?predicate ?object\n}\nLIMIT 10\n"


@dataclass(frozen=True)
class QueryTab:
    """A saved query as the UI offers it: its name, title, question and the text sent."""

    name: str
    title: str
    question: str
    text: str


def query_tabs(kg: KnowledgeGraph, saved_queries: Iterable[SavedQuery]) -> list[QueryTab]:
    """A tab per saved query (by name), with its example values bound as the endpoint gets them."""
    tabs = []
    for saved in sorted(saved_queries, key=lambda query: query.name):
        bindings = bind_parameters(saved, dict(saved.example), sparql_engine(DEFAULT_ENGINE, kg))
        text = with_values(saved.text, bindings, str(saved.path))
        tabs.append(QueryTab(saved.name, saved.title, saved.question, text))
    return tabs


def render_query_ui(tabs: list[QueryTab], prefixes: Mapping[str, str] = PREFIXES) -> str:
    """The HTML of ``sparql.html``."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    declarations = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items())
    config = {
        "endpoint": ENDPOINT,
        "prefixFile": f"{ASSET_FOLDER}/{PREFIX_FILE}",
        "newTabQuery": declarations + "\n" + NEW_TAB_QUERY,
        "tabs": [{"name": tab.name, "title": tab.title, "text": tab.text} for tab in tabs],
    }
    return environment.get_template("sparql.html").render(
        assets=ASSET_FOLDER, tabs=tabs, config=config)


def query_ui_files(tabs: list[QueryTab], prefixes: Mapping[str, str] = PREFIXES) -> dict[str, bytes]:
    """``sparql.html`` and its assets (Yasgui, ketrdf's prefixes) by path in the site, for the writer."""
    files = {f"{ASSET_FOLDER}/{name}": (ASSETS / name).read_bytes() for name in VENDORED}
    files[f"{ASSET_FOLDER}/{PREFIX_FILE}"] = (json.dumps(dict(prefixes), indent=1, sort_keys=True)
                                              + "\n").encode("utf-8")
    files[PAGE] = render_query_ui(tabs, prefixes).encode("utf-8")
    return files
