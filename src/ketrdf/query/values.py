"""Parameters as SPARQL ``VALUES`` data, for engines that cannot bind a variable themselves.

Oxigraph and remote endpoints cannot bind a variable outside the projection, so
:func:`with_values` adds the terms (N-Triples syntax) at the top of every ``WHERE``
group, the same scope rdflib's ``initBindings`` has. The text is gated once, unbound; the
bound text keeps its verdict by construction (the block holds only variables and checked
terms), which ``tests/query/test_values_properties.py`` tests by gating bound texts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ketrdf.errors import QueryError
from ketrdf.prefixes import IRI_FORBIDDEN, PREFIXES
from ketrdf.query.gate import check, derive

if TYPE_CHECKING:
    from ketrdf.query.engine import Bound

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


#: Control characters other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _n3(term: Bound) -> str:
    """An IRI or a literal in N-Triples syntax, as Oxigraph writes it (an rdflib term converted first).

    Refuses an IRI no engine would read alike, and any other kind of term (VALUES holds
    no blank node or variable).
    """
    native: object = term
    if not isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
        from rdflib import URIRef  # an rdflib term: rdflib is loaded already

        from ketrdf.rdfio.terms import to_oxigraph

        try:
            native = to_oxigraph(term)  # anything else is refused below
        except ValueError as error:  # Oxigraph refuses the IRI (a code point no IRI may hold), or no term
            if not isinstance(term, URIRef):
                raise QueryError(f"a parameter is an IRI or a literal, not {term!r}") from None
            if IRI_FORBIDDEN.search(str(term)):
                raise QueryError(f"not a valid IRI: {str(term)!r}") from None
            raise QueryError(f"not a valid IRI: {str(term)!r} ({error})") from None
    if isinstance(native, ox.NamedNode) and IRI_FORBIDDEN.search(native.value):
        raise QueryError(f"not a valid IRI: {native.value!r}")
    if not isinstance(native, ox.NamedNode | ox.Literal):
        raise QueryError(f"a parameter is an IRI or a literal, not {term!r}")
    if isinstance(native, ox.Literal) and (control := _CONTROL.search(native.value)):
        # rdflib's parser reads such a string differently from one run to the next
        # (found by tests/query/test_values_binding.py); no label or number holds one.
        code = f"U+{ord(control.group()):04X}"
        raise QueryError(f"a parameter value holds the control character {code}: {native.value!r}")
    return str(native)


def with_values(text: str, bindings: Mapping[str, Bound], origin: str = "query",
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
