"""Benchmark ketrdf's pipeline against the naive one, side by side, on growing graphs.

Usage: python benchmarks/run.py [--sizes review,10k,100k] [--paths fast,naive,peer]
                                [--baseline-limit SECONDS]
       python benchmarks/run.py --shape-costs 10k
       python benchmarks/run.py --validators fast,pyshacl [--sizes ...]

For each size (the review itself, or generated copies of its content under the
same ontology, written to an N-Triples file first by another process) a fresh
subprocess runs one pipeline and reports wall time per stage and per saved
query, and the peak memory so far after each stage (the "MB" row; the count
starts when the pipeline starts, on Linux):

- fast:  ketrdf's path: load, rules + rl engine, SHACL with pyshacl-turbo reading the named
         graphs in place while a second thread fills the Oxigraph store, QC on that store,
         every saved query on the same store, N-Quads export;
- naive: the baseline: the same load, rules + owlrl's full closure, then pyshacl
         (no inference), QC and the queries on rdflib's engine, the same export;
- peer:  the library stack a savvy user would assemble: pyoxigraph parses into one store
         (its "parse" is the floor: no RDF library reads the input faster), the rules as
         SPARQL on it, then ``reasonable`` (Rust OWL 2 RL; it reads the files itself) and the
         rules again, pyshacl-turbo validates the store, QC and the queries (their texts
         bound beforehand, ungated) on Oxigraph, N-Quads by ``Store.dump``. ``reasonable``
         has no property chains: its graph may not validate; its "problems" row counts
         the SHACL violations and QC problems it leaves.

The naive run is skipped for a size once it has exceeded --baseline-limit.
Figures are medians of --repeat runs; the ratio rows are naive / fast and peer / fast,
and "floor" is fast / the peer's parse (ketrdf's multiple of the Oxigraph parse).
--shape-costs SIZE times SHACL validation with each node shape alone (with its
property shapes) on the reasoned graph of that size, less the time to index the
graph, costliest first.
--validators NAMES times SHACL validation alone (``ketrdf.pipeline.validate.validate`` on the
reasoned named graphs, best of --repeat) with each validator named, per size.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: benchmarks.synthetic is imported from the checkout
    sys.path.insert(0, str(ROOT))
SIZES = {"review": 1, "10k": 4, "100k": 35, "1m": 350}
STAGES = ("parse", "reason", "validate", "queries", "export", "total")
PATHS = ("fast", "naive", "peer")


def _peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (VmHWM; reset by :func:`_reset_peak`)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the peak-memory count afresh (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):  # not Linux, or not allowed: the peak then includes the set-up
        Path("/proc/self/clear_refs").write_text("5")


def generate(copies: int, target: Path) -> None:
    """Write the review's content, or ``copies`` renamed copies of it, as N-Triples."""
    from benchmarks.synthetic import scaled_content

    from ketrdf.pipeline.sources import load_sources
    from ketrdf.project import Project

    content = scaled_content(load_sources(Project(ROOT)).content, copies)
    target.write_bytes(content.serialize(format="nt", encoding="utf-8"))


def example_bindings(project: Any) -> dict[str, dict[str, Any]]:
    """Each saved query's example parameters, bound as ``ketrdf query run`` binds them.

    Example parameters name things by label; in N copies a label names N things, so
    they are resolved once in the review itself (copy 0 keeps its IRIs).
    """
    from ketrdf.engines.reasoners import get_reasoner
    from ketrdf.engines.sparql import sparql_engine
    from ketrdf.pipeline.reason import reason
    from ketrdf.pipeline.rules import load_rules
    from ketrdf.pipeline.sources import load_sources
    from ketrdf.query.parameters import bind_parameters
    from ketrdf.query.saved import load_saved_queries

    review = reason(load_sources(project), load_rules(project.rule_files()), get_reasoner("rl"))
    engine = sparql_engine("oxigraph", review)
    return {name: bind_parameters(saved, saved.example, engine)
            for name, saved in load_saved_queries(project.queries_dir).items()}


def remember_verdicts() -> None:
    """Gate every text of the project and keep the verdicts in the user's store, as a build does."""
    from ketrdf.pipeline.build import gated_texts
    from ketrdf.pipeline.cache import software_fingerprint
    from ketrdf.pipeline.verdict_store import remember
    from ketrdf.project import Project
    from ketrdf.query.gate import check

    texts = gated_texts(Project(ROOT))
    for text in texts:
        check(text, "benchmark")
    remember(software_fingerprint(), texts)


