"""Saved queries answer the comparative questions as the review does.

Expected values come from the review digest; each test names its claim ids.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from ketrdf.engines.rdflib_sparql import RdflibEngine, run_saved_query, run_sparql
from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.query.descriptions import describe_saved_queries
from ketrdf.query.parameters import bind_parameters
from ketrdf.query.saved import SavedQuery, load_saved_queries
from ketrdf.vocabulary import KR, SH


@pytest.fixture(scope="module")
def saved_queries(project: Project) -> dict[str, SavedQuery]:
    return load_saved_queries(project.queries_dir)


def rows(graph: Graph, saved: SavedQuery, values: dict[str, str] | None = None) -> list[dict[str, str]]:
    result = run_saved_query(graph, saved, values or {})
    return [
        {var: ("" if term is None else str(term)) for var, term in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def keyed(found: list[dict[str, str]], *columns: str) -> dict[tuple[str, ...], dict[str, str]]:
    """Rows by the local names of the IRIs in ``columns``."""
    return {tuple(short(row[column]) for column in columns): row for row in found}


def test_t2_side_effects_ranking_with_much_greater(reasoned_union: Graph,
                                                   saved_queries: dict[str, SavedQuery]) -> None:
    # T2-side-effects: (S) > (R,S) >> (R).
    found = keyed(rows(reasoned_union, saved_queries["side-effect-ranking"]), "superior", "inferior")
    assert set(found) == {
        ("s-ketamine", "rs-ketamine"),
        ("rs-ketamine", "r-ketamine"),
        ("s-ketamine", "r-ketamine"),
    }
    assert found[("rs-ketamine", "r-ketamine")]["strength"] == "much greater"
    assert found[("s-ketamine", "rs-ketamine")]["strength"] == "greater"
    assert (
        found[("s-ketamine", "r-ketamine")]["basis"],
        found[("s-ketamine", "r-ketamine")]["inferred_via"],
    ) == ("inferred", "(R,S)-ketamine")
    assert {short(r["superior"]): r["rank"] for r in found.values()} == {
        "s-ketamine": "1",
        "rs-ketamine": "2",
    }


def test_enan_2_and_11_affinity_ratio_against_antidepressant_order(
        reasoned_union: Graph, saved_queries: dict[str, SavedQuery]) -> None:
    (row,) = rows(reasoned_union, saved_queries["nmda-affinity"])
    assert (row["higher_label"], row["lower_label"]) == ("(S)-ketamine", "(R)-ketamine")
    assert (float(row["ratio_low"]), float(row["ratio_high"]), row["claim_id"]) == (3.0, 4.0, "ENAN-2")
    assert row["antidepressant_order"].endswith("weaker antidepressant")


def test_enan_12_to_14_adverse_effects_by_form(reasoned_union: Graph,
                                               saved_queries: dict[str, SavedQuery]) -> None:
    found = keyed(rows(reasoned_union, saved_queries["adverse-effects-by-form"]), "effect", "form")
    hyper_s, hyper_r = found[("hyperlocomotion", "s-ketamine")], found[("hyperlocomotion", "r-ketamine")]
    assert (hyper_s["outcome"], hyper_r["outcome"]) == ("produced", "not observed")
    assert hyper_s["claims"] == "ENAN-12" and set(hyper_s["references"].split(", ")) == {"2", "28", "29"}
    assert set(hyper_s["dosing"].split(", ")) == {"single dose", "repeated doses"}
    assert {
        form: found[("hsp-70-induction", form)]["outcome"]
        for form in ("s-ketamine", "rs-ketamine", "r-ketamine")
    } == {"s-ketamine": "produced", "rs-ketamine": "produced", "r-ketamine": "not observed"}
    assert found[("hsp-70-induction", "r-ketamine")]["species"] == "rats"
    assert {
        form
        for (effect, form), r in found.items()
        if effect == "place-preference" and r["outcome"] == "produced"
    } == {"s-ketamine", "rs-ketamine"}
    d2 = found[("d2-binding-reduction", "s-ketamine")]
    assert (d2["species"], d2["route"], d2["claims"]) == ("monkeys", "intravenous", "ENAN-15")


def test_evidence_by_compound_and_eco(reasoned_union: Graph, saved_queries: dict[str, SavedQuery]) -> None:
    # T2-antidepressant rests on the review's own Table 2: a traceable author statement.
    t2 = rows(reasoned_union, saved_queries["evidence"], {"claim": "T2-antidepressant"})
    assert {r["eco"] for r in t2} == {"ECO:0000033"} and {r["reference_number"] for r in t2} == {"8", "32"}
    # ENAN-5 is about (+)-MK-801 and cites no reference: the review itself.
    mk801 = rows(reasoned_union, saved_queries["evidence"], {"compound": "dizocilpine"})
    assert ("ENAN-5", "the review itself") in {(r["claim_id"], r["reference_number"]) for r in mk801}


def test_t1_current_antidepressants_against_ketamine(reasoned_union: Graph,
                                                     saved_queries: dict[str, SavedQuery]) -> None:
    found = {r["claim_id"]: r for r in rows(reasoned_union, saved_queries["current-vs-ketamine"])}
    assert set(found) == {"T1-onset", "T1-resistance", "T1-suicidality", "T1-bipolar"}
    assert {r["ahead_label"] for r in found.values()} == {"(R,S)-ketamine"}
    assert (
        "hours" in found["T1-onset"]["ketamine"] and "weeks" in found["T1-onset"]["current_antidepressants"]
    )
    assert "30%" in found["T1-resistance"]["current_antidepressants"]
    assert "mania" in found["T1-bipolar"]["current_antidepressants"]


def test_enan_4_5_nmda_1_antagonists_without_efficacy(reasoned_union: Graph,
                                                      saved_queries: dict[str, SavedQuery]) -> None:
    found = rows(reasoned_union, saved_queries["nmda-antagonists-without-efficacy"])
    assert {short(r["agent"]) for r in found} == {"mk-801", "new-nmda-antagonists"}
    assert {r["claim_id"] for r in found} >= {"ENAN-4", "ENAN-5", "NMDA-1"}


def test_regulatory_status_enan_3_enan_6_hist_4_conc_6(reasoned_union: Graph,
                                                       saved_queries: dict[str, SavedQuery]) -> None:
    found = rows(reasoned_union, saved_queries["regulatory-status"])
    table = {(r["form_label"], r["jurisdiction_label"], r["status_label"], r["use_label"]): r for r in found}
    # ENAN-3: in use (not said to be approved) in Europe and China (issue 16).
    assert ("(S)-ketamine", "Europe", "in use", "anaesthetic") in table
    assert ("(S)-ketamine", "China", "in use", "anaesthetic") in table
    assert ("(S)-ketamine", "Japan", "not approved", "anaesthetic") in table
    spray = table[
        ("(S)-ketamine", "United States", "approved with conditions", "treatment-resistant depression")
    ]
    assert spray["date"] == "2019-03-05" and spray["restriction_label"].startswith("risk evaluation")
    assert spray["mode_label"] == "add-on to ongoing treatment"  # ENAN-6
    assert table[("(R,S)-ketamine", "Japan", "designated a narcotic", "")]["date"] == "2007"
    assert ("(R)-ketamine", "Japan", "no clinical trial started", "treatment-resistant depression") in table


def test_timeline_hist_1_to_enan_6(reasoned_union: Graph, saved_queries: dict[str, SavedQuery]) -> None:
    found = rows(reasoned_union, saved_queries["timeline"])
    dates = [r["date"] for r in found]
    assert dates == sorted(dates)
    assert (found[0]["date"], found[0]["claims"]) == ("1962", "HIST-1")
    assert ("1964", "HIST-2") in {(r["date"], r["claims"]) for r in found}
    assert ("2019-03-05", "CONC-2, ENAN-6") in {(r["date"], r["claims"]) for r in found}


def test_studies_by_species(reasoned_union: Graph, saved_queries: dict[str, SavedQuery]) -> None:
    # ENAN-15 is the monkey PET study; ENAN-13 (HSP-70) and NMDA-3 (fMRI) were in rats.
    assert {
        r["claim_id"]
        for r in rows(reasoned_union, saved_queries["studies-by-species"], {"species": "monkeys"})
    } == {"ENAN-15"}
    assert {
        r["claim_id"]
        for r in rows(reasoned_union, saved_queries["studies-by-species"], {"species": "ラット"})
    } == {"ENAN-13", "NMDA-3"}


def test_imaging_evidence_enan_15_nmda_3_nmda_4(reasoned_union: Graph,
                                                saved_queries: dict[str, SavedQuery]) -> None:
    found = {
        (r["claim_id"], r["assay_label"], r["taxon_label"])
        for r in rows(reasoned_union, saved_queries["imaging-evidence"])
    }
    assert found == {
        ("ENAN-15", "positron emission tomography (PET)", "monkeys"),
        ("NMDA-3", "functional MRI", "rats"),
        ("NMDA-4", "positron emission tomography (PET)", "humans"),
    }


def test_nmda_6_non_nmda_mechanisms(reasoned_union: Graph, saved_queries: dict[str, SavedQuery]) -> None:
    found = keyed(rows(reasoned_union, saved_queries["non-nmda-mechanisms"]), "claim_id", "mechanism")
    # NMDA-6 names no specific mechanism (the gut axis, mTOR and HNK are in reference titles only).
    assert {mechanism for (cid, mechanism) in found if cid == "NMDA-6"} == {"non-nmda-pharmacology"}
    assert set(found[("NMDA-6", "non-nmda-pharmacology")]["references"].split(", ")) == {"7", "8", "11", "32"}
    assert {r["status_label"] for (cid, _), r in found.items() if cid == "NMDA-6"} == {"hypothesis"}
    assert ("NMDA-2", "non-nmda-pharmacology") in found


def test_compare_accepts_labels_curies_and_iris(reasoned_union: Graph,
                                                saved_queries: dict[str, SavedQuery]) -> None:
    # ENAN-9 / T2-antidepressant: (R) > (S).
    answers = set()
    for a in (
        "arketamine",
        "(R)-ketamine",
        "アルケタミン",
        "kr:r-ketamine",
        str(KR["r-ketamine"]),
        "r-ketamine",
    ):
        (row,) = rows(
            reasoned_union, saved_queries["compare"],
            {"a": a, "b": "esketamine", "endpoint": "antidepressant"},
        )
        answers.add((row["answer"], row["basis"]))
    assert answers == {("(R)-ketamine > (S)-ketamine on antidepressant effect", "stated and inferred")}


def test_compare_side_effects_is_inferred(reasoned_union: Graph,
                                          saved_queries: dict[str, SavedQuery]) -> None:
    # T2-side-effects: (S) > (R,S) >> (R), so (S) > (R) by transitivity only.
    (row,) = rows(
        reasoned_union, saved_queries["compare"], {"a": "esketamine", "b": "arketamine", "endpoint": "side"}
    )
    assert (row["answer"], row["basis"], row["inferred_via"]) == (
        "(S)-ketamine > (R)-ketamine on side-effect burden",
        "inferred",
        "(R,S)-ketamine",
    )


HOSTILE = ["} ; DROP ALL ; {", "'\"\\ <x> }}", 'arketamine" } UNION { ?s ?p ?o']


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameter_values_are_plain_values(reasoned_union: Graph,
                                                   saved_queries: dict[str, SavedQuery], value: str) -> None:
    graph = reasoned_union
    before = len(graph)
    with pytest.raises(InputError, match="names no single ket:ChemicalEntity"):
        rows(graph, saved_queries["compare"], {"a": value, "b": "esketamine", "endpoint": "antidepressant"})
    with pytest.raises(InputError, match="is no ket:claimId in the graph"):
        rows(graph, saved_queries["evidence"], {"claim": value})
    assert len(graph) == before


REASONING_DEPENDENT = {
    "antidepressant-ranking": {},  # transitivity (T2-antidepressant)
    "side-effect-ranking": {},  # transitivity and the sub-property of '>>' (T2-side-effects)
    "nmda-antagonists-without-efficacy": {},  # class from a role restriction (ENAN-4, ENAN-5)
    "weaker-forms": {"form": "arketamine"},  # inverse property (T2-antidepressant)
    "products-by-role": {},  # property chain (ENAN-6)
    "compare": {"a": "esketamine", "b": "arketamine", "endpoint": "side"},  # transitivity
}


@pytest.mark.parametrize("name", sorted(REASONING_DEPENDENT))
def test_answer_is_complete_with_reasoning_and_not_without(reasoned_union: Graph,
                                                           saved_queries: dict[str, SavedQuery],
                                                           unreasoned: KnowledgeGraph, name: str) -> None:
    saved = saved_queries[name]
    # Parameters are resolved once, in the reasoned graph, and bound the same way in both runs.
    bindings = bind_parameters(saved, REASONING_DEPENDENT[name], RdflibEngine(reasoned_union))
    with_reasoning = run_sparql(reasoned_union, saved.text, bindings).rows
    without = run_sparql(unreasoned.union(), saved.text, bindings).rows
    assert with_reasoning and len(without) < len(with_reasoning)


def test_weaker_forms_than_arketamine(reasoned_union: Graph, saved_queries: dict[str, SavedQuery]) -> None:
    # T2-antidepressant: both (R,S) and (S) are less antidepressant than (R).
    found = rows(reasoned_union, saved_queries["weaker-forms"], {"form": "arketamine"})
    assert {short(r["weaker"]) for r in found} == {"rs-ketamine", "s-ketamine"}


def test_nasal_spray_contains_an_nmda_receptor_antagonist(reasoned_union: Graph,
                                                          saved_queries: dict[str, SavedQuery]) -> None:
    # ENAN-6: the (S)-ketamine nasal spray; (S)-ketamine blocks NMDA receptors (ENAN-3).
    found = rows(reasoned_union, saved_queries["products-by-role"])
    assert "esketamine-nasal-spray" in {short(r["product"]) for r in found}


def test_saved_queries_are_published_as_sparql_executables(saved_queries: dict[str, SavedQuery]) -> None:
    graph = describe_saved_queries(saved_queries)
    executables = set(graph.subjects(None, SH.SPARQLExecutable))
    assert {str(node).rsplit("/", 1)[-1] for node in executables} == set(saved_queries)
    compare = URIRef("https://w3id.org/ketrdf/query/compare")
    text = str(graph.value(compare, SH.select))
    assert text.startswith("PREFIX ket:") and "#+" not in text
