"""``ketrdf import``: a small module of an OBO ontology, holding what ketrdf references.

In the manner of ROBOT's MIREOT extracts: the seed terms (every term of that
ontology in the mapping table, plus ``ontology/imports/NAME_terms.txt``), all
their ancestors, and the existential restrictions on the chosen relations
(``has role`` by default) with their fillers and the fillers' ancestors;
labels for all. The module records the source's IRI, version and checksum.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from ketrdf.errors import InputError
from ketrdf.external.mappings import read_mappings, read_prefixes
from ketrdf.external.obo import OboClass, OboHeader, read_classes
from ketrdf.project import Project
from ketrdf.rdfio.reading import open_source
from ketrdf.vocabulary import BASE, new_graph

HAS_ROLE = "http://purl.obolibrary.org/obo/RO_0000087"
OBO = "http://purl.obolibrary.org/obo/"
RELATION_LABELS = {HAS_ROLE: "has role"}


@dataclass(frozen=True)
class Extract:
    """A module and what went into it."""

    graph: Graph
    seeds: tuple[str, ...]
    missing: tuple[str, ...]
    classes_read: int


def seed_terms(project: Project, name: str) -> list[str]:
    """The seed term IRIs of ontology ``name``: its terms in the mapping table, then in the terms file."""
    obo = {synonym: record for record in read_prefixes(project.prefixes_file)
           if record.uri_prefix.startswith(OBO) for synonym in record.prefix_synonyms}
    if name not in obo:
        raise InputError(f"unknown OBO ontology {name!r}; known: {', '.join(sorted(obo))}")
    uri_prefix = obo[name].uri_prefix
    seeds = {str(m.object) for m in read_mappings(project.mappings_file, project.prefixes_file)
             if str(m.object).startswith(uri_prefix)}
    terms_file = project.imports_dir / f"{name}_terms.txt"
    if terms_file.is_file():
        for number, line in enumerate(terms_file.read_text(encoding="utf-8").splitlines(), start=1):
            term = line.split("#", 1)[0].strip()
            if not term:
                continue
            local = term.split(":", 1)[1] if ":" in term and not term.startswith("http") else term
            iri = local if local.startswith("http") else uri_prefix + local
            if not iri.startswith(uri_prefix):
                raise InputError(f"{terms_file}:{number}: {term!r} is not a term of {name}")
            seeds.add(iri)
    return sorted(seeds)


def _closure(classes: dict[str, OboClass], seeds: list[str], relations: set[str]) -> set[str]:
    wanted: set[str] = set()
    pending = list(seeds)
    while pending:
        iri = pending.pop()
        if iri in wanted or iri not in classes:
            continue
        wanted.add(iri)
        found = classes[iri]
        pending.extend(found.parents)
        pending.extend(filler for prop, filler in found.restrictions if prop in relations)
    return wanted


def extract(source: Path, seeds: list[str], module_iri: str,
            relations: frozenset[str] = frozenset({HAS_ROLE})) -> Extract:
    """Read ``source`` once and build the module for ``seeds``."""
    header = OboHeader()
    classes: dict[str, OboClass] = {}
    for found in read_classes(source, header):
        found.restrictions = [pair for pair in found.restrictions if pair[0] in relations]
        classes[found.iri] = found
    if not classes:
        raise InputError(f"{source}: no owl:Class found; is this an OBO ontology in RDF/XML?")
    wanted = _closure(classes, seeds, set(relations))
    graph = new_graph()
    module = URIRef(module_iri)
    graph.add((module, RDF.type, OWL.Ontology))
    if header.iri:
        graph.add((module, DCTERMS.source, URIRef(header.iri)))
    if header.version_iri:
        graph.add((module, OWL.versionInfo, Literal(f"extracted from {header.version_iri}")))
    elif header.version_info:
        graph.add((module, OWL.versionInfo, Literal(f"extracted from version {header.version_info}")))
    with open_source(source) as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    graph.add((module, RDFS.comment, Literal(
        f"Extracted by 'ketrdf import' from {source.name} (SHA-256 {digest}): {len(seeds)} seed terms, "
        "their ancestors and their role restrictions.", lang="en")))
    for relation in sorted(relations):
        graph.add((URIRef(relation), RDF.type, OWL.ObjectProperty))
        if relation in RELATION_LABELS:
            graph.add((URIRef(relation), RDFS.label, Literal(RELATION_LABELS[relation], lang="en")))
    for iri in sorted(wanted):
        found = classes[iri]
        node = URIRef(iri)
        graph.add((node, RDF.type, OWL.Class))
        if found.label:
            graph.add((node, RDFS.label, Literal(found.label)))
        if found.deprecated:
            graph.add((node, OWL.deprecated, Literal(True)))
        for parent in found.parents:
            if parent in wanted:
                graph.add((node, RDFS.subClassOf, URIRef(parent)))
        for prop, filler in found.restrictions:
            if filler in wanted:
                restriction = BNode(hashlib.sha1(f"{iri} {prop} {filler}".encode()).hexdigest()[:16])  # noqa: S324
                graph.add((node, RDFS.subClassOf, restriction))
                graph.add((restriction, RDF.type, OWL.Restriction))
                graph.add((restriction, OWL.onProperty, URIRef(prop)))
                graph.add((restriction, OWL.someValuesFrom, URIRef(filler)))
    missing = tuple(seed for seed in seeds if seed not in classes)
    return Extract(graph, tuple(seeds), missing, len(classes))


def module_path(project: Project, name: str) -> Path:
    """Where the module of ontology ``name`` is written; refused for the data installed with the package."""
    if project.installed:
        raise InputError(f"the data installed with ketrdf is read only: pass -o FILE, or --project DIR "
                         f"for a checkout to write {project.imports_dir.name}/{name}_import.ttl in")
    return project.imports_dir / f"{name}_import.ttl"


def module_iri(name: str) -> str:
    """The module's ontology IRI."""
    return f"{BASE}ontology/imports/{name}_import"
