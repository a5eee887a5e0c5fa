"""Issue 14.15: ``--timeout`` bounds a query's memory as well as its time.

Oxigraph ran in a thread of the ketrdf process: a query whose string doubles at
every step aborted the whole process (exit 134), and a query past its time
limit went on using a core after ketrdf had given up on it. Queries with a
time limit now run in a forked child that is killed at the limit and may add
at most ``KETRDF_MAX_QUERY_MB`` of memory.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ketrdf.engines.bounded import LimitExceeded, run_bounded
from ketrdf.errors import QueryError
from ketrdf.project import Project

pytestmark = pytest.mark.integration  # queries on the review in a subprocess


def _doubling_query(steps: int) -> str:
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(steps))
    return f'SELECT (STRLEN(?a{steps}) AS ?n) WHERE {{ BIND("ab" AS ?a0) {binds} }}'


def _sparql(project: Project, *arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """``ketrdf sparql`` on the review's build (its cache: no build in the child)."""
    return subprocess.run([sys.executable, "-m", "ketrdf", "--project", str(project.root), "sparql",
                           "--engine", "oxigraph", *arguments],
                          capture_output=True, text=True, env={**os.environ, **environment},
                          timeout=300, check=False)


def test_a_query_past_the_memory_limit_is_an_error_not_an_abort(review_build: Project) -> None:
    finished = _sparql(review_build, _doubling_query(30), KETRDF_MAX_QUERY_MB="256")
    assert finished.returncode == 2, (finished.returncode, finished.stderr)
    assert "KETRDF_MAX_QUERY_MB" in finished.stderr
    assert "Traceback" not in finished.stderr


def test_a_query_within_the_memory_limit_answers(review_build: Project) -> None:
    finished = _sparql(review_build, _doubling_query(10), "--format", "csv")
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split() == ["n", str(2 * 2**10)]


def test_a_query_past_the_time_limit_stops_within_it(review_build: Project) -> None:
    started = time.monotonic()
    finished = _sparql(review_build, "--timeout", "2",
                       "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert finished.returncode == 2
    assert "time limit of 2 s" in finished.stderr
    assert time.monotonic() - started < 60


def _children() -> set[int]:
    """The processes whose parent is this one (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def test_the_child_is_killed_at_the_time_limit() -> None:
    before = _children()
    with pytest.raises(LimitExceeded, match=r"time limit of 0\.5 s"):
        run_bounded(lambda: time.sleep(30), "sleeper", 0.5, 64 * 1024 * 1024)
    assert _children() <= before  # killed and reaped: nothing left running


def test_values_and_errors_come_back_from_the_child() -> None:
    assert run_bounded(lambda: ("rows", 3), "work", 30, 64 * 1024 * 1024) == ("rows", 3)

    def refuse() -> None:
        raise QueryError("work: refused")

    with pytest.raises(QueryError, match="work: refused"):
        run_bounded(refuse, "work", 30, 64 * 1024 * 1024)
