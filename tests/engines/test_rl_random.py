"""The rl engine against owlrl on random small graphs, where the rules feed one another.

``test_rl_rules.py`` fires each OWL 2 RL rule alone; the review fires them in the ways
its ontology happens to. Here each seed draws a small ontology from every construct rl
supports (class and property hierarchies, equivalences, domains, ranges, inverses,
symmetric, transitive and functional properties, property chains, ``owl:hasValue``
restrictions, disjoint classes, ``owl:sameAs``) and data over the same names, so that
one rule's conclusion is another's premise across rounds. Both engines must keep the
same inferred triples, or both find the graph inconsistent. The seeds are fixed: a
failure names the graph that shows it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import BNode, Node

from ketrdf.engines.reasoners import get_reasoner
from ketrdf.errors import InconsistencyError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.reason import reason

EX = Namespace("http://example.org/random/")
SEEDS = range(40)
CLASSES = [EX[f"C{n}"] for n in range(6)]
PROPERTIES = [EX[f"p{n}"] for n in range(6)]
INDIVIDUALS = [EX[f"i{n}"] for n in range(8)]


def random_graph(seed: int) -> tuple[Graph, Graph]:
    """An ontology and data drawn from ``seed``: a few axioms of every supported kind."""
    pick = random.Random(seed)
    ontology, data = Graph(), Graph()

    def some(population: Sequence[Node], count: int) -> list[tuple[Node, Node]]:
        return [(pick.choice(population), pick.choice(population)) for _ in range(count)]

    for sub, sup in some(CLASSES, pick.randint(0, 4)):
        ontology.add((sub, RDFS.subClassOf, sup))
    for a, b in some(CLASSES, pick.randint(0, 1)):
        ontology.add((a, OWL.equivalentClass, b))
    for sub, sup in some(PROPERTIES, pick.randint(0, 3)):
        ontology.add((sub, RDFS.subPropertyOf, sup))
    for a, b in some(PROPERTIES, pick.randint(0, 1)):
        ontology.add((a, OWL.equivalentProperty, b))
    for relation in (RDFS.domain, RDFS.range):
        for _ in range(pick.randint(0, 3)):
            ontology.add((pick.choice(PROPERTIES), relation, pick.choice(CLASSES)))
    for a, b in some(PROPERTIES, pick.randint(0, 1)):
        ontology.add((a, OWL.inverseOf, b))
    for kind in (OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.FunctionalProperty):
        if pick.random() < 0.3:
            ontology.add((pick.choice(PROPERTIES), RDF.type, kind))
    if pick.random() < 0.4:  # blank nodes labelled: both engines get the same graph
        first, second = pick.sample(PROPERTIES, 2)
        ontology.add((BNode("chain1"), RDF.first, first))
        ontology.add((BNode("chain1"), RDF.rest, BNode("chain2")))
        ontology.add((BNode("chain2"), RDF.first, second))
        ontology.add((BNode("chain2"), RDF.rest, RDF.nil))
        ontology.add((pick.choice(PROPERTIES), OWL.propertyChainAxiom, BNode("chain1")))
    if pick.random() < 0.5:
        restriction = BNode("restriction")
        ontology.add((restriction, RDF.type, OWL.Restriction))
        ontology.add((restriction, OWL.onProperty, pick.choice(PROPERTIES)))
        ontology.add((restriction, OWL.hasValue, pick.choice(INDIVIDUALS)))
        ontology.add((pick.choice(CLASSES), pick.choice([RDFS.subClassOf, OWL.equivalentClass]), restriction))
    if pick.random() < 0.2:
        ontology.add((pick.choice(CLASSES), OWL.disjointWith, pick.choice(CLASSES)))
    for _ in range(pick.randint(3, 12)):
        data.add((pick.choice(INDIVIDUALS), pick.choice(PROPERTIES), pick.choice(INDIVIDUALS)))
    for _ in range(pick.randint(0, 5)):
        data.add((pick.choice(INDIVIDUALS), RDF.type, pick.choice(CLASSES)))
    if pick.random() < 0.3:
        data.add((pick.choice(INDIVIDUALS), pick.choice(PROPERTIES), Literal(pick.choice(["a", "b"]))))
    if pick.random() < 0.2:
        data.add((pick.choice(INDIVIDUALS), OWL.sameAs, pick.choice(INDIVIDUALS)))
    return ontology, data


def closure(seed: int, engine: str) -> set[tuple[Node, Node, Node]] | str:
    """The inferred triples ketrdf keeps, or "inconsistent"."""
    ontology, data = random_graph(seed)
    try:
        return set(reason(KnowledgeGraph(ontology=ontology, content=data), [], get_reasoner(engine)).inferred)
    except InconsistencyError:
        return "inconsistent"


@pytest.mark.parametrize("seed", SEEDS)
def test_rl_gives_owlrls_closure_on_a_random_graph(seed: int) -> None:
    fast, reference = closure(seed, "rl"), closure(seed, "owlrl")
    assert fast == reference, f"seed {seed}: {random_graph(seed)[0].serialize(format='turtle')}"


def test_the_random_graphs_make_the_rules_work() -> None:
    """The seeds are not idle: most graphs entail something, and some are inconsistent."""
    outcomes = [closure(seed, "rl") for seed in SEEDS]
    assert sum(1 for found in outcomes if isinstance(found, set) and len(found) >= 5) >= len(SEEDS) // 2
    assert any(found == "inconsistent" for found in outcomes)
    assert any(isinstance(found, set) and any(p == OWL.sameAs for _, p, _ in found) for found in outcomes)
