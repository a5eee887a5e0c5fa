"""``ketrdf docs``: the reference of every class, property and named individual of the reasoned graph.

Each term gets its labels (English, Japanese), definition, domain and range, super- and
sub-terms, restrictions and equivalences in words, and where it is used, with counts.
Properties from other vocabularies the graph uses (DCTERMS, BIBO, SKOS, PROV, RDF,
OWL, SHACL, ...) are listed with their use too, and the named individuals by class.
The graph is read once through the SPARQL gate; the same graph gives the same page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from ketrdf.present.reader import GraphReader
from ketrdf.vocabulary import GRAPH_INFERRED, KET, ONTOLOGY_IRI

ALL_QUADS = """
SELECT ?subject ?property ?value ?graph WHERE { GRAPH ?graph { ?subject ?property ?value } }"""

META_NAMESPACES = (str(OWL), str(RDF), str(RDFS), str(XSD))
PROPERTY_KINDS = (
    ("Object properties", OWL.ObjectProperty), ("Datatype properties", OWL.DatatypeProperty),
    ("Annotation properties", OWL.AnnotationProperty),
)
CHARACTERISTICS = (OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
                   OWL.InverseFunctionalProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
                   OWL.IrreflexiveProperty)
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
DEFINITIONS = (KET.definition, SKOS.definition, RDFS.comment)
DCTERMS_TITLE = URIRef("http://purl.org/dc/terms/title")
MOST_USES_SHOWN = 8


@dataclass
class Index:
    """The graph's triples by subject and by property, each marked stated or inferred.

    The look-ups by property (:meth:`subjects`, :meth:`with_property`) are built on first
    use, from the complete index.
    """

    about: dict[Node, list[tuple[URIRef, Node]]] = field(default_factory=lambda: defaultdict(list))
    inferred: set[tuple[Node, URIRef, Node]] = field(default_factory=set)
    stated: set[tuple[Node, URIRef, Node]] = field(default_factory=set)

    def values(self, subject: Node, prop: URIRef) -> list[Node]:
        """Every value of ``prop`` on ``subject``, stated or inferred."""
        return [value for p, value in self.about.get(subject, ()) if p == prop]

    def stated_values(self, subject: Node, prop: URIRef) -> list[Node]:
        """The values of ``prop`` on ``subject`` that the sources state."""
        return [v for v in self.values(subject, prop) if (subject, prop, v) in self.stated]

    def subjects(self, prop: URIRef, value: Node, stated_only: bool = True) -> list[Node]:
        """The subjects with ``value`` for ``prop``."""
        by_value = self._stated_by_value if stated_only else self._by_value
        return list(by_value.get((prop, value), ()))

    def with_property(self, prop: URIRef, stated_only: bool = True) -> list[tuple[Node, Node]]:
        """The (subject, value) pairs of ``prop``."""
        by_property = self._stated_by_property if stated_only else self._by_property
        return list(by_property.get(prop, ()))

    @cached_property
    def _stated_by_value(self) -> dict[tuple[URIRef, Node], list[Node]]:
        return _by_value(self.stated)

    @cached_property
    def _by_value(self) -> dict[tuple[URIRef, Node], list[Node]]:
        return _by_value(self.stated | self.inferred)

    @cached_property
    def _stated_by_property(self) -> dict[URIRef, list[tuple[Node, Node]]]:
        return _by_property(self.stated)

    @cached_property
    def _by_property(self) -> dict[URIRef, list[tuple[Node, Node]]]:
        return _by_property(self.stated | self.inferred)


def _by_value(triples: set[tuple[Node, URIRef, Node]]) -> dict[tuple[URIRef, Node], list[Node]]:
    found: dict[tuple[URIRef, Node], list[Node]] = defaultdict(list)
    for subject, prop, value in triples:
        found[(prop, value)].append(subject)
    return found


def _by_property(triples: set[tuple[Node, URIRef, Node]]) -> dict[URIRef, list[tuple[Node, Node]]]:
    found: dict[URIRef, list[tuple[Node, Node]]] = defaultdict(list)
    for subject, prop, value in triples:
        found[prop].append((subject, value))
    return found


def read_index(reader: GraphReader) -> Index:
    """Every triple of the graph, read with one gated query."""
    index = Index()
    for row in reader.select(ALL_QUADS, "every triple, for the vocabulary docs"):
        subject, prop, value = row["subject"], row["property"], row["value"]
        if not isinstance(prop, URIRef) or subject is None or value is None:
            continue
        triple = (subject, prop, value)
        if triple not in index.stated and triple not in index.inferred:
            index.about[subject].append((prop, value))
        if row["graph"] == GRAPH_INFERRED:
            index.inferred.add(triple)
        else:
            index.stated.add(triple)
    index.inferred -= index.stated
    return index


class Writer:
    """Words for terms and class expressions, in Markdown."""

    def __init__(self, reader: GraphReader, index: Index) -> None:
        self.reader = reader
        self.index = index

    def code(self, node: Node) -> str:
        """A term as `curie`, a literal as its text."""
        if isinstance(node, URIRef):
            return f"`{self.reader.curie(str(node))}`"
        if isinstance(node, BNode):
            return self.expression(node)
        return str(node)

    def named(self, node: Node) -> str:
        """A term as `curie` (English label)."""
        label = self.reader.label(node, "en")
        curie = self.reader.curie(str(node))
        return self.code(node) if not isinstance(node, URIRef) or label == curie else f"`{curie}` ({label})"

    def _list(self, node: Node) -> list[Node]:
        items: list[Node] = []
        while node != RDF.nil and len(items) < 1000:
            items += self.index.values(node, RDF.first)
            rest = self.index.values(node, RDF.rest)
            if not rest:
                break
            node = rest[0]
        return items

    def expression(self, node: Node) -> str:
        """An OWL class expression in words (restrictions, intersections, unions, ...)."""
        if not isinstance(node, BNode):
            return self.named(node)
        values = self.index.values
        on = values(node, OWL.onProperty)
        prop = self.code(on[0]) if on else "?"
        for predicate, words in ((OWL.hasValue, "have {p} the value {v}"),
                                 (OWL.someValuesFrom, "have {p} some {v}"),
                                 (OWL.allValuesFrom, "have {p} only {v}"),
                                 (OWL.cardinality, "have {p} exactly {v} times"),
                                 (OWL.qualifiedCardinality, "have {p} exactly {v} times"),
                                 (OWL.minCardinality, "have {p} at least {v} times"),
                                 (OWL.maxCardinality, "have {p} at most {v} times")):
            for value in values(node, predicate):
                return "things that " + words.format(p=prop, v=self.named(value))
        for predicate, joiner in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or "), (OWL.oneOf, ", ")):
            for head in values(node, predicate):
                parts = [self.expression(item) for item in self._list(head)]
                return ("one of " if predicate == OWL.oneOf else "") + f"({joiner.join(parts)})"
        for value in values(node, OWL.complementOf):
            return f"not {self.expression(value)}"
        return "(an anonymous class)"


def _iris(nodes: Iterable[Node]) -> list[URIRef]:
    return sorted({n for n in nodes if isinstance(n, URIRef)})


def _is_meta(node: Node) -> bool:
    return str(node).startswith(META_NAMESPACES)


def _text(index: Index, node: Node, predicates: Iterable[URIRef], lang: str) -> str:
    for predicate in predicates:
        found = sorted(str(v) for v in index.values(node, predicate)
                       if isinstance(v, Literal) and (v.language or "") == lang)
        if found:
            return " / ".join(found)
    return ""


def _counted(counter: Counter[str]) -> str:
    shown = [f"{name} ({count})" for name, count in sorted(counter.items(), key=lambda i: (-i[1], i[0]))]
    more = len(shown) - MOST_USES_SHOWN
    return ", ".join(shown[:MOST_USES_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _type_names(writer: Writer, node: Node) -> list[str]:
    types = _iris(writer.index.stated_values(node, RDF.type))
    if isinstance(node, Literal):
        return [f"@{node.language}" if node.language else
                f"`{writer.reader.curie(str(node.datatype or XSD.string))}`"]
    if not types:
        return ["(no stated type)"]
    return [f"`{writer.reader.curie(str(t))}`" for t in types]


def _usage(writer: Writer, prop: URIRef) -> list[str]:
    index = writer.index
    stated = index.with_property(prop)
    inferred = [pair for pair in index.with_property(prop, stated_only=False)
                if (pair[0], prop, pair[1]) in index.inferred]
    if not stated and not inferred:
        return ["- used: not in the graph"]
    subjects: Counter[str] = Counter()
    objects: Counter[str] = Counter()
    for subject, value in stated + inferred:
        subjects.update(_type_names(writer, subject))
        objects.update(_type_names(writer, value))
    return [f"- used: in {len(stated) + len(inferred)} triples as predicate "
            f"({len(stated)} stated, {len(inferred)} inferred)",
            f"  - subjects are {_counted(subjects)}", f"  - values are {_counted(objects)}"]


def _links(writer: Writer, nodes: Iterable[Node]) -> str:
    return ", ".join(sorted(writer.code(n) for n in nodes))


def _entry(writer: Writer, term: URIRef, is_property: bool) -> list[str]:
    index, values = writer.index, writer.index.stated_values
    label = _text(index, term, (RDFS.label,), "en")
    lines = [f"### `{writer.reader.curie(str(term))}`" + (f" {label}" if label else ""), "",
             f"- IRI: <{term}>",
             f"- label (en): {label or '—'}",
             f"- label (ja): {_text(index, term, (RDFS.label,), 'ja') or '—'}",
             f"- definition: {_text(index, term, DEFINITIONS, 'en') or '—'}"]
    characteristics = [t for t in CHARACTERISTICS if t in values(term, RDF.type)]
    sub_of = RDFS.subPropertyOf if is_property else RDFS.subClassOf
    equivalent = OWL.equivalentProperty if is_property else OWL.equivalentClass
    details = [
        ("characteristics", _links(writer, characteristics)),
        ("sub-property of" if is_property else "subclass of", _links(writer, values(term, sub_of))),
        ("sub-properties" if is_property else "subclasses",
         _links(writer, [s for s in index.subjects(sub_of, term) if s != term and isinstance(s, URIRef)])),
        ("equivalent to", "; ".join(writer.expression(v) for v in values(term, equivalent))),
        ("disjoint with", _links(writer, values(term, OWL.disjointWith))),
        ("domain", _links(writer, values(term, RDFS.domain))),
        ("range", _links(writer, values(term, RDFS.range))),
        ("inverse of", _links(writer, values(term, OWL.inverseOf) + index.subjects(OWL.inverseOf, term))),
    ]
    lines += [f"- {name}: {text}" for name, text in details if text]
    for chain in values(term, OWL.propertyChainAxiom):
        lines.append("- property chain: " + " then ".join(writer.code(p) for p in writer._list(chain)))
    mappings = "; ".join(f"{writer.reader.curie(str(p))} {_links(writer, values(term, p))}"
                         for p in MAPPINGS if values(term, p))
    if mappings:
        lines.append(f"- mappings: {mappings}")
    if is_property:
        lines += _usage(writer, term)
    else:
        stated = {s for s in index.subjects(RDF.type, term) if isinstance(s, URIRef)}
        every = {s for s in index.subjects(RDF.type, term, stated_only=False) if isinstance(s, URIRef)}
        lines.append(f"- instances: {len(stated)} stated, {len(every)} with inferred types")
    return [*lines, ""]


def _kinds(index: Index) -> tuple[list[URIRef], dict[URIRef, list[URIRef]], list[URIRef]]:
    """The classes, the properties by kind, and the named individuals of the graph."""
    typed = [(s, t) for s, p, t in index.stated | index.inferred if p == RDF.type]
    classes = _iris([t for _, t in typed if not _is_meta(t)]
                    + [s for s, t in typed if t in (OWL.Class, RDFS.Class) and not _is_meta(s)])
    used = {p for _, p, _ in index.stated | index.inferred}
    declared = {kind: {s for s, t in typed if t == kind and isinstance(s, URIRef)}
                for _, kind in PROPERTY_KINDS}
    properties: dict[URIRef, list[URIRef]] = {kind: sorted(terms) for kind, terms in declared.items()}
    known = set().union(*declared.values())
    properties[RDF.Property] = sorted(p for p in used if p not in known)
    terms = set(classes) | known | used | {ONTOLOGY_IRI}
    individuals = _iris(s for s, t in typed
                        if (t == OWL.NamedIndividual or not _is_meta(t)) and s not in terms)
    return classes, properties, individuals


def _individuals(writer: Writer, individuals: list[URIRef]) -> Iterator[str]:
    by_class: dict[URIRef, list[URIRef]] = defaultdict(list)
    for individual in individuals:
        types = [t for t in _iris(writer.index.stated_values(individual, RDF.type)) if not _is_meta(t)]
        for cls in types or [OWL.NamedIndividual]:
            by_class[cls].append(individual)
    for cls in sorted(by_class, key=lambda c: writer.reader.curie(str(c))):
        members = by_class[cls]
        yield from [f"### {writer.named(cls)}: {len(members)}", "", "| individual | English | Japanese |",
                    "|---|---|---|"]
        for member in members:
            en = _text(writer.index, member, (RDFS.label, DCTERMS_TITLE), "en") or _text(
                writer.index, member, (RDFS.label, DCTERMS_TITLE), "")
            ja = _text(writer.index, member, (RDFS.label,), "ja")
            cells = [f"`{writer.reader.curie(str(member))}`", en, ja]
            yield "| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |"
        yield ""


def vocabulary_markdown(reader: GraphReader) -> str:
    """The Markdown reference of the graph ``reader`` reads; the same graph always gives the same text."""
    index = read_index(reader)
    writer = Writer(reader, index)
    classes, properties, individuals = _kinds(index)
    title = _text(index, ONTOLOGY_IRI, (DCTERMS_TITLE,), "en")
    version = next((str(v) for v in index.values(ONTOLOGY_IRI, OWL.versionInfo)), "")
    out = [f"# {title}", "",
           "Generated by `ketrdf docs` from the reasoned graph (ontology, content, mappings, saved-query "
           "catalogue and inferred triples); do not edit by hand. Counts say how often each term is used, "
           "in stated and in inferred triples.", "",
           f"Ontology IRI <{ONTOLOGY_IRI}>, version {version}.", "",
           f"- [Classes](#classes-{len(classes)}): {len(classes)}"]
    sections = [*PROPERTY_KINDS,
                ("Other properties the graph uses (RDF, RDFS, OWL, SHACL, ...)", RDF.Property)]
    out += [f"- {heading}: {len(properties[kind])}" for heading, kind in sections]
    out += [f"- Named individuals: {len(individuals)}", "", f"## Classes ({len(classes)})", ""]
    for term in sorted(classes, key=lambda t: reader.curie(str(t))):
        out += _entry(writer, term, is_property=False)
    for heading, kind in sections:
        terms = sorted(properties[kind], key=lambda t: reader.curie(str(t)))
        out += [f"## {heading} ({len(terms)})", ""]
        for term in terms:
            out += _entry(writer, term, is_property=True)
    out += [f"## Named individuals by class ({len(individuals)})", "",
            "Each individual is listed under every class the sources state for it.", ""]
    out += list(_individuals(writer, individuals))
    return "\n".join(out).rstrip("\n") + "\n"
