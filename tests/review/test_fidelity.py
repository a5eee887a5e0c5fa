"""The graph says what the review says (issue 16): each test names a claim id,
says in our own words what the review's Japanese text states, and asks the
graph for it. Expected answers come from the review, not from the graph.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from ketrdf.engines.rdflib_sparql import run_saved_query, run_sparql
from ketrdf.pipeline.build import check_graph
from ketrdf.project import Project
from ketrdf.query.saved import load_saved_queries
from ketrdf.vocabulary import KET, KR
from tests.support.paths import DATA

AUTHOR = KR["kenji-hashimoto"]


def select(graph: Graph, query: str) -> set[tuple[str, ...]]:
    return {tuple("" if term is None else str(term) for term in row) for row in run_sparql(graph, query).rows}


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def test_conc_3_trials_run_overseas_in_no_named_country(reasoned_union: Graph) -> None:
    """CONC-3: a US company (Perception Neuroscience) runs the (R)-ketamine trials
    abroad, seen from Japan; the review names no country, so not the USA."""
    places = select(reasoned_union, """
        SELECT ?where WHERE {
          ?claim ket:claimId "CONC-3" ; ket:reportsStatus ?status .
          ?status ket:involves kr:r-ketamine ; ket:status kr:in-clinical-trials ; ket:inJurisdiction ?where .
        }""")
    assert places == {(str(KR["overseas"]),)}
    assert (KR["perception-neuroscience"], KET["basedIn"], KR["usa"]) in reasoned_union


def test_conc_3_results_are_an_expected_event_of_2020(reasoned_union: Graph) -> None:
    """CONC-3: the author expects the trial results to be known in 2020; that had not
    happened when the review was written, so the event is expected, and the claim a
    prediction of the author's."""
    found = select(reasoned_union, """
        SELECT ?date ?event_status ?claim_status ?holder WHERE {
          ?claim ket:claimId "CONC-3" ; ket:reportsEvent ?event ;
                 ket:claimStatus ?claim_status ; ket:proposedBy ?holder .
          ?event ket:involves kr:r-ketamine ; ket:date ?date ; ket:eventStatus ?event_status .
        }""")
    assert found == {("2020", str(KET["Expected"]), str(KET["Prediction"]), str(AUTHOR))}


def test_nmda_6_names_no_specific_mechanism(reasoned_union: Graph) -> None:
    """NMDA-6: the author thinks a pharmacology other than NMDA blockade is involved,
    and names no particular one. The gut microbiota-brain axis, mTOR independence and
    (2R,6R)-hydroxynorketamine appear only in the titles of references 30, 31 and 10."""
    union = reasoned_union
    mechanisms = select(union, 'SELECT ?m WHERE { ?c ket:claimId "NMDA-6" ; ket:mechanism ?m }')
    assert mechanisms == {(str(KR["non-nmda-pharmacology"]),)}
    from_titles = [KR["gut-microbiota-brain-axis"], KR["mtor-independent-signalling"], KR["hnk-2r6r"]]
    for entity in from_titles:
        used = select(union, f"""
            SELECT ?claim WHERE {{
              ?claim a ket:Claim .
              {{ ?claim ?p <{entity}> }} UNION {{ ?claim ket:hasEvidence ?e . ?e ?p <{entity}> }}
            }}""")
        assert used == set(), (entity, used)
    details = select(union, """
        SELECT ?n ?detail WHERE { ?r ket:referenceNumber ?n ; ket:titleDetail ?detail }""")
    assert {("30", str(KR["gut-microbiota-brain-axis"])), ("31", str(KR["mtor-independent-signalling"])),
            ("10", str(KR["hnk-2r6r"]))} <= details
    # What the review does cite 30 and 31 for: (R) over (S) in animal models (ENAN-9).
    cited_for = select(union, 'SELECT ?id WHERE { ?c ket:claimId ?id ; ket:cites ref:30 , ref:31 }')
    assert cited_for == {("ENAN-9",)}


