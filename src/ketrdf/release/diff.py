"""What changed between two builds or releases, in words: ``ketrdf diff OLD NEW``.

Both folders' datasets (``ketrdf.nq`` of a build, ``exports/ketrdf.nq`` of a release) are
compared node by node on their asserted graphs:

- every IRI that is the subject of a triple is a node: a **claim** (a ``ket:Claim``), a
  **reference** (a ``ket:Publication``), a **term** (a subject of the ontology graph) or
  another **resource** (evidence, compounds, events, ...); a node is added, removed or
  changed (its properties' values differ);
- a node's description is its triples as subject; a blank-node value is compared by its
  structure (the canonical form rdflib's ``to_isomorphic`` gives its triples), never by label;
- links to a node that was added or removed are reported with that node, not as changes of
  the nodes that link to it (removing a reference is one change, not one per citation);
- **mappings** (SKOS mapping triples and recorded absences, ``ket:identifierNotFoundIn``) are
  compared per subject and identifier system: a DOI that replaces another is one change;
- a node removed and one added with the same description is an **identifier** renamed;
- the ontology header's version IRI and version info are not compared (each release changes
  them; the heading names both sides);
- **saved queries** are the nodes of the query catalogue; blank nodes that hang from no IRI
  (anonymous axioms) are added or removed as **axioms**.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import curies
import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from ketrdf.errors import InputError
from ketrdf.knowledge_graph import union_view
from ketrdf.project import Project
from ketrdf.rdfio.terms import from_oxigraph
from ketrdf.vocabulary import (
    GRAPH_CONTENT,
    GRAPH_IMPORTS,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_QUERIES,
    KET,
    new_graph,
)

BUILD_DATASET, BUILD_MANIFEST = "ketrdf.nq", "manifest.json"
RELEASE_DATASET, RELEASE_MANIFEST = "exports/ketrdf.nq", "release.json"
MAPPING_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                      SKOS.relatedMatch, KET.identifierNotFoundIn)
#: Not compared on an ontology header: every release changes them, and the diff names both versions.
VERSIONING = (OWL.versionIRI, OWL.versionInfo)
KINDS = ("claim", "reference", "term", "resource", "mapping", "identifier", "query", "axiom")
HEADINGS = {"claim": "Claims", "reference": "References", "term": "Ontology terms",
            "resource": "Other resources (evidence, compounds, events, ...)",
            "mapping": "Mappings and external identifiers", "identifier": "Identifiers renamed",
            "query": "Saved queries", "axiom": "Anonymous axioms"}
GRAPH_NAMES = {GRAPH_ONTOLOGY: "ontology", GRAPH_CONTENT: "content", GRAPH_INFERRED: "inferred",
               GRAPH_QUERIES: "queries", GRAPH_IMPORTS: "imports"}
_ROOT = URIRef("urn:ketrdf:diff:node")  # stands for the blank node whose structure is compared
Graphs = Mapping[URIRef, Graph]
#: The identifier system of a mapping's object: a prefix such as ``doi``, or None if unknown.
SystemOf = Callable[[URIRef], str | None]
#: Mappings by subject and identifier system: the (predicate, object) pairs of each.
Mappings = dict[tuple[Node, str], set[tuple[Node, Node]]]


@dataclass(frozen=True)
class Change:
    """One change: a node or mapping added, removed, changed or renamed, with what changed."""

    kind: str
    change: str
    node: str
    label: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class GraphCount:
    """The triples of one named graph in the old and the new dataset, and how many differ."""

    old: int
    new: int
    added: int
    removed: int


@dataclass(frozen=True)
class Diff:
    """Every change from ``old`` to ``new``, and the triple counts of each graph."""

    old: str
    new: str
    changes: tuple[Change, ...]
    triples: dict[str, GraphCount] = field(default_factory=dict)

    def count(self, kind: str, change: str) -> int:
        """How many changes of this kind (``claim``, ...) and sort (``added``, ...) there are."""
        return sum(1 for c in self.changes if c.kind == kind and c.change == change)


def dataset_file(folder: Path) -> Path:
    """The N-Quads dataset of a build or release folder; a one-line error for anything else."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder (give a ketrdf build or release folder)")
    for manifest, dataset in ((RELEASE_MANIFEST, RELEASE_DATASET), (BUILD_MANIFEST, BUILD_DATASET)):
        if (folder / manifest).is_file() and (folder / dataset).is_file():
            return folder / dataset
    raise InputError(f"{folder}: not a ketrdf build or release (no {BUILD_DATASET} beside "
                     f"{BUILD_MANIFEST}, no {RELEASE_DATASET} beside {RELEASE_MANIFEST})")


