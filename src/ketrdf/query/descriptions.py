"""The saved-query catalogue as RDF, so that a triple store's users can find it.

Each query becomes a ``sh:SPARQLExecutable`` (``sh:SPARQLSelectExecutable``
with ``sh:select``) with its title, question, tags and parameters, in the
manner of the SIB sparql-examples.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from ketrdf.query.saved import SavedQuery
from ketrdf.vocabulary import KET, QUERY, SH, new_graph

SCHEMA_KEYWORDS = URIRef("https://schema.org/keywords")
DCMI_COLLECTION = URIRef("http://purl.org/dc/dcmitype/Collection")
CATALOGUE = QUERY["catalogue"]


def query_body(text: str) -> str:
    """The SPARQL text without its ``#+`` header lines."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("#+")).strip() + "\n"


def describe_saved_queries(saved_queries: dict[str, SavedQuery]) -> Graph:
    """Describe every saved query in RDF."""
    graph = new_graph()
    graph.add((CATALOGUE, RDF.type, DCMI_COLLECTION))
    graph.add((CATALOGUE, RDFS.label, Literal("ketrdf saved queries", lang="en")))
    for name, saved in sorted(saved_queries.items()):
        node = QUERY[name]
        graph.add((CATALOGUE, DCTERMS.hasPart, node))
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        graph.add((node, RDF.type, SH.SPARQLSelectExecutable))
        graph.add((node, RDFS.label, Literal(saved.title, lang="en")))
        graph.add((node, RDFS.comment, Literal(saved.question, lang="en")))
        graph.add((node, SH.select, Literal(query_body(saved.text))))
        for tag in saved.tags:
            graph.add((node, SCHEMA_KEYWORDS, Literal(tag)))
        for param in saved.params:
            parameter = URIRef(f"{node}#{param.name}")
            graph.add((node, KET.parameter, parameter))
            graph.add((parameter, RDFS.label, Literal(param.name)))
            graph.add((parameter, KET.parameterType, Literal(param.cls or param.type)))
            graph.add((parameter, KET.required, Literal(param.required)))
            if param.default is not None:
                graph.add((parameter, KET.defaultValue, Literal(param.default)))
            if param.description:
                graph.add((parameter, RDFS.comment, Literal(param.description, lang="en")))
    return graph
