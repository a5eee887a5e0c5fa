"""The fast engine gives owlrl's entailments (after ketrdf's filtering), much sooner."""

from __future__ import annotations

import pytest
from benchmarks.synthetic import EXTERNAL_LINKS, scaled_content
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from ketrdf.engines.reasoners import get_reasoner
from ketrdf.errors import InconsistencyError, InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.reason import reason
from ketrdf.pipeline.rules import load_rules
from ketrdf.pipeline.sources import load_sources
from ketrdf.project import Project
from ketrdf.vocabulary import BASE, KET, KR

pytestmark = pytest.mark.integration  # the fast engine against owlrl on the review and a generated graph


def both(project: Project, kg: KnowledgeGraph) -> tuple[set[object], set[object]]:
    rules = load_rules(project.rule_files())
    fast = reason(kg, rules, get_reasoner("rl"))
    reference = reason(kg, rules, get_reasoner("owlrl"))
    return set(fast.inferred), set(reference.inferred)


@pytest.mark.xdist_group("owlrl")
def test_same_entailments_as_owlrl_on_the_review(reasoned: KnowledgeGraph,
                                                  owlrl_reasoned: KnowledgeGraph) -> None:
    assert set(reasoned.inferred) == set(owlrl_reasoned.inferred)
    assert len(reasoned.inferred) > 1000


def test_same_entailments_as_owlrl_on_a_generated_graph_twice_the_review(project: Project) -> None:
    """The content and a renamed copy of it (benchmarks.synthetic): both engines agree beyond the review."""
    kg = load_sources(project)
    scaled = KnowledgeGraph(kg.ontology, scaled_content(kg.content, 2))
    assert len(scaled.content) > len(kg.content)
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
    external = {o for _s, p, o in content if p in EXTERNAL_LINKS and not str(o).startswith(BASE)}
    assert external
    linked = {t for t in content if t[1] in EXTERNAL_LINKS and t[2] in external}
    unrenamed = {t for t in content if t not in linked
                 and not any(str(term).startswith(str(KR)) for term in (t[0], t[2]))}
    assert len(scaled) == 3 * len(content) - 2 * len(unrenamed)  # each copy is whole
    # a copy is another set of compounds: it shares no external identifier with copy 0
    assert {o for _s, p, o in scaled if p in EXTERNAL_LINKS} == {
        URIRef(f"{o}/copy-{n}") if n else o for o in external for n in range(3)}
    assert isinstance(scaled, Graph)


@pytest.mark.xdist_group("owlrl")
def test_every_saved_query_gives_the_same_rows_with_owlrl(project: Project, reasoned: KnowledgeGraph,
                                                          owlrl_reasoned: KnowledgeGraph) -> None:
    """Issue 7, target 4: the fast engine changes no answer of the catalogue on the review graph."""
    from ketrdf.engines.rdflib_sparql import run_saved_query
    from ketrdf.query.saved import load_saved_queries

    fast = reasoned.union()
    reference = owlrl_reasoned.union()
    for saved in load_saved_queries(project.queries_dir).values():
        assert (run_saved_query(fast, saved, saved.example).rows
                == run_saved_query(reference, saved, saved.example).rows), saved.name
