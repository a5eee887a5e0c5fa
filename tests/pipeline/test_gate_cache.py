"""The gate's verdicts kept in the build cache (issue 19.1): trusted when whole, never when damaged."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ketrdf.pipeline.build import build
from ketrdf.pipeline.cache import GATE_FILE, MANIFEST_FILE, admit_verdicts, cache_key
from ketrdf.pipeline.validate import load_shapes, shape_queries
from ketrdf.project import Project
from ketrdf.query import gate as gate_module
from ketrdf.query.gate import canonical_text, check
from ketrdf.query.parameters import LOOKUP_TEXTS
from ketrdf.query.saved import load_saved_queries
from tests.support.paths import REPO

pytestmark = pytest.mark.integration  # one build of the review


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("gate-cache")
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    project = Project(root)
    build(project)
    return project


@pytest.fixture
def built(first_build: Project, tmp_path: Path) -> Project:
    """A scratch copy of the built project."""
    shutil.copytree(first_build.root, tmp_path / "project")
    return Project(tmp_path / "project")


def software(project: Project) -> object:
    return cache_key(project, "rl", "fast")["software"]


def saved_texts(project: Project) -> list[str]:
    return [saved.text for saved in load_saved_queries(project.queries_dir).values()]


def test_a_query_run_after_a_build_parses_no_saved_query(built: Project, parses: list[str]) -> None:
    manifest = json.loads((built.build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    data = (built.build_dir / GATE_FILE).read_bytes()
    assert manifest["gate"]["sha256"] == hashlib.sha256(data).hexdigest()
    texts = [*saved_texts(built), *(path.read_text(encoding="utf-8") for path in built.rule_files()),
             *(path.read_text(encoding="utf-8") for path in built.qc_dir.glob("*-violation.rq")),
             *LOOKUP_TEXTS,  # the parameters' label look-ups
             *(text for _, text in shape_queries(load_shapes(built.shape_files())))]  # SHACL-SPARQL
    assert set(json.loads(data)) == {gate_module.digest(canonical_text(text)) for text in texts}
    assert admit_verdicts(built.build_dir, software(built)) == len(set(texts))
    for text in saved_texts(built):
        check(text, "saved")
    assert parses == []


def test_a_tampered_verdict_file_is_not_trusted(built: Project, parses: list[str]) -> None:
    """A verdict edited in place (the manifest's hash unchanged) is ignored, and said so."""
    path = built.build_dir / GATE_FILE
    verdicts = json.loads(path.read_bytes())
    verdicts["0" * 64] = {"form": "SELECT", "projected": []}
    path.write_text(json.dumps(verdicts), encoding="utf-8")
    said: list[str] = []
    assert admit_verdicts(built.build_dir, software(built), said.append) == 0
    assert said and "damaged" in said[0]
    check(saved_texts(built)[0], "saved")
    assert len(parses) == 1


def test_a_truncated_verdict_file_is_not_trusted_even_with_a_matching_hash(
        built: Project, parses: list[str]) -> None:
    path, manifest_path = built.build_dir / GATE_FILE, built.build_dir / MANIFEST_FILE
    cut = path.read_bytes()[:100]
    path.write_bytes(cut)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["gate"]["sha256"] = hashlib.sha256(cut).hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert admit_verdicts(built.build_dir, software(built)) == 0


def test_verdicts_of_other_software_are_not_trusted(built: Project, parses: list[str]) -> None:
    other = {**software(built), "rdflib": "0.0.0"}  # type: ignore[dict-item]
    assert admit_verdicts(built.build_dir, other) == 0
    check(saved_texts(built)[0], "saved")
    assert len(parses) == 1


def test_a_refused_text_is_not_in_the_verdicts(built: Project) -> None:
    """Only texts that passed are kept: a SERVICE query's digest is never there."""
    verdicts = json.loads((built.build_dir / GATE_FILE).read_bytes())
    refused = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert gate_module.digest(refused) not in verdicts
    assert all(entry["form"] in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") for entry in verdicts.values())
