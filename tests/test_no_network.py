"""The whole pipeline runs with networking blocked, and never tries to connect."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest

from ketrdf.build import check_graph
from ketrdf.errors import InputError
from ketrdf.export import FORMATS, serialize
from ketrdf.load import load_file, load_sources
from ketrdf.paths import Project
from ketrdf.queries import load_catalog, run_saved_query


class NetworkBlocked(Exception):
    """Raised by the patched socket layer: the test fails if anything reaches it."""


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Block and record every attempt to open a connection or resolve a host."""
    seen: list[str] = []

    def refuse(*args: object, **_kwargs: object) -> None:
        seen.append(repr(args[:2]))
        raise NetworkBlocked(f"network access attempted: {args[:2]!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return seen


def test_the_guard_itself_catches_a_fetch(attempts: list[str]) -> None:
    with pytest.raises(NetworkBlocked):
        urllib.request.urlopen("http://example.org/", timeout=1)
    assert attempts


def test_whole_pipeline_offline(project: Project, attempts: list[str]) -> None:
    checked = check_graph(project)
    assert checked.passes
    union = checked.kg.union()
    for saved in load_catalog(project.queries_dir).values():
        run_saved_query(union, saved, saved.example)
    for name in FORMATS:
        assert serialize(checked.kg, name)
    assert attempts == []


def test_remote_context_and_imports_are_refused_before_any_fetch(
    project_copy: Project, tmp_path: Path, attempts: list[str]
) -> None:
    remote = tmp_path / "remote.jsonld"
    remote.write_text(
        '{"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}', encoding="utf-8"
    )
    with pytest.raises(InputError, match="is remote"):
        load_file(remote)
    with project_copy.ontology_file.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n<https://w3id.org/ketrdf/ontology> owl:imports <http://purl.obolibrary.org/obo/ro.owl> .\n"
        )
    with pytest.raises(InputError, match="has no local file"):
        load_sources(project_copy)
    assert attempts == []
