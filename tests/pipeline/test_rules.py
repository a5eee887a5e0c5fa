"""Issue 14.15: a CONSTRUCT rule is bounded in time and in the triples it constructs.

A rule that is a cross product of the graph with itself (about 25 million rows
on the review) used to run unbounded during ``build``; now it stops with exit 2
and names the rule and the limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from ketrdf.project import Project

CROSS_PRODUCT = "CONSTRUCT { ?a <urn:ketrdf-test:pair> ?b } WHERE { ?a ?p ?o . ?b ?q ?r }\n"
COPY_EVERY_TRIPLE = "CONSTRUCT { ?s <urn:ketrdf-test:copy> ?o } WHERE { ?s ?p ?o }\n"


def _build(project: Project, **limits: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **limits}
    return subprocess.run([sys.executable, "-m", "ketrdf", "--project", str(project.root), "-q", "build"],
                          capture_output=True, text=True, env=environment, timeout=300, check=False)


def test_a_cross_product_rule_stops_at_the_time_limit(project_copy: Project) -> None:
    (project_copy.rules_dir / "cross-product.rq").write_text(CROSS_PRODUCT, encoding="utf-8")
    started = time.monotonic()
    finished = _build(project_copy, KETRDF_MAX_RULE_SECONDS="2")
    assert finished.returncode == 2, finished.stderr
    assert "rule cross-product" in finished.stderr
    assert "KETRDF_MAX_RULE_SECONDS" in finished.stderr
    assert "Traceback" not in finished.stderr
    assert time.monotonic() - started < 120
    assert not (project_copy.root / "build").exists()


def test_a_rule_constructing_too_many_triples_is_refused(project_copy: Project) -> None:
    (project_copy.rules_dir / "copy-every-triple.rq").write_text(COPY_EVERY_TRIPLE, encoding="utf-8")
    finished = _build(project_copy, KETRDF_MAX_TRIPLES="2500")
    assert finished.returncode == 2, finished.stderr
    assert "rule copy-every-triple" in finished.stderr
    assert "KETRDF_MAX_TRIPLES" in finished.stderr


def test_a_rule_time_limit_must_be_a_positive_number(project_copy: Project) -> None:
    finished = _build(project_copy, KETRDF_MAX_RULE_SECONDS="nan")
    assert finished.returncode == 2
    assert "KETRDF_MAX_RULE_SECONDS" in finished.stderr
