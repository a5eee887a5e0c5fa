"""Query parameters: each value checked and turned into one RDF term.

An ``iri`` parameter with a ``class`` also accepts an English or Japanese label or
alternative label of an instance of that class ("arketamine"), its local name, or the
start of one label; a parameter with a ``property`` takes only values that property has.
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Identifier, Node

from ketrdf.errors import InputError, QueryError
from ketrdf.query.gate import prepare
from ketrdf.query.saved import Parameter, SavedQuery
from ketrdf.vocabulary import IRI_FORBIDDEN, prefix_converter

LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


def expand_iri(value: str) -> URIRef:
    """A full IRI (``<...>`` optional) or a CURIE with a ketrdf prefix, checked."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    converter = prefix_converter()
    if converter.is_curie(text):
        text = converter.expand(text, strict=True)
    if IRI_FORBIDDEN.search(text) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        raise QueryError(f"{value!r} is not an absolute IRI or a known CURIE")
    return URIRef(text)


LOOKUP = """
SELECT DISTINCT ?entity WHERE {
  ?entity a ?class ; rdfs:label|skos:altLabel ?name .
  FILTER (LCASE(STR(?name)) = LCASE(STR(?text)))
}"""
LOCAL_NAME_LOOKUP = """
SELECT DISTINCT ?entity WHERE {
  ?entity a ?class .
  FILTER (LCASE(REPLACE(STR(?entity), "^.*[/#]", "")) = LCASE(STR(?text)))
}"""
PREFIX_LOOKUP = """
SELECT DISTINCT ?entity WHERE {
  ?entity a ?class ; rdfs:label|skos:altLabel ?name .
  FILTER (STRSTARTS(LCASE(STR(?name)), LCASE(STR(?text))))
}"""
CHOICES = """
SELECT DISTINCT ?name WHERE {
  ?entity a ?class ; rdfs:label ?name . FILTER (LANG(?name) = "en")
} ORDER BY ?name"""


def _select(graph: Graph, text: str, bindings: dict[str, Identifier]) -> list[tuple[Node, ...]]:
    """The rows of a look-up query (gated) on ``graph``, by rdflib's engine."""
    rows = graph.query(prepare(text, "parameter lookup"), initBindings=bindings)
    return [tuple(row) for row in rows]  # type: ignore[arg-type]


def resolve_entity(graph: Graph, parameter: Parameter, value: str) -> URIRef:
    """An instance of the parameter's class named by IRI, CURIE, label, local name or label start."""
    cls = expand_iri(parameter.cls or "owl:Thing")
    try:
        iri = expand_iri(value)
    except QueryError:
        iri = None
    if iri is not None and (iri, RDF.type, cls) in graph:
        return iri
    bindings: dict[str, Identifier] = {"text": Literal(value.strip()), "class": cls}
    for lookup in (LOOKUP, LOCAL_NAME_LOOKUP, PREFIX_LOOKUP):
        rows = _select(graph, lookup, bindings)
        found = sorted({row[0] for row in rows if isinstance(row[0], URIRef)})
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            break
    rows = _select(graph, CHOICES, {"class": cls})
    choices = ", ".join(str(row[0]) for row in rows)
    raise InputError(f"parameter {parameter.name!r}: {value!r} names no single {parameter.cls}; "
                     f"choices: {choices}")


VALUES_OF = """
SELECT DISTINCT ?value WHERE { ?thing ?property ?value } ORDER BY ?value"""


def check_value_of(graph: Graph, parameter: Parameter, value: str) -> None:
    """Refuse a value that no triple of the parameter's ``property`` has, listing those that do."""
    prop = expand_iri(parameter.prop or "")
    rows = _select(graph, VALUES_OF, {"property": prop})
    known = [str(row[0]) for row in rows]
    if value not in known:
        raise InputError(f"parameter {parameter.name!r}: {value!r} is no {parameter.prop} in the graph; "
                         f"choices: {', '.join(known)}")


def to_term(parameter: Parameter, value: str, graph: Graph | None = None) -> Identifier:
    """Turn a parameter value into the RDF term it stands for (checked in ``graph`` if given)."""
    if parameter.prop and graph is not None:
        check_value_of(graph, parameter, value)
    if parameter.type == "iri":
        if parameter.cls and graph is not None:
            return resolve_entity(graph, parameter, value)
        return expand_iri(value)
    if parameter.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise QueryError(f"parameter {parameter.name!r} takes an integer, not {value!r}")
        return Literal(int(value), datatype=XSD.integer)
    if parameter.type == "decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value.strip()):
            raise QueryError(f"parameter {parameter.name!r} takes a decimal, not {value!r}")
        return Literal(value.strip(), datatype=XSD.decimal)
    if parameter.type == "language":
        if not LANGUAGE_TAG.fullmatch(value):
            raise QueryError(f"parameter {parameter.name!r} takes a language tag, not {value!r}")
        return Literal(value.lower())
    return Literal(value)


def bind_parameters(query: SavedQuery, values: dict[str, str],
                    graph: Graph | None = None) -> dict[str, Identifier]:
    """Check ``values`` against the query's parameters and return the bindings.

    With ``graph``, an ``iri`` parameter with a class is resolved in it (labels allowed).
    """
    known = {param.name: param for param in query.params}
    unknown = sorted(set(values) - set(known))
    listing = ", ".join(
        f"{p.name} ({p.cls or p.type}{', required' if p.required else ''})" for p in query.params
    ) or "none"
    if unknown:
        raise InputError(f"query {query.name!r} has no parameter {unknown[0]!r}; parameters: {listing}")
    bindings: dict[str, Identifier] = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is None:
            if param.required:
                raise InputError(
                    f"query {query.name!r} needs parameter {param.name!r}; parameters: {listing}"
                )
            continue
        bindings[param.name] = to_term(param, value, graph)
    return bindings
