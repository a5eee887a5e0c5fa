"""``ketrdf show ID``: one view of a claim id, or of any other thing in the graph.

A claim id (``ENAN-14``) gives a :class:`ClaimView` over every claim node with that id;
an IRI, a CURIE, a label or alternative label (English or Japanese) or a local name
gives an :class:`EntityView`. Every read is a SPARQL text below, run through the gate.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from ketrdf.errors import InputError, QueryError
from ketrdf.present.reader import GraphReader, Term
from ketrdf.query.parameters import expand_iri
from ketrdf.vocabulary import GRAPH_INFERRED, KET

DCTERMS_ISSUED = URIRef("http://purl.org/dc/terms/issued")
DCTERMS_TITLE = URIRef("http://purl.org/dc/terms/title")
DCTERMS_PART_OF = URIRef("http://purl.org/dc/terms/isPartOf")
PROV_ATTRIBUTED = URIRef("http://www.w3.org/ns/prov#wasAttributedTo")

CLAIM_NODES = """
SELECT ?claim WHERE { ?claim ket:claimId ?id }"""
BY_NAME = """
SELECT DISTINCT ?thing WHERE {
  ?thing rdfs:label|skos:altLabel ?name .
  FILTER (isIRI(?thing) && LCASE(STR(?name)) = LCASE(STR(?text)))
}"""
CLAIM_ID_OF = """
SELECT ?id WHERE { ?thing ket:claimId ?id }"""
MENTIONED = """
ASK WHERE { { ?thing ?p ?o } UNION { ?s ?p ?thing } }"""
NAMES = """
SELECT DISTINCT ?thing ?name WHERE {
  { ?thing rdfs:label|skos:altLabel|ket:claimId ?name } UNION { ?thing a ?class BIND ("" AS ?name) }
  FILTER (isIRI(?thing))
}"""
OUTGOING = """
SELECT ?property ?value ?graph WHERE { GRAPH ?graph { ?thing ?property ?value } }"""
CLAIMS_INVOLVING = """
SELECT DISTINCT ?claim ?id ?via WHERE {
  ?claim ket:claimId ?id .
  { ?claim ?via ?thing }
  UNION
  { ?claim ket:hasEvidence|ket:reportsEvent|ket:reportsStatus|ket:reportsStatistic ?node .
    ?node ?via ?thing }
}"""
DERIVED_BETWEEN = f"""
SELECT DISTINCT ?subject ?property ?object WHERE {{
  ?claim ?role ?subject , ?object .
  FILTER (?subject != ?object && isIRI(?subject) && isIRI(?object))
  GRAPH <{GRAPH_INFERRED}> {{ ?subject ?property ?object }}
}}"""

#: Properties a claim view shows in their own places, not among the claim's parts.
CLAIM_BOOKKEEPING = frozenset({
    RDF.type, RDFS.label, KET.claimId, KET.claimStatus, KET.statedIn, KET.hasEvidence, KET.basedOn,
    KET.proposedBy, PROV_ATTRIBUTED, KET.about,
})
REFERENCE_LINK_PREFIXES = ("doi:", "pubmed:")
MAX_SUGGESTIONS = 8


@dataclass(frozen=True)
class Fact:
    """One triple seen from its subject: the property and the value, stated or inferred."""

    property: Term
    value: Term
    inferred: bool = False


@dataclass(frozen=True)
class ReferenceView:
    """A publication as the review lists it, with links to DOI and PubMed."""

    reference: Term
    number: str
    first_author: str
    year: str
    title: str
    journal: str
    links: tuple[Term, ...]


@dataclass(frozen=True)
class EvidenceView:
    """The evidence behind a claim node: its design, what it reports, its references."""

    evidence: Term
    designs: tuple[Term, ...]
    facts: tuple[Fact, ...]
    references: tuple[Term, ...]


@dataclass(frozen=True)
class Statement:
    """One claim node: what it says, where, its status, whose view, evidence and derivations."""

    claim: Term
    kinds: tuple[Term, ...]
    says: str
    parts: tuple[Fact, ...]
    about: tuple[Term, ...]
    status: tuple[Term, ...]
    attribution: tuple[Term, ...]
    stated_in: tuple[Term, ...]
    evidence: tuple[EvidenceView, ...]
    based_on: tuple[Term, ...]
    derived: tuple[Fact, ...]
    derived_between: tuple[tuple[Term, Term, Term], ...]


@dataclass(frozen=True)
class ClaimView:
    """Everything the graph holds under one claim id."""

    claim_id: str
    lang: str
    statements: tuple[Statement, ...]
    references: tuple[ReferenceView, ...]
    view: str = "claim"


@dataclass(frozen=True)
class ClaimMention:
    """A claim node that involves a thing, and through which property."""

    claim_id: str
    claim: Term
    via: tuple[Term, ...]


@dataclass(frozen=True)
class EntityView:
    """What the graph says of one thing, its external identifiers and the claims that involve it."""

    entity: Term
    lang: str
    types: tuple[Term, ...]
    names: tuple[Fact, ...]
    facts: tuple[Fact, ...]
    identifiers: tuple[Fact, ...]
    reference: ReferenceView | None
    claims: tuple[ClaimMention, ...]
    view: str = "entity"


View = ClaimView | EntityView


def _outgoing(reader: GraphReader, node: URIRef) -> list[tuple[URIRef, Node, bool]]:
    """(property, value, inferred) of every triple about ``node``, sorted, each once."""
    rows = reader.select(OUTGOING, "what the graph says of a thing", {"thing": node})
    found: dict[tuple[URIRef, Node], bool] = {}
    for row in rows:
        prop, value = row["property"], row["value"]
        if isinstance(prop, URIRef) and value is not None:
            inferred = row["graph"] == GRAPH_INFERRED
            found[(prop, value)] = found.get((prop, value), True) and inferred
    return sorted(((p, v, i) for (p, v), i in found.items()), key=lambda t: (str(t[0]), str(t[1])))


def _values(triples: list[tuple[URIRef, Node, bool]], prop: URIRef) -> list[Node]:
    return [value for p, value, _ in triples if p == prop]


def _fact(reader: GraphReader, prop: URIRef, value: Node, inferred: bool, lang: str) -> Fact:
    return Fact(reader.term(prop, lang), reader.term(value, lang), inferred)


def _terms(reader: GraphReader, nodes: list[Node], lang: str) -> tuple[Term, ...]:
    return tuple(sorted({reader.term(node, lang) for node in nodes}, key=lambda t: (t.label, t.iri)))


def _text_in(values: list[Node], lang: str) -> str:
    """The literal in ``lang`` (else English, else any) among ``values``."""
    literals = sorted((v for v in values if isinstance(v, Literal)), key=str)
    for wanted in (lang, "en", None):
        for literal in literals:
            if literal.language == wanted:
                return str(literal)
    return str(literals[0]) if literals else ""


def reference_view(reader: GraphReader, reference: URIRef, lang: str) -> ReferenceView:
    """A reference's number, first author, year, title, journal and DOI / PubMed links."""
    triples = _outgoing(reader, reference)

    def first(prop: URIRef) -> str:
        return _text_in(_values(triples, prop), lang)

    journal = _values(triples, DCTERMS_PART_OF)
    links = [Term(f"https://{'doi.org' if curie.startswith('doi:') else 'pubmed.ncbi.nlm.nih.gov'}/"
                  f"{curie.split(':', 1)[1]}", str(value), curie)
             for value in _values(triples, SKOS.exactMatch) if isinstance(value, URIRef)
             for curie in [reader.curie(str(value))] if curie.startswith(REFERENCE_LINK_PREFIXES)]
    return ReferenceView(
        reference=reader.term(reference, lang), number=first(KET.referenceNumber),
        first_author=first(KET.firstAuthor), year=first(DCTERMS_ISSUED), title=first(DCTERMS_TITLE),
        journal=reader.label(journal[0], lang) if journal else "",
        links=tuple(sorted(links, key=lambda t: t.curie)))


