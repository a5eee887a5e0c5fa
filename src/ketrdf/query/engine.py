"""What a SPARQL engine is: the one protocol every engine implements (registry: :mod:`ketrdf.engines.sparql`).

A :class:`SparqlEngine` answers one query text with bound parameters, bounded by a
timeout. Parameters are resolved through it (:mod:`ketrdf.query.parameters`), so the
protocol lives with the queries, and the engines below it implement it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from rdflib.term import Identifier

    from ketrdf.query.results import QueryResult
    from ketrdf.rdfio.native import Term


#: A bound value: an Oxigraph term (what parameters give) or an rdflib term; every engine takes both.
Bound: TypeAlias = "Term | Identifier"


@runtime_checkable
class SparqlEngine(Protocol):
    """Runs SPARQL texts on one graph or store."""

    def run(self, text: str, bindings: Mapping[str, Bound] | None = None, origin: str = "query",
            timeout: float | None = None) -> QueryResult:
        """The answer to ``text`` with ``bindings``; errors name ``origin``; stops after ``timeout`` s."""
        ...
