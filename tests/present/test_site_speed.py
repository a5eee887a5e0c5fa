"""What makes ``ketrdf site`` fast keeps its answers: look-ups by property, remembered reads, RDF files."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS
from rdflib.term import Identifier

import ketrdf.present.reader as reader_module
from ketrdf.engines.oxigraph import run
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.present.reader import GraphReader
from ketrdf.present.show import claim_view
from ketrdf.present.site.rdf import describe
from ketrdf.present.vocabulary_docs import read_index
from ketrdf.query.results import QueryResult
from ketrdf.rdfio.writers import serialize, serialize_graph
from ketrdf.vocabulary import KET
from tests.support.site import SITE_GROUP

ENAN_9 = "https://w3id.org/ketrdf/resource/claim/ENAN-9"


def test_look_ups_by_property_find_what_a_scan_finds(reader: GraphReader) -> None:
    index = read_index(reader)
    every = index.stated | index.inferred
    for prop, value in ((RDFS.subClassOf, KET.Claim), (RDF.type, KET.Claim), (RDFS.domain, KET.Claim)):
        stated = index.subjects(prop, value)
        assert sorted(map(str, stated)) == sorted(str(s) for s, p, v in index.stated
                                                             if p == prop and v == value)
        assert sorted(map(str, index.subjects(prop, value, stated_only=False))) == sorted(
            str(s) for s, p, v in every if p == prop and v == value)
    assert set(index.with_property(KET.claimId)) == {(s, v) for s, p, v in index.stated if p == KET.claimId}
    assert len(index.subjects(RDF.type, KET.Claim, stated_only=False)) > 100
    assert index.subjects(RDF.type, URIRef("urn:nothing")) == []


def test_views_in_a_second_language_ask_the_store_nothing_more(reasoned: KnowledgeGraph,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = GraphReader(reasoned)
    asked: list[str] = []

    def counting_run(store: ox.Store, text: str, bindings: dict[str, Identifier],
                     origin: str = "query") -> QueryResult:
        asked.append(text)
        return run(store, text, bindings, origin)

    monkeypatch.setattr(reader_module, "run", counting_run)
    english = claim_view(fresh, "ENAN-9", "en")
    first = len(asked)
    japanese = claim_view(fresh, "ENAN-9", "ja")
    assert english is not None and japanese is not None
    assert first > 0 and len(asked) == first
    assert [s.claim.iri for s in japanese.statements] == [s.claim.iri for s in english.statements]


def test_a_subjects_rdf_in_place_is_what_the_copying_writer_gives(reasoned: KnowledgeGraph) -> None:
    description = describe(reasoned.union(), URIRef(ENAN_9))
    assert len(description) > 5
    copied = KnowledgeGraph(ontology=Graph(), content=description)
    for output_format in ("turtle", "jsonld", "ntriples"):
        assert serialize_graph(description, output_format) == serialize(copied, output_format, "asserted")


@pytest.mark.xdist_group(SITE_GROUP)
def test_every_turtle_file_of_the_site_holds_its_n_triples(site: dict[str, bytes]) -> None:
    described = sorted(n for n in site if n.endswith(".ttl") and not n.startswith("downloads/"))
    differ = []
    for name in described:
        turtle = Graph().parse(data=site[name], format="turtle")
        lines = Graph().parse(data=site[name.removesuffix(".ttl") + ".nt"], format="nt")
        if len(turtle) != len(lines) or not isomorphic(turtle, lines):
            differ.append(name)
    assert len(described) > 600
    assert differ == []