def test_enan_15_details_from_titles_stay_with_the_references(reasoned_union: Graph) -> None:
    """ENAN-15: the review says intravenous (R)- or (S)-ketamine in conscious monkeys
    (PET, [9]) and intravenous (S)-ketamine in people ([23]); the single dose and the
    trial design and patients (treatment-resistant depression) are in the reference
    titles only."""
    union = reasoned_union
    carried = select(union, """
        SELECT ?what WHERE {
          ?claim ket:claimId "ENAN-15" .
          { ?claim ket:dosing ?what } UNION { ?claim ket:hasEvidence/ket:dosing ?what }
          UNION { ?claim ket:studiedPopulation|ket:indication ?what }
          UNION { ?claim ket:hasEvidence/ket:studiedPopulation ?what }
          UNION { ?claim ket:hasEvidence ?e . ?e a ket:ControlledTrial .
                  BIND (ket:ControlledTrial AS ?what) }
        }""")
    assert carried == set()
    routes = select(union, """
        SELECT DISTINCT ?r WHERE { ?c ket:claimId "ENAN-15" ; ket:hasEvidence/ket:route ?r }""")
    assert routes == {(str(KR["intravenous"]),)}
    assert (KR["hashimoto-2020/ref/9"], KET["titleDetail"], KR["single-dose"]) in union
    assert (KR["hashimoto-2020/ref/23"], KET["titleDetail"], KR["treatment-resistant-depression"]) in union


def test_table_1_current_antidepressants_raise_the_risk(reasoned_union: Graph) -> None:
    """T1-suicidality: Table 1 says the current antidepressants do nothing for
    suicidal ideation and raise the risk; it does not hedge with 'may'."""
    union = reasoned_union
    raised = select(union, """
        SELECT ?claim WHERE {
          ?claim ket:claimId "T1-suicidality" ; ket:agent kr:current-antidepressants ;
                 ket:effect kr:raised-suicide-risk ; ket:polarity ket:Affirms ; ket:claimStatus ket:Finding .
        }""")
    assert len(raised) == 1
    values = select(union, 'SELECT ?v WHERE { ?c ket:claimId "T1-suicidality" ; ket:referentValue ?v }')
    assert values and all("may" not in value for (value,) in values)


def test_enan_12_parvalbumin_cells_are_lost_in_the_frontal_cortex(reasoned_union: Graph) -> None:
    """ENAN-12: (S)-ketamine lowered parvalbumin-positive cells in the frontal cortex
    (前頭皮質), not the prefrontal cortex."""
    union = reasoned_union
    regions = select(union, """
        SELECT ?en ?ja WHERE {
          ?claim ket:claimId "ENAN-12" ; ket:agent kr:s-ketamine ; ket:effect ?effect ;
                 ket:polarity ket:Affirms .
          ?effect ket:inBrainRegion ?region .
          ?region rdfs:label ?en , ?ja . FILTER (LANG(?en) = "en" && LANG(?ja) = "ja")
        }""")
    assert regions == {("frontal cortex", "前頭皮質")}
    labels = select(union, """
        SELECT ?label WHERE {
          ?claim ket:claimId "ENAN-12" .
          { ?claim rdfs:label ?label } UNION { ?claim ket:effect/rdfs:label ?label }
        }""")
    assert not [label for (label,) in labels if "prefrontal" in label]


def test_enan_3_s_ketamine_is_used_not_approved_in_europe_and_china(reasoned_union: Graph) -> None:
    """ENAN-3: (S)-ketamine is in use as an anaesthetic in Europe and China; the review
    does not say it is approved there. It is not approved in the USA or Japan."""
    found = select(reasoned_union, """
        SELECT ?where ?value WHERE {
          ?claim ket:claimId "ENAN-3" ; ket:reportsStatus ?s .
          ?s ket:involves kr:s-ketamine ; ket:forUse kr:role-anaesthetic ;
             ket:inJurisdiction ?where ; ket:status ?value . }""")
    assert {(local(w), local(v)) for w, v in found} == {
        ("europe", "in-use"), ("china", "in-use"), ("usa", "not-approved"), ("japan", "not-approved")}


