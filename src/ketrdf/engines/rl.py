"""A fast forward-chaining engine for the OWL 2 RL rules ketrdf's ontology uses.

It computes, over Python sets indexed by predicate, the same entailments as
owlrl for the constructs listed in :data:`SUPPORTED` (after ketrdf's filtering
of trivial triples; ``tests/engines/test_rl.py`` checks that), and refuses an
ontology that uses an OWL construct it does not implement, so that it never
returns an incomplete closure silently. owlrl stays the reference engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ketrdf.engines.reasoners import inconsistency
from ketrdf.errors import InputError

Triple = tuple[Node, Node, Node]
_PROPERTY_TYPES = frozenset({OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property})

#: OWL vocabulary with a rule here (``tests/engines/test_rl_rules.py`` has a test per rule).
SUPPORTED = frozenset({
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
    OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf,
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty,
    OWL.propertyChainAxiom, OWL.hasValue, OWL.onProperty, OWL.Restriction,
    OWL.disjointWith, OWL.sameAs, OWL.differentFrom,
})
#: OWL 2 RL constructs that owlrl implements and this engine does not: refused when used as a
#: predicate or a class, asserted or entailed.
UNSUPPORTED = frozenset({
    OWL.intersectionOf, OWL.unionOf, OWL.complementOf, OWL.someValuesFrom, OWL.allValuesFrom,
    OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.oneOf, OWL.hasKey,
    OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty, OWL.AsymmetricProperty,
    OWL.propertyDisjointWith, OWL.AllDisjointClasses, OWL.AllDisjointProperties, OWL.AllDifferent,
    OWL.sourceIndividual, OWL.withRestrictions, OWL.disjointUnionOf,
})


class _Store:
    """Triples with an index by predicate; remembers what it added."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.triples: set[Triple] = set()
        self.by_predicate: dict[Node, set[tuple[Node, Node]]] = defaultdict(set)
        self.added: set[Triple] = set()
        for triple in triples:
            self._insert(triple, given=True)

    def _insert(self, triple: Triple, given: bool = False) -> bool:
        if triple in self.triples:
            return False
        self.triples.add(triple)
        self.by_predicate[triple[1]].add((triple[0], triple[2]))
        if not given:
            self.added.add(triple)
        return True

    def add(self, subject: Node, predicate: Node, obj: Node) -> bool:
        """Add one triple unless its subject is a literal (no RDF store accepts those).

        ``owl:sameAs`` is the exception, as in owlrl: equality between literals (from a
        functional property, say) must reach the eq-* rules; ketrdf drops such triples
        from its output as trivial.
        """
        if isinstance(subject, Literal) and predicate != OWL.sameAs:
            return False
        return self._insert((subject, predicate, obj))

    def pairs(self, predicate: Node) -> set[tuple[Node, Node]]:
        """Subject-object pairs of ``predicate`` (a copy, safe to iterate while adding)."""
        return set(self.by_predicate.get(predicate, ()))

    def subjects(self, predicate: Node, obj: Node) -> list[Node]:
        """Subjects with ``predicate`` ``obj``."""
        return [s for s, o in self.by_predicate.get(predicate, ()) if o == obj]


def _closure(pairs: set[tuple[Node, Node]]) -> set[tuple[Node, Node]]:
    """The transitive closure of a relation given as pairs."""
    successors: dict[Node, set[Node]] = defaultdict(set)
    for a, b in pairs:
        successors[a].add(b)
    closed: set[tuple[Node, Node]] = set()
    for start in list(successors):
        seen: set[Node] = set()
        stack = list(successors[start])
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            stack.extend(successors.get(node, ()))
        closed.update((start, end) for end in seen)
    return closed


