"""The build as a whole: swapped in at once, never half-replaced, and a cache that is never wrongly trusted.

Issue 14.8 (atomic build, failing validation), 13.7 and 14.7 (cache key and damaged
caches), 14.11 through the build (literals with line separators in ``ketrdf.trig``),
14.16 (Ctrl-C exits 130).
"""

from __future__ import annotations

import errno
import functools
import hashlib
import importlib
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Dataset, Literal
from rdflib.namespace import SKOS

from ketrdf.cli import main
from ketrdf.installed import installed_version
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline import cache as cache_module
from ketrdf.pipeline.cache import CACHE_FILE, MANIFEST_FILE, cached_graph
from ketrdf.project import Project
from ketrdf.vocabulary import GRAPH_CONTENT, KR
from tests.support.paths import DATA, REPO

# builds of the review, some in subprocesses; on one xdist worker, so that first_build is made once
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("build")]

BUILD_FILES = {"cache.nq", "gate.json", "ketrdf-asserted.ttl", "ketrdf-inferred.ttl", "ketrdf.nq",
               "ketrdf.trig", "manifest.json", "validation-report.ttl"}
#: A label with characters that Python's splitlines() breaks on (issue 14.11).
ODD_LABEL = Literal("R\u2028ketamine\u0085with\x0cbreaks", lang="en")
ODD_TRIPLE = f'\nkr:r-ketamine skos:altLabel {ODD_LABEL.n3()} .\n'
#: Sends SIGINT to the build at a chosen point of its write phase, then runs ``ketrdf build``.
INTERRUPTING_BUILD = """
import os, signal, sys
import ketrdf.rdfio.files
point, root = sys.argv[1], sys.argv[2]
os.umask(0o022)
if point.startswith("fsync-"):  # each artefact, the cache and the manifest end with one fsync
    wanted, calls, real_fsync = int(point.removeprefix("fsync-")), [0], os.fsync
    def fsync(descriptor):
        calls[0] += 1
        if calls[0] == wanted:
            os.kill(os.getpid(), signal.SIGINT)
        real_fsync(descriptor)
    os.fsync = fsync
else:  # while the new build is swapped in: by renameat2, or by renames where it is missing
    real_exchange = ketrdf.rdfio.files._exchange
    def exchange(first, second):
        os.kill(os.getpid(), signal.SIGINT)
        return point == "swap" and real_exchange(first, second)
    ketrdf.rdfio.files._exchange = exchange
from ketrdf.cli import main
main(["--project", root, "--quiet", "build"])
"""


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), "--quiet", *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def leftovers(project: Project) -> list[str]:
    """Temporary folders or files the build left beside build/."""
    return sorted(p.name for p in project.root.iterdir() if p.name.endswith((".tmp", ".old")))


