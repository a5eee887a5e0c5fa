"""Query parameters: each value checked and turned into one RDF term.

An ``iri`` parameter with a ``class`` also accepts an English or Japanese label or
alternative label of an instance of that class ("arketamine"), its local name, or the
start of one label; a parameter with a ``property`` takes only values that property has.
Look-ups are SPARQL queries run by a :class:`~ketrdf.query.engine.SparqlEngine`, so every
engine resolves a label with the same queries; terms are Oxigraph's, which every engine takes.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ketrdf.errors import InputError, QueryError
from ketrdf.prefixes import IRI_FORBIDDEN, PREFIXES, expand
from ketrdf.query.saved import Parameter, SavedQuery
from ketrdf.rdfio.native import Term

if TYPE_CHECKING:
    from rdflib import URIRef

    from ketrdf.query.engine import SparqlEngine

LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
XSD = PREFIXES["xsd"]


def expand_text(value: str) -> str:
    """A full IRI (``<...>`` optional) or a CURIE with a ketrdf prefix, checked, as text."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    text = expand(text) or text
    if IRI_FORBIDDEN.search(text) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        raise QueryError(f"{value!r} is not an absolute IRI or a known CURIE")
    return text


def expand_iri(value: str) -> URIRef:
    """:func:`expand_text` as an rdflib IRI."""
    from rdflib import URIRef

    return URIRef(expand_text(value))


def _named(value: str) -> ox.NamedNode:
    """:func:`expand_text` as an Oxigraph IRI (which Oxigraph checks too)."""
    text = expand_text(value)
    try:
        return ox.NamedNode(text)
    except ValueError as error:
        raise QueryError(f"{value!r} is not an absolute IRI or a known CURIE ({error})") from None


IS_INSTANCE = """
ASK WHERE { ?entity a ?class }"""
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


def _select(engine: SparqlEngine, text: str, bindings: dict[str, Term]) -> list[tuple[Term | None, ...]]:
    """The rows of a look-up query on ``engine`` (gated there), as Oxigraph terms."""
    return list(engine.run(text, bindings, "parameter lookup").terms)


def _text(term: Term | None) -> str:
    """A look-up answer's text: an IRI, a literal's lexical form, a blank node's label."""
    return "" if term is None else term.value


def resolve_entity(engine: SparqlEngine, parameter: Parameter, value: str) -> ox.NamedNode:
    """An instance of the parameter's class named by IRI, CURIE, label, local name or label start."""
    cls = _named(parameter.cls or "owl:Thing")
    try:
        iri: ox.NamedNode | None = _named(value)
    except QueryError:
        iri = None
    if iri is not None and engine.run(IS_INSTANCE, {"entity": iri, "class": cls}, "parameter lookup").boolean:
        return iri
    bindings: dict[str, Term] = {"text": ox.Literal(value.strip()), "class": cls}
    for lookup in (LOOKUP, LOCAL_NAME_LOOKUP, PREFIX_LOOKUP):
        rows = _select(engine, lookup, bindings)
        found = sorted({row[0].value for row in rows if isinstance(row[0], ox.NamedNode)})
        if len(found) == 1:
            return ox.NamedNode(found[0])
        if len(found) > 1:
            break
    rows = _select(engine, CHOICES, {"class": cls})
    choices = ", ".join(_text(row[0]) for row in rows)
    raise InputError(f"parameter {parameter.name!r}: {value!r} names no single {parameter.cls}; "
                     f"choices: {choices}")


VALUES_OF = """
SELECT DISTINCT ?value WHERE { ?thing ?property ?value } ORDER BY ?value"""

#: Every look-up text, gated at build time with the saved queries (their verdicts kept in build/gate.json).
LOOKUP_TEXTS = (IS_INSTANCE, LOOKUP, LOCAL_NAME_LOOKUP, PREFIX_LOOKUP, CHOICES, VALUES_OF)


def check_value_of(engine: SparqlEngine, parameter: Parameter, value: str) -> None:
    """Refuse a value that no triple of the parameter's ``property`` has, listing those that do."""
    prop = _named(parameter.prop or "")
    rows = _select(engine, VALUES_OF, {"property": prop})
    known = [_text(row[0]) for row in rows]
    if value not in known:
        raise InputError(f"parameter {parameter.name!r}: {value!r} is no {parameter.prop} in the graph; "
                         f"choices: {', '.join(known)}")


def to_term(parameter: Parameter, value: str, engine: SparqlEngine | None = None) -> Term:
    """Turn a parameter value into the RDF term it stands for (checked on ``engine``'s graph if given).

    Literals take the lexical forms rdflib gives them (an integer's or a decimal's canonical
    text), so every engine is given the same term.
    """
    if parameter.prop and engine is not None:
        check_value_of(engine, parameter, value)
    if parameter.type == "iri":
        if parameter.cls and engine is not None:
            return resolve_entity(engine, parameter, value)
        return _named(value)
    if parameter.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise QueryError(f"parameter {parameter.name!r} takes an integer, not {value!r}")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if parameter.type == "decimal":
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value.strip()):
            raise QueryError(f"parameter {parameter.name!r} takes a decimal, not {value!r}")
        return ox.Literal(format(Decimal(value.strip()), "f"), datatype=ox.NamedNode(XSD + "decimal"))
    if parameter.type == "language":
        if not LANGUAGE_TAG.fullmatch(value):
            raise QueryError(f"parameter {parameter.name!r} takes a language tag, not {value!r}")
        return ox.Literal(value.lower())
    return ox.Literal(value)


def bind_parameters(query: SavedQuery, values: dict[str, str],
                    engine: SparqlEngine | None = None) -> dict[str, Term]:
    """Check ``values`` against the query's parameters and return the bindings.

    With an ``engine``, an ``iri`` parameter with a class is resolved in the engine's
    graph (labels allowed); without one, it must be an IRI or a CURIE.
    """
    known = {param.name: param for param in query.params}
    unknown = sorted(set(values) - set(known))
    listing = ", ".join(
        f"{p.name} ({p.cls or p.type}{', required' if p.required else ''})" for p in query.params
    ) or "none"
    if unknown:
        raise InputError(f"query {query.name!r} has no parameter {unknown[0]!r}; parameters: {listing}")
    bindings: dict[str, Term] = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        if value is None:
            if param.required:
                raise InputError(
                    f"query {query.name!r} needs parameter {param.name!r}; parameters: {listing}"
                )
            continue
        bindings[param.name] = to_term(param, value, engine)
    return bindings
