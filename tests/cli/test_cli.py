"""The command line: summaries, exit codes, errors in one line, nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ketrdf.cli import main
from ketrdf.project import Project
from tests.support.paths import DATA

pytestmark = pytest.mark.integration  # the commands on the whole review, one in a subprocess


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), "--quiet", *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def test_build_prints_a_summary_and_writes_artefacts(project_copy: Project) -> None:
    result = run(project_copy, "build")
    assert result.exit_code == 0, result.output
    assert "asserted triples:" in result.stdout and "inferred triples:" in result.stdout
    assert "conforms" in result.stdout
    names = set(snapshot(project_copy.build_dir))
    assert {"ketrdf-asserted.ttl", "ketrdf-inferred.ttl", "ketrdf.trig", "ketrdf.nq",
            "manifest.json", "validation-report.ttl"} <= names
    assert not [n for n in names if n.endswith(".tmp")]


def test_malformed_turtle_exits_2_naming_file_and_line_and_keeps_the_build(
    project_copy: Project,
) -> None:
    assert run(project_copy, "build").exit_code == 0
    before = snapshot(project_copy.build_dir)
    broken = project_copy.content_dir / "compounds.ttl"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nkr:x kr:y \"unterminated .\n",
                      encoding="utf-8")
    result = run(project_copy, "build")
    assert result.exit_code == 2
    line_count = broken.read_text(encoding="utf-8").count("\n")
    assert f"compounds.ttl:{line_count}:" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(project_copy.build_dir) == before


def test_claim_breaking_a_shape_exits_1_with_a_report_in_words(project_copy: Project) -> None:
    assert run(project_copy, "build").exit_code == 0
    before = snapshot(project_copy.build_dir)
    fixture = DATA / "shapes" / "invalid" / "Claim-evidence--missing.ttl"
    (project_copy.content_dir / "new-claim.ttl").write_bytes(fixture.read_bytes())
    result = run(project_copy, "build")
    assert result.exit_code == 1
    assert ("Violation: <http://example.org/ketrdf-test/c> (a test claim) ket:hasEvidence: "
            "A claim needs at least one line of evidence") in result.stderr
    assert "validation failed: 1 SHACL violation(s), 1 QC problem(s)" in result.stderr
    assert "QC claim-without-reference-violation: <http://example.org/ketrdf-test/c>" in result.stderr
    after = snapshot(project_copy.build_dir)
    assert {k: v for k, v in after.items() if k != "validation-report.ttl"} == {
        k: v for k, v in before.items() if k != "validation-report.ttl"}


def test_validate_checks_files_without_touching_the_build(project_copy: Project) -> None:
    good = DATA / "shapes" / "valid" / "comparison-by-direction.ttl"
    bad = DATA / "shapes" / "invalid" / "Claim-claimId--not-in-digest.ttl"
    ok = run(project_copy, "validate", str(good))
    assert ok.exit_code == 0 and "conforms" in ok.stdout
    failed = run(project_copy, "validate", str(bad))
    assert failed.exit_code == 1 and "ket:claimId" in failed.stderr
    assert not project_copy.build_dir.exists()


def test_inconsistent_ontology_exits_3(project_copy: Project) -> None:
    (project_copy.content_dir / "clash.ttl").write_text(
        "@prefix ket: <https://w3id.org/ketrdf/ontology#> .\n"
        "@prefix kr: <https://w3id.org/ketrdf/resource/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "ket:Racemate owl:disjointWith ket:Enantiomer .\n"
        "kr:r-ketamine a ket:Racemate .\n", encoding="utf-8")
    result = run(project_copy, "build")
    assert result.exit_code == 3 and "inconsistent" in result.stderr


def test_query_run_unknown_name_and_missing_parameter_exit_2(review_build: Project) -> None:
    unknown = run(review_build, "query", "run", "nope")
    assert unknown.exit_code == 2
    assert "saved queries: adverse-effects-by-form, antidepressant-ranking, compare" in unknown.stderr
    missing = run(review_build, "query", "run", "compare", "-p", "a=arketamine")
    assert missing.exit_code == 2 and "needs parameter 'b'" in missing.stderr
    unknown_value = run(review_build, "query", "run", "compare", "-p", "a=arketamine", "-p", "b=nothing",
                        "-p", "endpoint=antidepressant")
    assert unknown_value.exit_code == 2
    assert "'nothing' names no single ket:ChemicalEntity; choices: (+)-MK-801" in unknown_value.stderr
    malformed = run(review_build, "query", "run", "evidence", "--param", "claim")
    assert malformed.exit_code == 2 and "NAME=VALUE" in malformed.stderr


def test_compare_arketamine_and_esketamine_on_antidepressant_effect(review_build: Project) -> None:
    # ENAN-9 and T2-antidepressant: (R) > (S), stated and inferred through (R,S).
    result = run(review_build, "query", "run", "compare", "--param", "a=arketamine",
                 "--param", "b=esketamine", "--param", "endpoint=antidepressant", "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["results"]["bindings"]
    assert row["answer"]["value"] == "(R)-ketamine > (S)-ketamine on antidepressant effect"
    assert row["basis"]["value"] == "stated and inferred"


def test_query_run_prints_the_ranking_with_r_first(review_build: Project) -> None:
    # T2-antidepressant: (R)-ketamine ranks first, (S)-ketamine last.
    result = run(review_build, "query", "run", "antidepressant-ranking", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert rows[0]["superior_label"]["value"] == "(R)-ketamine"
    assert rows[-1]["inferior_label"]["value"] == "(S)-ketamine"


def test_query_run_with_a_parameter_and_output_file(review_build: Project, tmp_path: Path) -> None:
    out = tmp_path / "enan-9.csv"
    result = run(review_build, "query", "run", "evidence", "-p", "claim=ENAN-9", "--format", "csv",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = out.read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 5 and all(row.startswith("ENAN-9,") for row in rows)


def test_query_list_shows_questions_and_parameters(review_build: Project) -> None:
    result = run(review_build, "query", "list")
    assert "antidepressant-ranking:" in result.stdout
    assert "--param a=... (ket:ChemicalEntity, required)" in result.stdout


def test_sparql_text_file_and_syntax_error(review_build: Project, tmp_path: Path) -> None:
    ask = run(review_build, "sparql", "ASK { kr:rs-ketamine ket:hasPart kr:r-ketamine }", "--format", "json")
    assert ask.exit_code == 0 and json.loads(ask.stdout)["boolean"] is True
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?part WHERE { kr:rs-ketamine ket:hasPart ?part } ORDER BY ?part",
                     encoding="utf-8")
    parts = run(review_build, "sparql", str(query), "--format", "csv")
    assert parts.stdout.splitlines()[1:] == [
        "https://w3id.org/ketrdf/resource/r-ketamine", "https://w3id.org/ketrdf/resource/s-ketamine"]
    bad = run(review_build, "sparql", "SELECT WHERE {")
    assert bad.exit_code == 2 and "SPARQL syntax error" in bad.stderr


@pytest.mark.parametrize("fmt", ["turtle", "nt", "trig", "nquads", "jsonld"])
def test_export_writes_each_format(review_build: Project, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = run(review_build, "export", "--format", fmt, "--graph", "inferred", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_console_script_runs_as_a_module() -> None:
    result = subprocess.run([sys.executable, "-m", "ketrdf", "--help"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and "Exit codes" in result.stdout


def test_unexpected_error_exits_4_in_one_line_and_debug_shows_the_traceback(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ketrdf.query.saved.load_saved_queries", explode)
    result = run(project, "query", "list")
    assert result.exit_code == 4
    assert result.stderr.strip() == (
        "ketrdf: error: internal error: RuntimeError: boom (rerun with --debug)")
    debug = CliRunner().invoke(main, ["--project", str(project.root), "--debug", "query", "list"])
    assert isinstance(debug.exception, RuntimeError)


def test_running_out_of_memory_exits_2_in_one_line_not_as_a_bug(
    project_copy: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of memory while parsing a rule: not a SPARQL syntax error (the gate passes it on), not exit 4."""
    from ketrdf.query import gate

    def exhausted(_text: str) -> None:
        raise MemoryError

    monkeypatch.setattr(gate, "_parse", exhausted)
    monkeypatch.setattr(gate, "_VERDICTS", {})
    monkeypatch.setattr("ketrdf.pipeline.build.recall", lambda _software: 0)  # every text parsed again
    result = run(project_copy, "build", "--force")
    assert result.exit_code == 2
    assert result.stderr.startswith("ketrdf: error: out of memory:") and result.stderr.count("\n") == 1
    assert not project_copy.build_dir.exists()


