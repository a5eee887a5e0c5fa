"""The whole pipeline: sources -> reason -> validate and QC -> artefacts in ``build/``.

A build is written whole into a new folder beside ``build/`` and swapped in as one
step: ``build/`` holds the last good build, complete, or nothing. A build that fails
validation leaves it alone and writes its report to ``build-failed/``. Queries and
exports reuse the build through :mod:`ketrdf.pipeline.cache` while it is current.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ketrdf.engines.reasoners import DEFAULT_REASONER, Reasoner
from ketrdf.engines.sparql import sparql_engine
from ketrdf.engines.validators import DEFAULT_VALIDATOR, get_validator
from ketrdf.errors import ValidationFailed
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.cache import (
    FAILED_BUILD_DIR,
    BuildSummary,
    Progress,
    admit_verdicts,
    cache_key,
    cached_graph,
    quiet,
    software_fingerprint,
    triple_counts,
    write_cache,
)
from ketrdf.pipeline.export import export
from ketrdf.pipeline.qc import QcProblem, load_checks, run_checks
from ketrdf.pipeline.reason import reason
from ketrdf.pipeline.rules import load_rules
from ketrdf.pipeline.sources import load_sources
from ketrdf.pipeline.validate import ValidationReport, load_shapes, shape_queries, validate_while
from ketrdf.pipeline.verdict_store import recall, remember
from ketrdf.project import Project
from ketrdf.query.descriptions import describe_saved_queries
from ketrdf.query.gate import check
from ketrdf.query.parameters import LOOKUP_TEXTS
from ketrdf.query.saved import load_saved_queries, read_query_file
from ketrdf.rdfio.files import atomic_write_bytes, new_folder_beside, swap_folders
from ketrdf.rdfio.writers import turtle
from ketrdf.vocabulary import GRAPH_CONTENT, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_QUERIES

DATASET_FILE = "ketrdf.nq"
REPORT_FILE = "validation-report.ttl"
ARTEFACTS = (
    ("ketrdf-asserted.ttl", "turtle", "asserted"),
    ("ketrdf-inferred.ttl", "turtle", "inferred"),
    ("ketrdf.trig", "trig", "all"),
    (DATASET_FILE, "nquads", "all"),
)


@dataclass(frozen=True)
class Checked:
    """A reasoned graph with the outcome of SHACL validation and QC checks."""

    kg: KnowledgeGraph
    report: ValidationReport
    qc_problems: tuple[QcProblem, ...]
    qc_checks: int

    @property
    def passes(self) -> bool:
        """No SHACL violation and no QC problem."""
        return not self.report.violations() and not self.qc_problems

    def summary(self, counts: Mapping[str, int]) -> BuildSummary:
        """The graphs' sizes (``counts``: :func:`triple_counts` of the graph) and what was checked."""
        return BuildSummary(
            ontology=counts[str(GRAPH_ONTOLOGY)], content=counts[str(GRAPH_CONTENT)],
            inferred=counts[str(GRAPH_INFERRED)], queries=counts[str(GRAPH_QUERIES)],
            shapes=self.report.shapes_checked,
            warnings=tuple(result.describe() for result in self.report.results), qc_checks=self.qc_checks)


@dataclass(frozen=True)
class BuildResult:
    """What a build produced, and its summary."""

    checked: Checked
    artefacts: tuple[Path, ...]
    summary: BuildSummary

    @property
    def kg(self) -> KnowledgeGraph:
        """The reasoned graph."""
        return self.checked.kg


def check_graph(project: Project, extra_content: list[Path] | None = None,
                reasoner: Reasoner | None = None, progress: Progress = quiet,
                validator: str = DEFAULT_VALIDATOR) -> Checked:
    """Load, reason, validate with SHACL and run the QC checks, in memory; writes nothing.

    The QC checks run on the SPARQL engine that goes with ``validator``: with the
    reference validator, every step runs on a reference engine. The gate trusts the
    verdicts this software stored in the user's cache (:mod:`ketrdf.pipeline.verdict_store`).
    """
    progress("loading sources")
    recall(software_fingerprint())
    saved_queries = load_saved_queries(project.queries_dir)
    for saved in saved_queries.values():  # a saved query the gate refuses fails the build
        check(saved.text, str(saved.path))
    for text in LOOKUP_TEXTS:  # gated here so that build/gate.json keeps their verdicts too
        check(text, "parameter lookup")
    kg = replace(load_sources(project, extra_content), queries=describe_saved_queries(saved_queries))
    progress("reasoning (rules + OWL-RL closure)")
    kg = reason(kg, load_rules(project.rule_files()), reasoner)
    progress("validating against SHACL shapes (the QC engine's store is filled meanwhile)")
    shapes, checks = load_shapes(project.shape_files()), load_checks(project.qc_dir)
    qc_engine = get_validator(validator).sparql_engine
    report, engine = validate_while(lambda: sparql_engine(qc_engine, kg), kg, shapes, validator)
    progress("running QC checks")
    return Checked(kg, report, tuple(run_checks(engine, checks)), len(checks))