def test_hist_5_researchers_who_noticed_cite_nothing(reasoned_union: Graph) -> None:
    """HIST-5: the review cites Domino's account [4] for the abuse and for users who
    sought an antidepressant effect; the sentence about researchers who seem to have
    noticed the rapid effect in drug users carries no citation."""
    union = reasoned_union
    noticed = select(union, """
        SELECT ?publication ?design WHERE {
          ?claim ket:claimId "HIST-5" ; ket:effect kr:rapid-antidepressant-effect ;
                 ket:studiedPopulation kr:drug-dependence ; ket:hasEvidence ?e .
          ?e ket:citesReference ?publication ; a ?design .
          FILTER (?design = ket:AuthorStatement)
        }""")
    assert noticed == {(str(KR["hashimoto-2020"]), str(KET["AuthorStatement"]))}
    cites = select(union, """
        SELECT ?publication WHERE {
          ?claim ket:claimId "HIST-5" ; ket:effect kr:rapid-antidepressant-effect ;
                 ket:cites ?publication }""")
    assert cites == {(str(KR["hashimoto-2020"]),)}
    abuse = select(union, """
        SELECT ?publication WHERE {
          ?claim ket:claimId "HIST-5" ; ket:cites ?publication .
          FILTER NOT EXISTS { ?claim ket:effect ?any } }""")
    assert abuse == {(str(KR["hashimoto-2020/ref/4"]),)}


def test_enan_8_doubt_began_about_2010(reasoned_union: Graph) -> None:
    """ENAN-8: the author began to doubt the NMDA explanation around 2010: the year is
    approximate, and the graph says so in a triple, not only in a label."""
    found = select(reasoned_union, """
        SELECT ?date ?qualifier WHERE {
          ?claim ket:claimId "ENAN-8" ; ket:reportsEvent ?event .
          ?event ket:eventType kr:start-of-doubt ; ket:date ?date ; ket:dateQualifier ?qualifier . }""")
    assert found == {("2010", str(KET["About"]))}


def test_enan_6_spray_is_approved_as_an_add_on(reasoned_union: Graph) -> None:
    """ENAN-6: Janssen developed the (S)-ketamine spray as an add-on medication for
    treatment-resistant depression, and the FDA approved it on 2019-03-05."""
    found = select(reasoned_union, """
        SELECT ?use ?mode ?date WHERE {
          ?claim ket:claimId "ENAN-6" ; ket:reportsStatus ?status ; ket:reportsEvent ?event .
          ?status ket:involves kr:esketamine-nasal-spray ; ket:forUse ?use ; ket:useMode ?mode .
          ?event ket:useMode ?mode ; ket:date ?date .
        }""")
    assert found == {(str(KR["treatment-resistant-depression"]), str(KR["add-on-use"]), "2019-03-05")}


def test_hist_8_ketamine_in_healthy_people_is_used_as_a_model_of_schizophrenia(reasoned_union: Graph) -> None:
    """HIST-8: in the USA, giving ketamine to healthy people is still a research model
    of schizophrenia."""
    found = select(reasoned_union, """
        SELECT ?agent ?population ?where WHERE {
          ?claim ket:claimId "HIST-8" ; ket:usedAsModelOf kr:schizophrenia ;
                 ket:agent ?agent ; ket:studiedPopulation ?population ; ket:inJurisdiction ?where . }""")
    assert found == {(str(KR["rs-ketamine"]), str(KR["healthy"]), str(KR["usa"]))}


def test_enan_5_mk_801_failure_was_never_published(reasoned_union: Graph) -> None:
    """ENAN-5: that (+)-MK-801 does not work in depressed patients is known but was
    never published."""
    found = select(reasoned_union, """
        SELECT ?claim WHERE {
          ?claim ket:claimId "ENAN-5" ; ket:agent kr:mk-801 ; ket:polarity ket:NoEffectObserved ;
                 ket:hasEvidence ?e .
          ?e a ket:UnpublishedResult . }""")
    assert len(found) == 1


def test_enan_4_and_nmda_1_antagonists_failed_in_phase_iii(reasoned_union: Graph) -> None:
    """ENAN-4, NMDA-1: the new NMDA receptor antagonists failed in phase III trials."""
    found = select(reasoned_union, """
        SELECT ?id ?phase_label WHERE {
          ?claim ket:claimId ?id ; ket:agent kr:new-nmda-antagonists ; ket:polarity ket:NoEffectObserved ;
                 ket:trialPhase ?phase .
          ?phase rdfs:label ?phase_label . FILTER (LANG(?phase_label) = "en") }""")
    assert found == {("ENAN-4", "phase III"), ("NMDA-1", "phase III")}


