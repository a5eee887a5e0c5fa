"""Benchmark ketrdf's pipeline against the naive one, side by side, on growing graphs.

Usage: python benchmarks/run.py [--sizes review,10k,100k] [--baseline-limit SECONDS]
       python benchmarks/run.py --shape-costs 10k

For each size (the review itself, or generated copies of its content under the
same ontology) a fresh subprocess runs one pipeline and reports wall time per
stage and its peak memory:

- fast:  ketrdf's path: load, rules + rl engine, the fast SHACL validator reading the named
         graphs in place, QC on Oxigraph, every saved query on the same Oxigraph store
         (loaded once, in the validate stage), N-Quads export;
- naive: the baseline: the same load, rules + owlrl's full closure, then pyshacl
         (no inference), QC and the queries on rdflib's engine, the same export.

The naive run is skipped for a size once it has exceeded --baseline-limit.
Figures are medians of --repeat runs; the ratio column is naive / fast.
--shape-costs SIZE times SHACL validation with each node shape alone (with its
property shapes) on the reasoned graph of that size, costliest first.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"review": 1, "10k": 4, "100k": 35, "1m": 350}


def run_once(engine: str, copies: int) -> dict[str, float]:
    """Run the pipeline once in this process; return seconds per stage and peak MB."""
    from ketrdf.export import export
    from ketrdf.graphs import KnowledgeGraph
    from ketrdf.load import load_file, load_sources
    from ketrdf.oxigraph_engine import load_store
    from ketrdf.oxigraph_engine import run as run_on_oxigraph
    from ketrdf.paths import Project
    from ketrdf.qc import load_checks, run_checks
    from ketrdf.queries import bind_parameters, load_catalog, run_sparql
    from ketrdf.reason import get_reasoner, reason
    from ketrdf.rules import load_rules
    from ketrdf.synthetic import scaled_content
    from ketrdf.validate import load_shapes, validate

    project = Project(ROOT)
    times: dict[str, float] = {}
    review = load_sources(project)
    # Example parameters name things by label; in N copies a label names N things, so
    # they are resolved once in the review itself (copy 0 keeps its IRIs).
    review_union = reason(review, load_rules(project.rule_files()), get_reasoner("rl")).union()
    catalog = load_catalog(project.queries_dir)
    bindings = {name: bind_parameters(saved, saved.example, review_union) for name, saved in catalog.items()}
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "content.nt"
        content = scaled_content(review.content, copies)
        source.write_bytes(content.serialize(format="nt", encoding="utf-8"))
        started = time.perf_counter()
        ontology = load_file(project.ontology_file)
        kg = KnowledgeGraph(ontology, load_file(source))
        times["parse"] = time.perf_counter() - started

        mark = time.perf_counter()
        kg = reason(kg, load_rules(project.rule_files()), get_reasoner(engine))
        times["reason"] = time.perf_counter() - mark

        mark = time.perf_counter()
        graphs = list(kg.named_graphs().values())
        if engine == "rl":  # as ketrdf builds: one Oxigraph store serves SHACL-SPARQL, QC and queries
            store = load_store(graphs)
            report = validate(graphs, load_shapes(project.shape_files()), "fast", store)
            problems = run_checks(store, load_checks(project.qc_dir))
        else:
            union = kg.union()
            report = validate(union, load_shapes(project.shape_files()), "pyshacl")
            problems = run_checks(union, load_checks(project.qc_dir))
        times["validate"] = time.perf_counter() - mark
        if report.violations() or problems:
            found = f"{report.violations()[:3]} {problems[:3]}"
            raise SystemExit(f"the generated graph does not validate: {found}")

        mark = time.perf_counter()
        for name, saved in catalog.items():
            if engine == "rl":
                run_on_oxigraph(store, saved.text, bindings[name], origin=name)
            else:
                run_sparql(union, saved.text, bindings[name], origin=name)
        times["queries"] = time.perf_counter() - mark

        mark = time.perf_counter()
        export(kg, "nquads", Path(folder) / "ketrdf.nq")
        times["export"] = time.perf_counter() - mark
        times["total"] = time.perf_counter() - started
        times["triples"] = float(len(kg.ontology) + len(kg.content) + len(kg.inferred))
    times["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return times


def shape_costs(copies: int) -> list[tuple[float, str]]:
    """Seconds of validation per node shape, each run alone on the reasoned graph."""
    from rdflib import BNode, Graph, URIRef
    from rdflib.namespace import RDF

    from ketrdf.graphs import KnowledgeGraph
    from ketrdf.load import load_sources
    from ketrdf.namespaces import SH
    from ketrdf.paths import Project
    from ketrdf.reason import get_reasoner, reason
    from ketrdf.rules import load_rules
    from ketrdf.synthetic import scaled_content
    from ketrdf.validate import load_shapes, validate

    project = Project(ROOT)
    review = load_sources(project)
    kg = KnowledgeGraph(review.ontology, scaled_content(review.content, copies))
    union = reason(kg, load_rules(project.rule_files()), get_reasoner("rl")).union()
    shapes = load_shapes(project.shape_files())

    def closure(node: object, out: Graph) -> None:
        for predicate, obj in shapes.predicate_objects(node):  # type: ignore[arg-type]
            out.add((node, predicate, obj))  # type: ignore[arg-type]
            nested = isinstance(obj, BNode) or (obj, RDF.type, SH.PropertyShape) in shapes
            if nested or predicate == SH.prefixes:
                closure(obj, out)

    costs = []
    for node_shape in sorted(shapes.subjects(RDF.type, SH.NodeShape)):
        if not isinstance(node_shape, URIRef):
            continue
        alone = Graph()
        closure(node_shape, alone)
        started = time.perf_counter()
        validate(union, alone)
        costs.append((time.perf_counter() - started, str(node_shape).rsplit("#", 1)[-1]))
    return sorted(costs, reverse=True)


def measure(engine: str, copies: int, repeat: int, limit: float) -> dict[str, float] | None:
    """Median figures of ``repeat`` subprocess runs, or None if a run passes ``limit`` seconds."""
    runs = []
    for _ in range(repeat):
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", engine, str(copies)],
                capture_output=True, text=True, timeout=limit, check=True, cwd=ROOT,
                env={**os.environ, "KETRDF_MAX_INPUT_MB": "100000", "KETRDF_MAX_TRIPLES": "100000000"},
            )
        except subprocess.TimeoutExpired:
            return None
        except subprocess.CalledProcessError as error:
            raise SystemExit(f"{engine} run failed:\n{error.stderr[-2000:]}") from None
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    """Print the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="review,10k,100k")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-limit", type=float, default=300.0)
    parser.add_argument("--limit", type=float, default=1800.0)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--shape-costs", choices=sorted(SIZES), default=None)
    args = parser.parse_args()
    if args.shape_costs:
        for seconds, name in shape_costs(SIZES[args.shape_costs]):
            print(f"{seconds:8.2f} s  {name}")
        return
    if args.child:
        print(json.dumps(run_once(args.child[0], int(args.child[1]))))
        return
    stages = ("parse", "reason", "validate", "queries", "export", "total")
    header = " ".join(f"{stage:>9}" for stage in stages)
    print(f"{'size':>8} {'triples':>9} {'path':>6} {header} {'peak MB':>8}")
    baseline_alive = True
    for size in args.sizes.split(","):
        copies = SIZES[size]
        fast = measure("rl", copies, args.repeat, args.limit)
        naive = measure("owlrl", copies, args.repeat, args.baseline_limit) if baseline_alive else None
        baseline_alive = naive is not None
        for label, figures in (("fast", fast), ("naive", naive)):
            if figures is None:
                print(f"{size:>8} {'':>9} {label:>6}  did not finish within the limit (or skipped)")
                continue
            cells = " ".join(f"{figures[s]:9.2f}" for s in stages)
            print(f"{size:>8} {int(figures['triples']):9d} {label:>6} {cells} {figures['peak_mb']:8.0f}")
        if fast and naive:
            ratios = " ".join(f"{naive[s] / fast[s]:9.1f}" if fast[s] else f"{'-':>9}" for s in stages)
            print(f"{size:>8} {'':>9} {'ratio':>6} {ratios}")


if __name__ == "__main__":
    main()
