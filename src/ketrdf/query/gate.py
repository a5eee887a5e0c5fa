"""The one SPARQL gate: every query text ketrdf runs is parsed here and refused if it reaches out."""

from __future__ import annotations

import re
from functools import lru_cache

from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query

from ketrdf.errors import QueryError, RefusedQueryError
from ketrdf.vocabulary import PREFIXES

# SPARQL's codepoint escapes (rdflib's own pattern takes \u and 8 digits)
CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


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
