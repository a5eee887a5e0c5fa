"""Namespaces, graph names and prefix bindings of ketrdf."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

if TYPE_CHECKING:
    import curies

BASE = "https://w3id.org/ketrdf/"
KET = Namespace(BASE + "ontology#")
KR = Namespace(BASE + "resource/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
SH = Namespace("http://www.w3.org/ns/shacl#")

ONTOLOGY_IRI = URIRef(BASE + "ontology")
GRAPH_ONTOLOGY = URIRef(BASE + "graph/ontology")
GRAPH_CONTENT = URIRef(BASE + "graph/content")
GRAPH_INFERRED = URIRef(BASE + "graph/inferred")
GRAPH_QUERIES = URIRef(BASE + "graph/queries")
GRAPH_IMPORTS = URIRef(BASE + "graph/imports")
QUERY = Namespace(BASE + "query/")

PREFIXES: dict[str, str] = {
    "ket": str(KET),
    "kr": str(KR),
    "claim": BASE + "resource/claim/",
    "evidence": BASE + "resource/evidence/",
    "ref": BASE + "resource/hashimoto-2020/ref/",
    "kets": BASE + "shapes#",
    "query": BASE + "query/",
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "https://schema.org/",
    "bibo": str(BIBO),
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "obo": "http://purl.obolibrary.org/obo/",
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "xsd": str(XSD),
}


#: Characters an IRI may not contain (RFC 3987): controls, space and <>"{}|^`\\.
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def bind_prefixes(graph: Graph) -> Graph:
    """Bind ketrdf's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


@cache
def _converter(prefixes: tuple[tuple[str, str], ...]) -> curies.Converter:
    import curies  # on first use: it loads pydantic, which most commands never need

    return curies.Converter.from_prefix_map(dict(prefixes))


def prefix_converter(prefixes: Mapping[str, str] = PREFIXES) -> curies.Converter:
    """A curies converter of ``prefixes`` (ketrdf's by default) that expands and compresses CURIEs."""
    return _converter(tuple(sorted(prefixes.items())))
