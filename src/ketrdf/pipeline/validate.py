"""Stage 3, validate: SHACL shapes over the reasoned graph, reported in words.

The graph is validated as it is (``inference='none'``): it has been reasoned
once already. The validators are in :mod:`ketrdf.engines.validators`: pyshacl-turbo
(``fast``, the default), a maintained SHACL engine with pyshacl's interface, and
pyshacl, the reference. Both pass the W3C SHACL Core test suite but one case
(tests/engines/test_shacl_suite.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from ketrdf.engines.validators import DEFAULT_VALIDATOR, get_validator
from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.query.gate import check
from ketrdf.rdfio.parse import load_file
from ketrdf.rdfio.terms import short_name
from ketrdf.vocabulary import PREFIXES, SH, bind_prefixes, new_graph

T = TypeVar("T")


@dataclass(frozen=True)
class ShapeResult:
    """One SHACL result, in terms a curator can act on."""

    severity: str
    focus_node: str
    focus_label: str
    path: str
    message: str
    value: str
    source_shape: str

    def describe(self) -> str:
        """One line: severity, focus node and label, path, message."""
        label = f" ({self.focus_label})" if self.focus_label else ""
        path = f" {self.path}:" if self.path else ""
        value = f" [value: {self.value}]" if self.value else ""
        return f"{self.severity}: {self.focus_node}{label}{path} {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating a graph against the project's shapes."""

    conforms: bool
    results: tuple[ShapeResult, ...]
    report_graph: Graph
    shapes_checked: int

    def violations(self) -> tuple[ShapeResult, ...]:
        """Results of severity Violation (the ones that fail a build)."""
        return tuple(result for result in self.results if result.severity == "Violation")


def load_shapes(files: list[Path]) -> Graph:
    """Read the shape files into one shapes graph."""
    shapes = new_graph(context_aware=True)  # pyshacl reads it
    for path in files:
        shapes += load_file(path)
    return shapes


def count_shapes(shapes: Graph) -> int:
    """Named node and property shapes."""
    shapes_found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.path, None))
    return sum(1 for shape in shapes_found if isinstance(shape, URIRef))


def _short(node: Node | None, prefixes: Mapping[str, str] = PREFIXES) -> str:
    return "" if node is None else short_name(node, prefixes)


def _label(graphs: Sequence[Graph], node: Node | None) -> str:
    if node is None:
        return ""
    found = {label for graph in graphs for label in graph.objects(node, RDFS.label)}
    labels = sorted(found, key=lambda label: (getattr(label, "language", None) != "en", str(label)))
    return str(labels[0]) if labels else ""


#: The SHACL terms, used as predicates in a shapes graph, that both validators check: SHACL Core,
#: SHACL-SPARQL (constraints, constraint components, prefix declarations) and SPARQL-based
#: targets. Any other ``sh:`` predicate (a typo, SHACL-JS, a rule) would be skipped silently.
CHECKED_TERMS = frozenset(SH[name] for name in (
    "targetClass", "targetNode", "targetObjectsOf", "targetSubjectsOf", "target", "property", "path",
    "inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath",
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "flags", "languageIn",
    "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or", "xone",
    "node", "qualifiedValueShape", "qualifiedValueShapesDisjoint", "qualifiedMinCount",
    "qualifiedMaxCount", "closed", "ignoredProperties", "hasValue", "in",
    "severity", "message", "deactivated", "name", "description", "order", "group", "defaultValue",
    "sparql", "select", "ask", "prefixes", "declare", "prefix", "namespace", "parameter", "optional",
    "validator", "nodeValidator", "propertyValidator", "labelTemplate",
))
#: The SHACL classes a shapes graph may type its nodes with (the others belong to SHACL-JS,
#: SHACL rules or functions, which neither validator checks).
CHECKED_TYPES = frozenset(SH[name] for name in (
    "Shape", "NodeShape", "PropertyShape", "PropertyGroup", "ConstraintComponent", "Parameter",
    "SPARQLConstraint", "SPARQLAskValidator", "SPARQLSelectValidator", "SPARQLTarget",
    "PrefixDeclaration",
))


def _name(shapes: Graph, node: Node) -> str:
    return node.n3(shapes.namespace_manager) if isinstance(node, URIRef) else f"a blank node ({node})"


def _owner(shapes: Graph, node: Node) -> Node:
    """The named node a blank node hangs from (the shape to name in an error), or the node itself."""
    seen = {node}
    while isinstance(node, BNode):
        parent = next((s for s in shapes.subjects(None, node) if s not in seen), None)
        if parent is None:
            break
        seen.add(node := parent)
    return node


#: Predicates whose subject is a shape (or a part of one) by SHACL's definition of shapes.
_SHAPE_PARAMETERS = CHECKED_TERMS - {SH[name] for name in (
    "declare", "prefix", "namespace", "name", "description", "order", "group", "defaultValue",
    "optional", "labelTemplate")}
#: Predicates whose values are shapes or parts of shapes (SPARQL constraints, validators, ...).
_SHAPE_VALUES = tuple(SH[name] for name in (
    "property", "node", "not", "qualifiedValueShape", "sparql", "target", "parameter", "validator",
    "nodeValidator", "propertyValidator"))
_SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)
_SHAPE_TYPES = tuple(SH[name] for name in (
    "Shape", "NodeShape", "PropertyShape", "ConstraintComponent", "SPARQLConstraint", "SPARQLTarget"))