def run_once(engine: str, source: Path) -> dict[str, float]:
    """Run the pipeline once in this process on ``source``; seconds and peak MB per stage, per query."""
    from ketrdf.engines.reasoners import get_reasoner
    from ketrdf.engines.sparql import sparql_engine
    from ketrdf.engines.validators import get_validator
    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.pipeline.cache import software_fingerprint
    from ketrdf.pipeline.export import export
    from ketrdf.pipeline.qc import load_checks, run_checks
    from ketrdf.pipeline.reason import reason
    from ketrdf.pipeline.rules import load_rules
    from ketrdf.pipeline.validate import load_shapes, validate_while
    from ketrdf.pipeline.verdict_store import recall
    from ketrdf.project import Project
    from ketrdf.query.saved import load_saved_queries
    from ketrdf.rdfio.parse import load_file

    project = Project(ROOT)
    figures: dict[str, float] = {}
    # As every build after the first with the same software: the gate's verdicts come from the
    # user's store (remember_verdicts filled it); the rules are parsed, as rdflib's engine needs them
    figures["verdicts"] = float(recall(software_fingerprint()))
    saved_queries = load_saved_queries(project.queries_dir)
    bindings = example_bindings(project)
    gc.collect()
    _reset_peak()

    def stage(name: str, since: float) -> None:
        figures[name] = time.perf_counter() - since
        figures[f"{name} MB"] = _peak_mb()

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        kg = KnowledgeGraph(load_file(project.ontology_file), load_file(source))
        stage("parse", started)

        mark = time.perf_counter()
        kg = reason(kg, load_rules(project.rule_files()), get_reasoner(engine))
        stage("reason", mark)

        mark = time.perf_counter()
        # as ketrdf builds: pyshacl-turbo while the QC engine's store fills, then QC and queries on
        # Oxigraph; or the reference engines
        validator = "fast" if engine == "rl" else "pyshacl"
        qc_engine = get_validator(validator).sparql_engine
        report, sparql = validate_while(lambda: sparql_engine(qc_engine, kg), kg,
                                        load_shapes(project.shape_files()), validator)
        problems = run_checks(sparql, load_checks(project.qc_dir))
        stage("validate", mark)
        if report.violations() or problems:
            found = f"{report.violations()[:3]} {problems[:3]}"
            raise SystemExit(f"the generated graph does not validate: {found}")

        mark = time.perf_counter()
        for name, saved in saved_queries.items():
            query_started = time.perf_counter()
            sparql.run(saved.text, bindings[name], origin=name)
            figures[f"query {name}"] = time.perf_counter() - query_started
        stage("queries", mark)
        kg.forget_stores()  # as in ketrdf build, the query engine's copy is gone before export

        mark = time.perf_counter()
        export(kg, "nquads", Path(folder) / "ketrdf.nq")
        stage("export", mark)
        stage("total", started)
        figures["triples"] = float(len(kg.ontology) + len(kg.content) + len(kg.inferred))
    return figures


