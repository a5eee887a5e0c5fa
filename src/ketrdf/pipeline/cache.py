"""The build cache: ``build/cache.nq`` and the manifest that says when it may be reused.

``build/manifest.json`` records the cache key (a hash of every source file, the
reasoner, the validator, ketrdf's code and its libraries' versions) and the hash and
per-graph triple counts of ``build/cache.nq``. While the key is unchanged and the
cache matches, queries and exports reuse the reasoned graph instead of reasoning again;
anything else (stale, damaged or unreadable) makes them build in memory.

``build/gate.json`` holds the SPARQL gate's verdicts on the project's query texts (saved
queries, QC checks, rules) by the SHA-256 of each text; the manifest records its hash. A
later build or query run made by the same code and libraries trusts them instead of parsing
each text again (:func:`admit_verdicts`); a damaged file is not trusted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ketrdf.engines.reasoners import DEFAULT_REASONER
from ketrdf.engines.validators import DEFAULT_VALIDATOR
from ketrdf.installed import installed_version, requirements_of
from ketrdf.pipeline.catalog import read_import_catalog
from ketrdf.pipeline.verdict_store import decode, encode
from ketrdf.project import Project
from ketrdf.query.gate import admit, verdicts
from ketrdf.rdfio.files import atomic_write_bytes
from ketrdf.rdfio.reading import read_source

if TYPE_CHECKING:  # rdflib only to read the cache as graphs: an Oxigraph query run reads its bytes
    from ketrdf.knowledge_graph import KnowledgeGraph

Progress = Callable[[str], None]
CACHE_FILE = "cache.nq"
GATE_FILE = "gate.json"
MANIFEST_FILE = "manifest.json"
#: Beside ``build/``: the report of the last build that failed validation, until a build passes.
FAILED_BUILD_DIR = "build-failed"
MANIFEST_VERSION = 3


def quiet(_stage: str) -> None:
    """A progress callback that shows nothing."""


def fingerprint(project: Project) -> dict[str, str]:
    """SHA-256 of every source file, and of every file the XML catalog maps an import to, by path.

    Paths are relative to the project when inside it; a catalogued file that is
    missing is recorded as such (the build fails only if something imports it).
    """
    files = [*project.source_files(), *read_import_catalog(project.catalog_file).values()]
    sums = {}
    for path in files:
        name = path.relative_to(project.root).as_posix() if path.is_relative_to(project.root) \
            else path.as_posix()
        sums[name] = hashlib.sha256(read_source(path)).hexdigest() \
            if path.exists() or path.is_symlink() else "missing"
    return dict(sorted(sums.items()))


@cache
def software_fingerprint() -> dict[str, str]:
    """The version and a hash of ketrdf's own modules, and the installed versions of its dependencies.

    Worked out once per process: neither changes while it runs.
    """
    package = Path(__file__).parent.parent
    code = hashlib.sha256()
    for module in sorted(package.rglob("*.py")):
        code.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes() + b"\0")
    found = {"ketrdf": installed_version("ketrdf"), "ketrdf-code": code.hexdigest()}
    for name in requirements_of("ketrdf"):
        found[name] = installed_version(name)
    return found


def cache_key(project: Project, reasoner: str, validator: str) -> dict[str, object]:
    """Everything that shapes the build's output: sources, engines, ketrdf and its libraries."""
    return {"sources": fingerprint(project), "reasoner": reasoner, "validator": validator,
            "software": dict(software_fingerprint())}


def triple_counts(kg: KnowledgeGraph) -> dict[str, int]:
    """The number of triples of each named graph, by graph name."""
    from ketrdf.rdfio.indexed import count  # rdflib: not imported for a query run on the cache

    return {str(name): count(graph) for name, graph in kg.named_graphs().items()}


