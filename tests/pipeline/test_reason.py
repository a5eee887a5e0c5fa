"""Stage 2, reason: rules + OWL-RL closure; inferred triples kept apart and filtered."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from ketrdf.engines.reasoners import get_reasoner
from ketrdf.errors import InconsistencyError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.reason import BUILT_IN_NAMESPACES, reason
from ketrdf.pipeline.rules import apply_rules, load_rules
from ketrdf.pipeline.sources import load_sources
from ketrdf.project import Project
from ketrdf.vocabulary import KET, KR

pytestmark = pytest.mark.integration  # reasoning over the review, once with owlrl

R, RS, S = KR["r-ketamine"], KR["rs-ketamine"], KR["s-ketamine"]


def test_t2_antidepressant_r_over_s_is_inferred_by_transitivity(
    reasoned: KnowledgeGraph, unreasoned: KnowledgeGraph
) -> None:
    # T2-antidepressant: (R) > (R,S) > (S), so (R) > (S) follows.
    assert (R, KET.moreAntidepressantThan, S) in reasoned.inferred
    assert (R, KET.moreAntidepressantThan, S) not in unreasoned.union()


def test_transitivity_alone_gives_r_over_s_without_enan_9_or_17(project: Project) -> None:
    # Drop the direct statements (ENAN-9, ENAN-17) so only Table 2's two steps remain.
    kg = load_sources(project)
    for direct in set(kg.content.subjects(KET.comparand, R)) & set(kg.content.subjects(KET.referent, S)):
        kg.content.remove((direct, None, None))
    closed = reason(kg, load_rules(project.rule_files()))
    assert (R, KET.moreAntidepressantThan, S) in closed.inferred
    no_closure = reason(kg, load_rules(project.rule_files()), reasoner=NoEntailments())
    assert (R, KET.moreAntidepressantThan, S) not in no_closure.inferred
    assert (R, KET.moreAntidepressantThan, RS) in no_closure.inferred  # the rule alone


def test_t2_antidepressant_inverse_gives_less_antidepressant(reasoned: KnowledgeGraph) -> None:
    assert (S, KET.lessAntidepressantThan, R) in reasoned.inferred
    assert (S, KET.lessAntidepressantThan, RS) in reasoned.inferred


def test_t2_side_effects_order_and_much_greater(reasoned: KnowledgeGraph) -> None:
    # T2-side-effects: (S) > (R,S) >> (R).
    assert (RS, KET.muchMoreSideEffectsThan, R) in reasoned.inferred
    assert (RS, KET.moreSideEffectsThan, R) in reasoned.inferred  # sub-property
    assert (S, KET.moreSideEffectsThan, R) in reasoned.inferred  # transitivity
    assert (R, KET.muchFewerSideEffectsThan, RS) in reasoned.inferred  # inverse


def test_enan_2_ratio_interval_becomes_affinity_edge(reasoned: KnowledgeGraph) -> None:
    # ENAN-2: (S) binds the NMDA receptor 3-4 times as strongly as (R).
    assert (S, KET.higherNmdaAffinityThan, R) in reasoned.inferred
    assert (R, KET.higherNmdaAffinityThan, S) not in reasoned.union()
    assert (R, KET.lowerNmdaAffinityThan, S) in reasoned.inferred


COMPARISONS = """
@prefix ket: <https://w3id.org/ketrdf/ontology#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix t: <http://example.org/ketrdf-test/> .
t:effect ket:greaterRelation t:moreThan ; ket:muchGreaterRelation t:muchMoreThan .
t:greater ket:comparand t:a1 ; ket:referent t:b1 ; ket:onEndpoint t:effect ; ket:direction ket:Greater .
t:much ket:comparand t:a2 ; ket:referent t:b2 ; ket:onEndpoint t:effect ; ket:direction ket:MuchGreater .
t:above ket:comparand t:a3 ; ket:referent t:b3 ; ket:onEndpoint t:effect ;
    ket:ratioLowerBound "3.0"^^xsd:decimal ; ket:ratioUpperBound "4.0"^^xsd:decimal .
t:below ket:comparand t:a4 ; ket:referent t:b4 ; ket:onEndpoint t:effect ;
    ket:ratioLowerBound "0.2"^^xsd:decimal ; ket:ratioUpperBound "0.5"^^xsd:decimal .
t:across ket:comparand t:a5 ; ket:referent t:b5 ; ket:onEndpoint t:effect ;
    ket:ratioLowerBound "0.8"^^xsd:decimal ; ket:ratioUpperBound "1.5"^^xsd:decimal .
t:other ket:comparand t:a6 ; ket:referent t:b6 ; ket:onEndpoint t:effect ; ket:direction ket:Similar .
"""


def test_the_comparison_rule_gives_each_kind_of_comparison_its_edge(project: Project) -> None:
    """Greater and much greater, a ratio interval above 1 (ENAN-2's form) and below 1; none across 1."""
    made = apply_rules(load_rules(project.rule_files()), Graph().parse(data=COMPARISONS, format="turtle"))
    t = "http://example.org/ketrdf-test/"
    assert sorted(tuple(str(term).removeprefix(t) for term in triple) for triple in made) == [
        ("a1", "moreThan", "b1"), ("a2", "muchMoreThan", "b2"), ("a3", "moreThan", "b3"),
        ("b4", "moreThan", "a4")]


def test_enan_1_enantiomer_relation_is_symmetric(reasoned: KnowledgeGraph) -> None:
    assert (S, KET.enantiomerOf, R) in reasoned.content
    assert (R, KET.enantiomerOf, S) in reasoned.inferred
    assert (R, KET.partOf, RS) in reasoned.inferred


def test_asserted_and_inferred_are_disjoint(reasoned: KnowledgeGraph) -> None:
    assert not set(reasoned.inferred) & (set(reasoned.ontology) | set(reasoned.content))


def test_trivial_entailments_are_filtered(reasoned: KnowledgeGraph) -> None:
    for subject, predicate, obj in reasoned.inferred:
        assert not isinstance(subject, Literal)
        assert not str(subject).startswith(BUILT_IN_NAMESPACES)
        assert not (predicate == OWL.sameAs and subject == obj)
        assert not (predicate == RDF.type and obj in (OWL.Thing, RDFS.Resource))
        assert not (predicate in (RDFS.subClassOf, RDFS.subPropertyOf) and subject == obj)


def test_inconsistency_is_a_clear_failure(project: Project) -> None:
    kg = load_sources(project)
    kg.ontology.add((KET.Racemate, OWL.disjointWith, KET.Enantiomer))
    kg.content.add((R, RDF.type, KET.Racemate))
    with pytest.raises(InconsistencyError, match="inconsistent under OWL-RL"):
        reason(kg, load_rules(project.rule_files()))


class NoEntailments:
    """A stand-in engine: proves the reasoner is swappable behind the interface."""

    name = "none"

    def entailments(self, graph: Graph) -> Graph:
        return Graph()


@pytest.mark.xdist_group("owlrl")
def test_reasoner_is_pluggable_and_the_default_rl_entails_what_owlrl_entails(
    project: Project, reasoned: KnowledgeGraph, owlrl_reasoned: KnowledgeGraph
) -> None:
    """``reasoned`` is built with the default reasoner, ``owlrl_reasoned`` with owlrl."""
    assert get_reasoner().name == "rl"
    assert set(reasoned.inferred) == set(owlrl_reasoned.inferred)
    kg = load_sources(project)
    none = reason(kg, load_rules(project.rule_files()), reasoner=NoEntailments())
    assert len(none.inferred) < len(reasoned.inferred)
