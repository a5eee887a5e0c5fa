"""The command line collects garbage less often: loading a graph makes objects that live on (issue 19)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from ketrdf.cli import main
from ketrdf.rdfio.collector import OLDER, YOUNGEST, collect_less_often
from tests.support.paths import REPO


@pytest.fixture(autouse=True)
def default_collector() -> Iterator[None]:
    """CPython's own thresholds before each test, and the test process's back after it."""
    kept = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*kept)


def test_collect_less_often_spaces_the_collections_of_every_generation() -> None:
    collect_less_often()
    assert gc.get_threshold() == (YOUNGEST, *OLDER)
    assert YOUNGEST > 700 and gc.isenabled()  # less often, never off: cycles are still collected


def test_every_command_runs_with_the_collector_so_set() -> None:
    result = CliRunner().invoke(main, ["--project", str(REPO), "--quiet", "query", "list"])
    assert result.exit_code == 0, result.output
    assert gc.get_threshold() == (YOUNGEST, *OLDER)
