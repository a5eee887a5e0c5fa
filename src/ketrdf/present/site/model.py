"""The site's pages as data, read from the reasoned graph.

Resource pages reuse ``ketrdf show``'s views (:mod:`ketrdf.present.show`); term pages reuse
the vocabulary reference's index and its words for class expressions
(:mod:`ketrdf.present.vocabulary_docs`). Every read goes through the SPARQL gate (the
:class:`~ketrdf.present.reader.GraphReader`); nothing here depends on the time or the place.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ketrdf.present.reader import GraphReader, Term
from ketrdf.present.show import ClaimView, EntityView, ReferenceView, claim_view, entity_view, reference_view
from ketrdf.present.site.paths import subject_path
from ketrdf.present.vocabulary_docs import CHARACTERISTICS, DEFINITIONS, MAPPINGS, Index, Writer
from ketrdf.vocabulary import BASE, KET, ONTOLOGY_IRI

#: The kinds of resource, each with the class its members have (inferred types count), in the
#: order a resource is put in the first that fits; "other" takes the rest.
RESOURCE_KINDS: tuple[tuple[str, URIRef | None], ...] = (
    ("claims", KET.Claim), ("evidence", KET.Evidence), ("references", KET.Publication),
    ("events", KET.Event), ("compounds", KET.ChemicalEntity), ("products", KET.DrugProduct),
    ("targets", KET.MolecularTarget), ("conditions", KET.Condition), ("taxa", KET.Taxon),
    ("endpoints", KET.Endpoint), ("effects", KET.Effect), ("mechanisms", KET.Mechanism),
    ("agents", KET.Organization), ("agents", KET.Person), ("other", None),
)
TERM_KINDS: tuple[tuple[str, URIRef], ...] = (
    ("classes", OWL.Class), ("object-properties", OWL.ObjectProperty),
    ("datatype-properties", OWL.DatatypeProperty), ("annotation-properties", OWL.AnnotationProperty),
    ("individuals", OWL.NamedIndividual),
)


@dataclass(frozen=True)
class Text:
    """Words and the language they are in ("" for none)."""

    text: str
    lang: str = ""


@dataclass(frozen=True)
class Subject:
    """A thing with a page: its IRI, site path, kind and its names in one language."""

    iri: str
    path: str
    kind: str
    label: Text
    curie: str


@dataclass(frozen=True)
class TermPage:
    """An ontology term: labels, definition, hierarchy, axioms in words, mappings and use."""

    subject: Subject
    definition: Text
    other_names: tuple[Text, ...]
    axioms: tuple[tuple[str, tuple[Term, ...]], ...]
    equivalent: tuple[str, ...]
    mappings: tuple[tuple[Term, Term], ...]
    instances: tuple[Term, ...]
    used_by: tuple[Term, ...]
    used_in: int


@dataclass(frozen=True)
class ResourcePage:
    """A resource: ``ketrdf show``'s view of it (a claim's, or any other thing's)."""

    subject: Subject
    names: tuple[Text, ...]
    view: ClaimView | EntityView


def text_of(values: list[Node], lang: str) -> Text:
    """The literal in ``lang`` among ``values``, else the English or untagged one, with its language."""
    literals = sorted((v for v in values if isinstance(v, Literal)), key=str)
    for wanted in (lang, "en", None):
        for literal in literals:
            if literal.language == wanted:
                return Text(str(literal), literal.language or "")
    return Text(str(literals[0]), literals[0].language or "") if literals else Text("")


def label_of(reader: GraphReader, iri: str, lang: str) -> Text:
    """The label of ``iri`` in ``lang``, else in English (marked so), else its CURIE."""
    labels = reader.labels.get(iri, {})
    for wanted in (lang, "en", ""):
        if wanted in labels:
            return Text(labels[wanted], wanted)
    return Text(reader.curie(iri))


def _types(index: Index, node: Node) -> set[Node]:
    return set(index.values(node, RDF.type))


def resource_kind(index: Index, node: Node) -> str:
    """The first of :data:`RESOURCE_KINDS` whose class ``node`` has."""
    types = _types(index, node)
    if index.values(node, KET.claimId):
        return "claims"
    return next((kind for kind, cls in RESOURCE_KINDS if cls is None or cls in types), "other")


