"""The whole pipeline: load -> reason -> validate -> write artefacts, with a cache.

``build/manifest.json`` records a hash of every source file; while the sources
are unchanged, queries and exports reuse the reasoned graph in
``build/ketrdf.nq`` instead of reasoning again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset

from ketrdf.errors import InputError, ValidationFailed
from ketrdf.export import serialize
from ketrdf.files import atomic_write_bytes
from ketrdf.graphs import KnowledgeGraph
from ketrdf.load import load_sources
from ketrdf.paths import Project
from ketrdf.reason import Reasoner, reason
from ketrdf.rules import load_rules
from ketrdf.validate import ValidationReport, load_shapes, validate

Progress = Callable[[str], None]
DATASET_FILE = "ketrdf.nq"
MANIFEST_FILE = "manifest.json"
REPORT_FILE = "validation-report.ttl"
ARTEFACTS = (
    ("ketrdf-asserted.ttl", "turtle", "asserted"),
    ("ketrdf-inferred.ttl", "turtle", "inferred"),
    ("ketrdf.trig", "trig", "all"),
    (DATASET_FILE, "nquads", "all"),
)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    kg: KnowledgeGraph
    report: ValidationReport
    artefacts: tuple[Path, ...]


def _quiet(_stage: str) -> None:
    return None


def fingerprint(project: Project) -> dict[str, str]:
    """SHA-256 of every source file, by path relative to the project."""
    return {
        path.relative_to(project.root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in project.source_files()
    }


def reasoned_graph(project: Project, extra_content: list[Path] | None = None,
                   reasoner: Reasoner | None = None,
                   progress: Progress = _quiet) -> tuple[KnowledgeGraph, ValidationReport]:
    """Load, reason and validate in memory; writes nothing."""
    progress("loading sources")
    kg = load_sources(project, extra_content)
    progress("reasoning (rules + OWL-RL closure)")
    kg = reason(kg, load_rules(project.rule_files()), reasoner)
    progress("validating against SHACL shapes")
    report = validate(kg.union(), load_shapes(project.shape_files()))
    return kg, report


def failure(report: ValidationReport) -> ValidationFailed:
    """The error a non-conforming graph raises, with every result in words."""
    violations = report.violations()
    return ValidationFailed(
        f"SHACL validation failed: {len(violations)} violation(s)",
        tuple(result.describe() for result in report.results),
    )


def build(project: Project, reasoner: Reasoner | None = None,
          progress: Progress = _quiet) -> BuildResult:
    """Run the pipeline and write the artefacts to ``build/``; fail on any violation."""
    sources = fingerprint(project)
    kg, report = reasoned_graph(project, reasoner=reasoner, progress=progress)
    out = project.build_dir
    atomic_write_bytes(out / REPORT_FILE, report.report_graph.serialize(format="turtle", encoding="utf-8"))
    if report.violations():
        raise failure(report)
    progress("writing artefacts")
    written = []
    for name, output_format, selection in ARTEFACTS:
        atomic_write_bytes(out / name, serialize(kg, output_format, selection))
        written.append(out / name)
    manifest = {
        "sources": sources,
        "reasoner": (reasoner.name if reasoner else "owlrl"),
        "triples": {"ontology": len(kg.ontology), "content": len(kg.content),
                    "inferred": len(kg.inferred)},
    }
    atomic_write_bytes(out / MANIFEST_FILE,
                       (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return BuildResult(kg=kg, report=report, artefacts=(*written, out / MANIFEST_FILE))


def cached_graph(project: Project) -> KnowledgeGraph | None:
    """The reasoned graph of the last build, if its sources are unchanged."""
    manifest_path = project.build_dir / MANIFEST_FILE
    dataset_path = project.build_dir / DATASET_FILE
    if not (manifest_path.is_file() and dataset_path.is_file()):
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("sources") != fingerprint(project):
        return None
    dataset = Dataset()
    try:
        dataset.parse(dataset_path, format="nquads")
    except Exception as error:  # a damaged cache is rebuilt, never trusted
        raise InputError(f"{dataset_path}: damaged build cache ({error}); run 'ketrdf build'") from None
    return KnowledgeGraph.from_dataset(dataset)


def obtain_graph(project: Project, progress: Progress = _quiet) -> KnowledgeGraph:
    """The reasoned, validated graph: from the build cache, or built in memory."""
    cached = cached_graph(project)
    if cached is not None:
        return cached
    kg, report = reasoned_graph(project, progress=progress)
    if report.violations():
        raise failure(report)
    return kg
