"""The benchmarks run: a benchmark that cannot run measures nothing (issue 19).

Only that they run and print every figure is checked here; the figures themselves are
the benchmark's output. The growth exponent is checked on figures made up for it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from benchmarks.run import growth_exponents

from tests.support.paths import REPO


@pytest.mark.integration  # the review's pipeline, in subprocesses
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
    verdicts = rows["fast"][9:]  # as a build after the first: the gate's verdicts from the user's store
    assert verdicts[0].startswith("(") and int(verdicts[0][1:]) > 0, rows["fast"]
    queries = sorted(path.stem for path in (REPO / "queries").glob("*.rq"))
    listed = {line.split()[0] for line in lines if line.startswith("         ") and len(line.split()) >= 2}
    assert set(queries) <= listed, sorted(set(queries) - listed)


@pytest.mark.integration  # a subprocess
def test_the_pipeline_benchmark_refuses_an_unknown_path() -> None:
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--paths", "fast,quick"],
                          cwd=REPO, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "unknown ['quick']" in done.stderr


def test_growth_exponents_are_the_slopes_of_time_against_size_on_log_scales() -> None:
    """Ten times the triples: ten times the time is 1 (linear), a hundred times 2, the same time 0."""
    stages = ("parse", "reason", "validate", "queries", "export", "total")
    smaller = {"triples": 1_000.0, **dict.fromkeys(stages, 2.0)}
    larger = {"triples": 10_000.0, "parse": 20.0, "reason": 200.0, "validate": 2.0, "queries": 0.0,
              "export": 20.0, "total": 20.0}
    exponents = growth_exponents(smaller, larger)
    assert exponents == pytest.approx({"parse": 1.0, "reason": 2.0, "validate": 0.0, "export": 1.0,
                                       "total": 1.0})
    assert "queries" not in exponents  # no time to fit


@pytest.mark.integration  # two builds of the review, in subprocesses
def test_the_build_benchmark_prints_the_review_builds_wall_time() -> None:
    done = subprocess.run([sys.executable, "benchmarks/build.py", "--sizes", "review", "--runs", "1"],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    header, row = done.stdout.splitlines()
    assert header.split()[:2] == ["size", "this"]
    assert row.split()[0] == "review" and float(row.split()[1]) > 0


@pytest.mark.integration  # a subprocess
@pytest.mark.parametrize(("arguments", "message"), [
    (["--sizes", "huge"], "unknown size 'huge'"),
    (["--against", "nowhere"], "no ketrdf package in nowhere"),
])
def test_the_build_benchmark_refuses_what_it_cannot_run(arguments: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, "benchmarks/build.py", *arguments], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and message in done.stderr
