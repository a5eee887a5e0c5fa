"""Parameters as SPARQL ``VALUES`` data, for engines that cannot bind a variable themselves.

Oxigraph and remote endpoints cannot bind a variable outside the projection, so
:func:`with_values` adds the terms (N-Triples syntax) at the top of every ``WHERE``
group, the same scope rdflib's ``initBindings`` has. The text is gated once, unbound; the
bound text keeps its verdict by construction (the block holds only variables and checked
terms), which ``tests/query/test_values_properties.py`` tests by gating bound texts.
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from ketrdf.errors import QueryError
from ketrdf.query.gate import check, derive
from ketrdf.rdfio.terms import ntriples_text
from ketrdf.vocabulary import IRI_FORBIDDEN, PREFIXES

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
    """An IRI or a literal in N-Triples syntax, by the one node printer (:func:`ntriples_text`).

    Refuses an IRI no engine would read alike, and any other kind of term (VALUES holds
    no blank node or variable).
    """
    if isinstance(term, URIRef) and IRI_FORBIDDEN.search(str(term)):
        raise QueryError(f"not a valid IRI: {str(term)!r}")
    if not isinstance(term, URIRef | Literal):
        raise QueryError(f"a parameter is an IRI or a literal, not {term!r}")
    try:
        return ntriples_text(term)
    except ValueError as error:  # Oxigraph refuses the IRI (a code point no IRI may hold)
        raise QueryError(f"not a valid IRI: {str(term)!r} ({error})") from None


def with_values(text: str, bindings: dict[str, Identifier], origin: str = "query",
                declare_prefixes: bool = True) -> str:
    """The query, gated, with ``bindings`` as ``VALUES`` opening each ``WHERE`` group.

    The text passes the gate (:func:`check`: parsed only if its verdict is not known) and
    the block goes into its canonical text (:func:`canonical_text`), so no escape in it is
    read twice. A ``WHERE`` group that is only a sub-select gets the block inside the
    sub-select's own ``WHERE``; strings, IRIs and comments are skipped. The result is not
    parsed again: the ``PREFIX`` lines of ketrdf's own prefixes and a block of variables and
    checked terms, printed as N-Triples, add no SERVICE, FROM or update, so it keeps the
    verdict of the text (recorded by :func:`derive`). With ``declare_prefixes`` (for an
    endpoint) ketrdf's prefixes are declared first.
    """
    verdict, text = check(text, origin)
    prefixes = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items()
                       if declare_prefixes)
    if not bindings:
        derive(prefixes + text, verdict)
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
    bound = prefixes + "".join(pieces)
    derive(bound, verdict)
    return bound
