"""Hostile and broken input: a documented exit code, a one-line message, no traceback.

Each case writes its input into a scratch folder, runs the command line, and
checks the exit code, the message (which names the problem and where), that
no traceback is printed, and that nothing was written where it should not be.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from ketrdf.cli import main
from ketrdf.project import Project

pytestmark = pytest.mark.integration  # each case runs a command on the review

HEAD = (
    "@prefix ket: <https://w3id.org/ketrdf/ontology#> .\n@prefix kr: <https://w3id.org/ketrdf/resource/> .\n"
    "@prefix ex: <http://example.org/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
)
CLAIM = (
    'ex:c a ket:{kind} ; rdfs:label "a test claim"@en ; ket:claimId "ENAN-9" ; ket:claimStatus ket:Finding ; '
    "ket:about kr:r-ketamine ; ket:statedIn kr:hashimoto-2020-section-III ; ket:hasEvidence ex:e ; {body} .\n"
    'ex:e a ket:ReviewSynthesis ; rdfs:label "evidence"@en ; ket:citesReference {reference} .\n'
)


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, the command, and what must come back."""

    name: str
    write: Callable[[Path], list[str]]
    code: int
    message: str
    env: dict[str, str] = field(default_factory=dict)


def file_case(
    name: str,
    content: str | bytes,
    code: int,
    message: str,
    suffix: str = ".ttl",
    env: dict[str, str] | None = None,
) -> Case:
    def write(folder: Path) -> list[str]:
        path = folder / f"input{suffix}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return ["validate", str(path)]

    return Case(name, write, code, message, env or {})


def command_case(name: str, args: list[str], code: int, message: str) -> Case:
    return Case(name, lambda _folder: args, code, message)


def deep_nesting(depth: int) -> str:
    return HEAD + "ex:a ex:p " + "[ ex:p " * depth + "1" + " ]" * depth + " .\n"


def directory(folder: Path) -> list[str]:
    (folder / "folder.ttl").mkdir()
    return ["validate", str(folder / "folder.ttl")]


def dangling_link(folder: Path) -> list[str]:
    (folder / "link.ttl").symlink_to(folder / "missing.ttl")
    return ["validate", str(folder / "link.ttl")]


def export_under_a_file(folder: Path) -> list[str]:
    (folder / "plain").write_text("not a folder", encoding="utf-8")
    return ["export", "--format", "turtle", "-o", str(folder / "plain" / "out.ttl")]