def run_peer(source: Path) -> dict[str, float]:
    """The library stack once in this process on ``source``: seconds and peak MB per stage, per query."""
    import pyoxigraph as ox
    import reasonable  # type: ignore[import-untyped]
    from pyshacl_turbo import validate as shacl_validate
    from rdflib.namespace import RDF

    from ketrdf.pipeline.qc import load_checks
    from ketrdf.pipeline.validate import load_shapes
    from ketrdf.project import Project
    from ketrdf.query.saved import load_saved_queries
    from ketrdf.query.values import with_values
    from ketrdf.rdfio.terms import to_oxigraph
    from ketrdf.vocabulary import PREFIXES, SH

    project = Project(ROOT)
    bindings = example_bindings(project)
    texts = {name: with_values(saved.text, bindings[name], name, declare_prefixes=False)
             for name, saved in load_saved_queries(project.queries_dir).items()}
    checks = [check.text for check in load_checks(project.qc_dir)]
    rules = [path.read_text(encoding="utf-8") for path in project.rule_files()]
    shapes = load_shapes(project.shape_files())
    gc.collect()
    _reset_peak()
    figures: dict[str, float] = {}

    def stage(name: str, since: float) -> None:
        figures[name] = time.perf_counter() - since
        figures[f"{name} MB"] = _peak_mb()

    def results(store: ox.Store, text: str, union: bool = False) -> list[Any]:
        """The solutions or triples of a SELECT or a CONSTRUCT (the only forms run here)."""
        found = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=union)
        assert isinstance(found, ox.QuerySolutions | ox.QueryTriples), text
        return list(found)

    def apply_rules(store: ox.Store) -> None:
        for rule in rules:
            store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in results(store, rule)])

    with tempfile.TemporaryDirectory() as folder:
        as_turtle = Path(folder) / "content.ttl"  # N-Triples is Turtle; reasonable reads .ttl files only
        as_turtle.symlink_to(source)
        started = time.perf_counter()
        store = ox.Store()
        store.load(path=str(project.ontology_file), format=ox.RdfFormat.TURTLE)
        store.load(path=str(source), format=ox.RdfFormat.N_TRIPLES)
        stage("parse", started)

        mark = time.perf_counter()
        apply_rules(store)
        reasoner = reasonable.PyReasoner()
        for path in (project.ontology_file, as_turtle):
            reasoner.load_file(str(path))
        store.extend([ox.Quad(*(to_oxigraph(term) for term in triple))  # type: ignore[arg-type]
                      for triple in reasoner.reason()])  # rdflib terms, a literal never a subject
        apply_rules(store)
        stage("reason", mark)

        mark = time.perf_counter()
        conforms, report, _ = shacl_validate(store, shacl_graph=shapes, inference="none", advanced=True,
                                             do_owl_imports=False)
        problems = sum(len(results(store, text)) for text in checks)
        stage("validate", mark)
        violations = set(report.subjects(RDF.type, SH.ValidationResult))
        figures["problems"] = float(problems + (0 if conforms else len(violations)))

        mark = time.perf_counter()
        for name, text in texts.items():
            query_started = time.perf_counter()
            results(store, text, union=True)
            figures[f"query {name}"] = time.perf_counter() - query_started
        stage("queries", mark)

        mark = time.perf_counter()
        store.dump(output=str(Path(folder) / "peer.nq"), format=ox.RdfFormat.N_QUADS)
        stage("export", mark)
        stage("total", started)
        figures["triples"] = float(len(store))
    return figures


def shape_costs(copies: int) -> tuple[float, list[tuple[float, str]]]:
    """Seconds to index the reasoned graph, and per node shape the seconds of checking it alone.

    Each figure is the best of three runs; a shape's figure is its validation time less
    the index time (the same for every shape: the validator indexes the graph first).
    """
    from benchmarks.synthetic import scaled_content
    from rdflib import BNode, Graph, URIRef
    from rdflib.namespace import RDF

    from ketrdf.engines.reasoners import get_reasoner
    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.pipeline.reason import reason
    from ketrdf.pipeline.rules import load_rules
    from ketrdf.pipeline.sources import load_sources
    from ketrdf.pipeline.validate import load_shapes, validate
    from ketrdf.project import Project
    from ketrdf.vocabulary import SH

    project = Project(ROOT)
    review = load_sources(project)
    kg = KnowledgeGraph(review.ontology, scaled_content(review.content, copies))
    reasoned = reason(kg, load_rules(project.rule_files()), get_reasoner("rl"))
    shapes = load_shapes(project.shape_files())

    def closure(node: object, out: Graph) -> None:
        for predicate, obj in shapes.predicate_objects(node):  # type: ignore[arg-type]
            out.add((node, predicate, obj))  # type: ignore[arg-type]
            nested = isinstance(obj, BNode) or (obj, RDF.type, SH.PropertyShape) in shapes
            if nested or predicate == SH.prefixes:
                closure(obj, out)

    def seconds(alone: Graph) -> float:
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            validate(reasoned, alone, "fast")
            runs.append(time.perf_counter() - started)
        return min(runs)

    index = seconds(Graph())
    costs = []
    for node_shape in sorted(shapes.subjects(RDF.type, SH.NodeShape), key=str):
        if not isinstance(node_shape, URIRef):
            continue
        alone = Graph()
        closure(node_shape, alone)
        costs.append((max(seconds(alone) - index, 0.0), str(node_shape).rsplit("#", 1)[-1]))
    return index, sorted(costs, reverse=True)


