"""A rule runs again only when a triple added since its last run may match one of its patterns.

:func:`pattern_predicates` must see every pattern a rule matches, or :func:`reason` would
skip a run that derives something: the last test makes the closure alone feed a rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from ketrdf.engines.reasoners import get_reasoner
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.reason import reason
from ketrdf.pipeline.rules import Rule, load_rules, rules_to_rerun
from ketrdf.vocabulary import KET
from tests.support.paths import REPO

E = "urn:ketrdf-test:"


def rule(tmp_path: Path, text: str, name: str = "rule") -> Rule:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return load_rules([path])[0]


def test_the_projects_rule_matches_the_comparison_predicates_it_names() -> None:
    # queries/rules/comparison-edges.rq: a comparison's comparand, referent and endpoint,
    # its direction or ratio bounds, and the endpoint's relations; not the template's ?relation
    (found,) = load_rules([REPO / "queries" / "rules" / "comparison-edges.rq"])
    names = {"comparand", "referent", "onEndpoint", "direction", "greaterRelation",
             "muchGreaterRelation", "ratioLowerBound", "ratioUpperBound"}
    assert found.predicates == frozenset(KET[name] for name in names)


def test_patterns_in_optional_exists_minus_and_sub_queries_count(tmp_path: Path) -> None:
    found = rule(tmp_path, f"""PREFIX t: <{E}>
        CONSTRUCT {{ ?s <{E}out> ?o }} WHERE {{
        ?s <{E}a> ?o . OPTIONAL {{ ?o <{E}b> ?x }}
        FILTER NOT EXISTS {{ ?s t:c ?o ; a ?type . OPTIONAL {{ ?o t:f [ t:g ?z ] }} }}
        FILTER (EXISTS {{ ?o t:h ?w }} || ?o = t:i)
        MINUS {{ ?s <{E}d> ?o }}
        {{ SELECT ?s WHERE {{ ?s <{E}e> ?y }} }} }}""")
    expected = {URIRef(E + letter) for letter in "abcdefgh"} | {RDF.type}
    assert found.predicates == frozenset(expected)


@pytest.mark.parametrize("template", ["?s <urn:ketrdf-test:out> []", "?s <urn:ketrdf-test:out> ?new"])
@pytest.mark.parametrize("made", ["BNODE()", "UUID()", "STRUUID()", "RAND()", "NOW()"])
def test_a_rule_that_makes_new_terms_each_run_always_runs_again(tmp_path: Path, template: str,
                                                                made: str) -> None:
    """Else a rule that never stops would seem to converge (test_rl_rules: the round limit)."""
    binding = f"BIND ({made} AS ?new)" if template.endswith("?new") else ""
    found = rule(tmp_path, f"CONSTRUCT {{ {template} }} WHERE {{ ?s <{E}a> ?o {binding} }}")
    assert found.predicates is None


@pytest.mark.parametrize("pattern", ["?s ?p ?o", f"?s <{E}a>/<{E}b> ?o", f"?s <{E}a>+ ?o",
                                     f"?s <{E}a> ?o FILTER EXISTS {{ ?o ?p ?x }}",
                                     f"?s <{E}a> ?o FILTER NOT EXISTS {{ ?o ^<{E}b> ?x }}"],
                         ids=["variable", "sequence path", "one or more", "variable in EXISTS",
                              "path in NOT EXISTS"])
def test_a_variable_or_path_predicate_means_any_triple_may_matter(tmp_path: Path, pattern: str) -> None:
    found = rule(tmp_path, f"CONSTRUCT {{ ?s <{E}out> ?o }} WHERE {{ {pattern} }}")
    assert found.predicates is None
    assert rules_to_rerun([found], [(URIRef(E + "x"), URIRef(E + "unrelated"), URIRef(E + "y"))]) == [found]


def test_only_the_rules_a_new_triple_may_match_run_again(tmp_path: Path) -> None:
    on_a = rule(tmp_path, f"CONSTRUCT {{ ?s <{E}out> ?o }} WHERE {{ ?s <{E}a> ?o }}", "on-a")
    on_b = rule(tmp_path, f"CONSTRUCT {{ ?s <{E}out> ?o }} WHERE {{ ?s <{E}b> ?o }}", "on-b")
    new = [(URIRef(E + "x"), URIRef(E + "b"), URIRef(E + "y"))]
    assert rules_to_rerun([on_a, on_b], new) == [on_b]
    assert rules_to_rerun([on_a, on_b], [(URIRef(E + "x"), URIRef(E + "out"), URIRef(E + "y"))]) == []


def test_a_rule_fed_only_by_the_closure_runs_again_after_it(tmp_path: Path) -> None:
    """p is a sub-property of q; the rule reads q, which only the closure gives."""
    ontology, content = Graph(), Graph()
    ontology.add((URIRef(E + "p"), RDFS.subPropertyOf, URIRef(E + "q")))
    content.add((URIRef(E + "x"), URIRef(E + "p"), URIRef(E + "y")))
    on_q = rule(tmp_path, f"CONSTRUCT {{ ?o <{E}back> ?s }} WHERE {{ ?s <{E}q> ?o }}")
    kg = reason(KnowledgeGraph(ontology=ontology, content=content), [on_q], get_reasoner("rl"))
    assert (URIRef(E + "x"), URIRef(E + "q"), URIRef(E + "y")) in kg.inferred
    assert (URIRef(E + "y"), URIRef(E + "back"), URIRef(E + "x")) in kg.inferred
