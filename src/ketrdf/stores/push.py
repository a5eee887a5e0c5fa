"""Load the build into a remote store, replacing each target graph as one step.

Each target graph is first loaded into a staging graph
(``urn:ketrdf:staging:TARGET-HASH:TOKEN``) in batches, by Graph Store POST or SPARQL
``INSERT DATA``. Only when every staging graph holds exactly the local
number of triples does one SPARQL Update request ``MOVE`` them over the
targets. A failure before that leaves the targets as they were; the staging
graphs are dropped (or, if the store is gone, by the next push to the same
target: staging graphs of other targets are never touched).

Triples that share a blank node always travel in the same batch: a store
scopes blank-node labels to one request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ketrdf.errors import InputError, StoreError
from ketrdf.knowledge_graph import KnowledgeGraph, union_copy
from ketrdf.rdfio.terms import ntriples_text
from ketrdf.rdfio.writers import GRAPH_SELECTIONS
from ketrdf.stores.endpoint import Endpoint, gsp_post, select, update
from ketrdf.vocabulary import IRI_FORBIDDEN

STAGING_PREFIX = "urn:ketrdf:staging:"
Triple = tuple[Node, Node, Node]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class GraphUpload:
    """The triples of one target graph, cut into N-Triples batches."""

    target: URIRef
    triples: int
    batches: tuple[bytes, ...]


def _check_triple(triple: Triple) -> None:
    subject, predicate, obj = triple
    problem = None
    if not isinstance(subject, URIRef | BNode):
        problem = "the subject is not an IRI or blank node"
    elif not isinstance(predicate, URIRef):
        problem = "the predicate is not an IRI"
    elif not isinstance(obj, URIRef | BNode | Literal):
        problem = "the object is not an RDF term"
    else:
        bad = [str(node) for node in triple if isinstance(node, URIRef) and IRI_FORBIDDEN.search(node)]
        problem = f"invalid IRI {bad[0]!r}" if bad else None
    if problem:
        raise InputError(f"refusing to push an invalid triple ({problem}): {triple!r}")


def _units(graph: Graph) -> list[list[Triple]]:
    """Triples in a stable order, grouped so that triples sharing a blank node stay together."""
    parent: dict[BNode, BNode] = {}

    def find(node: BNode) -> BNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for triple in graph:
        _check_triple(triple)
    triples: list[Triple] = sorted(graph, key=lambda t: tuple(map(ntriples_text, t)))
    for triple in triples:
        blanks = [node for node in (triple[0], triple[2]) if isinstance(node, BNode)]
        for other in blanks[1:]:
            parent[find(other)] = find(blanks[0])
    grouped: dict[BNode, list[Triple]] = defaultdict(list)
    units: list[list[Triple]] = []
    for triple in triples:
        blank = next((node for node in (triple[0], triple[2]) if isinstance(node, BNode)), None)
        if blank is None:
            units.append([triple])
        else:
            root = find(blank)
            if root not in grouped:
                units.append(grouped[root])
            grouped[root].append(triple)
    return units


def _ntriples(triples: Iterable[Triple]) -> bytes:
    batch = Graph()
    for triple in triples:
        batch.add(triple)
    return batch.serialize(format="nt", encoding="utf-8")


def plan(kg: KnowledgeGraph, what: str = "all", graph: str | None = None,
         batch_size: int = 10_000) -> list[GraphUpload]:
    """The uploads for the selected graphs: one per named graph, or all into ``graph``."""
    if what not in GRAPH_SELECTIONS:
        raise InputError(f"unknown selection {what!r}; choose {', '.join(GRAPH_SELECTIONS)}")
    if batch_size < 1:
        raise InputError("--batch-size must be at least 1")
    graphs = kg.named_graphs()
    names = GRAPH_SELECTIONS[what]
    if graph is not None:
        if IRI_FORBIDDEN.search(graph) or ":" not in graph:
            raise InputError(f"--graph must be an absolute IRI, not {graph!r}")
        selected = [(URIRef(graph), union_copy(graphs[name] for name in names))]
    else:
        selected = [(name, graphs[name]) for name in names]
    uploads = []
    for target, content in selected:
        batches: list[list[Triple]] = [[]]
        for unit in _units(content):
            if batches[-1] and len(batches[-1]) + len(unit) > batch_size:
                batches.append([])
            batches[-1].extend(unit)
        chunks = tuple(_ntriples(batch) for batch in batches if batch)
        uploads.append(GraphUpload(target, len(content), chunks))
    return uploads


def describe(uploads: list[GraphUpload], endpoint: Endpoint) -> list[str]:
    """What a push would send, one line per step (for ``--dry-run``)."""
    how = (f"Graph Store POST to {endpoint.gsp}" if endpoint.gsp
           else f"SPARQL INSERT DATA to {endpoint.update or endpoint.query}")
    lines = []
    for upload in uploads:
        size = sum(len(batch) for batch in upload.batches)
        lines.append(f"<{upload.target}>: {upload.triples} triples in {len(upload.batches)} batch(es), "
                     f"{size} bytes of N-Triples, by {how} into {_staging_prefix(upload.target)}TOKEN")
    lines.append(f"then one SPARQL Update to {endpoint.update or endpoint.query}: MOVE each staging "
                 "graph over its target (DROP for an empty one), after checking the triple counts")
    return lines


def _count(endpoint: Endpoint, graph: str) -> int:
    """The number of triples in ``graph``; a :class:`StoreError` if the store's answer is no count."""
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    rows = select(endpoint, text).rows
    value = rows[0][0] if len(rows) == 1 and rows[0] else None
    number = value.toPython() if isinstance(value, Literal) else None
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        answer = "no answer" if value is None else repr(str(value))[:80]
        raise StoreError(f"the store answered the triple count of <{graph}> with {answer}, not a number")
    return number


