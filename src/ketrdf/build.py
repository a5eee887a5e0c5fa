"""The whole pipeline: load -> reason -> validate -> write artefacts, with a cache.

A build is written whole into a new folder beside ``build/`` and swapped in as one
step: ``build/`` holds the last good build, complete, or nothing. A build that fails
validation leaves it alone and writes its report to ``build-failed/``.

``build/manifest.json`` records the cache key (a hash of every source file, the
reasoner, the validator, ketrdf's code and its libraries' versions) and the hash and
per-graph triple counts of ``build/cache.nq``. While the key is unchanged and the
cache matches, queries and exports reuse the reasoned graph instead of reasoning again;
anything else (stale, damaged or unreadable) makes them build in memory.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ketrdf.catalogue import catalogue_graph
from ketrdf.errors import ValidationFailed
from ketrdf.export import export
from ketrdf.files import atomic_write_bytes, new_folder_beside, swap_folders
from ketrdf.graphs import GENID, KnowledgeGraph
from ketrdf.load import load_sources, read_catalog
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
FAILED_BUILD_DIR = "build-failed"
MANIFEST_VERSION = 2
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
    """SHA-256 of every source file, and of every file the XML catalog maps an import to, by path.

    Paths are relative to the project when inside it; a catalogued file that is
    missing is recorded as such (the build fails only if something imports it).
    """
    files = [*project.source_files(), *read_catalog(project.catalog_file).values()]
    sums = {}
    for path in files:
        name = path.relative_to(project.root).as_posix() if path.is_relative_to(project.root) \
            else path.as_posix()
        sums[name] = hashlib.sha256(read_source(path)).hexdigest() \
            if path.exists() or path.is_symlink() else "missing"
    return dict(sorted(sums.items()))


def _code_fingerprint() -> dict[str, str]:
    """The version and a hash of ketrdf's own modules, and the installed versions of its dependencies."""
    package = Path(__file__).parent
    code = hashlib.sha256()
    for module in sorted(package.glob("*.py")):
        code.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    found = {"ketrdf": metadata.version("ketrdf"), "ketrdf-code": code.hexdigest()}
    for requirement in metadata.requires("ketrdf") or []:
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        if name and "extra ==" not in requirement:
            found[name.group()] = metadata.version(name.group())
    return found


def cache_key(project: Project, reasoner: str, validator: str) -> dict[str, object]:
    """Everything that shapes the build's output: sources, engines, ketrdf and its libraries."""
    return {"sources": fingerprint(project), "reasoner": reasoner, "validator": validator,
            "software": _code_fingerprint()}


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
    if validator == "fast":  # the named graphs read in place; QC on an Oxigraph store of them
        graphs = list(kg.named_graphs().values())
        report = validate(graphs, shapes, validator)
        data = load_store(graphs)
    else:  # the reference: pyshacl and rdflib's engine share one copy of the union
        data = kg.union()
        report = validate(data, shapes, validator)
    progress("running QC checks")
    checks = load_checks(project.qc_dir)
    return Checked(kg, report, tuple(run_checks(data, checks)), len(checks))


def failure(checked: Checked, note: str = "") -> ValidationFailed:
    """The error a failing graph raises, with every SHACL result and QC problem in words."""
    violations = len(checked.report.violations())
    problems = len(checked.qc_problems)
    return ValidationFailed(
        f"validation failed: {violations} SHACL violation(s), {problems} QC problem(s){note}",
        tuple(result.describe() for result in checked.report.results)
        + tuple(problem.describe() for problem in checked.qc_problems),
    )


