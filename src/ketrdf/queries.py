"""Stage 4, query: saved ``.rq`` files with a grlc-style ``#+`` YAML header.

A header looks like::

    #+ title: Antidepressant ranking
    #+ question: Which form of ketamine is the stronger antidepressant?
    #+ tags: [comparison, table-2]
    #+ params:
    #+   lang: {type: language, default: en, description: label language}
    #+   form: {type: iri, class: ket:ChemicalEntity, description: a form of ketamine}

Each parameter ``p`` is the variable ``?p`` of the query; its value is
checked and becomes one RDF term. rdflib's engine binds it through
``initBindings``; for Oxigraph and remote endpoints, which cannot bind a
variable outside the projection, :func:`with_values` adds the terms as SPARQL
``VALUES`` data (N-Triples syntax) at the top of every ``WHERE`` group, the
same scope ``initBindings`` has, and the result passes :func:`gate` again.
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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Node

from ketrdf.errors import InputError, QueryError, RefusedQueryError
from ketrdf.namespaces import IRI_FORBIDDEN, PREFIXES, bind_prefixes

PARAM_TYPES = ("iri", "string", "integer", "decimal", "language")
LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
# SPARQL's codepoint escapes (rdflib's own pattern takes \u and 8 digits)
CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Parameter:
    """A query parameter: bound to the variable of the same name."""

    name: str
    type: str = "string"
    required: bool = False
    default: str | None = None
    description: str = ""
    cls: str | None = None
    prop: str | None = None


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
    """A query's answer: rows, a boolean or a graph.

    A SELECT gives variable names and rows of RDF terms (None where unbound), an ASK
    its boolean, a CONSTRUCT or DESCRIBE its graph.
    """

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    boolean: bool | None = None
    graph: Graph | None = None


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


SCALARS = (str, int, float, bool)
PARAM_KEYS = {"type", "required", "default", "description", "class", "property"}


def _settings(raw: Any, key: str, path: Path) -> dict[str, str]:
    """A header mapping of names to single values (``defaults``, ``example``, a parameter's settings)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(value, SCALARS) for value in raw.values()):
        raise InputError(f"{path}: #+ {key} must map names to single values, not {raw!r}")
    return {str(name): str(value) for name, value in raw.items()}


def _parameters(raw: Any, path: Path) -> tuple[Parameter, ...]:
    if not raw:
        return ()
    if not isinstance(raw, dict):
        raise InputError(f"{path}: #+ params must map parameter names to their settings")
    params = []
    for name, settings in raw.items():
        spec = _settings(settings, f"params: {name}", path)
        unknown = sorted(set(spec) - PARAM_KEYS)
        if unknown:
            raise InputError(f"{path}: parameter {name!r} has unknown setting {unknown[0]!r}; "
                             f"settings: {', '.join(sorted(PARAM_KEYS))}")
        kind = spec.get("type", "string")
        if kind not in PARAM_TYPES:
            raise InputError(f"{path}: parameter {name!r} has unknown type {kind!r}")
        params.append(Parameter(
            name=str(name),
            type=kind,
            required=spec.get("required", "False") == "True",
            default=spec.get("default"),
            description=spec.get("description", ""),
            cls=spec.get("class"),
            prop=spec.get("property"),
        ))
    return tuple(params)


def read_saved_query(path: Path) -> SavedQuery:
    """Read one ``.rq`` file and its header; a malformed header names the file."""
    text = read_query_file(path)
    header = _header(text, path)
    for key in ("title", "question"):
        if not header.get(key) or not isinstance(header[key], SCALARS):
            raise InputError(f"{path}: the #+ header needs a {key!r} (one line of text)")
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, SCALARS) for tag in tags):
        raise InputError(f"{path}: #+ tags must be a list of words, not {tags!r}")
    base = header.get("base")
    if base is not None and not isinstance(base, str):
        raise InputError(f"{path}: #+ base must name a saved query, not {base!r}")
    return SavedQuery(
        name=path.stem,
        path=path,
        title=str(header["title"]),
        question=" ".join(str(header["question"]).split()),
        text=text,
        tags=tuple(str(tag) for tag in tags),
        params=_parameters(header.get("params"), path),
        base=base,
        defaults=_settings(header.get("defaults"), "defaults", path),
        example=_settings(header.get("example"), "example", path),
    )


