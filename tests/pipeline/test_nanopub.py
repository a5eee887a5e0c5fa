"""A nanopublication per claim node (issue 18): the schema checks, calibrated on the
Nanopublication Test Suite, and the export, checked by them and by the nanopub library.

The suite's files are in ``tests/data/nanopub-testsuite`` (see its SOURCE.md) and are
read through ``nanopub-testsuite-connector``, whose download is replaced by an archive
of that folder: nothing is fetched.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import warnings
from collections.abc import Iterator

import pytest
from nanopub_testsuite_connector import NanopubTestSuite, TestSuiteEntry, TestSuiteSubfolder
from nanopub_testsuite_connector import connector as suite_connector
from rdflib import ConjunctiveGraph, Dataset, URIRef
from rdflib.namespace import RDF

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline import nanopub
from ketrdf.project import Project
from ketrdf.vocabulary import KET, KR
from tests.support.literals import exact_literals
from tests.support.paths import DATA, REPO

SUITE = DATA / "nanopub-testsuite"
REF = "https://w3id.org/ketrdf/resource/hashimoto-2020/ref/"


@pytest.fixture(scope="module")
def suite() -> Iterator[NanopubTestSuite]:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        tar.add(SUITE, arcname="nanopub-testsuite")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(suite_connector, "_download", lambda url: archive.getvalue())
        yield NanopubTestSuite.get_at_commit("ff038a7")


def _dataset(entry: TestSuiteEntry) -> Dataset:
    """An example as nanopub reads it: literals as written (its Trusty URIs hash their lexical forms)."""
    dataset = Dataset()
    with warnings.catch_warnings(), exact_literals():  # the ill-typed examples make rdflib warn
        warnings.simplefilter("ignore")
        dataset.parse(entry.path, format="trig")
    return dataset


def _library_checks(dataset: Dataset) -> None:
    """The nanopub library's own structural and Trusty URI checks; raise if either fails."""
    from nanopub.nanopub import Nanopub

    with warnings.catch_warnings():  # the library takes rdflib's deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = ConjunctiveGraph()
    for quad in dataset.quads():
        graph.add(quad)  # type: ignore[arg-type]
    publication = Nanopub(rdf=graph)
    assert publication.is_valid
    assert publication.has_valid_trusty


def test_the_suite_is_read_offline(suite: NanopubTestSuite) -> None:
    assert len(suite.get_valid(TestSuiteSubfolder.PLAIN)) == len(list(SUITE.glob("valid/plain/*.trig")))
    assert len(suite.get_invalid(TestSuiteSubfolder.PLAIN)) == 12
    assert suite.get_invalid(TestSuiteSubfolder.TRUSTY)


def test_the_checks_accept_every_valid_example(suite: NanopubTestSuite) -> None:
    found = {(entry.subfolder.value, entry.name): nanopub.problems(_dataset(entry))
             for entry in suite.get_valid()}
    assert len(found) == len(list(SUITE.glob("valid/*/*.trig")))
    assert {name: problems for name, problems in found.items() if problems} == {}


def test_the_checks_reject_every_invalid_plain_example(suite: NanopubTestSuite) -> None:
    found = {entry.name: nanopub.problems(_dataset(entry))
             for entry in suite.get_invalid(TestSuiteSubfolder.PLAIN)}
    assert [name for name, problems in found.items() if not problems] == []
    assert any("ill-typed" in problem for problem in found["illtyped_datatypes_in_assertion.trig"])
    assert any("does not start with" in problem for problem in found["assertion_graph_uri_not_matching.trig"])


def test_the_trusty_check_tells_valid_from_invalid_examples(suite: NanopubTestSuite) -> None:
    valid = {entry.name: entry for entry in suite.get_valid(TestSuiteSubfolder.TRUSTY)}
    for name in ("trusty1.trig", "example3.trig", "openbel-1.trig"):
        _library_checks(_dataset(valid[name]))
    for entry in suite.get_invalid(TestSuiteSubfolder.TRUSTY):
        with pytest.raises(ValueError, match="Trusty"):
            _library_checks(_dataset(entry))


