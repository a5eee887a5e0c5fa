"""The SSSOM mapping table: agrees with the graph, valid CURIEs, no racemate/enantiomer mix-up (issue 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from ketrdf.errors import InputError
from ketrdf.graphs import KnowledgeGraph
from ketrdf.mappings import PREDICATES, Mapping, read_mappings, read_prefixes
from ketrdf.namespaces import KET, KR
from ketrdf.paths import Project

INCHIKEY = "https://identifiers.org/inchikey:"
NO_STEREO = "UHFFFAOYSA"


@pytest.fixture(scope="module")
def table(project: Project) -> list[Mapping]:
    return read_mappings(project.mappings_file, project.prefixes_file)


def test_table_and_graph_agree(project: Project, table: list[Mapping], reasoned: KnowledgeGraph) -> None:
    """Every link to an identifier system (prefixes.tsv) is in the table, and every row in the graph.
    (Vocabulary alignments such as ket:Person to foaf:Person are not identifier mappings.)"""
    systems = tuple(prefix.uri_prefix for prefix in read_prefixes(project.prefixes_file).values())
    rows = {(m.subject, PREDICATES[m.predicate_id], m.object) for m in table}
    asserted = reasoned.asserted()
    in_graph = {(s, p, o) for p in PREDICATES.values() for s, o in asserted.subject_objects(p)
                if isinstance(o, URIRef) and str(o).startswith(systems)}
    assert rows == in_graph
    ontology_rows = {row for row in rows if str(row[0]).startswith(str(KET))}
    assert ontology_rows <= set(reasoned.ontology), "a term mapping in the table is missing from ketrdf.ttl"


def test_every_curie_matches_bioregistry_pattern(project: Project, table: list[Mapping]) -> None:
    import bioregistry

    prefixes = read_prefixes(project.prefixes_file)
    for prefix in prefixes.values():
        assert prefix.pattern.pattern == bioregistry.get_pattern(prefix.bioregistry), prefix.name
    for mapping in table:
        name, _, identifier = mapping.object_id.partition(":")
        pattern = bioregistry.get_pattern(prefixes[name].bioregistry)
        assert pattern and re.fullmatch(pattern, identifier), mapping.object_id


def test_enan_1_each_form_has_its_own_stereo_identifier(reasoned: KnowledgeGraph) -> None:
    """ENAN-1: one chiral centre, two enantiomers; the racemate is (R,S). Every InChIKey link must
    respect that: enantiomers exactly to a key with a stereo layer, the racemate only close to the
    key without one, and no key shared."""
    graph = reasoned.union()
    keys: dict[URIRef, dict[str, str]] = {}
    for form in (KR["rs-ketamine"], KR["s-ketamine"], KR["r-ketamine"]):
        keys[form] = {str(o)[len(INCHIKEY):]: str(p) for p in (SKOS.exactMatch, SKOS.closeMatch)
                      for o in graph.objects(form, p) if str(o).startswith(INCHIKEY)}
        assert len(keys[form]) == 1, form
    for form, found in keys.items():
        (key, relation), = found.items()
        stereo = key.split("-")[1]
        if (form, RDF.type, KET.Racemate) in graph:
            assert stereo == NO_STEREO and relation == str(SKOS.closeMatch)
        else:
            assert (form, RDF.type, KET.Enantiomer) in graph
            assert stereo != NO_STEREO and relation == str(SKOS.exactMatch)
    all_keys = [next(iter(found)) for found in keys.values()]
    assert len(set(all_keys)) == 3
    assert len({key.split("-")[0] for key in all_keys}) == 1  # one constitution


def test_no_chebi_class_is_shared_by_two_forms(reasoned: KnowledgeGraph) -> None:
    graph = reasoned.union()
    owners: dict[URIRef, set[URIRef]] = {}
    for form in (KR["rs-ketamine"], KR["s-ketamine"], KR["r-ketamine"]):
        for relation in (SKOS.exactMatch, SKOS.closeMatch):
            for target in graph.objects(form, relation):
                if isinstance(target, URIRef) and "CHEBI_" in target:
                    owners.setdefault(target, set()).add(form)
    assert owners and all(len(forms) == 1 for forms in owners.values())


BAD_ROWS = [
    ("kr:rs-ketamine\tx\tskos:exactMatch\tCHEBI:abc\ty\tsemapv:ManualMappingCuration\t\t",
     "does not match the CHEBI pattern"),
    ("kr:rs-ketamine\tx\tskos:exactMatch\tFOO:1\ty\tsemapv:ManualMappingCuration\t\t",
     "must use an external prefix"),
    ("kr:rs-ketamine\tx\towl:sameAs\tCHEBI:6121\ty\tsemapv:ManualMappingCuration\t\t", "predicate"),
    ("kr:rs-ketamine\tx\tskos:exactMatch\tCHEBI:6121\ty\tsemapv:Guess\t\t", "justification"),
    ("kr:rs-ketamine\tx\tskos:exactMatch\tCHEBI:6121", "fields"),
    ("nocolon\tx\tskos:exactMatch\tCHEBI:6121\ty\tsemapv:ManualMappingCuration\t\t", "not a CURIE"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_bad_rows_are_refused_with_file_and_line(project: Project, tmp_path: Path, row: str,
                                                 message: str) -> None:
    lines = project.mappings_file.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text("\n".join([*lines, row]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        read_mappings(broken, project.prefixes_file)
    assert f"broken.sssom.tsv:{len(lines) + 1}" in str(error.value)


def test_duplicate_rows_are_refused(project: Project, tmp_path: Path) -> None:
    lines = project.mappings_file.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "dup.sssom.tsv"
    broken.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="duplicate mapping"):
        read_mappings(broken, project.prefixes_file)