def read_query_file(path: Path) -> str:
    """The text of a ``.rq`` file: "no such file" and bad UTF-8 are input errors naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None


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


VALUES_OF = """
SELECT DISTINCT ?value WHERE { ?thing ?property ?value } ORDER BY ?value"""


def check_value_of(graph: Graph, parameter: Parameter, value: str) -> None:
    """Refuse a value that no triple of the parameter's ``property`` has, listing those that do."""
    prop = expand_iri(parameter.prop or "")
    rows = run_sparql(graph, VALUES_OF, {"property": prop}, origin="parameter lookup").rows
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


REFUSED_CLAUSES = {"ServiceGraphPattern": "SERVICE clauses", "DatasetClause": "FROM and FROM NAMED"}
QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
               "DescribeQuery": "DESCRIBE"}


def _refuse_remote_access(node: object, origin: str) -> None:
    """Refuse SERVICE and FROM / FROM NAMED anywhere in the algebra: an engine would fetch them."""
    if isinstance(node, CompValue):
        if node.name in REFUSED_CLAUSES:
            raise RefusedQueryError(f"{origin}: {REFUSED_CLAUSES[node.name]} are refused; "
                             "ketrdf queries only the local graph")
        for value in node.values():
            _refuse_remote_access(value, origin)
    elif isinstance(node, list | tuple):
        for item in node:
            _refuse_remote_access(item, origin)


def canonical_text(text: str) -> str:
    r"""The query as every engine reads it alike: ``\u`` escapes expanded, every line ending a LF.

    SPARQL 1.1 expands codepoint escapes before parsing (rdflib does), Oxigraph only inside
    strings and IRIs; rdflib ends a comment at LF only, Oxigraph at CR too. The text
    returned has neither difference left, so the gate and the engine read the same query.
    """
    try:
        expanded = CODEPOINT_ESCAPE.sub(lambda found: chr(int(found.group(1) or found.group(2), 16)), text)
    except (ValueError, OverflowError):
        raise QueryError("SPARQL syntax error: a \\U escape beyond the last Unicode code point") from None
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


@lru_cache(maxsize=256)
def _parse(text: str) -> Query:
    """Parse canonical text (no second escape expansion); pyparsing errors pass through."""
    return translateQuery(parser.Query.parse_string(text, parse_all=True), None, PREFIXES)


def _is_update(text: str) -> bool:
    try:
        parser.UpdateUnit.parse_string(text, parse_all=True)
    except Exception:  # pyparsing raises several kinds
        return False
    return True


def gate(text: str, origin: str, *, canonical: bool = False) -> tuple[Query, str]:
    """The one SPARQL gate: parse ``text`` and refuse what would reach beyond the local graph.

    Refuses SERVICE, FROM / FROM NAMED and updates (LOAD, INSERT, ...), on the parsed
    algebra, never by scanning the text. Returns the query and its canonical text
    (:func:`canonical_text`), the only text an engine may be given. With ``canonical``
    the text is taken as already canonical (built from canonical text by ketrdf).
    """
    if not text.strip():
        raise QueryError(f"{origin}: the query is empty")
    if not canonical:
        text = canonical_text(text)
    try:
        query = _parse(text)
    except Exception as error:  # rdflib raises pyparsing and other errors
        if _is_update(text):
            raise RefusedQueryError(f"{origin}: updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused; "
                             "ketrdf only reads") from None
        message = " ".join(str(error).split())
        raise QueryError(f"{origin}: SPARQL syntax error: {message}") from None
    _refuse_remote_access(query.algebra, origin)
    return query, text