@dataclass(frozen=True)
class Cache:
    """The N-Quads of a verified build cache and the statements of each graph the manifest records."""

    nquads: bytes
    triples: dict[str, int]

    def matches(self, counts: dict[str, int]) -> bool:
        """Whether ``counts`` (statements by graph, as read) are the manifest's; empty graphs aside."""
        return {name: n for name, n in counts.items() if n} == {
            name: n for name, n in self.triples.items() if n}


def cached_graph(project: Project, reasoner: str = DEFAULT_REASONER, validator: str = DEFAULT_VALIDATOR,
                 progress: Progress = quiet) -> KnowledgeGraph | None:
    """The reasoned graph of the last build if its key matches and its cache is whole, else None."""
    cache = verified_cache(project, reasoner, validator, progress)
    if cache is None:
        return None
    try:
        kg, counts = read_cache(cache.nquads)
    except (SyntaxError, ValueError):
        kg, counts = None, {}
    if kg is None or not cache.matches(counts):
        progress(DAMAGED)
        return None
    return kg


DAMAGED = "damaged build cache: building in memory"


def verified_cache(project: Project, reasoner: str = DEFAULT_REASONER, validator: str = DEFAULT_VALIDATOR,
                   progress: Progress = quiet) -> Cache | None:
    """The last build's cache if its key matches and its hash is the manifest's, else None.

    Says why not through ``progress``; the gate's verdicts of a build made by the same
    software are admitted either way (:func:`admit_verdicts`). Whoever reads the cache
    checks its statements against :meth:`Cache.matches`.
    """
    manifest_path = project.build_dir / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        manifest = None
    cache = manifest.get("cache") if isinstance(manifest, dict) else None
    if not (isinstance(manifest, dict) and manifest.get("manifest") == MANIFEST_VERSION
            and isinstance(cache, dict) and cache.get("file") == CACHE_FILE
            and isinstance(cache.get("triples"), dict)):
        progress(f"unreadable {manifest_path}: building in memory")
        return None
    key = cache_key(project, reasoner, validator)
    admit_verdicts(project.build_dir, key["software"], progress)
    if manifest.get("key") != key:
        progress("sources or settings changed since the last build: building in memory")
        return None
    try:
        data = (project.build_dir / CACHE_FILE).read_bytes()
    except OSError:
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != cache.get("sha256"):
        progress(DAMAGED)
        return None
    return Cache(data, cache["triples"])


@dataclass(frozen=True)
class BuildSummary:
    """What a build holds and checked, as ``ketrdf build`` reports it; the manifest keeps it."""

    ontology: int
    content: int
    inferred: int
    queries: int
    shapes: int
    warnings: tuple[str, ...]
    qc_checks: int