CASES = [
    file_case("truncated Turtle", HEAD + "ex:a ex:p ex:", 2, r"input\.ttl:\d+:?\d*: [Tt]urtle syntax error"),
    file_case(
        "missing final dot",
        HEAD + "ex:a ex:p ex:b\nex:c ex:p ex:d .\n",
        2,
        r"input\.ttl:8:\d+: Turtle syntax",
    ),
    file_case("undefined prefix", HEAD + "ex:a nope:p ex:b .\n", 2, r"input\.ttl:7:\d+: .*nope"),
    file_case(
        "unterminated string", HEAD + 'ex:a ex:p "open .\n', 2, r"input\.ttl:7:\d+: Turtle syntax error"
    ),
    file_case(
        "Latin-1 bytes",
        (HEAD + 'ex:a ex:p "caf\xe9" .\n').encode("latin-1"),
        2,
        r"input\.ttl:7: not valid UTF-8",
    ),
    file_case(
        "UTF-16 file", (HEAD + "ex:a ex:p ex:b .\n").encode("utf-16"), 2, r"input\.ttl:1: not valid UTF-8"
    ),
    file_case(
        "byte-order mark is accepted",
        b"\xef\xbb\xbf" + (HEAD + "kr:r-ketamine ex:note 1 .\n").encode(),
        0,
        "conforms",
    ),
    file_case(
        "literal with a wrong datatype",
        HEAD
        + CLAIM.format(kind="EventClaim", body="ket:reportsEvent ex:ev", reference="kr:hashimoto-2020")
        + 'ex:ev a ket:Event ; rdfs:label "e"@en , "e"@ja ; ket:eventType kr:synthesis ; '
        'ket:date "abc"^^xsd:date .\n',
        3,
        r"inconsistent under OWL-RL: Lexical value of the literal 'abc' does not match its datatype",
    ),
    file_case(
        "50 MB literal",
        HEAD + 'ex:a ex:p "' + "x" * (50 * 1024 * 1024) + '" .\n',
        2,
        r"input\.ttl: \d+ bytes is larger than the input limit of 33554432 bytes",
    ),
    file_case(
        "100,000-element RDF list over the triple limit",
        HEAD + "ex:a ex:p ( " + " ".join(map(str, range(100_000))) + " ) .\n",
        2,
        r"input\.ttl: more than the limit of 100000 triples",
        env={"KETRDF_MAX_TRIPLES": "100000"},
    ),
    file_case("deeply nested blank nodes", deep_nesting(5000), 2, r"input\.ttl: nested too deeply to parse"),
    file_case(
        "IRI with a space",
        HEAD + "<http://example.org/a b> ex:p ex:b .\n",
        2,
        r"input\.ttl:7:1: Turtle syntax error: Invalid IRI code point ' '",
    ),
    file_case(
        "claim citing a missing reference",
        HEAD
        + CLAIM.format(
            kind="Comparison",
            reference="<https://w3id.org/ketrdf/resource/hashimoto-2020/ref/99>",
            body="ket:comparand kr:r-ketamine ; ket:referent kr:s-ketamine ; "
            "ket:onEndpoint kr:antidepressant-effect ; ket:direction ket:Greater",
        ),
        1,
        r"ket:citesReference: Evidence must cite at least one publication",
    ),
    file_case(
        "cycle in an ordering",
        HEAD
        + CLAIM.format(
            kind="Comparison",
            reference="kr:hashimoto-2020",
            body="ket:comparand kr:s-ketamine ; ket:referent kr:r-ketamine ; "
            "ket:onEndpoint kr:antidepressant-effect ; ket:direction ket:Greater",
        ),
        1,
        r"QC ordering-cycle-violation: <https://w3id.org/ketrdf/resource/r-ketamine> ranks above itself",
    ),
    file_case(
        "inconsistent with the ontology",
        HEAD + "ket:Racemate owl:disjointWith ket:Enantiomer .\nkr:r-ketamine a ket:Racemate .\n",
        3,
        "inconsistent under OWL-RL",
    ),
    file_case("empty file", "", 2, r"input\.ttl: contains no triples"),
    file_case("prefixes only", HEAD, 2, r"input\.ttl: contains no triples"),
    Case("directory where a file is expected", directory, 2, r"folder\.ttl: is a directory"),
    Case("dangling link (unreadable file)", dangling_link, 2, r"does not exist"),
    file_case(
        "JSON-LD with a remote @context",
        json.dumps({"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}),
        2,
        r"input\.jsonld: JSON-LD @context 'https://schema.org/' is remote",
        suffix=".jsonld",
    ),
    file_case(
        "JSON-LD with a nested remote @context",
        json.dumps(
            {"@context": {"n": "http://e/n"}, "@graph": [{"@context": ["https://e.org/ctx"], "@id": "x"}]}
        ),
        2,
        r"is remote; ketrdf never fetches",
        suffix=".jsonld",
    ),
    file_case("malformed JSON-LD", '{"@id": "http://e/a", ', 2, r"input\.jsonld:1:\d+: ", suffix=".jsonld"),
    file_case(
        "owl:imports of a remote IRI",
        HEAD + "ex:o a owl:Ontology ; owl:imports <http://purl.obolibrary.org/obo/bfo.owl> .\n",
        2,
        r"owl:imports <http://purl.obolibrary.org/obo/bfo.owl> has no local file",
    ),
    file_case("unknown file type", "<rdf:RDF/>", 2, r"unknown RDF file type '\.xml'", suffix=".xml"),
    file_case(
        "malformed N-Triples",
        "<http://e/a> <http://e/p> <http://e/b> .\n<http://e/a> <http://e/p .\n",
        2,
        r"input\.nt:2:\d+: N-Triples syntax error",
        suffix=".nt",
    ),
    file_case(
        "input limit that is not a number",
        HEAD + "ex:a ex:p ex:b .\n",
        2,
        r"KETRDF_MAX_INPUT_MB must be a positive number of megabytes, not 'abc'",
        env={"KETRDF_MAX_INPUT_MB": "abc"},
    ),
    command_case(
        "SPARQL with SERVICE",
        ["sparql", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"],
        2,
        "SERVICE clauses are refused",
    ),
    command_case(
        "SPARQL with FROM",
        ["sparql", "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"],
        2,
        "FROM and FROM NAMED are refused",
    ),
    command_case(
        "SPARQL syntax error", ["sparql", "SELEKT * WHERE { ?s ?p ?o }"], 2, "query: SPARQL syntax error"
    ),
    command_case(
        "SPARQL update", ["sparql", "INSERT DATA { <http://e/a> <http://e/p> 1 }"], 2,
        r"updates \(INSERT, .*\) are refused",
    ),
    command_case(
        "query that runs for ever",
        ["sparql", "--timeout", "1", "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"],
        2,
        r"query: stopped after the time limit of 1 s \(--timeout\)",
    ),
    command_case("unknown saved query", ["query", "run", "nope"], 2, "unknown query 'nope'; saved queries: "),
    command_case(
        "missing parameter", ["query", "run", "compare", "-p", "a=arketamine"], 2, "needs parameter 'b'"
    ),
    command_case(
        "unknown parameter", ["query", "run", "timeline", "-p", "colour=red"], 2, "has no parameter 'colour'"
    ),
    command_case(
        "hostile parameter value",
        ["query", "run", "weaker-forms", "-p", "form=} ; DROP ALL ; {"],
        2,
        "names no single ket:ChemicalEntity; choices: ",
    ),
    command_case(
        "bad language tag", ["query", "run", "timeline", "-p", "lang=en gb"], 2, "takes a language tag"
    ),
    command_case(
        "parameter without a value", ["query", "run", "timeline", "-p", "lang"], 2, "--param takes NAME=VALUE"
    ),
    Case("export under a file", export_under_a_file, 2, r"plain/out\.ttl: cannot write"),
    command_case(
        "unknown export format", ["export", "--format", "rdfxml"], 2, "Invalid value for '--format'"
    ),
]


def test_the_corpus_has_at_least_30_cases() -> None:
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(review_build: Project, tmp_path: Path, case: Case) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    args = case.write(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KETRDF_")}, **case.env}
    result = CliRunner().invoke(main, ["--project", str(review_build.root), "--quiet", *args], env=env)
    output = result.stdout + result.stderr
    assert result.exit_code == case.code, output[-2000:]
    assert __import__("re").search(case.message, output), output[-2000:]
    assert "Traceback" not in output
    if case.code != 0:
        error_lines = [line for line in result.stderr.splitlines() if line.startswith("ketrdf: error:")]
        usage_error = "Usage:" in result.stderr
        assert len(error_lines) == 1 or usage_error, result.stderr[-2000:]
    # Nothing new appears beside the inputs: no partial output files.
    assert sorted(p.name for p in tmp_path.iterdir()) == written
    assert set(before) <= set(written)
