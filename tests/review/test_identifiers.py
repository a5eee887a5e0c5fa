"""The world's identifiers for what the review names (issue 16): every reference linked to its DOI and
PubMed ID or listed with the reason why not, no DOI that contradicts its reference, and recorded
absences (``sssom:NoTermFound`` rows) that make no triple."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ketrdf.errors import InputError
from ketrdf.external.mappings import MappingTable, doi_conflicts, read_registrants, read_table, unlinked
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.vocabulary import KET, KR

REVIEW_REFERENCES = 35  # the review's reference list ends at [35]
SYSTEMS = {"doi": "https://doi.org/", "pubmed": "https://pubmed.ncbi.nlm.nih.gov/"}


@pytest.fixture(scope="module")
def table(project: Project) -> MappingTable:
    return read_table(project.mappings_file, project.prefixes_file)


def _registrants(project: Project) -> dict[URIRef, str]:
    return read_registrants(project.mappings_file.with_name("doi-registrants.tsv"))


def _references(kg: KnowledgeGraph) -> set[URIRef]:
    return {ref for ref in kg.union().subjects(RDF.type, KET.Reference) if isinstance(ref, URIRef)}


def test_every_reference_has_doi_and_pmid_or_a_reason(table: MappingTable, reasoned: KnowledgeGraph) -> None:
    """Each of the review's 35 references is linked to a DOI and a PMID, or the table says why not."""
    references = _references(reasoned)
    assert len(references) == REVIEW_REFERENCES
    for system, uri_prefix in SYSTEMS.items():
        linked = {m.subject for m in table.mappings if str(m.object).startswith(uri_prefix)}
        explained = {a.subject for a in table.absences if a.system == system}
        assert not linked & explained, f"{system}: both linked and listed as not found"
        assert references - linked - explained == set(), f"{system}: neither linked nor explained"


def test_linked_references_count(table: MappingTable, reasoned: KnowledgeGraph) -> None:
    """The verified links: 20 references with a DOI, 11 with a PubMed ID (see the SSSOM rows' sources)."""
    references = _references(reasoned)
    counts = {system: len({m.subject for m in table.mappings if str(m.object).startswith(prefix)}
                          & references) for system, prefix in SYSTEMS.items()}
    assert counts == {"doi": 20, "pubmed": 11}


def test_no_doi_contradicts_its_reference(reasoned_union: Graph, project: Project,
                                          table: MappingTable) -> None:
    assert doi_conflicts(reasoned_union, table.mappings, _registrants(project)) == []


@pytest.mark.integration  # loads bioregistry
def test_every_journal_has_a_registrant(reasoned_union: Graph,
        project: Project, reasoned: KnowledgeGraph) -> None:
    from rdflib.namespace import DCTERMS

    union = reasoned_union
    journals = {union.value(ref, DCTERMS.isPartOf) for ref in _references(reasoned)}
    assert journals <= set(_registrants(project))


@pytest.mark.parametrize(("ref", "old", "new", "message"), [
    # [35] is Pharmacol Biochem Behav (Elsevier) of 2014; [32]'s DOI is Springer Nature's, of 2019
    ("ref:35", "doi:10.1016/j.pbb.2013.11.033", "doi:10.1038/s41398-019-0624-1", "is not of 10.1016"),
    ("ref:35", "doi:10.1016/j.pbb.2013.11.033", "doi:10.1038/s41398-019-0624-1", "embeds 2019"),
    # [1] is Biol Psychiatry of 2000: an Elsevier DOI, but of [23]'s 2015
    ("ref:1", "doi:10.1016/S0006-3223(99)00230-9", "doi:10.1016/j.biopsych.2015.10.018", "embeds 2015"),
])
def test_a_wrong_doi_is_caught(reasoned_union: Graph, project: Project, tmp_path: Path, ref: str, old: str,
                               new: str, message: str) -> None:
    text = project.mappings_file.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"{ref}\t") and f"\t{old}\t" in line)
    broken = tmp_path / "wrong-doi.sssom.tsv"
    broken.write_text(text.replace(row, row.replace(f"\t{old}\t", f"\t{new}\t")), encoding="utf-8")
    mappings = read_table(broken, project.prefixes_file).mappings
    conflicts = doi_conflicts(reasoned_union, mappings, _registrants(project))
    assert any(conflict.startswith(f"{ref}:") and message in conflict for conflict in conflicts), conflicts


def test_absences_make_no_mapping(reasoned_union: Graph, table: MappingTable) -> None:
    """A NoTermFound row is never a SKOS mapping; in the graph it is one ket:identifierNotFoundIn triple
    naming its system, so the QC check unlinked-entity can see the recorded reason."""
    assert table.absences
    graph = reasoned_union
    assert not any(isinstance(o, URIRef) and "NoTermFound" in o for o in graph.objects())
    for absence in table.absences:
        system = URIRef("https://bioregistry.io/registry/" + absence.system.lower())
        assert (absence.subject, KET.identifierNotFoundIn, system) in graph, absence


@pytest.mark.parametrize(("source", "comment", "message"), [
    ("", "why", "needs an object_source bioregistry:KEY"),
    ("bioregistry:isbn", "why", "needs an object_source bioregistry:KEY"),
    ("bioregistry:doi", "", "needs a comment that says why"),
])
def test_bad_absence_rows_are_refused(project: Project, tmp_path: Path, source: str, comment: str,
                                      message: str) -> None:
    lines = project.mappings_file.read_text(encoding="utf-8").splitlines()
    row = "\t".join(["ref:35", "x", "skos:exactMatch", "sssom:NoTermFound", "",
                     "semapv:ManualMappingCuration", "", comment, source])
    broken = tmp_path / "absent.sssom.tsv"
    broken.write_text("\n".join([*lines, row]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        read_table(broken, project.prefixes_file)
    assert f"absent.sssom.tsv:{len(lines) + 1}" in str(error.value)


EVIDENCE_DESIGNS = [KET[name] for name in (
    "ControlledTrial", "ClinicalStudy", "AnimalModelStudy", "ImagingStudy", "ReceptorBindingStudy",
    "MetaAnalysis", "Commentary", "AuthorStatement", "ReviewSynthesis")]


def test_references_taxa_and_designs_are_linked_or_explained(reasoned_union: Graph,
                                                             table: MappingTable) -> None:
    """Issue 16's check: nothing the review names of these kinds lacks both an identifier and a reason."""
    graph = reasoned_union
    assert unlinked(graph, table, [KET.Reference, KET.Taxon], EVIDENCE_DESIGNS) == []


def test_an_entity_without_identifier_or_reason_is_reported(reasoned_union: Graph, project: Project,
                                                            tmp_path: Path) -> None:
    """Dropping the rows of the rat and of [35] leaves both unlinked and unexplained: the check names them."""
    text = project.mappings_file.read_text(encoding="utf-8")
    kept = [line for line in text.splitlines() if not line.startswith(("kr:rat\t", "ref:35\t"))]
    assert len(kept) < len(text.splitlines())
    broken = tmp_path / "gap.sssom.tsv"
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    gaps = unlinked(reasoned_union, read_table(broken, project.prefixes_file), [KET.Reference, KET.Taxon],
                    EVIDENCE_DESIGNS)
    assert gaps == sorted([KR.rat, URIRef("https://w3id.org/ketrdf/resource/hashimoto-2020/ref/35")])
