"""Stage 3, validate: every shape has an invalid fixture that triggers it and a valid one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from ketrdf.build import reasoned_graph
from ketrdf.graphs import KnowledgeGraph
from ketrdf.namespaces import SH
from ketrdf.paths import Project
from ketrdf.validate import ValidationReport, load_shapes
from tests.conftest import DATA

SHAPES_NS = "https://w3id.org/ketrdf/shapes#"
INVALID = sorted((DATA / "shapes" / "invalid").glob("*.ttl"))
VALID = sorted((DATA / "shapes" / "valid").glob("*.ttl"))
NOT_CONSTRAINTS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
                   SH.property, SH.message, SH.name, SH.description, SH.severity, SH.path,
                   SH.order, SH.group, SH.deactivated, RDF.type, RDFS.label, RDFS.comment}


def expected_shapes(fixture: Path) -> set[str]:
    match = re.search(r"^# expect: (.+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{fixture.name} has no '# expect:' line"
    return {name.replace("kets:", "") for name in match.group(1).split()}


def constraint_shapes(shapes: Graph) -> set[str]:
    """Named shapes that carry a constraint of their own (so can be a result's source)."""
    typed = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    named = {s for s in typed if isinstance(s, URIRef) and str(s).startswith(SHAPES_NS)}
    return {
        str(shape).removeprefix(SHAPES_NS) for shape in named
        if any(p not in NOT_CONSTRAINTS for p in shapes.predicates(shape, None))
    }


def source_shapes(report: ValidationReport) -> set[str]:
    return {result.source_shape.removeprefix("kets:") for result in report.results}


@pytest.fixture(scope="module")
def shapes(project: Project) -> Graph:
    return load_shapes(project.shape_files())


def test_the_review_content_conforms(built: tuple[KnowledgeGraph, ValidationReport]) -> None:
    report = built[1]
    assert report.conforms, [r.describe() for r in report.results]
    assert report.shapes_checked >= 25


def test_every_constraint_shape_has_an_invalid_fixture(shapes: Graph) -> None:
    covered = set().union(*(expected_shapes(fixture) for fixture in INVALID))
    missing = constraint_shapes(shapes) - covered
    assert not missing, f"shapes with no invalid fixture: {sorted(missing)}"
    unknown = covered - constraint_shapes(shapes)
    assert not unknown, f"fixtures expect shapes that do not exist: {sorted(unknown)}"


def test_every_target_class_has_a_valid_fixture(shapes: Graph) -> None:
    targets = {str(cls).rsplit("#", 1)[-1] for cls in shapes.objects(None, SH.targetClass)}
    assert targets <= {fixture.stem for fixture in VALID}


@pytest.mark.parametrize("fixture", INVALID, ids=[f.stem for f in INVALID])
def test_invalid_fixture_triggers_exactly_its_shapes(project: Project, fixture: Path) -> None:
    _kg, report = reasoned_graph(project, extra_content=[fixture])
    assert not report.conforms
    assert source_shapes(report) == expected_shapes(fixture), [r.describe() for r in report.results]


@pytest.mark.parametrize("fixture", VALID, ids=[f.stem for f in VALID])
def test_valid_fixture_conforms_and_adds_a_focus_node(
    project: Project, reasoned: KnowledgeGraph, fixture: Path
) -> None:
    kg, report = reasoned_graph(project, extra_content=[fixture])
    assert report.conforms, [r.describe() for r in report.results]
    target = URIRef(f"https://w3id.org/ketrdf/ontology#{fixture.stem}")
    before = set(reasoned.union().subjects(RDF.type, target))
    assert set(kg.union().subjects(RDF.type, target)) - before


def test_a_result_reads_as_words(project: Project) -> None:
    fixture = DATA / "shapes" / "invalid" / "Claim-claimId--not-in-digest.ttl"
    _kg, report = reasoned_graph(project, extra_content=[fixture])
    (result,) = report.results
    line = result.describe()
    assert line.startswith("Violation: <http://example.org/ketrdf-test/c> (test comparison)")
    assert "ket:claimId" in line and "claim id of the review digest" in line
    assert '"ENAN9"' in line