def _evidence_view(reader: GraphReader, evidence: URIRef, lang: str) -> EvidenceView:
    triples = _outgoing(reader, evidence)
    skip = {RDF.type, RDFS.label, KET.citesReference, KET.supports}
    return EvidenceView(
        evidence=reader.term(evidence, lang),
        designs=_terms(reader, [v for p, v, inferred in triples if p == RDF.type and not inferred], lang),
        facts=tuple(_fact(reader, p, v, i, lang) for p, v, i in triples if p not in skip),
        references=_terms(reader, _values(triples, KET.citesReference), lang))


def _statement(reader: GraphReader, claim: URIRef, lang: str) -> Statement:
    triples = _outgoing(reader, claim)
    asserted = [(p, v) for p, v, inferred in triples if not inferred]
    between = reader.select(DERIVED_BETWEEN, "what reasoning derived from a claim", {"claim": claim})
    return Statement(
        claim=reader.term(claim, lang),
        kinds=_terms(reader, [v for p, v in asserted if p == RDF.type], lang),
        says=_text_in(_values(triples, RDFS.label), lang),
        parts=tuple(_fact(reader, p, v, False, lang) for p, v in asserted if p not in CLAIM_BOOKKEEPING),
        about=_terms(reader, _values(triples, KET.about), lang),
        status=_terms(reader, _values(triples, KET.claimStatus), lang),
        attribution=_terms(reader, _values(triples, PROV_ATTRIBUTED) + _values(triples, KET.proposedBy),
                           lang),
        stated_in=_terms(reader, _values(triples, KET.statedIn), lang),
        evidence=tuple(_evidence_view(reader, e, lang) for e in
                       sorted({e for e in _values(triples, KET.hasEvidence) if isinstance(e, URIRef)})),
        based_on=_terms(reader, _values(triples, KET.basedOn), lang),
        derived=tuple(_fact(reader, p, v, True, lang) for p, v, inferred in triples if inferred),
        derived_between=tuple(sorted(
            (reader.term(row["subject"], lang), reader.term(row["property"], lang),
             reader.term(row["object"], lang)) for row in between)))


