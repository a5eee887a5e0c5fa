"""The mapping table's triples kept in the user's cache: read again only when something changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from ketrdf.errors import InputError
from ketrdf.external import mappings
from ketrdf.external.mappings import content_graph, read_table
from ketrdf.pipeline.mapping_cache import FOLDER, mapping_graph
from ketrdf.project import Project, user_cache_dir
from tests.support.paths import REPO


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user cache of this test's own: nothing kept yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return user_cache_dir() / FOLDER


def read_directly(project: Project) -> Graph:
    table = read_table(project.mappings_file, project.prefixes_file)
    return content_graph(table.mappings, table.absences)


def triples(graph: Graph) -> set[tuple[object, ...]]:
    return set(graph)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The tables read through sssom-pydantic from now on."""
    found: list[Path] = []

    def counting(table: Path, prefixes: Path) -> mappings.MappingTable:
        found.append(table)
        return read_table(table, prefixes)

    monkeypatch.setattr(mappings, "read_table", counting)
    return found


def test_the_table_is_read_once_and_its_triples_are_kept(own_cache: Path, project_copy: Project,
                                                          reads: list[Path]) -> None:
    first = mapping_graph(project_copy)
    again = mapping_graph(project_copy)
    assert reads == [project_copy.mappings_file]
    assert triples(again) == triples(first) == triples(read_directly(project_copy))
    assert len(list(own_cache.glob("*.nt"))) == 1


def test_a_kept_file_that_is_not_whole_is_made_again(own_cache: Path, project_copy: Project,
                                                      reads: list[Path]) -> None:
    expected = triples(mapping_graph(project_copy))
    (kept,) = own_cache.glob("*.nt")
    whole = kept.read_bytes()
    kept.write_bytes(whole[: len(whole) // 2])
    assert triples(mapping_graph(project_copy)) == expected
    assert len(reads) == 2
    assert [path.read_bytes() for path in own_cache.glob("*.nt")] == [whole]


def test_a_changed_table_is_read_again(own_cache: Path, project_copy: Project, reads: list[Path]) -> None:
    mapping_graph(project_copy)
    table = project_copy.mappings_file
    lines = table.read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines if line.startswith("kr:") and "\tskos:exactMatch\t" in line)
    table.write_text("\n".join(line for line in lines if line != row) + "\n", encoding="utf-8")
    changed = mapping_graph(project_copy)
    assert len(reads) == 2
    assert triples(changed) == triples(read_directly(project_copy))
    assert len(list(own_cache.glob("*.nt"))) == 1  # the last table's triples only


def test_a_broken_table_is_refused_every_time(own_cache: Path, project_copy: Project) -> None:
    table = project_copy.mappings_file
    odd_row = "kr:x\tx\tskos:oddMatch\tCHEBI:1\n"
    table.write_text(table.read_text(encoding="utf-8") + odd_row, encoding="utf-8")
    for _ in range(2):
        with pytest.raises(InputError):
            mapping_graph(project_copy)
    assert not list(own_cache.glob("*.nt"))


@pytest.mark.integration  # a fresh interpreter: what a second build imports
def test_a_build_with_the_table_kept_imports_no_sssom_reader(tmp_path: Path) -> None:
    script = ("import sys\nfrom pathlib import Path\nfrom ketrdf.pipeline.sources import load_sources\n"
              f"from ketrdf.project import Project\nload_sources(Project(Path({str(REPO)!r})))\n"
              "print(sorted({'sssom_pydantic', 'curies', 'pydantic'} & set(sys.modules)))")
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    imported = [subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True,
                               text=True, check=True, timeout=120).stdout.strip() for _ in range(2)]
    assert imported == ["['curies', 'pydantic', 'sssom_pydantic']", "[]"]
