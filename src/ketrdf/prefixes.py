"""ketrdf's base IRI and prefixes as plain strings, with CURIEs expanded and made; imports nothing.

What a cached ``ketrdf query run`` needs of the vocabulary, without rdflib or curies
(:mod:`ketrdf.vocabulary` re-exports these beside its rdflib namespaces). ``ket:`` is
the ontology, ``kr:`` the resources, ``claim:``, ``evidence:`` and ``ref:`` parts of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

BASE = "https://w3id.org/ketrdf/"

PREFIXES: dict[str, str] = {
    "ket": BASE + "ontology#",
    "kr": BASE + "resource/",
    "claim": BASE + "resource/claim/",
    "evidence": BASE + "resource/evidence/",
    "ref": BASE + "resource/hashimoto-2020/ref/",
    "kets": BASE + "shapes#",
    "query": BASE + "query/",
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "https://schema.org/",
    "bibo": "http://purl.org/ontology/bibo/",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "obo": "http://purl.obolibrary.org/obo/",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: Characters an IRI may not contain (RFC 3987): controls, space and <>"{}|^`\\.
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def compress(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """``iri`` as a CURIE of the longest namespace of ``prefixes`` it starts with, else None."""
    found = max(((prefix, namespace) for prefix, namespace in prefixes.items() if iri.startswith(namespace)),
                key=lambda pair: len(pair[1]), default=None)
    return None if found is None else f"{found[0]}:{iri[len(found[1]):]}"


def expand(curie: str, prefixes: Mapping[str, str] = PREFIXES) -> str | None:
    """The IRI of a CURIE whose prefix is one of ``prefixes``, else None."""
    prefix, colon, local = curie.partition(":")
    namespace = prefixes.get(prefix) if colon else None
    return None if namespace is None else namespace + local
