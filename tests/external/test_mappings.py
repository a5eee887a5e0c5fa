"""The SSSOM mapping table: agrees with the graph, valid CURIEs, no racemate/enantiomer mix-up (issue 5);
the SSSOM tools read it (issue 13.4)."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import sssom_pydantic
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from ketrdf.errors import InputError
from ketrdf.external.mappings import (
    PREDICATES,
    Mapping,
    mapping_converter,
    read_mappings,
    read_prefixes,
    read_table,
)
from ketrdf.knowledge_graph import KnowledgeGraph, union_copy
from ketrdf.project import Project
from ketrdf.vocabulary import KET, KR

INCHIKEY = "https://identifiers.org/inchikey:"
NO_STEREO = "UHFFFAOYSA"


@pytest.fixture(scope="module")
def table(project: Project) -> list[Mapping]:
    return read_mappings(project.mappings_file, project.prefixes_file)


def test_table_and_graph_agree(project: Project, table: list[Mapping], reasoned: KnowledgeGraph) -> None:
    """Every link to an identifier system (prefixes.json) is in the table, and every row in the graph.
    (Vocabulary alignments such as ket:Person to foaf:Person are not identifier mappings.)"""
    systems = tuple(record.uri_prefix for record in read_prefixes(project.prefixes_file))
    rows = {(m.subject, PREDICATES[m.predicate_id], m.object) for m in table}
    asserted = union_copy((reasoned.ontology, reasoned.content))
    in_graph = {(s, p, o) for p in PREDICATES.values() for s, o in asserted.subject_objects(p)
                if isinstance(o, URIRef) and str(o).startswith(systems)}
    assert rows == in_graph
    ontology_rows = {row for row in rows if str(row[0]).startswith(str(KET))}
    assert ontology_rows <= set(reasoned.ontology), "a term mapping in the table is missing from ketrdf.ttl"


@pytest.mark.integration  # loads bioregistry
def test_every_curie_matches_bioregistry_pattern(project: Project, table: list[Mapping]) -> None:
    import bioregistry

    keys = {}
    for record in read_prefixes(project.prefixes_file):
        key = bioregistry.normalize_prefix(record.prefix)
        assert key in {record.prefix, *record.prefix_synonyms}, record.prefix
        assert record.pattern == bioregistry.get_pattern(key), record.prefix
        keys[record.prefix] = key
    for mapping in table:
        name, _, identifier = mapping.object_id.partition(":")
        pattern = bioregistry.get_pattern(keys[name])
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
    ("kr:rs-ketamine\tx\tskos:exactMatch\tCHEBI:abc\ty\tsemapv:ManualMappingCuration\t\t\t",
     "does not match the CHEBI pattern"),
    ("kr:rs-ketamine\tx\tskos:exactMatch\tFOO:1\ty\tsemapv:ManualMappingCuration\t\t\t",
     "must use an external prefix"),
    ("kr:rs-ketamine\tx\towl:sameAs\tCHEBI:6121\ty\tsemapv:ManualMappingCuration\t\t\t", "predicate"),
    ("kr:rs-ketamine\tx\tskos:exactMatch\tCHEBI:6121\ty\tsemapv:Guess\t\t\t", "justification"),
    ("kr:rs-ketamine\tx\tskos:exactMatch\tCHEBI:6121", "fields"),
    ("nocolon\tx\tskos:exactMatch\tCHEBI:6121\ty\tsemapv:ManualMappingCuration\t\t\t", "not a CURIE"),
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


def _data_lines(path: Path) -> list[int]:
    """Line numbers of the table's data rows: after the '#' block and the header, not blank."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [number for number, line in enumerate(lines, start=1) if line.strip() and not line.startswith("#")]
    return body[1:]