def _staging_prefix(target: URIRef) -> str:
    """The staging graphs of one target share this prefix (a hash of the target's IRI)."""
    return f"{STAGING_PREFIX}{hashlib.sha256(str(target).encode()).hexdigest()[:16]}:"


def _leftover_staging(endpoint: Endpoint, targets: list[URIRef]) -> list[str]:
    """Staging graphs a failed push to one of ``targets`` left behind (no other push's)."""
    tests = " || ".join(f'STRSTARTS(STR(?g), "{_staging_prefix(target)}")' for target in targets)
    text = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER ({tests}) }}"
    return sorted(str(row[0]) for row in select(endpoint, text).rows
                  if isinstance(row[0], URIRef) and not IRI_FORBIDDEN.search(row[0]))


def _drop(endpoint: Endpoint, graphs: list[str]) -> None:
    if graphs:
        update(endpoint, " ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs),
               "dropping staging graphs")


def _send(endpoint: Endpoint, graph: str, batch: bytes, what: str) -> None:
    if endpoint.gsp:
        gsp_post(endpoint, graph, batch, what)
    elif b"_:" in batch:
        # Blank nodes: a template (some stores, Virtuoso among them, refuse them in INSERT DATA).
        update(endpoint, f"INSERT {{ GRAPH <{graph}> {{\n{batch.decode('utf-8')}}} }} WHERE {{}}", what)
    else:
        update(endpoint, f"INSERT DATA {{ GRAPH <{graph}> {{\n{batch.decode('utf-8')}}} }}", what)


def push(endpoint: Endpoint, uploads: list[GraphUpload], progress: Progress = lambda _m: None) -> None:
    """Load ``uploads`` into staging graphs, check them, then move them over their targets."""
    _drop(endpoint, _leftover_staging(endpoint, [upload.target for upload in uploads]))
    token = secrets.token_hex(6)
    staging = {upload.target: f"{_staging_prefix(upload.target)}{token}" for upload in uploads}
    sent = 0
    try:
        for upload in uploads:
            for number, batch in enumerate(upload.batches, start=1):
                what = f"batch {number}/{len(upload.batches)} of <{upload.target}>"
                progress(f"sending {what}")
                _send(endpoint, staging[upload.target], batch, what)
                sent += 1
            found = _count(endpoint, staging[upload.target])
            if found != upload.triples:
                raise StoreError(f"the store holds {found} triples for <{upload.target}> "
                                 f"after loading, not {upload.triples}")
    except StoreError as error:
        if not sent:
            raise StoreError(f"push stopped before loading anything, the target graphs are unchanged: "
                             f"{error}") from None
        try:
            _drop(endpoint, list(staging.values()))
            cleanup = "the staging graphs were dropped"
        except StoreError:
            cleanup = "the staging graphs are left for the next push to remove"
        raise StoreError(f"push stopped, the target graphs are unchanged ({cleanup}): {error}") from None
    switch = [f"MOVE <{staging[upload.target]}> TO <{upload.target}>" if upload.triples
              else f"DROP SILENT GRAPH <{upload.target}>" for upload in uploads]
    progress("moving the staging graphs over the targets")
    try:
        update(endpoint, " ;\n".join(switch), "moving the staging graphs over the targets")
    except StoreError as error:
        raise StoreError(f"the final MOVE request failed, so the store may hold the old or the new "
                         f"graphs; rerun the push: {error}") from None
    for upload in uploads:
        found = _count(endpoint, str(upload.target))
        if found != upload.triples:
            raise StoreError(f"after the move <{upload.target}> holds {found} triples, "
                             f"not {upload.triples}: rerun the push")
