"""The union view: several graphs read as one without a copy, each triple once."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from ketrdf.knowledge_graph import union_view

EX = "http://example.org/"


def _graph(*numbers: int) -> Graph:
    graph = Graph()
    for number in numbers:
        graph.add((URIRef(f"{EX}s{number}"), URIRef(f"{EX}p"), Literal(number)))
    return graph


def test_a_triple_in_two_graphs_is_seen_once() -> None:
    first, second = _graph(1, 2, 3), _graph(3, 4)
    view = union_view((first, second))
    assert sorted(view) == sorted(set(first) | set(second))
    assert len(view) == 4
    rows = list(view.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))
    assert rows[0][0] == Literal(4)  # type: ignore[index]


def test_the_view_follows_its_graphs_and_is_read_only() -> None:
    first, second = _graph(1), Graph()
    view = union_view((first, second))
    second += _graph(5)
    assert (URIRef(f"{EX}s5"), URIRef(f"{EX}p"), Literal(5)) in view
    with pytest.raises(TypeError, match="read-only"):
        view.add((URIRef(f"{EX}s9"), URIRef(f"{EX}p"), Literal(9)))
    assert len(first) == 1 and len(second) == 1
