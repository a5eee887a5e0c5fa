"""The W3C SHACL Core test suite through both validators, result by result (see tests/support/shacl_suite.py).

The suite lives beside the repository, in ``../shared/conformance/shacl-core``; without it this
test fails, it never skips. Expected failures are listed per validator, each with its reason,
and the default validator may have no more of them than pyshacl, the reference.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ketrdf.engines.validators import validator_names
from ketrdf.errors import KetError
from ketrdf.pipeline.validate import validate
from tests.support.literals import exact_literals
from tests.support.paths import REPO
from tests.support.shacl_suite import SHT, Case, cases, compare

SUITE = (REPO / ".." / "shared" / "conformance" / "shacl-core").resolve()

_ONE_IS_NOT_TRUE = ('sh:uniqueLang "1"^^xsd:boolean must not activate the constraint (only true does); '
                    "the engine compares the boolean by value, and 1 is true")
#: Test id -> why the validator fails it (strict: a test listed here that passes fails the run).
EXPECTED_FAILURES: dict[str, dict[str, str]] = {
    "fast": {"property/uniqueLang-002": _ONE_IS_NOT_TRUE},
    "pyshacl": {"property/uniqueLang-002": _ONE_IS_NOT_TRUE},
}

#: Cases that take seconds, not milliseconds: left to `make test`.
SLOW = {("pyshacl", "complex/shacl-shacl")}


def _cases() -> list[Case]:
    if not (SUITE / "manifest.ttl").is_file():
        return []
    with exact_literals():
        return sorted(cases(SUITE), key=lambda case: case.id)


CASES = _cases()


def test_the_suite_is_there_and_whole() -> None:
    assert (SUITE / "manifest.ttl").is_file(), f"the W3C SHACL Core suite is missing: {SUITE}"
    assert len(CASES) == 98
    assert len({case.id for case in CASES}) == len(CASES)


def test_the_default_validator_fails_no_more_cases_than_pyshacl() -> None:
    assert len(EXPECTED_FAILURES["fast"]) <= len(EXPECTED_FAILURES["pyshacl"])
    known = {case.id for case in CASES}
    for validator, failures in EXPECTED_FAILURES.items():
        assert set(failures) <= known, f"{validator}: unknown test ids {sorted(set(failures) - known)}"


def _params() -> Iterator[object]:
    for validator in validator_names():
        for case in CASES:
            reason = EXPECTED_FAILURES[validator].get(case.id)
            marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
            if (validator, case.id) in SLOW:
                marks.append(pytest.mark.integration)
            yield pytest.param(validator, case, marks=marks, id=f"{validator}-{case.id}")


@pytest.mark.parametrize(("validator", "case"), list(_params()))
def test_w3c_shacl_core(validator: str, case: Case) -> None:
    if case.expected == SHT.Failure:
        with pytest.raises(KetError):
            validate(case.data, case.shapes, validator)
        return
    report = validate(case.data, case.shapes, validator)
    problems = compare(case, report.report_graph)
    assert not problems, "\n".join(problems)

