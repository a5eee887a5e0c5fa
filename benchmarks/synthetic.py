"""Generated graphs shaped like the review's, for benchmarks and scale tests.

Each copy renames every resource IRI (compounds, claims, evidence, references
...) with a ``/copy-N`` suffix, so a graph of N copies holds N independent
reviews' worth of claims under the same ontology; it validates as the review does.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from ketrdf.external.mappings import PREDICATES
from ketrdf.vocabulary import BASE, KR, bind_prefixes

# Links to external identifiers (SKOS mappings); recorded absences are ket:identifierNotFoundIn
EXTERNAL_LINKS = frozenset(PREDICATES.values())


def scaled_content(content: Graph, copies: int) -> Graph:
    """``copies`` renamed copies of ``content`` (copy 0 keeps the original IRIs).

    A copy stands for other compounds and claims, which would not share an InChIKey or a
    DOI: its links to external identifiers point to identifiers renamed with the same
    suffix. Its recorded absences (``ket:identifierNotFoundIn`` a system) are kept as they are.
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

        for subject, predicate, obj in content:
            if (index and predicate in EXTERNAL_LINKS and isinstance(obj, URIRef)
                    and not str(obj).startswith(BASE)):
                obj = URIRef(f"{obj}/copy-{index}")
            scaled.add((rename(subject), predicate, rename(obj)))  # type: ignore[arg-type]
    return scaled
