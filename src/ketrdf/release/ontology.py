"""The released ontology in ODK's forms, each naming its own file as its version IRI.

- ``ketrdf-base``: the ontology's own axioms (the TBox and the review's content), no imports,
  nothing inferred;
- ``ketrdf`` (full): the base with the import modules merged and the inferred class and
  property hierarchy (what ROBOT's ``reason`` adds by default);
- ``ketrdf-owlrl``: the base with the import modules and every triple the OWL-RL closure and
  the rules inferred, materialised.

Each is written as RDF/XML (``.owl``, by Oxigraph from sorted triples) and Turtle (``.ttl``,
rdflib's sorted serializer), so the same graph always gives the same bytes.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node
from semver import Version

from ketrdf.knowledge_graph import KnowledgeGraph, union_copy
from ketrdf.rdfio.terms import Term, to_oxigraph
from ketrdf.rdfio.writers import turtle as write_turtle
from ketrdf.vocabulary import BASE, ONTOLOGY_IRI, PREFIXES, bind_prefixes, new_graph

#: Inferred axioms of the full form: the class and property hierarchy between named terms.
HIERARCHY = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty)
FULL, BASE_FORM, OWLRL = "ketrdf", "ketrdf-base", "ketrdf-owlrl"
SYNTAXES = (".owl", ".ttl")


def version_iri(version: Version, file_name: str) -> URIRef:
    """The IRI of a file of the release ``version``: ``https://w3id.org/ketrdf/releases/V/FILE``."""
    return URIRef(f"{BASE}releases/{version}/{file_name}")


def set_version(graph: Graph, version: Version, file_name: str) -> Graph:
    """Give ``graph``'s ontology header ``version`` and the version IRI of ``file_name``, in place."""
    graph.set((ONTOLOGY_IRI, OWL.versionIRI, version_iri(version, file_name)))
    graph.set((ONTOLOGY_IRI, OWL.versionInfo, Literal(str(version))))
    return graph


def with_version(graph: Graph, version: Version, file_name: str) -> Graph:
    """A copy of ``graph`` whose ontology header has ``version`` and the version IRI of ``file_name``."""
    result = new_graph()
    result += graph
    return set_version(result, version, file_name)


def _without_headers(graph: Graph) -> Graph:
    """``graph`` less the ontology headers of import modules (as ``robot merge`` drops them)."""
    result = Graph()
    headers = set(graph.subjects(RDF.type, OWL.Ontology))
    for triple in graph:
        if triple[0] not in headers:
            result.add(triple)
    return result


def forms(kg: KnowledgeGraph) -> dict[str, Graph]:
    """The base, full and OWL-RL forms of the reasoned graph ``kg``, by file stem: new graphs, not views."""
    base = union_copy((kg.ontology, kg.content))
    imports = _without_headers(kg.imports)
    hierarchy = Graph()
    for predicate in HIERARCHY:
        for subject, value in kg.inferred.subject_objects(predicate):
            if isinstance(subject, URIRef) and isinstance(value, URIRef):
                hierarchy.add((subject, predicate, value))
    return {BASE_FORM: base, FULL: union_copy((base, imports, hierarchy)),
            OWLRL: union_copy((base, imports, kg.inferred))}


def _xml_term(term: Node) -> Term:
    """An Oxigraph term for RDF/XML: a blank node's label prefixed so that it is an XML name (NCName)."""
    return ox.BlankNode("b" + str(term)) if isinstance(term, BNode) else to_oxigraph(term)


def rdf_xml(graph: Graph) -> bytes:
    """``graph`` as RDF/XML written by Oxigraph, its triples sorted on their N-Triples text."""
    keyed = {}
    for triple in graph:
        subject, predicate, value = (_xml_term(term) for term in triple)
        keyed[(str(subject), str(predicate), str(value))] = ox.Triple(
            subject, predicate, value)  # type: ignore[arg-type]
    ordered = [keyed[key] for key in sorted(keyed)]
    return ox.serialize(ordered, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES) or b""


def turtle(graph: Graph) -> bytes:
    """``graph`` as Turtle by rdflib's serializer, which sorts subjects and predicates."""
    return write_turtle(bind_prefixes(graph))


def check_reads_back(data: bytes, graph: Graph, file_name: str) -> None:
    """Read ``data`` back with Oxigraph's parser, as another tool would load it: it must hold every triple.

    The distinct triples read are counted (blank nodes cannot be matched across a parse);
    a failure is a bug in the writer (exit 4), never the user's mistake.
    """
    syntax = ox.RdfFormat.RDF_XML if file_name.endswith(".owl") else ox.RdfFormat.TURTLE
    read = len(set(ox.parse(data, format=syntax)))
    if read != len(graph):
        raise RuntimeError(f"{file_name}: read back {read} triples with Oxigraph, "
                           f"not the {len(graph)} written")


def serialize(graph: Graph, file_name: str) -> bytes:
    """``graph`` in the syntax ``file_name`` ends in (``.owl``: RDF/XML, ``.ttl``: Turtle)."""
    return rdf_xml(graph) if file_name.endswith(".owl") else turtle(graph)
