"""The one SPARQL gate: every query text ketrdf runs is parsed here and refused if it reaches out."""

from __future__ import annotations

import re
from functools import lru_cache

from pyparsing import ParseResults
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


def _remote_clause(node: object) -> str | None:
    """The first SERVICE or FROM / FROM NAMED in a parse tree or an algebra: an engine would fetch it."""
    if isinstance(node, CompValue):
        if node.name in REFUSED_CLAUSES:
            return REFUSED_CLAUSES[node.name]
        return next(filter(None, map(_remote_clause, node.values())), None)
    if isinstance(node, list | tuple | ParseResults):
        return next(filter(None, map(_remote_clause, node)), None)
    return None


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
def _parse(text: str) -> tuple[str | None, Query]:
    """Parse canonical text (no second escape expansion) into its remote clause and query.

    The remote clause is the first SERVICE or FROM the parse tree holds, or None; pyparsing
    errors pass through.

    The parse tree is searched before the algebra is made from it (which changes it in place):
    rdflib's algebra drops a group holding only a FILTER, SERVICE and all, while a store given
    the text would run it.
    """
    tree = parser.Query.parse_string(text, parse_all=True)
    remote = _remote_clause(tree)
    return remote, translateQuery(tree, None, PREFIXES)


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
        remote, query = _parse(text)
    except Exception as error:  # rdflib raises pyparsing and other errors
        if _is_update(text):
            raise RefusedQueryError(f"{origin}: updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused; "
                             "ketrdf only reads") from None
        message = " ".join(str(error).split())
        raise QueryError(f"{origin}: SPARQL syntax error: {message}") from None
    remote = remote or _remote_clause(query.algebra)
    if remote:
        raise RefusedQueryError(f"{origin}: {remote} are refused; ketrdf queries only the local graph")
    return query, text


def prepare(text: str, origin: str) -> Query:
    """Parse SPARQL text with ketrdf's prefixes predeclared; refuse anything that would fetch.

    The parse is cached by text; see :func:`gate` for what is refused.
    """
    return gate(text, origin)[0]


def query_form(query: Query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return QUERY_FORMS[query.algebra.name]
