"""Stage 4, query: saved ``.rq`` files with a grlc-style ``#+`` YAML header.

A header looks like::

    #+ title: Antidepressant ranking
    #+ question: Which form of ketamine is the stronger antidepressant?
    #+ tags: [comparison, table-2]
    #+ params:
    #+   lang: {type: language, default: en, description: label language}
    #+   form: {type: iri, class: ket:ChemicalEntity, description: a form of ketamine}

Each parameter ``p`` is the variable ``?p`` of the query. Values are bound
as RDF terms through rdflib's ``initBindings``, never pasted into the text.
For a remote endpoint, which has no binding protocol, :func:`with_values`
adds them as SPARQL ``VALUES`` data (terms in N-Triples syntax) at the top
of every ``WHERE`` group, the same scope ``initBindings`` has.
An ``iri`` parameter with a ``class`` also accepts an English or Japanese
label or alternative label of an instance of that class ("arketamine").

A query may reuse another's text: ``base: ranking`` with ``defaults:
{endpoint: kr:side-effect-burden}`` is the ``ranking`` query with new
default values (grlc's ``defaults`` key).
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from ketrdf.errors import InputError, QueryError
from ketrdf.namespaces import IRI_FORBIDDEN, PREFIXES

PARAM_TYPES = ("iri", "string", "integer", "decimal", "language")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: bound to the variable of the same name."""

    name: str
    type: str = "string"
    required: bool = False
    default: str | None = None
    description: str = ""
    cls: str | None = None


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
    base: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    example: dict[str, str] = field(default_factory=dict)


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
        cls = spec.get("class")
        params.append(Parameter(
            name=str(name),
            type=kind,
            required=bool(spec.get("required", False)),
            default=None if default is None else str(default),
            description=str(spec.get("description", "")),
            cls=None if cls is None else str(cls),
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
        base=None if header.get("base") is None else str(header["base"]),
        defaults={str(k): str(v) for k, v in (header.get("defaults") or {}).items()},
        example={str(k): str(v) for k, v in (header.get("example") or {}).items()},
    )


def _with_base(query: SavedQuery, catalog: dict[str, SavedQuery]) -> SavedQuery:
    """A query that names a ``base`` takes its text and parameters, with new defaults."""
    if query.base is None:
        return query
    base = catalog.get(query.base)
    if base is None or base.base is not None:
        raise InputError(f"{query.path}: base {query.base!r} is not a saved query without a base")
    unknown = set(query.defaults) - {param.name for param in base.params}
    if unknown:
        raise InputError(f"{query.path}: defaults for unknown parameters {sorted(unknown)}")
    params = tuple(replace(param, default=query.defaults.get(param.name, param.default),
                           required=param.required and param.name not in query.defaults)
                   for param in base.params)
    return replace(query, text=base.text, params=params)


def load_catalog(queries_dir: Path) -> dict[str, SavedQuery]:
    """Every saved query directly in ``queries_dir`` (rules live in a subfolder), by name."""
    raw = {path.stem: read_saved_query(path) for path in sorted(queries_dir.glob("*.rq"))}
    return {name: _with_base(query, raw) for name, query in raw.items()}


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
        rows = run_sparql(graph, lookup, bindings, origin="parameter lookup").rows
        found = sorted({row[0] for row in rows if isinstance(row[0], URIRef)})
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            break
    rows = run_sparql(graph, CHOICES, {"class": cls}, origin="parameter lookup").rows
    choices = ", ".join(str(row[0]) for row in rows)
    raise InputError(f"parameter {parameter.name!r}: {value!r} names no single {parameter.cls}; "
                     f"choices: {choices}")


def to_term(parameter: Parameter, value: str, graph: Graph | None = None) -> Identifier:
    """Turn a parameter value into the RDF term it stands for."""
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
        if not LANGUAGE_TAG.match(value):
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


def _refuse_remote_access(node: object, origin: str) -> None:
    """Refuse SERVICE and FROM / FROM NAMED: rdflib would fetch them from the web."""
    if isinstance(node, CompValue):
        refused = {"ServiceGraphPattern": "SERVICE clauses", "DatasetClause": "FROM and FROM NAMED"}
        if node.name in refused:
            what = refused[node.name]
            raise QueryError(f"{origin}: {what} are refused; ketrdf queries only the local graph")
        for value in node.values():
            _refuse_remote_access(value, origin)
    elif isinstance(node, list | tuple):
        for item in node:
            _refuse_remote_access(item, origin)


def prepare(text: str, origin: str) -> Query:
    """Parse SPARQL text with ketrdf's prefixes predeclared; refuse anything that would fetch."""
    try:
        query = prepareQuery(text, initNs=PREFIXES)
    except Exception as error:  # rdflib raises pyparsing and other errors
        message = " ".join(str(error).split())
        raise QueryError(f"{origin}: SPARQL syntax error: {message}") from None
    _refuse_remote_access(query.algebra, origin)
    return query


@contextmanager
def time_limit(seconds: float | None, origin: str) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (POSIX main thread only; elsewhere no limit)."""
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise QueryError(f"{origin}: query stopped after the time limit of {seconds} s (--timeout)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds or 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_sparql(graph: Graph, text: str, bindings: dict[str, Identifier] | None = None,
               origin: str = "query", timeout: float | None = None) -> QueryResult:
    """Run a SELECT or ASK query on ``graph``, within ``timeout`` seconds if given."""
    query = prepare(text, origin)
    kind = query.algebra.name
    if kind not in ("SelectQuery", "AskQuery"):
        raise QueryError(f"{origin}: only SELECT and ASK queries are supported here, not {kind}")
    with time_limit(timeout, origin):
        result = graph.query(query, initBindings=bindings or {})
        rows = tuple(tuple(row) for row in result) if kind == "SelectQuery" else ()  # type: ignore[arg-type]
    if kind == "AskQuery":
        return QueryResult(variables=(), rows=(), boolean=bool(result.askAnswer))
    variables = tuple(str(var) for var in result.vars or ())
    return QueryResult(variables=variables, rows=rows)


def run_saved_query(graph: Graph, query: SavedQuery, values: dict[str, str] | None = None,
                    timeout: float | None = None) -> QueryResult:
    """Bind ``values`` to the parameters of a saved query and run it on ``graph``."""
    bindings = bind_parameters(query, values or {}, graph)
    return run_sparql(graph, query.text, bindings, origin=str(query.path), timeout=timeout)


_TOKENS = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
                  |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<where>(?<![\w:?$])WHERE(?![\w:-]))
      | (?P<brace>\{)
      | (?P<other>[^\#"'<{Ww]+|.)""",
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)


