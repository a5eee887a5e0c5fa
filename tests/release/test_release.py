"""`ketrdf release VERSION`: a reproducible, citable release folder, written whole (issue 18)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, VOID

from ketrdf.cli import main
from ketrdf.knowledge_graph import KnowledgeGraph, union_copy
from ketrdf.rdfio.parse import load_file
from ketrdf.release.ontology import check_reads_back, rdf_xml
from ketrdf.vocabulary import KET, KR, ONTOLOGY_IRI
from tests.support.owl_checker import owl_check
from tests.support.paths import REPO

# release builds of the review, HermiT in Java; on one xdist worker, so the module's releases are made once
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("release")]

RELEASES = "https://w3id.org/ketrdf/releases/"
DCAT = "http://www.w3.org/ns/dcat#"
FORMS = ("ketrdf.owl", "ketrdf.ttl", "ketrdf-base.owl", "ketrdf-base.ttl", "ketrdf-owlrl.owl",
         "ketrdf-owlrl.ttl")


def copy_sources(root: Path) -> Path:
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project), "--quiet", "release", *args])


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) by relative path, with its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sources(tmp_path_factory.mktemp("source"))


@pytest.fixture(scope="module")
def first(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Release 0.1.0 written with -o to a folder outside the project."""
    out = tmp_path_factory.mktemp("first") / "release"
    result = run(source, "0.1.0", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def second(source: Path, first: Path) -> Path:
    """Release 0.1.0 again, to its default place, releases/0.1.0 in the project."""
    result = run(source, "0.1.0")
    assert result.exit_code == 0, result.output
    assert f"released 0.1.0 in {source / 'releases' / '0.1.0'} (20 files; first release)" in result.output
    return source / "releases" / "0.1.0"


@pytest.fixture(scope="module")
def read_by_rdflib(first: Path) -> dict[str, Graph]:
    """Each released form of the ontology as rdflib reads it (RDF/XML or Turtle): parsed once, shared."""
    return {name: Graph().parse(first / name, format="xml" if name.endswith(".owl") else "turtle")
            for name in FORMS}


def test_two_runs_give_byte_identical_folders(first: Path, second: Path) -> None:
    assert tree(first) == tree(second)


def test_the_manifest_lists_every_file_with_its_checksum(first: Path) -> None:
    manifest = json.loads((first / "release.json").read_text())
    files = set(tree(first))
    assert set(manifest["files"]) == files - {"release.json", "SHA256SUMS"}
    assert {*FORMS, "ketrdf.sssom.tsv", "void.ttl", "CHANGELOG.md", "shapes/content.shapes.ttl",
            *(f"exports/ketrdf{suffix}" for suffix in (".ttl", ".nt", ".jsonld", ".trig", ".nq")),
            "exports/nanopubs.trig", "exports/kgx/ketrdf_nodes.tsv", "exports/kgx/ketrdf_edges.tsv"} <= files
    for name, entry in manifest["files"].items():
        assert entry["bytes"] == (first / name).stat().st_size
    done = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=first,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(done.stdout.splitlines()) == len(files) - 1  # every file but SHA256SUMS itself


@pytest.mark.parametrize("name", FORMS)
def test_the_version_iri_names_the_file_itself(first: Path, read_by_rdflib: dict[str, Graph],
                                               name: str) -> None:
    graph = read_by_rdflib[name]
    version_iri = graph.value(ONTOLOGY_IRI, OWL.versionIRI)
    assert version_iri == URIRef(f"{RELEASES}0.1.0/{name}")
    assert (first / str(version_iri).removeprefix(f"{RELEASES}0.1.0/")).is_file()
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")


def test_the_exports_carry_the_released_version(first: Path) -> None:
    found = {(quad.predicate.value, str(quad.object))
             for quad in ox.parse(path=str(first / "exports" / "ketrdf.nq"), format=ox.RdfFormat.N_QUADS)
             if quad.subject == ox.NamedNode(str(ONTOLOGY_IRI))
             and quad.predicate.value in (str(OWL.versionIRI), str(OWL.versionInfo))}
    assert found == {(str(OWL.versionIRI), f"<{RELEASES}0.1.0/ketrdf.owl>"),
                     (str(OWL.versionInfo), '"0.1.0"')}
    # each nanopublication's publication info names the release too (pav:version, dcterms:isPartOf)
    nanopubs = list(ox.parse(path=str(first / "exports" / "nanopubs.trig"), format=ox.RdfFormat.TRIG))
    assert {str(quad.object) for quad in nanopubs if quad.predicate.value == "http://purl.org/pav/version"} \
        == {'"0.1.0"'}
    assert {str(quad.object) for quad in nanopubs if quad.predicate == ox.NamedNode(str(DCTERMS.isPartOf))
            and str(quad.object).startswith(f"<{RELEASES}")} == {f"<{RELEASES}0.1.0/ketrdf.owl>"}


def test_the_source_ontology_names_its_release_file() -> None:
    ontology = load_file(REPO / "ontology" / "ketrdf.ttl")
    version = ontology.value(ONTOLOGY_IRI, OWL.versionInfo)
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{RELEASES}{version}/ketrdf.owl")


def _without_header(graph: Graph) -> Graph:
    result = Graph()
    for triple in graph:
        if not (triple[0] == ONTOLOGY_IRI and triple[1] in (OWL.versionIRI, OWL.versionInfo)):
            result.add(triple)
    return result


def test_base_full_and_owlrl_forms(read_by_rdflib: dict[str, Graph], reasoned: KnowledgeGraph) -> None:
    forms = {name: _without_header(graph) for name, graph in read_by_rdflib.items()}
    for stem in ("ketrdf", "ketrdf-base", "ketrdf-owlrl"):  # RDF/XML and Turtle hold one graph
        assert isomorphic(forms[f"{stem}.owl"], forms[f"{stem}.ttl"]), stem
    base, full, owlrl = forms["ketrdf-base.owl"], forms["ketrdf.owl"], forms["ketrdf-owlrl.owl"]
    assert isomorphic(base, _without_header(union_copy((reasoned.ontology, reasoned.content))))
    # ENAN-9 (R) is the stronger antidepressant: the edge is inferred by the rules, so only the
    # materialised form has it; the full form adds the inferred class hierarchy only.
    edge = (KR["r-ketamine"], KET.moreAntidepressantThan, KR["s-ketamine"])
    assert edge not in base and edge not in full and edge in owlrl
    _both, removed, added = graph_diff(base, full)  # blank nodes matched by structure across files
    assert len(removed) == 0 and len(added) > 0
    assert {p for _s, p, _o in added} <= {RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass,
                                          OWL.equivalentProperty}
    assert len(owlrl) == len(base) + len({t for t in reasoned.inferred if t not in base})


@pytest.mark.parametrize("name", ["ketrdf.owl", "ketrdf-base.owl", "ketrdf-owlrl.owl"])
def test_the_released_rdf_xml_parses_with_rdflib_and_oxigraph(first: Path, read_by_rdflib: dict[str, Graph],
                                                              name: str) -> None:
    by_rdflib = read_by_rdflib[name]
    by_oxigraph = list(ox.parse(path=str(first / name), format=ox.RdfFormat.RDF_XML))
    assert len(by_rdflib) == len(by_oxigraph) > 1000


def test_the_released_owl_is_in_owl2_dl_and_rl_and_consistent(first: Path) -> None:
    """The OWL API profile checker and HermiT (tests/support/owl/OwlCheck.java) on the released files."""
    files = ["ketrdf.owl", "ketrdf-base.owl", "ketrdf-owlrl.owl"]
    findings = owl_check(files, first)
    for name in files:
        found = ["\t".join(finding[1:]) for finding in findings if finding[0] == name]
        assert found == ["profile\tOWL 2 DL\tin profile", "profile\tOWL 2 RL\tin profile",
                         "hermit\tconsistent"], name


def test_void_and_dcat_describe_the_release(first: Path) -> None:
    void = Graph().parse(first / "void.ttl")
    dataset = URIRef(f"{RELEASES}0.1.0/")
    assert {VOID.Dataset, URIRef(DCAT + "Dataset")} <= set(void.objects(dataset, RDF.type))
    assert void.value(dataset, URIRef(DCAT + "version")) == Literal("0.1.0")
    assert void.value(dataset, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    review = void.value(dataset, DCTERMS.source)
    assert review == KR["hashimoto-2020"]
    assert void.value(review, DCTERMS.title) == Literal(
        "Ketamine as a Novel Antidepressant for Treatment Resistant Depression", lang="en")
    # triple counts per graph, against the released N-Quads counted by Oxigraph
    counts: dict[str, int] = {}
    for quad in ox.parse(path=str(first / "exports" / "ketrdf.nq"), format=ox.RdfFormat.N_QUADS):
        counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    described = {str(void.value(subset, URIRef("http://www.w3.org/ns/sparql-service-description#name"))):
                 void.value(subset, VOID.triples).toPython()  # type: ignore[union-attr]
                 for subset in void.objects(dataset, VOID.subset)}
    assert {name: number for name, number in described.items() if number} == counts
    # every file but the three that describe the others is a distribution with its size
    manifest = json.loads((first / "release.json").read_text())
    links = {}
    for distribution in void.objects(dataset, URIRef(DCAT + "distribution")):
        url = str(void.value(distribution, URIRef(DCAT + "downloadURL")))
        links[url.removeprefix(f"{RELEASES}0.1.0/")] = void.value(distribution, URIRef(DCAT + "byteSize"))
    assert set(links) == set(manifest["files"]) - {"void.ttl"}
    assert all(size == Literal(manifest["files"][name]["bytes"], datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#nonNegativeInteger")) for name, size in links.items())


def test_the_first_release_says_so(first: Path) -> None:
    assert (first / "CHANGELOG.md").read_text() == "# Changelog of ketrdf\n\n## 0.1.0\n\nFirst release.\n"
    assert json.loads((first / "release.json").read_text())["previous"] is None


def test_the_next_release_writes_its_changelog_from_the_diff(second: Path, tmp_path: Path) -> None:
    source = copy_sources(tmp_path / "source")
    shutil.copytree(second, source / "releases" / "0.1.0")
    claims = source / "ontology" / "content" / "claims-enantiomers.ttl"
    # ENAN-2: (S) has 3-4 times (R)'s NMDA receptor affinity; the edit makes it 3-5.
    claims.write_text(claims.read_text().replace("ket:ratioUpperBound 4.0 ;", "ket:ratioUpperBound 5.0 ;"))
    stale = tmp_path / "out"  # an earlier release where this one goes: --force replaces it whole
    stale.mkdir()
    (stale / "release.json").write_text("{}\n")
    (stale / "left-over.txt").write_text("from an earlier release\n")
    result = run(source, "0.2.0", "-o", str(stale), "--force")
    assert result.exit_code == 0, result.output
    assert not (stale / "left-over.txt").exists()
    changelog = (stale / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog of ketrdf\n\n## 0.2.0 (changes since 0.1.0)\n\n"
                                "1 change: 1 claim changed.\n\n### Claims\n\n- **changed** `claim:ENAN-2` ")
    assert '  - ket:ratioUpperBound: "4.0"^^xsd:decimal → "5.0"^^xsd:decimal\n' in changelog
    assert changelog.endswith("## 0.1.0\n\nFirst release.\n")
    assert json.loads((stale / "release.json").read_text())["previous"] == "0.1.0"
    void = Graph().parse(stale / "void.ttl")
    assert void.value(URIRef(f"{RELEASES}0.2.0/"), URIRef(DCAT + "previousVersion")) == URIRef(
        f"{RELEASES}0.1.0/")
    # `ketrdf diff` reads release folders as it reads builds
    diff = CliRunner().invoke(main, ["--project", str(source), "diff", str(second), str(stale)])
    assert diff.exit_code == 0 and "1 change: 1 claim changed." in diff.output, diff.output


# --- Bad input: exit 2, nothing written -------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0", "v0.2.0", "0.2.0.0", "0.2", "latest", "01.2.0"])
def test_a_version_that_is_not_semver(source: Path, tmp_path: Path, version: str) -> None:
    result = run(source, version, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert result.output == f"ketrdf: error: {version!r} is not a SemVer version (MAJOR.MINOR.PATCH, " \
                            "e.g. 0.1.0; see https://semver.org)\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("version", ["0.1.0", "0.0.9", "0.1.0-rc.1", "0.1.0+rebuild"])
def test_a_version_not_above_the_last_release(source: Path, second: Path, tmp_path: Path,
                                              version: str) -> None:
    before = tree(source / "releases")
    result = run(source, version, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"ketrdf: error: version {version} is not above the last release, 0.1.0")
    assert not (tmp_path / "out").exists() and tree(source / "releases") == before


def test_a_graph_that_does_not_validate(tmp_path: Path) -> None:
    source = copy_sources(tmp_path / "source")
    claims = source / "ontology" / "content" / "claims-enantiomers.ttl"
    claims.write_text(claims.read_text().replace('ket:claimId "ENAN-2" ; ', ""))  # a claim without its id
    result = run(source, "0.1.0")
    assert result.exit_code == 2, result.output
    *details, last = result.output.strip().splitlines()
    assert last.startswith("ketrdf: error: validation failed: ") and last.endswith("; nothing released")
    assert details == ["Violation: claim:ENAN-2 (ENAN-2: NMDA receptor affinity of (S)-ketamine is 3-4 times "
                       "that of (R)-ketamine) ket:claimId: A claim needs exactly one claim id of the review "
                       "digest, such as ENAN-9 or T2-antidepressant."]
    assert sorted(path.name for path in source.iterdir()) == ["ontology", "queries", "shapes"]


def test_a_non_empty_folder_without_force(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    result = run(source, "0.3.0", "-o", str(out))
    assert result.exit_code == 2, result.output
    assert result.output == f"ketrdf: error: {out}: not empty; --force replaces it\n"
    assert tree(out) == {"notes.txt": b"mine\n"}


def test_force_replaces_only_a_release_folder(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    result = run(source, "0.3.0", "-o", str(out), "--force")
    assert result.exit_code == 2, result.output
    assert "not a ketrdf release (no release.json); --force replaces only a release folder" in result.output
    assert tree(out) == {"notes.txt": b"mine\n"}


def test_an_output_that_is_a_file(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("a file\n")
    result = run(source, "0.3.0", "-o", str(out), "--force")
    assert result.exit_code == 2, result.output
    assert out.read_text() == "a file\n"


def test_blank_node_labels_in_rdf_xml_are_xml_names() -> None:
    """The loader's labels may start with a digit; rdf:nodeID needs an XML name (NCName)."""
    node = BNode("8c2f805fb0")
    graph = Graph()
    graph.add((node, RDF.type, OWL.Restriction))
    graph.add((KR["x"], RDFS.subClassOf, node))
    check_reads_back(rdf_xml(graph), graph, "x.owl")
    as_labelled = ox.serialize([ox.Triple(ox.BlankNode("8c2f805fb0"), ox.NamedNode(str(RDF.type)),
                                          ox.NamedNode(str(OWL.Restriction)))], format=ox.RdfFormat.RDF_XML)
    with pytest.raises(SyntaxError, match="not a valid rdf:nodeID"):
        check_reads_back(as_labelled or b"", graph, "x.owl")


def test_a_form_that_reads_back_short_is_refused() -> None:
    """The read-back check counts the distinct triples a parser finds against the graph written."""
    graph = Graph()
    graph.add((KR["x"], RDF.type, OWL.Class))
    graph.add((KR["x"], RDFS.label, Literal("x")))
    short = Graph()
    short.add((KR["x"], RDF.type, OWL.Class))
    check_reads_back(rdf_xml(graph), graph, "x.owl")
    with pytest.raises(RuntimeError, match=r"x\.ttl: read back 1 triples with Oxigraph, not the 2 written"):
        check_reads_back(short.serialize(format="turtle", encoding="utf-8"), graph, "x.ttl")
    repeated = b"<http://e/s> <http://e/p> <http://e/o> .\n" * 2  # one triple twice is one, not two
    with pytest.raises(RuntimeError, match="read back 1 triples"):
        check_reads_back(repeated, graph, "x.ttl")
