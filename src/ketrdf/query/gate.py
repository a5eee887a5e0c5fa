"""The one SPARQL gate: every query text ketrdf runs is parsed here and refused if it reaches out."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ketrdf.errors import QueryError, RefusedQueryError
from ketrdf.prefixes import PREFIXES

if TYPE_CHECKING:  # rdflib's SPARQL parser is imported by the first parse: a known text needs none
    from rdflib.plugins.sparql.sparql import Query

# SPARQL's codepoint escapes (rdflib's own pattern takes \u and 8 digits)
CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


REFUSED_CLAUSES = {"ServiceGraphPattern": "SERVICE clauses", "DatasetClause": "FROM and FROM NAMED"}
QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
               "DescribeQuery": "DESCRIBE"}


def _remote_clause(node: object) -> str | None:
    """The first SERVICE or FROM / FROM NAMED in a parse tree or an algebra: an engine would fetch it."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

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
    from rdflib.plugins.sparql import parser
    from rdflib.plugins.sparql.algebra import translateQuery

    tree = parser.Query.parse_string(text, parse_all=True)
    remote = _remote_clause(tree)
    return remote, translateQuery(tree, None, PREFIXES)


@dataclass(frozen=True)
class Verdict:
    """What the gate found in a text it let pass: the query form and the projected variables."""

    form: str
    projected: tuple[str, ...]


# The verdicts of the canonical texts that passed, by SHA-256 of the text: a text is parsed once
_VERDICTS: dict[str, Verdict] = {}


def digest(text: str) -> str:
    """The SHA-256 of a canonical text, the key of its verdict."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _verdict(query: Query) -> Verdict:
    projected = tuple(str(name) for name in query.algebra.get("PV") or ())
    return Verdict(QUERY_FORMS[query.algebra.name], projected)


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql import parser

    try:
        parser.UpdateUnit.parse_string(text, parse_all=True)
    except MemoryError:
        raise
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
    except MemoryError:  # not the text's fault
        raise
    except Exception as error:  # rdflib raises pyparsing and other errors
        if _is_update(text):
            raise RefusedQueryError(f"{origin}: updates (INSERT, DELETE, LOAD, CLEAR, ...) are refused; "
                             "ketrdf only reads") from None
        message = " ".join(str(error).split())
        raise QueryError(f"{origin}: SPARQL syntax error: {message}") from None
    remote = remote or _remote_clause(query.algebra)
    if remote:
        raise RefusedQueryError(f"{origin}: {remote} are refused; ketrdf queries only the local graph")
    _VERDICTS[digest(text)] = _verdict(query)
    return query, text


def check(text: str, origin: str, *, canonical: bool = False) -> tuple[Verdict, str]:
    """The gate's verdict on ``text`` and its canonical text; parsed only if not seen before.

    A text whose verdict is known (it passed :func:`gate` in this process, or its verdict
    came from a verified build cache through :func:`admit`) is not parsed again; any other
    goes through :func:`gate` and is refused as there.
    """
    if not text.strip():
        raise QueryError(f"{origin}: the query is empty")
    if not canonical:
        text = canonical_text(text)
    known = _VERDICTS.get(digest(text))
    if known is not None:
        return known, text
    query, text = gate(text, origin, canonical=True)
    return _verdict(query), text


def derive(text: str, verdict: Verdict) -> None:
    """Record ``verdict`` for a canonical text built from a passed one by a construction that keeps it.

    Only :func:`ketrdf.query.values.with_values` does this: its ``VALUES`` block of checked
    terms cannot add a SERVICE, a FROM or an update (a property test gates such texts).
    """
    _VERDICTS[digest(text)] = verdict


def verdicts(texts: Iterable[str]) -> dict[str, Verdict]:
    """The known verdicts of these texts (canonicalised), by digest, for the build cache."""
    found = {}
    for text in texts:
        key = digest(canonical_text(text))
        if key in _VERDICTS:
            found[key] = _VERDICTS[key]
    return dict(sorted(found.items()))


def admit(known: Mapping[str, Verdict]) -> None:
    """Trust verdicts from a verified build cache (made by the same code and libraries)."""
    _VERDICTS.update(known)


def prepare(text: str, origin: str) -> Query:
    """Parse SPARQL text with ketrdf's prefixes predeclared; refuse anything that would fetch.

    The parse is cached by text; see :func:`gate` for what is refused.
    """
    return gate(text, origin)[0]


def query_form(query: Query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return _verdict(query).form
