"""OWL RL reasoners behind one protocol, chosen by name from one registry.

Two are registered: ``rl`` (:mod:`ketrdf.engines.rl`, fast, the default) and ``owlrl``
(the reference). Both raise :class:`~ketrdf.errors.InconsistencyError`, with the message
:func:`inconsistency` builds, when the graph is inconsistent. Another engine is one
:func:`register_reasoner` call; ``--reasoner`` lists :func:`reasoner_names`.
This module imports no engine until one is asked for, so the command line stays fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from ketrdf.engines.registry import Registry
from ketrdf.errors import InconsistencyError

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

    Triple = tuple[Node, Node, Node]

DEFAULT_REASONER = "rl"
#: The predicate of owlrl's inconsistency reports (``owlrl.Closure.ERROR``).
OWLRL_ERROR = "http://www.daml.org/2002/03/agents/agent-ont#error"


class Reasoner(Protocol):
    """An OWL-RL engine: returns the triples it entails beyond those given."""

    name: str

    def entailments(self, graph: Graph) -> Iterable[Triple]:
        """Entailed triples not in ``graph``, unfiltered; ``graph`` is left unchanged.

        Raises :class:`InconsistencyError` (see :func:`inconsistency`) when ``graph`` is
        inconsistent, and :class:`InputError` for a construct the engine does not implement.
        """
        ...


def inconsistency(problems: Iterable[str]) -> InconsistencyError:
    """The error every reasoner raises for an inconsistent graph: its problems, sorted, in one line."""
    listed = "; ".join(sorted(set(problems)))
    return InconsistencyError(f"the ontology and content are inconsistent under OWL-RL: {listed}")


class OwlrlReasoner:
    """The reference engine: owlrl's OWL 2 RL closure, run on a copy."""

    name = "owlrl"

    def entailments(self, graph: Graph) -> Graph:
        """Expand a copy of ``graph`` with owlrl and return what it added.

        owlrl reports inconsistency as triples of :data:`OWLRL_ERROR`; they are raised here.
        """
        from owlrl import DeductiveClosure, OWLRL_Semantics
        from rdflib import Graph, URIRef

        working = Graph()
        working += graph
        DeductiveClosure(
            OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
        ).expand(working)
        added = working - graph
        problems = [str(message) for message in added.objects(None, URIRef(OWLRL_ERROR))]
        if problems:
            raise inconsistency(problems)
        return added


def _rl() -> Reasoner:
    from ketrdf.engines.rl import RLReasoner

    return RLReasoner()


#: The engines of ``--reasoner``.
REASONERS = Registry[Callable[[], Reasoner]](
    "reasoner", {DEFAULT_REASONER: _rl, OwlrlReasoner.name: OwlrlReasoner})
register_reasoner = REASONERS.register
reasoner_names = REASONERS.names


def get_reasoner(name: str = DEFAULT_REASONER) -> Reasoner:
    """The engine registered as ``name``: ``rl`` (fast, the default) or ``owlrl`` (the reference)."""
    return REASONERS.factory(name)()