def term_kind(index: Index, node: Node) -> str:
    """The first of :data:`TERM_KINDS` that ``node`` is declared as, else "other-terms"."""
    types = _types(index, node)
    if RDFS.Class in types:
        return "classes"
    return next((kind for kind, cls in TERM_KINDS if cls in types), "other-terms")


def subjects(reader: GraphReader, index: Index, lang: str) -> list[Subject]:
    """Every IRI of the graph that gets a page (see :func:`subject_path`), sorted by path."""
    nodes = {node for node in index.about if isinstance(node, URIRef)}
    nodes |= {value for pairs in index.about.values() for _, value in pairs if isinstance(value, URIRef)}
    found = []
    for node in nodes:
        path = subject_path(str(node))
        if path is None or path == "ontology":
            continue
        if str(node) != BASE + path and not str(node).startswith(str(KET)):
            continue  # a hash IRI under a resource's page (a query's parameter) is shown there
        kind = term_kind(index, node) if path.startswith("ontology/") else (
            "queries" if path.startswith("query/") else resource_kind(index, node))
        found.append(Subject(str(node), path, kind, label_of(reader, str(node), lang),
                             reader.curie(str(node))))
    return sorted(found, key=lambda s: s.path)


def _terms(reader: GraphReader, nodes: list[Node], lang: str) -> tuple[Term, ...]:
    return tuple(sorted({reader.term(n, lang) for n in nodes if isinstance(n, URIRef)},
                        key=lambda t: (t.label.lower(), t.iri)))


def _names(index: Index, node: URIRef, lang: str) -> tuple[Text, ...]:
    """Alternative labels in ``lang`` only (English when the graph has none in ``lang``)."""
    values = [v for v in index.values(node, SKOS.altLabel) if isinstance(v, Literal)]
    chosen = [v for v in values if v.language == lang] or [v for v in values if v.language in ("en", None)]
    return tuple(Text(str(v), v.language or "") for v in sorted(chosen, key=str))


def predicate_uses(index: Index) -> Counter[Node]:
    """How many triples (stated and inferred) use each property."""
    return Counter(p for _, p, _ in index.stated | index.inferred)


def term_page(reader: GraphReader, index: Index, subject: Subject, lang: str,
              uses: Counter[Node]) -> TermPage:
    """The page data of an ontology term; ``uses`` counts the triples of each property."""
    node = URIRef(subject.iri)
    writer = Writer(reader, index)
    stated = index.stated_values
    is_property = subject.kind.endswith("properties")
    sub_of = RDFS.subPropertyOf if is_property else RDFS.subClassOf
    equivalent = OWL.equivalentProperty if is_property else OWL.equivalentClass
    named: list[Node] = [v for v in stated(node, equivalent) if isinstance(v, URIRef)]
    axioms: tuple[tuple[str, list[Node]], ...] = (
        ("characteristics", [t for t in CHARACTERISTICS if t in stated(node, RDF.type)]),
        ("super", [v for v in stated(node, sub_of) if v != node]),
        ("sub", [s for s in index.subjects(sub_of, node) if s != node]),
        ("equivalent-named", named),
        ("disjoint", stated(node, OWL.disjointWith)),
        ("domain", stated(node, RDFS.domain)),
        ("range", stated(node, RDFS.range)),
        ("inverse", stated(node, OWL.inverseOf) + index.subjects(OWL.inverseOf, node)),
        ("types", [t for t in stated(node, RDF.type) if str(t).startswith(str(KET))]),
    )
    instances: list[Node] = index.subjects(RDF.type, node, stated_only=False)
    used_by = index.subjects(RDFS.domain, node) + index.subjects(RDFS.range, node)
    return TermPage(
        subject=subject,
        definition=text_of([v for p in DEFINITIONS for v in index.values(node, p)], lang),
        other_names=_names(index, node, lang),
        axioms=tuple((name, _terms(reader, nodes, lang)) for name, nodes in axioms if nodes),
        equivalent=tuple(sorted(writer.expression(v) for v in stated(node, equivalent)
                                if not isinstance(v, URIRef))),
        mappings=tuple(sorted((reader.term(p, lang), reader.term(v, lang)) for p in MAPPINGS
                              for v in index.values(node, p) if isinstance(v, URIRef))),
        instances=_terms(reader, instances, lang),
        used_by=_terms(reader, used_by, lang),
        used_in=uses[node])


