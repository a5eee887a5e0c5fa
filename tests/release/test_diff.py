"""`ketrdf diff OLD NEW`: what changed between two builds, in words (issue 18)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph

from ketrdf.cli import main
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.build import Checked, check_graph
from ketrdf.pipeline.export import export
from ketrdf.project import Project
from ketrdf.release.diff import compare, markdown, project_systems, read_folder
from tests.support.paths import REPO

# on one xdist worker, so that the module's changed build is made once
pytestmark = pytest.mark.xdist_group("diff")


def write_build(folder: Path, kg: KnowledgeGraph) -> Path:
    """A build folder as `ketrdf build` leaves it, as far as `diff` reads it: the dataset and a manifest."""
    folder.mkdir(parents=True)
    export(kg, "nquads", folder / "ketrdf.nq", "all")
    (folder / "manifest.json").write_text("{}\n")
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def old_build(built: Checked, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_build(tmp_path_factory.mktemp("diff") / "old", built.kg)


@pytest.fixture(scope="module")
def changed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review with three edits: ENAN-2's ratio changed, a mapping added, reference 35 removed."""
    root = tmp_path_factory.mktemp("changed")
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    content = root / "ontology" / "content"
    # ENAN-2: (S) has 3-4 times (R)'s NMDA receptor affinity; the edit makes it 3-5.
    _edit(content / "claims-enantiomers.ttl", "ket:ratioUpperBound 4.0 ;", "ket:ratioUpperBound 5.0 ;")
    # Reference 35 (the last one, so the numbering stays whole), its citations and its mapping rows.
    references = content / "references.ttl"
    text = references.read_text(encoding="utf-8")
    start = text.index("ref:35 a ket:Reference")
    references.write_text(text[:start] + text[text.index("# Journals", start):], encoding="utf-8")
    _edit(content / "claims-enantiomers.ttl", "ref:31 , ref:32 , ref:35 .", "ref:31 , ref:32 .")
    _edit(content / "claims-enantiomers.ttl", "ket:citesReference ref:28 , ref:35 .",
          "ket:citesReference ref:28 .")
    table = root / "ontology" / "mappings" / "ketrdf.sssom.tsv"
    rows = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(row for row in rows if not row.startswith("ref:35\t"))
                     + (REPO / "tests" / "data" / "diff" / "added-mapping.tsv").read_text(encoding="utf-8"),
                     encoding="utf-8")
    checked = check_graph(Project(root))
    assert checked.passes, "the edited sources must still make a valid build"
    return write_build(tmp_path_factory.mktemp("diff") / "new", checked.kg)


def test_diff_names_exactly_the_three_changes(old_build: Path, changed_build: Path) -> None:
    diff = compare(read_folder(old_build), read_folder(changed_build), "old", "new",
                   project_systems(Project(REPO)))
    found = [(c.kind, c.change, c.node) for c in diff.changes]
    assert found == [("claim", "changed", "claim:ENAN-2"), ("reference", "removed", "ref:35"),
                     ("mapping", "added", "kr:chlorpromazine")], markdown(diff)
    claim, reference, mapping = diff.changes
    assert claim.details == ('ket:ratioUpperBound: "4.0"^^xsd:decimal → "5.0"^^xsd:decimal',)
    assert reference.label.startswith("Zhang, Li and Hashimoto 2014")
    assert "was linked from evidence:ENAN-17-own-reports ket:citesReference" in reference.details
    assert any(detail.startswith("mapping skos:exactMatch <https://doi.org/") for detail in reference.details)
    assert mapping.details == ("skos:exactMatch <http://www.wikidata.org/entity/Q999999999>",)


def test_markdown_and_json_on_the_command_line(old_build: Path, changed_build: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["--project", str(REPO), "diff", str(old_build), str(changed_build)])
    assert result.exit_code == 0, result.output
    assert "3 changes: 1 claim changed, 1 reference removed, 1 mapping added." in result.output
    assert "## Claims\n\n- **changed** `claim:ENAN-2` ENAN-2: " in result.output
    result = runner.invoke(main, ["--project", str(REPO), "diff", "--format", "json",
                                  str(old_build), str(changed_build)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert [change["node"] for change in document["changes"]] == [
        "claim:ENAN-2", "ref:35", "kr:chlorpromazine"]
    assert document["triples"]["content"]["removed"] > 0


def test_the_same_build_has_no_change(old_build: Path) -> None:
    diff = compare(read_folder(old_build), read_folder(old_build), "a", "b")
    assert diff.changes == ()
    assert all(count.added == count.removed == 0 for count in diff.triples.values())
    assert "No change in claims" in markdown(diff)


def test_blank_nodes_are_compared_by_structure_not_label(built: Checked, old_build: Path,
                                                         tmp_path: Path) -> None:
    def relabelled(graph: Graph) -> Graph:
        result = Graph()
        for triple in graph:
            result.add(tuple(BNode("x" + t) if isinstance(t, BNode) else t for t in triple))  # type: ignore[arg-type]
        return result

    kg = built.kg
    assert any(isinstance(term, BNode) for triple in kg.ontology for term in triple)
    other = KnowledgeGraph(*(relabelled(graph) for graph in kg.named_graphs().values()))
    diff = compare(read_folder(old_build), read_folder(write_build(tmp_path / "b", other)), "a", "b")
    assert diff.changes == ()
    assert all(count.added == count.removed == 0 for count in diff.triples.values())


def test_a_renamed_identifier_is_one_change(built: Checked, old_build: Path, tmp_path: Path) -> None:
    from rdflib import URIRef

    old_iri = URIRef("https://w3id.org/ketrdf/resource/evidence/ENAN-2-binding")
    new_iri = URIRef("https://w3id.org/ketrdf/resource/evidence/ENAN-2-affinity")

    def renamed(graph: Graph) -> Graph:
        result = Graph()
        for triple in graph:
            result.add(tuple(new_iri if t == old_iri else t for t in triple))  # type: ignore[arg-type]
        return result

    other = KnowledgeGraph(*(renamed(graph) for graph in built.kg.named_graphs().values()))
    diff = compare(read_folder(old_build), read_folder(write_build(tmp_path / "b", other)), "a", "b")
    assert [(c.kind, c.change, c.node, c.details) for c in diff.changes] == [
        ("identifier", "renamed", "evidence:ENAN-2-affinity", ("was evidence:ENAN-2-binding",))]


@pytest.mark.parametrize("make", ["empty", "missing", "file", "nq-without-manifest"])
def test_folders_that_are_not_builds(make: str, old_build: Path, tmp_path: Path) -> None:
    target = tmp_path / "target"
    if make == "empty":
        target.mkdir()
    elif make == "file":
        target.write_text("not a folder\n")
    elif make == "nq-without-manifest":
        target.mkdir()
        shutil.copy(old_build / "ketrdf.nq", target / "ketrdf.nq")
    result = CliRunner().invoke(main, ["--project", str(REPO), "diff", str(target), str(old_build)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ketrdf: error: {target}: not ")
