"""Shared fixtures: the real project, its reasoned graph, and scratch copies."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from ketrdf.engines.reasoners import get_reasoner
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.build import Checked, build, check_graph
from ketrdf.pipeline.sources import load_sources
from ketrdf.project import Project
from ketrdf.query import gate as gate_module
from tests.support.paths import REPO
from tests.support.site import site, site_dir  # noqa: F401 (fixtures shared by tests/present and tests/browser)
from tests.support.stores import Store, shared_store, start_store, stop_store

# A harness that starts the tests as a background job hands SIGINT down ignored, and a
# program keeps an ignored SIGINT; the Ctrl-C tests need ketrdf to get it as from a terminal.
signal.signal(signal.SIGINT, signal.default_int_handler)


# A test that uses one of these works on the whole review, on a scratch project it builds, or on a
# store server: it is an integration test, left out of `make check` (README, Development).
INTEGRATION_FIXTURES = {"built", "reasoned", "reasoned_union", "unreasoned", "owlrl_reasoned", "review_build",
                        "project_copy", "oxigraph", "virtuoso", "private_oxigraph", "browser",
                        "quiet_browser"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that use an integration fixture, before ``-m`` selects."""
    for item in items:
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a grouped test whose group xdist lost. Under ``--dist loadgroup`` a worker renames each
    test marked ``xdist_group(NAME)`` to ``ID@NAME`` so that a group runs on one worker and shares its
    session fixtures; pytest 9.2 ignores that renaming (pytest-xdist 3.8), which spread every group
    over the workers, each building what the group shares."""
    if item.config.getoption("loadgroup", default=False) and item.get_closest_marker("xdist_group") \
            and "@" not in item.nodeid:
        pytest.fail("pytest-xdist's --dist loadgroup has no effect under this pytest (this test is in no "
                    "group): use the pytest of requirements.lock", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Ketrdf's user cache for the run (``XDG_CACHE_HOME``), never the user's own: one folder that the
    xdist workers and the commands they start share, so that the gate's stored verdicts serve them all."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "user-cache"
    folder.mkdir(exist_ok=True)
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The texts the SPARQL gate parses while the test runs, from a new process's state (no verdict)."""
    seen: list[str] = []
    real: Callable[[str], object] = gate_module._parse.__wrapped__

    def counting(text: str) -> object:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(gate_module, "_parse", counting)
    monkeypatch.setattr(gate_module, "_VERDICTS", {})
    yield seen


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(REPO)


@pytest.fixture(scope="session")
def built(project: Project) -> Checked:
    """Load, reason, validate and QC the real sources once per session."""
    return check_graph(project)


@pytest.fixture(scope="session")
def reasoned(built: Checked) -> KnowledgeGraph:
    return built.kg


@pytest.fixture(scope="session")
def reasoned_union(reasoned: KnowledgeGraph) -> Graph:
    """``reasoned.union()`` copied once for the session (a copy takes 0.2-0.3 s): read it, never change it
    (a test that changes the graph makes its own copy)."""
    return reasoned.union()


@pytest.fixture(scope="session")
def owlrl_reasoned(project: Project) -> KnowledgeGraph:
    """The review built as ``reasoned`` is, but with owlrl, the slow reference reasoner: once per worker
    (the tests that compare with it share the xdist group "owlrl")."""
    return check_graph(project, reasoner=get_reasoner("owlrl")).kg


@pytest.fixture(scope="session")
def unreasoned(project: Project) -> KnowledgeGraph:
    """The same sources with no reasoning at all."""
    return load_sources(project)


@pytest.fixture(scope="session")
def review_build(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the review's sources with its build, made once per worker: the cache that commands
    which query, show or export the review read (for the tests that are not about building)."""
    root = tmp_path_factory.mktemp("review-build")
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    built_copy = Project(root)
    build(built_copy)
    return built_copy


@pytest.fixture
def project_copy(tmp_path: Path) -> Project:
    """A writable copy of the project's sources (no build folder)."""
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    return Project(tmp_path)


def _session_store(kind: str, factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The store `make test` started, or one of our own (fails, never skips); stopped if ours."""
    store, owned = shared_store(kind, factory.mktemp("stores"))
    yield store
    if owned:
        stop_store(store)


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from _session_store("oxigraph", tmp_path_factory)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    yield from _session_store("virtuoso", tmp_path_factory)


@pytest.fixture
def private_oxigraph(tmp_path: Path) -> Iterator[Store]:
    """An Oxigraph server for one test alone (it may be killed)."""
    store = start_store("oxigraph", tmp_path / "oxigraph")
    yield store
    stop_store(store)
