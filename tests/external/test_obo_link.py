"""`ketrdf import` and `ketrdf link` on a fixture in ChEBI's own OWL layout; a saved query through
imported ChEBI roles (issue 5)."""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDFS

from ketrdf.cli import main
from ketrdf.engines.rdflib_sparql import run_saved_query
from ketrdf.external.link import LINKERS
from ketrdf.pipeline.build import check_graph
from ketrdf.project import Project
from ketrdf.query.saved import load_saved_queries
from ketrdf.vocabulary import KR
from tests.support.paths import DATA

FIXTURE = DATA / "obo" / "chebi-fixture.owl"
OBO = "http://purl.obolibrary.org/obo/"


def cli(project: Project, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), "--quiet", *args])


def module(project: Project) -> Graph:
    return Graph().parse(project.imports_dir / "chebi_import.ttl")


def test_import_extracts_seeds_ancestors_and_roles(project_copy: Project) -> None:
    result = cli(project_copy, "import", "chebi", str(FIXTURE))
    assert result.exit_code == 0, result.output
    assert "seed term http://purl.obolibrary.org/obo/CHEBI_60911 is not in" in result.output
    graph = module(project_copy)
    classes = {str(c)[len(OBO):] for c in graph.subjects(None, OWL.Class)}
    # seeds from the mapping table (ketamine, the two roles), ancestors, role fillers; nothing else
    assert classes == {"CHEBI_6121", "CHEBI_99900002", "CHEBI_99900001", "CHEBI_60643", "CHEBI_35469",
                       "CHEBI_99900010"}
    has_role = [(r, f) for r in graph.objects(URIRef(OBO + "CHEBI_6121"), RDFS.subClassOf)
                for f in graph.objects(r, OWL.someValuesFrom)]
    assert [str(f) for _r, f in has_role] == [OBO + "CHEBI_60643"]
    version = next(graph.objects(None, OWL.versionInfo))
    assert "chebi/999/chebi.owl" in str(version)


def test_import_reads_gzip_and_is_deterministic(project_copy: Project, tmp_path: Path) -> None:
    packed = tmp_path / "chebi.owl.gz"
    with FIXTURE.open("rb") as source, gzip.open(packed, "wb") as target:
        shutil.copyfileobj(source, target)
    assert cli(project_copy, "import", "chebi", str(FIXTURE)).exit_code == 0
    first = (project_copy.imports_dir / "chebi_import.ttl").read_text(encoding="utf-8")
    assert cli(project_copy, "import", "chebi", str(packed)).exit_code == 0
    second = (project_copy.imports_dir / "chebi_import.ttl").read_text(encoding="utf-8")
    # the same module, but for the checksum and name of the source recorded in the comment
    assert _without_checksum(first) == _without_checksum(second)


def _without_checksum(text: str) -> list[str]:
    return [line for line in text.splitlines() if "SHA-256" not in line]


def test_link_reports_exact_stereo_mismatch_and_missing(project: Project) -> None:
    """ENAN-1: (R) and (S) are distinct forms; a ChEBI class of the other form is never proposed."""
    result = cli(project, "link", "chebi", str(FIXTURE), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))[1:]
    by_form: dict[str, list[list[str]]] = {}
    for row in rows:
        by_form.setdefault(row[0], []).append(row)
    (rs,) = by_form["kr:rs-ketamine"]
    assert rs[3:6] == ["exact", "skos:closeMatch (no stereo layer)", "CHEBI:6121"] and rs[-1] == "true"
    (s,) = by_form["kr:s-ketamine"]
    assert s[3:6] == ["exact", "skos:exactMatch", "CHEBI:99900003"] and s[-1] == "false"
    r_rows = by_form["kr:r-ketamine"]  # its only same-key class is deprecated: never proposed
    assert {row[3] for row in r_rows} == {"stereo-mismatch"}
    assert {row[5] for row in r_rows} == {"CHEBI:6121", "CHEBI:99900003"}


def test_link_names_come_from_the_linkers_of_the_external_package(project: Project,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """``ketrdf link NAME`` offers the ontologies that ketrdf.external.link registers, no list of its own."""
    monkeypatch.setitem(LINKERS, "mondo", lambda _project, _source: [])
    assert cli(project, "link", "mondo", str(FIXTURE)).exit_code == 0
    refused = cli(project, "link", "nonesuch", str(FIXTURE))
    assert refused.exit_code == 2 and "'chebi', 'mondo'" in refused.output


def test_saved_query_answers_through_imported_chebi_roles(project_copy: Project) -> None:
    """ANIM-2 / NMDA claims aside, ChEBI itself says ketamine is an NMDA receptor antagonist: with the
    module, the role query finds the racemate through CHEBI:6121; without it, it finds nothing."""
    saved = load_saved_queries(project_copy.queries_dir)["compounds-by-chebi-role"]
    before = run_saved_query(check_graph(project_copy).kg.union(), saved, saved.example)
    assert before.rows == ()
    assert cli(project_copy, "import", "chebi", str(FIXTURE)).exit_code == 0
    checked = check_graph(project_copy)
    assert checked.passes
    after = run_saved_query(checked.kg.union(), saved, saved.example)
    compounds = {row[after.variables.index("compound")] for row in after.rows}
    assert compounds == {KR["rs-ketamine"]}
    assert len(checked.kg.imports) > 0 and not (set(checked.kg.imports) & set(checked.kg.inferred))


@pytest.mark.parametrize(("args", "message"), [
    (["import", "chebi", "missing.owl"], "missing.owl: cannot read"),
    (["import", "nonesuch", str(FIXTURE)], "unknown OBO ontology 'nonesuch'"),
    (["link", "chebi", "missing.owl"], "missing.owl: cannot read"),
])
def test_bad_import_arguments(project: Project, args: list[str], message: str) -> None:
    result = cli(project, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_malformed_owl_names_file_and_line(project_copy: Project, tmp_path: Path) -> None:
    broken = tmp_path / "broken.owl"
    broken.write_text(FIXTURE.read_text(encoding="utf-8")[:3000] + "\n<owl:Class", encoding="utf-8")
    result = cli(project_copy, "import", "chebi", str(broken))
    assert result.exit_code == 2
    assert "broken.owl:" in result.output and "not well-formed RDF/XML" in result.output
    assert not (project_copy.imports_dir / "chebi_import.ttl").exists()
