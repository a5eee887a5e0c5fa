"""The dataset in VoID and DCAT: the header that the site and every release both describe it with.

:mod:`ketrdf.present.site.publish` adds the site's graphs and dumps to it, and
:mod:`ketrdf.release.void` a release's version, graphs and files.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.vocabulary import KET, KR, ONTOLOGY_IRI, new_graph

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 (version, previousVersion): rdflib's is DCAT 2
MEDIA_TYPES = {
    ".owl": "application/rdf+xml", ".ttl": "text/turtle", ".nt": "application/n-triples",
    ".nq": "application/n-quads", ".trig": "application/trig", ".jsonld": "application/ld+json",
    ".tsv": "text/tab-separated-values", ".md": "text/markdown", ".json": "application/json",
}
#: Metadata of the dataset, copied from the ontology header.
COPIED = (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, DCTERMS.source)


def media_type(file_name: str) -> URIRef:
    """The IANA media type of a file, by its suffix (``application/octet-stream`` when unknown)."""
    suffix = "." + file_name.rsplit(".", 1)[-1]
    return URIRef("https://www.iana.org/assignments/media-types/"
                  + MEDIA_TYPES.get(suffix, "application/octet-stream"))


def dataset_header(kg: KnowledgeGraph, dataset: URIRef) -> Graph:
    """A new graph saying that ``dataset`` is a VoID and DCAT dataset with the ontology's metadata.

    Its title, description, licence, creator and source come from the ontology header; its
    vocabulary is ketrdf's ontology and its resources are under ``KR``.
    """
    graph = new_graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("sd", SD)):
        graph.bind(prefix, namespace)
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    for predicate in COPIED:
        for value in kg.ontology.objects(ONTOLOGY_IRI, predicate):
            graph.add((dataset, predicate, value))
    graph.add((dataset, VOID.vocabulary, URIRef(str(KET))))
    graph.add((dataset, VOID.uriSpace, Literal(str(KR))))
    return graph
