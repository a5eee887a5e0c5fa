"""The rl engine, rule by rule, against the OWL 2 RL rules and against owlrl.

Each case names a rule of the OWL 2 Profiles recommendation (section 4.3, tables 4-9),
states it as "If: ... then: ...", and gives a minimal graph with every triple ketrdf
keeps from its closure, written by hand from the rule. Both engines must give exactly
those triples through :func:`ketrdf.pipeline.reason.reason` (which drops the trivial ones).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from ketrdf.engines.reasoners import get_reasoner
from ketrdf.engines.rl import UNSUPPORTED
from ketrdf.errors import InconsistencyError, InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.reason import reason
from ketrdf.pipeline.rules import load_rules

PREFIXES = """\
@prefix : <http://example.org/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
ENGINES = ("rl", "owlrl")


@dataclass(frozen=True)
class Case:
    """One rule: its statement, a graph that fires it, and what ketrdf keeps of the closure."""

    rule: str
    statement: str
    given: str
    expected: str = ""


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def closure(given: str, engine: str) -> set[object]:
    kg = KnowledgeGraph(ontology=turtle(given), content=Graph())
    return set(reason(kg, [], get_reasoner(engine)).inferred)


ENTAILMENT_RULES = [
    # Table 4: equality
    Case("eq-ref", "If: T(?s, ?p, ?o) then: T(?s, owl:sameAs, ?s), T(?p, owl:sameAs, ?p), "
         "T(?o, owl:sameAs, ?o), all trivial: ketrdf keeps none",
         ":s :p :o ."),
    Case("eq-sym", "If: T(?x, owl:sameAs, ?y) then: T(?y, owl:sameAs, ?x)",
         ":x owl:sameAs :y .",
         ":y owl:sameAs :x ."),
    Case("eq-trans", "If: T(?x, owl:sameAs, ?y), T(?y, owl:sameAs, ?z) then: T(?x, owl:sameAs, ?z) "
         "(with eq-sym: every pair)",
         ":x owl:sameAs :y . :y owl:sameAs :z .",
         ":x owl:sameAs :z . :y owl:sameAs :x . :z owl:sameAs :x , :y ."),
    Case("eq-rep-s", "If: T(?s, owl:sameAs, ?s2), T(?s, ?p, ?o) then: T(?s2, ?p, ?o)",
         ":s owl:sameAs :s2 . :s :p :o .",
         ":s2 owl:sameAs :s . :s2 :p :o ."),
    Case("eq-rep-p", "If: T(?p, owl:sameAs, ?p2), T(?s, ?p, ?o) then: T(?s, ?p2, ?o)",
         ":p owl:sameAs :p2 . :s :p :o .",
         ":p2 owl:sameAs :p . :s :p2 :o ."),
    Case("eq-rep-o", "If: T(?o, owl:sameAs, ?o2), T(?s, ?p, ?o) then: T(?s, ?p, ?o2)",
         ":o owl:sameAs :o2 . :s :p :o .",
         ":o2 owl:sameAs :o . :s :p :o2 ."),
    Case("eq-rep-o-literal", "If: T(?o, owl:sameAs, ?o2), T(?s, ?p, ?o) then: T(?s, ?p, ?o2), "
         "here with ?o a literal (eq-sym makes the literal the subject of owl:sameAs)",
         ':x owl:sameAs "v" . :s :p "v" .',
         ":s :p :x ."),
    # Table 5: properties
    Case("prp-dom", "If: T(?p, rdfs:domain, ?c), T(?x, ?p, ?y) then: T(?x, rdf:type, ?c)",
         ":p rdfs:domain :C . :x :p :y .",
         ":x a :C ."),
    Case("prp-rng", "If: T(?p, rdfs:range, ?c), T(?x, ?p, ?y) then: T(?y, rdf:type, ?c)",
         ":p rdfs:range :C . :x :p :y .",
         ":y a :C ."),
    Case("prp-rng-literal", "If: T(?p, rdfs:range, ?c), T(?x, ?p, ?y) then: T(?y, rdf:type, ?c), "
         "which no store takes when ?y is a literal: ketrdf keeps none",
         ':p rdfs:range xsd:string . :x :p "v" .'),
    Case("prp-fp", "If: T(?p, rdf:type, owl:FunctionalProperty), T(?x, ?p, ?y1), T(?x, ?p, ?y2) "
         "then: T(?y1, owl:sameAs, ?y2)",
         ":p a owl:FunctionalProperty . :x :p :y1 , :y2 .",
         ":y1 owl:sameAs :y2 . :y2 owl:sameAs :y1 ."),
    Case("prp-fp-resources-and-literal", "If: T(?p, rdf:type, owl:FunctionalProperty), T(?x, ?p, ?y1), "
         "T(?x, ?p, ?y2) then: T(?y1, owl:sameAs, ?y2), for resources and a literal alike",
         ':p a owl:FunctionalProperty . :x :p :y1 , :y2 , "v" .',
         ':y1 owl:sameAs :y2 , "v" . :y2 owl:sameAs :y1 , "v" .'),
    Case("prp-fp-literals", "If: T(?p, rdf:type, owl:FunctionalProperty), T(?x, ?p, ?y1), T(?x, ?p, ?y2) "
         "then: T(?y1, owl:sameAs, ?y2), then eq-rep-o. Neither engine implements dt-diff, which "
         "would make two different literal values inconsistent (owlrl skips it on purpose)",
         ':p a owl:FunctionalProperty . :x :p "1" , "2" . :y :q "2" .',
         ':y :q "1" .'),
    Case("prp-symp", "If: T(?p, rdf:type, owl:SymmetricProperty), T(?x, ?p, ?y) then: T(?y, ?p, ?x)",
         ":p a owl:SymmetricProperty . :x :p :y .",
         ":y :p :x ."),
    Case("prp-trp", "If: T(?p, rdf:type, owl:TransitiveProperty), T(?x, ?p, ?y), T(?y, ?p, ?z) "
         "then: T(?x, ?p, ?z)",
         ":p a owl:TransitiveProperty . :x :p :y . :y :p :z . :z :p :w .",
         ":x :p :z , :w . :y :p :w ."),
    Case("prp-spo1", "If: T(?p1, rdfs:subPropertyOf, ?p2), T(?x, ?p1, ?y) then: T(?x, ?p2, ?y)",
         ":p1 rdfs:subPropertyOf :p2 . :x :p1 :y .",
         ":x :p2 :y ."),
    Case("prp-spo2", "If: T(?p, owl:propertyChainAxiom, ?x), LIST[?x, ?p1, ..., ?pn], "
         "T(?u1, ?p1, ?u2), ..., T(?un, ?pn, ?un+1) then: T(?u1, ?p, ?un+1)",
         ":p owl:propertyChainAxiom ( :p1 :p2 :p3 ) . :u1 :p1 :u2 . :u2 :p2 :u3 . :u3 :p3 :u4 . "
         ":v1 :p1 :v2 . :v2 :p2 :v3 .",
         ":u1 :p :u4 ."),
    Case("prp-spo2-empty-chain", "prp-spo2 with n = 0: an empty chain links nothing",
         ":p owl:propertyChainAxiom () . :x :q :y ."),
    Case("prp-eqp1", "If: T(?p1, owl:equivalentProperty, ?p2), T(?x, ?p1, ?y) then: T(?x, ?p2, ?y) "
         "(with scm-eqp1, scm-eqp2)",
         ":p1 owl:equivalentProperty :p2 . :x :p1 :y .",
         ":x :p2 :y . :p1 rdfs:subPropertyOf :p2 . :p2 rdfs:subPropertyOf :p1 . "
         ":p2 owl:equivalentProperty :p1 ."),
    Case("prp-eqp2", "If: T(?p1, owl:equivalentProperty, ?p2), T(?x, ?p2, ?y) then: T(?x, ?p1, ?y) "
         "(with scm-eqp1, scm-eqp2)",
         ":p1 owl:equivalentProperty :p2 . :x :p2 :y .",
         ":x :p1 :y . :p1 rdfs:subPropertyOf :p2 . :p2 rdfs:subPropertyOf :p1 . "
         ":p2 owl:equivalentProperty :p1 ."),
    Case("prp-inv1", "If: T(?p1, owl:inverseOf, ?p2), T(?x, ?p1, ?y) then: T(?y, ?p2, ?x)",
         ":p1 owl:inverseOf :p2 . :x :p1 :y .",
         ":y :p2 :x ."),
    Case("prp-inv2", "If: T(?p1, owl:inverseOf, ?p2), T(?x, ?p2, ?y) then: T(?y, ?p1, ?x)",
         ":p1 owl:inverseOf :p2 . :x :p2 :y .",
         ":y :p1 :x ."),
    # Table 6: classes
    Case("cls-hv1", "If: T(?x, owl:hasValue, ?y), T(?x, owl:onProperty, ?p), T(?u, rdf:type, ?x) "
         "then: T(?u, ?p, ?y)",
         ":R owl:hasValue :v ; owl:onProperty :p . :u a :R .",
         ":u :p :v ."),
    Case("cls-hv2", "If: T(?x, owl:hasValue, ?y), T(?x, owl:onProperty, ?p), T(?u, ?p, ?y) "
         "then: T(?u, rdf:type, ?x)",
         ":R owl:hasValue :v ; owl:onProperty :p . :u :p :v . :w :p :other .",
         ":u a :R ."),
    # Table 7: class axioms
    Case("cax-sco", "If: T(?c1, rdfs:subClassOf, ?c2), T(?x, rdf:type, ?c1) then: T(?x, rdf:type, ?c2)",
         ":C1 rdfs:subClassOf :C2 . :x a :C1 .",
         ":x a :C2 ."),
    Case("cax-sco-thing", "cax-sco into owl:Thing: T(?x, rdf:type, owl:Thing) is trivial, ketrdf keeps "
         "none (nor T(?c, rdfs:subClassOf, owl:Thing))",
         ":C rdfs:subClassOf owl:Thing . :x a :C ."),
    Case("cax-eqc1", "If: T(?c1, owl:equivalentClass, ?c2), T(?x, rdf:type, ?c1) then: T(?x, rdf:type, ?c2) "
         "(with scm-eqc1, scm-eqc2)",
         ":C1 owl:equivalentClass :C2 . :x a :C1 .",
         ":x a :C2 . :C1 rdfs:subClassOf :C2 . :C2 rdfs:subClassOf :C1 . :C2 owl:equivalentClass :C1 ."),
    Case("cax-eqc2", "If: T(?c1, owl:equivalentClass, ?c2), T(?x, rdf:type, ?c2) then: T(?x, rdf:type, ?c1) "
         "(with scm-eqc1, scm-eqc2)",
         ":C1 owl:equivalentClass :C2 . :x a :C2 .",
         ":x a :C1 . :C1 rdfs:subClassOf :C2 . :C2 rdfs:subClassOf :C1 . :C2 owl:equivalentClass :C1 ."),
    # Table 9: schema vocabulary
    Case("scm-cls", "If: T(?c, rdf:type, owl:Class) then: T(?c, rdfs:subClassOf, ?c), "
         "T(?c, owl:equivalentClass, ?c), T(?c, rdfs:subClassOf, owl:Thing), "
         "T(owl:Nothing, rdfs:subClassOf, ?c), all trivial: ketrdf keeps none",
         ":C a owl:Class ."),
    Case("scm-op-dp", "If: T(?p, rdf:type, owl:ObjectProperty) (scm-op) or T(?p, rdf:type, "
         "owl:DatatypeProperty) (scm-dp) then: T(?p, rdfs:subPropertyOf, ?p), "
         "T(?p, owl:equivalentProperty, ?p), trivial: ketrdf keeps none",
         ":p a owl:ObjectProperty . :d a owl:DatatypeProperty ."),
    Case("scm-sco", "If: T(?c1, rdfs:subClassOf, ?c2), T(?c2, rdfs:subClassOf, ?c3) "
         "then: T(?c1, rdfs:subClassOf, ?c3)",
         ":C1 rdfs:subClassOf :C2 . :C2 rdfs:subClassOf :C3 .",
         ":C1 rdfs:subClassOf :C3 ."),
    Case("scm-eqc1", "If: T(?c1, owl:equivalentClass, ?c2) then: T(?c1, rdfs:subClassOf, ?c2), "
         "T(?c2, rdfs:subClassOf, ?c1) (and scm-eqc2 back)",
         ":C1 owl:equivalentClass :C2 .",
         ":C1 rdfs:subClassOf :C2 . :C2 rdfs:subClassOf :C1 . :C2 owl:equivalentClass :C1 ."),
    Case("scm-eqc2", "If: T(?c1, rdfs:subClassOf, ?c2), T(?c2, rdfs:subClassOf, ?c1) "
         "then: T(?c1, owl:equivalentClass, ?c2)",
         ":C1 rdfs:subClassOf :C2 . :C2 rdfs:subClassOf :C1 .",
         ":C1 owl:equivalentClass :C2 . :C2 owl:equivalentClass :C1 ."),
    Case("scm-spo", "If: T(?p1, rdfs:subPropertyOf, ?p2), T(?p2, rdfs:subPropertyOf, ?p3) "
         "then: T(?p1, rdfs:subPropertyOf, ?p3)",
         ":p1 rdfs:subPropertyOf :p2 . :p2 rdfs:subPropertyOf :p3 .",
         ":p1 rdfs:subPropertyOf :p3 ."),
    Case("scm-eqp1", "If: T(?p1, owl:equivalentProperty, ?p2) then: T(?p1, rdfs:subPropertyOf, ?p2), "
         "T(?p2, rdfs:subPropertyOf, ?p1) (and scm-eqp2 back)",
         ":p1 owl:equivalentProperty :p2 .",
         ":p1 rdfs:subPropertyOf :p2 . :p2 rdfs:subPropertyOf :p1 . :p2 owl:equivalentProperty :p1 ."),
    Case("scm-eqp2", "If: T(?p1, rdfs:subPropertyOf, ?p2), T(?p2, rdfs:subPropertyOf, ?p1) "
         "then: T(?p1, owl:equivalentProperty, ?p2)",
         ":p1 rdfs:subPropertyOf :p2 . :p2 rdfs:subPropertyOf :p1 .",
         ":p1 owl:equivalentProperty :p2 . :p2 owl:equivalentProperty :p1 ."),
    Case("scm-dom1", "If: T(?p, rdfs:domain, ?c1), T(?c1, rdfs:subClassOf, ?c2) "
         "then: T(?p, rdfs:domain, ?c2)",
         ":p rdfs:domain :C1 . :C1 rdfs:subClassOf :C2 .",
         ":p rdfs:domain :C2 ."),
    Case("scm-dom2", "If: T(?p2, rdfs:domain, ?c), T(?p1, rdfs:subPropertyOf, ?p2) "
         "then: T(?p1, rdfs:domain, ?c)",
         ":p2 rdfs:domain :C . :p1 rdfs:subPropertyOf :p2 .",
         ":p1 rdfs:domain :C ."),
    Case("scm-rng1", "If: T(?p, rdfs:range, ?c1), T(?c1, rdfs:subClassOf, ?c2) then: T(?p, rdfs:range, ?c2)",
         ":p rdfs:range :C1 . :C1 rdfs:subClassOf :C2 .",
         ":p rdfs:range :C2 ."),
    Case("scm-rng2", "If: T(?p2, rdfs:range, ?c), T(?p1, rdfs:subPropertyOf, ?p2) "
         "then: T(?p1, rdfs:range, ?c)",
         ":p2 rdfs:range :C . :p1 rdfs:subPropertyOf :p2 .",
         ":p1 rdfs:range :C ."),
    Case("scm-hv", "If: T(?c1, owl:hasValue, ?i), T(?c1, owl:onProperty, ?p1), T(?c2, owl:hasValue, ?i), "
         "T(?c2, owl:onProperty, ?p2), T(?p1, rdfs:subPropertyOf, ?p2) then: T(?c1, rdfs:subClassOf, ?c2)",
         ":R1 owl:hasValue :v ; owl:onProperty :p1 . :R2 owl:hasValue :v ; owl:onProperty :p2 . "
         ":p1 rdfs:subPropertyOf :p2 .",
         ":R1 rdfs:subClassOf :R2 ."),
    Case("scm-hv-one-property", "scm-hv with ?p1 = ?p2, a declared property (scm-op makes it its own "
         "sub-property), then scm-eqc2",
         ":p a owl:ObjectProperty . :R1 owl:hasValue :v ; owl:onProperty :p . "
         ":R2 owl:hasValue :v ; owl:onProperty :p .",
         ":R1 rdfs:subClassOf :R2 ; owl:equivalentClass :R2 . :R2 rdfs:subClassOf :R1 ; "
         "owl:equivalentClass :R1 ."),
]