def read_folder(folder: Path) -> dict[URIRef, Graph]:
    """The named graphs of a build or release folder, read by Oxigraph's N-Quads parser."""
    path = dataset_file(folder)
    graphs: dict[URIRef, Graph] = defaultdict(Graph)
    try:
        with path.open("rb") as stream:
            for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS):
                name = URIRef(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) \
                    else URIRef("urn:x-default-graph")
                graphs[name].add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate),
                                  from_oxigraph(quad.object)))  # type: ignore[arg-type]
    except SyntaxError as error:
        raise InputError(f"{path}: {error}") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    return dict(graphs)


def project_systems(project: Project) -> SystemOf:
    """The identifier system of an IRI under the project's extended prefix map (``prefixes.json``)."""
    if not project.prefixes_file.is_file():
        return lambda _iri: None
    try:
        converter = curies.load_extended_prefix_map(project.prefixes_file)
    except (OSError, ValueError) as error:
        raise InputError(f"{project.prefixes_file}: not an extended prefix map ({error})") from None

    def system_of(iri: URIRef) -> str | None:
        curie = converter.compress(str(iri))
        return curie.split(":", 1)[0].lower() if curie else None

    return system_of


def _empty() -> Graph:
    return Graph()


def _asserted(graphs: Graphs) -> Graph:
    return union_view([graphs.get(name, _empty()) for name in (GRAPH_CONTENT, GRAPH_ONTOLOGY, GRAPH_IMPORTS)])