class RLReasoner:
    """Fast OWL-RL closure for ketrdf's subset of OWL 2 RL (see :data:`SUPPORTED`)."""

    name = "rl"

    def entailments(self, graph: Graph) -> set[Triple]:
        """Return the triples the supported rules entail beyond ``graph``."""
        store = _Store(graph)
        chains = self._chains(store)
        changed = True
        while changed:
            before = len(store.triples)
            self._schema(store)
            self._properties(store, chains)
            self._classes(store)
            self._equality(store)
            changed = len(store.triples) != before
        self._refuse_unsupported(store)  # on the closure: an unsupported class may be entailed
        self._check_consistency(store)
        return store.added  # what it added: not in ``graph``

    @staticmethod
    def _refuse_unsupported(store: _Store) -> None:
        used = sorted({str(p) for p in store.by_predicate if p in UNSUPPORTED}
                      | {str(o) for _s, o in store.by_predicate.get(RDF.type, ()) if o in UNSUPPORTED})
        if used:
            raise InputError(f"the fast reasoner does not implement {', '.join(used)}; "
                             "use --reasoner owlrl")

    @staticmethod
    def _chains(store: _Store) -> list[tuple[Node, list[Node]]]:
        """Each ``owl:propertyChainAxiom`` with its RDF list of properties, in order."""
        first = dict(store.by_predicate.get(RDF.first, ()))
        rest = dict(store.by_predicate.get(RDF.rest, ()))
        chains = []
        for prop, head in store.by_predicate.get(OWL.propertyChainAxiom, ()):
            members: list[Node] = []
            cell: Node | None = head
            while cell is not None and cell != RDF.nil and cell in first and len(members) <= len(first):
                members.append(first[cell])
                cell = rest.get(cell)
            chains.append((prop, members))
        return chains

    @staticmethod
    def _schema(store: _Store) -> None:
        """scm-sco, scm-eqc1/2, scm-spo, scm-eqp1/2, scm-dom1/2, scm-rng1/2, scm-hv."""
        for a, b in store.pairs(OWL.equivalentClass):
            store.add(a, RDFS.subClassOf, b)
            store.add(b, RDFS.subClassOf, a)
        for a, b in store.pairs(OWL.equivalentProperty):
            store.add(a, RDFS.subPropertyOf, b)
            store.add(b, RDFS.subPropertyOf, a)
        for predicate in (RDFS.subClassOf, RDFS.subPropertyOf):
            for a, b in _closure(store.pairs(predicate)):
                store.add(a, predicate, b)
        sub_classes = store.pairs(RDFS.subClassOf)
        for a, b in sub_classes:
            if (b, a) in sub_classes:
                store.add(a, OWL.equivalentClass, b)
        sub_properties = store.pairs(RDFS.subPropertyOf)
        for a, b in sub_properties:
            if (b, a) in sub_properties:
                store.add(a, OWL.equivalentProperty, b)
        for relation in (RDFS.domain, RDFS.range):
            for prop, cls in store.pairs(relation):
                for sub, sup in sub_classes:
                    if sub == cls:
                        store.add(prop, relation, sup)
                for sub, sup in sub_properties:
                    if sup == prop:
                        store.add(sub, relation, cls)
        _scm_hv(store, sub_properties)

    @staticmethod
    def _properties(store: _Store, chains: list[tuple[Node, list[Node]]]) -> None:
        """prp-dom, prp-rng, prp-spo1, prp-spo2, prp-inv1/2, prp-symp, prp-trp, prp-eqp1/2, prp-fp."""
        for prop, cls in store.pairs(RDFS.domain):
            for s, _o in store.pairs(prop):
                store.add(s, RDF.type, cls)
        for prop, cls in store.pairs(RDFS.range):
            for _s, o in store.pairs(prop):
                store.add(o, RDF.type, cls)
        for sub, sup in store.pairs(RDFS.subPropertyOf):
            for s, o in store.pairs(sub):
                store.add(s, sup, o)
        for prop, chain in chains:
            for s, o in _follow(store, chain):
                store.add(s, prop, o)
        for p1, p2 in store.pairs(OWL.inverseOf):
            for s, o in store.pairs(p1):
                store.add(o, p2, s)
            for s, o in store.pairs(p2):
                store.add(o, p1, s)
        for prop in store.subjects(RDF.type, OWL.SymmetricProperty):
            for s, o in store.pairs(prop):
                store.add(o, prop, s)
        for prop in store.subjects(RDF.type, OWL.TransitiveProperty):
            for s, o in _closure(store.pairs(prop)):
                store.add(s, prop, o)
        for prop in store.subjects(RDF.type, OWL.FunctionalProperty):
            values: dict[Node, set[Node]] = defaultdict(set)
            for s, o in store.pairs(prop):
                values[s].add(o)
            for objects in values.values():
                if len(objects) > 1:
                    for a in objects:
                        for b in objects:
                            if a != b:
                                store.add(a, OWL.sameAs, b)

    @staticmethod
    def _classes(store: _Store) -> None:
        """cax-sco, cls-hv1, cls-hv2."""
        sub_classes = store.pairs(RDFS.subClassOf)
        members: dict[Node, set[Node]] = defaultdict(set)
        for x, cls in store.pairs(RDF.type):
            members[cls].add(x)
        for sub, sup in sub_classes:
            for x in members.get(sub, ()):
                store.add(x, RDF.type, sup)
        for restriction, prop, value in _has_value_restrictions(store):
            for x in list(members.get(restriction, ())):
                store.add(x, prop, value)
            for s, o in store.pairs(prop):
                if o == value:
                    store.add(s, RDF.type, restriction)

    @staticmethod
    def _equality(store: _Store) -> None:
        """eq-sym, eq-trans and eq-rep-s/p/o, only when some sameAs links distinct nodes."""
        same = {(a, b) for a, b in store.pairs(OWL.sameAs) if a != b}
        if not same:
            return
        for a, b in same:
            store.add(b, OWL.sameAs, a)
        for a, b in _closure(store.pairs(OWL.sameAs)):
            store.add(a, OWL.sameAs, b)
        alias: dict[Node, set[Node]] = defaultdict(set)
        for a, b in store.pairs(OWL.sameAs):
            alias[a].add(b)
        for s, p, o in list(store.triples):
            for s2 in alias.get(s, {s}) | {s}:
                for p2 in alias.get(p, {p}) | {p}:
                    for o2 in alias.get(o, {o}) | {o}:
                        store.add(s2, p2, o2)

    @staticmethod
    def _check_consistency(store: _Store) -> None:
        """cax-dw, eq-diff1, cls-nothing2, and ill-typed literals, as owlrl reports them."""
        problems = []
        types: dict[Node, set[Node]] = defaultdict(set)
        for x, cls in store.pairs(RDF.type):
            types[x].add(cls)
        for c1, c2 in store.pairs(OWL.disjointWith):
            for x, classes in types.items():
                if c1 in classes and c2 in classes:
                    problems.append(f"Disjoint classes {c1} and {c2} have a common individual {x}")
        for x, classes in types.items():
            if OWL.Nothing in classes:
                problems.append(f"{x} is defined of type 'Nothing'")
        for a, b in store.pairs(OWL.differentFrom):
            if a == b or (a, OWL.sameAs, b) in store.triples:  # a == b: eq-ref makes a the same as a
                problems.extend(f"'sameAs' and 'differentFrom' cannot be used on the same "
                                f"subject-object pair: ({x}, {y})" for x, y in ((a, b), (b, a)))
        for triple in store.triples:
            obj = triple[2]
            if isinstance(obj, Literal) and obj.ill_typed:
                problems.append(f"Lexical value of the literal '{obj}' does not match its datatype "
                                f"({obj.datatype})")
        if problems:
            raise inconsistency(problems)


