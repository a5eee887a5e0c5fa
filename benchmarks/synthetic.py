"""Generated graphs shaped like the review's, for benchmarks and scale tests.

Each copy renames every resource IRI (compounds, claims, evidence, references
...) with a ``/copy-N`` suffix, so a graph of N copies holds N independent
reviews' worth of claims under the same ontology.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from ketrdf.external.mappings import PREDICATES
from ketrdf.vocabulary import BASE, KET, KR, bind_prefixes

# Links to external identifiers, and recorded absences of one (ket:identifierNotFoundIn)
MAPPING_PREDICATES = frozenset({*PREDICATES.values(), KET.identifierNotFoundIn})


def scaled_content(content: Graph, copies: int) -> Graph:
    """``copies`` renamed copies of ``content`` (copy 0 keeps the original IRIs).

    Links to external identifiers, and recorded absences of one, stay with copy 0: a
    copy stands for other compounds and claims, which would not share an InChIKey or a DOI.
    """
    if copies < 1:
        raise ValueError("copies must be at least 1")
    scaled = bind_prefixes(Graph())
    prefix = str(KR)
    for index in range(copies):

        def rename(term: object, index: int = index) -> object:
            if index and isinstance(term, URIRef) and str(term).startswith(prefix):
                return URIRef(f"{term}/copy-{index}")
            return term

        for triple in content:
            if index and triple[1] in MAPPING_PREDICATES and not str(triple[2]).startswith(BASE):
                continue
            scaled.add(tuple(rename(term) for term in triple))  # type: ignore[arg-type]
    return scaled
