"""The whole pipeline: load -> reason -> validate -> write artefacts, with a cache.

``build/manifest.json`` records a hash of every source file; while the sources
are unchanged, queries and exports reuse the reasoned graph in
``build/ketrdf.nq`` instead of reasoning again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ketrdf.catalogue import catalogue_graph
from ketrdf.errors import InputError, ValidationFailed
from ketrdf.export import export
from ketrdf.files import atomic_write_bytes
from ketrdf.graphs import GENID, KnowledgeGraph
from ketrdf.load import load_sources
from ketrdf.namespaces import bind_prefixes
from ketrdf.oxigraph_engine import load_store
from ketrdf.paths import Project
from ketrdf.qc import QcProblem, load_checks, run_checks
from ketrdf.queries import load_catalog
from ketrdf.reading import read_source
from ketrdf.reason import Reasoner, reason
from ketrdf.rules import load_rules
from ketrdf.validate import ValidationReport, load_shapes, validate

Progress = Callable[[str], None]
DATASET_FILE = "ketrdf.nq"
CACHE_FILE = "cache.nq"
MANIFEST_FILE = "manifest.json"
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


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    checked: Checked
    artefacts: tuple[Path, ...]

    @property
    def kg(self) -> KnowledgeGraph:
        """The reasoned graph."""
        return self.checked.kg


def _quiet(_stage: str) -> None:
    return None


def fingerprint(project: Project) -> dict[str, str]:
    """SHA-256 of every source file, by path relative to the project."""
    return {
        path.relative_to(project.root).as_posix(): hashlib.sha256(read_source(path)).hexdigest()
        for path in project.source_files()
    }


def check_graph(project: Project, extra_content: list[Path] | None = None,
                reasoner: Reasoner | None = None, progress: Progress = _quiet,
                validator: str = "fast") -> Checked:
    """Load, reason, validate with SHACL and run the QC checks, in memory; writes nothing."""
    progress("loading sources")
    kg = replace(load_sources(project, extra_content),
                 queries=catalogue_graph(load_catalog(project.queries_dir)))
    progress("reasoning (rules + OWL-RL closure)")
    kg = reason(kg, load_rules(project.rule_files()), reasoner)
    progress("validating against SHACL shapes")
    shapes = load_shapes(project.shape_files())
    data: ox.Store | Graph
    if validator == "fast":  # the named graphs read in place, one Oxigraph store of them queried
        graphs = list(kg.named_graphs().values())
        data = load_store(graphs)
        report = validate(graphs, shapes, validator, store=data)
    else:  # the reference: pyshacl and rdflib's engine get the union as one rdflib graph
        data = kg.union()
        report = validate(data, shapes, validator)
    progress("running QC checks")
    checks = load_checks(project.qc_dir)
    return Checked(kg, report, tuple(run_checks(data, checks)), len(checks))


def failure(checked: Checked) -> ValidationFailed:
    """The error a failing graph raises, with every SHACL result and QC problem in words."""
    violations = len(checked.report.violations())
    problems = len(checked.qc_problems)
    return ValidationFailed(
        f"validation failed: {violations} SHACL violation(s), {problems} QC problem(s)",
        tuple(result.describe() for result in checked.report.results)
        + tuple(problem.describe() for problem in checked.qc_problems),
    )


def build(project: Project, reasoner: Reasoner | None = None, validator: str = "fast",
          progress: Progress = _quiet) -> BuildResult:
    """Run the pipeline and write the artefacts to ``build/``; fail on any violation."""
    sources = fingerprint(project)
    checked = check_graph(project, reasoner=reasoner, progress=progress, validator=validator)
    kg = checked.kg
    out = project.build_dir
    atomic_write_bytes(out / REPORT_FILE,
                       checked.report.report_graph.serialize(format="turtle", encoding="utf-8"))
    if not checked.passes:
        raise failure(checked)
    progress("writing artefacts")
    written = []
    for name, output_format, selection in ARTEFACTS:
        export(kg, output_format, out / name, selection)
        written.append(out / name)
    # The cache keeps blank-node labels (skolemized), so exports from it match a fresh build.
    export(kg.skolemized(), "nquads", out / CACHE_FILE, "all")
    manifest = {
        "sources": sources,
        "reasoner": (reasoner.name if reasoner else "rl"),
        "triples": {"ontology": len(kg.ontology), "content": len(kg.content),
                    "inferred": len(kg.inferred)},
    }
    atomic_write_bytes(out / MANIFEST_FILE,
                       (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return BuildResult(checked=checked, artefacts=(*written, out / CACHE_FILE, out / MANIFEST_FILE))


def cached_graph(project: Project) -> KnowledgeGraph | None:
    """The reasoned graph of the last build, if its sources are unchanged."""
    manifest_path = project.build_dir / MANIFEST_FILE
    dataset_path = project.build_dir / CACHE_FILE
    if not (manifest_path.is_file() and dataset_path.is_file()):
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("sources") != fingerprint(project):
        return None
    try:
        return read_cache(dataset_path)
    except (SyntaxError, ValueError, OSError) as error:  # a damaged cache is never trusted
        raise InputError(f"{dataset_path}: damaged build cache ({error}); run 'ketrdf build'") from None


def read_cache(path: Path) -> KnowledgeGraph:
    """The skolemized N-Quads cache, parsed by Oxigraph, blank nodes back under their labels.

    Exact: the cache holds no blank nodes, and the loader keeps no ``xsd:string``-typed literal.
    """
    import pyoxigraph as ox

    from ketrdf.terms import from_oxigraph

    graphs = {name: bind_prefixes(Graph()) for name in KnowledgeGraph(Graph(), Graph()).named_graphs()}
    terms: dict[str, Node] = {}

    def term(node: object) -> Node:
        if isinstance(node, ox.NamedNode):
            found = terms.get(node.value)
            if found is None:
                iri = node.value
                found = terms[iri] = BNode(iri[len(GENID):]) if iri.startswith(GENID) else URIRef(iri)
            return found
        return from_oxigraph(node)  # type: ignore[return-value]  # a literal: never None

    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        name = URIRef(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else None
        graph = graphs.get(name)  # type: ignore[arg-type]
        if graph is None:
            raise ValueError(f"a quad in an unknown graph {quad.graph_name}")
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return KnowledgeGraph(*graphs.values())


def obtain_graph(project: Project, progress: Progress = _quiet,
                 reasoner: Reasoner | None = None) -> KnowledgeGraph:
    """The reasoned, validated graph: from the build cache, or built in memory."""
    cached = cached_graph(project)
    if cached is not None:
        return cached
    checked = check_graph(project, reasoner=reasoner, progress=progress)
    if not checked.passes:
        raise failure(checked)
    return checked.kg