def build(project: Project, reasoner: Reasoner | None = None, validator: str = "fast",
          progress: Progress = _quiet) -> BuildResult:
    """Run the pipeline and replace ``build/`` with the new artefacts in one step; fail on any violation.

    A failing build leaves ``build/`` as it was and writes its SHACL report to
    ``build-failed/validation-report.ttl``.
    """
    key = cache_key(project, reasoner.name if reasoner else "rl", validator)
    checked = check_graph(project, reasoner=reasoner, progress=progress, validator=validator)
    report = checked.report.report_graph.serialize(format="turtle", encoding="utf-8")
    failed = project.root / FAILED_BUILD_DIR
    if not checked.passes:
        atomic_write_bytes(failed / REPORT_FILE, report)
        raise failure(checked, f"; report in {FAILED_BUILD_DIR}/{REPORT_FILE}, build/ unchanged")
    progress("writing artefacts")
    out = project.build_dir.resolve() if project.build_dir.is_symlink() else project.build_dir
    staging = new_folder_beside(out)
    try:
        names = _write_build(staging, checked.kg, report, key)
        swap_folders(staging, out)
    finally:  # the old build after a swap, or the unfinished new one: never both kept
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(failed, ignore_errors=True)  # a good build supersedes the last failure's report
    return BuildResult(checked=checked, artefacts=tuple(project.build_dir / name for name in names))


def _write_build(folder: Path, kg: KnowledgeGraph, report: bytes, key: dict[str, object]) -> list[str]:
    """Write every artefact, the cache and last the manifest into ``folder``; return their names."""
    atomic_write_bytes(folder / REPORT_FILE, report)
    digests = {REPORT_FILE: hashlib.sha256(report).hexdigest()}
    for name, output_format, selection in ARTEFACTS:
        export(kg, output_format, folder / name, selection)
        digests[name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    # The cache keeps blank-node labels (skolemized), so exports from it match a fresh build.
    export(kg.skolemized(), "nquads", folder / CACHE_FILE, "all")
    cache = {"file": CACHE_FILE, "sha256": hashlib.sha256((folder / CACHE_FILE).read_bytes()).hexdigest(),
             "triples": _triple_counts(kg)}
    manifest = {"manifest": MANIFEST_VERSION, "key": key, "cache": cache, "artefacts": digests}
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    atomic_write_bytes(folder / MANIFEST_FILE, text.encode())
    return [*(name for name, _, _ in ARTEFACTS), REPORT_FILE, CACHE_FILE, MANIFEST_FILE]


def _triple_counts(kg: KnowledgeGraph) -> dict[str, int]:
    return {str(name): len(graph) for name, graph in kg.named_graphs().items()}


def cached_graph(project: Project, reasoner: str = "rl", validator: str = "fast",
                 progress: Progress = _quiet) -> KnowledgeGraph | None:
    """The reasoned graph of the last build if its key matches and its cache is whole, else None."""
    manifest_path = project.build_dir / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        manifest = None
    cache = manifest.get("cache") if isinstance(manifest, dict) else None
    if not (isinstance(manifest, dict) and manifest.get("manifest") == MANIFEST_VERSION
            and isinstance(cache, dict) and cache.get("file") == CACHE_FILE):
        progress(f"unreadable {manifest_path}: building in memory")
        return None
    if manifest.get("key") != cache_key(project, reasoner, validator):
        progress("sources or settings changed since the last build: building in memory")
        return None
    try:
        data = (project.build_dir / CACHE_FILE).read_bytes()
        kg = read_cache(data) if hashlib.sha256(data).hexdigest() == cache.get("sha256") else None
    except (OSError, SyntaxError, ValueError):
        kg = None
    if kg is None or _triple_counts(kg) != cache.get("triples"):
        progress("damaged build cache: building in memory")
        return None
    return kg


def read_cache(data: bytes) -> KnowledgeGraph:
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

    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        name = URIRef(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else None
        graph = graphs.get(name)  # type: ignore[arg-type]
        if graph is None:
            raise ValueError(f"a quad in an unknown graph {quad.graph_name}")
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))
    return KnowledgeGraph(*graphs.values())


def obtain_graph(project: Project, progress: Progress = _quiet,
                 reasoner: Reasoner | None = None, validator: str = "fast") -> KnowledgeGraph:
    """The reasoned, validated graph: from the build cache, or built in memory."""
    cached = cached_graph(project, reasoner.name if reasoner else "rl", validator, progress)
    if cached is not None:
        return cached
    checked = check_graph(project, reasoner=reasoner, progress=progress, validator=validator)
    if not checked.passes:
        raise failure(checked)
    return checked.kg
