"""Stage 2, reason: rules plus the OWL-RL closure, inferred triples kept apart.

A :class:`Reasoner` computes the entailments of a graph; :func:`reason`
alternates the project's rules with the reasoner until nothing new appears
(within :data:`MAX_ROUNDS` rounds, or it fails), then filters trivial triples
and fails on inconsistency. Two engines, both OWL 2 RL: ``rl``, ketrdf's own
(:mod:`ketrdf.engines.rl`, fast, the default), and ``owlrl``, the owlrl library
(the reference); the tests check that they give the same entailments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from ketrdf.errors import InconsistencyError, InputError
from ketrdf.knowledge_graph import KnowledgeGraph, union_view
from ketrdf.pipeline.rules import Rule, apply_rules
from ketrdf.vocabulary import bind_prefixes

OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
BUILT_IN_NAMESPACES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
REFLEXIVE_AXIOMS = {
    RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs,
}
MAX_ROUNDS = 10
Triple = tuple[Node, Node, Node]


class Reasoner(Protocol):
    """An OWL-RL engine: returns the triples it entails beyond those given."""

    name: str

    def entailments(self, graph: Graph) -> Iterable[Triple]:
        """Return entailed triples not in ``graph``, unfiltered; ``graph`` is left unchanged."""
        ...


class OwlrlReasoner:
    """The reference engine, ``owlrl``: the owlrl library's OWL 2 RL closure, run on a copy."""

    name = "owlrl"

    def entailments(self, graph: Graph) -> Graph:
        """Expand a copy of ``graph`` with owlrl and return what it added."""
        from owlrl import DeductiveClosure, OWLRL_Semantics

        working = Graph()
        working += graph
        DeductiveClosure(
            OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
        ).expand(working)
        return working - graph


def is_trivial(triple: tuple[object, object, object]) -> bool:
    """True for entailments nobody wants in an export (and stores reject some)."""
    subject, predicate, obj = triple
    if isinstance(subject, Literal):
        return True
    if isinstance(subject, URIRef) and str(subject).startswith(BUILT_IN_NAMESPACES):
        return True
    if predicate == RDF.type and obj in (OWL.Thing, RDFS.Resource):
        return True
    if predicate in REFLEXIVE_AXIOMS and subject == obj:
        return True
    return predicate in (RDFS.subClassOf, RDFS.domain, RDFS.range) and obj == OWL.Thing


def _raise_on_inconsistency(entailed: list[Triple]) -> None:
    messages = sorted(str(message) for _subject, predicate, message in entailed if predicate == OWLRL_ERROR)
    if messages:
        listed = "; ".join(messages)
        raise InconsistencyError(f"the ontology and content are inconsistent under OWL-RL: {listed}")


def _raise_on_no_fixpoint(rules: list[Rule], graph: Graph) -> None:
    """Fail naming the round limit and the rules that still derive new triples from ``graph``."""
    growing = [rule.name for rule in rules if apply_rules([rule], graph)]
    raise InputError(
        f"reasoning did not converge in {MAX_ROUNDS} rounds (ketrdf.pipeline.reason.MAX_ROUNDS) of rules "
        f"and OWL-RL closure: the rules {', '.join(growing)} still derive new triples (a rule that "
        "makes new nodes, with a blank node in its template or an IRI it builds, never stops)")


def get_reasoner(name: str) -> Reasoner:
    """The OWL 2 RL engine called ``name``: ``rl`` (ketrdf's own, fast, the default) or ``owlrl``.

    ``owlrl`` is the owlrl library, the reference.
    """
    from ketrdf.engines.rl import RLReasoner

    engines: dict[str, type[Reasoner]] = {"rl": RLReasoner, "owlrl": OwlrlReasoner}
    if name not in engines:
        raise InputError(f"unknown reasoner {name!r}; choose one of: {', '.join(engines)}")
    return engines[name]()


def reason(kg: KnowledgeGraph, rules: list[Rule], reasoner: Reasoner | None = None) -> KnowledgeGraph:
    """Return ``kg`` with its ``inferred`` graph filled by rules and the OWL-RL closure.

    Rules and engine read the asserted graphs and what was added so far as one view,
    copying nothing; every triple added was new when added, so the added triples (less
    the trivial ones) are the inferred graph. Raises :class:`InputError` when
    :data:`MAX_ROUNDS` rounds do not reach a fixpoint: the closure would be partial.
    """
    engine = reasoner or get_reasoner("rl")
    added = bind_prefixes(Graph())
    working = union_view((kg.content, kg.ontology, added))
    derived = apply_rules(rules, working)
    for _ in range(MAX_ROUNDS):
        added += derived
        entailed = list(engine.entailments(working))
        _raise_on_inconsistency(entailed)
        added.addN((*triple, added) for triple in entailed)
        derived = apply_rules(rules, working)
        if not derived:
            break
    else:
        _raise_on_no_fixpoint(rules, working)
    for triple in [triple for triple in added if is_trivial(triple)]:
        added.remove(triple)
    return replace(kg, inferred=added)
