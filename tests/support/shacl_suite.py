"""The W3C SHACL Core test suite (in ``../shared/conformance/shacl-core``), read and compared.

Each file is parsed with its own file IRI as base; ``manifest.ttl`` includes one manifest per
folder, whose entries are ``sht:Validate`` tests. A test passes when the engine's report has
the expected ``sh:conforms`` and the same results: focus node, path, value, constraint
component, source shape and severity, counted as a multiset. A blank node is compared by the
structure below it (its description, read from the graphs around it), as the W3C harness
compares reports up to isomorphism.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import to_canonical_graph
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ketrdf.vocabulary import SH

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
RESULT_KEYS = (SH.focusNode, SH.resultPath, SH.value, SH.sourceConstraintComponent, SH.sourceShape,
               SH.resultSeverity)
ROOT = URIRef("urn:ketrdf-test:described-node")

#: A result, each term a node or, for a blank node, the canonical triples describing it.
Key = tuple[object, ...]


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` test: its id (``folder/name``), graphs and expected report."""

    id: str
    data: Graph
    shapes: Graph
    manifest: Graph
    expected: Node  # a sh:ValidationReport node in ``manifest``, or sht:Failure


def read(path: Path, cache: dict[Path, Graph]) -> Graph:
    """The Turtle file ``path``, parsed once with its own file IRI as base."""
    if path not in cache:
        cache[path] = Graph().parse(path, format="turtle", publicID=path.as_uri())
    return cache[path]


def cases(suite: Path) -> Iterator[Case]:
    """Every test of the manifest ``suite/manifest.ttl`` and the manifests it includes."""
    cache: dict[Path, Graph] = {}
    pending = [suite / "manifest.ttl"]
    while pending:
        path = pending.pop(0)
        graph = read(path, cache)
        for manifest in graph.subjects(RDF.type, MF.Manifest):
            pending.extend(Path(str(include).removeprefix("file://")) for include in
                           graph.objects(manifest, MF.include))
            for entries in graph.objects(manifest, MF.entries):
                for entry in Collection(graph, entries):
                    yield _case(suite, graph, entry, cache)


def _case(suite: Path, graph: Graph, entry: Node, cache: dict[Path, Graph]) -> Case:
    assert (entry, RDF.type, SHT.Validate) in graph, f"{entry}: not a sht:Validate test"
    action = graph.value(entry, MF.action)
    files = {name: Path(str(graph.value(action, SHT[name])).removeprefix("file://"))
             for name in ("dataGraph", "shapesGraph")}
    expected = graph.value(entry, MF.result)
    assert expected is not None, f"{entry}: no mf:result"
    name = Path(str(entry).removeprefix("file://")).relative_to(suite).as_posix()
    return Case(name, read(files["dataGraph"], cache), read(files["shapesGraph"], cache), graph,
                expected)


def _describe(node: Node, graphs: tuple[Graph, ...]) -> object:
    """``node``, or for a blank node the canonical form of its description in ``graphs``.

    The description is every triple reached from the node through blank nodes, each blank
    node read from the first of ``graphs`` that describes it (a report may hold its own copy
    of a path or focus node, under new inner labels); the node itself becomes one fixed IRI,
    so isomorphic descriptions give the same value.
    """
    if isinstance(node, Literal) and node.datatype == XSD.string:
        return Literal(str(node))  # one term in RDF 1.1: "a" and "a"^^xsd:string
    if not isinstance(node, BNode):
        return node
    described, seen, pending = Graph(), {node}, [node]
    while pending:
        subject = pending.pop()
        source = next((graph for graph in graphs if (subject, None, None) in graph), Graph())
        for _s, predicate, value in source.triples((subject, None, None)):
            described.add((ROOT if subject == node else subject, predicate,
                           ROOT if value == node else value))
            if isinstance(value, BNode) and value not in seen:
                seen.add(value)
                pending.append(value)
    return frozenset(to_canonical_graph(described))


def results(report: Graph, node: Node, context: tuple[Graph, ...]) -> Counter[Key]:
    """The results of the report ``node``, as a multiset of comparable keys."""
    graphs = (report, *context)
    return Counter(
        tuple(_describe(term, graphs) if (term := report.value(result, key)) is not None else None
              for key in RESULT_KEYS)
        for result in report.objects(node, SH.result)
    )


def conforms(report: Graph, node: Node) -> bool:
    """The report's ``sh:conforms``."""
    value = report.value(node, SH.conforms)
    assert isinstance(value, Literal), f"report {node} has no sh:conforms"
    return bool(value.toPython())


def report_node(report: Graph) -> Node:
    """The one sh:ValidationReport of an engine's report graph."""
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    return node


def compare(case: Case, report: Graph) -> list[str]:
    """What differs between the engine's ``report`` and the expected one (empty: passed)."""
    expected_conforms = conforms(case.manifest, case.expected)
    actual = report_node(report)
    problems = []
    if conforms(report, actual) != expected_conforms:
        problems.append(f"sh:conforms is {not expected_conforms}, expected {expected_conforms}")
    want = results(case.manifest, case.expected, (case.data, case.shapes))
    got = results(report, actual, (case.data, case.shapes))
    problems += [f"missing result {_show(key)}" for key in sorted(want - got, key=str)]
    problems += [f"unexpected result {_show(key)}" for key in sorted(got - want, key=str)]
    return problems


def _show(key: Key) -> str:
    named = zip(RESULT_KEYS, key, strict=True)
    return ", ".join(f"{name.rsplit('#', 1)[-1]}={value}" for name, value in named if value is not None)