@pytest.fixture(scope="module")
def exported(reasoned: KnowledgeGraph) -> bytes:
    return nanopub.serialize(reasoned)


@pytest.fixture(scope="module")
def publications(exported: bytes) -> dict[URIRef, Dataset]:
    dataset = Dataset()
    dataset.parse(data=exported, format="trig")
    return nanopub.split(dataset)


def _assertion_subject(publication: Dataset) -> URIRef:
    claims = {s for s, _, _, _ in publication.quads((None, KET.claimId, None, None))}
    assert len(claims) == 1
    return URIRef(str(claims.pop()))


def test_every_claim_node_is_one_nanopublication(reasoned: KnowledgeGraph,
                                                 publications: dict[URIRef, Dataset]) -> None:
    claim_nodes = {URIRef(str(node)) for node in reasoned.content.subjects(KET.claimId, None)}
    assert sorted(map(_assertion_subject, publications.values())) == sorted(claim_nodes)
    ids = {line for line in (REPO / "ontology" / "claim-ids.txt")
           .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}
    covered = {str(o) for p in publications.values()
               for _, _, o, _ in p.quads((None, KET.claimId, None, None))}
    assert covered == ids


def test_every_nanopublication_passes_the_checks(publications: dict[URIRef, Dataset]) -> None:
    for uri, publication in publications.items():
        assert nanopub.problems(publication) == [], uri
        assert str(uri).startswith("http://purl.org/np/RA")
        _library_checks(publication)


def test_the_export_is_one_document_of_nanopublications_only(exported: bytes,
                                                            publications: dict[URIRef, Dataset]) -> None:
    dataset = Dataset()
    dataset.parse(data=exported, format="trig")
    named = {URIRef(str(graph.identifier)) for graph in dataset.graphs() if len(graph)}
    assert len(named) == 4 * len(publications)
    assert named == {URIRef(str(g.identifier)) for p in publications.values() for g in p.graphs() if len(g)}


def test_enan_9_provenance_names_its_place_and_references(publications: dict[URIRef, Dataset]) -> None:
    # ENAN-9: stated in section III, on references 28, 30, 31, 32 and 35 (review digest)
    [publication] = [p for p in publications.values()
                     if _assertion_subject(p) == URIRef("https://w3id.org/ketrdf/resource/claim/ENAN-9")]
    head, assertion, provenance, info = nanopub._parts(publication)
    prov = publication.graph(provenance)
    assert set(prov.objects(assertion, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))) == {
        KR["hashimoto-2020-section-III"]}
    assert set(prov.objects(assertion, nanopub.CITO.citesAsEvidence)) == {
        URIRef(REF + str(number)) for number in (28, 30, 31, 32, 35)}
    pubinfo = publication.graph(info)
    [np_uri] = publication.graph(head).subjects(RDF.type, nanopub.NP.Nanopublication)
    assert (np_uri, URIRef("http://purl.org/dc/terms/license"),
            URIRef("https://creativecommons.org/licenses/by/4.0/")) in pubinfo


def test_the_export_is_deterministic(reasoned: KnowledgeGraph, exported: bytes) -> None:
    assert nanopub.serialize(reasoned) == exported


PROBE = """
import sys, rdflib
from pathlib import Path
from ketrdf.pipeline import nanopub
from ketrdf.pipeline.build import obtain_graph
from ketrdf.project import Project
kg = obtain_graph(Project(Path(sys.argv[1])))
nanopub.serialize(kg)
print(rdflib.NORMALIZE_LITERALS)
"""


def test_making_nanopublications_leaves_rdflib_normalising_literals(review_build: Project) -> None:
    """nanopub's trusty-URI module turns rdflib's literal normalisation off for the whole process when
    first imported: after ``export --format nanopub`` or a release, ``".5"^^xsd:decimal`` parsed again
    stayed ".5" instead of "0.5". In a fresh interpreter, where that import happens first."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(review_build.root)], capture_output=True,
                          text=True, check=True, timeout=300)
    assert done.stdout.split() == ["True"], done.stderr