class _Side:
    """One dataset prepared for comparison: its asserted graph, nodes and their kinds."""

    def __init__(self, graphs: Graphs) -> None:
        self.asserted = _asserted(graphs)
        self.queries = graphs.get(GRAPH_QUERIES, _empty())
        self.ontology = graphs.get(GRAPH_ONTOLOGY, _empty())
        self.typed = union_view([self.asserted, graphs.get(GRAPH_INFERRED, _empty())])
        self.nodes = {s for s, p, _o in self.asserted
                      if isinstance(s, URIRef) and p not in MAPPING_PREDICATES}
        self.query_nodes = {s for s in self.queries.subjects() if isinstance(s, URIRef)}
        self._digests: dict[BNode, str] = {}

    def kind(self, node: URIRef) -> str:
        types = set(self.typed.objects(node, RDF.type))
        if KET.Claim in types:
            return "claim"
        if KET.Publication in types:
            return "reference"
        if (node, None, None) in self.ontology:
            return "term"
        return "resource"

    def label(self, node: URIRef, graph: Graph | None = None) -> str:
        graph = self.asserted if graph is None else graph
        claim_id = graph.value(node, KET.claimId)
        labels = sorted(graph.objects(node, RDFS.label), key=lambda v: (getattr(v, "language", "") != "en",
                                                                        str(v)))
        label = str(labels[0]) if labels else ""
        if claim_id is not None and not label.startswith(str(claim_id)):
            label = f"{claim_id}: {label}" if label else str(claim_id)
        return label

    def structure(self, node: BNode, graph: Graph) -> str:
        """A key for the blank node's structure: a hash of the canonical form of the triples below it."""
        found = self._digests.get(node)
        if found is None:
            below = Graph()
            stack, seen = [node], {node}
            while stack:
                current = stack.pop()
                for predicate, value in graph.predicate_objects(current):
                    below.add((_ROOT if current == node else current, predicate,
                               _ROOT if value == node else value))
                    if isinstance(value, BNode) and value not in seen:
                        seen.add(value)
                        stack.append(value)
            canonical = sorted(" ".join(term.n3() for term in triple) for triple in to_canonical_graph(below))
            found = self._digests[node] = "_:" + hashlib.sha256("\n".join(canonical).encode()).hexdigest()
        return found

    def description(self, node: Node, graph: Graph, skip: set[Node]) -> dict[URIRef, frozenset[str]]:
        """The node's values by property (blank nodes by structure), leaving out mappings and ``skip``."""
        values: dict[URIRef, set[str]] = defaultdict(set)
        header = (node, RDF.type, OWL.Ontology) in graph
        for predicate, value in graph.predicate_objects(node):
            if predicate in MAPPING_PREDICATES or value in skip or (header and predicate in VERSIONING):
                continue
            values[predicate].add(self.show(value, graph))  # type: ignore[index]
        return {predicate: frozenset(found) for predicate, found in values.items()}

    def show(self, value: Node, graph: Graph) -> str:
        """A value in words: a CURIE, a literal in Turtle, a blank node as its structure."""
        if isinstance(value, BNode):
            return self.render(value, graph, depth=0) + " " + self.structure(value, graph)[:10]
        return _n3(value)

    def render(self, node: BNode, graph: Graph, depth: int) -> str:
        """A blank node in words, Turtle-like: ``[ p v ; ... ]``, four levels deep at most."""
        if depth > 3:
            return "[...]"
        parts = sorted(f"{_n3(p)} " + (self.render(v, graph, depth + 1) if isinstance(v, BNode)
                                               else _n3(v))
                       for p, v in graph.predicate_objects(node))
        return "[ " + " ; ".join(parts) + " ]"


_NAMES = new_graph().namespace_manager


def _n3(term: Node) -> str:
    """A term as Turtle: IRIs as CURIEs where ketrdf has a prefix for them."""
    return term.n3(_NAMES)


def _changed_values(old: dict[URIRef, frozenset[str]], new: dict[URIRef, frozenset[str]]) -> tuple[str, ...]:
    """What differs between two descriptions, property by property: ``p: removed → added``."""
    details = []
    for predicate in sorted(set(old) | set(new)):
        before, after = old.get(predicate, frozenset()), new.get(predicate, frozenset())
        if before != after:
            removed = ", ".join(sorted(before - after)) or "nothing"
            added = ", ".join(sorted(after - before)) or "nothing"
            details.append(f"{_n3(predicate)}: {removed} → {added}")
    return tuple(details)


def _mappings(side: _Side, system_of: SystemOf) -> Mappings:
    found: Mappings = defaultdict(set)
    for predicate in MAPPING_PREDICATES:
        for subject, value in side.asserted.subject_objects(predicate):
            if predicate == KET.identifierNotFoundIn:
                system = str(value).rstrip("/").rsplit("/", 1)[-1].lower()
            else:
                system = (system_of(value) if isinstance(value, URIRef) else None) or str(value)
            found[(subject, system)].add((predicate, value))
    return found


def _describe_mapping(pairs: Iterable[tuple[Node, Node]]) -> str:
    return ", ".join(sorted(f"{_n3(p)} {_n3(v)}" for p, v in pairs))


