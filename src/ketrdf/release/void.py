"""The release described in VoID and DCAT: the dataset, its graphs and its files.

The dataset ``https://w3id.org/ketrdf/releases/V/`` is a ``void:Dataset`` and a
``dcat:Dataset`` with the ontology's title, description, licence, creator and source
review (with its bibliographic facts), its version, the triple count of each named graph
(a ``void:subset`` named with ``sd:name``), and one ``dcat:Distribution`` per file of the
release with its download IRI, media type and size. Nothing in it depends on the time
or the place it is written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, VOID, XSD
from rdflib.term import Node
from semver import Version

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.present.dataset_header import DCAT, SD, dataset_header, media_type
from ketrdf.release.ontology import version_iri
from ketrdf.vocabulary import BASE, ONTOLOGY_IRI

#: The dumps of the whole dataset: the graph in each RDF export format.
DUMP = re.compile(r"exports/ketrdf\.(ttl|nt|nq|trig|jsonld)")


def describe(kg: KnowledgeGraph, version: Version, files: Mapping[str, int],
             previous: Version | None) -> Graph:
    """VoID and DCAT for the release ``version`` of ``kg`` whose files (path: bytes) are ``files``."""
    dataset = version_iri(version, "")
    graph = dataset_header(kg, dataset)
    graph.add((dataset, DCAT.version, Literal(str(version))))
    graph.add((dataset, OWL.versionInfo, Literal(str(version))))
    graph.add((dataset, DCTERMS.isVersionOf, URIRef(BASE)))
    if previous is not None:
        graph.add((dataset, DCAT.previousVersion, version_iri(previous, "")))
    union = kg.union_view()
    graph.add((dataset, VOID.triples, Literal(len(union))))
    for name, named in kg.named_graphs().items():
        subset = version_iri(version, "graph/" + name.rsplit("/", 1)[-1])
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, name))
        graph.add((subset, VOID.triples, Literal(len(named))))
        graph.add((subset, VOID.classes, Literal(len(set(named.objects(None, RDF.type))))))
        graph.add((subset, VOID.properties, Literal(len(set(named.predicates())))))
    for file_name, size in sorted(files.items()):
        download = version_iri(version, file_name)
        distribution = version_iri(version, "distribution/" + file_name)
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(file_name)))
        graph.add((distribution, DCAT.downloadURL, download))
        graph.add((distribution, DCAT.mediaType, media_type(file_name)))
        graph.add((distribution, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        if DUMP.fullmatch(file_name):
            graph.add((dataset, VOID.dataDump, download))
    for review in kg.ontology.objects(ONTOLOGY_IRI, DCTERMS.source):
        _copy_description(kg.content, review, graph)
    return graph


def _copy_description(source: Graph, node: Node, target: Graph) -> None:
    """Copy the literal values and types of ``node`` in ``source``, and so for what it is part of."""
    for predicate, value in source.predicate_objects(node):
        if isinstance(value, Literal) or predicate in (RDF.type, DCTERMS.isPartOf):
            target.add((node, predicate, value))
        if predicate == DCTERMS.isPartOf:
            _copy_description(source, value, target)
