"""OWL 2 DL and RL, checked as ROBOT's validate-profile does, and HermiT (issue 13.3).

The OWL API profile checker and HermiT are the jars owlready2 ships; they run in
``tests/support/owl/OwlCheck.java``, a single-file Java program, on Debian's Java
(``scripts/store install`` installs ``default-jre-headless``). Without Java these
tests fail: they are never skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ketrdf.knowledge_graph import KnowledgeGraph, union_copy
from ketrdf.vocabulary import KET
from tests.support.owl_checker import owl_check
from tests.support.paths import DATA

# HermiT and the OWL API, in Java; on one xdist worker, so that Java runs once for the module
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("owl-profile")]

FIXTURES = DATA / "owl"
RESERVED = (str(RDF), str(RDFS), str(OWL), str(XSD))
PROPERTY_KINDS = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
CLASS_KINDS = {OWL.Class, RDFS.Datatype}
# The OWL 2 datatype map (OWL 2 Structural Specification, section 4) less owl:real and owl:rational,
# which OWL 2 RL leaves out; rdf:langString is RDF 1.1's name for a literal with a language tag.
OWL2_RL_DATATYPES = {XSD[name] for name in (
    "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "negativeInteger",
    "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "double", "float", "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN",
    "boolean", "hexBinary", "base64Binary", "anyURI", "dateTime", "dateTimeStamp",
)} | {RDF.XMLLiteral, RDF.PlainLiteral, RDF.langString, RDFS.Literal}
# Predicates whose subject and object are classes, or properties; and those that name one of either.
BETWEEN_CLASSES = {RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith}
BETWEEN_PROPERTIES = {RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf, OWL.propertyDisjointWith}
NAMES_A_CLASS = {RDF.type, OWL.someValuesFrom, OWL.allValuesFrom, OWL.onClass, OWL.complementOf, RDFS.domain}
CLASS_LISTS = {OWL.unionOf, OWL.intersectionOf}


def _is_term(node: object) -> bool:
    return isinstance(node, URIRef) and not str(node).startswith(RESERVED)


def terms_in_use(graph: Graph) -> dict[URIRef, set[str]]:
    """Every IRI outside RDF/RDFS/OWL/XSD used as a class or a property, with what it is used as."""
    uses: dict[URIRef, set[str]] = defaultdict(set)

    def use(node: object, role: str) -> None:
        if _is_term(node):
            uses[node].add(role)  # type: ignore[index]

    for subject, predicate, value in graph:
        use(predicate, "property")
        if predicate in BETWEEN_CLASSES:
            use(subject, "class")
            use(value, "class")
        elif predicate in BETWEEN_PROPERTIES:
            use(subject, "property")
            use(value, "property")
        elif predicate in NAMES_A_CLASS:
            use(value, "class")
        if predicate in (RDFS.domain, RDFS.range):
            use(subject, "property")
        if predicate == RDFS.range and (subject, RDF.type, OWL.ObjectProperty) in graph:
            use(value, "class")
        if predicate == OWL.onProperty:
            use(value, "property")
        if predicate == OWL.propertyChainAxiom:
            for member in Collection(graph, value):
                use(member, "property")
        if predicate in CLASS_LISTS:
            for member in Collection(graph, value):
                use(member, "class")
    return uses


def undeclared_terms(graph: Graph) -> list[str]:
    """Terms used as a class or property without one declaration of that kind, in words."""
    problems = []
    for term, roles in sorted(terms_in_use(graph).items()):
        kinds = set(graph.objects(term, RDF.type))
        property_kinds = kinds & PROPERTY_KINDS
        if "class" in roles and not kinds & CLASS_KINDS:
            problems.append(f"{term} is used as a class but not declared owl:Class")
        if "property" in roles and not property_kinds:
            problems.append(f"{term} is used as a property but not declared an object, data "
                            "or annotation property")
        if len(property_kinds) > 1:
            problems.append(f"{term} is declared as {len(property_kinds)} kinds of property "
                            "(OWL 2 DL allows one)")
    return problems


def foreign_datatypes(graph: Graph) -> list[str]:
    """Literals whose datatype OWL 2 RL does not know, in words."""
    return sorted({f"{subject} {predicate} {value.n3()}" for subject, predicate, value in graph
                   if isinstance(value, Literal) and value.datatype is not None
                   and value.datatype not in OWL2_RL_DATATYPES})


def without_external_declarations(graph: Graph) -> Graph:
    """The graph less the declarations of terms outside ketrdf's namespace (the graph of ae586c5)."""
    stripped = union_copy([graph])
    for term, kind in list(stripped.subject_objects(RDF.type)):
        if _is_term(term) and not str(term).startswith(str(KET)) and kind in PROPERTY_KINDS | CLASS_KINDS:
            stripped.remove((term, RDF.type, kind))
    return stripped


def test_every_term_used_is_declared(reasoned: KnowledgeGraph) -> None:
    asserted = union_copy([reasoned.ontology, reasoned.content, reasoned.imports])
    assert undeclared_terms(asserted) == []


