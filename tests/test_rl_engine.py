"""The fast engine gives owlrl's entailments (after ketrdf's filtering), much sooner."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from ketrdf.errors import InconsistencyError, InputError
from ketrdf.graphs import KnowledgeGraph
from ketrdf.load import load_sources
from ketrdf.namespaces import KET, KR
from ketrdf.paths import Project
from ketrdf.reason import get_reasoner, reason
from ketrdf.rules import load_rules
from ketrdf.synthetic import scaled_content


def both(project: Project, kg: KnowledgeGraph) -> tuple[set[object], set[object]]:
    rules = load_rules(project.rule_files())
    fast = reason(kg, rules, get_reasoner("rl"))
    reference = reason(kg, rules, get_reasoner("owlrl"))
    return set(fast.inferred), set(reference.inferred)


def test_same_entailments_as_owlrl_on_the_review(project: Project) -> None:
    fast, reference = both(project, load_sources(project))
    assert fast == reference
    assert len(fast) > 1000


def test_same_entailments_as_owlrl_on_a_generated_10k_graph(project: Project) -> None:
    kg = load_sources(project)
    scaled = KnowledgeGraph(kg.ontology, scaled_content(kg.content, 4))
    assert len(scaled.content) > 10_000
    fast, reference = both(project, scaled)
    assert fast == reference


@pytest.mark.parametrize("engine", ["rl", "owlrl"])
def test_both_engines_report_the_same_inconsistencies(project: Project, engine: str) -> None:
    kg = load_sources(project)
    kg.ontology.add((KET.Racemate, OWL.disjointWith, KET.Enantiomer))
    kg.content.add((KR["r-ketamine"], RDF.type, KET.Racemate))
    with pytest.raises(InconsistencyError, match="inconsistent under OWL-RL"):
        reason(kg, load_rules(project.rule_files()), get_reasoner(engine))


def test_unsupported_owl_is_refused_not_ignored(project: Project) -> None:
    kg = load_sources(project)
    kg.ontology.parse(
        data="@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<http://e/C> owl:intersectionOf ( <http://e/A> <http://e/B> ) .",
        format="turtle",
    )
    with pytest.raises(InputError, match=r"does not implement .*intersectionOf.*use --reasoner owlrl"):
        reason(kg, load_rules(project.rule_files()), get_reasoner("rl"))


def test_unknown_reasoner_name() -> None:
    with pytest.raises(InputError, match="unknown reasoner 'fast'; choose one of: rl, owlrl"):
        get_reasoner("fast")


def test_scaled_copies_are_independent(project: Project) -> None:
    content = load_sources(project).content
    scaled = scaled_content(content, 3)
    assert len(scaled) == 3 * len(content)
    assert isinstance(scaled, Graph)
