"""A SHACL Core validator for the constraint components ketrdf's shapes use, over in-memory indexes.

pyshacl is the reference (``--validator pyshacl``); this validator gives the
same results (a test compares them on the review and on every shape fixture)
and writes a standard ``sh:ValidationReport`` graph. It refuses shapes that
use a component it does not implement instead of skipping them.
"""

from __future__ import annotations

import functools
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from ketrdf.errors import InputError
from ketrdf.graphs import union_view
from ketrdf.namespaces import SH
from ketrdf.oxigraph_engine import load_store
from ketrdf.terms import from_oxigraph

#: Parameters of the implemented components; any other sh: parameter is refused.
SUPPORTED = {SH[name] for name in (
    "path", "property", "targetClass", "message", "name", "description", "order", "group",
    "minCount", "maxCount", "class", "datatype", "nodeKind", "in", "pattern", "flags", "languageIn",
    "minInclusive", "minExclusive", "maxInclusive", "maxExclusive", "lessThanOrEquals", "disjoint",
    "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount", "or", "and", "xone", "not", "node",
    "sparql", "select", "prefixes", "declare", "prefix", "namespace", "deactivated")}
NUMERIC = (int, float, Decimal)
OPERATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@functools.cache
def _sh(name: str) -> URIRef:
    """sh:NAME, made once: a new URIRef per lookup is the costliest step of validating otherwise."""
    return SH[name]


@dataclass
class Shape:
    """A node or property shape with its parameters."""

    node: Node
    path: Node | None = None
    params: dict[URIRef, list[Node]] = field(default_factory=dict)
    properties: list[Shape] = field(default_factory=list)

    def first(self, name: str) -> Node | None:
        """The first value of parameter sh:NAME."""
        values = self.params.get(_sh(name))
        return values[0] if values else None


@dataclass(frozen=True)
class Result:
    """One violation, in the terms of the SHACL report vocabulary."""

    focus: Node
    shape: Node
    component: str
    path: Node | None = None
    value: Node | None = None
    message: str | None = None


class Data:
    """The data graphs as dictionaries: objects by subject and predicate, instances by class.

    Several graphs are read as their union without copying them into one; SPARQL-based
    constraints run on ``store`` (the same triples in Oxigraph), made on first use if not given.
    """

    def __init__(self, graphs: Sequence[Graph], store: ox.Store | None = None) -> None:
        self.graphs = sorted(graphs, key=len, reverse=True)  # the largest first: no duplicate check
        self._store = store
        self.out: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        types: dict[Node, set[Node]] = defaultdict(set)
        children: dict[Node, set[Node]] = defaultdict(set)
        rdf_type, sub_class_of = RDF.type, RDFS.subClassOf  # looked up once, not per triple
        for s, p, o in union_view(self.graphs):
            self.out[s][p].append(o)
            if p == rdf_type:
                types[o].add(s)
            elif p == sub_class_of:
                children[o].add(s)
        self._types = types
        self._children = children
        self._instances: dict[Node, set[Node]] = {}
        self.sparql_rows: dict[Node, dict[Node, list[dict[str, Node]]]] = {}

    def store(self) -> ox.Store:
        """The data in an Oxigraph store, for SPARQL-based constraints."""
        if self._store is None:
            self._store = load_store(self.graphs)
        return self._store

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        """The objects of ``subject predicate ?o``."""
        by_predicate = self.out.get(subject)
        return by_predicate.get(predicate, []) if by_predicate else []

    def instances(self, cls: Node) -> set[Node]:
        """SHACL instances: nodes typed with ``cls`` or a class below it by rdfs:subClassOf*."""
        if cls not in self._instances:
            classes, pending = {cls}, [cls]
            while pending:
                for child in self._children.get(pending.pop(), ()):
                    if child not in classes:
                        classes.add(child)
                        pending.append(child)
            self._instances[cls] = set().union(*(self._types.get(c, set()) for c in classes))
        return self._instances[cls]


def _shape(shapes: Graph, node: Node, cache: dict[Node, Shape]) -> Shape:
    if node in cache:
        return cache[node]
    shape = Shape(node, path=shapes.value(node, _sh("path")))
    cache[node] = shape
    for predicate, value in shapes.predicate_objects(node):
        if not isinstance(predicate, URIRef) or not str(predicate).startswith(str(SH)):
            continue
        if predicate not in SUPPORTED:
            raise InputError(f"shape {node}: {predicate} is not supported by the fast validator "
                             "(use --validator pyshacl)")
        shape.params.setdefault(predicate, []).append(value)
    if isinstance(shape.path, BNode):
        raise InputError(f"shape {node}: only predicate paths are supported by the fast validator")
    shape.properties = [_shape(shapes, p, cache) for p in shape.params.get(_sh("property"), [])]
    return shape


def _members(shapes: Graph, head: Node, cache: dict[Node, Shape]) -> list[Shape]:
    return [_shape(shapes, member, cache) for member in Collection(shapes, head)]