def assert_whole(project: Project) -> None:
    """build/ holds exactly one build, and its manifest agrees with every file and the sources."""
    from ketrdf.pipeline.cache import cache_key

    folder = project.build_dir
    assert {p.name for p in folder.iterdir()} == BUILD_FILES
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    for name, digest in manifest["artefacts"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert hashlib.sha256((folder / CACHE_FILE).read_bytes()).hexdigest() == manifest["cache"]["sha256"]
    assert manifest["key"] == cache_key(project, "rl", "fast")
    assert cached_graph(project) is not None


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the sources with a good build, made once; tests work on copies of it."""
    root = tmp_path_factory.mktemp("built")
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    project = Project(root)
    assert run(project, "build").exit_code == 0
    return project


@pytest.fixture
def project_built(first_build: Project, tmp_path: Path) -> Project:
    shutil.copytree(first_build.root, tmp_path / "project", symlinks=True)
    return Project(tmp_path / "project")


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


# --- the whole build, or none of it (14.8) ---------------------------------------------------


@pytest.mark.usefixtures("umask_022")
def test_failing_build_keeps_the_last_good_build_whole(project_built: Project) -> None:
    before = snapshot(project_built.build_dir)
    claim = project_built.content_dir / "new-claim.ttl"
    claim.write_bytes((DATA / "shapes" / "invalid" / "Claim-evidence--missing.ttl").read_bytes())
    failed = run(project_built, "build")
    assert failed.exit_code == 1
    assert snapshot(project_built.build_dir) == before  # validation-report.ttl included
    assert ("validation failed: 1 SHACL violation(s), 1 QC problem(s); report in "
            "build-failed/validation-report.ttl, build/ unchanged") in failed.stderr
    report = project_built.root / "build-failed" / "validation-report.ttl"
    assert "sh:Violation" in report.read_text(encoding="utf-8")
    # Fixed, and with a label holding line separators (14.11): a good build replaces all.
    claim.unlink()
    with (project_built.content_dir / "compounds.ttl").open("a", encoding="utf-8") as handle:
        handle.write(ODD_TRIPLE)
    assert run(project_built, "build").exit_code == 0
    assert not (project_built.root / "build-failed").exists()
    assert_whole(project_built)
    assert leftovers(project_built) == []
    assert stat.S_IMODE(project_built.build_dir.stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in project_built.build_dir.iterdir()} == {0o644}
    trig = (project_built.build_dir / "ketrdf.trig").read_bytes()
    dataset = Dataset()
    dataset.parse(data=trig, format="trig")
    assert (KR["r-ketamine"], SKOS.altLabel, ODD_LABEL) in dataset.graph(GRAPH_CONTENT)
    assert ox.Literal(str(ODD_LABEL), language="en") in {
        quad.object for quad in ox.parse(trig, format=ox.RdfFormat.TRIG)}


@pytest.mark.parametrize("point", ["fsync-1", "fsync-4", "fsync-7", "swap", "swap-by-renames"])
def test_ctrl_c_in_the_write_phase_leaves_the_old_build_or_the_new_one(project_built: Project,
                                                                        point: str) -> None:
    before = snapshot(project_built.build_dir)
    with (project_built.content_dir / "compounds.ttl").open("a", encoding="utf-8") as handle:
        handle.write(ODD_TRIPLE)  # the new build differs from the old one
    result = subprocess.run([sys.executable, "-c", INTERRUPTING_BUILD, point, str(project_built.root)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 130, result.stderr
    assert "ketrdf: error: interrupted" in result.stderr
    assert leftovers(project_built) == []
    if point.startswith("swap"):  # Ctrl-C is held back until the swap is done: the new build, whole
        assert snapshot(project_built.build_dir) != before
        assert_whole(project_built)
    else:
        assert snapshot(project_built.build_dir) == before


@pytest.mark.parametrize("call", [1, 5, 7])
def test_a_full_disk_in_the_write_phase_leaves_the_old_build(project_built: Project, call: int,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(project_built.build_dir)
    with (project_built.content_dir / "compounds.ttl").open("a", encoding="utf-8") as handle:
        handle.write(ODD_TRIPLE)
    calls = [0]
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        calls[0] += 1
        if calls[0] == call:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    monkeypatch.setattr("os.fsync", fsync)
    result = run(project_built, "build")
    assert result.exit_code == 2
    assert "cannot write (No space left on device)" in result.stderr
    assert snapshot(project_built.build_dir) == before
    assert leftovers(project_built) == []


def test_without_an_atomic_exchange_the_build_is_still_swapped_whole(
        project_built: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where renameat2 is missing, two renames with Ctrl-C held back do the swap."""
    monkeypatch.setattr("ketrdf.rdfio.files._exchange", lambda _first, _second: False)
    with (project_built.content_dir / "compounds.ttl").open("a", encoding="utf-8") as handle:
        handle.write(ODD_TRIPLE)
    assert run(project_built, "build").exit_code == 0
    assert_whole(project_built)
    assert leftovers(project_built) == []


def test_a_symlinked_build_folder_is_swapped_where_it_points(project_built: Project,
                                                             tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "build"
    elsewhere.parent.mkdir()
    project_built.build_dir.rename(elsewhere)
    project_built.build_dir.symlink_to(elsewhere)
    assert run(project_built, "build", "--force").exit_code == 0
    assert project_built.build_dir.is_symlink()
    assert_whole(project_built)
    assert [p.name for p in elsewhere.parent.iterdir()] == ["build"]


# --- a current build is not built again --------------------------------------------------------


def built_again(project: Project, *options: str) -> bool:
    """Run ``ketrdf build``; whether it wrote a new build/ (swapped in: a new folder)."""
    folder = project.build_dir.stat().st_ino
    result = run(project, *options, "build")
    assert result.exit_code == 0, result.output
    wrote = "wrote build/manifest.json" in result.stdout
    assert wrote != ("is current" in result.stdout), result.stdout
    assert wrote == (project.build_dir.stat().st_ino != folder)
    return wrote


def test_a_current_build_is_reported_and_left_as_it_is(project_built: Project) -> None:
    forced = run(project_built, "build", "--force")
    assert forced.exit_code == 0 and "wrote build/ketrdf.trig" in forced.stdout
    before = snapshot(project_built.build_dir)
    again = run(project_built, "build")
    assert again.exit_code == 0, again.output
    assert f"{project_built.build_dir} is current" in again.stdout and "wrote" not in again.stdout
    summary = [line for line in forced.stdout.splitlines() if not line.startswith("wrote ")]
    assert [line for line in again.stdout.splitlines() if "is current" not in line] == summary
    assert snapshot(project_built.build_dir) == before
    assert_whole(project_built)


@pytest.mark.parametrize("name", sorted(BUILD_FILES - {MANIFEST_FILE}))
def test_a_changed_or_missing_build_file_is_built_again(project_built: Project, name: str) -> None:
    (project_built.build_dir / name).write_bytes(b"")
    assert built_again(project_built)
    assert_whole(project_built)
    (project_built.build_dir / name).unlink()
    assert built_again(project_built)
    assert_whole(project_built)


def test_a_manifest_without_a_summary_is_built_again(project_built: Project) -> None:
    """A manifest written before builds kept their summary (or edited) is no proof of a current build."""
    manifest_path = project_built.build_dir / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["summary"]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert cached_graph(project_built) is not None  # queries may still read its cache
    assert built_again(project_built)


def test_other_sources_engines_or_software_build_again(project_built: Project,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert not built_again(project_built)
    assert built_again(project_built, "--validator", "pyshacl")
    assert built_again(project_built)  # back to the default validator
    assert built_again(project_built, "--reasoner", "owlrl")
    assert built_again(project_built)
    with (project_built.content_dir / "compounds.ttl").open("a", encoding="utf-8") as handle:
        handle.write(ODD_TRIPLE)
    assert built_again(project_built)
    monkeypatch.setattr(cache_module, "installed_version",
                        lambda name: "99.0" if name == "ketrdf" else installed_version(name))
    monkeypatch.setattr(cache_module, "software_fingerprint", functools.cache(
        cache_module.software_fingerprint.__wrapped__))
    assert built_again(project_built)
    assert not built_again(project_built)


def test_a_current_build_clears_the_report_of_a_failure_since(project_built: Project) -> None:
    claim = project_built.content_dir / "new-claim.ttl"
    claim.write_bytes((DATA / "shapes" / "invalid" / "Claim-evidence--missing.ttl").read_bytes())
    assert run(project_built, "build").exit_code == 1
    assert (project_built.root / "build-failed").is_dir()
    claim.unlink()  # the sources of build/ again
    assert not built_again(project_built)
    assert not (project_built.root / "build-failed").exists()


# --- the cache key (13.7, 14.7) -----------------------------------------------------------------


def test_a_changed_saved_query_title_reaches_the_export(project_built: Project) -> None:
    query = project_built.queries_dir / "timeline.rq"
    query.write_text(query.read_text(encoding="utf-8").replace(
        "#+ title: Timeline of dated events", "#+ title: Dated events, in order"), encoding="utf-8")
    result = run(project_built, "export", "--format", "nt", "--graph", "asserted")
    assert result.exit_code == 0
    assert '"Dated events, in order"' in result.stdout
    assert "Timeline of dated events" not in result.stdout


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> Callable[[Project, tuple[str, ...]], bool]:
    """Whether a command built the graph in memory instead of reading the cache."""

    class Rebuilt(Exception):
        pass

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise Rebuilt

    monkeypatch.setattr(importlib.import_module("ketrdf.pipeline.build"), "check_graph", refuse)

    def check(project: Project, options: tuple[str, ...]) -> bool:
        result = CliRunner().invoke(main, ["--project", str(project.root), "--quiet", *options,
                                           "export", "--format", "nt"])
        assert result.exit_code in (0, 4), result.output
        return result.exit_code == 4 and "Rebuilt" in result.stderr

    return check


def test_the_reasoner_the_validator_and_ketrdf_are_in_the_key(
        project_built: Project, rebuilds: Callable[[Project, tuple[str, ...]], bool],
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert not rebuilds(project_built, ())
    assert rebuilds(project_built, ("--reasoner", "owlrl"))
    assert rebuilds(project_built, ("--validator", "pyshacl"))
    monkeypatch.setattr(cache_module, "installed_version",
                        lambda name: "99.0" if name == "ketrdf" else installed_version(name))
    # the fingerprint is worked out once per process: a fresh one, as a new process would
    monkeypatch.setattr(cache_module, "software_fingerprint", functools.cache(
        cache_module.software_fingerprint.__wrapped__))
    assert rebuilds(project_built, ())


def test_files_reached_through_the_catalog_are_in_the_key(first_build: Project, tmp_path: Path) -> None:
    project = Project(tmp_path / "project")
    shutil.copytree(first_build.root, project.root)
    module = project.root / "ontology" / "modules" / "extra.ttl"
    module.parent.mkdir()
    module.write_text("<http://example.org/extra> a <http://www.w3.org/2002/07/owl#Ontology> .\n",
                      encoding="utf-8")
    project.catalog_file.write_text(
        '<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n'
        '  <uri name="http://example.org/extra" uri="modules/extra.ttl"/>\n</catalog>\n', encoding="utf-8")
    (project.content_dir / "uses-extra.ttl").write_text(
        "<http://example.org/uses> <http://www.w3.org/2002/07/owl#imports> <http://example.org/extra> .\n",
        encoding="utf-8")
    assert run(project, "build").exit_code == 0
    assert cached_graph(project) is not None
    with module.open("a", encoding="utf-8") as handle:
        handle.write("<http://example.org/extra> <http://www.w3.org/2000/01/rdf-schema#comment> \"v2\" .\n")
    assert cached_graph(project) is None
    result = run(project, "export", "--format", "nt", "--graph", "asserted")
    assert '"v2"' in result.stdout


# --- a damaged cache is never trusted (14.7) ------------------------------------------------------


def ranking(project: Project) -> Result:
    # T2-antidepressant: (R)-ketamine ranks first.
    return run(project, "query", "run", "antidepressant-ranking", "--format", "csv")


def test_a_cache_cut_at_a_line_boundary_is_not_trusted(project_built: Project) -> None:
    cache = project_built.build_dir / CACHE_FILE
    lines = cache.read_bytes().split(b"\n")
    cache.write_bytes(b"\n".join(lines[: len(lines) // 2]) + b"\n")
    assert cached_graph(project_built) is None
    result = ranking(project_built)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("1,(R)-ketamine,2,")


def test_triple_counts_are_checked_even_when_the_hash_is_forged(project_built: Project) -> None:
    cache, manifest_path = project_built.build_dir / CACHE_FILE, project_built.build_dir / MANIFEST_FILE
    lines = cache.read_bytes().split(b"\n")
    shorter = b"\n".join(lines[1:])
    cache.write_bytes(shorter)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["cache"]["sha256"] = hashlib.sha256(shorter).hexdigest()
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert cached_graph(project_built) is None


@pytest.mark.parametrize("content", ["[]", "null", '"x"', "{}", "7", '{"manifest": 2, "cache": []}',
                                     "{not json", "\udcff"])
def test_a_malformed_manifest_is_not_trusted(project_built: Project, content: str) -> None:
    (project_built.build_dir / MANIFEST_FILE).write_bytes(content.encode("utf-8", "surrogateescape"))
    assert cached_graph(project_built) is None
    result = ranking(project_built)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("1,(R)-ketamine,2,")


def test_the_cache_reads_back_as_the_graph_it_was_written_from(project_built: Project,
                                                               reasoned: KnowledgeGraph) -> None:
    cached = cached_graph(project_built)
    assert cached is not None
    for name, graph in reasoned.named_graphs().items():
        assert set(cached.named_graphs()[name]) == set(graph), name