def current_build(project: Project, reasoner: str = DEFAULT_REASONER,
                  validator: str = DEFAULT_VALIDATOR) -> BuildSummary | None:
    """The summary of the build in ``build/`` if building again would write the same files, else None.

    Current means: its manifest's key is this one (the same sources, engines and software),
    and every file the manifest records (artefacts, cache, the gate's verdicts) still has
    the hash it was written with.
    """
    try:
        manifest = json.loads((project.build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        recorded = {**manifest["artefacts"], CACHE_FILE: manifest["cache"]["sha256"],
                    GATE_FILE: manifest["gate"]["sha256"]}
        summary = BuildSummary(**{**manifest["summary"], "warnings": tuple(manifest["summary"]["warnings"])})
    except (OSError, ValueError, TypeError, KeyError):  # missing, unreadable or from another version
        return None
    if manifest.get("manifest") != MANIFEST_VERSION or manifest.get("key") != cache_key(
            project, reasoner, validator):
        return None
    for name, digest in recorded.items():
        try:
            if hashlib.sha256((project.build_dir / name).read_bytes()).hexdigest() != digest:
                return None
        except OSError:
            return None
    return summary


def read_cache(data: bytes) -> tuple[KnowledgeGraph, dict[str, int]]:
    """The N-Quads cache (sorted, blank nodes under their labels), parsed by Oxigraph, as the graphs.

    With them, the statements read in each graph, by graph name (as :func:`triple_counts`
    counts a whole cache; rdflib would count each graph again one triple at a time). Each
    term is converted once; a quad outside ketrdf's named graphs is a ValueError.
    """
    import pyoxigraph as ox
    from rdflib import Graph
    from rdflib.term import Node

    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.rdfio.terms import from_oxigraph
    from ketrdf.vocabulary import new_graph

    graphs: dict[Node | None, Graph] = {
        name: new_graph() for name in KnowledgeGraph(Graph(), Graph()).named_graphs()}
    converted: dict[object, Node | None] = {}  # each term converted once: most recur often

    def term(node: object) -> Node | None:
        if node not in converted:
            converted[node] = from_oxigraph(node)
        return converted[node]

    counts: dict[str, int] = {}
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS, rename_blank_nodes=False):
        name = term(quad.graph_name)
        graph = graphs.get(name)
        if graph is None:
            raise ValueError(f"a quad in an unknown graph {quad.graph_name}")
        graph.add((term(quad.subject), term(quad.predicate), term(quad.object)))  # type: ignore[arg-type]
        counts[str(name)] = counts.get(str(name), 0) + 1
    return KnowledgeGraph(*graphs.values()), counts


def write_cache(folder: Path, kg: KnowledgeGraph, key: dict[str, object], artefacts: dict[str, str],
                triples: dict[str, int], summary: BuildSummary,
                query_texts: list[str] | None = None) -> list[str]:
    """Write the cache, the gate's verdicts on ``query_texts``, then the manifest.

    The manifest holds the key, the cache's hash and ``triples`` (:func:`triple_counts` of
    ``kg``), the verdicts' hash, ``artefacts``' hashes and the build's ``summary``. The
    cache is the graph's sorted N-Quads (:meth:`KnowledgeGraph.nquads`, the N-Quads
    export), blank nodes under their labels, so exports from it match a fresh build and
    Oxigraph loads it as it is. Returns the names of the files written.
    """
    data = kg.nquads()
    atomic_write_bytes(folder / CACHE_FILE, data)
    cache = {"file": CACHE_FILE, "sha256": hashlib.sha256(data).hexdigest(), "triples": triples}
    gate_data = (json.dumps(encode(verdicts(query_texts or [])), indent=1, sort_keys=True) + "\n").encode()
    atomic_write_bytes(folder / GATE_FILE, gate_data)
    gate = {"file": GATE_FILE, "sha256": hashlib.sha256(gate_data).hexdigest()}
    manifest = {"manifest": MANIFEST_VERSION, "key": key, "cache": cache, "gate": gate,
                "artefacts": artefacts, "summary": asdict(summary)}
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    atomic_write_bytes(folder / MANIFEST_FILE, text.encode())
    return [CACHE_FILE, GATE_FILE, MANIFEST_FILE]


def admit_verdicts(build_dir: Path, software: object, progress: Progress = quiet) -> int:
    """Trust the gate's verdicts of the build in ``build_dir`` if ``software`` made it; how many.

    Verdicts depend on the query text and the gate's code only, so any build made by the
    same code and libraries (``software``, the key's part) serves, whatever its sources.
    A verdict file whose hash is not the manifest's is not trusted (and said so).
    """
    try:
        manifest = json.loads((build_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    key = manifest.get("key") if isinstance(manifest, dict) else None
    gate = manifest.get("gate") if isinstance(manifest, dict) else None
    if not (isinstance(key, dict) and key.get("software") == software and isinstance(gate, dict)
            and gate.get("file") == GATE_FILE):
        return 0
    try:
        data = (build_dir / GATE_FILE).read_bytes()
        if hashlib.sha256(data).hexdigest() != gate.get("sha256"):
            raise ValueError("its hash is not the manifest's")
        known = decode(json.loads(data))
    except (OSError, ValueError) as error:
        progress(f"damaged {build_dir / GATE_FILE} ({error}): parsing every query again")
        return 0
    admit(known)
    return len(known)
