"""Every export format parsed back by Oxigraph and by rdflib gives the dataset back, graph by graph.

Blank nodes included: the comparison is an isomorphism of the whole dataset, so a
blank node shared between two named graphs must come back as one node (issue 13.2).
Literals holding line separators other than LF survive every format (issue 14.11).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from ketrdf.knowledge_graph import KnowledgeGraph, union_copy, union_view
from ketrdf.rdfio.formats import FORMATS
from ketrdf.rdfio.terms import from_oxigraph
from ketrdf.rdfio.writers import GRAPH_SELECTIONS, serialize, turtle
from ketrdf.vocabulary import new_graph

EX = "http://example.org/ketrdf-test/"
QUAD_FORMATS = {"trig": (ox.RdfFormat.TRIG, "trig"), "nquads": (ox.RdfFormat.N_QUADS, "nquads")}
TRIPLE_FORMATS = {"turtle": (ox.RdfFormat.TURTLE, "turtle"), "ntriples": (ox.RdfFormat.N_TRIPLES, "nt"),
                  "jsonld": (ox.RdfFormat.JSON_LD, "json-ld")}
#: Characters that Python's str.splitlines() treats as line ends, besides LF and CR (issue 14.11).
LINE_BREAKERS = "\u2028\u2029\u0085\x0c\x0b\x1c\x1d\x1e"

Quad = tuple[Node, Node, Node, URIRef]


def ex(name: str) -> URIRef:
    return URIRef(EX + name)


def shared_blank_nodes() -> KnowledgeGraph:
    """A dataset with a restriction in the ontology that the inferred graph names, as the review has."""
    restriction, chain, tail, note = BNode("restriction"), BNode("chain"), BNode("tail"), BNode("note")
    ontology, content, inferred, queries = Graph(), Graph(), Graph(), Graph()
    ontology.add((ex("Antagonist"), OWL.equivalentClass, restriction))
    ontology.add((restriction, RDF.type, OWL.Restriction))
    ontology.add((restriction, OWL.onProperty, ex("hasRole")))
    ontology.add((restriction, OWL.hasValue, ex("antagonist-role")))
    ontology.add((ex("p"), OWL.propertyChainAxiom, chain))
    ontology.add((chain, RDF.first, ex("q")))
    ontology.add((chain, RDF.rest, tail))
    ontology.add((tail, RDF.first, ex("r")))
    ontology.add((tail, RDF.rest, RDF.nil))
    content.add((ex("drug"), ex("hasRole"), ex("antagonist-role")))
    content.add((ex("drug"), RDFS.comment, note))
    content.add((note, RDFS.label, Literal(f"split{LINE_BREAKERS}here\r\nand\ttab \"quoted\" \\", lang="en")))
    content.add((ex("drug"), RDFS.label, Literal("ends with a quote\"")))
    content.add((ex("drug"), ex("year"), Literal("2020", datatype=XSD.gYear)))
    inferred.add((ex("drug"), RDF.type, restriction))
    inferred.add((ex("drug"), RDF.type, ex("Antagonist")))
    inferred.add((restriction, RDFS.subClassOf, ex("Antagonist")))
    inferred.add((ex("Antagonist"), RDFS.subClassOf, restriction))
    queries.add((note, RDFS.seeAlso, ex("query")))  # the content's blank node in a third graph
    return KnowledgeGraph(ontology, content, inferred, queries)


def quads_of(kg: KnowledgeGraph, selection: str) -> set[Quad]:
    graphs = kg.named_graphs()
    return {(s, p, o, name) for name in GRAPH_SELECTIONS[selection] for s, p, o in graphs[name]}


def by_oxigraph(data: bytes, rdf_format: ox.RdfFormat) -> set[Quad]:
    quads: set[Quad] = set()
    for quad in ox.parse(data, format=rdf_format):
        graph = quad.graph_name
        name = URIRef(graph.value) if isinstance(graph, ox.NamedNode) else URIRef("urn:default")
        s, p, o = (from_oxigraph(term) for term in (quad.subject, quad.predicate, quad.object))
        assert s is not None and p is not None and o is not None
        quads.add((s, p, o, name))
    return quads


def by_rdflib(data: bytes, rdf_format: str) -> set[Quad]:
    dataset = Dataset()
    dataset.parse(data=data, format=rdf_format)
    quads: set[Quad] = set()
    for graph in dataset.graphs():
        name = URIRef("urn:default") if graph.identifier == dataset.default_graph.identifier \
            else URIRef(graph.identifier)
        quads.update((s, p, o, name) for s, p, o in graph)
    return quads


def flattened(quads: Iterable[Quad]) -> Graph:
    """One graph whose predicates also name the quad's graph: isomorphic iff the datasets are.

    A blank node maps to one node across all graphs, so a node shared by two
    graphs that comes back as two nodes breaks the isomorphism.
    """
    graph = Graph()
    for s, p, o, name in quads:
        graph.add((s, URIRef(f"urn:quad:{quote(str(name), safe='')}:{quote(str(p), safe='')}"), o))
    return graph


def per_graph(quads: Iterable[Quad]) -> dict[URIRef, Graph]:
    graphs: dict[URIRef, Graph] = {}
    for s, p, o, name in quads:
        graphs.setdefault(name, Graph()).add((s, p, o))
    return graphs


def has_blank_node(quad: Quad) -> bool:
    return any(isinstance(term, BNode) for term in quad)


def assert_same_dataset(back: set[Quad], expected: set[Quad]) -> None:
    """Equal ground quads, and isomorphic quads with blank nodes, graph by graph and across graphs.

    This is dataset isomorphism, split for speed: a blank-node mapping leaves ground quads unchanged.
    """
    assert {quad[3] for quad in back} == {quad[3] for quad in expected}
    ground_back = {quad for quad in back if not has_blank_node(quad)}
    ground_expected = {quad for quad in expected if not has_blank_node(quad)}
    assert ground_back == ground_expected
    blank_back, blank_expected = back - ground_back, expected - ground_expected
    back_graphs, expected_graphs = per_graph(blank_back), per_graph(blank_expected)
    assert set(back_graphs) == set(expected_graphs)
    for name, graph in expected_graphs.items():
        assert isomorphic(back_graphs[name], graph), f"graph {name} differs"
    assert isomorphic(flattened(blank_back), flattened(blank_expected)), \
        "blank nodes shared between graphs were split"


PARSERS: dict[str, Callable[[bytes, str], set[Quad]]] = {
    "oxigraph": lambda data, name: by_oxigraph(data, {**QUAD_FORMATS, **TRIPLE_FORMATS}[name][0]),
    "rdflib": lambda data, name: by_rdflib(data, {**QUAD_FORMATS, **TRIPLE_FORMATS}[name][1]),
}


def round_trip(kg: KnowledgeGraph, output_format: str, selection: str, parser: str) -> None:
    back = PARSERS[parser](serialize(kg, output_format, selection), output_format)
    expected = quads_of(kg, selection)
    if output_format in TRIPLE_FORMATS:  # one graph: the selection merged
        merged = union_copy(per_graph(expected).values())
        expected = {(s, p, o, URIRef("urn:default")) for s, p, o in merged}
    assert_same_dataset(back, expected)


def test_the_formats_are_all_covered() -> None:
    assert set(FORMATS) == set(QUAD_FORMATS) | set(TRIPLE_FORMATS)


def test_the_fixture_shares_blank_nodes_between_graphs() -> None:
    graphs = shared_blank_nodes().named_graphs()
    blank = [{t for triple in g for t in triple if isinstance(t, BNode)} for g in graphs.values()]
    assert blank[0] & blank[2] and blank[1] & blank[3]


@pytest.mark.parametrize("parser", sorted(PARSERS))
@pytest.mark.parametrize("output_format", sorted(FORMATS))
@pytest.mark.parametrize("selection", sorted(GRAPH_SELECTIONS))
def test_fixture_round_trips(output_format: str, selection: str, parser: str) -> None:
    round_trip(shared_blank_nodes(), output_format, selection, parser)


def test_the_review_shares_the_has_value_restriction_between_graphs(reasoned: KnowledgeGraph) -> None:
    # The ontology defines NMDA receptor antagonist by an owl:hasValue restriction; the
    # inferred graph types compounds with that same blank node (MECH claims on NMDA blockade).
    restrictions = {s for s in reasoned.ontology.subjects(OWL.hasValue, None) if isinstance(s, BNode)}
    assert restrictions
    assert any(o in restrictions for o in reasoned.inferred.objects(None, RDF.type))


@pytest.mark.parametrize("parser", sorted(PARSERS))
@pytest.mark.parametrize("output_format", sorted(FORMATS))
def test_review_round_trips(reasoned: KnowledgeGraph, output_format: str, parser: str) -> None:
    round_trip(reasoned, output_format, "all", parser)


def test_line_based_exports_are_sorted(reasoned: KnowledgeGraph) -> None:
    for output_format in ("ntriples", "nquads"):
        lines = serialize(reasoned, output_format).decode("utf-8").split("\n")
        assert lines[-1] == "" and lines[:-1] == sorted(lines[:-1])
        assert len(set(lines)) == len(lines)


def test_export_uses_no_private_rdflib_writer() -> None:
    module = importlib.import_module("ketrdf.rdfio.writers")
    assert "_quoteLiteral" not in vars(module)


def made_up_prefixes() -> Graph:
    """IRIs of a namespace with no prefix, met as a subject before a predicate makes one up (ns1)."""
    graph = Graph()
    graph.add((URIRef("http://example.org/unbound/thing"), ex("p"), Literal("seen first")))
    graph.add((URIRef("http://example.org/unbound/thing"), URIRef("http://example.org/unbound/p"),
               URIRef("http://example.org/unbound/other")))
    graph.add((ex("no/prefixed/name"), ex("q"), ex("ends.")))
    graph.add((ex("list"), ex("items"), Literal(1)))
    return graph


def shared_blank_nodes_merged() -> Graph:
    return union_copy(shared_blank_nodes().named_graphs().values())


def awkward_for_turtle(graph: Graph | None = None) -> Graph:
    """What rdflib's Turtle layout decides on: lists, nesting, blank-node sharing, sort ties, escapes.

    In ketrdf's store by default; rdflib's default store reads a subject's triples in another order.
    """
    graph = new_graph() if graph is None else graph
    graph.bind("ex", EX)
    outer, inner, not_a_list, once, twice, unreferenced = map(BNode, ("b1", "b2", "b3", "b4", "b5", "b6"))
    graph.add((ex("s"), ex("list"), outer))
    graph.add((outer, RDF.first, Literal("a")))
    graph.add((outer, RDF.rest, inner))
    graph.add((inner, RDF.first, BNode("nested")))
    graph.add((BNode("nested"), RDF.first, ex("deep")))
    graph.add((BNode("nested"), RDF.rest, RDF.nil))
    graph.add((inner, RDF.rest, RDF.nil))
    graph.add((ex("s"), ex("broken"), not_a_list))  # a list node with another property: not a list
    graph.add((not_a_list, RDF.first, Literal(1)))
    graph.add((not_a_list, RDF.rest, RDF.nil))
    graph.add((not_a_list, RDFS.comment, Literal("extra")))
    graph.add((ex("s"), ex("inline"), once))
    graph.add((once, ex("name"), Literal('quote " and\nnew line', lang="en")))
    graph.add((ex("s"), ex("shared"), twice))
    graph.add((ex("t"), ex("shared"), twice))
    graph.add((twice, ex("loop"), twice))
    graph.add((unreferenced, RDFS.label, Literal("écrit")))
    graph.add((ex("s"), ex("empty"), RDF.nil))
    graph.add((ex("s"), BNode("b7"), Literal("a blank predicate")))  # generalized RDF, which rdflib holds
    graph.add((ex("t"), ex("points"), BNode("b7")))  # referenced once as an object: still not inline
    graph.add((BNode("b7"), RDFS.label, Literal("b7")))
    for subject, order in ((ex("s"), (XSD.integer, XSD.int)), (ex("t"), (XSD.int, XSD.integer))):
        for datatype in order:  # equal values: a tie in rdflib's sort, kept in the graph's order
            graph.add((subject, ex("n"), Literal("1", datatype=datatype)))
    graph.add((ex("s"), ex("typed"), Literal("x", datatype=URIRef("http://example.org/unbound/type"))))
    graph.add((ex("C"), RDF.type, RDFS.Class))
    graph.add((ex("A"), RDF.type, RDFS.Class))
    graph.add((ex("s"), RDFS.label, Literal("s")))
    graph.add((ex("s"), RDF.type, ex("C")))
    return graph


def awkward_in_a_union_view() -> Graph:
    graph = awkward_for_turtle()
    first, second = new_graph(), new_graph()
    for number, triple in enumerate(sorted(graph)):
        (first if number % 2 else second).add(triple)
        if number % 5 == 0:
            (second if number % 2 else first).add(triple)  # in both graphs: written once
    view = union_view([first, second])
    view.bind("ex", EX)
    return view


def awkward_in_rdflibs_default_store() -> Graph:
    return awkward_for_turtle(Graph())


def with_a_base() -> Graph:
    graph = awkward_for_turtle()
    graph.base = EX
    return graph


@pytest.mark.parametrize("make", [made_up_prefixes, shared_blank_nodes_merged, awkward_for_turtle,
                                  awkward_in_a_union_view, awkward_in_rdflibs_default_store, with_a_base])
def test_turtle_is_rdflibs_own_bytes(make: Callable[[], Graph]) -> None:
    """The Turtle writer keeps rdflib's layout with its own bookkeeping: it must write rdflib's bytes."""
    assert turtle(make()) == make().serialize(format="turtle", encoding="utf-8")


def test_the_awkward_graph_has_what_it_says() -> None:
    written = turtle(awkward_for_turtle()).decode("utf-8")
    assert '( "a" ( ex:deep ) )' in written and "ex:empty ()" in written and "rdf:first 1 ;" in written
    assert written.count("[]") == 1 and "ns1:type" not in written
    assert 'ex:n 1,\n        "1"^^xsd:int ;' in written and 'ex:n "1"^^xsd:int,\n        1 ;' in written


def test_the_review_in_turtle_is_rdflibs_own_bytes(reasoned: KnowledgeGraph) -> None:
    for selection in GRAPH_SELECTIONS:
        graphs = reasoned.named_graphs()
        merged = union_copy(graphs[name] for name in GRAPH_SELECTIONS[selection])
        assert serialize(reasoned, "turtle", selection) == merged.serialize(format="turtle", encoding="utf-8")
