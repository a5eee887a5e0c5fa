"""A fast forward-chaining engine for the OWL 2 RL rules ketrdf's ontology uses.

It computes, over Python sets indexed by predicate, the same entailments as
owlrl for the constructs listed in :data:`SUPPORTED` (after ketrdf's filtering
of trivial triples; ``tests/engines/test_rl.py`` checks that on the review and
``test_rl_random.py`` on random graphs), and refuses an
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
NumberTriple = tuple[int, int, int]
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
    """Triples of term numbers with an index by predicate; remembers what it added.

    Each rdflib term is numbered once (hashing a tuple of small integers costs a fraction of
    hashing rdflib terms); :meth:`term` turns a number back into its term.
    """

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.numbers: dict[Node, int] = {}
        self.terms: list[Node] = []
        self.literals: set[int] = set()
        self.triples: set[NumberTriple] = set()
        self.by_predicate: dict[int, set[tuple[int, int]]] = defaultdict(set)
        self.added: set[NumberTriple] = set()
        number = self.number
        for subject, predicate, obj in triples:
            self._insert((number(subject), number(predicate), number(obj)), given=True)

    def number(self, term: Node) -> int:
        """The number of ``term``, given on first sight."""
        found = self.numbers.get(term)
        if found is None:
            found = self.numbers[term] = len(self.terms)
            self.terms.append(term)
            if isinstance(term, Literal):
                self.literals.add(found)
        return found

    def term(self, number: int) -> Node:
        """The term numbered ``number``."""
        return self.terms[number]

    def _insert(self, triple: NumberTriple, given: bool = False) -> bool:
        if triple in self.triples:
            return False
        self.triples.add(triple)
        self.by_predicate[triple[1]].add((triple[0], triple[2]))
        if not given:
            self.added.add(triple)
        return True

    def add(self, subject: int, predicate: int, obj: int) -> bool:
        """Add one triple unless its predicate is a literal, as owlrl does.

        A literal subject is kept, as in owlrl (generalized RDF): what follows from it need
        not be about a literal (a symmetric property's value "v" links "v" back to its
        subject, which a range then types). ketrdf drops such triples from its output as
        trivial (no RDF store accepts them).
        """
        if predicate in self.literals:
            return False
        return self._insert((subject, predicate, obj))

    def pairs(self, predicate: int) -> set[tuple[int, int]]:
        """Subject-object pairs of ``predicate`` (a copy, safe to iterate while adding)."""
        return set(self.by_predicate.get(predicate, ()))

    def subjects(self, predicate: int, obj: int) -> list[int]:
        """Subjects with ``predicate`` ``obj``."""
        return [s for s, o in self.by_predicate.get(predicate, ()) if o == obj]


class _Terms:
    """The numbers of the vocabulary the rules use, in one store."""

    def __init__(self, store: _Store) -> None:
        number = store.number
        self.type, self.first, self.rest, self.nil = (number(RDF.type), number(RDF.first),
                                                      number(RDF.rest), number(RDF.nil))
        self.sub_class, self.sub_property = number(RDFS.subClassOf), number(RDFS.subPropertyOf)
        self.domain, self.range = number(RDFS.domain), number(RDFS.range)
        self.equivalent_class = number(OWL.equivalentClass)
        self.equivalent_property = number(OWL.equivalentProperty)
        self.inverse, self.chain = number(OWL.inverseOf), number(OWL.propertyChainAxiom)
        self.symmetric, self.transitive = number(OWL.SymmetricProperty), number(OWL.TransitiveProperty)
        self.functional, self.same_as = number(OWL.FunctionalProperty), number(OWL.sameAs)
        self.has_value, self.on_property = number(OWL.hasValue), number(OWL.onProperty)
        self.disjoint, self.different = number(OWL.disjointWith), number(OWL.differentFrom)
        self.nothing = number(OWL.Nothing)
        self.property_types = frozenset(number(kind) for kind in _PROPERTY_TYPES)
        self.unsupported = frozenset(number(term) for term in UNSUPPORTED)


def _closure(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The transitive closure of a relation given as pairs."""
    successors: dict[int, set[int]] = defaultdict(set)
    for a, b in pairs:
        successors[a].add(b)
    closed: set[tuple[int, int]] = set()
    for start in list(successors):
        seen: set[int] = set()
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
        terms = _Terms(store)
        chains = self._chains(store, terms)
        changed = True
        while changed:
            before = len(store.triples)
            self._schema(store, terms)
            self._properties(store, terms, chains)
            self._classes(store, terms)
            self._equality(store, terms)
            changed = len(store.triples) != before
        self._refuse_unsupported(store, terms)  # on the closure: an unsupported class may be entailed
        self._check_consistency(store, terms)
        term = store.term
        return {(term(s), term(p), term(o)) for s, p, o in store.added}  # what it added: not in ``graph``

    @staticmethod
    def _refuse_unsupported(store: _Store, terms: _Terms) -> None:
        used = {p for p in store.by_predicate if p in terms.unsupported and store.by_predicate[p]}
        used |= {o for _s, o in store.by_predicate.get(terms.type, ()) if o in terms.unsupported}
        if used:
            names = sorted(str(store.term(number)) for number in used)
            raise InputError(f"the fast reasoner does not implement {', '.join(names)}; "
                             "use --reasoner owlrl")

    @staticmethod
    def _chains(store: _Store, terms: _Terms) -> list[tuple[int, list[int]]]:
        """Each ``owl:propertyChainAxiom`` with its RDF list of properties, in order."""
        first = dict(store.by_predicate.get(terms.first, ()))
        rest = dict(store.by_predicate.get(terms.rest, ()))
        chains = []
        for prop, head in store.by_predicate.get(terms.chain, ()):
            members: list[int] = []
            cell: int | None = head
            while cell is not None and cell != terms.nil and cell in first and len(members) <= len(first):
                members.append(first[cell])
                cell = rest.get(cell)
            chains.append((prop, members))
        return chains

    @staticmethod
    def _schema(store: _Store, terms: _Terms) -> None:
        """scm-sco, scm-eqc1/2, scm-spo, scm-eqp1/2, scm-dom1/2, scm-rng1/2, scm-hv."""
        for a, b in store.pairs(terms.equivalent_class):
            store.add(a, terms.sub_class, b)
            store.add(b, terms.sub_class, a)
        for a, b in store.pairs(terms.equivalent_property):
            store.add(a, terms.sub_property, b)
            store.add(b, terms.sub_property, a)
        for predicate in (terms.sub_class, terms.sub_property):
            for a, b in _closure(store.pairs(predicate)):
                store.add(a, predicate, b)
        sub_classes = store.pairs(terms.sub_class)
        for a, b in sub_classes:
            if (b, a) in sub_classes:
                store.add(a, terms.equivalent_class, b)
        sub_properties = store.pairs(terms.sub_property)
        for a, b in sub_properties:
            if (b, a) in sub_properties:
                store.add(a, terms.equivalent_property, b)
        for relation in (terms.domain, terms.range):
            for prop, cls in store.pairs(relation):
                for sub, sup in sub_classes:
                    if sub == cls:
                        store.add(prop, relation, sup)
                for sub, sup in sub_properties:
                    if sup == prop:
                        store.add(sub, relation, cls)
        _scm_hv(store, terms, sub_properties)

    @staticmethod
    def _properties(store: _Store, terms: _Terms, chains: list[tuple[int, list[int]]]) -> None:
        """prp-dom, prp-rng, prp-spo1, prp-spo2, prp-inv1/2, prp-symp, prp-trp, prp-eqp1/2, prp-fp."""
        add, kind = store.add, terms.type
        for prop, cls in store.pairs(terms.domain):
            for s, _o in store.pairs(prop):
                add(s, kind, cls)
        for prop, cls in store.pairs(terms.range):
            for _s, o in store.pairs(prop):
                add(o, kind, cls)
        for sub, sup in store.pairs(terms.sub_property):
            for s, o in store.pairs(sub):
                add(s, sup, o)
        for prop, chain in chains:
            for s, o in _follow(store, chain):
                add(s, prop, o)
        for p1, p2 in store.pairs(terms.inverse):
            for s, o in store.pairs(p1):
                add(o, p2, s)
            for s, o in store.pairs(p2):
                add(o, p1, s)
        for prop in store.subjects(kind, terms.symmetric):
            for s, o in store.pairs(prop):
                add(o, prop, s)
        for prop in store.subjects(kind, terms.transitive):
            for s, o in _closure(store.pairs(prop)):
                add(s, prop, o)
        for prop in store.subjects(kind, terms.functional):
            values: dict[int, set[int]] = defaultdict(set)
            for s, o in store.pairs(prop):
                values[s].add(o)
            for objects in values.values():
                if len(objects) > 1:
                    for a in objects:
                        for b in objects:
                            if a != b:
                                add(a, terms.same_as, b)

    @staticmethod
    def _classes(store: _Store, terms: _Terms) -> None:
        """cax-sco, cls-hv1, cls-hv2."""
        add, kind = store.add, terms.type
        sub_classes = store.pairs(terms.sub_class)
        members: dict[int, set[int]] = defaultdict(set)
        for x, cls in store.pairs(kind):
            members[cls].add(x)
        for sub, sup in sub_classes:
            for x in members.get(sub, ()):
                add(x, kind, sup)
        for restriction, prop, value in _has_value_restrictions(store, terms):
            for x in list(members.get(restriction, ())):
                add(x, prop, value)
            for s, o in store.pairs(prop):
                if o == value:
                    add(s, kind, restriction)

    @staticmethod
    def _equality(store: _Store, terms: _Terms) -> None:
        """eq-sym, eq-trans and eq-rep-s/p/o, only when some sameAs links distinct nodes."""
        same = {(a, b) for a, b in store.pairs(terms.same_as) if a != b}
        if not same:
            return
        for a, b in same:
            store.add(b, terms.same_as, a)
        for a, b in _closure(store.pairs(terms.same_as)):
            store.add(a, terms.same_as, b)
        alias: dict[int, set[int]] = defaultdict(set)
        for a, b in store.pairs(terms.same_as):
            alias[a].add(b)
        for s, p, o in list(store.triples):
            for s2 in alias.get(s, {s}) | {s}:
                for p2 in alias.get(p, {p}) | {p}:
                    for o2 in alias.get(o, {o}) | {o}:
                        store.add(s2, p2, o2)

    @staticmethod
    def _check_consistency(store: _Store, terms: _Terms) -> None:
        """cax-dw, eq-diff1, cls-nothing2, and ill-typed literals, as owlrl reports them."""
        problems = []
        term = store.term
        types: dict[int, set[int]] = defaultdict(set)
        for x, cls in store.pairs(terms.type):
            types[x].add(cls)
        for c1, c2 in store.pairs(terms.disjoint):
            for x, classes in types.items():
                if c1 in classes and c2 in classes:
                    problems.append(f"Disjoint classes {term(c1)} and {term(c2)} have a common "
                                    f"individual {term(x)}")
        for x, classes in types.items():
            if terms.nothing in classes:
                problems.append(f"{term(x)} is defined of type 'Nothing'")
        for a, b in store.pairs(terms.different):
            if a == b or (a, terms.same_as, b) in store.triples:  # a == b: eq-ref makes a the same as a
                problems.extend(f"'sameAs' and 'differentFrom' cannot be used on the same "
                                f"subject-object pair: ({term(x)}, {term(y)})" for x, y in ((a, b), (b, a)))
        objects = {o for pairs in store.by_predicate.values() for _s, o in pairs}
        for number in sorted(store.literals & objects):
            literal = term(number)
            if isinstance(literal, Literal) and literal.ill_typed:
                problems.append(f"Lexical value of the literal '{literal}' does not match its datatype "
                                f"({literal.datatype})")
        if problems:
            raise inconsistency(problems)


