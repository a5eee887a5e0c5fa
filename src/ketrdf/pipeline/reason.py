"""Stage 2, reason: rules plus the OWL-RL closure, inferred triples kept apart.

A :class:`~ketrdf.engines.reasoners.Reasoner` computes the entailments of a graph
(and raises on inconsistency); :func:`reason` alternates the project's rules with the
reasoner until nothing new appears (within :data:`MAX_ROUNDS` rounds, or it fails),
then filters trivial triples. The engines are in :mod:`ketrdf.engines.reasoners`:
``rl`` (fast, the default) and ``owlrl`` (the reference); the tests check that they
give the same entailments.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ketrdf.engines.reasoners import Reasoner, get_reasoner
from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph, union_view
from ketrdf.pipeline.rules import Rule, apply_rules, rules_to_rerun
from ketrdf.rdfio.indexed import add_all, triples_of
from ketrdf.vocabulary import new_graph

BUILT_IN_NAMESPACES = tuple(str(ns) for ns in (RDF, RDFS, OWL, XSD))
REFLEXIVE_AXIOMS = frozenset({
    RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs,
})
MAX_ROUNDS = 10
# The terms is_trivial compares with, looked up once (a namespace attribute is a Python call)
_TYPE, _THING, _RESOURCE = RDF.type, OWL.Thing, RDFS.Resource
_ABOUT_CLASSES = frozenset({RDFS.subClassOf, RDFS.domain, RDFS.range})


def is_trivial(triple: tuple[object, object, object]) -> bool:
    """True for entailments nobody wants in an export (and stores reject some)."""
    subject, predicate, obj = triple
    if isinstance(subject, Literal):
        return True
    if isinstance(subject, URIRef) and str.startswith(subject, BUILT_IN_NAMESPACES):
        return True
    if predicate == _TYPE and obj in (_THING, _RESOURCE):
        return True
    if predicate in REFLEXIVE_AXIOMS and subject == obj:
        return True
    return predicate in _ABOUT_CLASSES and obj == _THING


def _raise_on_no_fixpoint(rules: list[Rule], graph: Graph) -> None:
    """Fail naming the round limit and the rules that still derive new triples from ``graph``."""
    growing = [rule.name for rule in rules if apply_rules([rule], graph)]
    raise InputError(
        f"reasoning did not converge in {MAX_ROUNDS} rounds (ketrdf.pipeline.reason.MAX_ROUNDS) of rules "
        f"and OWL-RL closure: the rules {', '.join(growing)} still derive new triples (a rule that "
        "makes new nodes, with a blank node in its template or an IRI it builds, never stops)")


def reason(kg: KnowledgeGraph, rules: list[Rule], reasoner: Reasoner | None = None) -> KnowledgeGraph:
    """Return ``kg`` with its ``inferred`` graph filled by rules and the OWL-RL closure.

    Rules and engine read the asserted graphs and what was added so far as one view,
    copying nothing; a rule runs again only when a triple added since it last ran may
    match one of its patterns (:func:`~ketrdf.pipeline.rules.rules_to_rerun`). Every
    triple added was new when added, so the added triples (less the trivial ones) are
    the inferred graph. Raises :class:`InputError` when
    :data:`MAX_ROUNDS` rounds do not reach a fixpoint: the closure would be partial.
    """
    engine = reasoner or get_reasoner()
    added = new_graph()
    working = union_view((kg.content, kg.ontology, added))
    derived = apply_rules(rules, working)
    for _ in range(MAX_ROUNDS):
        added += derived
        entailed = list(engine.entailments(working))
        add_all(added, entailed)
        derived = apply_rules(rules_to_rerun(rules, itertools.chain(derived, entailed)), working)
        if not derived:
            break
    else:
        _raise_on_no_fixpoint(rules, working)
    for triple in [triple for triple in triples_of(added) if is_trivial(triple)]:
        added.remove(triple)
    return replace(kg, inferred=added)