@pytest.mark.parametrize("case", ENTAILMENT_RULES, ids=[case.rule for case in ENTAILMENT_RULES])
def test_rule_gives_what_the_spec_says_and_what_owlrl_gives(case: Case) -> None:
    expected = set(turtle(case.expected))
    fast, reference = closure(case.given, "rl"), closure(case.given, "owlrl")
    assert fast == expected, case.statement
    assert reference == expected, case.statement


INCONSISTENCY_RULES = [
    Case("eq-diff1", "If: T(?x, owl:sameAs, ?y), T(?x, owl:differentFrom, ?y) then: false",
         ":x owl:sameAs :y . :x owl:differentFrom :y .",
         "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: "
         "(http://example.org/x, http://example.org/y)"),
    Case("eq-diff1-self", "eq-ref gives T(?x, owl:sameAs, ?x); with T(?x, owl:differentFrom, ?x), "
         "eq-diff1 gives false",
         ":x owl:differentFrom :x .",
         "'sameAs' and 'differentFrom' cannot be used on the same subject-object pair: "
         "(http://example.org/x, http://example.org/x)"),
    Case("cls-nothing2", "If: T(?x, rdf:type, owl:Nothing) then: false "
         "(here the type is entailed by cax-sco)",
         ":C rdfs:subClassOf owl:Nothing . :x a :C .",
         "http://example.org/x is defined of type 'Nothing'"),
    Case("cax-dw", "If: T(?c1, owl:disjointWith, ?c2), T(?x, rdf:type, ?c1), T(?x, rdf:type, ?c2) "
         "then: false",
         ":A owl:disjointWith :B . :x a :A , :B .",
         "Disjoint classes http://example.org/A and http://example.org/B have a common individual "
         "http://example.org/x"),
    Case("dt-not-type", "If: T(?s, ?p, ?lt), ?lt's lexical form is not in the lexical space of its "
         "datatype then: false",
         ':x :p "abc"^^xsd:integer .',
         "Lexical value of the literal 'abc' does not match its datatype "
         "(http://www.w3.org/2001/XMLSchema#integer)"),
]


