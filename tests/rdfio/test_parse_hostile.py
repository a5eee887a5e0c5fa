"""Hostile sources against the loader (issue 14): regular files only, limits counted while
reading and parsing, nothing fetched, Oxigraph's refusal final, blank nodes kept per file."""

from __future__ import annotations

import ast
import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import BNode, Graph

from ketrdf.cli import main
from ketrdf.errors import InputError
from ketrdf.pipeline.sources import load_sources
from ketrdf.project import Project
from ketrdf.rdfio import parse
from ketrdf.rdfio.parse import load_file
from tests.support.paths import DATA, REPO

PREFIX = "@prefix ex: <http://example.org/> .\n"
HEAD = (
    "@prefix ket: <https://w3id.org/ketrdf/ontology#> .\n@prefix kr: <https://w3id.org/ketrdf/resource/> .\n"
    "@prefix ex: <http://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)
HANG = 60  # seconds: far beyond what any case here needs; the old loader hung or ran for minutes


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def cli(project: Project, *args: str, env: dict[str, str] | None = None) -> Result:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("KETRDF_")}
    arguments = ["--project", str(project.root), "--quiet", *args]
    return CliRunner().invoke(main, arguments, env={**clean, **(env or {})})


def ketrdf_process(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    """ketrdf in its own process, which the test can give up on (an old loader hung here)."""
    return subprocess.run([sys.executable, "-m", "ketrdf", "--project", str(project.root), "--quiet", *args],
                          capture_output=True, text=True, timeout=HANG, check=False)


def blank_nodes(graph: Graph) -> set[BNode]:
    return {term for triple in graph for term in triple if isinstance(term, BNode)}


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A loopback HTTP listener that records every request it receives."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(2)
                try:
                    received.append(connection.recv(4096))
                    connection.sendall(b'HTTP/1.0 200 OK\r\nContent-Type: application/ld+json\r\n\r\n'
                                       b'{"@context": {"name": "http://attacker.example/name"}}')
                except OSError:
                    received.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join()
    server.close()


# 14.2, 14.17: JSON-LD contexts that name another document


@pytest.mark.parametrize("context", [
    '{"@version": 1.1, "@import": "http://127.0.0.1:PORT/ctx"}',
    '{"n": {"@id": "http://e/n", "@context": {"@import": "http://127.0.0.1:PORT/ctx"}}}',
    '["http://127.0.0.1:PORT/ctx"]',
])
def test_a_jsonld_context_naming_a_remote_document_is_refused_and_never_fetched(
        tmp_path: Path, listener: tuple[int, list[bytes]], context: str) -> None:
    port, received = listener
    path = write(tmp_path / "import.jsonld", '{"@context": ' + context.replace("PORT", str(port))
                 + ', "@id": "http://e/a", "name": "x", "n": {"name": "y"}}')
    refusal = r"import\.jsonld: JSON-LD @(import|context) 'http://127\.0\.0\.1:\d+/ctx' is remote; ketrdf"
    with pytest.raises(InputError, match=refusal):
        load_file(path)
    time.sleep(0.5)
    assert received == []


def test_a_relative_jsonld_context_is_not_called_remote(tmp_path: Path) -> None:
    write(tmp_path / "context.jsonld", '{"@context": {"name": "http://e/name"}}')
    path = write(tmp_path / "data.jsonld", '{"@context": "context.jsonld", "@id": "http://e/a", "name": "x"}')
    with pytest.raises(InputError, match=r"data\.jsonld: JSON-LD @context 'context\.jsonld' is a relative "
                                         r"reference to another file") as raised:
        load_file(path)
    assert "remote" not in str(raised.value)


# 14.10: blank nodes stay within their file


@pytest.mark.integration  # loads the review
def test_blank_nodes_of_two_files_with_one_name_are_not_merged(project: Project, tmp_path: Path) -> None:
    """An untyped evidence node in dB/x.ttl once took the type and reference of dA/x.ttl's."""
    evidence = write(tmp_path / "dA" / "x.ttl", HEAD + '_:e a ket:ReviewSynthesis ; rdfs:label "e"@en ; '
                     "ket:citesReference kr:hashimoto-2020 .\n")
    claim = write(tmp_path / "dB" / "x.ttl", HEAD + 'ex:c a ket:EfficacyClaim ; rdfs:label "a claim"@en ; '
                  'ket:claimId "ENAN-9" ; ket:claimStatus ket:Finding ; ket:about kr:r-ketamine ; '
                  "ket:statedIn kr:hashimoto-2020-section-III ; ket:hasEvidence _:e .\n")
    assert not blank_nodes(load_file(evidence)) & blank_nodes(load_file(claim))
    alone = cli(project, "validate", str(claim))
    together = cli(project, "validate", str(evidence), str(claim))
    assert alone.exit_code == 1, alone.output
    assert together.exit_code == 1, together.output  # the claim's evidence is still untyped and unreferenced
    assert "A claim needs at least one line of evidence" in together.output


def test_a_content_file_named_like_the_ontology_shares_no_blank_node(project_copy: Project) -> None:
    write(project_copy.content_dir / "ketrdf.ttl", PREFIX + "ex:a ex:p ( ex:b ex:c ) .\n")
    kg = load_sources(project_copy)
    assert blank_nodes(kg.ontology) and blank_nodes(kg.content)
    assert not blank_nodes(kg.ontology) & blank_nodes(kg.content)


# 14.12, 14.16, 14.17: Oxigraph's refusal is final and says where


@pytest.mark.parametrize(("text", "where", "why"), [
    (PREFIX + "# a note\rex:a ex:p ex:b .\nex:d!ex:q ex:p 1 .\n", "4:5", "! is not a valid predicate"),
    (PREFIX.replace("\n", "\r") + "# c\rex:a ex:p ex:b .\rex:a ex:p \"open .\r", "4:11", "end of file"),
    (PREFIX + "ex:a ex:p ex:b .\n\"lit\" ex:p ex:o .\n", "3:1", "is not a valid subject"),
    (PREFIX + "<relative> ex:p ex:o .\n", "2:1", "a relative IRI: set @base"),
])
def test_text_oxigraph_refuses_is_refused_with_its_line(
        tmp_path: Path, text: str, where: str, why: str) -> None:
    path = write(tmp_path / "bad.ttl", text)
    with pytest.raises(InputError, match=rf"bad\.ttl:{where}: Turtle syntax error: .*{re.escape(why)}"):
        load_file(path)


# 14.18: no base is taken from where the checkout lies


@pytest.mark.integration  # loads the review twice
def test_same_sources_in_two_folders_load_identically(tmp_path: Path) -> None:
    def copy(folder: Path) -> Project:
        for name in ("ontology", "shapes", "queries"):
            shutil.copytree(REPO / name, folder / name)
        write(folder / "ontology" / "content" / "extra.ttl",
              "@base <http://example.org/base/> .\n<a> <p> [ <q> ( 1 2 ) ] .\n")
        return Project(folder)

    first, second = copy(tmp_path / "one"), copy(tmp_path / "two" / "deeper")

    def lines(project: Project) -> list[str]:
        kg = load_sources(project)
        return sorted((kg.ontology + kg.content).serialize(format="nt").splitlines())

    assert lines(first) == lines(second)


# 14.13: many blank nodes alike are labelled at once, the same way every time


BOMB_SECONDS = 10  # issue 14, acceptance 4: labelled within 10 s, Python's start-up included
LABELS = ("import sys, pathlib, rdflib, ketrdf.rdfio.parse as load\n"
          "graph = load.load_file(pathlib.Path(sys.argv[1]))\n"
          "print(sorted({str(t) for triple in graph for t in triple if isinstance(t, rdflib.BNode)}))")


@pytest.mark.integration  # large generated inputs
@pytest.mark.parametrize(("name", "text", "count"), [
    ("list", PREFIX + "ex:a ex:p ( " + "0 " * 2000 + ") .\n", 2000),
    ("clique", PREFIX + "".join(f"_:n{a} ex:p _:n{b} .\n" for a in range(10) for b in range(10) if a != b),
     10),
])
def test_blank_nodes_alike_are_labelled_quickly_and_reproducibly(
        tmp_path: Path, name: str, text: str, count: int) -> None:
    path = write(tmp_path / f"{name}.ttl", text)
    runs = [subprocess.run([sys.executable, "-c", LABELS, str(path)], capture_output=True,
                           text=True, timeout=BOMB_SECONDS, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2")]
    assert runs[0] == runs[1]
    assert len(ast.literal_eval(runs[0])) == count


@pytest.mark.integration  # a subprocess
def test_ctrl_c_interrupts_a_load(tmp_path: Path) -> None:
    path = write(tmp_path / "list.ttl", PREFIX + "ex:a ex:p ( " + "0 " * 3000 + ") .\n")
    script = f"import time; from pathlib import Path; from ketrdf.rdfio.parse import load_file; " \
             f"load_file(Path({str(path)!r})); time.sleep({HANG})"
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    child.send_signal(signal.SIGINT)
    try:
        _, stderr = child.communicate(timeout=10)
    finally:
        child.kill()
    assert "KeyboardInterrupt" in stderr


# 14.14, 14.16: regular files only


@pytest.mark.integration  # a subprocess
def test_a_fifo_among_the_content_is_refused_not_waited_for(project_copy: Project) -> None:
    os.mkfifo(project_copy.content_dir / "pipe.ttl")
    for args in (["validate", str(project_copy.content_dir / "compounds.ttl")], ["build"],
                 ["query", "run", "timeline"]):
        done = ketrdf_process(project_copy, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert "pipe.ttl: is a named pipe (FIFO); ketrdf reads regular files only" in done.stderr, done.stderr


def test_a_device_behind_a_content_link_is_refused(project_copy: Project) -> None:
    (project_copy.content_dir / "zero.ttl").symlink_to("/dev/zero")
    result = cli(project_copy, "build", env={"KETRDF_MAX_INPUT_MB": "1"})
    assert result.exit_code == 2, result.output
    assert "zero.ttl: is a character device; ketrdf reads regular files only" in result.output


@pytest.mark.parametrize(("make", "message"), [
    (lambda path: path.symlink_to(path.parent / "gone.ttl"), r"link\.ttl: dangling symbolic link"),
    (lambda path: path.mkdir(), r"link\.ttl: is a directory"),
])
def test_a_content_entry_that_is_no_file_is_refused(
        project_copy: Project, make: object, message: str) -> None:
    make(project_copy.content_dir / "link.ttl")  # type: ignore[operator]
    for command in (["validate", str(project_copy.content_dir / "compounds.ttl")], ["build"]):
        result = cli(project_copy, *command)
        assert result.exit_code == 2, result.output
        assert re.search(message, result.output), result.output


# 14.15, 14.16: limits counted while parsing, and limits that are numbers


def test_triples_are_counted_while_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsing stops at the limit: a syntax error after it is never reached."""
    monkeypatch.setenv("KETRDF_MAX_TRIPLES", "1000")
    triples = "".join(f"ex:a ex:p {n} .\n" for n in range(1001))
    path = write(tmp_path / "many.ttl", PREFIX + triples + "ex:a ex:p")
    with pytest.raises(InputError, match=r"many\.ttl: more than the limit of 1000 triples"):
        load_file(path)


@pytest.mark.parametrize(("suffix", "text", "statements"), [
    (".nt", '_:a<a:>"".\n' * 50, 50),  # the shortest N-Triples statement
    (".ttl", "[<a:b>(" + "\"\"''" * 50 + ")].", 201),  # a list item "" gives rdf:first and rdf:rest
])
def test_no_text_holds_more_statements_than_its_length_allows(
        suffix: str, text: str, statements: int) -> None:
    """The parser's statements, duplicates too, are what the limit counts."""
    rdf_format = parse.FORMATS[suffix][0]
    assert len(list(ox.parse(text, format=rdf_format))) == statements
    assert len(text) >= statements * parse.FEWEST_CHARACTERS[rdf_format]


def test_a_text_too_short_to_go_over_the_limit_is_read_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real_parse = ox.parse

    def counted_parse(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real_parse(*args, **kwargs)

    monkeypatch.setattr(ox, "parse", counted_parse)
    monkeypatch.setenv("KETRDF_MAX_TRIPLES", "1000")
    short = write(tmp_path / "short.nt", "<http://example.org/a> <http://example.org/p> \"x\" .\n" * 5)
    load_file(short)
    assert len(calls) == 1
    monkeypatch.setenv("KETRDF_MAX_TRIPLES", "4")  # 5 statements of 51 characters: may be more than 4
    with pytest.raises(InputError, match=r"short\.nt: more than the limit of 4 triples"):
        load_file(short)
    assert len(calls) == 2  # counted first, refused before the second reading


def test_the_limit_holds_when_the_text_is_not_counted_first(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(parse.FEWEST_CHARACTERS, ox.RdfFormat.TURTLE, 10**9)  # never counted first
    monkeypatch.setenv("KETRDF_MAX_TRIPLES", "1000")
    path = write(tmp_path / "many.ttl", PREFIX + "".join(f"ex:a ex:p {n} .\n" for n in range(1001)))
    with pytest.raises(InputError, match=r"many\.ttl: more than the limit of 1000 triples"):
        load_file(path)


@pytest.mark.parametrize("variable", ["KETRDF_MAX_INPUT_MB", "KETRDF_MAX_TRIPLES"])
@pytest.mark.parametrize("value", ["nan", "inf", "1e400"])
def test_a_limit_that_is_no_finite_number_is_refused(project: Project, variable: str, value: str) -> None:
    result = cli(project, "validate", str(project.content_dir / "compounds.ttl"), env={variable: value})
    assert result.exit_code == 2, result.output
    assert f"{variable} must be a positive number" in result.output


def obo(classes: str) -> str:
    return ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" xmlns:owl="http://www.w3.org/2002/07/owl#">\n'
            f"{classes}</rdf:RDF>\n")


@pytest.mark.parametrize("command", ["import", "link"])
def test_import_and_link_bound_the_decompressed_input(
        project_copy: Project, tmp_path: Path, command: str) -> None:
    big_label = obo('<owl:Class rdf:about="http://purl.obolibrary.org/obo/CHEBI_1"><rdfs:label>'
                    + "x" * (3 * 1024 * 1024) + "</rdfs:label></owl:Class>\n")
    packed = tmp_path / "bomb.owl.gz"
    packed.write_bytes(gzip.compress(big_label.encode()))
    assert packed.stat().st_size < 100_000
    result = cli(project_copy, command, "chebi", str(packed), env={"KETRDF_MAX_INPUT_MB": "1"})
    assert result.exit_code == 2, result.output
    assert re.search(r"bomb\.owl\.gz: an element larger than 1048576 bytes", result.output), result.output
    many = obo("".join(f'<owl:Class rdf:about="http://purl.obolibrary.org/obo/CHEBI_{n}"/>\n'
                       for n in range(40_000)))
    packed.write_bytes(gzip.compress(many.encode()))
    result = cli(project_copy, command, "chebi", str(packed), env={"KETRDF_MAX_IMPORT_MB": "1"})
    assert result.exit_code == 2, result.output
    assert "bomb.owl.gz: more than 1048576 bytes once decompressed" in result.output


def test_import_refuses_a_class_iri_with_a_space(project_copy: Project, tmp_path: Path) -> None:
    fixture = (DATA / "obo" / "chebi-fixture.owl").read_text(encoding="utf-8")
    spaced = fixture.replace('rdf:about="http://purl.obolibrary.org/obo/CHEBI_6121"',
                             'rdf:about="http://purl.obolibrary.org/obo/CHEBI 6121"', 1)
    assert spaced != fixture
    source = write(tmp_path / "spaced.owl", spaced)
    result = cli(project_copy, "import", "chebi", str(source))
    assert result.exit_code == 2, result.output
    assert "spaced.owl: class <http://purl.obolibrary.org/obo/CHEBI 6121>: invalid IRI" in result.output