def _scm_hv(store: _Store, sub_properties: set[tuple[Node, Node]]) -> None:
    """scm-hv: hasValue restrictions on one value, the first's property a sub-property of the other's.

    A declared property is its own sub-property (scm-op, scm-dp; owlrl adds rdf:Property).
    """
    by_value: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for restriction, prop, value in _has_value_restrictions(store):
        by_value[value].append((restriction, prop))
    if not by_value:
        return
    declared = {p for p, cls in store.by_predicate.get(RDF.type, ()) if cls in _PROPERTY_TYPES}
    for restrictions in by_value.values():
        for c1, p1 in restrictions:
            for c2, p2 in restrictions:
                if c1 != c2 and ((p1, p2) in sub_properties or (p1 == p2 and p1 in declared)):
                    store.add(c1, RDFS.subClassOf, c2)


def _has_value_restrictions(store: _Store) -> list[tuple[Node, Node, Node]]:
    """Each ``owl:hasValue`` restriction as (restriction, property, value)."""
    on_property: dict[Node, set[Node]] = defaultdict(set)
    for restriction, prop in store.pairs(OWL.onProperty):
        on_property[restriction].add(prop)
    return [(restriction, prop, value) for restriction, value in store.pairs(OWL.hasValue)
            for prop in on_property.get(restriction, ())]


def _follow(store: _Store, chain: list[Node]) -> Iterator[tuple[Node, Node]]:
    """Pairs (start, end) linked by the properties of ``chain`` in order (prp-spo2)."""
    if not chain:
        return
    frontier = store.pairs(chain[0])
    for prop in chain[1:]:
        successors: dict[Node, set[Node]] = defaultdict(set)
        for s, o in store.pairs(prop):
            successors[s].add(o)
        frontier = {(start, nxt) for start, mid in frontier for nxt in successors.get(mid, ())}
    yield from frontier

