"""Stage 1, sources: ketrdf's links to external identifiers, an SSSOM mapping table.

``ontology/mappings/ketrdf.sssom.tsv`` is the one place a mapping is written:
the ``skos`` triples about ketrdf's resources are made from it (the ontology's
own term mappings must already be in ``ketrdf.ttl``, and a test checks both
agree). sssom-pydantic reads it; one curies converter, built from the table's
own ``curie_map``, expands its CURIEs. ``ontology/mappings/prefixes.json`` is
an extended prefix map of the external identifier systems that carries each
one's pattern for local identifiers (bioregistry's); the ``curie_map`` must
give each of them the same URI prefix, and every object must match its
pattern (curies stores patterns; the converter here enforces them).

A row whose object is ``sssom:NoTermFound`` records that no identifier of one
system (its ``object_source``, a ``bioregistry:`` CURIE) could be verified for
the subject, and why (its ``comment``); in the graph it is one
``ket:identifierNotFoundIn`` triple naming that system, never a SKOS mapping.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

import curies
import pydantic
import yaml
from curies.api import IdentifierStandardizationError, NoCURIEDelimiterError, PrefixStandardizationError
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from sssom_pydantic import MappingSetRecord
from sssom_pydantic.io import ParseError, read_unprocessed_iterable

from ketrdf.errors import InputError
from ketrdf.vocabulary import IRI_FORBIDDEN, KET, PREFIXES, new_graph

COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
           "mapping_justification")
PREDICATES = {"skos:exactMatch": SKOS.exactMatch, "skos:closeMatch": SKOS.closeMatch,
              "skos:broadMatch": SKOS.broadMatch, "skos:narrowMatch": SKOS.narrowMatch,
              "skos:relatedMatch": SKOS.relatedMatch}
JUSTIFICATIONS = ("semapv:ManualMappingCuration", "semapv:StructuralMatching", "semapv:LexicalMatching")
NO_TERM_FOUND = "sssom:NoTermFound"
REGISTRY = "bioregistry"  # the prefix of the object_source CURIE that names the system of a NoTermFound row
BIOREGISTRY = "https://bioregistry.io/registry/"  # the IRI of a system named by that CURIE


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


@dataclass(frozen=True)
class Absence:
    """A ``sssom:NoTermFound`` row: no verified identifier of ``system`` for the subject, and why."""

    line: int
    subject_id: str
    subject: URIRef
    system: str
    reason: str


@dataclass(frozen=True)
class MappingTable:
    """The rows of the mapping table: the mappings, and the recorded absences of one."""

    mappings: list[Mapping]
    absences: list[Absence]


class PatternConverter(curies.Converter):
    """A curies converter that refuses a local identifier not matching its prefix's pattern."""

    @overload
    def standardize_identifier(
        self, standard_prefix: str, identifier: str, *, strict: Literal[True] = ...
    ) -> str: ...

    @overload
    def standardize_identifier(
        self, standard_prefix: str, identifier: str, *, strict: Literal[False] = ...
    ) -> str | None: ...

    def standardize_identifier(self, standard_prefix: str, identifier: str, *,
                               strict: bool = False) -> str | None:
        """``identifier`` if its prefix has no pattern or it matches the pattern (whole)."""
        pattern = self.pattern_map.get(standard_prefix)
        if pattern is None or re.fullmatch(pattern, identifier):
            return identifier
        if strict:
            raise IdentifierStandardizationError(
                f"'{standard_prefix}:{identifier}' does not match the {standard_prefix} pattern {pattern}")
        return None


def read_prefixes(path: Path) -> list[curies.Record]:
    """The external identifier systems: ``prefixes.json``, an extended prefix map with patterns."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read ({type(error).__name__})") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
    if not isinstance(entries, list):
        raise InputError(f"{path}: an extended prefix map is a JSON list of records")
    records = []
    for number, entry in enumerate(entries, start=1):
        try:
            record = curies.Record.model_validate(entry)
        except pydantic.ValidationError as error:
            raise InputError(f"{path}: record {number}: {_first_error(error)}") from None
        if record.pattern is None:
            raise InputError(f"{path}: record {number} ({record.prefix}) has no pattern")
        try:
            re.compile(record.pattern)
        except re.error as error:
            raise InputError(f"{path}: record {number} ({record.prefix}): bad pattern: {error}") from None
        records.append(record)
    return records


def _first_error(error: Exception) -> str:
    """One line for ``error``: a pydantic error's first field and message, else its text."""
    if not isinstance(error, pydantic.ValidationError):
        return " ".join(str(error).split())
    first = error.errors()[0]
    return f"{'.'.join(map(str, first['loc'])) or 'value'}: {first['msg']}"


