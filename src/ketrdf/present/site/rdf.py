"""The RDF of one subject, as its ``.ttl``, ``.jsonld``, ``.nt`` and ``.rdf`` files.

A subject's description is its Concise Bounded Description in the reasoned graph (its
outgoing triples, asserted and inferred, and those of the blank nodes they reach, such
as an OWL restriction), plus the labels of the IRIs it names, so a reader sees words.
Each format is written by a library's serializer (Oxigraph's Turtle and RDF/XML from
sorted triples, the project's sorted JSON-LD and N-Triples writers), so the same graph
gives the same bytes.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ketrdf.rdfio.terms import to_oxigraph
from ketrdf.rdfio.writers import serialize_graph
from ketrdf.vocabulary import PREFIXES, new_graph

#: The prefixes RDF/XML declares: a namespace ending in ``#`` ends no XML name well.
XML_PREFIXES = {prefix: iri for prefix, iri in PREFIXES.items() if not iri.endswith("#")}


def describe(union: Graph, subject: URIRef) -> Graph:
    """The CBD of ``subject`` in ``union`` and the labels of the IRIs it names, ketrdf's prefixes bound."""
    description = union.cbd(subject, target_graph=new_graph())
    named = {node for triple in description for node in triple[1:] if isinstance(node, URIRef)}
    for node in sorted(named - {subject}):
        for label in union.objects(node, RDFS.label):
            description.add((node, RDFS.label, label))
    return description


def _sorted_triples(graph: Graph) -> list[ox.Triple]:
    return sorted((ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                   for s, p, o in graph), key=str)


def _prefixes_used(triples: list[ox.Triple]) -> dict[str, str]:
    """The prefixes of ketrdf whose namespace holds an IRI of ``triples``."""
    iris = {term.value for triple in triples for term in triple if isinstance(term, ox.NamedNode)}
    return {prefix: namespace for prefix, namespace in PREFIXES.items()
            if any(iri.startswith(namespace) for iri in iris)}


def serializations(graph: Graph) -> dict[str, bytes]:
    """``graph`` in each format of the site, by file suffix; its prefixes should be ketrdf's alone.

    Turtle (declaring the prefixes it uses) and RDF/XML (ketrdf's prefixes an XML name
    can end in) are Oxigraph's, from sorted triples.
    """
    triples = _sorted_triples(graph)
    return {".ttl": ox.serialize(triples, format=ox.RdfFormat.TURTLE,
                                 prefixes=_prefixes_used(triples)) or b"",
            ".jsonld": serialize_graph(graph, "jsonld"), ".nt": serialize_graph(graph, "ntriples"),
            ".rdf": ox.serialize(triples, format=ox.RdfFormat.RDF_XML,
                                 prefixes=XML_PREFIXES) or b""}
