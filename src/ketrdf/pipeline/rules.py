"""SPARQL CONSTRUCT rules that run with the OWL-RL closure.

They do what OWL-RL cannot, such as turning a comparison claim or a numeric
ratio interval into a headline edge between two compounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.sparql.sparql import Query

from ketrdf.engines.bounded import time_limit
from ketrdf.errors import InputError
from ketrdf.query.gate import prepare, query_form
from ketrdf.query.saved import read_query_file
from ketrdf.rdfio.reading import max_rule_seconds, max_triples
from ketrdf.vocabulary import new_graph


@dataclass(frozen=True)
class Rule:
    """One CONSTRUCT rule, parsed once."""

    name: str
    query: Query


def load_rules(files: list[Path]) -> list[Rule]:
    """Parse every rule file through the SPARQL gate; an error names the file."""
    rules = []
    for path in files:
        query = prepare(read_query_file(path), str(path))
        if query_form(query) != "CONSTRUCT":
            raise InputError(f"{path}: a rule must be a CONSTRUCT query")
        rules.append(Rule(path.stem, query))
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
