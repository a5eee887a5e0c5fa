"""Parameters as SPARQL ``VALUES`` data, for engines that cannot bind a variable themselves.

Oxigraph and remote endpoints cannot bind a variable outside the projection, so
:func:`with_values` adds the terms (N-Triples syntax) at the top of every ``WHERE``
group, the same scope rdflib's ``initBindings`` has, and the result passes the gate again.
"""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib.term import Identifier

from ketrdf.errors import QueryError
from ketrdf.query.gate import canonical_text, gate
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
