"""LICENSE and CITATION.cff (issue 18): how to cite the graph and the review it encodes."""

from __future__ import annotations

import json
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.vocabulary import BIBO, KR, ONTOLOGY_IRI
from tests.support.paths import DATA, REPO

SCHEMA = DATA / "cff" / "schema-1.2.0.json"


def citation() -> dict[str, Any]:
    document = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def cff_errors(document: dict[str, Any]) -> list[str]:
    """What `cffconvert --validate` reports: the document against the CFF 1.2.0 JSON schema."""
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return sorted(f"{'/'.join(map(str, error.path))}: {error.message}"
                  for error in validator.iter_errors(document))


def test_citation_cff_is_valid_cff_1_2_0() -> None:
    assert citation()["cff-version"] == "1.2.0"
    assert cff_errors(citation()) == []


MINIMAL = {"cff-version": "1.2.0", "message": "m", "title": "t", "authors": [{"name": "x"}]}


@pytest.mark.parametrize("broken", [
    {"cff-version": "1.2.0", "message": "cite"},  # no title, no authors
    {**MINIMAL, "license": "CC BY"},  # not an SPDX identifier
    {**MINIMAL, "references": [{"type": "journal-article", "title": "t",
                                "authors": [{"name": "x"}]}]},  # not a CFF reference type
])
def test_the_schema_check_finds_broken_citations(broken: dict[str, Any]) -> None:
    assert cff_errors(broken)


def test_the_citation_matches_the_graph(reasoned: KnowledgeGraph) -> None:
    """Version, version IRI, licence and the review's facts agree with the ontology and content."""
    document = citation()
    version = str(reasoned.ontology.value(ONTOLOGY_IRI, OWL.versionInfo))
    assert document["version"] == version
    version_iri = str(reasoned.ontology.value(ONTOLOGY_IRI, OWL.versionIRI))
    assert {"type": "url", "value": version_iri,
            "description": f"The version IRI of release {version}."} in document["identifiers"]
    assert reasoned.ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    assert "CC-BY-4.0" in document["license"]
    [review] = document["references"]
    node = KR["hashimoto-2020"]
    assert review["title"] == str(reasoned.content.value(node, DCTERMS.title))
    assert reasoned.content.value(node, DCTERMS.issued) == Literal(str(review["year"]))
    assert reasoned.content.value(node, BIBO.volume) == Literal(str(review["volume"]))
    assert reasoned.content.value(node, BIBO.issue) == Literal(review["issue"])
    assert review["authors"][0]["family-names"] == "Hashimoto"
    assert review["journal"].startswith("精神神経学雑誌")


def test_the_licence_states_code_and_data_apart() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Data: CC BY 4.0" in text and "Code: MIT" in text
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    assert "Permission is hereby granted, free of charge" in text
