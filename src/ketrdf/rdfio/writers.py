"""Deterministic writers: a KnowledgeGraph's graphs in standard RDF formats, byte-identical across runs.

Every format is written by a library's own serializer. N-Triples, N-Quads and
TriG by Oxigraph's, from statements sorted first; Turtle by rdflib's sorted
serializer (:func:`turtle`); JSON-LD by rdflib's, its nodes and values sorted
afterwards. All rely on the stable blank-node labels the loader assigns.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.turtle import SUBJECT, TurtleSerializer
from rdflib.term import Node

from ketrdf.knowledge_graph import KnowledgeGraph, parts_of, union_view
from ketrdf.rdfio.formats import FORMAT_ALIASES, FORMATS
from ketrdf.rdfio.indexed import is_indexed, triples_of
from ketrdf.rdfio.lines import sorted_lines
from ketrdf.rdfio.native import read_nquads
from ketrdf.vocabulary import (
    GRAPH_CONTENT,
    GRAPH_IMPORTS,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_QUERIES,
    PREFIXES,
)

GRAPH_SELECTIONS: dict[str, tuple[URIRef, ...]] = {
    "asserted": (GRAPH_ONTOLOGY, GRAPH_CONTENT, GRAPH_QUERIES, GRAPH_IMPORTS),
    "inferred": (GRAPH_INFERRED,),
    "all": (GRAPH_ONTOLOGY, GRAPH_CONTENT, GRAPH_QUERIES, GRAPH_INFERRED, GRAPH_IMPORTS),
}


def normalise_format(name: str) -> str:
    """Accept a format name or its usual alias (``ttl``, ``nt``, ``nq``)."""
    return FORMAT_ALIASES.get(name, name)


class _TurtleBookkeepingOnce(TurtleSerializer):
    """rdflib's Turtle serializer, its algorithm kept, its bookkeeping done once per term.

    rdflib splits an IRI and looks its namespace up again every time it writes the term,
    reads each subject's statements back through the graph, and encodes each piece of
    text as it writes it: most of its time at 100k triples. Here a term's prefixed name
    is kept (so is its absence, until a predicate's namespace gets a made-up prefix such
    as ``ns1``, which may name IRIs found nameless before), and so is its text once the
    prefixes are settled; each subject's statements are gathered in the one pass rdflib
    makes to count references, in the order the graph gives them; the text is encoded
    once. rdflib's own ``serialize`` and its methods for subjects, lists and nesting do
    the rest: the bytes are rdflib's (``tests/rdfio/test_round_trip.py``).
    """

    def reset(self) -> None:
        super().reset()
        self._names: dict[tuple[Node, bool], str | None] = {}
        self._labels: dict[int, tuple[Node, str | None]] = {}  # by id(term), the term kept alive
        self._statements: dict[Node, dict[Node, list[Node]]] = {}
        self._gathered = False
        self._pieces: list[str] = []

    def _prefixes_bound(self) -> int:
        return sum(1 for _ in self.store.namespaces())

    def get_pname(self, uri: Node, gen_prefix: bool = True) -> str | None:
        if not isinstance(uri, URIRef):
            return None
        key = (uri, gen_prefix)
        if key in self._names:
            return self._names[key]
        before = self._prefixes_bound() if gen_prefix else 0
        name = super().get_pname(uri, gen_prefix)
        if gen_prefix and self._prefixes_bound() != before:
            self._names = {known: found for known, found in self._names.items() if found is not None}
        self._names[key] = name
        return name

    def preprocess(self) -> None:
        """Count references and name terms as rdflib does, gathering each subject's statements."""
        # rdflib's own pass, in its order, for a base or a graph not read through its indexes
        if self.base is not None or not all(map(is_indexed, parts_of(self.store))):
            super().preprocess()
            return
        self._gathered = True
        statements, references, subjects = self._statements, self._references, self._subjects
        named: set[Node] = set()  # asking for a name again adds no prefix: each term is asked once
        named_predicates: set[Node] = set(self.keywords)
        blank_predicates: set[Node] = set()
        for subject, predicate, obj in triples_of(self.store):
            by_predicate = statements.get(subject)
            if by_predicate is None:  # a new subject
                by_predicate = statements[subject] = {}
                subjects[subject] = True
                if subject not in named:
                    named.add(subject)
                    self._name(subject)
            objects = by_predicate.get(predicate)
            if objects is None:
                by_predicate[predicate] = [obj]
            else:
                objects.append(obj)
            references[obj] += 1
            if predicate not in named_predicates:
                named_predicates.add(predicate)
                self.get_pname(predicate, gen_prefix=True)
                if isinstance(predicate, BNode):
                    blank_predicates.add(predicate)
            if obj not in named:
                named.add(obj)
                self._name(obj)
        for by_predicate in statements.values() if blank_predicates else ():  # rdflib counts these too
            for predicate in blank_predicates & by_predicate.keys():
                references[predicate] += len(by_predicate[predicate])

    def _name(self, node: Node) -> None:
        """Ask for the name of a subject or object, and of a literal's datatype, as rdflib does."""
        self.get_pname(node, gen_prefix=False)
        if isinstance(node, Literal) and node.datatype:
            self.get_pname(node.datatype, gen_prefix=False)

    def buildPredicateHash(self, subject: Node) -> dict[Node, list[Node]]:
        """The objects of each predicate of ``subject``, as rdflib reads them from the graph."""
        if not self._gathered:
            return dict(super().buildPredicateHash(subject))
        return {predicate: list(objects) for predicate, objects in self._statements.get(subject, {}).items()}

    def path(self, node: Node, position: int, newline: bool = False) -> None:
        """Write ``node``: its text, worked out once per term and position, or a blank node as rdflib does."""
        key = id(node) * 3 + position
        found = self._labels.get(key)
        if found is None:  # a blank node is written inline or not as rdflib decides each time: no text kept
            text = None if isinstance(node, BNode) else self.label(node, position)
            found = self._labels[key] = (node, text)
        text = found[1]
        if text is None:
            super().path(node, position, newline)
            return
        if position != SUBJECT and not newline:
            self._pieces.append(" ")
        self._pieces.append(text)

    def write(self, text: str) -> None:
        self._pieces.append(text)

    def endDocument(self) -> None:
        super().endDocument()
        self.stream.write("".join(self._pieces).encode(self.encoding, "replace"))  # type: ignore[union-attr]
        self._pieces = []


