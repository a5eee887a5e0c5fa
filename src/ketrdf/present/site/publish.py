"""Publishing the site: the dataset's VoID description and the w3id.org redirect rules (``.htaccess``)."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID, XSD

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.present.dataset_header import DCAT, SD, dataset_header, media_type
from ketrdf.present.site.paths import RDF_SUFFIXES
from ketrdf.vocabulary import BASE

#: A placeholder: the static host that serves the site; give the real one with ``--publish-base``.
DEFAULT_PUBLISH_BASE = "https://example.org/ketrdf/"
#: The paths that name a subject (no suffix): a resource, a query, an ontology term, the ontology.
SUBJECT = r"((?:resource|query|ontology)/[A-Za-z0-9_/-]+|ontology)"


def dataset_description(kg: KnowledgeGraph, downloads: Mapping[str, int]) -> Graph:
    """VoID and DCAT for the site's dataset ``BASE``: header, triples per named graph, its dumps."""
    dataset = URIRef(BASE)
    graph = dataset_header(kg, dataset)
    for name, named in kg.named_graphs().items():
        subset = URIRef(f"{BASE}dataset/{name.rsplit('/', 1)[-1]}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, name))
        graph.add((subset, VOID.triples, Literal(len(named))))
    for path, size in sorted(downloads.items()):
        download = URIRef(BASE + path)
        graph.add((dataset, VOID.dataDump, download))
        graph.add((dataset, DCAT.distribution, download))
        graph.add((download, RDF.type, DCAT.Distribution))
        graph.add((download, DCAT.downloadURL, download))
        graph.add((download, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
        graph.add((download, DCAT.mediaType, media_type(path)))
    return graph


def htaccess(publish_base: str) -> str:
    """Apache rewrite rules for ``https://w3id.org/ketrdf/`` to the site at ``publish_base``.

    A subject's IRI answers 303 See Other: to its RDF file by the Accept header (Turtle,
    JSON-LD, N-Triples, RDF/XML), else to its HTML page (Japanese when the browser prefers
    it). Every other path goes to the same path on the host.
    """
    base = publish_base if publish_base.endswith("/") else publish_base + "/"
    lines = [
        "# w3id.org/ketrdf: redirects to the static site written by 'ketrdf site'.",
        f"# The site is published at {base}"
        + (" (a placeholder: set it with --publish-base)" if base == DEFAULT_PUBLISH_BASE else ""),
        "Options +FollowSymLinks",
        "RewriteEngine on",
        "",
        "# Machines: the subject's RDF, chosen by the Accept header",
    ]
    for suffix, media in RDF_SUFFIXES.items():
        pattern = media.replace("+", "\\+")
        lines += [f"RewriteCond %{{HTTP_ACCEPT}} {pattern}",
                  f"RewriteRule ^{SUBJECT}$ {base}$1{suffix} [R=303,L]"]
    lines += [
        "",
        "# People: the HTML page, in Japanese for browsers that prefer it",
        "RewriteCond %{HTTP:Accept-Language} ^ja",
        f"RewriteRule ^{SUBJECT}$ {base}ja/$1.html [R=303,L]",
        f"RewriteRule ^{SUBJECT}$ {base}$1.html [R=303,L]",
        f"RewriteRule ^$ {base}index.html [R=303,L]",
        "",
        "# Anything else (the RDF and HTML files, downloads, .well-known): the same path on the host",
        f"RewriteRule ^(.*)$ {base}$1 [R=302,L]",
    ]
    return "\n".join(lines) + "\n"
