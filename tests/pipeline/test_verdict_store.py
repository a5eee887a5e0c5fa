"""The gate's verdicts kept in the user's cache: trusted for the same software, never when damaged."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from ketrdf.errors import RefusedQueryError
from ketrdf.pipeline import verdict_store
from ketrdf.pipeline.build import build, check_graph
from ketrdf.pipeline.cache import software_fingerprint
from ketrdf.pipeline.verdict_store import STORE_FILE, recall, remember
from ketrdf.project import Project, user_cache_dir
from ketrdf.query import gate as gate_module
from ketrdf.query.gate import canonical_text, check
from ketrdf.query.saved import read_query_file

TEXTS = ["SELECT ?s WHERE { ?s a ?type }", "ASK { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"]
SERVICE = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process: no verdict known."""
    monkeypatch.setattr(gate_module, "_VERDICTS", {})


def stored(software: object, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> Path:
    for text in texts:
        check(text, "test")
    remember(software, texts)
    forget(monkeypatch)
    return user_cache_dir() / STORE_FILE


def test_a_stored_verdict_spares_the_parse(cache_home: Path, parses: list[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    stored({"ketrdf": "1"}, TEXTS, monkeypatch)
    parses.clear()
    assert recall({"ketrdf": "1"}) == len(TEXTS)
    for text in TEXTS:
        check(text, "test")
    assert parses == []


def test_other_softwares_verdicts_are_not_trusted(cache_home: Path, parses: list[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    stored({"ketrdf": "1"}, TEXTS, monkeypatch)
    parses.clear()
    assert recall({"ketrdf": "2"}) == 0
    check(TEXTS[0], "test")
    assert parses == [TEXTS[0]]


@pytest.mark.parametrize("damage", ["truncated", "not-a-verdict", "a-folder", "a-fifo"])
def test_a_damaged_store_is_not_trusted_and_is_replaced_whole(cache_home: Path, parses: list[str],
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              damage: str) -> None:
    path = stored({"ketrdf": "1"}, TEXTS, monkeypatch)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:120])
    elif damage == "not-a-verdict":
        data = json.loads(path.read_bytes())
        data["verdicts"]["0" * 64] = {"form": "SELECT"}
        path.write_text(json.dumps(data), encoding="utf-8")
    elif damage == "a-folder":
        path.unlink()
        path.mkdir()
    else:
        path.unlink()
        os.mkfifo(path)  # reading it would wait for a writer for ever
    assert recall({"ketrdf": "1"}) == 0
    check(TEXTS[0], "test")
    remember({"ketrdf": "1"}, TEXTS[:1])  # never raises; a regular file is replaced whole
    if damage in ("truncated", "not-a-verdict"):
        assert json.loads(path.read_bytes())["verdicts"].keys() == {gate_module.digest(TEXTS[0])}


def test_a_refused_text_is_never_stored(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(TEXTS[0], "test")
    with pytest.raises(RefusedQueryError):
        check(SERVICE, "test")
    remember({"ketrdf": "1"}, [TEXTS[0], SERVICE])
    path = user_cache_dir() / STORE_FILE
    assert list(json.loads(path.read_bytes())["verdicts"]) == [gate_module.digest(TEXTS[0])]


def test_the_store_stays_bounded(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verdict_store, "MAX_STORED", 2)
    path = stored({"ketrdf": "1"}, TEXTS[:2], monkeypatch)
    stored({"ketrdf": "1"}, TEXTS[2:], monkeypatch)  # past the bound: the last texts replace the rest
    assert list(json.loads(path.read_bytes())["verdicts"]) == [gate_module.digest(TEXTS[2])]


def test_an_unwritable_cache_fails_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    check(TEXTS[0], "test")
    remember({"ketrdf": "1"}, TEXTS[:1])
    assert recall({"ketrdf": "1"}) == 0


def test_a_build_stores_its_verdicts_and_another_project_parses_none(
        project_copy: Project, cache_home: Path, parses: list[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A first build in a new checkout (no build/gate.json) parses no text another build judged, but
    the rules: they run on rdflib's SPARQL engine, which needs their parse."""
    build(project_copy)
    assert (cache_home / "ketrdf").is_dir() and (user_cache_dir() / STORE_FILE).is_file()
    other = tmp_path / "other"  # a second checkout, never built
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(project_copy.root / folder, other / folder)
    forget(monkeypatch)
    parses.clear()
    assert check_graph(Project(other)).passes
    rules = [canonical_text(read_query_file(path)) for path in Project(other).rule_files()]
    assert sorted(parses) == sorted(rules)
    assert json.loads((user_cache_dir() / STORE_FILE).read_bytes())["software"] == software_fingerprint()