def _table_lines(path: Path) -> tuple[str, str, list[int]]:
    """The table's text, its metadata block (YAML) and the line number of each data row.

    The rows are split with the CSV dialect sssom-pydantic reads them with, so
    they pair one for one with its records (whose line numbers are not the
    file's); a row whose field count differs from the header's is refused here.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read ({type(error).__name__})") from None
    lines = text.splitlines()
    header_line = next((number for number, line in enumerate(lines, start=1) if not line.startswith("#")), 0)
    if not header_line:
        raise InputError(f"{path}: no header row")
    reader = csv.reader(lines[header_line - 1:], delimiter="\t")
    header = [column.strip() for column in next(reader)]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise InputError(f"{path}:{header_line}: the header lacks {', '.join(missing)}")
    numbers = []
    start = header_line + reader.line_num  # the line the next row starts on
    for values in reader:
        if any(value.strip() for value in values):
            if len(values) != len(header):
                raise InputError(f"{path}:{start}: {len(values)} fields, the header has {len(header)}")
            numbers.append(start)
        start = header_line + reader.line_num
    return text, "\n".join(line.lstrip("#") for line in lines[:header_line - 1]), numbers


def _curie_map(path: Path, block: str) -> dict[str, str]:
    """The ``curie_map`` of the table's metadata block, as sssom-pydantic validates it."""
    try:
        metadata = MappingSetRecord.model_validate(yaml.safe_load(block) or {})
    except yaml.YAMLError as error:
        raise InputError(f"{path}: the metadata block is not YAML: {' '.join(str(error).split())}") from None
    except (ValueError, TypeError, AttributeError) as error:  # sssom-pydantic's validators raise all three
        raise InputError(f"{path}: metadata: {_first_error(error)}") from None
    if not metadata.curie_map:
        raise InputError(f"{path}: the metadata block has no curie_map")
    return metadata.curie_map


def mapping_converter(table: Path, curie_map: dict[str, str],
                      external: list[curies.Record]) -> curies.Converter:
    """The one converter of the table: its ``curie_map``, with the external systems' patterns.

    The ``curie_map`` must give every external system (``prefixes.json``) and
    every ketrdf prefix it names (``namespaces.PREFIXES``) the same URI prefix.
    """
    pattern = {record.prefix: record.pattern for record in external}
    for record in external:
        if curie_map.get(record.prefix) != record.uri_prefix:
            raise InputError(f"{table}: the curie_map must give {record.prefix} the URI prefix "
                             f"{record.uri_prefix} (as prefixes.json does)")
    for prefix, uri_prefix in curie_map.items():
        if prefix in PREFIXES and PREFIXES[prefix] != uri_prefix:
            raise InputError(f"{table}: the curie_map gives {prefix} {uri_prefix}; ketrdf's {prefix} is "
                             f"{PREFIXES[prefix]}")
    records = [curies.Record(prefix=prefix, uri_prefix=uri_prefix, pattern=pattern.get(prefix))
               for prefix, uri_prefix in curie_map.items()]
    try:
        return PatternConverter(records)
    except curies.DuplicateValueError as error:
        raise InputError(f"{table}: curie_map: {' '.join(str(error).split())}") from None


