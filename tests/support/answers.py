"""Query answers compared across engines and stores: the answer, not its spelling."""

from __future__ import annotations

from rdflib import BNode, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from ketrdf.query.results import QueryResult


def _canonical(term: Node | None) -> object:
    """Compare answers, not spellings: numbers by value, blank nodes alike, lists (GROUP_CONCAT,
    whose order SPARQL leaves open) as sorted items, text without its language tag (stores
    differ on whether an aggregate keeps a tag all its inputs share; the text still tells
    English from Japanese)."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return "_:b"
    if isinstance(term, Literal):
        if term.datatype in (XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.int, XSD.long):
            return ("number", float(term))
        return ("text", ", ".join(sorted(str(term).split(", "))))
    return ("iri", str(term))


def canonical_rows(result: QueryResult) -> list[tuple[object, ...]]:
    return [tuple(_canonical(term) for term in row) for row in result.rows]