def compare(old_graphs: Graphs, new_graphs: Graphs, old_name: str, new_name: str,
            system_of: SystemOf = lambda _iri: None) -> Diff:
    """Every change from ``old_graphs`` to ``new_graphs`` (named graphs by name); see the module."""
    old, new = _Side(old_graphs), _Side(new_graphs)
    changes: list[Change] = []
    added, removed = new.nodes - old.nodes, old.nodes - new.nodes
    skip_old: set[Node] = set(removed)
    skip_new: set[Node] = set(added)
    # Renamed: a removed and an added node of one kind with one description.
    by_description: dict[tuple[str, frozenset[tuple[URIRef, frozenset[str]]]], URIRef] = {}
    for node in sorted(removed):
        key = (old.kind(node), frozenset(old.description(node, old.asserted, skip_old).items()))
        by_description.setdefault(key, node)
    renamed: dict[URIRef, URIRef] = {}
    for node in sorted(added):
        key = (new.kind(node), frozenset(new.description(node, new.asserted, skip_new).items()))
        if key in by_description and by_description[key] not in renamed.values():
            renamed[node] = by_description.pop(key)
    for node, before in sorted(renamed.items()):
        changes.append(Change("identifier", "renamed", _n3(node), new.label(node),
                              (f"was {_n3(before)}",)))
    new_mappings, old_mappings = _mappings(new, system_of), _mappings(old, system_of)
    for node in sorted(added - set(renamed)):
        changes.append(Change(new.kind(node), "added", _n3(node), new.label(node),
                              _own_mappings(node, new_mappings)))
    for node in sorted(removed - set(renamed.values())):
        links = sorted({f"{_n3(s)} {_n3(p)}" for s, p in old.asserted.subject_predicates(node)
                        if s not in removed})
        changes.append(Change(old.kind(node), "removed", _n3(node), old.label(node),
                              tuple(f"was linked from {link}" for link in links)
                              + _own_mappings(node, old_mappings)))
    for node in sorted(old.nodes & new.nodes):
        details = _changed_values(old.description(node, old.asserted, skip_old),
                                  new.description(node, new.asserted, skip_new))
        if details:
            changes.append(Change(new.kind(node), "changed", _n3(node), new.label(node), details))
    changes += _mapping_changes(old_mappings, new_mappings, old, new, added | removed)
    changes += _query_changes(old, new)
    changes += _axiom_changes(old, new)
    triples = {GRAPH_NAMES.get(name, str(name)): _count(old_graphs.get(name, _empty()),
                                                        new_graphs.get(name, _empty()))
               for name in sorted(set(old_graphs) | set(new_graphs), key=str)}
    order = {kind: number for number, kind in enumerate(KINDS)}
    changes.sort(key=lambda c: (order[c.kind], c.change, c.label, c.node))
    return Diff(old_name, new_name, tuple(changes), triples)


def _own_mappings(node: URIRef, mappings: Mappings) -> tuple[str, ...]:
    """The mappings of a node added or removed, reported with it."""
    return tuple(f"mapping {_describe_mapping(pairs)}" for (subject, _system), pairs in sorted(
        mappings.items(), key=str) if subject == node)


def _mapping_changes(before: Mappings, after: Mappings, old: _Side, new: _Side,
                     reported: set[URIRef]) -> list[Change]:
    changes = []
    for key in sorted(set(before) | set(after), key=str):
        subject, system = key
        was, now = before.get(key, set()), after.get(key, set())
        if was == now or subject in reported:
            continue
        change = "added" if not was else "removed" if not now else "changed"
        side = new if now else old
        label = f"{side.label(subject)} [{system}]"  # type: ignore[arg-type]
        detail = (_describe_mapping(now or was) if change != "changed"
                  else f"{_describe_mapping(was)} → {_describe_mapping(now)}")
        changes.append(Change("mapping", change, _n3(subject), label, (detail,)))
    return changes


def _query_changes(old: _Side, new: _Side) -> list[Change]:
    changes = []
    for node in sorted(old.query_nodes | new.query_nodes):
        if node not in old.query_nodes:
            changes.append(Change("query", "added", _n3(node), new.label(node, new.queries)))
        elif node not in new.query_nodes:
            changes.append(Change("query", "removed", _n3(node), old.label(node, old.queries)))
        else:
            details = _changed_values(old.description(node, old.queries, set()),
                                      new.description(node, new.queries, set()))
            if details:
                changes.append(Change("query", "changed", _n3(node), new.label(node, new.queries),
                                      details))
    return changes