def inconsistency(given: str, engine: str) -> str:
    with pytest.raises(InconsistencyError) as raised:
        closure(given, engine)
    assert raised.value.exit_code == 3
    return str(raised.value)


@pytest.mark.parametrize("case", INCONSISTENCY_RULES, ids=[case.rule for case in INCONSISTENCY_RULES])
def test_inconsistency_is_found_by_both_engines_alike(case: Case) -> None:
    fast, reference = inconsistency(case.given, "rl"), inconsistency(case.given, "owlrl")
    assert case.expected in fast, case.statement
    assert fast == reference  # the same problems, listed the same way


#: Each construct the engine refuses, used as owlrl's rules would read it.
REFUSED = {
    "intersectionOf": ":C owl:intersectionOf ( :A :B ) .",
    "unionOf": ":C owl:unionOf ( :A :B ) .",
    "complementOf": ":C owl:complementOf :A .",
    "someValuesFrom": ":R owl:onProperty :p ; owl:someValuesFrom :A .",
    "allValuesFrom": ":R owl:onProperty :p ; owl:allValuesFrom :A .",
    "maxCardinality": ":R owl:onProperty :p ; owl:maxCardinality 1 .",
    "maxQualifiedCardinality": ":R owl:onProperty :p ; owl:maxQualifiedCardinality 1 ; owl:onClass :A .",
    "oneOf": ":C owl:oneOf ( :a :b ) .",
    "hasKey": ":C owl:hasKey ( :p ) .",
    "InverseFunctionalProperty": ":p a owl:InverseFunctionalProperty .",
    "IrreflexiveProperty": ":p a owl:IrreflexiveProperty .",
    "AsymmetricProperty": ":p a owl:AsymmetricProperty .",
    "propertyDisjointWith": ":p owl:propertyDisjointWith :q .",
    "AllDisjointClasses": "[] a owl:AllDisjointClasses ; owl:members ( :A :B ) .",
    "AllDisjointProperties": "[] a owl:AllDisjointProperties ; owl:members ( :p :q ) .",
    "AllDifferent": "[] a owl:AllDifferent ; owl:distinctMembers ( :a :b ) .",
    "sourceIndividual": "[] owl:sourceIndividual :a ; owl:assertionProperty :p ; owl:targetIndividual :b .",
    "withRestrictions": ":D owl:onDatatype xsd:integer ; owl:withRestrictions ( [ xsd:minInclusive 1 ] ) .",
    "disjointUnionOf": ":C owl:disjointUnionOf ( :A :B ) .",
}


