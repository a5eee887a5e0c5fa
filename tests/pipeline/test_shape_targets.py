"""Shapes beyond the project's own: every target kind and nested property shapes fail a build when
violated, a shape term no validator checks is refused, and no shape makes a request.

Each case runs through the command line with both validators (``--validator fast|pyshacl``).
"""

from __future__ import annotations

import http.server
import re
import shutil
import threading
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph

from ketrdf.cli import main
from ketrdf.engines.validators import validator_names
from ketrdf.pipeline.validate import validate
from ketrdf.project import Project
from tests.support.paths import DATA

TARGETS = DATA / "targets"
CASES = sorted(path.name.removesuffix(".shapes.ttl") for path in TARGETS.glob("*.shapes.ttl"))
EX = "http://example.org/ketrdf-test/"
PREFIXES = """@prefix ex: <http://example.org/ketrdf-test/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


def run(project: Project, validator: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), "--quiet", "--validator", validator,
                                     *args])


def add_shapes(project: Project, name: str, text: str) -> None:
    (project.root / "shapes" / name).write_text(PREFIXES + text, encoding="utf-8")


class Listener:
    """A loopback HTTP server that counts the requests it receives (it should receive none)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(f"{self.command} {self.path}")
                self.send_response(500)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *_args: object) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_every_case_has_data_that_breaks_it() -> None:
    assert CASES == ["implicitClassTarget", "nestedProperty", "targetNode", "targetObjectsOf",
                     "targetSubjectsOf"]
    for case in CASES:
        assert (TARGETS / f"{case}.ttl").is_file()


def expected(case: str) -> tuple[str, str]:
    """The focus node and the shape of the one violation ``CASE.ttl`` must give (its ``# expect:`` line)."""
    data = TARGETS / f"{case}.ttl"
    match = re.search(r"^# expect: ex:(\S+) ex:(\S+)$", data.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{data.name} has no '# expect:' line"
    focus, shape = match.groups()
    return focus, shape


@pytest.mark.parametrize("validator", validator_names())
@pytest.mark.parametrize("case", CASES)
def test_each_kind_of_target_finds_its_focus_node(validator: str, case: str) -> None:
    focus, shape = expected(case)
    report = validate(Graph().parse(TARGETS / f"{case}.ttl"), Graph().parse(TARGETS / f"{case}.shapes.ttl"),
                      validator)
    assert [(result.focus_node, result.source_shape) for result in report.results] == [
        (f"<{EX}{focus}>", f"ex:{shape}")]


@pytest.mark.integration  # a build of the review per validator
@pytest.mark.parametrize("validator", validator_names())
def test_a_project_shape_violated_fails_validate_with_its_violation(project_copy: Project,
                                                                    validator: str) -> None:
    """Through the command line: the shapes of the project's folder reach the data given to validate
    (one case: the nested property shape, whose violation is on a value, not on the focus node)."""
    case = "nestedProperty"
    shutil.copy(TARGETS / f"{case}.shapes.ttl", project_copy.root / "shapes" / f"{case}.shapes.ttl")
    focus, _shape = expected(case)
    result = run(project_copy, validator, "validate", str(TARGETS / f"{case}.ttl"))
    assert result.exit_code == 1, result.output
    violations = [line for line in result.stderr.splitlines() if line.startswith("Violation:")]
    assert len(violations) == 1, result.stderr
    assert violations[0].startswith(f"Violation: <{EX}{focus}>"), violations[0]


@pytest.mark.parametrize("validator", validator_names())
@pytest.mark.parametrize(("shape", "message"), [
    ("ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCounts 1 ] .",
     r"<http://example.org/ketrdf-test/S> uses sh:minCounts, which ketrdf's validators do not check"),
    ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:js [ sh:jsFunctionName 'f' ] .",
     r"<http://example.org/ketrdf-test/S> uses sh:js, which"),
    ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:rule [ a sh:TripleRule ] .",
     r"<http://example.org/ketrdf-test/S> uses sh:rule, which"),
    ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ a sh:JSConstraint ] .",
     r"<http://example.org/ketrdf-test/S> is a sh:JSConstraint, which"),
])
def test_a_shape_term_no_validator_checks_is_refused(
    project_copy: Project, validator: str, shape: str, message: str
) -> None:
    add_shapes(project_copy, "extra.shapes.ttl", shape)
    result = run(project_copy, validator, "build")
    assert result.exit_code == 2, result.output
    assert re.search(message, result.stderr), result.stderr


@pytest.mark.parametrize("validator", validator_names())
@pytest.mark.parametrize("where", ["constraint", "target", "validator"])
def test_a_shape_with_service_is_refused_and_sends_nothing(
    project_copy: Project, listener: Listener, validator: str, where: str
) -> None:
    select = f'"""SELECT $this WHERE {{ SERVICE <{listener.url}> {{ $this ?p ?o }} }}"""'
    shapes = {
        "constraint": f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select {select} ] .",
        "target": f"ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select {select} ] ; "
                  "sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "validator": "ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:flag ] ; "
                     f'sh:validator [ a sh:SPARQLAskValidator ; sh:ask """ASK {{ SERVICE <{listener.url}> '
                     '{ $value ?p ?o } }""" ] . ex:S sh:targetNode ex:a ; ex:flag true .',
    }
    add_shapes(project_copy, "service.shapes.ttl", shapes[where])
    result = run(project_copy, validator, "build")
    assert result.exit_code == 2, result.output
    assert "SERVICE clauses are refused" in result.stderr, result.stderr
    assert f"ketrdf: error: shapes: <{EX}" in result.stderr, result.stderr
    assert listener.requests == []


@pytest.mark.parametrize("validator", validator_names())
def test_owl_imports_in_shapes_or_data_are_not_followed(listener: Listener, validator: str) -> None:
    text = PREFIXES + f"<{EX}graph> owl:imports <{listener.url}imported.ttl> .\n"
    shape = "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:maxCount 0 ] ."
    shapes = Graph().parse(data=text + shape, format="turtle")
    data = Graph().parse(data=text + "ex:a ex:q 1 .", format="turtle")
    assert validate(data, shapes, validator).conforms
    assert listener.requests == []
