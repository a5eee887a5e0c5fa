"""The benchmarks run: a benchmark that cannot run measures nothing (issue 19).

Integration: each runs the review's pipeline in subprocesses. Only that they run and
print every figure is checked here; the figures themselves are the benchmark's output.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.paths import REPO

pytestmark = pytest.mark.integration


def test_the_pipeline_benchmark_prints_every_stage_and_query_of_each_path_it_runs() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--sizes", "review", "--repeat", "1", "--paths", "fast,peer"],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    header = lines[0].split()
    assert header == ["size", "triples", "path", "parse", "reason", "validate", "queries", "export", "total"]
    rows = {}  # by path, ratio or floor; a row of figures has the triple count before its label
    for cells in (line.split() for line in lines if line.startswith("  review ")):
        rows[cells[2] if cells[1].isdigit() else cells[1]] = cells
    assert {"fast", "peer", "peer/f", "floor"} <= set(rows), lines
    for path in ("fast", "peer"):
        assert all(float(cell) >= 0 for cell in rows[path][3:9]), rows[path]
    queries = sorted(path.stem for path in (REPO / "queries").glob("*.rq"))
    listed = {line.split()[0] for line in lines if line.startswith("         ") and len(line.split()) >= 2}
    assert set(queries) <= listed, sorted(set(queries) - listed)


def test_the_pipeline_benchmark_refuses_an_unknown_path() -> None:
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--paths", "fast,quick"],
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "unknown ['quick']" in done.stderr