def claim_view(reader: GraphReader, claim_id: str, lang: str = "en") -> ClaimView | None:
    """Every claim node with ``claim_id``, and the references they cite; None if there is none."""
    rows = reader.select(CLAIM_NODES, "claim nodes of an id", {"id": Literal(claim_id)})
    claims = sorted({row["claim"] for row in rows if isinstance(row["claim"], URIRef)})
    if not claims:
        return None
    statements = tuple(_statement(reader, claim, lang) for claim in claims)
    references = {URIRef(ref.iri) for s in statements for e in s.evidence for ref in e.references}
    views = sorted((reference_view(reader, ref, lang) for ref in references),
                   key=lambda r: (int(r.number) if r.number.isdigit() else 10**6, r.reference.iri))
    return ClaimView(claim_id, lang, statements, tuple(views))


def entity_view(reader: GraphReader, entity: URIRef, lang: str = "en") -> EntityView:
    """What the graph says of ``entity`` and the claims that involve it."""
    triples = _outgoing(reader, entity)
    names = {RDFS.label, SKOS.altLabel, SKOS.prefLabel}
    mappings = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch,
                KET.identifierNotFoundIn}
    mentions = reader.select(CLAIMS_INVOLVING, "claims that involve a thing", {"thing": entity})
    via: dict[tuple[str, URIRef], set[URIRef]] = {}
    for row in mentions:
        if isinstance(row["claim"], URIRef) and isinstance(row["via"], URIRef):
            via.setdefault((str(row["id"]), row["claim"]), set()).add(row["via"])
    claims = [ClaimMention(claim_id, reader.term(claim, lang), _terms(reader, list(props), lang))
              for (claim_id, claim), props in sorted(via.items())]
    is_reference = any(p == KET.referenceNumber for p, _, _ in triples)
    return EntityView(
        entity=reader.term(entity, lang), lang=lang,
        types=_terms(reader, [t for t in _values(triples, RDF.type) if isinstance(t, URIRef)], lang),
        names=tuple(Fact(reader.term(p, lang), Term(f"{v} @{v.language}" if isinstance(v, Literal)
                                                      and v.language else str(v)), i)
                    for p, v, i in triples if p in names),
        facts=tuple(_fact(reader, p, v, i, lang) for p, v, i in triples
                    if p not in names | mappings and p != RDF.type),
        identifiers=tuple(_fact(reader, p, v, i, lang) for p, v, i in triples if p in mappings),
        reference=reference_view(reader, entity, lang) if is_reference else None,
        claims=tuple(claims))


def _local_name(iri: str) -> str:
    return re.sub(r"^.*[/#]", "", iri)


def _suggestions(reader: GraphReader, text: str) -> list[str]:
    """Claim ids, labels and local names close to ``text``, closest first."""
    rows = reader.select(NAMES, "names for suggestions")
    names: dict[str, str] = {}
    for row in rows:
        thing, name = str(row["thing"]), str(row["name"] or "")
        for candidate in (name, _local_name(thing)):
            if candidate:
                names.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(text.lower(), sorted(names), n=MAX_SUGGESTIONS, cutoff=0.6)
    return [names[key] for key in close]


def resolve(reader: GraphReader, identifier: str, lang: str = "en") -> View:
    """The view of ``identifier``: a claim id, IRI, CURIE, label (en or ja) or local name.

    The IRI or CURIE of a claim node gives the view of its claim id.

    Raises :class:`InputError` (exit 2) naming close matches when nothing fits, and the
    candidates when a name fits several things.
    """
    text = identifier.strip()
    if not text:
        raise InputError("show: an empty identifier names nothing")
    claims = claim_view(reader, text, lang)
    if claims is not None:
        return claims
    try:
        iri: URIRef | None = expand_iri(text)
    except QueryError:
        iri = None
    if iri is not None and reader.ask(MENTIONED, "is a thing in the graph", {"thing": iri}):
        rows = reader.select(CLAIM_ID_OF, "claim id of a node", {"thing": iri})
        ids = sorted(str(row["id"]) for row in rows)
        view = claim_view(reader, ids[0], lang) if ids else None
        return view or entity_view(reader, iri, lang)
    found = sorted({row["thing"] for row in reader.select(BY_NAME, "things by name", {"text": Literal(text)})
                    if isinstance(row["thing"], URIRef)})
    if not found:
        found = sorted({row["thing"] for row in reader.select(NAMES, "things by local name")
                        if isinstance(row["thing"], URIRef)
                        and _local_name(str(row["thing"])).lower() == text.lower()})
    if len(found) == 1:
        return entity_view(reader, URIRef(str(found[0])), lang)
    if found:
        names = ", ".join(f"{reader.curie(str(t))} ({reader.label(t, lang)})" for t in found)
        raise InputError(f"show: {identifier!r} names several things: {names}; give a CURIE or IRI")
    close = _suggestions(reader, text)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise InputError(f"show: {identifier!r} is no claim id, IRI, CURIE or label in the graph{hint}")
