"""Stage 3, validate: every shape has an invalid fixture that triggers it and a valid one.

Fixtures are validated, after reasoning, with the ontology and the project's
non-claim content (compounds, entities, agents, references, the review's
structure) as their context; each fixture brings its own claims and evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from ketrdf.knowledge_graph import KnowledgeGraph, union_copy
from ketrdf.pipeline.build import Checked
from ketrdf.pipeline.reason import reason
from ketrdf.pipeline.rules import load_rules
from ketrdf.pipeline.validate import ValidationReport, load_shapes, validate
from ketrdf.project import Project
from ketrdf.rdfio.parse import load_file
from ketrdf.vocabulary import SH
from tests.support.paths import DATA

SHAPES_NS = "https://w3id.org/ketrdf/shapes#"
INVALID = sorted((DATA / "shapes" / "invalid").glob("*.ttl"))
VALID = sorted((DATA / "shapes" / "valid").glob("*.ttl"))
Checker = Callable[[Path | None], tuple[KnowledgeGraph, ValidationReport]]


def by_fixture(fixtures: list[Path], prefix: str = "") -> list[object]:
    """One xdist group per fixture (--dist loadgroup): its tests share one `checked` result."""
    return [pytest.param(f, id=f"{prefix}{f.stem}", marks=pytest.mark.xdist_group(f"shapes-{f.stem}"))
            for f in fixtures]
NOT_CONSTRAINTS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
                   SH.property, SH.message, SH.name, SH.description, SH.severity, SH.path,
                   SH.order, SH.group, SH.deactivated, RDF.type, RDFS.label, RDFS.comment}


def header_shapes(fixture: Path, key: str) -> set[str]:
    match = re.search(rf"^# {key}: (.+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{fixture.name} has no '# {key}:' line"
    return {name.replace("kets:", "") for name in match.group(1).split()}


def named_shapes(shapes: Graph) -> set[URIRef]:
    typed = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    return {s for s in typed if isinstance(s, URIRef) and str(s).startswith(SHAPES_NS)}


def constraint_shapes(shapes: Graph) -> set[str]:
    """Named shapes that carry a constraint of their own (so can be a result's source)."""
    return {
        str(shape).removeprefix(SHAPES_NS) for shape in named_shapes(shapes)
        if any(p not in NOT_CONSTRAINTS for p in shapes.predicates(shape, None))
    }


def source_shapes(report: ValidationReport) -> set[str]:
    return {result.source_shape.removeprefix("kets:") for result in report.results}


@pytest.fixture(scope="module")
def shapes(project: Project) -> Graph:
    return load_shapes(project.shape_files())


@pytest.fixture(scope="module")
def context(project: Project) -> tuple[Graph, Graph]:
    """The ontology and the non-claim content: the context every fixture is checked in."""
    base = [path for path in project.content_files() if not path.name.startswith("claims-")]
    return load_file(project.ontology_file), union_copy(load_file(path) for path in base)


def check(project: Project, context: tuple[Graph, Graph], shapes: Graph,
          fixture: Path | None) -> tuple[KnowledgeGraph, ValidationReport]:
    ontology, base = context
    content = union_copy([base, load_file(fixture)] if fixture else [base])
    kg = reason(KnowledgeGraph(ontology, content), load_rules(project.rule_files()))
    return kg, validate(kg.union(), shapes)


@pytest.fixture(scope="module")
def checked(project: Project, context: tuple[Graph, Graph], shapes: Graph) -> Checker:
    """`check`, run once per fixture: three tests below look at each result."""
    return cache(lambda fixture: check(project, context, shapes, fixture))


@pytest.fixture(scope="module")
def context_kg(checked: Checker) -> KnowledgeGraph:
    kg, report = checked(None)
    assert report.conforms, [r.describe() for r in report.results]
    return kg


def test_the_review_content_conforms_and_passes_qc(built: Checked) -> None:
    assert built.report.conforms, [r.describe() for r in built.report.results]
    assert built.report.shapes_checked >= 60
    assert built.qc_problems == () and built.qc_checks == 10


def test_every_constraint_shape_has_an_invalid_fixture(shapes: Graph) -> None:
    covered = set().union(*(header_shapes(fixture, "expect") for fixture in INVALID))
    missing = constraint_shapes(shapes) - covered
    assert not missing, f"shapes with no invalid fixture: {sorted(missing)}"
    unknown = covered - constraint_shapes(shapes)
    assert not unknown, f"fixtures expect shapes that do not exist: {sorted(unknown)}"


def test_every_node_shape_has_a_valid_fixture(shapes: Graph) -> None:
    node_shapes = {str(s).removeprefix(SHAPES_NS) for s in shapes.subjects(RDF.type, SH.NodeShape)
                   if isinstance(s, URIRef)}
    covered = set().union(*(header_shapes(fixture, "shapes") for fixture in VALID))
    assert node_shapes <= covered, f"node shapes with no valid fixture: {sorted(node_shapes - covered)}"


@pytest.mark.integration  # reasons over the review's non-claim content per fixture
@pytest.mark.parametrize("fixture", by_fixture(INVALID))
def test_invalid_fixture_triggers_exactly_its_shapes(checked: Checker, fixture: Path) -> None:
    _kg, report = checked(fixture)
    assert not report.conforms
    assert source_shapes(report) == header_shapes(fixture, "expect"), [r.describe() for r in report.results]


@pytest.mark.integration  # reasons over the review's non-claim content per fixture
@pytest.mark.parametrize("fixture", by_fixture(VALID))
def test_valid_fixture_conforms_and_adds_a_focus_node_per_shape(
    checked: Checker, shapes: Graph, context_kg: KnowledgeGraph, fixture: Path,
) -> None:
    kg, report = checked(fixture)
    assert report.conforms, [r.describe() for r in report.results]
    union, context_union = kg.union(), context_kg.union()
    for name in header_shapes(fixture, "shapes"):
        targets = list(shapes.objects(URIRef(SHAPES_NS + name), SH.targetClass))
        assert targets, f"{name} has no target class"
        new = {node for cls in targets for node in union.subjects(RDF.type, cls)}
        old = {node for cls in targets for node in context_union.subjects(RDF.type, cls)}
        assert new - old, f"{fixture.name} adds no focus node for {name}"


@pytest.mark.integration  # reasons over the review's non-claim content
def test_a_result_reads_as_words(project: Project, context: tuple[Graph, Graph], shapes: Graph) -> None:
    fixture = DATA / "shapes" / "invalid" / "Claim-claimId--not-in-digest.ttl"
    _kg, report = check(project, context, shapes, fixture)
    (result,) = report.results
    line = result.describe()
    assert line.startswith("Violation: <http://example.org/ketrdf-test/c> (a test claim)")
    assert "ket:claimId" in line and "claim id of the review digest" in line
    assert '"ENAN9"' in line


def test_no_shape_has_a_rule(shapes: Graph) -> None:
    """Validation runs pyshacl in place (no copy of the data); a sh:rule would then write into it
    (check_shapes refuses one: tests/pipeline/test_shape_targets.py)."""
    assert not list(shapes.subject_objects(SH.rule))


def _results(report: ValidationReport) -> set[tuple[str, str, str, str, str]]:
    return {(r.focus_node, r.path, r.source_shape, r.value, r.message) for r in report.results}


EX = "http://example.org/ketrdf-test/"


def _own_names(fixture: Path) -> Graph:
    """The fixture's triples with its example IRIs put under its own name, so that fixtures merged
    into one graph share no node of theirs (blank nodes are labelled per file already)."""
    def renamed(term: Node) -> Node:
        return URIRef(f"{EX}{fixture.stem}/{term[len(EX):]}") if isinstance(term, URIRef) \
            and term.startswith(EX) else term

    graph = Graph()
    for subject, predicate, value in load_file(fixture):
        graph.add((renamed(subject), renamed(predicate), renamed(value)))
    return graph


@pytest.mark.integration  # pyshacl, the slow reference, once on every fixture at the same time
def test_fast_validator_reports_what_pyshacl_reports(project: Project, context: tuple[Graph, Graph],
                                                     shapes: Graph) -> None:
    """The default validator (``fast``: pyshacl-turbo) against pyshacl (the reference): the same results,
    on the review's context with every fixture, valid and invalid, merged in under its own names."""
    ontology, base = context
    content = union_copy([base, *(_own_names(fixture) for fixture in [*INVALID, *VALID])])
    kg = reason(KnowledgeGraph(ontology, content), load_rules(project.rule_files()))
    fast, reference = validate(kg.union(), shapes), validate(kg.union(), shapes, "pyshacl")
    assert not fast.conforms and not reference.conforms
    assert _results(fast) == _results(reference)
    expected = set().union(*(header_shapes(fixture, "expect") for fixture in INVALID))
    assert expected <= source_shapes(fast)  # every shape an invalid fixture trips is in the comparison