class Validator:
    """Validates a data graph against the shapes of a shapes graph."""

    def __init__(self, shapes: Graph) -> None:
        self.shapes_graph = shapes
        self.cache: dict[Node, Shape] = {}
        self.targeted = [(_shape(shapes, node, self.cache), cls)
                         for node, cls in sorted(shapes.subject_objects(_sh("targetClass")))]
        self.lists: dict[tuple[Node, URIRef], list[Node]] = {}

    def _list(self, shape: Shape, name: str) -> list[Node]:
        head = shape.first(name)
        key = (shape.node, _sh(name))
        if key not in self.lists:
            self.lists[key] = list(Collection(self.shapes_graph, head)) if head is not None else []
        return self.lists[key]

    def run(self, graphs: Sequence[Graph], store: ox.Store | None = None) -> list[Result]:
        """Every violation of every targeted shape in the union of ``graphs`` (also in ``store``)."""
        data = Data(graphs, store)
        results: list[Result] = []
        for shape, cls in self.targeted:
            if shape.first("deactivated") == Literal(True):
                continue
            for focus in sorted(data.instances(cls), key=str):
                results.extend(self.check(shape, focus, data))
        return results

    def conforms(self, shape: Shape, focus: Node, data: Data) -> bool:
        """Whether ``focus`` conforms to ``shape``."""
        return next(iter(self.check(shape, focus, data)), None) is None

    def check(self, shape: Shape, focus: Node, data: Data) -> Iterator[Result]:
        """The violations of ``shape`` at ``focus`` (lazily, so conformance stops at the first)."""
        values = data.objects(focus, shape.path) if shape.path is not None else [focus]
        message = str(shape.first("message")) if shape.first("message") is not None else None

        def result(component: str, value: Node | None = None) -> Result:
            return Result(focus, shape.node, component, shape.path, value, message)

        params = shape.params
        if _sh("minCount") in params and len(values) < int(params[_sh("minCount")][0]):  # type: ignore[call-overload]
            yield result("MinCountConstraintComponent")
        if _sh("maxCount") in params and len(set(values)) > int(params[_sh("maxCount")][0]):  # type: ignore[call-overload]
            yield result("MaxCountConstraintComponent")
        for value in values:
            yield from (result(component, value) for component in self._value_failures(shape, value, data))
        for other_name, component in (("lessThanOrEquals", "LessThanOrEqualsConstraintComponent"),
                                      ("disjoint", "DisjointConstraintComponent")):
            other = shape.first(other_name)
            if other is None:
                continue
            others = data.objects(focus, other)
            for value in values:
                if other_name == "disjoint" and value in others:
                    yield result(component, value)
                elif other_name == "lessThanOrEquals":
                    yield from (result(component, value) for bound in others
                                if not _compare(value, bound, "<="))
        qualified = shape.first("qualifiedValueShape")
        if qualified is not None:
            inner = _shape(self.shapes_graph, qualified, self.cache)
            count = sum(1 for value in values if self.conforms(inner, value, data))
            low, high = shape.first("qualifiedMinCount"), shape.first("qualifiedMaxCount")
            if low is not None and count < int(low):  # type: ignore[call-overload]
                yield result("QualifiedMinCountConstraintComponent")
            if high is not None and count > int(high):  # type: ignore[call-overload]
                yield result("QualifiedMaxCountConstraintComponent")
        for sparql in params.get(_sh("sparql"), []):
            yield from self._sparql(shape, sparql, focus, data)
        for prop in shape.properties:
            yield from self.check(prop, focus, data)

    def _value_failures(self, shape: Shape, value: Node, data: Data) -> Iterable[str]:
        params = shape.params
        for cls in params.get(_sh("class"), []):
            if value not in data.instances(cls):
                yield "ClassConstraintComponent"
        for datatype in params.get(_sh("datatype"), []):
            if not _has_datatype(value, datatype):
                yield "DatatypeConstraintComponent"
        kind = shape.first("nodeKind")
        if kind is not None and not _node_kind(value, kind):
            yield "NodeKindConstraintComponent"
        if _sh("in") in params and value not in self._list(shape, "in"):
            yield "InConstraintComponent"
        pattern = shape.first("pattern")
        if pattern is not None:
            flags = re.IGNORECASE if "i" in str(shape.first("flags") or "") else 0
            if isinstance(value, BNode) or not re.search(str(pattern), str(value), flags):
                yield "PatternConstraintComponent"
        if _sh("languageIn") in params:
            tags = [str(tag).lower() for tag in self._list(shape, "languageIn")]
            language = value.language.lower() if isinstance(value, Literal) and value.language else None
            if language is None or not any(language == t or language.startswith(t + "-") for t in tags):
                yield "LanguageInConstraintComponent"
        for name, comparison in (("minInclusive", ">="), ("minExclusive", ">"),
                                 ("maxInclusive", "<="), ("maxExclusive", "<")):
            bound = shape.first(name)
            if bound is not None and not _compare(value, bound, comparison):
                yield f"{name[0].upper()}{name[1:]}ConstraintComponent"
        tests: tuple[tuple[str, Callable[[int], bool] | None], ...] = (
            ("or", lambda n: n >= 1), ("and", None), ("xone", lambda n: n == 1))
        for name, test in tests:
            if _sh(name) not in params:
                continue
            members = _members(self.shapes_graph, params[_sh(name)][0], self.cache)
            passed = sum(1 for member in members if self.conforms(member, value, data))
            if not (test(passed) if test is not None else passed == len(members)):
                yield f"{name.capitalize()}ConstraintComponent"
        for negated in params.get(_sh("not"), []):
            if self.conforms(_shape(self.shapes_graph, negated, self.cache), value, data):
                yield "NotConstraintComponent"
        for node in params.get(_sh("node"), []):
            if not self.conforms(_shape(self.shapes_graph, node, self.cache), value, data):
                yield "NodeConstraintComponent"

    def _sparql(self, shape: Shape, constraint: Node, focus: Node, data: Data) -> Iterator[Result]:
        """A SPARQL-based constraint, its rows handed out by focus node.

        The SELECT runs once on the whole graph with ``$this`` free (``$this`` and ``?this``
        are one variable), not once per focus node.
        """
        if constraint not in data.sparql_rows:
            text = str(self.shapes_graph.value(constraint, SH.select))
            prefixes = {}
            for source in self.shapes_graph.objects(constraint, SH.prefixes):
                for declaration in self.shapes_graph.objects(source, SH.declare):
                    prefixes[str(self.shapes_graph.value(declaration, SH.prefix))] = str(
                        self.shapes_graph.value(declaration, SH.namespace))
            header = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in sorted(prefixes.items()))
            if not re.search(r"SELECT[^{]*[?$]this\b", text, re.IGNORECASE | re.DOTALL):
                raise InputError(f"shape {shape.node}: the fast validator needs $this in the SELECT clause")
            try:
                solutions = data.store().query(header + text)
            except SyntaxError as error:
                raise InputError(f"shape {shape.node}: SPARQL syntax error in sh:select: {error}") from None
            if not isinstance(solutions, ox.QuerySolutions):
                raise InputError(f"shape {shape.node}: sh:select must be a SELECT query")
            names = [variable.value for variable in solutions.variables]
            by_focus: dict[Node, list[dict[str, Node]]] = defaultdict(list)
            for solution in solutions:
                bound = {name: term for name in names if (term := from_oxigraph(solution[name])) is not None}
                by_focus[bound["this"]].append(bound)
            data.sparql_rows[constraint] = by_focus
        template = self.shapes_graph.value(constraint, SH.message)
        for values in data.sparql_rows[constraint].get(focus, []):
            message = _fill(str(template), values) if template is not None else None
            yield Result(focus, shape.node, "SPARQLConstraintComponent", values.get("path"),
                         values.get("value", focus), message)