def resource_page(reader: GraphReader, index: Index, subject: Subject, lang: str) -> ResourcePage:
    """The page data of a resource: the claim view for a claim node, else the entity view."""
    node = URIRef(subject.iri)
    ids = sorted(str(v) for v in index.values(node, KET.claimId))
    view: ClaimView | EntityView | None = claim_view(reader, ids[0], lang) if ids else None
    return ResourcePage(subject, _names(index, node, lang), view or entity_view(reader, node, lang))


def ontology_title(index: Index, lang: str) -> Text:
    """The ontology's title in ``lang`` (else English)."""
    return text_of(index.values(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/title")), lang)


@dataclass(frozen=True)
class OrderEdge:
    """One "greater than" edge of an endpoint's ordering: stated by claims, or inferred through others."""

    greater: str
    lesser: str
    stated: bool
    claims: tuple[str, ...]
    claim_ids: tuple[str, ...]


def ordering_edges(index: Index, endpoint: URIRef) -> list[OrderEdge]:
    """The edges of ``endpoint``'s headline relation in the reasoned graph, each with its claims.

    A pair a claim compares gives a stated edge, linked to those claims; a pair that follows
    by transitivity through a third form gives an inferred edge (as well, when it is also
    stated), linked to the claims of the stated edges on its paths.
    """
    relations = {p for p in index.values(endpoint, KET.greaterRelation) if isinstance(p, URIRef)}
    pairs = {(s, o) for p in relations for s, o in index.with_property(p, stated_only=False)
             if s != o and isinstance(s, URIRef) and isinstance(o, URIRef)}
    compared: dict[frozenset[Node], set[Node]] = {}
    for claim in index.subjects(KET.onEndpoint, endpoint):
        for a in index.values(claim, KET.comparand):
            for b in index.values(claim, KET.referent):
                compared.setdefault(frozenset((a, b)), set()).add(claim)
    stated = {pair for pair in pairs if frozenset(pair) in compared}
    edges = []

    def edge(a: Node, b: Node, is_stated: bool, claims: set[Node]) -> OrderEdge:
        ordered = sorted(claims, key=lambda c: (sorted(map(str, index.values(c, KET.claimId))), str(c)))
        ids = sorted({str(i) for c in ordered for i in index.values(c, KET.claimId)})
        return OrderEdge(str(a), str(b), is_stated, tuple(map(str, ordered)), tuple(ids))

    for a, b in sorted(pairs):
        if (a, b) in stated:
            edges.append(edge(a, b, True, compared[frozenset((a, b))]))
        if any((a, via) in pairs and (via, b) in pairs for via, _ in pairs if via not in (a, b)):
            edges.append(edge(a, b, False, set().union(*(
                compared[frozenset((x, y))] for x, y in stated
                if (x, y) != (a, b) and (x == a or (a, x) in pairs) and (y == b or (y, b) in pairs)))))
    return edges


def event_dates(index: Index, events: list[URIRef]) -> list[tuple[str, URIRef]]:
    """The events that have a date, with it, earliest first."""
    dated = [(min(str(d) for d in index.values(event, KET.date)), event)
             for event in events if index.values(event, KET.date)]
    return sorted(dated)


@dataclass(frozen=True)
class About:
    """What the graph is: its title and description, and the review it is made from."""

    title: Text
    description: Text
    review: ReferenceView | None
    claim_ids: int


def about(index: Index, reader: GraphReader, lang: str) -> About:
    """The ontology header's title and description, the source review's record, the number of claim ids."""
    dcterms = "http://purl.org/dc/terms/"
    sources = [s for s in index.values(ONTOLOGY_IRI, URIRef(dcterms + "source")) if isinstance(s, URIRef)]
    claim_ids = {str(v) for _, v in index.with_property(KET.claimId)}
    return About(ontology_title(index, lang),
                 text_of(index.values(ONTOLOGY_IRI, URIRef(dcterms + "description")), lang),
                 reference_view(reader, sorted(sources)[0], lang) if sources else None, len(claim_ids))
