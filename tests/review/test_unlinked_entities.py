"""Issue 16: every thing the review names carries an external identifier or the recorded reason why
none could be verified (QC check unlinked-entity), and the compounds' identifiers keep the stereo
layer the review gives (none, or one enantiomer)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ketrdf.engines.rdflib_sparql import RdflibEngine
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.qc import load_checks, run_checks
from ketrdf.project import Project
from ketrdf.vocabulary import KET, KR

CHECK = "unlinked-entity-violation"
INCHIKEY = "https://identifiers.org/inchikey:"
NO_STEREO = "UHFFFAOYSA"
ALL_MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)

# The compounds the review's own text names, with the digest's claim id where each is named:
# INTRO-2 serotonin and norepinephrine; INTRO-4 chlorpromazine; HIST-1 PCP; HIST-6 psilocybin and
# MDMA; HIST-9 midazolam; ENAN-5 (+)-MK-801; ENAN-15 dopamine (its release).
NAMED_COMPOUNDS = ["serotonin", "norepinephrine", "chlorpromazine", "phencyclidine", "psilocybin", "mdma",
                   "midazolam", "mk-801", "dopamine"]


def _unlinked(graph: Graph, project: Project) -> set[str]:
    checks = [check for check in load_checks(project.qc_dir) if check.name == CHECK]
    assert len(checks) == 1
    return {problem.focus for problem in run_checks(RdflibEngine(graph), checks)}


def _copy(reasoned: KnowledgeGraph) -> Graph:
    graph = Graph()
    for triple in reasoned.union():
        graph.add(triple)
    return graph


@pytest.mark.parametrize("name", NAMED_COMPOUNDS)
def test_each_compound_the_review_names_is_in_the_graph(reasoned_union: Graph, name: str) -> None:
    """The review names these compounds (claim ids above); each is an entity with en and ja labels."""
    graph = reasoned_union
    assert (KR[name], RDF.type, KET.ChemicalEntity) in graph
    assert {getattr(label, "language", None) for label in graph.objects(KR[name], RDFS.label)} >= {"en", "ja"}


def test_the_review_has_no_unlinked_entity(reasoned_union: Graph, project: Project) -> None:
    assert _unlinked(reasoned_union, project) == set()


def test_a_recorded_reason_counts_only_while_it_is_in_the_graph(
        project: Project, reasoned: KnowledgeGraph) -> None:
    """HSP-70 (ENAN-13) has no UniProt entry, for a reason the table records; without that record in the
    graph the check reports it. (Before issue 16 absences made no triple: no check could see them.)"""
    graph = _copy(reasoned)
    uniprot = URIRef("https://bioregistry.io/registry/uniprot")
    assert (KR["hsp-70"], KET.identifierNotFoundIn, uniprot) in graph
    graph.remove((KR["hsp-70"], KET.identifierNotFoundIn, None))
    assert _unlinked(graph, project) == {str(KR["hsp-70"])}


def test_a_compound_whose_identifiers_are_dropped_is_reported(project: Project,
                                                              reasoned: KnowledgeGraph) -> None:
    """Midazolam (HIST-9) loses its rows: the check names it, and nothing else."""
    graph = _copy(reasoned)
    for match in ALL_MATCHES:
        graph.remove((KR.midazolam, match, None))
    assert _unlinked(graph, project) == {str(KR.midazolam)}


def test_an_evidence_design_without_identifier_is_reported(project: Project,
                                                           reasoned: KnowledgeGraph) -> None:
    graph = _copy(reasoned)
    graph.remove((KET.AnimalModelStudy, SKOS.closeMatch, None))
    assert _unlinked(graph, project) == {str(KET.AnimalModelStudy)}


def _inchikeys(graph: Graph, compound: URIRef, relation: URIRef) -> set[str]:
    return {str(key)[len(INCHIKEY):] for key in graph.objects(compound, relation)
            if str(key).startswith(INCHIKEY)}


def test_only_an_enantiomer_matches_a_stereo_key_exactly(reasoned_union: Graph) -> None:
    """A compound the review names without a stereo form (MDMA, norepinephrine, ...) is an exact match of
    a key without stereo layer only; norepinephrine's (R) key is a close match (INTRO-2 names no form)."""
    graph = reasoned_union
    compounds = {c for c in graph.subjects(RDF.type, KET.ChemicalEntity) if isinstance(c, URIRef)}
    for compound in compounds - set(graph.subjects(RDF.type, KET.Enantiomer)):
        for key in _inchikeys(graph, compound, SKOS.exactMatch):
            assert key.split("-")[1] == NO_STEREO, (compound, key)
    assert _inchikeys(graph, KR.norepinephrine, SKOS.closeMatch) == {"SFLSHLFXELFNJZ-QMMMGPOBSA-N"}
    assert _inchikeys(graph, KR.norepinephrine, SKOS.exactMatch) == set()


def test_no_two_compounds_share_an_exact_identifier(reasoned_union: Graph) -> None:
    graph = reasoned_union
    owners: dict[URIRef, set[URIRef]] = {}
    for compound in graph.subjects(RDF.type, KET.ChemicalEntity):
        for target in graph.objects(compound, SKOS.exactMatch):
            if isinstance(compound, URIRef) and isinstance(target, URIRef):
                owners.setdefault(target, set()).add(compound)
    assert owners and {target: forms for target, forms in owners.items() if len(forms) > 1} == {}


def test_mk_801_the_enantiomer_has_no_identifier_without_stereo(reasoned_union: Graph) -> None:
    """ENAN-5 names (+)-MK-801, one enantiomer: no identifier without stereo layer may stand for it."""
    graph = reasoned_union
    for relation in (SKOS.exactMatch, SKOS.closeMatch):
        assert all(key.split("-")[1] != NO_STEREO for key in _inchikeys(graph, KR["mk-801"], relation))
    assert set(graph.objects(KR["mk-801"], KET.identifierNotFoundIn)) >= {
        URIRef("https://bioregistry.io/registry/pubchem.compound"),
        URIRef("https://bioregistry.io/registry/inchikey")}
