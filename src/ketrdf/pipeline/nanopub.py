"""A nanopublication per claim node, with a Trusty URI, all in one TriG file.

One nanopublication per claim *node*, not per claim id: a node is one statement of
one kind with its own evidence (ENAN-3, one id, has a regulatory claim per
jurisdiction and a mechanism claim), which is the atomic, citable unit a
nanopublication is meant to be; the claim id is in each assertion
(``ket:claimId``), so all nanopublications of an id are one query away.

- assertion: every asserted triple whose subject is the claim node;
- provenance: the assertion ``prov:wasDerivedFrom`` each place in the review that
  states it (with the place's labels and the part of the review it belongs to), the
  claim's evidence nodes with their triples, and ``cito:citesAsEvidence`` each
  reference they cite (with its label, title and external identifiers);
- publication info: the graph's licence, creator and version (``owl:versionInfo``,
  ``owl:versionIRI``) from the ontology header, and the claim's label.

The ``nanopub`` library (2.0.1, the last release for Python 3.11) builds each one
and makes its Trusty URI (``http://purl.org/np/RA…``), offline; no timestamp is
added, so the same sources give the same bytes. :func:`problems` checks the
nanopublication schema's structural rules; every export passes them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.rdfio.files import atomic_write_bytes
from ketrdf.rdfio.terms import to_oxigraph
from ketrdf.vocabulary import KET, ONTOLOGY_IRI, PREFIXES

NP = Namespace("http://www.nanopub.org/nschema#")
CITO = Namespace("http://purl.org/spar/cito/")
PAV = Namespace("http://purl.org/pav/")
NANOPUB_PREFIXES = {**PREFIXES, "np": str(NP), "cito": str(CITO), "pav": str(PAV)}
GRAPH_ROLES = (NP.hasAssertion, NP.hasProvenance, NP.hasPublicationInfo)
LOCATION_FACTS = (RDF.type, RDFS.label, DCTERMS.isPartOf)
REFERENCE_FACTS = (RDFS.label, DCTERMS.title, SKOS.exactMatch)


def _copy(source: Graph, subject: Node, target: Graph, predicates: Iterable[URIRef] | None = None) -> None:
    """Add ``subject``'s triples in ``source`` to ``target`` (only those with ``predicates`` if given)."""
    for predicate in predicates if predicates is not None else (None,):
        for triple in source.triples((subject, predicate, None)):
            target.add(triple)


def _claim_graphs(content: Graph, claim: URIRef, assertion: URIRef) -> tuple[Graph, Graph]:
    """The claim's assertion and provenance graphs, the provenance about ``assertion``."""
    asserted, provenance = Graph(), Graph()
    _copy(content, claim, asserted)
    for place in sorted(content.objects(claim, KET.statedIn), key=str):
        provenance.add((assertion, PROV.wasDerivedFrom, place))
        _copy(content, place, provenance, LOCATION_FACTS)
    for evidence in sorted(content.objects(claim, KET.hasEvidence), key=str):
        _copy(content, evidence, provenance)
        for reference in sorted(content.objects(evidence, KET.citesReference), key=str):
            provenance.add((assertion, CITO.citesAsEvidence, reference))
            _copy(content, reference, provenance, REFERENCE_FACTS)
    return asserted, provenance


def _publication_info(ontology: Graph, claim_label: Iterable[Node], nanopub: URIRef) -> Graph:
    """Licence, creator and version of the graph (from the ontology header), and the claim's label."""
    info = Graph()
    for predicate, target in ((DCTERMS.license, DCTERMS.license), (DCTERMS.creator, DCTERMS.creator),
                              (OWL.versionInfo, PAV.version), (OWL.versionIRI, DCTERMS.isPartOf)):
        for value in ontology.objects(ONTOLOGY_IRI, predicate):
            info.add((nanopub, target, value))
    for label in claim_label:
        info.add((nanopub, RDFS.label, label))
    return info


def nanopublications(kg: KnowledgeGraph) -> Iterator[Dataset]:
    """One trusty nanopublication per claim node, in the order of the claim IRIs.

    nanopub's trusty-URI module turns rdflib's literal normalisation off for the whole process
    when it is first imported; here it is off while the nanopublications are made (as on that
    first import, so that every call hashes alike) and put back as it was when they are done.
    """
    normalizing = rdflib.NORMALIZE_LITERALS
    try:
        yield from _trusty_nanopublications(kg)
    finally:
        rdflib.NORMALIZE_LITERALS = normalizing