@pytest.mark.integration  # sssom-py and LinkML
def test_sssom_validate_passes(project: Project) -> None:
    """Issue 13.4: sssom-py's validator (JSON schema, prefix map completeness, CURIE format) accepts the
    table; it exited 1 with 16 missing prefixes."""
    sssom = Path(sys.executable).with_name("sssom")
    result = subprocess.run([str(sssom), "validate", str(project.mappings_file)], capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def test_sssom_pydantic_reads_every_row(project: Project, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 13.4: sssom-pydantic read 0 of the 35 rows then; now every data line, no error or warning."""
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
        warnings.simplefilter("error")
        mappings, _converter, _mapping_set, errors = sssom_pydantic.read(project.mappings_file,
                                                                         return_errors=True)
    assert [error.format_exception() for error in errors] == []
    assert [record.getMessage() for record in caplog.records] == []
    assert len(mappings) == len(_data_lines(project.mappings_file)) > 35
    assert all(mapping.subject_source is not None for mapping in mappings)  # a CURIE now, not a URL


def test_rows_keep_their_file_lines(project: Project) -> None:
    rows = read_table(project.mappings_file, project.prefixes_file)
    lines = sorted([row.line for row in rows.mappings] + [row.line for row in rows.absences])
    assert lines == _data_lines(project.mappings_file)


def test_bad_row_after_a_blank_line_gives_its_own_line(project: Project, tmp_path: Path) -> None:
    """sssom-pydantic numbers rows one line early and skips blank lines; the error names the file's line."""
    lines = project.mappings_file.read_text(encoding="utf-8").splitlines()
    first = _data_lines(project.mappings_file)[0]
    bad = "kr:rs-ketamine\tx\tskos:exactMatch\tMONDO:12\ty\tsemapv:ManualMappingCuration\t\t\t"
    broken = tmp_path / "blank.sssom.tsv"
    broken.write_text("\n".join([*lines[:first], "", bad, *lines[first:]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"blank\.sssom\.tsv:{first + 2}: 'MONDO:12' does not match"):
        read_mappings(broken, project.prefixes_file)


def test_curie_map_must_agree_with_the_patterns_file(project: Project, tmp_path: Path) -> None:
    text = project.mappings_file.read_text(encoding="utf-8")
    for old, new, message in [
        ("#   CHEBI: http://purl.obolibrary.org/obo/CHEBI_\n", "", "curie_map must give CHEBI"),
        ("obo/CHEBI_\n", "obo/chebi_\n", "curie_map must give CHEBI"),
        ("#   kr: https://w3id.org/ketrdf/resource/", "#   kr: https://example.org/", "ketrdf's kr is"),
    ]:
        assert old in text
        broken = tmp_path / "map.sssom.tsv"
        broken.write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(InputError, match=message):
            read_mappings(broken, project.prefixes_file)


def test_one_converter_expands_and_checks_patterns(project: Project) -> None:
    """The table's curie_map plus the patterns: expands every prefix, refuses an ID off its pattern."""
    from curies.api import IdentifierStandardizationError

    records = read_prefixes(project.prefixes_file)
    curie_map = {"ket": "https://w3id.org/ketrdf/ontology#",
                 **{record.prefix: record.uri_prefix for record in records}}
    converter = mapping_converter(project.mappings_file, curie_map, records)
    assert converter.expand("NCBITaxon:9606") == "http://purl.obolibrary.org/obo/NCBITaxon_9606"
    assert converter.expand("ket:Racemate") == "https://w3id.org/ketrdf/ontology#Racemate"
    assert converter.expand("HP:123") is None
    with pytest.raises(IdentifierStandardizationError):
        converter.parse_curie("HP:123", strict=True)
    with pytest.raises(IdentifierStandardizationError, match="HP pattern"):
        converter.standardize_identifier("HP", "123", strict=True)


@pytest.mark.parametrize(("content", "message"), [
    ("{", r"prefixes\.json:1: not JSON"),
    ('{"prefix": "X"}', "JSON list"),
    ('[{"prefix": "X"}]', "record 1: uri_prefix"),
    ('[{"prefix": "X", "uri_prefix": "http://x/"}]', "has no pattern"),
    ('[{"prefix": "X", "uri_prefix": "http://x/", "pattern": "("}]', "bad pattern"),
])
def test_bad_patterns_file_is_refused(project: Project, tmp_path: Path, content: str, message: str) -> None:
    prefixes = tmp_path / "prefixes.json"
    prefixes.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_mappings(project.mappings_file, prefixes)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("# license: https://creativecommons.org/licenses/by/4.0/", "# creator_id: [nocolon]",
     "metadata: nocolon does not appear to be a CURIE"),
    ("# mapping_set_id: https://w3id.org/ketrdf/mappings/ketrdf.sssom.tsv", "# mapping_set_id: 12",
     "metadata: "),
    ("# license: https://creativecommons.org/licenses/by/4.0/", "# license: [a: b", "not YAML"),
])
def test_bad_metadata_is_refused(project: Project, tmp_path: Path, old: str, new: str, message: str) -> None:
    """A metadata value sssom-pydantic refuses (even with a TypeError or AttributeError) is bad input."""
    text = project.mappings_file.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "meta.sssom.tsv"
    broken.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_mappings(broken, project.prefixes_file)
