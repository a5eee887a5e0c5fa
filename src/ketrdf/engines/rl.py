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

from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from ketrdf.engines.reasoners import inconsistency
from ketrdf.errors import InputError
from ketrdf.knowledge_graph import parts_of
from ketrdf.rdfio.indexed import by_subject

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
    """Triples of term numbers, held as subject-object pairs by predicate; remembers what it added, and when.

    Each rdflib term is numbered once (hashing a tuple of small integers costs a fraction of
    hashing rdflib terms); :meth:`term` turns a number back into its term. Reasoning goes in
    rounds (semi-naive evaluation): in the first every triple is new; in each later one,
    the triples the round before added (:meth:`is_new`, :meth:`new_pairs`). A rule need
    only join a new premise with the others: any other match was found a round earlier.
    """

    def __init__(self, graph: Graph) -> None:
        self.numbers: dict[Node, int] = {}
        self.terms: list[Node] = []
        self.literals: set[int] = set()
        self.by_predicate: dict[int, set[tuple[int, int]]] = defaultdict(set)
        self.added: set[NumberTriple] = set()
        self._new: set[NumberTriple] | None = None  # None: the first round, every triple new
        self._new_by_predicate: dict[int, set[tuple[int, int]]] = {}
        self._fresh: set[NumberTriple] = set()  # added in this round: new in the next
        self._fresh_by_predicate: dict[int, set[tuple[int, int]]] = defaultdict(set)
        numbers, number, by_predicate = self.numbers, self.number, self.by_predicate
        # The hot loop: a term seen before costs one look-up; a subject, and each of its
        # predicates, is looked up once for all its triples. A triple in two graphs of a
        # union view is read twice and kept once.
        for part in parts_of(graph):
            for subject, objects_by_predicate in by_subject(part):
                s = numbers.get(subject)
                if s is None:
                    s = number(subject)
                for predicate, objects in objects_by_predicate.items():
                    p = numbers.get(predicate)
                    if p is None:
                        p = number(predicate)
                    pairs = by_predicate[p]
                    for obj in objects:
                        o = numbers.get(obj)
                        if o is None:
                            o = number(obj)
                        pairs.add((s, o))

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

    def next_round(self) -> bool:
        """Start a round in which the triples the last one added are new; False if it added none."""
        self._new, self._new_by_predicate = self._fresh, self._fresh_by_predicate
        self._fresh, self._fresh_by_predicate = set(), defaultdict(set)
        return bool(self._new)

    @property
    def first_round(self) -> bool:
        """Whether this is the first round, in which every triple is new."""
        return self._new is None

    def is_new(self, *triple: int) -> bool:
        """Whether the triple was added in the last round (in the first round: every triple)."""
        return self._new is None or triple in self._new

    def new_pairs(self, predicate: int) -> set[tuple[int, int]]:
        """The pairs of ``predicate`` added in the last round (in the first: all of them)."""
        if self._new is None:
            return self.pairs(predicate)
        return self._new_by_predicate.get(predicate, set())  # not changed while a round adds

    def add(self, subject: int, predicate: int, obj: int) -> bool:
        """Add one triple unless its predicate is a literal, as owlrl does.

        A literal subject is kept, as in owlrl (generalized RDF): what follows from it need
        not be about a literal (a symmetric property's value "v" links "v" back to its
        subject, which a range then types). ketrdf drops such triples from its output as
        trivial (no RDF store accepts them).
        """
        if predicate in self.literals:
            return False
        pair = (subject, obj)
        pairs = self.by_predicate[predicate]
        if pair in pairs:
            return False
        pairs.add(pair)
        triple = (subject, predicate, obj)
        self.added.add(triple)
        self._fresh.add(triple)
        self._fresh_by_predicate[predicate].add(pair)
        return True

    def holds(self, subject: int, predicate: int, obj: int) -> bool:
        """Whether the store holds the triple."""
        return (subject, obj) in self.by_predicate.get(predicate, ())

    def every_triple(self) -> list[NumberTriple]:
        """Every triple the store holds (a copy, safe to iterate while adding)."""
        return [(s, p, o) for p, pairs in self.by_predicate.items() for s, o in pairs]

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
        while True:  # the schema and equality rules read everything each round: they are few or rare
            self._schema(store, terms)
            self._properties(store, terms, chains)
            self._classes(store, terms)
            self._equality(store, terms)
            if not store.next_round():
                break
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
        """prp-dom, prp-rng, prp-spo1, prp-spo2, prp-inv1/2, prp-symp, prp-trp, prp-eqp1/2, prp-fp.

        Each rule joins what is new with the rest: all of a property's pairs under a new
        axiom, only its new pairs under an axiom known before.
        """
        add, kind, is_new = store.add, terms.type, store.is_new

        def matching(prop: int, *axiom: int) -> set[tuple[int, int]]:
            return store.pairs(prop) if is_new(*axiom) else store.new_pairs(prop)

        for prop, cls in store.pairs(terms.domain):
            for s, _o in matching(prop, prop, terms.domain, cls):
                add(s, kind, cls)
        for prop, cls in store.pairs(terms.range):
            for _s, o in matching(prop, prop, terms.range, cls):
                add(o, kind, cls)
        for sub, sup in store.pairs(terms.sub_property):
            for s, o in matching(sub, sub, terms.sub_property, sup):
                add(s, sup, o)
        for prop, chain in chains:  # read from the given graph, before the first round
            for s, o in _follow(store, chain):
                add(s, prop, o)
        for p1, p2 in store.pairs(terms.inverse):
            for s, o in matching(p1, p1, terms.inverse, p2):
                add(o, p2, s)
            for s, o in matching(p2, p1, terms.inverse, p2):
                add(o, p1, s)
        for prop in store.subjects(kind, terms.symmetric):
            for s, o in matching(prop, prop, kind, terms.symmetric):
                add(o, prop, s)
        for prop in store.subjects(kind, terms.transitive):
            if is_new(prop, kind, terms.transitive) or store.new_pairs(prop):
                for s, o in _closure(store.pairs(prop)):
                    add(s, prop, o)
        for prop in store.subjects(kind, terms.functional):
            touched = {s for s, _o in matching(prop, prop, kind, terms.functional)}
            values: dict[int, set[int]] = defaultdict(set)
            for s, o in store.pairs(prop) if touched else ():
                if s in touched:
                    values[s].add(o)
            for objects in values.values():
                if len(objects) > 1:
                    for a in objects:
                        for b in objects:
                            if a != b:
                                add(a, terms.same_as, b)

    @staticmethod
    def _classes(store: _Store, terms: _Terms) -> None:
        """cax-sco, cls-hv1, cls-hv2, each joining what is new with the rest (see :meth:`_properties`)."""
        add, kind, is_new = store.add, terms.type, store.is_new
        recent: dict[int, set[int]] = defaultdict(set)  # the new members of each class
        for x, cls in store.new_pairs(kind):
            recent[cls].add(x)
        every: dict[int, set[int]] = {}  # all the members of each class, gathered only if an axiom is new

        def members(cls: int, *axioms: tuple[int, int, int]) -> set[int]:
            if any(is_new(*axiom) for axiom in axioms):
                if not every:
                    for x, of in store.pairs(kind):
                        every.setdefault(of, set()).add(x)
                return every.get(cls, set())
            return recent.get(cls, set())
        for sub, sup in store.pairs(terms.sub_class):
            for x in list(members(sub, (sub, terms.sub_class, sup))):
                add(x, kind, sup)
        for restriction, prop, value in _has_value_restrictions(store, terms):
            axioms = ((restriction, terms.on_property, prop), (restriction, terms.has_value, value))
            for x in list(members(restriction, *axioms)):
                add(x, prop, value)
            pairs = store.pairs(prop) if any(is_new(*axiom) for axiom in axioms) else store.new_pairs(prop)
            for s, o in pairs:
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
        for s, p, o in store.every_triple():
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
            if a == b or store.holds(a, terms.same_as, b):  # a == b: eq-ref makes a the same as a
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


def _follow(store: _Store, chain: list[int]) -> set[tuple[int, int]]:
    """Pairs (start, end) linked by the properties of ``chain`` in order (prp-spo2), a link new."""
    if not chain:
        return set()
    if store.first_round:  # every pair new: the chain followed once
        return _join([store.pairs(prop) for prop in chain])
    found: set[tuple[int, int]] = set()
    for position, prop in enumerate(chain):
        new = store.new_pairs(prop)
        if new:
            found |= _join([new if at == position else store.pairs(other) for at, other in enumerate(chain)])
    return found


def _join(links: list[set[tuple[int, int]]]) -> set[tuple[int, int]]:
    """The pairs (start, end) that a path through ``links`` in order joins."""
    frontier = links[0]
    for pairs in links[1:]:
        successors: dict[int, set[int]] = defaultdict(set)
        for s, o in pairs:
            successors[s].add(o)
        frontier = {(start, nxt) for start, mid in frontier for nxt in successors.get(mid, ())}
    return frontier