def test_every_literal_has_an_owl2_rl_datatype(reasoned: KnowledgeGraph) -> None:
    everything = union_copy([reasoned.ontology, reasoned.content, reasoned.imports, reasoned.inferred])
    assert foreign_datatypes(everything) == []


def test_the_lists_find_what_they_look_for() -> None:
    graph = Graph().parse(FIXTURES / "gyear-date.ttl")
    assert foreign_datatypes(graph) == [
        f'http://example.org/ketrdf-test/synthesis http://example.org/ketrdf-test/date "1962"^^<{XSD.gYear}>']
    graph.remove((URIRef("http://example.org/ketrdf-test/Event"), RDF.type, OWL.Class))
    graph.add((URIRef("http://example.org/ketrdf-test/date"), RDF.type, OWL.AnnotationProperty))
    assert undeclared_terms(graph) == [
        "http://example.org/ketrdf-test/Event is used as a class but not declared owl:Class",
        "http://example.org/ketrdf-test/date is declared as 2 kinds of property (OWL 2 DL allows one)",
    ]


# --- The OWL API profile checker and HermiT -------------------------------------------------------


@pytest.fixture(scope="module")
def owl_report(reasoned: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """What OwlCheck.java finds in each graph: `check: finding` lines by graph name."""
    folder = tmp_path_factory.mktemp("owl")
    asserted = union_copy([reasoned.ontology, reasoned.content])
    graphs = {
        "asserted": asserted,
        "reasoned": union_copy([asserted, reasoned.inferred]),
        "undeclared": without_external_declarations(asserted),
        **{path.stem: Graph().parse(path) for path in sorted(FIXTURES.glob("*.ttl"))},
    }
    for name, graph in graphs.items():
        graph.serialize(folder / f"{name}.owl", format="xml")
    findings = owl_check([f"{name}.owl" for name in graphs], folder)
    report: dict[str, list[str]] = {name: [] for name in graphs}
    for file, check, finding in findings:
        report[file.removesuffix(".owl")].append(f"{check}: {finding}")
    return report


@pytest.mark.parametrize("graph", ["asserted", "reasoned"])
def test_in_owl2_dl_and_rl(owl_report: dict[str, list[str]], graph: str) -> None:
    violations = "\n".join(line for line in owl_report[graph] if "violation" in line or "error" in line)
    assert "profile: OWL 2 DL\tin profile" in owl_report[graph], violations
    assert "profile: OWL 2 RL\tin profile" in owl_report[graph], violations


@pytest.mark.parametrize("graph", ["asserted", "reasoned"])
def test_hermit_finds_it_consistent_with_no_unsatisfiable_class(owl_report: dict[str, list[str]],
                                                                graph: str) -> None:
    findings = [line for line in owl_report[graph] if line.startswith(("hermit", "error"))]
    assert findings == ["hermit: consistent"]


def test_the_profile_checker_finds_what_the_python_list_finds(reasoned: KnowledgeGraph,
                                                              owl_report: dict[str, list[str]]) -> None:
    """Without the external declarations, the OWL API reports as undeclared the terms our list names."""
    named = re.compile(r"Use of undeclared (?:class|object property|data property|annotation property): "
                       r"<([^>]+)>")
    # The OWL API also names ket:basedOn: it reads its sub-property axiom towards the undeclared
    # prov:wasDerivedFrom as one between annotation properties. Only external terms are compared.
    by_owl_api = {match.group(1) for line in owl_report["undeclared"] for match in named.finditer(line)
                  if not match.group(1).startswith(str(KET))}
    asserted = union_copy([reasoned.ontology, reasoned.content])
    problems = undeclared_terms(without_external_declarations(asserted))
    by_list = {problem.split(" ", 1)[0] for problem in problems}
    assert by_owl_api == by_list
    assert {"http://www.w3.org/ns/prov#Activity", "http://purl.org/ontology/bibo/Document",
            "http://purl.org/dc/terms/references", "http://purl.org/dc/terms/title",
            "http://www.w3.org/2004/02/skos/core#closeMatch"} <= by_list  # named in issue 13.3


def test_hermit_does_not_ignore_datatypes(owl_report: dict[str, list[str]]) -> None:
    [error] = [line for line in owl_report["gyear-date"] if line.startswith("error")]
    assert "UnsupportedDatatypeException" in error and "gYear" in error
    assert any("OWL 2 RL\tviolation: Use of data range not in profile: xsd:gYear" in line
               for line in owl_report["gyear-date"])


def test_hermit_reports_inconsistency_and_unsatisfiable_classes(owl_report: dict[str, list[str]]) -> None:
    assert "hermit: inconsistent" in owl_report["inconsistent"]
    assert owl_report["unsatisfiable"][-2:] == [
        "hermit: consistent", "hermit: unsatisfiable: http://example.org/ketrdf-test/CompoundReceptor"]
