"""Oxigraph's terms and stores without rdflib: what a cached query run reads and prints.

:mod:`ketrdf.rdfio.terms` converts between these terms and rdflib's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ketrdf.prefixes import PREFIXES, compress

Term = ox.NamedNode | ox.BlankNode | ox.Literal


def short_text(term: Term, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """A term as ketrdf shows it to people: a literal's text, an IRI as a CURIE of ``prefixes``.

    A blank node, and an IRI that no prefix fits, in its N-Triples form.
    """
    if isinstance(term, ox.Literal):
        return term.value
    return short_name(term, prefixes)


def short_name(term: Term, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """A term as a CURIE of ``prefixes`` when it is an IRI one fits, else in its N-Triples form."""
    if isinstance(term, ox.NamedNode):
        curie = compress(term.value, prefixes)
        if curie is not None:
            return curie
    return str(term)


def read_nquads(data: bytes) -> list[ox.Quad]:
    """The statements of N-Quads ``data``, blank nodes under their labels (Oxigraph's parser)."""
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False))


def nquads_store(data: bytes) -> ox.Store:
    """An in-memory store of N-Quads ``data``, each statement in its graph, blank nodes under their labels."""
    return store_of(read_nquads(data))


def store_of(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory store holding ``quads``."""
    store = ox.Store()
    store.extend(quads)
    return store


def graph_counts(quads: Iterable[ox.Quad]) -> dict[str, int]:
    """The number of statements in each graph, by graph name (the default graph's as "")."""
    counts: dict[str, int] = {}
    for quad in quads:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[name] = counts.get(name, 0) + 1
    return counts