def validation_times(source: Path, validators: list[str], repeat: int) -> dict[str, float]:
    """Best-of-``repeat`` seconds of validating the reasoned graph of ``source`` with each validator."""
    from ketrdf.engines.reasoners import get_reasoner
    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.pipeline.reason import reason
    from ketrdf.pipeline.rules import load_rules
    from ketrdf.pipeline.validate import load_shapes, validate
    from ketrdf.project import Project
    from ketrdf.rdfio.parse import load_file

    project = Project(ROOT)
    kg = KnowledgeGraph(load_file(project.ontology_file), load_file(source))
    reasoned = reason(kg, load_rules(project.rule_files()), get_reasoner("rl"))
    shapes = load_shapes(project.shape_files())
    figures = {"triples": float(sum(len(graph) for graph in reasoned.named_graphs().values()))}
    for validator in validators:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            report = validate(reasoned, shapes, validator)
            runs.append(time.perf_counter() - started)
            if not report.conforms:
                raise SystemExit(f"{validator}: the generated graph does not validate")
        figures[validator] = min(runs)
    return figures


def limits_for(source: Path) -> dict[str, str]:
    """ketrdf's input limits, raised when ``source`` is over ``KETRDF_MAX_INPUT_MB``'s default; else none.

    A user's input within the default size is read under the defaults (and a text too short
    to go over the limit of statements is not counted first); the 1M input needs both raised.
    """
    from ketrdf.rdfio.reading import DEFAULT_MAX_INPUT_MB

    if source.stat().st_size <= DEFAULT_MAX_INPUT_MB * 1024 * 1024:
        return {}
    return {"KETRDF_MAX_INPUT_MB": "100000", "KETRDF_MAX_TRIPLES": "100000000"}


def measure(engine: str, source: Path, repeat: int, limit: float) -> dict[str, float] | None:
    """Median figures of ``repeat`` subprocess runs; None if a run passes ``limit`` seconds or fails.

    A failed run (a SIGKILL from the kernel when memory runs out, say) is said on stderr."""
    runs = []
    for _ in range(repeat):
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", engine, str(source)],
                capture_output=True, text=True, timeout=limit, check=True, cwd=ROOT,
                env={**os.environ, **limits_for(source)},
            )
        except subprocess.TimeoutExpired:
            return None
        except subprocess.CalledProcessError as error:  # the other paths still run and print
            status = error.returncode
            how = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
            print(f"{engine} run failed ({how}):\n{error.stderr[-2000:]}", file=sys.stderr)
            return None
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def print_size(size: str, runs: dict[str, dict[str, float] | None]) -> None:
    """One size: seconds and peak MB (so far, after each stage) per path, ratios, then each query."""
    for label in PATHS:
        figures = runs.get(label)
        if figures is None:
            print(f"{size:>8} {'':>9} {label:>6}  failed, did not finish within the limit, or skipped")
            continue
        cells = " ".join(f"{figures[s]:9.2f}" for s in STAGES)
        warm = f"  ({int(figures['verdicts'])} gate verdicts known)" if "verdicts" in figures else ""
        print(f"{size:>8} {int(figures['triples']):9d} {label:>6} {cells}{warm}")
        memory = " ".join(f"{figures[s + ' MB']:9.0f}" for s in STAGES)
        print(f"{'':>8} {'':>9} {'MB':>6} {memory}")
    fast, naive, peer = runs.get("fast"), runs.get("naive"), runs.get("peer")
    for name, other in (("naive", naive), ("peer", peer)):
        if fast and other:
            ratios = " ".join(f"{other[s] / fast[s]:9.1f}" if fast[s] else f"{'-':>9}" for s in STAGES)
            print(f"{size:>8} {'':>9} {name[:4] + '/f':>6} {ratios}")
    if fast and peer:
        print(f"{size:>8} {'':>9} {'floor':>6} Oxigraph parse {peer['parse']:.3f} s; ketrdf's build is "
              f"{fast['total'] / peer['parse']:.1f}x it; the peer's graph leaves {int(peer['problems'])} "
              "SHACL/QC problems")
    if fast:
        print(f"{'':>8} saved query (seconds)          fast     naive   ratio      peer")
        for key in sorted(k for k in fast if k.startswith("query ")):
            naive_cells = (f"{naive[key]:9.3f} {naive[key] / fast[key]:7.1f}" if naive and fast[key]
                           else f"{'':>17}")
            beside = f" {peer[key]:9.3f}" if peer else ""
            print(f"{'':>8} {key[6:]:<28} {fast[key]:7.3f} {naive_cells}{beside}")