def _top_blank_nodes(side: _Side) -> dict[str, BNode]:
    graph = side.asserted
    objects = {value for value in graph.objects() if isinstance(value, BNode)}
    return {side.structure(node, graph): node for node in set(graph.subjects())
            if isinstance(node, BNode) and node not in objects}


def _axiom_changes(old: _Side, new: _Side) -> list[Change]:
    before, after = _top_blank_nodes(old), _top_blank_nodes(new)
    changes = [Change("axiom", "added", key, new.render(after[key], new.asserted, 0))
               for key in sorted(set(after) - set(before))]
    changes += [Change("axiom", "removed", key, old.render(before[key], old.asserted, 0))
                for key in sorted(set(before) - set(after))]
    return changes


def _count(old: Graph, new: Graph) -> GraphCount:
    """Triple counts, and triples added and removed with blank nodes matched by structure.

    Triples without blank nodes are compared as they are; those with blank nodes in the
    canonical form rdflib gives them (a blank node's canonical label depends on those triples only).
    """
    (old_ground, old_blank), (new_ground, new_blank) = _split(old), _split(new)
    if old_blank or new_blank:
        old_blank, new_blank = _canonical(old_blank), _canonical(new_blank)
    return GraphCount(len(old), len(new), len(new_ground - old_ground) + len(new_blank - old_blank),
                      len(old_ground - new_ground) + len(old_blank - new_blank))


Triple = tuple[Node, Node, Node]


def _split(graph: Graph) -> tuple[set[Triple], set[Triple]]:
    """The graph's triples without a blank node, and those with one."""
    ground: set[Triple] = set()
    blank: set[Triple] = set()
    for triple in graph:
        (blank if any(isinstance(term, BNode) for term in triple) else ground).add(triple)
    return ground, blank


def _canonical(triples: set[Triple]) -> set[Triple]:
    """The triples with their blank nodes labelled by rdflib's canonical form."""
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return set(to_canonical_graph(graph))


def markdown(diff: Diff, title: str | None = None) -> str:
    """The diff as Markdown: a summary line, one section per kind of change, the triple counts."""
    lines = [f"# {title or f'Changes from {diff.old} to {diff.new}'}", ""]
    lines += [summary(diff), ""]
    for kind in KINDS:
        chosen = [c for c in diff.changes if c.kind == kind]
        if not chosen:
            continue
        lines += [f"## {HEADINGS[kind]}", ""]
        for change in chosen:
            label = f" {change.label}" if change.label else ""
            lines.append(f"- **{change.change}** `{change.node}`{label}")
            lines += [f"  - {detail}" for detail in change.details]
        lines.append("")
    lines += ["## Triples per graph", "", "| graph | old | new | added | removed |",
              "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {c.old} | {c.new} | {c.added} | {c.removed} |" for name, c in diff.triples.items()]
    return "\n".join(lines) + "\n"


def summary(diff: Diff) -> str:
    """One sentence: how many changes of each kind, or that nothing changed."""
    if not diff.changes:
        return "No change in claims, references, terms, resources, mappings, identifiers or saved queries."
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for change in diff.changes:
        counts[(change.kind, change.change)] += 1
    parts = [f"{number} {kind}{'s' if number > 1 else ''} {change}"
             for (kind, change), number in counts.items()]
    return f"{len(diff.changes)} change{'s' if len(diff.changes) > 1 else ''}: {', '.join(parts)}."


def to_json(diff: Diff) -> str:
    """The diff as JSON for machines: ``old``, ``new``, ``changes`` (kind, change, node, label, details)."""
    return json.dumps(asdict(diff), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
