"""QC checks: each must return no rows on the review, and each has a fixture that trips it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import pytest

from ketrdf.pipeline.build import Checked, check_graph
from ketrdf.pipeline.qc import load_checks
from ketrdf.project import Project
from tests.support.paths import DATA

FIXTURES = sorted((DATA / "qc").glob("*.ttl"))
# The tests of one fixture run on one xdist worker (--dist loadgroup), so they share its build.
BY_FIXTURE = [pytest.param(f, id=f.stem, marks=pytest.mark.xdist_group(f"qc-{f.stem}")) for f in FIXTURES]


def expected_checks(fixture: Path) -> set[str]:
    match = re.search(r"^# expect: (.+)$", fixture.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{fixture.name} has no '# expect:' line"
    return set(match.group(1).split())


@pytest.fixture(scope="module")
def checked_with(project: Project) -> Callable[[Path], Checked]:
    """The review built with one fixture added, once per fixture for all the tests below."""
    return cache(lambda fixture: check_graph(project, extra_content=[fixture]))


def test_every_check_has_a_fixture(project: Project) -> None:
    names = {check.name for check in load_checks(project.qc_dir)}
    covered = set().union(*(expected_checks(fixture) for fixture in FIXTURES))
    assert names == covered


def test_the_review_passes_every_check(built: Checked) -> None:
    assert built.qc_problems == ()


@pytest.mark.integration  # a build of the review per fixture
@pytest.mark.parametrize("fixture", BY_FIXTURE)
def test_fixture_trips_exactly_its_checks(checked_with: Callable[[Path], Checked], fixture: Path) -> None:
    checked = checked_with(fixture)
    assert {problem.check for problem in checked.qc_problems} == expected_checks(fixture)


@pytest.mark.integration  # a build of the review
@pytest.mark.xdist_group("qc-ordering-cycle--contradicting-claims")
def test_a_cycle_names_the_claims_involved(checked_with: Callable[[Path], Checked]) -> None:
    # ENAN-9 and T2-antidepressant put (R) above (S); the fixture says the opposite.
    checked = checked_with(DATA / "qc" / "ordering-cycle--contradicting-claims.ttl")
    lines = [problem.describe() for problem in checked.qc_problems]
    r_line = next(line for line in lines if line.startswith("QC ordering-cycle-violation: <https://w3id.org/ketrdf/resource/r-ketamine>"))
    assert "moreAntidepressantThan" in r_line and "ENAN-9" in r_line and "T2-antidepressant" in r_line


@pytest.mark.integration  # a build of the review per fixture
@pytest.mark.parametrize("fixture", BY_FIXTURE)
def test_qc_on_oxigraph_finds_what_rdflib_finds(
    project: Project, checked_with: Callable[[Path], Checked], fixture: Path
) -> None:
    """QC runs on Oxigraph in the build (its problems are ``checked``'s); rdflib's engine is the reference.

    The reference runs the checks the fixture trips (the others find nothing on Oxigraph:
    ``test_fixture_trips_exactly_its_checks``), so each check is compared where it finds something.
    """
    from ketrdf.engines.sparql import sparql_engine
    from ketrdf.engines.validators import get_validator
    from ketrdf.pipeline.qc import QcProblem, run_checks

    assert get_validator().sparql_engine == "oxigraph"  # the engine check_graph ran the checks on
    checked = checked_with(fixture)
    tripped = [check for check in load_checks(project.qc_dir) if check.name in expected_checks(fixture)]
    reference = run_checks(sparql_engine("rdflib", checked.kg), tripped)
    # GROUP_CONCAT lists (claim ids in a message) have no order in SPARQL: compared as sorted items
    def found(problems: Iterable[QcProblem]) -> list[tuple[str, str, list[str]]]:
        return [(p.check, p.focus, sorted(re.split(r", |; |: ", p.message))) for p in problems]

    assert found(checked.qc_problems) == found(reference) != []
