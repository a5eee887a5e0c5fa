"""The whole review is in the graph: every claim id, and answers the review gives.

Expected values come from ../shared/review-digest.md and the review's
reference list; each test names the claim ids it checks.
"""

from __future__ import annotations

import os
import re

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from ketrdf.engines.rdflib_sparql import run_sparql
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.vocabulary import KET, KR
from tests.support.paths import REPO

DIGEST = REPO.parent / "shared" / "review-digest.md"
ID_PATTERN = r"(?:INTRO|HIST|BIP|ENAN|NMDA|ANIM|CONC)-\d+|T[12]-[a-z-]+"


def listed_ids(project: Project) -> list[str]:
    lines = (project.root / "ontology" / "claim-ids.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def select(graph: Graph, query: str) -> list[tuple[str, ...]]:
    result = run_sparql(graph, query)
    return [tuple("" if term is None else str(term) for term in row) for row in result.rows]


def test_claim_id_list_equals_the_digest(project: Project) -> None:
    if not DIGEST.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{DIGEST} is missing: CI must run with ../shared beside the repository")
        pytest.skip(f"{DIGEST} not found (../shared is not beside this checkout)")
    digest_ids = re.findall(rf"^\s*- ({ID_PATTERN})\b", DIGEST.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(digest_ids) == len(set(digest_ids)) == 61
    assert listed_ids(project) == digest_ids


def test_every_listed_id_has_a_claim_with_a_place_and_a_publication(reasoned_union: Graph,
                                                                    project: Project) -> None:
    rows = select(reasoned_union, """
        SELECT DISTINCT ?id WHERE {
          ?claim ket:claimId ?id ;
                 ket:statedIn ?place ;
                 ket:cites ?publication .
          ?place a ket:ReviewLocation .
          ?publication a ket:Publication .
        }""")
    encoded = {row[0] for row in rows}
    assert set(listed_ids(project)) <= encoded
    every_id = {row[0] for row in select(reasoned_union, "SELECT DISTINCT ?id { ?c ket:claimId ?id }")}
    assert every_id == set(listed_ids(project)), "claim ids in the graph but not in claim-ids.txt"


def test_cited_references_are_reachable_by_number(reasoned_union: Graph) -> None:
    # ENAN-9 cites references 28, 30, 31, 32 and 35.
    rows = select(reasoned_union, """
        SELECT ?number WHERE {
          ?claim ket:claimId "ENAN-9" ; ket:cites ?ref . ?ref ket:referenceNumber ?number .
        } ORDER BY ?number""")
    assert [int(row[0]) for row in rows] == [28, 30, 31, 32, 35]


def test_all_35_references_with_their_bibliographic_facts(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT ?n ?first ?title ?journal ?volume ?issue ?start ?end ?pages ?year WHERE {
          ?ref a ket:Reference ; ket:referenceNumber ?n ; ket:firstAuthor ?first ;
               dcterms:title ?title ; dcterms:isPartOf/bibo:shortTitle ?journal ; dcterms:issued ?year .
          OPTIONAL { ?ref bibo:volume ?volume } OPTIONAL { ?ref bibo:issue ?issue }
          OPTIONAL { ?ref bibo:pageStart ?start } OPTIONAL { ?ref bibo:pageEnd ?end }
          OPTIONAL { ?ref bibo:pages ?pages }
        } ORDER BY ?n""")
    assert [int(row[0]) for row in rows] == list(range(1, 36))
    by_number = {int(row[0]): row[1:] for row in rows}
    # As the review's reference list gives them.
    assert by_number[1] == ("Berman, R. M.", "Antidepressant effects of ketamine in depressed patients",
                            "Biol Psychiatry", "47", "4", "351", "354", "", "2000")
    assert by_number[33][2:] == ("Nature", "533", "7604", "481", "486", "", "2016")
    assert by_number[28][2:] == ("Transl Psychiatry", "5", "", "", "", "e632", "2015")
    assert by_number[14][2:] == ("Eur Arch Psychiatry Clin Neurosci", "", "", "", "", "", "2019")


def test_enan_12_to_15_adverse_effects_of_s_not_r_in_animals(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT DISTINCT ?effect ?id WHERE {
          ?yes ket:agent kr:s-ketamine ; ket:effect ?effect ; ket:polarity ket:Affirms ;
               ket:claimId ?id ; ket:hasEvidence/a ket:AnimalModelStudy .
          ?no ket:agent kr:r-ketamine ; ket:effect ?effect ; ket:polarity ket:NoEffectObserved ;
              ket:hasEvidence/a ket:AnimalModelStudy .
          ?effect a ket:AdverseEffect .
        }""")
    found = {(row[0].rsplit("/", 1)[-1], row[1]) for row in rows}
    assert found == {
        ("hyperlocomotion", "ENAN-12"), ("ppi-deficit", "ENAN-12"), ("pv-cell-loss", "ENAN-12"),
        ("hsp-70-induction", "ENAN-13"), ("place-preference", "ENAN-14"),
        ("d2-binding-reduction", "ENAN-15"),
    }


def test_enan_14_absence_of_place_preference_is_a_claim(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT ?claim WHERE { ?claim ket:claimId "ENAN-14" ; ket:agent kr:r-ketamine ;
                              ket:effect kr:place-preference ; ket:polarity ket:NoEffectObserved . }""")
    assert len(rows) == 1


def test_enan_2_nmda_affinity_ratio(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT ?low ?high WHERE {
          ?claim ket:claimId "ENAN-2" ; ket:comparand kr:s-ketamine ; ket:referent kr:r-ketamine ;
                 ket:onEndpoint kr:nmda-receptor-affinity ;
                 ket:ratioLowerBound ?low ; ket:ratioUpperBound ?high . }""")
    assert [(float(low), float(high)) for low, high in rows] == [(3.0, 4.0)]


def test_enan_6_and_7_fda_approval_of_the_nasal_spray(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT ?date ?ingredient ?use ?restriction WHERE {
          ?claim ket:claimId "ENAN-6" ; ket:reportsEvent ?event .
          ?event ket:eventType kr:approval ; ket:date ?date ;
                 ket:involves ?product ; ket:forUse ?use .
          ?product a ket:NasalSpray ; ket:hasActiveIngredient ?ingredient .
          ?status ket:involves ?product ; ket:inJurisdiction kr:usa ; ket:restriction ?restriction .
          ?claim7 ket:claimId "ENAN-7" ; ket:reportsStatus ?status .
        }""")
    assert rows == [("2019-03-05", str(KR["s-ketamine"]),
                     str(KR["treatment-resistant-depression"]), str(KR["rems"]))]
    dates = list(reasoned_union.objects(KR["event-fda-approval-2019"], KET["date"]))
    assert dates == [Literal("2019-03-05")]


def test_enan_3_where_s_ketamine_is_an_anaesthetic(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT ?where ?status WHERE {
          ?claim ket:claimId "ENAN-3" ; ket:reportsStatus ?s .
          ?s ket:involves kr:s-ketamine ; ket:forUse kr:role-anaesthetic ;
             ket:inJurisdiction ?where ; ket:status ?status . }""")
    by_status: dict[str, set[str]] = {}
    for where, status in rows:
        by_status.setdefault(status.rsplit("/", 1)[-1], set()).add(where.rsplit("/", 1)[-1])
    assert by_status == {"in-use": {"europe", "china"}, "not-approved": {"usa", "japan"}}


def test_t1_onset_ketamine_within_hours_current_after_weeks(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT ?mine ?theirs WHERE {
          ?claim ket:claimId "T1-onset" ; ket:comparand kr:rs-ketamine ;
                 ket:referent kr:current-antidepressants ;
                 ket:comparandValue ?mine ; ket:referentValue ?theirs .
          kr:rs-ketamine ket:fasterOnsetThan kr:current-antidepressants .
          kr:current-antidepressants ket:slowerOnsetThan kr:rs-ketamine . }""")
    assert len(rows) == 1
    mine, theirs = rows[0]
    assert "hours" in mine and "weeks to months" in theirs


def test_hist_4_japan_narcotic_designation_2007(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT ?date WHERE { ?claim ket:claimId "HIST-4" ; ket:reportsEvent ?e .
                             ?e ket:eventType kr:narcotic-designation ; ket:inJurisdiction kr:japan ;
                                ket:date ?date . }""")
    assert rows == [("2007",)]


def test_nmda_6_is_the_authors_hypothesis(reasoned_union: Graph) -> None:
    rows = select(reasoned_union, """
        SELECT DISTINCT ?status WHERE { ?claim ket:claimId "NMDA-6" ; ket:claimStatus ?status . }""")
    assert rows == [(str(KET["Hypothesis"]),)]


def test_nasal_spray_delivers_an_nmda_antagonist_role_through_the_chain(reasoned: KnowledgeGraph) -> None:
    # ENAN-6: the product contains (S)-ketamine, an NMDA receptor antagonist (ENAN-3).
    assert (KR["esketamine-nasal-spray"], KET["deliversRole"],
            KR["role-nmda-receptor-antagonist"]) in reasoned.inferred
    assert (KR["s-ketamine"], RDF.type, KET["NmdaReceptorAntagonist"]) \
        in reasoned.inferred

