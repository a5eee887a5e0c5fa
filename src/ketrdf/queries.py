"""Stage 4, query: saved ``.rq`` files with a grlc-style ``#+`` YAML header.

A header looks like::

    #+ title: Antidepressant ranking
    #+ question: Which form of ketamine is the stronger antidepressant?
    #+ tags: [comparison, table-2]
    #+ params:
    #+   lang: {type: language, default: en, description: label language}

Each parameter ``p`` is the variable ``?p`` of the query. Values are bound
as RDF terms through rdflib's ``initBindings``, never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from ketrdf.errors import InputError, QueryError
from ketrdf.namespaces import PREFIXES

PARAM_TYPES = ("iri", "string", "integer", "decimal", "language")
IRI_FORBIDDEN = re.compile(r'[\s<>"{}|^`\\]')
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: bound to the variable of the same name."""

    name: str
    type: str = "string"
    required: bool = False
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class SavedQuery:
    """A saved query and its metadata."""

    name: str
    path: Path
    title: str
    question: str
    text: str
    tags: tuple[str, ...] = ()
    params: tuple[Parameter, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class QueryResult:
    """The rows of a SELECT or ASK: variable names and RDF terms (None where unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    boolean: bool | None = None


def _header(text: str, path: Path) -> dict[str, Any]:
    lines = [line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines()
             if line.startswith("#+")]
    try:
        header = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        raise InputError(f"{path}: malformed #+ header: {error}") from None
    if not isinstance(header, dict):
        raise InputError(f"{path}: the #+ header must be a mapping of keys to values")
    return header


def _parameters(raw: Any, path: Path) -> tuple[Parameter, ...]:
    if not raw:
        return ()
    if not isinstance(raw, dict):
        raise InputError(f"{path}: #+ params must map parameter names to their settings")
    params = []
    for name, settings in raw.items():
        spec = settings or {}
        kind = str(spec.get("type", "string"))
        if kind not in PARAM_TYPES:
            raise InputError(f"{path}: parameter {name!r} has unknown type {kind!r}")
        default = spec.get("default")
        params.append(Parameter(
            name=str(name),
            type=kind,
            required=bool(spec.get("required", False)),
            default=None if default is None else str(default),
            description=str(spec.get("description", "")),
        ))
    return tuple(params)


def read_saved_query(path: Path) -> SavedQuery:
    """Read one ``.rq`` file and its header."""
    text = path.read_text(encoding="utf-8")
    header = _header(text, path)
    for key in ("title", "question"):
        if not header.get(key):
            raise InputError(f"{path}: the #+ header needs a {key!r}")
    tags = header.get("tags") or []
    return SavedQuery(
        name=path.stem,
        path=path,
        title=str(header["title"]),
        question=" ".join(str(header["question"]).split()),
        text=text,
        tags=tuple(str(tag) for tag in tags),
        params=_parameters(header.get("params"), path),
    )


def load_catalog(queries_dir: Path) -> dict[str, SavedQuery]:
    """Every saved query directly in ``queries_dir`` (rules live in a subfolder), by name."""
    return {path.stem: read_saved_query(path) for path in sorted(queries_dir.glob("*.rq"))}


def find_query(catalog: dict[str, SavedQuery], name: str) -> SavedQuery:
    """The saved query called ``name``, or an error listing the valid names."""
    if name not in catalog:
        known = ", ".join(sorted(catalog)) or "(none)"
        raise InputError(f"unknown query {name!r}; saved queries: {known}")
    return catalog[name]


def expand_iri(value: str) -> URIRef:
    """A full IRI (``<...>`` optional) or a CURIE with a ketrdf prefix, checked."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        text = PREFIXES[prefix] + local
    if IRI_FORBIDDEN.search(text) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):
        raise QueryError(f"{value!r} is not an absolute IRI or a known CURIE")
    return URIRef(text)


def to_term(parameter: Parameter, value: str) -> Identifier:
    """Turn a parameter value into the RDF term it stands for."""
    if parameter.type == "iri":
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
        if not LANGUAGE_TAG.match(value):
            raise QueryError(f"parameter {parameter.name!r} takes a language tag, not {value!r}")
        return Literal(value.lower())
    return Literal(value)


def bind_parameters(query: SavedQuery, values: dict[str, str]) -> dict[str, Identifier]:
    """Check ``values`` against the query's parameters and return the bindings."""
    known = {param.name: param for param in query.params}
    unknown = sorted(set(values) - set(known))
    listing = ", ".join(
        f"{p.name} ({p.type}{', required' if p.required else ''})" for p in query.params
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
        bindings[param.name] = to_term(param, value)
    return bindings


def prepare(text: str, origin: str) -> Query:
    """Parse SPARQL text with ketrdf's prefixes predeclared."""
    try:
        return prepareQuery(text, initNs=PREFIXES)
    except Exception as error:  # rdflib raises pyparsing and other errors
        message = " ".join(str(error).split())
        raise QueryError(f"{origin}: SPARQL syntax error: {message}") from None


def run_sparql(graph: Graph, text: str, bindings: dict[str, Identifier] | None = None,
               origin: str = "query") -> QueryResult:
    """Run a SELECT or ASK query on ``graph``."""
    query = prepare(text, origin)
    kind = query.algebra.name
    if kind not in ("SelectQuery", "AskQuery"):
        raise QueryError(f"{origin}: only SELECT and ASK queries are supported here, not {kind}")
    result = graph.query(query, initBindings=bindings or {})
    if kind == "AskQuery":
        return QueryResult(variables=(), rows=(), boolean=bool(result.askAnswer))
    variables = tuple(str(var) for var in result.vars or ())
    rows = tuple(tuple(row) for row in result)  # type: ignore[arg-type]
    return QueryResult(variables=variables, rows=rows)


def run_saved_query(graph: Graph, query: SavedQuery, values: dict[str, str] | None = None) -> QueryResult:
    """Bind ``values`` to the parameters of a saved query and run it on ``graph``."""
    bindings = bind_parameters(query, values or {})
    return run_sparql(graph, query.text, bindings, origin=str(query.path))