def _trusty_nanopublications(kg: KnowledgeGraph) -> Iterator[Dataset]:
    with warnings.catch_warnings():  # nanopub 2.0.1 uses rdflib's deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        from nanopub.definitions import DUMMY_NAMESPACE
        from nanopub.nanopub import Nanopub
        from nanopub.nanopub_conf import NanopubConf
        from nanopub.sign_utils import replace_trusty_in_graph
        from nanopub.trustyuri.rdf import RdfHasher, RdfUtils

        rdflib.NORMALIZE_LITERALS = False
        claims = {claim for claim in kg.content.subjects(KET.claimId, None) if isinstance(claim, URIRef)}
        for claim in sorted(claims):
            asserted, provenance = _claim_graphs(kg.content, claim, DUMMY_NAMESPACE["assertion"])
            labels = kg.content.objects(claim, RDFS.label)
            info = _publication_info(kg.ontology, labels, DUMMY_NAMESPACE[""])
            draft = Nanopub(assertion=asserted, provenance=provenance, pubinfo=info, conf=NanopubConf())
            quads = RdfUtils.get_quads(draft.rdf)  # type: ignore[no-untyped-call]
            code = RdfHasher.make_hash(quads, baseuri=str(draft.metadata.namespace), hashstr=" ")
            trusty = replace_trusty_in_graph(code, str(draft.metadata.namespace), draft.rdf)
            dataset = Dataset()
            for s, p, o, graph in trusty.quads():
                dataset.add((s, p, o, graph.identifier if isinstance(graph, Graph) else graph))  # type: ignore[arg-type]
            yield dataset


def _sorted_quads(dataset: Dataset) -> list[ox.Quad]:
    """The dataset's quads, head first, then assertion, provenance and publication info, each sorted."""
    head, *roles = _parts(dataset)
    order = [head, *roles]
    quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), ox.NamedNode(str(graph)))  # type: ignore[arg-type]
             for s, p, o, graph in dataset.quads()]
    return sorted(quads, key=lambda quad: (order.index(URIRef(quad.graph_name.value)),  # type: ignore[union-attr]
                                           str(quad.subject), str(quad.predicate), str(quad.object)))


def _parts(dataset: Dataset) -> list[URIRef]:
    """The head graph and the graphs it names (assertion, provenance, publication info)."""
    for s, _, _, head in dataset.quads((None, RDF.type, NP.Nanopublication, None)):
        head_graph = dataset.graph(URIRef(str(head)))
        return [URIRef(str(head)), *(URIRef(str(head_graph.value(s, role))) for role in GRAPH_ROLES)]
    raise ValueError("no nanopublication in the dataset")


def serialize(kg: KnowledgeGraph) -> bytes:
    """Every claim's nanopublication in one TriG document."""
    quads = [quad for dataset in nanopublications(kg) for quad in _sorted_quads(dataset)]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=NANOPUB_PREFIXES) or b""


def write(kg: KnowledgeGraph, path: Path) -> int:
    """Write the nanopublications to ``path`` atomically; return the number of bytes."""
    data = serialize(kg)
    atomic_write_bytes(path, data)
    return len(data)


def split(dataset: Dataset) -> dict[URIRef, Dataset]:
    """The nanopublications of a dataset, each with the graphs its head names (others are left out)."""
    found: dict[URIRef, Dataset] = {}
    for nanopub, _, _, head in dataset.quads((None, RDF.type, NP.Nanopublication, None)):
        part = Dataset()
        names = {URIRef(str(head)), *(URIRef(str(name)) for role in GRAPH_ROLES
                                      for name in dataset.graph(URIRef(str(head))).objects(nanopub, role))}
        for name in names:
            for triple in dataset.graph(name):
                part.add((*triple, name))  # type: ignore[arg-type]
        found[URIRef(str(nanopub))] = part
    return found


def problems(dataset: Dataset) -> list[str]:
    """What breaks the nanopublication schema in a dataset meant to hold one nanopublication.

    The rules: exactly one head graph, naming the nanopublication; exactly one
    assertion, provenance and publication-info graph, all present, not empty, distinct
    from each other and from the head, and no other graph; every graph IRI starts
    with the nanopublication's IRI; the provenance says something about the
    assertion and the publication info about the nanopublication; no ill-typed literal.
    """
    heads = [(s, g) for s, _, _, g in dataset.quads((None, RDF.type, NP.Nanopublication, None))]
    if len(heads) != 1:
        return [f"{len(heads)} nanopublications declared; exactly one expected"]
    nanopub, head_name = heads[0]
    head = dataset.graph(URIRef(str(head_name)))
    found: list[str] = []
    names: list[URIRef] = [URIRef(str(head_name))]
    for role in GRAPH_ROLES:
        values = list(head.objects(nanopub, role))
        if len(values) != 1:
            found.append(f"{len(values)} values of {role}; exactly one expected")
        names += [URIRef(str(value)) for value in values]
    if found:
        return found
    if len(set(names)) != 4:
        found.append("the head, assertion, provenance and publication-info graphs are not distinct")
    present = {URIRef(str(graph.identifier)) for graph in dataset.graphs() if len(graph)}
    found += [f"graph {name} is missing or empty" for name in names if name not in present]
    found += [f"graph {name} is not part of the nanopublication" for name in sorted(present - set(names))]
    found += [f"graph {name} does not start with the nanopublication IRI {nanopub}"
              for name in names if not str(name).startswith(str(nanopub))]
    _, assertion, provenance, info = names
    if not any(True for _ in dataset.graph(provenance).triples((assertion, None, None))):
        found.append("the provenance says nothing about the assertion")
    if not any(True for _ in dataset.graph(info).triples((nanopub, None, None))):
        found.append("the publication info says nothing about the nanopublication")
    found += [f"ill-typed literal {term.n3()}" for quad in dataset.quads() for term in quad[:3]
              if isinstance(term, Literal) and term.ill_typed]
    return found
