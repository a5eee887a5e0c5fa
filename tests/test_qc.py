"""QC checks: each must return no rows on the review, and each has a fixture that trips it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ketrdf.pipeline.build import Checked, check_graph
from ketrdf.pipeline.qc import load_checks
from ketrdf.project import Project
from tests.conftest import DATA

FIXTURES = sorted((DATA / "qc").glob("*.ttl"))


def expected_checks(fixture: Path) -> set[str]:
    match = re.search(r"^# expect: (.+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{fixture.name} has no '# expect:' line"
    return set(match.group(1).split())


def test_every_check_has_a_fixture(project: Project) -> None:
    names = {check.name for check in load_checks(project.qc_dir)}
    covered = set().union(*(expected_checks(fixture) for fixture in FIXTURES))
    assert names == covered


def test_the_review_passes_every_check(built: Checked) -> None:
    assert built.qc_problems == ()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_fixture_trips_exactly_its_checks(project: Project, fixture: Path) -> None:
    checked = check_graph(project, extra_content=[fixture])
    assert {problem.check for problem in checked.qc_problems} == expected_checks(fixture)


def test_a_cycle_names_the_claims_involved(project: Project) -> None:
    # ENAN-9 and T2-antidepressant put (R) above (S); the fixture says the opposite.
    checked = check_graph(project, extra_content=[DATA / "qc" / "ordering-cycle--contradicting-claims.ttl"])
    lines = [problem.describe() for problem in checked.qc_problems]
    r_line = next(line for line in lines if line.startswith("QC ordering-cycle-violation: <https://w3id.org/ketrdf/resource/r-ketamine>"))
    assert "moreAntidepressantThan" in r_line and "ENAN-9" in r_line and "T2-antidepressant" in r_line


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_qc_on_oxigraph_finds_what_rdflib_finds(project: Project, fixture: Path) -> None:
    """QC runs on Oxigraph in the build; rdflib's engine is the reference."""
    from ketrdf.engines.sparql import SparqlEngine, sparql_engine
    from ketrdf.pipeline.qc import run_checks

    checked = check_graph(project, extra_content=[fixture])
    checks = load_checks(project.qc_dir)
    # GROUP_CONCAT lists (claim ids in a message) have no order in SPARQL: compared as sorted items
    def found(engine: SparqlEngine) -> list[tuple[str, str, list[str]]]:
        problems = run_checks(engine, checks)
        return [(p.check, p.focus, sorted(re.split(r", |; |: ", p.message))) for p in problems]

    assert found(sparql_engine("oxigraph", checked.kg)) == found(sparql_engine("rdflib", checked.kg)) != []
