"""Stage 3, validate: SHACL shapes over the reasoned graph, reported in words.

The graph is validated as it is (``inference='none'``): it has been reasoned
once already, and a second inference pass in pyshacl would only cost time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from ketrdf.graphs import merge
from ketrdf.load import load_file
from ketrdf.namespaces import SH, bind_prefixes


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
    shapes = bind_prefixes(Graph())
    for path in files:
        shapes += load_file(path)
    return shapes


def count_shapes(shapes: Graph) -> int:
    """Named node and property shapes."""
    shapes_found = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.path, None))
    return sum(1 for shape in shapes_found if isinstance(shape, URIRef))


def _short(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except (ValueError, KeyError):
            return f"<{node}>"
    return node.n3(graph.namespace_manager)


def _label(graphs: Sequence[Graph], node: Node | None) -> str:
    if node is None:
        return ""
    found = {label for graph in graphs for label in graph.objects(node, RDFS.label)}
    labels = sorted(found, key=lambda label: (getattr(label, "language", None) != "en", str(label)))
    return str(labels[0]) if labels else ""


VALIDATORS = ("fast", "pyshacl")


def validate(data: Graph | Sequence[Graph], shapes: Graph, validator: str = "fast",
             store: ox.Store | None = None) -> ValidationReport:
    """Validate ``data`` (already reasoned) against ``shapes`` with ``fast`` or the reference, ``pyshacl``.

    ``data`` is one graph or several read as their union; the fast validator reads them in
    place and runs SPARQL-based constraints on ``store`` (the same triples) if one is given.
    """
    graphs = [data] if isinstance(data, Graph) else list(data)
    if validator == "fast":
        from ketrdf.fast_shacl import Validator, as_report

        violations = Validator(shapes).run(graphs, store)
        conforms, report = not violations, as_report(violations)
    elif validator == "pyshacl":
        from pyshacl import validate as shacl_validate

        # inplace: no copy of the data (no inference, and the shapes hold no sh:rule that could add to it)
        conforms, report, _text = shacl_validate(
            graphs[0] if len(graphs) == 1 else merge(graphs), shacl_graph=shapes, inference="none",
            advanced=True, allow_warnings=True, inplace=True
        )
    else:
        raise ValueError(f"unknown validator {validator!r}; choose {', '.join(VALIDATORS)}")
    report_graph = bind_prefixes(report)
    names = bind_prefixes(Graph())  # ketrdf's prefixes, for short names
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(node, SH.resultSeverity)
        focus = report.value(node, SH.focusNode)
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        value = report.value(node, SH.value)
        results.append(
            ShapeResult(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus_node=_short(names, focus),
                focus_label=_label(graphs, focus),
                path=_short(names, report.value(node, SH.resultPath)),
                message="; ".join(messages) or "constraint not met",
                value=_short(names, value) if not isinstance(value, Literal) else value.n3(),
                source_shape=_short(shapes, report.value(node, SH.sourceShape)),
            )
        )
    ordered = tuple(sorted(results, key=lambda r: (r.severity, r.focus_node, r.path, r.message)))
    return ValidationReport(
        conforms=bool(conforms),
        results=ordered,
        report_graph=report_graph,
        shapes_checked=count_shapes(shapes),
    )