def turtle(graph: Graph) -> bytes:
    """``graph`` as UTF-8 Turtle: the bytes of ``graph.serialize(format="turtle")``, written sooner.

    rdflib's serializer sorts subjects and predicates and writes lists and unshared blank
    nodes inline.
    """
    stream = io.BytesIO()
    _TurtleBookkeepingOnce(graph).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def _trig(kg: KnowledgeGraph, names: tuple[URIRef, ...]) -> bytes:
    """TriG written by Oxigraph: the named graphs in a fixed order, each one's statements sorted.

    Read from :meth:`KnowledgeGraph.nquads`, whose lines are sorted on the terms' text
    (:mod:`ketrdf.rdfio.lines`): each graph's statements come out in that order. Blank
    nodes keep the loader's labels and are never written inline, so a node shared
    between named graphs stays one node.
    """
    by_graph: dict[str, list[ox.Quad]] = {str(name): [] for name in names}
    for quad in read_nquads(kg.nquads()):
        found = by_graph.get(quad.graph_name.value)  # type: ignore[union-attr]  # every line names its graph
        if found is not None:
            found.append(quad)
    quads = [quad for statements in by_graph.values() for quad in statements]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b""


def _jsonld(graph: Graph) -> bytes:
    """JSON-LD with an inline context, nodes and their values in a stable order."""
    raw = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    document = json.loads(raw)
    nodes = document.get("@graph")
    if isinstance(nodes, list):
        document["@graph"] = sorted(nodes, key=lambda node: json.dumps(node, sort_keys=True))
    return (json.dumps(_sort_values(document), indent=2, sort_keys=True, ensure_ascii=False)
            + "\n").encode("utf-8")


def _type_names(value: object) -> object:
    """``@type`` values as strings: rdflib writes a blank-node type as ``{"@id": ...}``, invalid JSON-LD."""
    if isinstance(value, list):
        return [_type_names(item) for item in value]
    if isinstance(value, dict) and set(value) == {"@id"}:
        return value["@id"]
    return value


def _sort_values(node: object) -> object:
    """Sort every JSON array but the ordered ones (``@list``); ``@type`` values as strings."""
    if isinstance(node, dict):
        return {key: value if key == "@list" else _sort_values(
                    _type_names(value) if key == "@type" else value) for key, value in node.items()}
    if isinstance(node, list):
        items = [_sort_values(item) for item in node]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return node


def serialize_chunks(kg: KnowledgeGraph, output_format: str, selection: str = "all") -> Iterator[bytes]:
    """The selected graphs as ``output_format`` (see :data:`FORMATS`), in pieces to write in turn."""
    output_format = normalise_format(output_format)
    if output_format not in FORMATS:
        raise ValueError(f"unknown format {output_format!r}; formats: {', '.join(FORMATS)}")
    if selection not in GRAPH_SELECTIONS:
        raise ValueError(f"unknown graph selection {selection!r}; choose {', '.join(GRAPH_SELECTIONS)}")
    _serializer, quads, _suffix = FORMATS[output_format]
    names = GRAPH_SELECTIONS[selection]
    if output_format == "nquads" and selection == "all":
        return iter((kg.nquads(),))
    if output_format in ("ntriples", "nquads"):
        return sorted_lines(kg.named_graphs(), names, quads)
    if output_format == "trig":
        return iter((_trig(kg, names),))
    graphs = kg.named_graphs()
    merged = union_view([graphs[name] for name in names])  # read in place: a copy costs time and memory
    return iter((_jsonld(merged) if output_format == "jsonld" else turtle(merged),))


def serialize_graph(graph: Graph, output_format: str) -> bytes:
    """``graph`` as Turtle, JSON-LD or N-Triples, written as :func:`serialize` writes a selection.

    In place, with no copy: so the prefixes are ``graph``'s own (``serialize`` binds ketrdf's on its copy).
    """
    if output_format == "ntriples":
        return b"".join(sorted_lines({GRAPH_CONTENT: graph}, (GRAPH_CONTENT,), quads=False))
    if output_format == "jsonld":
        return _jsonld(graph)
    if output_format == "turtle":
        return turtle(graph)
    raise ValueError(f"serialize_graph: no {output_format!r}; formats: turtle, jsonld, ntriples")


def serialize(kg: KnowledgeGraph, output_format: str, selection: str = "all") -> bytes:
    """Serialize the selected graphs of ``kg`` as ``output_format``, as one piece."""
    return b"".join(serialize_chunks(kg, output_format, selection))