def prepare(text: str, origin: str) -> Query:
    """Parse SPARQL text with ketrdf's prefixes predeclared; refuse anything that would fetch.

    The parse is cached by text; see :func:`gate` for what is refused.
    """
    return gate(text, origin)[0]


def query_form(query: Query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return QUERY_FORMS[query.algebra.name]


@contextmanager
def time_limit(seconds: float | None, origin: str, setting: str = "--timeout") -> Iterator[None]:
    """Interrupt the block after ``seconds`` (POSIX main thread only; elsewhere no limit).

    ``setting`` names the option or variable that sets the limit, for the error message.
    """
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise QueryError(f"{origin}: query stopped after the time limit of {seconds} s ({setting})")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds or 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_sparql(graph: Graph, text: str, bindings: dict[str, Identifier] | None = None,
               origin: str = "query", timeout: float | None = None) -> QueryResult:
    """Run a query on ``graph`` (a Dataset: ``GRAPH`` sees its named graphs) within ``timeout`` s."""
    query = prepare(text, origin)
    form = query_form(query)
    with time_limit(timeout, origin):
        result = graph.query(query, initBindings=bindings or {})
        if form in ("CONSTRUCT", "DESCRIBE"):
            found = bind_prefixes(Graph())
            for triple in result.graph or ():
                found.add(triple)
            return QueryResult(variables=(), rows=(), graph=found)
        rows = tuple(tuple(row) for row in result) if form == "SELECT" else ()  # type: ignore[arg-type]
    if form == "ASK":
        return QueryResult(variables=(), rows=(), boolean=bool(result.askAnswer))
    variables = tuple(str(var) for var in result.vars or ())
    return QueryResult(variables=variables, rows=rows)


def local_dataset(graphs: Mapping[URIRef, Graph]) -> Dataset:
    """The graphs as named graphs of one rdflib Dataset whose default graph is their union.

    What ``ketrdf serve`` and the Oxigraph engine give a query: ``GRAPH`` sees each graph.
    """
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset)
    for name, graph in graphs.items():
        if len(graph):
            named = dataset.graph(name)
            named += graph
    return dataset


def run_saved_query(graph: Graph, query: SavedQuery, values: dict[str, str] | None = None,
                    timeout: float | None = None) -> QueryResult:
    """Bind ``values`` to the parameters of a saved query and run it on ``graph``."""
    bindings = bind_parameters(query, values or {}, graph)
    return run_sparql(graph, query.text, bindings, origin=str(query.path), timeout=timeout)


_TOKENS = re.compile(
    r"""(?P<comment>\#[^\r\n]*)
      | (?P<string>"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
                  |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<where>(?<![\w:?$])WHERE(?![\w:-]))
      | (?P<brace>\{)
      | (?P<other>[^\#"'<{Ww]+|.)""",
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)


def _n3(term: Identifier) -> str:
    """A term in SPARQL syntax (N-Triples escapes); refuses an IRI no engine would read alike."""
    if isinstance(term, URIRef) and IRI_FORBIDDEN.search(str(term)):
        raise QueryError(f"not a valid IRI: {str(term)!r}")
    return term.n3()


def with_values(text: str, bindings: dict[str, Identifier], origin: str = "query",
                declare_prefixes: bool = True) -> str:
    """The query, gated, with ``bindings`` as ``VALUES`` opening each ``WHERE`` group.

    The block goes into the canonical text (:func:`canonical_text`), so no escape in it is
    read twice. A ``WHERE`` group that is only a sub-select gets the block inside the
    sub-select's own ``WHERE``; strings, IRIs and comments are skipped. The whole result
    then passes :func:`gate`: what an engine receives is what the gate parsed.
    With ``declare_prefixes`` (for an endpoint) ketrdf's prefixes are declared first.
    """
    text = canonical_text(text)  # parsed once below, with the block: rdflib's parse is slow
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items()
                       if declare_prefixes)
    if not bindings:
        return gate(prefixes + text, origin, canonical=True)[1]
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
    return gate(prefixes + "".join(pieces), origin, canonical=True)[1]