def _n3(term: Identifier) -> str:
    r"""A term in SPARQL syntax; an escaped backslash in a literal becomes two ``\u005C``.

    SPARQL reads ``\u`` escapes before anything else: a literal ending up with ``\\u0022``
    in the text would otherwise turn into a quote.
    """
    if isinstance(term, URIRef) and IRI_FORBIDDEN.search(str(term)):
        raise QueryError(f"not a valid IRI: {str(term)!r}")
    text = term.n3()
    return text.replace("\\\\", "\\u005C\\u005C") if isinstance(term, Literal) else text


def with_values(text: str, bindings: dict[str, Identifier], origin: str = "query",
                verify: bool = True) -> str:
    """The query text, prefixes declared, ``bindings`` as ``VALUES`` opening each ``WHERE`` group.

    A ``WHERE`` group that is only a sub-select gets the block inside the sub-select's own
    ``WHERE``. Strings, IRIs and comments are skipped; with ``verify`` the result is parsed
    again before use (a local engine that parses it anyway may skip that).
    """
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    if not bindings:
        return prefixes + text
    names = sorted(bindings)
    block = (" VALUES (" + " ".join(f"?{name}" for name in names) + ") { ("
             + " ".join(_n3(bindings[name]) for name in names) + ") } ")
    pieces: list[str] = []
    after_where = pending = False
    inserted = 0
    for match in _TOKENS.finditer(text):
        kind, token = match.lastgroup, match.group()
        significant = kind != "comment" and (kind != "other" or bool(token.strip()))
        if pending and significant:
            pending = False
            if not (kind == "other" and token.lstrip().upper().startswith("SELECT")):
                pieces.append(block)
                inserted += 1
        pieces.append(token)
        if kind == "where":
            after_where = True
        elif kind == "brace" and after_where:
            pending, after_where = True, False
        elif significant:
            after_where = False
    if not inserted:
        raise QueryError(f"{origin}: parameters need an explicit WHERE clause to be sent to an endpoint")
    result = prefixes + "".join(pieces)
    if verify:
        prepare(result, origin)
    return result


_REMOTE_KEYWORDS = re.compile(r"(?<![\w:?$])(SERVICE|FROM)(?![\w:-])", re.IGNORECASE)


def refuse_remote_keywords(text: str, origin: str) -> None:
    """Refuse ``SERVICE`` and ``FROM`` by scanning tokens (outside strings, IRIs and comments).

    For engines that parse the query themselves; rdflib's :func:`prepare` refuses them on its tree.
    """
    for match in _TOKENS.finditer(text):
        if match.lastgroup == "other" and (found := _REMOTE_KEYWORDS.search(match.group())):
            what = "SERVICE clauses" if found.group(1).upper() == "SERVICE" else "FROM and FROM NAMED"
            raise QueryError(f"{origin}: {what} are refused; ketrdf queries only the local graph")
