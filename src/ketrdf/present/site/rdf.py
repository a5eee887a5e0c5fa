"""The RDF of one subject, as its ``.ttl``, ``.jsonld``, ``.nt`` and ``.rdf`` files.

A subject's description is its Concise Bounded Description in the reasoned graph (its
outgoing triples, asserted and inferred, and those of the blank nodes they reach, such
as an OWL restriction), plus the labels of the IRIs it names, so a reader sees words.
Each format is written by a library's serializer (rdflib's sorted Turtle and the
project's sorted JSON-LD and N-Triples writers; Oxigraph's RDF/XML from sorted triples),
so the same graph gives the same bytes.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ketrdf.rdfio.terms import to_oxigraph
from ketrdf.rdfio.writers import serialize_graph
from ketrdf.vocabulary import PREFIXES, bind_prefixes


def describe(union: Graph, subject: URIRef) -> Graph:
    """The CBD of ``subject`` in ``union`` and the labels of the IRIs it names, ketrdf's prefixes bound."""
    description = union.cbd(subject, target_graph=bind_prefixes(Graph()))
    named = {node for triple in description for node in triple[1:] if isinstance(node, URIRef)}
    for node in sorted(named - {subject}):
        for label in union.objects(node, RDFS.label):
            description.add((node, RDFS.label, label))
    return description


def _rdf_xml(graph: Graph) -> bytes:
    triples = sorted((ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                      for s, p, o in graph), key=str)
    prefixes = {prefix: iri for prefix, iri in PREFIXES.items() if not iri.endswith("#")}
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""


def serializations(graph: Graph) -> dict[str, bytes]:
    """``graph`` in each format of the site, by file suffix; its prefixes should be ketrdf's alone."""
    return {".ttl": serialize_graph(graph, "turtle"), ".jsonld": serialize_graph(graph, "jsonld"),
            ".nt": serialize_graph(graph, "ntriples"), ".rdf": _rdf_xml(graph)}
