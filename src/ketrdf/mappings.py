"""Stage 1, sources: ketrdf's links to external identifiers, an SSSOM mapping table.

``ontology/mappings/ketrdf.sssom.tsv`` is the one place a mapping is written:
the ``skos`` triples about ketrdf's resources are made from it (the ontology's
own term mappings must already be in ``ketrdf.ttl``, and a test checks both
agree). Every CURIE is checked against its prefix's pattern from
``ontology/mappings/prefixes.tsv`` (bioregistry's patterns).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from ketrdf.errors import InputError
from ketrdf.namespaces import IRI_FORBIDDEN, KET, bind_prefixes

COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification", "see_also", "comment")
PREDICATES = {"skos:exactMatch": SKOS.exactMatch, "skos:closeMatch": SKOS.closeMatch,
              "skos:broadMatch": SKOS.broadMatch, "skos:narrowMatch": SKOS.narrowMatch,
              "skos:relatedMatch": SKOS.relatedMatch}
JUSTIFICATIONS = ("semapv:ManualMappingCuration", "semapv:StructuralMatching", "semapv:LexicalMatching")


@dataclass(frozen=True)
class Prefix:
    """An external prefix: the IRI its CURIEs expand to and the pattern of its local identifiers."""

    name: str
    uri_prefix: str
    pattern: re.Pattern[str]
    bioregistry: str


@dataclass(frozen=True)
class Mapping:
    """One row of the mapping table, its CURIEs expanded."""

    line: int
    subject_id: str
    subject: URIRef
    subject_label: str
    predicate_id: str
    object_id: str
    object: URIRef
    object_label: str
    justification: str


def read_prefixes(path: Path) -> dict[str, Prefix]:
    """The external prefixes (``prefixes.tsv``)."""
    rows = _tsv_rows(path, ("prefix", "uri_prefix", "pattern", "bioregistry"))
    return {row["prefix"]: Prefix(row["prefix"], row["uri_prefix"], re.compile(row["pattern"]),
                                  row["bioregistry"]) for _line, row in rows}


def _tsv_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a TSV file whose ``#`` lines are a header; each with its line number."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read ({type(error).__name__})") from None
    body = [(number, line) for number, line in enumerate(lines, start=1)
            if line.strip() and not line.startswith("#")]
    if not body:
        raise InputError(f"{path}: no header row")
    header_line, header = body[0]
    found = tuple(header.split("\t"))
    if found[:len(columns)] != columns:
        raise InputError(f"{path}:{header_line}: columns must start with {', '.join(columns)}")
    rows = []
    for number, line in body[1:]:
        values = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(values) != len(found):
            raise InputError(f"{path}:{number}: {len(values)} fields, the header has {len(found)}")
        rows.append((number, dict(zip(found, values, strict=True))))
    return rows


def _curie_map(path: Path) -> dict[str, str]:
    """The ``curie_map`` of the table's YAML metadata block (the ``#`` lines)."""
    text = "\n".join(line[1:] for line in path.read_text(encoding="utf-8").splitlines()
                     if line.startswith("#"))
    try:
        metadata = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise InputError(f"{path}: the metadata block is not YAML: {error}") from None
    curie_map = metadata.get("curie_map") if isinstance(metadata, dict) else None
    if not isinstance(curie_map, dict):
        raise InputError(f"{path}: the metadata block has no curie_map")
    return {str(key): str(value) for key, value in curie_map.items()}


def expand(curie: str, local: dict[str, str], external: dict[str, Prefix], where: str) -> URIRef:
    """The IRI of a CURIE; external CURIEs must match their prefix's pattern."""
    prefix, sep, identifier = curie.partition(":")
    if not sep or not identifier:
        raise InputError(f"{where}: {curie!r} is not a CURIE (PREFIX:ID)")
    if prefix in external:
        spec = external[prefix]
        if not spec.pattern.fullmatch(identifier):
            raise InputError(f"{where}: {curie!r} does not match the {prefix} pattern {spec.pattern.pattern}")
        iri = spec.uri_prefix + identifier
    elif prefix in local:
        iri = local[prefix] + identifier
    else:
        raise InputError(f"{where}: unknown prefix {prefix!r} in {curie!r}")
    if IRI_FORBIDDEN.search(iri):
        raise InputError(f"{where}: {curie!r} makes an invalid IRI")
    return URIRef(iri)


def read_mappings(table: Path, prefixes: Path) -> list[Mapping]:
    """Every row of the mapping table, checked: known predicate and justification, valid CURIEs."""
    external = read_prefixes(prefixes)
    local = _curie_map(table)
    mappings = []
    seen: set[tuple[str, str, str]] = set()
    for number, row in _tsv_rows(table, COLUMNS):
        where = f"{table}:{number}"
        if row["predicate_id"] not in PREDICATES:
            raise InputError(f"{where}: predicate {row['predicate_id']!r} is not one of "
                             f"{', '.join(PREDICATES)}")
        if row["mapping_justification"] not in JUSTIFICATIONS:
            raise InputError(f"{where}: justification {row['mapping_justification']!r} is not one of "
                             f"{', '.join(JUSTIFICATIONS)}")
        if row["object_id"].split(":", 1)[0] not in external:
            raise InputError(f"{where}: the object {row['object_id']!r} must use an external prefix")
        key = (row["subject_id"], row["predicate_id"], row["object_id"])
        if key in seen:
            raise InputError(f"{where}: duplicate mapping {' '.join(key)}")
        seen.add(key)
        mappings.append(Mapping(
            line=number, subject_id=row["subject_id"], subject=expand(row["subject_id"], local, {}, where),
            subject_label=row["subject_label"], predicate_id=row["predicate_id"], object_id=row["object_id"],
            object=expand(row["object_id"], local, external, where), object_label=row["object_label"],
            justification=row["mapping_justification"]))
    return mappings


def content_graph(mappings: list[Mapping]) -> Graph:
    """The mapping triples about ketrdf's resources (the ontology's terms carry their own)."""
    graph = bind_prefixes(Graph())
    for mapping in mappings:
        if not str(mapping.subject).startswith(str(KET)):
            graph.add((mapping.subject, PREDICATES[mapping.predicate_id], mapping.object))
    return graph