def _fill(template: str, values: dict[str, Node]) -> str:
    """A SHACL message template with {?var} and {$var} replaced by the solution's values."""
    return re.sub(r"\{[?$](\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


def _has_datatype(value: Node, datatype: Node) -> bool:
    if not isinstance(value, Literal):
        return False
    actual = value.datatype or (RDF.langString if value.language else XSD.string)
    return actual == datatype and not value.ill_typed


NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.IRI: (URIRef,), SH.BlankNode: (BNode,), SH.Literal: (Literal,), SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal), SH.IRIOrLiteral: (URIRef, Literal)}


def _node_kind(value: Node, kind: Node) -> bool:
    return isinstance(value, NODE_KINDS.get(kind, ()))


def _compare(value: Node, bound: Node, comparison: str) -> bool:
    if not isinstance(value, Literal) or not isinstance(bound, Literal) or value.ill_typed:
        return False
    left, right = value.toPython(), bound.toPython()
    if isinstance(left, NUMERIC) and isinstance(right, NUMERIC):
        left, right = Decimal(str(left)), Decimal(str(right))
    try:
        return bool(OPERATORS[comparison](left, right))
    except TypeError:
        return False


def as_report(results: list[Result]) -> Graph:
    """The results as a standard SHACL validation report."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode("report")
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not results)))
    for number, found in enumerate(results):
        node = BNode(f"result{number}")
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, SH.Violation))
        graph.add((node, SH.focusNode, found.focus))
        graph.add((node, SH.sourceShape, found.shape))
        graph.add((node, SH.sourceConstraintComponent, SH[found.component]))
        if found.path is not None:
            graph.add((node, SH.resultPath, found.path))
        if found.value is not None:
            graph.add((node, SH.value, found.value))
        if found.message:
            graph.add((node, SH.resultMessage, Literal(found.message)))
    return graph
