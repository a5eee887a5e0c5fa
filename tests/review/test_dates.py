"""Dates: W3CDTF strings that OWL 2 tools accept and both SPARQL engines sort alike (issue 13.3, 13.6)."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal

from ketrdf.cli import main
from ketrdf.engines.oxigraph import run
from ketrdf.engines.rdflib_sparql import run_sparql
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.query.results import QueryResult
from ketrdf.rdfio.terms import load_store

pytestmark = pytest.mark.integration  # the review's dates on both engines

EVERY_DATE = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX ket: <https://w3id.org/ketrdf/ontology#>
SELECT ?when ?node WHERE { VALUES ?property { dcterms:issued ket:date } ?node ?property ?when }
ORDER BY ?when ?node
"""

# The events the review dates, by the claim that reports them, as the review gives each date.
REVIEW_EVENT_DATES = {
    ("HIST-1", "1962"),        # synthesis at Parke-Davis
    ("HIST-2", "1964"),        # first given to humans
    ("HIST-8", "1994"),        # the Yale group's study in healthy subjects
    ("HIST-9", "2000"),        # the Yale group's placebo-controlled trial
    ("HIST-4", "2007"),        # Japan designates ketamine a narcotic
    ("ENAN-17", "2014"),       # the author's group reports (R) above (S)
    ("ENAN-17", "2016-05"),    # the metabolite report, May 2016
    ("ENAN-6", "2019-03-05"),  # FDA approval of the (S)-ketamine nasal spray
    ("ANIM-2", "2019-07"),     # the news article on the swim test, July 2019
    ("CONC-3", "2020"),        # trial results the author expects in 2020 (not yet happened)
}

EVENT_DATES_BY_CLAIM = """
PREFIX ket: <https://w3id.org/ketrdf/ontology#>
SELECT ?claim_id ?when
WHERE { ?claim ket:claimId ?claim_id ; ket:reportsEvent ?event . ?event ket:date ?when }
"""


def _chronological_key(when: str) -> tuple[int, ...]:
    """Year, month, day of a W3CDTF date; a year or a month sorts before the days inside it."""
    return tuple(int(part) for part in when.split("-"))


def _dates(result: QueryResult) -> list[str]:
    return [str(row[0]) for row in result.rows]


@pytest.fixture(scope="module")
def both_engines(reasoned: KnowledgeGraph) -> dict[str, list[str]]:
    """Every date in the graph, ordered by ``ORDER BY ?when`` on rdflib's engine and on Oxigraph."""
    return {
        "rdflib": _dates(run_sparql(reasoned.union(), EVERY_DATE)),
        "oxigraph": _dates(run(load_store(reasoned.named_graphs().values()), EVERY_DATE)),
    }


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_order_by_date_is_chronological(both_engines: dict[str, list[str]], engine: str) -> None:
    """ORDER BY over every date gives 1962 (HIST-1) before 2019-03-05 (ENAN-6), on either engine."""
    dates = both_engines[engine]
    assert len(dates) == 47  # 35 references, the review itself, 10 events and 1 expected (CONC-3)
    assert dates == sorted(dates, key=_chronological_key)
    assert dates.index("1962") < dates.index("2019-03-05") < dates.index("2019-07")


def test_both_engines_give_one_order(both_engines: dict[str, list[str]]) -> None:
    assert both_engines["rdflib"] == both_engines["oxigraph"]


def test_every_date_is_a_w3cdtf_string(reasoned_union: Graph) -> None:
    """Plain strings: OWL 2 has no datatype for a year or a month, and an instant would invent a day."""
    for row in run_sparql(reasoned_union, EVERY_DATE).rows:
        when = row[0]
        assert isinstance(when, Literal)
        assert when.datatype is None and when.language is None, (row[1], when.n3())
        _chronological_key(str(when))


def test_event_dates_are_the_reviews(reasoned_union: Graph) -> None:
    rows = run_sparql(reasoned_union, EVENT_DATES_BY_CLAIM).rows
    found = {(str(claim), str(when)) for claim, when in rows}
    assert found >= REVIEW_EVENT_DATES
    # ENAN-8's "from about 2010": the year 2010, with ket:dateQualifier ket:About (review/test_fidelity.py).
    assert {when for claim, when in found if claim == "ENAN-8"} == {"2010"}


def _timeline(project: Project, engine: str) -> list[tuple[str, str]]:
    result = CliRunner().invoke(main, ["--project", str(project.root), "-q", "query", "run", "timeline",
                                       "--engine", engine, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    return [(row["date"], row["event"]) for row in rows]


def test_timeline_in_one_chronological_order_on_both_engines(review_build: Project) -> None:
    on_oxigraph = _timeline(review_build, "oxigraph")
    assert _timeline(review_build, "rdflib") == on_oxigraph
    dates = [when for when, _event in on_oxigraph]
    assert dates == sorted(dates, key=_chronological_key)
    assert dates[0] == "1962" and "2019-03-05" in dates  # HIST-1 first; ENAN-6's approval listed