def test_every_unsupported_construct_has_a_refusal_test() -> None:
    assert {str(term).removeprefix("http://www.w3.org/2002/07/owl#") for term in UNSUPPORTED} == set(REFUSED)


@pytest.mark.parametrize("construct", sorted(REFUSED))
def test_unsupported_construct_is_refused_by_name(construct: str) -> None:
    with pytest.raises(InputError, match=rf"does not implement .*owl#{construct}\b.*use --reasoner owlrl"):
        closure(REFUSED[construct], "rl")


def test_an_entailed_unsupported_construct_is_refused() -> None:
    """cax-sco makes :p inverse-functional; owlrl then applies prp-ifp, which rl lacks."""
    given = ":Key rdfs:subClassOf owl:InverseFunctionalProperty . :p a :Key . :a :p :v . :b :p :v ."
    assert set(turtle(":a owl:sameAs :b . :b owl:sameAs :a .")) <= closure(given, "owlrl")
    with pytest.raises(InputError, match=r"does not implement .*InverseFunctionalProperty"):
        closure(given, "rl")


def write_rules(folder: Path, rules: dict[str, str]) -> list[Path]:
    paths = []
    for name, where in rules.items():
        path = folder / f"{name}.rq"
        path.write_text(PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n") + where, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.integration  # runs rules to the round limit
def test_rules_that_never_converge_hit_the_round_limit(tmp_path: Path) -> None:
    # A blank node in a CONSTRUCT template is a new node each time the rule runs.
    rules = load_rules(write_rules(tmp_path, {
        "endless": "CONSTRUCT { ?x :next [] } WHERE { ?x a :Node }",
        "settled": "CONSTRUCT { ?x a :Seen } WHERE { ?x a :Node }",
    }))
    kg = KnowledgeGraph(ontology=turtle(":n a :Node ."), content=Graph())
    for engine in ENGINES:
        with pytest.raises(InputError, match=r"not converge in 10 rounds .*MAX_ROUNDS.*rules endless still"):
            reason(kg, rules, get_reasoner(engine))


@pytest.mark.parametrize(("limit", "converges"), [(1, False), (2, True)])
def test_the_round_limit_counts_rounds_of_rules_and_closure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int, converges: bool
) -> None:
    # Round 1: `start` types :x :B, the closure (cax-sco) adds :C; `finish` then needs round 2.
    rules = load_rules(write_rules(tmp_path, {
        "start": "CONSTRUCT { ?x a :B } WHERE { ?x a :A }",
        "finish": "CONSTRUCT { ?x a :D } WHERE { ?x a :C }",
    }))
    kg = KnowledgeGraph(ontology=turtle(":B rdfs:subClassOf :C . :x a :A ."), content=Graph())
    # ``ketrdf.pipeline.reason`` the attribute is the function; the module is looked up by name.
    monkeypatch.setattr(importlib.import_module("ketrdf.pipeline.reason"), "MAX_ROUNDS", limit)
    if converges:
        assert set(turtle(":x a :B , :C , :D .")) == set(reason(kg, rules).inferred)
    else:
        with pytest.raises(InputError, match=r"did not converge in 1 rounds .*the rules finish still"):
            reason(kg, rules)