def _expand(converter: curies.Converter, curie: str, where: str, role: str, kind: str,
            allowed: Collection[str]) -> URIRef:
    """The IRI of the ``role`` CURIE of a row, whose prefix must be one of ``allowed`` (``kind``)."""
    try:
        reference = converter.parse_curie(curie, strict=True)
    except NoCURIEDelimiterError:
        raise InputError(f"{where}: {curie!r} is not a CURIE (PREFIX:ID)") from None
    except IdentifierStandardizationError:
        prefix = curies.ReferenceTuple.from_curie(curie).prefix
        raise InputError(f"{where}: {curie!r} does not match the {prefix} pattern "
                         f"{converter.pattern_map[prefix]}") from None
    except PrefixStandardizationError:
        reference = None
    if reference is None or reference.prefix not in allowed:
        raise InputError(f"{where}: the {role} {curie!r} must use {kind} ({', '.join(sorted(allowed))})")
    if not reference.identifier:
        raise InputError(f"{where}: {curie!r} is not a CURIE (PREFIX:ID)")
    iri = converter.expand_reference(reference, strict=True)
    if IRI_FORBIDDEN.search(iri):
        raise InputError(f"{where}: {curie!r} makes an invalid IRI")
    return URIRef(iri)


def read_mappings(table: Path, prefixes: Path) -> list[Mapping]:
    """The mappings of the mapping table (its rows but the recorded absences), checked."""
    return read_table(table, prefixes).mappings


def read_table(table: Path, prefixes: Path) -> MappingTable:
    """Every row of the mapping table, checked: known predicate and justification, valid CURIEs."""
    text, block, numbers = _table_lines(table)
    external = read_prefixes(prefixes)
    curie_map = _curie_map(table, block)
    converter = mapping_converter(table, curie_map, external)
    own = [prefix for prefix in curie_map if prefix in PREFIXES]
    external_prefixes = [record.prefix for record in external]
    mappings = []
    absences = []
    seen: set[tuple[str, ...]] = set()
    try:
        with read_unprocessed_iterable(io.StringIO(text), converter=converter) as read:
            records = list(read.records)
    except ValueError as error:  # the metadata block, which sssom-pydantic checks before any row
        raise InputError(f"{table}: metadata: {_first_error(error)}") from None
    if len(records) != len(numbers):
        raise InputError(f"{table}: sssom-pydantic read {len(records)} rows where there are {len(numbers)}")
    for number, (_, record) in zip(numbers, records, strict=True):
        where = f"{table}:{number}"
        if isinstance(record, ParseError):
            raise InputError(f"{where}: {_first_error(record.exception)}")
        if record.predicate_id not in PREDICATES:
            raise InputError(f"{where}: predicate {record.predicate_id!r} is not one of "
                             f"{', '.join(PREDICATES)}")
        if record.mapping_justification not in JUSTIFICATIONS:
            raise InputError(f"{where}: justification {record.mapping_justification!r} is not one of "
                             f"{', '.join(JUSTIFICATIONS)}")
        source = record.object_source or ""
        key = (record.subject_id, record.predicate_id, record.object_id, source)
        if key in seen:
            raise InputError(f"{where}: duplicate mapping {' '.join(key).strip()}")
        seen.add(key)
        subject = _expand(converter, record.subject_id, where, "subject", "a ketrdf prefix", own)
        if record.object_id == NO_TERM_FOUND:
            absences.append(_absence(record.subject_id, subject, source, record.comment or "", number, where,
                                     external_prefixes))
            continue
        mappings.append(Mapping(
            line=number, subject_id=record.subject_id, subject=subject,
            subject_label=record.subject_label or "", predicate_id=record.predicate_id,
            object_id=record.object_id,
            object=_expand(converter, record.object_id, where, "object", "an external prefix",
                           external_prefixes),
            object_label=record.object_label or "", justification=record.mapping_justification))
    return MappingTable(mappings, absences)


def _absence(subject_id: str, subject: URIRef, source: str, reason: str, number: int, where: str,
             systems: Collection[str]) -> Absence:
    """A NoTermFound row, which must name a known system (``bioregistry:PREFIX``) and give its reason."""
    registry, _, key = source.partition(":")
    system = {prefix.lower(): prefix for prefix in systems}.get(key) if registry == REGISTRY else None
    if system is None:
        raise InputError(f"{where}: a {NO_TERM_FOUND} row needs an object_source {REGISTRY}:KEY, KEY the "
                         f"lower-case prefix of one of {', '.join(sorted(systems))}")
    if not reason.strip():
        raise InputError(f"{where}: a {NO_TERM_FOUND} row needs a comment that says why")
    return Absence(line=number, subject_id=subject_id, subject=subject, system=system, reason=reason.strip())


