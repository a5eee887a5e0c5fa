"""The data in the package (issue 18): the installed project, ``ketrdf.load()``, ``to_dataframe()``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

import ketrdf
from ketrdf.engines.rdflib_sparql import run_saved_query
from ketrdf.errors import InputError, QueryError, ValidationFailed
from ketrdf.external.extract import module_path
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline import build as build_module
from ketrdf.pipeline.build import build, obtain_graph
from ketrdf.pipeline.cache import cached_graph, triple_counts
from ketrdf.project import Project
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import load_saved_queries
from ketrdf.release.release import release
from tests.support.paths import DATA, REPO

# Table 2 of the review, claim T2-antidepressant (digest ENAN-18): (R) > (R,S) > (S).
TABLE_2_ANTIDEPRESSANT_RANKS = {"(R)-ketamine": 1, "(R,S)-ketamine": 2, "(S)-ketamine": 3}


def ranks(result: QueryResult) -> dict[str, int]:
    """Each form's rank, from the ranking query's ordered pairs."""
    frame = result.to_dataframe()
    found = dict(zip(frame["superior_label"], frame["rank"], strict=True))
    found.update(zip(frame["inferior_label"], frame["inferior_rank"], strict=True))
    return found


def files_under(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def in_a_checkout(folder: Path) -> bool:
    return any((above / "ontology" / "ketrdf.ttl").is_file() for above in (folder, *folder.parents))


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[Path]:
    """An empty folder with no ketrdf checkout at or above it: in ``tmp_path``, else the home or /var/tmp."""
    for base in (tmp_path, Path.home(), Path("/var/tmp")):
        if not in_a_checkout(base):
            folder = Path(tempfile.mkdtemp(prefix="ketrdf-outside-", dir=base))
            yield folder
            shutil.rmtree(folder)
            return
    pytest.fail("every candidate folder is inside a ketrdf checkout")


@pytest.fixture
def installed_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A copy of the sources laid out as in an installed wheel, with the user's cache in ``tmp_path``."""
    data = tmp_path / "site-packages" / "ketrdf" / "data"
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, data / folder)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return Project(data, installed=True)


def test_discover_outside_a_checkout_falls_back_to_the_installed_data(outside: Path) -> None:
    project = Project.discover(outside)
    assert project == Project.packaged()
    assert project.ontology_file.is_file()
    # The test environment is the Makefile's editable install: its data is the checkout it runs from.
    assert project == Project(REPO)


@pytest.mark.integration  # a build of the review
def test_installed_data_builds_into_the_user_cache_and_is_never_written(installed_copy: Project,
                                                                       tmp_path: Path) -> None:
    before = files_under(installed_copy.root)
    result = build(installed_copy)
    expected = tmp_path / "cache" / "ketrdf" / metadata.version("ketrdf") / "build"
    assert installed_copy.build_dir == expected
    assert result.artefacts and all(path.parent == expected and path.is_file() for path in result.artefacts)
    assert files_under(installed_copy.root) == before
    assert cached_graph(installed_copy) is not None  # the next query reads the cache


@pytest.mark.integration  # a build of the review (that fails validation)
def test_a_failing_installed_build_reports_beside_the_cached_build(installed_copy: Project,
                                                                    tmp_path: Path) -> None:
    shutil.copy(DATA / "shapes" / "invalid" / "Claim-statedIn--missing.ttl", installed_copy.content_dir)
    before = files_under(installed_copy.root)
    with pytest.raises(ValidationFailed):
        build(installed_copy)
    assert installed_copy.build_dir.with_name("build-failed").joinpath("validation-report.ttl").is_file()
    assert files_under(installed_copy.root) == before


def test_the_cache_folder_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    version = metadata.version("ketrdf")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert Project(tmp_path / "data", installed=True).build_dir == tmp_path / "ketrdf" / version / "build"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: only absolute paths count
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Project(tmp_path / "data", installed=True).build_dir == \
        tmp_path / "home" / ".cache" / "ketrdf" / version / "build"
    assert Project(tmp_path).build_dir == tmp_path / "build"


def test_import_and_release_refuse_to_write_into_the_installed_data(installed_copy: Project) -> None:
    with pytest.raises(InputError, match="read only"):
        module_path(installed_copy, "chebi")
    with pytest.raises(InputError, match="read only"):
        release(installed_copy, "0.1.0")
    assert not (installed_copy.root / "releases").exists()