def test_hist_1_ketamine_was_made_to_replace_pcp(reasoned_union: Graph) -> None:
    """HIST-1: Parke-Davis synthesised ketamine in 1962 as a substitute for the
    anaesthetic phencyclidine (PCP)."""
    found = select(reasoned_union, """
        SELECT ?made ?replaced ?date WHERE {
          ?claim ket:claimId "HIST-1" ; ket:reportsEvent ?event .
          ?event ket:eventType kr:synthesis ; ket:involves ?made ; ket:madeAsSubstituteFor ?replaced ;
                 ket:date ?date . }""")
    assert found == {(str(KR["rs-ketamine"]), str(KR["phencyclidine"]), "1962")}


AUTHORS_OWN_VIEWS = """
SELECT DISTINCT ?id ?status WHERE {
  ?claim ket:claimId ?id ; ket:claimStatus ?status ; prov:wasAttributedTo kr:kenji-hashimoto .
  FILTER (?status IN (ket:Hypothesis, ket:Prediction))
}"""


def test_the_authors_hypotheses_and_predictions_apart_from_the_fields(reasoned_union: Graph) -> None:
    """NMDA-6 (the author thinks a non-NMDA pharmacology is involved), ENAN-16 ((R) should
    make a safer antidepressant) and CONC-3 (results expected in 2020) are the author's
    own hypothesis and predictions; HIST-7 (NMDA hypofunction in schizophrenia) is a
    hypothesis of the field that the review reports; ENAN-9 is a finding. Asked through
    prov:wasAttributedTo, which ket:proposedBy specialises."""
    union = reasoned_union
    own = select(union, AUTHORS_OWN_VIEWS)
    ids = {claim_id for claim_id, _status in own}
    assert {("NMDA-6", str(KET["Hypothesis"])), ("ENAN-16", str(KET["Prediction"])),
            ("CONC-3", str(KET["Prediction"]))} <= own
    assert not ids & {"HIST-7", "ENAN-9"}
    fields = select(union, """
        SELECT ?id WHERE {
          ?claim ket:claimId ?id ; ket:claimStatus ket:Hypothesis .
          FILTER NOT EXISTS { ?claim ket:proposedBy ?anyone } }""")
    assert fields == {("HIST-7",)}
    # ENAN-11: the author's inference from ENAN-2 and ENAN-9.
    assert (KR["claim/ENAN-11"], KET["proposedBy"], AUTHOR) in union


def test_whose_view_query_separates_the_author_from_the_field(reasoned_union: Graph,
                                                              project: Project) -> None:
    """The saved query answers the same question: HIST-7's hypothesis is not the author's."""
    saved = load_saved_queries(project.queries_dir)["whose-view"]
    result = run_saved_query(reasoned_union, saved, {})
    found = [dict(zip(result.variables, (str(t) for t in row), strict=True)) for row in result.rows]
    own = {(r["claim_id"], r["status_label"]) for r in found if r["authors_own"] == "yes"}
    assert {("NMDA-6", "hypothesis"), ("ENAN-16", "prediction"), ("CONC-3", "prediction")} <= own
    assert {r["authors_own"] for r in found if r["claim_id"] == "HIST-7"} == {"no"}


def test_population_studied_is_not_the_indication(reasoned_union: Graph) -> None:
    """HIST-5: the rapid effect was noticed in drug users, who are the population, not
    what ketamine treats. Where (R,S)-ketamine is effective (INTRO, HIST, BIP claims):
    depression, treatment-resistant depression, bipolar depression, suicidal ideation."""
    union = reasoned_union
    effective = select(union, """
        SELECT DISTINCT ?condition WHERE {
          ?claim ket:agent kr:rs-ketamine ; ket:polarity ket:Affirms ; ket:indication ?condition . }""")
    conditions = {local(c) for (c,) in effective}
    assert "drug-dependence" not in conditions and "healthy" not in conditions
    expected = {"depression", "treatment-resistant-depression", "bipolar-depression", "suicidal-ideation"}
    assert expected <= conditions
    population = select(union, """
        SELECT ?population WHERE { ?claim ket:claimId "HIST-5" ; ket:studiedPopulation ?population }""")
    assert population == {(str(KR["drug-dependence"]),)}
    assert not list(union.triples((None, KET["inCondition"], None)))


