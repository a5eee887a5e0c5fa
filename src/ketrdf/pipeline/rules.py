"""SPARQL CONSTRUCT rules that run with the OWL-RL closure.

They do what OWL-RL cannot, such as turning a comparison claim or a numeric
ratio interval into a headline edge between two compounds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from ketrdf.engines.bounded import time_limit
from ketrdf.errors import InputError
from ketrdf.query.gate import prepare, query_form
from ketrdf.query.saved import read_query_file
from ketrdf.rdfio.reading import max_rule_seconds, max_triples
from ketrdf.vocabulary import new_graph

#: Functions whose value differs from one run of a query to the next
NEW_EACH_RUN = frozenset({"Builtin_BNODE", "Builtin_UUID", "Builtin_STRUUID", "Builtin_RAND", "Builtin_NOW"})


@dataclass(frozen=True)
class Rule:
    """One CONSTRUCT rule, parsed once.

    ``predicates`` holds the predicate of every triple pattern of its WHERE clause (in
    EXISTS, OPTIONAL and sub-queries too). It is ``None`` when any triple may change what
    the rule constructs: a pattern's predicate is a variable or a path, or the rule makes
    new terms each time it runs (a blank node in its template; ``BNODE()``, ``UUID()``,
    ``STRUUID()``, ``RAND()``, ``NOW()``), which must show as a rule that never stops.
    """

    name: str
    query: Query
    predicates: frozenset[URIRef] | None


def pattern_predicates(query: Query) -> frozenset[URIRef] | None:
    """The predicates of every triple pattern ``query`` matches (see :class:`Rule`)."""
    template = query.algebra.get("template") or ()
    if any(isinstance(term, BNode) for triple in template for term in triple):
        return None
    found: set[URIRef] = set()
    waiting: list[object] = [value for key, value in query.algebra.items() if key != "template"]
    while waiting:
        node = waiting.pop()
        if isinstance(node, CompValue):
            if node.name in NEW_EACH_RUN:
                return None
            if node.name in ("BGP", "TriplesBlock"):  # EXISTS keeps the parser's blocks: s p o s p o ...
                terms = [term for triple in node.triples for term in triple]
                predicates = terms[1::3]
                if len(terms) % 3 or not all(isinstance(predicate, URIRef) for predicate in predicates):
                    return None
                found.update(predicates)
            waiting.extend(node.values())
        elif isinstance(node, list | tuple):
            waiting.extend(node)
    return frozenset(found)


def rules_to_rerun(rules: list[Rule], new_triples: Iterable[tuple[Node, Node, Node]]) -> list[Rule]:
    """The rules whose results ``new_triples`` may change.

    Pass every triple added since the rules last ran: any other rule would find
    only what it found then.
    """
    predicates = {predicate for _subject, predicate, _object in new_triples}
    return [rule for rule in rules if rule.predicates is None or not rule.predicates.isdisjoint(predicates)]


def load_rules(files: list[Path]) -> list[Rule]:
    """Parse every rule file through the SPARQL gate; an error names the file."""
    rules = []
    for path in files:
        query = prepare(read_query_file(path), str(path))
        if query_form(query) != "CONSTRUCT":
            raise InputError(f"{path}: a rule must be a CONSTRUCT query")
        rules.append(Rule(path.stem, query, pattern_predicates(query)))
    return rules


def apply_rules(rules: list[Rule], graph: Graph) -> Graph:
    """Return the triples the rules construct from ``graph`` that it does not already hold.

    Each rule is bounded: it may run ``KETRDF_MAX_RULE_SECONDS`` and construct at most
    ``KETRDF_MAX_TRIPLES`` triples (a cross product in a rule would otherwise run unbounded).
    """
    derived = new_graph()
    seconds, most = max_rule_seconds(), max_triples()
    for rule in rules:
        with time_limit(seconds, f"rule {rule.name}", "KETRDF_MAX_RULE_SECONDS"):
            result = graph.query(rule.query)
        if result.graph is not None and len(result.graph) > most:
            raise InputError(f"rule {rule.name}: constructs {len(result.graph)} triples, more than "
                             f"the limit of {most} (KETRDF_MAX_TRIPLES)")
        if result.graph is not None:
            for triple in result.graph:
                if triple not in graph:
                    derived.add(triple)
    return derived