@pytest.mark.integration  # a build of the review
def test_load_outside_a_checkout_gives_the_reasoned_graph(outside: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(outside)
    kg = ketrdf.load()
    assert isinstance(kg, KnowledgeGraph) and len(kg.inferred) > 0
    catalog = load_saved_queries(Project.discover().queries_dir)
    answer = run_saved_query(kg.union(), catalog["antidepressant-ranking"])
    assert ranks(answer) == TABLE_2_ANTIDEPRESSANT_RANKS


def test_load_reads_a_current_build_cache(project_copy: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    built = build(project_copy).kg

    def no_reasoning(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("reasoned again although the build cache is current")

    monkeypatch.setattr(build_module, "check_graph", no_reasoning)
    loaded = ketrdf.load(project_copy.root)
    assert triple_counts(loaded) == triple_counts(built)
    assert triple_counts(obtain_graph(project_copy)) == triple_counts(built)


def test_load_refuses_a_folder_that_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a ketrdf project"):
        ketrdf.load(tmp_path)


def test_to_dataframe_ranks_the_forms_as_table_2(reasoned: KnowledgeGraph, project: Project) -> None:
    saved = load_saved_queries(project.queries_dir)["antidepressant-ranking"]
    answer = run_saved_query(reasoned.union(), saved)
    frame = answer.to_dataframe()
    assert list(frame.columns) == list(answer.variables)
    assert len(frame) == len(answer.rows)
    assert ranks(answer) == TABLE_2_ANTIDEPRESSANT_RANKS


def test_to_dataframe_cells_are_python_values() -> None:
    result = QueryResult(
        variables=("iri", "text", "number", "odd", "missing"),
        rows=((URIRef("http://e/a"), Literal("x", lang="en"), Literal(3, datatype=XSD.integer),
               Literal("?", datatype=URIRef("http://e/unknown")), None),
              (BNode("b0"), Literal("z"), Literal(4, datatype=XSD.integer), Literal("!"), None)),
    )
    frame = result.to_dataframe()
    assert frame.to_dict("records") == [
        {"iri": "http://e/a", "text": "x", "number": 3, "odd": "?", "missing": None},
        {"iri": "_:b0", "text": "z", "number": 4, "odd": "!", "missing": None},
    ]


def test_to_dataframe_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails as if not installed
    with pytest.raises(ImportError, match=r"pip install 'ketrdf\[pandas\]'"):
        QueryResult(variables=("x",), rows=()).to_dataframe()


def test_to_dataframe_refuses_an_answer_without_rows() -> None:
    with pytest.raises(QueryError, match="SELECT"):
        QueryResult(variables=(), rows=(), boolean=True).to_dataframe()


def run(command: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    """Run ``command``; its standard output, or a test failure with its standard error."""
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, f"{command}: exit {done.returncode}\n{done.stderr}"
    return done.stdout


@pytest.mark.integration
def test_the_installed_wheel_answers_a_saved_query_outside_any_checkout(tmp_path: Path,
                                                                        outside: Path) -> None:
    """Build the wheel, install it in a new venv over the locked dependencies, query from ``outside``.

    The dependencies are this environment's (installed from requirements.lock): the new venv reads
    them through a ``.pth`` line rather than installing the tree again; ``pip check`` then proves
    that they satisfy the wheel's requirements. ketrdf itself comes from the wheel alone.
    """
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("VIRTUAL_ENV", None)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", tmp_path / "dist", REPO], tmp_path, env)
    (wheel,) = (tmp_path / "dist").glob("ketrdf-*.whl")
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    venv_site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path,
                         env).strip())
    # a path line only: the .pth files there (this checkout's editable install) are not read
    (venv_site / "locked-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    pip: list[str | Path] = [python, "-m", "pip"]  # this environment's pip, run by the new venv's Python
    run([*pip, "install", "--quiet", "--no-deps", "--no-index", wheel], tmp_path, env)
    run([*pip, "check"], tmp_path, env)

    site = Path(run([venv / "bin" / "python", "-c", "import ketrdf; print(ketrdf.__file__)"], outside, env)
                .strip()).parent
    assert site.is_relative_to(venv)  # the installed copy, not the checkout
    data = site / "data"
    assert (data / "ontology" / "ketrdf.ttl").is_file()
    assert (data / "queries" / "rules").is_dir() and (data / "queries" / "qc").is_dir()
    assert not any(path.is_symlink() for path in data.rglob("*"))
    installed_files = sorted(site.rglob("*"))

    ketrdf_command = venv / "bin" / "ketrdf"
    built = run([ketrdf_command, "--quiet", "build"], outside, env)
    build_dir = tmp_path / "cache" / "ketrdf" / metadata.version("ketrdf") / "build"
    assert f"wrote {build_dir / 'ketrdf.trig'}" in built
    # the query reads the build in the user's cache
    answer = json.loads(run([ketrdf_command, "--quiet", "query", "run", "antidepressant-ranking",
                             "--format", "json"], outside, env))
    found: dict[str, int] = {}
    for binding in answer["results"]["bindings"]:
        found[binding["superior_label"]["value"]] = int(binding["rank"]["value"])
        found[binding["inferior_label"]["value"]] = int(binding["inferior_rank"]["value"])
    assert found == TABLE_2_ANTIDEPRESSANT_RANKS

    exported = run([ketrdf_command, "--quiet", "export", "--format", "turtle"], outside, env)
    assert Graph().parse(data=exported, format="turtle")
    assert sorted(site.rglob("*")) == installed_files  # nothing written into site-packages
    assert list(outside.iterdir()) == []
