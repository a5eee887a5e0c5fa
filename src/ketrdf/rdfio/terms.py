"""rdflib terms and pyoxigraph terms, one to the other (rdflib's model is the reference)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ketrdf.prefixes import PREFIXES
from ketrdf.rdfio import native
from ketrdf.rdfio.native import Term as Term


def to_oxigraph(term: Node) -> Term:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"cannot convert {term!r} to an Oxigraph term")


def ntriples_text(term: Node) -> str:
    """A term's canonical N-Triples text, as Oxigraph writes it: one line, line breaks escaped."""
    return str(to_oxigraph(term))


def from_oxigraph(term: object) -> Node | None:
    """A pyoxigraph term as the rdflib term rdflib's own engine would give."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
    raise ValueError(f"unexpected term {term!r} (an RDF 1.2 triple term?)")


def short_name(node: Node, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """A node as ketrdf shows it to people: an IRI as a CURIE of ``prefixes`` when one fits.

    Anything else, and an IRI that no prefix fits, in its N-Triples form
    (:func:`ketrdf.rdfio.native.short_name`).
    """
    return native.short_name(to_oxigraph(node), prefixes)


def load_store(graphs: Iterable[Graph]) -> ox.Store:
    """An in-memory store holding every triple of ``graphs`` in its default graph."""
    store = ox.Store()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                 for graph in graphs for s, p, o in graph)
    return store


def load_dataset(graphs: Mapping[URIRef, Graph]) -> ox.Store:
    """An in-memory store holding each graph as the named graph of its name (the Oxigraph engine's data)."""
    store = ox.Store()
    store.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o),  # type: ignore[arg-type]
                         ox.NamedNode(str(name)))
                 for name, graph in graphs.items() for s, p, o in graph)
    return store