@pytest.mark.integration  # a build of the review
def test_a_claim_resting_on_a_title_trips_the_qc_check(project: Project) -> None:
    """Stated vs derived: NMDA-6 as first encoded (a mechanism named only in the title
    of reference 30) fails the build, and the message names the reference."""
    fixture = DATA / "qc" / "title-only-claim--mechanism-from-a-title.ttl"
    checked = check_graph(project, extra_content=[fixture])
    messages = [p.message for p in checked.qc_problems if p.check == "title-only-claim-violation"]
    assert len(messages) == 1
    assert "gut-microbiota-brain-axis" in messages[0] and "reference 30" in messages[0]


def test_the_review_has_no_claim_resting_on_a_title(reasoned_union: Graph) -> None:
    """Every title detail is a triple about a reference, never a slot of a review claim."""
    details = list(reasoned_union.triples((None, KET["titleDetail"], None)))
    assert len(details) >= 7
    for reference, _p, _detail in details:
        assert (reference, KET["referenceNumber"], None) in reasoned_union


def test_trials_are_controlled_as_the_review_says_never_randomised(reasoned_union: Graph) -> None:
    """HIST-9 and BIP-1: the review calls both trials placebo-controlled and double-blind;
    HIST-10: the Columbia group compared ketamine with another anaesthetic, midazolam.
    It never says the patients were randomised (that word is in reference 6's title only)."""
    union = reasoned_union
    designs = select(union, """
        SELECT DISTINCT ?id ?design WHERE {
          VALUES ?id { "HIST-9" "HIST-10" "BIP-1" }
          ?claim ket:claimId ?id ; ket:hasEvidence/a ?design .
          FILTER (?design IN (ket:ControlledTrial, ket:ClinicalStudy))
        }""")
    assert {(claim, local(design)) for claim, design in designs} == {
        ("HIST-9", "ControlledTrial"), ("HIST-10", "ControlledTrial"), ("BIP-1", "ControlledTrial"),
        ("HIST-9", "ClinicalStudy"), ("HIST-10", "ClinicalStudy"), ("BIP-1", "ClinicalStudy"),
    }
    assert not select(union, "SELECT ?c WHERE { ?c a ?design FILTER (CONTAINS(STR(?design), 'Random')) }")


def test_animal_studies_name_a_species_only_where_the_review_does(reasoned_union: Graph) -> None:
    """ENAN-9, ENAN-12, ENAN-14 and ENAN-17: the review speaks of animals or animal models
    of depression (and of replications of those findings) without naming a species;
    ENAN-13: rats (posterior cingulate cortex of the rat); ANIM-1: rodents such as rats and
    mice. No assay is named for the PV-cell or HSP-70 findings (ENAN-12, ENAN-13)."""
    union = reasoned_union
    taxa = select(union, """
        SELECT DISTINCT ?id ?taxon WHERE {
          VALUES ?id { "ENAN-9" "ENAN-12" "ENAN-13" "ENAN-14" "ENAN-17" "ANIM-1" }
          ?claim ket:claimId ?id ; ket:hasEvidence/ket:inTaxon ?taxon .
        }""")
    by_claim: dict[str, set[str]] = {}
    for claim, taxon in taxa:
        by_claim.setdefault(claim, set()).add(local(taxon))
    assert by_claim == {
        "ENAN-9": {"non-human-animals"}, "ENAN-12": {"non-human-animals"}, "ENAN-13": {"rat"},
        "ENAN-14": {"non-human-animals"}, "ENAN-17": {"non-human-animals"}, "ANIM-1": {"rodentia"},
    }
    assays = select(union, """
        SELECT DISTINCT ?assay WHERE {
          VALUES ?id { "ENAN-12" "ENAN-13" }
          ?claim ket:claimId ?id ; ket:hasEvidence/ket:usesAssay ?assay .
        }""")
    assert {local(assay) for (assay,) in assays} == {"locomotion-test", "prepulse-inhibition-test"}
