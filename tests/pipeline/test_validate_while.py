"""validate_while: SHACL validation with other work beside it in a second thread.

Each test makes the two sides wait for each other: run one after the other, the first
would wait in vain (for :data:`PATIENCE` seconds) and the test would fail.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from ketrdf.engines.validators import VALIDATORS
from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.validate import validate_while

PATIENCE = 10.0
NAME = "meeting"


def small_graph() -> KnowledgeGraph:
    content = Graph()
    content.add((URIRef("https://example.org/s"), RDFS.label, Literal("s")))
    return KnowledgeGraph(ontology=Graph(), content=content)


@pytest.fixture
def meeting() -> Iterator[tuple[threading.Event, threading.Event]]:
    """A validator registered as ``meeting``: it signals that it runs, then waits for the other side."""
    validating, preparing = threading.Event(), threading.Event()

    class Meeting:
        name = NAME
        sparql_engine = "oxigraph"

        def report(self, kg: KnowledgeGraph, shapes: Graph) -> tuple[bool, Graph]:
            validating.set()
            if not preparing.wait(PATIENCE):
                raise AssertionError("the preparation did not run while the validator ran")
            if Literal("refuse") in kg.content.objects(None, RDFS.label):
                raise InputError("shapes: refused")
            return True, Graph()

    VALIDATORS.register(NAME, Meeting)
    yield validating, preparing
    del VALIDATORS[NAME]


def meets(events: tuple[threading.Event, threading.Event], then: Callable[[], str]) -> Callable[[], str]:
    """A preparation that signals that it runs, waits for the validator, then does ``then``."""
    validating, preparing = events

    def prepare() -> str:
        preparing.set()
        if not validating.wait(PATIENCE):
            raise AssertionError("the validator did not run while the preparation ran")
        return then()

    return prepare


def test_the_preparation_runs_beside_the_validator_and_both_results_come_back(
        meeting: tuple[threading.Event, threading.Event]) -> None:
    threads: list[threading.Thread] = []

    def store() -> str:
        threads.append(threading.current_thread())
        return "the QC engine's store"

    report, prepared = validate_while(meets(meeting, store), small_graph(), Graph(), NAME)
    assert report.conforms and report.results == ()
    assert prepared == "the QC engine's store"
    assert threads and threads[0] is not threading.main_thread()


def test_an_error_while_preparing_is_raised(meeting: tuple[threading.Event, threading.Event]) -> None:
    def fail() -> str:
        raise MemoryError("no room for the store")

    with pytest.raises(MemoryError, match="no room for the store"):
        validate_while(meets(meeting, fail), small_graph(), Graph(), NAME)


def test_the_validators_error_is_raised_after_the_preparation_has_ended(
        meeting: tuple[threading.Event, threading.Event]) -> None:
    ended: list[str] = []
    kg = small_graph()
    kg.content.set((URIRef("https://example.org/s"), RDFS.label, Literal("refuse")))

    def prepare() -> str:
        ended.append("prepared")
        raise ValueError("a second error, not raised")

    with pytest.raises(InputError, match="refused"):
        validate_while(meets(meeting, prepare), kg, Graph(), NAME)
    assert ended == ["prepared"]  # no thread is left working on the graph