DOI = "https://doi.org/"
_DOI_YEAR = (re.compile(r"[./]((?:19|20)\d\d)\.\d"),  # 10.1016/j.biopsych.2015.10.018
             re.compile(r"/[a-z]\d{5}-(\d{3})-"),  # Springer Nature: 10.1038/s41380-018-0028-2
             re.compile(r"/S\d{4}-\d{3}[\dX]\((\d\d)\)"))  # an Elsevier PII: 10.1016/S0924-977X(96)00042-9


def read_registrants(path: Path) -> dict[URIRef, str]:
    """Each journal's DOI prefix: ``doi-registrants.tsv`` (journal CURIE, doi_prefix), '#' lines skipped."""
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read ({type(error).__name__})") from None
    registrants = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        prefix, _, name = (row.get("journal") or "").partition(":")
        if prefix not in PREFIXES or not name or not row.get("doi_prefix"):
            raise InputError(f"{path}: each row needs a journal CURIE and a doi_prefix: {row}")
        registrants[URIRef(PREFIXES[prefix] + name)] = str(row["doi_prefix"])
    return registrants


def doi_year(doi: str) -> int | None:
    """The year a DOI's suffix embeds (an Elsevier or APA date, a Springer Nature or PII year), if any."""
    for pattern in _DOI_YEAR:
        found = pattern.search(doi)
        if found:
            digits = found.group(1)
            if len(digits) == 4:
                return int(digits)
            if len(digits) == 3:  # Springer Nature counts from 2000
                return 2000 + int(digits)
            return 1900 + int(digits) if int(digits) >= 50 else 2000 + int(digits)
    return None


def doi_conflicts(graph: Graph, mappings: list[Mapping], registrants: dict[URIRef, str]) -> list[str]:
    """Each DOI whose registrant is not its reference's journal's, or whose year is off by over one."""
    conflicts = []
    for mapping in mappings:
        if not str(mapping.object).startswith(DOI):
            continue
        doi = str(mapping.object)[len(DOI):]
        journal = graph.value(mapping.subject, DCTERMS.isPartOf)
        issued = graph.value(mapping.subject, DCTERMS.issued)
        expected = registrants.get(journal) if isinstance(journal, URIRef) else None
        if expected is None:
            conflicts.append(f"{mapping.subject_id}: its journal {journal} has no known DOI registrant")
        elif doi.split("/", 1)[0] != expected:
            conflicts.append(f"{mapping.subject_id}: DOI {doi} is not of {expected}, its journal's")
        year = doi_year(doi)
        if year is not None and (issued is None or abs(year - int(str(issued)[:4])) > 1):
            conflicts.append(f"{mapping.subject_id}: DOI {doi} embeds {year}, the reference is of {issued}")
    return conflicts


def unlinked(graph: Graph, table: MappingTable, kinds: Collection[URIRef],
             terms: Collection[URIRef] = ()) -> list[URIRef]:
    """The instances of ``kinds`` (and the ``terms``) with no mapping and no recorded absence, sorted."""
    covered = {row.subject for row in table.mappings} | {row.subject for row in table.absences}
    named = {entity for kind in kinds for entity in graph.subjects(RDF.type, kind)
             if isinstance(entity, URIRef)}
    return sorted((named | set(terms)) - covered)


def content_graph(mappings: list[Mapping], absences: Collection[Absence] = ()) -> Graph:
    """The mapping triples about ketrdf's resources (the ontology's terms carry their own).

    Each recorded absence becomes one ``ket:identifierNotFoundIn`` triple naming the system's
    bioregistry IRI.
    """
    graph = new_graph()
    for mapping in mappings:
        if not str(mapping.subject).startswith(str(KET)):
            graph.add((mapping.subject, PREDICATES[mapping.predicate_id], mapping.object))
    for absence in absences:
        graph.add((absence.subject, KET.identifierNotFoundIn, URIRef(BIOREGISTRY + absence.system.lower())))
    return graph