def growth_exponents(smaller: dict[str, float], larger: dict[str, float]) -> dict[str, float]:
    """Per stage, k in time ~ triples^k fitted through two sizes: 1 is linear growth."""
    scale = math.log(larger["triples"] / smaller["triples"])
    return {stage: math.log(larger[stage] / smaller[stage]) / scale
            for stage in STAGES if smaller[stage] > 0 and larger[stage] > 0}


def print_growth(runs: list[tuple[str, dict[str, float]]]) -> None:
    """The fast path's growth exponent per stage between each two sizes that follow one another."""
    for (small, smaller), (large, larger) in itertools.pairwise(runs):
        exponents = growth_exponents(smaller, larger)
        cells = " ".join(f"{exponents[s]:9.2f}" if s in exponents else f"{'-':>9}" for s in STAGES)
        print(f"{small + '-' + large:>18} {'growth':>6} {cells}  (fast: time ~ triples^k)")


def main() -> None:
    """Print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="review,10k,100k")
    parser.add_argument("--paths", default=",".join(PATHS), help="the pipelines to run (default: all)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-limit", type=float, default=300.0)
    parser.add_argument("--limit", type=float, default=1800.0)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--generate", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--shape-costs", choices=sorted(SIZES), default=None)
    parser.add_argument("--validators", default=None)
    parser.add_argument("--child-validators", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_validators:
        names, source = args.child_validators
        print(json.dumps(validation_times(Path(source), names.split(","), args.repeat)))
        return
    if args.validators:
        print(f"{'size':>8} {'triples':>9} " + " ".join(f"{name:>9}" for name in args.validators.split(",")))
        for size in args.sizes.split(","):
            with tempfile.TemporaryDirectory() as folder:
                source = Path(folder) / "content.nt"
                subprocess.run([sys.executable, __file__, "--generate", str(SIZES[size]), str(source)],
                               check=True, cwd=ROOT)
                done = subprocess.run(
                    [sys.executable, __file__, "--repeat", str(args.repeat), "--child-validators",
                     args.validators, str(source)],
                    capture_output=True, text=True, check=True, cwd=ROOT, timeout=args.limit,
                    env={**os.environ, **limits_for(source)})
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            cells = " ".join(f"{figures[name]:9.3f}" for name in args.validators.split(","))
            print(f"{size:>8} {int(figures['triples']):9d} {cells}")
        return
    if args.shape_costs:
        index, costs = shape_costs(SIZES[args.shape_costs])
        print(f"{index:8.3f} s  indexing the graph (paid once per validation)")
        for seconds, name in costs:
            print(f"{seconds:8.3f} s  {name}")
        return
    if args.generate:
        generate(int(args.generate[0]), Path(args.generate[1]))
        return
    if args.child:
        from ketrdf.rdfio.collector import collect_less_often

        collect_less_often()  # every path, as ketrdf's command line runs
        engine, source = args.child[0], Path(args.child[1])
        print(json.dumps(run_peer(source) if engine == "peer" else run_once(engine, source)))
        return
    paths = set(args.paths.split(","))
    if paths - set(PATHS):
        parser.error(f"--paths: unknown {sorted(paths - set(PATHS))}; known: {', '.join(PATHS)}")
    remember_verdicts()
    header = " ".join(f"{stage:>9}" for stage in STAGES)
    print(f"{'size':>8} {'triples':>9} {'path':>6} {header}")
    baseline_alive = True
    fast_runs: list[tuple[str, dict[str, float]]] = []
    for size in args.sizes.split(","):
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "content.nt"
            subprocess.run([sys.executable, __file__, "--generate", str(SIZES[size]), str(source)],
                           check=True, cwd=ROOT)
            fast = measure("rl", source, args.repeat, args.limit) if "fast" in paths else None
            naive = measure("owlrl", source, args.repeat, args.baseline_limit) \
                if "naive" in paths and baseline_alive else None
            peer = measure("peer", source, args.repeat, args.limit) if "peer" in paths else None
        baseline_alive = naive is not None
        print_size(size, {"fast": fast, "naive": naive, "peer": peer})
        if fast:
            fast_runs.append((size, fast))
    print_growth(fast_runs)


if __name__ == "__main__":
    main()