def _scm_hv(store: _Store, terms: _Terms, sub_properties: set[tuple[int, int]]) -> None:
    """scm-hv: hasValue restrictions on one value, the first's property a sub-property of the other's.

    A declared property is its own sub-property (scm-op, scm-dp; owlrl adds rdf:Property).
    """
    by_value: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for restriction, prop, value in _has_value_restrictions(store, terms):
        by_value[value].append((restriction, prop))
    if not by_value:
        return
    declared = {p for p, cls in store.by_predicate.get(terms.type, ()) if cls in terms.property_types}
    for restrictions in by_value.values():
        for c1, p1 in restrictions:
            for c2, p2 in restrictions:
                if c1 != c2 and ((p1, p2) in sub_properties or (p1 == p2 and p1 in declared)):
                    store.add(c1, terms.sub_class, c2)


def _has_value_restrictions(store: _Store, terms: _Terms) -> list[tuple[int, int, int]]:
    """Each ``owl:hasValue`` restriction as (restriction, property, value)."""
    on_property: dict[int, set[int]] = defaultdict(set)
    for restriction, prop in store.pairs(terms.on_property):
        on_property[restriction].add(prop)
    return [(restriction, prop, value) for restriction, value in store.pairs(terms.has_value)
            for prop in on_property.get(restriction, ())]


def _follow(store: _Store, chain: list[int]) -> Iterator[tuple[int, int]]:
    """Pairs (start, end) linked by the properties of ``chain`` in order (prp-spo2)."""
    if not chain:
        return
    frontier = store.pairs(chain[0])
    for prop in chain[1:]:
        successors: dict[int, set[int]] = defaultdict(set)
        for s, o in store.pairs(prop):
            successors[s].add(o)
        frontier = {(start, nxt) for start, mid in frontier for nxt in successors.get(mid, ())}
    yield from frontier
