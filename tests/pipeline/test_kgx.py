"""KGX TSV export (issue 18): the columns of the KGX format specification
(biolink/kgx, specification/kgx-format.md: nodes need id and category, edges subject,
predicate and object), Biolink categories, and one edge per comparison claim."""

from __future__ import annotations

import csv
import io

import pytest

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline import kgx
from ketrdf.vocabulary import KET


@pytest.fixture(scope="module")
def exported(reasoned: KnowledgeGraph) -> tuple[bytes, bytes]:
    return kgx.tables(reasoned)


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter="\t"))


def test_the_columns_are_those_the_kgx_format_requires(exported: tuple[bytes, bytes]) -> None:
    nodes, edges = map(_rows, exported)
    assert nodes and edges
    for row in nodes:
        assert row["id"] and row["category"].startswith("biolink:") and row["name"]
    for row in edges:
        assert row["subject"] and row["object"] and row["predicate"].startswith("biolink:")
        assert row["category"].startswith("biolink:")
    ids = {row["id"] for row in nodes}
    assert {row["subject"] for row in edges} | {row["object"] for row in edges} <= ids


def test_every_comparison_is_one_edge(reasoned: KnowledgeGraph, exported: tuple[bytes, bytes]) -> None:
    comparisons = set(reasoned.content.subjects(KET.comparand, None))
    assert len(_rows(exported[1])) == len(comparisons)


def test_enan_9_is_an_edge_qualified_by_its_endpoint(exported: tuple[bytes, bytes]) -> None:
    # ENAN-9: (R) outdid (S) as an antidepressant in animal models, refs 28, 30, 31, 32, 35 (review digest)
    [edge] = [row for row in _rows(exported[1]) if row["id"] == "claim:ENAN-9"]
    assert (edge["subject"], edge["object"]) == ("kr:r-ketamine", "kr:s-ketamine")
    assert edge["qualified_on_endpoint"] == "kr:antidepressant-effect"
    assert edge["original_predicate"] == "ket:moreAntidepressantThan"
    assert edge["publications"].split("|") == sorted(f"ref:{n}" for n in (28, 30, 31, 32, 35))
    assert edge["stated_in"] == "kr:hashimoto-2020-section-III"


def test_the_compounds_are_chemical_entities(exported: tuple[bytes, bytes]) -> None:
    nodes = {row["id"]: row for row in _rows(exported[0])}
    assert nodes["kr:r-ketamine"]["category"] == "biolink:ChemicalEntity"


def test_the_export_is_deterministic(reasoned: KnowledgeGraph, exported: tuple[bytes, bytes]) -> None:
    assert kgx.tables(reasoned) == exported