def failure(checked: Checked, note: str = "") -> ValidationFailed:
    """The error a failing graph raises, with every SHACL result and QC problem in words."""
    violations = len(checked.report.violations())
    problems = len(checked.qc_problems)
    return ValidationFailed(
        f"validation failed: {violations} SHACL violation(s), {problems} QC problem(s){note}",
        tuple(result.describe() for result in checked.report.results)
        + tuple(problem.describe() for problem in checked.qc_problems),
    )


def build(project: Project, reasoner: Reasoner | None = None, validator: str = DEFAULT_VALIDATOR,
          progress: Progress = quiet) -> BuildResult:
    """Run the pipeline and replace ``build/`` with the new artefacts in one step; fail on any violation.

    A failing build leaves ``build/`` as it was and writes its SHACL report to
    ``build-failed/validation-report.ttl``. The gate's verdicts go to ``build/gate.json``
    and to the user's cache.
    """
    key = cache_key(project, reasoner.name if reasoner else DEFAULT_REASONER, validator)
    admit_verdicts(project.build_dir, key["software"], progress)
    checked = check_graph(project, reasoner=reasoner, progress=progress, validator=validator)
    report = turtle(checked.report.report_graph)
    failed = project.build_dir.with_name(FAILED_BUILD_DIR)
    if not checked.passes:
        atomic_write_bytes(failed / REPORT_FILE, report)
        raise failure(checked, f"; report in {FAILED_BUILD_DIR}/{REPORT_FILE}, build/ unchanged")
    progress("writing artefacts")
    checked.kg.forget_stores()  # the QC engine's copy is not needed for the exports
    texts = gated_texts(project)
    counts = triple_counts(checked.kg)  # rdflib counts a graph's triples one by one: once here
    summary = checked.summary(counts)
    out = project.build_dir.resolve() if project.build_dir.is_symlink() else project.build_dir
    staging = new_folder_beside(out)
    try:
        names = _write_build(staging, checked.kg, report)
        names += write_cache(staging, checked.kg, key, _digests(staging, names), counts, summary, texts)
        swap_folders(staging, out)
    finally:  # the old build after a swap, or the unfinished new one: never both kept
        shutil.rmtree(staging, ignore_errors=True)
    remember(key["software"], texts)
    shutil.rmtree(failed, ignore_errors=True)  # a good build supersedes the last failure's report
    return BuildResult(checked=checked, artefacts=tuple(project.build_dir / name for name in names),
                       summary=summary)


def gated_texts(project: Project) -> list[str]:
    """The texts of saved queries, parameter look-ups, QC checks, rules and shapes: the verdicts kept."""
    return [*(saved.text for saved in load_saved_queries(project.queries_dir).values()), *LOOKUP_TEXTS,
            *(check.text for check in load_checks(project.qc_dir)),
            *(read_query_file(path) for path in project.rule_files()),
            *(text for _, text in shape_queries(load_shapes(project.shape_files())))]


def _write_build(folder: Path, kg: KnowledgeGraph, report: bytes) -> list[str]:
    """Write the validation report and every artefact into ``folder``; their names."""
    atomic_write_bytes(folder / REPORT_FILE, report)
    for name, output_format, selection in ARTEFACTS:
        export(kg, output_format, folder / name, selection)
    return [*(name for name, _, _ in ARTEFACTS), REPORT_FILE]


def _digests(folder: Path, names: list[str]) -> dict[str, str]:
    """The SHA-256 of each file ``names`` names in ``folder``."""
    return {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in names}


def obtain_graph(project: Project, progress: Progress = quiet,
                 reasoner: Reasoner | None = None, validator: str = DEFAULT_VALIDATOR) -> KnowledgeGraph:
    """The reasoned, validated graph: from the build cache, or built in memory.

    The cache serves only a build made with the same ``reasoner`` and ``validator``.
    """
    cached = cached_graph(project, reasoner.name if reasoner else DEFAULT_REASONER, validator, progress)
    if cached is not None:
        return cached
    checked = check_graph(project, reasoner=reasoner, progress=progress, validator=validator)
    if not checked.passes:
        raise failure(checked)
    return checked.kg
