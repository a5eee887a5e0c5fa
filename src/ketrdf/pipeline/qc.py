"""Quality-control checks: SPARQL queries in ``queries/qc/`` that must return no rows.

Each ``*-violation.rq`` selects ``?focus`` and ``?message``; every row is a
problem a curator must fix. They run on the reasoned graph, after SHACL, in
the manner of ODK's ``robot verify``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ketrdf.errors import InputError
from ketrdf.query.engine import SparqlEngine
from ketrdf.query.gate import check as gate_check
from ketrdf.query.saved import SavedQuery, read_saved_query


@dataclass(frozen=True)
class QcProblem:
    """One row of a QC check."""

    check: str
    focus: str
    message: str

    def describe(self) -> str:
        """One line: the check, the focus node and what is wrong."""
        return f"QC {self.check}: <{self.focus}> {self.message}"


def load_checks(folder: Path) -> list[SavedQuery]:
    """Every ``*-violation.rq`` in ``folder``, in name order."""
    checks = [read_saved_query(path) for path in sorted(folder.glob("*-violation.rq"))]
    for check in checks:
        verdict = gate_check(check.text, str(check.path))[0]
        if verdict.form != "SELECT" or not {"focus", "message"} <= set(verdict.projected):
            raise InputError(f"{check.path}: a QC check must be a SELECT of ?focus and ?message")
    return checks


def run_checks(engine: SparqlEngine, checks: list[SavedQuery]) -> list[QcProblem]:
    """Run every check with ``engine`` (see :mod:`ketrdf.engines.sparql`)."""
    problems = []
    for check in checks:
        result = engine.run(check.text, origin=str(check.path))
        focus_at = result.variables.index("focus")
        message_at = result.variables.index("message")
        for row in result.rows:
            problems.append(QcProblem(check.name, str(row[focus_at]), str(row[message_at])))
    return problems