def test_the_command_line_aborts_rather_than_hangs_when_a_rust_library_runs_out_of_memory(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With RUST_BACKTRACE set, a panic's backtrace printed without memory hangs the process (seen
    in pyoxigraph): the command line turns it off, unless --debug asks for every detail."""
    monkeypatch.setenv("RUST_BACKTRACE", "1")
    run(project, "query", "list")
    assert os.environ["RUST_BACKTRACE"] == "0"
    monkeypatch.setenv("RUST_BACKTRACE", "1")
    CliRunner().invoke(main, ["--project", str(project.root), "--debug", "query", "list"])
    assert os.environ["RUST_BACKTRACE"] == "1"


def test_queries_reuse_the_build_while_sources_are_unchanged(project_copy: Project) -> None:
    from ketrdf.pipeline.build import check_graph
    from ketrdf.pipeline.cache import cached_graph
    from ketrdf.rdfio.writers import serialize

    assert cached_graph(project_copy) is None
    assert run(project_copy, "build").exit_code == 0
    cached = cached_graph(project_copy)
    assert cached is not None
    fresh = check_graph(project_copy).kg
    for name, graph in cached.named_graphs().items():
        assert set(graph) == set(fresh.named_graphs()[name]), name
    # Exports from the cache are byte-identical to exports of a fresh build.
    out = project_copy.root / "from-cache.trig"
    assert run(project_copy, "export", "--format", "trig", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == serialize(fresh, "trig")
    # T2-antidepressant, answered from the cache.
    result = run(project_copy, "query", "run", "antidepressant-ranking", "--format", "csv")
    assert result.stdout.splitlines()[1].startswith("1,(R)-ketamine,2,")
    with (project_copy.content_dir / "compounds.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\nkr:r-ketamine skos:altLabel \"R-ketamine\"@en .\n")
    assert cached_graph(project_copy) is None