def _shape_nodes(shapes: Graph) -> set[Node]:
    """The shapes of ``shapes`` and the nodes that define their constraints.

    Shapes are SHACL's: nodes typed as shapes, and subjects of targets or constraint
    parameters; with them, every node they point to through a shape-valued parameter.
    Other nodes (data in a test's shapes file, expected reports) are not shapes.
    """
    pending: list[Node] = [s for kind in _SHAPE_TYPES for s in shapes.subjects(RDF.type, kind)]
    pending += [s for s, p in shapes.subject_predicates(None) if p in _SHAPE_PARAMETERS]
    found: set[Node] = set()
    while pending:
        node = pending.pop()
        if node in found:
            continue
        found.add(node)
        for predicate in _SHAPE_VALUES:
            pending.extend(shapes.objects(node, predicate))
        for predicate in _SHAPE_LISTS:
            for head in shapes.objects(node, predicate):
                pending.extend(Collection(shapes, head))
    return found


def check_shapes(shapes: Graph) -> None:
    """Refuse a shapes graph that a validator would check only in part, or that would fetch.

    Every ``sh:`` predicate and class of a shape must be one that both validators check;
    every SPARQL text (``sh:select``, ``sh:ask``) must pass :func:`ketrdf.query.gate.check`
    with the prefixes its ``sh:prefixes`` declare (so ``SERVICE`` and ``FROM`` are refused).
    """
    for shape in sorted(_shape_nodes(shapes), key=str):
        where = _name(shapes, _owner(shapes, shape))
        for predicate, value in sorted(shapes.predicate_objects(shape)):
            if str(predicate).startswith(str(SH)) and predicate not in CHECKED_TERMS:
                raise InputError(f"shapes: {where} uses {_name(shapes, predicate)}, which ketrdf's "
                                 "validators do not check; remove it or use a SHACL Core term")
            if predicate == RDF.type and str(value).startswith(str(SH)) and value not in CHECKED_TYPES:
                raise InputError(f"shapes: {where} is a {_name(shapes, value)}, which ketrdf's "
                                 "validators do not check")
    for origin, text in shape_queries(shapes):
        check(text, origin)


def shape_queries(shapes: Graph) -> list[tuple[str, str]]:
    """Each SPARQL text of the shapes, after where it is (``shapes: SHAPE sh:select``).

    A text (``sh:select``, ``sh:ask``) comes with the prefixes its ``sh:prefixes`` declare.
    """
    found = []
    for subject, predicate, text in sorted(shapes.triples((None, None, None))):
        if predicate not in (SH.select, SH.ask):
            continue
        prefixes = {
            str(shapes.value(declaration, SH.prefix)): str(shapes.value(declaration, SH.namespace))
            for source in shapes.objects(subject, SH.prefixes)
            for declaration in shapes.objects(source, SH.declare)
        }
        header = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in sorted(prefixes.items()))
        where = _name(shapes, _owner(shapes, subject))
        found.append((f"shapes: {where} {_name(shapes, predicate)}", header + str(text)))
    return found


def validate(data: KnowledgeGraph | Graph, shapes: Graph,
             validator: str = DEFAULT_VALIDATOR) -> ValidationReport:
    """Validate ``data`` (already reasoned) against ``shapes``, after :func:`check_shapes`.

    ``validator`` names an engine of :mod:`ketrdf.engines.validators`; a single graph is
    validated as the content of a knowledge graph.
    """
    engine = get_validator(validator)
    check_shapes(shapes)
    kg = data if isinstance(data, KnowledgeGraph) else KnowledgeGraph(ontology=Graph(), content=data)
    graphs = list(kg.named_graphs().values())
    conforms, report = engine.report(kg, shapes)
    report_graph = bind_prefixes(report)
    shape_prefixes = {prefix: str(namespace) for prefix, namespace in shapes.namespaces()}
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(node, SH.resultSeverity)
        focus = report.value(node, SH.focusNode)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        value = report.value(node, SH.value)
        results.append(
            ShapeResult(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus_node=_short(focus),
                focus_label=_label(graphs, focus),
                path=_short(report.value(node, SH.resultPath)),
                message="; ".join(messages) or "constraint not met",
                value=_short(value),
                source_shape=_short(report.value(node, SH.sourceShape), shape_prefixes),
            )
        )
    ordered = tuple(sorted(results, key=lambda r: (r.severity, r.focus_node, r.path, r.message)))
    return ValidationReport(
        conforms=bool(conforms),
        results=ordered,
        report_graph=report_graph,
        shapes_checked=count_shapes(shapes),
    )


def validate_while(prepare: Callable[[], T], kg: KnowledgeGraph, shapes: Graph,
                   validator: str = DEFAULT_VALIDATOR) -> tuple[ValidationReport, T]:
    """:func:`validate` ``kg``, with ``prepare`` run meanwhile in a second thread; both results.

    The fast validator spends most of its time in native code that lets other threads
    run, so work that only reads the graphs, such as filling the QC engine's store, goes
    on beside it on a second core. Change no graph in ``prepare``. An error of either is
    raised once both have ended; the validator's first.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ketrdf-prepare") as pool:
        prepared = pool.submit(prepare)
        report = validate(kg, shapes, validator)
        return report, prepared.result()
