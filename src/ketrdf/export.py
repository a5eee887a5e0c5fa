"""Stage 5, export: the graphs in standard formats, byte-identical across runs.

Line-based formats are sorted; Turtle relies on rdflib's sorted serializer,
TriG is assembled from it graph by graph, JSON-LD is sorted after rdflib
writes it; all rely on the stable blank-node labels the loader assigns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.plugins.serializers.nt import _quoteLiteral
from rdflib.term import Literal, Node

from ketrdf.files import atomic_write_chunks
from ketrdf.graphs import KnowledgeGraph, merge
from ketrdf.namespaces import (
    GRAPH_CONTENT,
    GRAPH_IMPORTS,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    GRAPH_QUERIES,
    PREFIXES,
)

# format name -> (rdflib serializer, holds named graphs, file suffix)
FORMATS: dict[str, tuple[str, bool, str]] = {
    "turtle": ("turtle", False, ".ttl"),
    "ntriples": ("nt", False, ".nt"),
    "jsonld": ("json-ld", False, ".jsonld"),
    "trig": ("trig", True, ".trig"),
    "nquads": ("nquads", True, ".nq"),
}
GRAPH_SELECTIONS: dict[str, tuple[URIRef, ...]] = {
    "asserted": (GRAPH_ONTOLOGY, GRAPH_CONTENT, GRAPH_QUERIES, GRAPH_IMPORTS),
    "inferred": (GRAPH_INFERRED,),
    "all": (GRAPH_ONTOLOGY, GRAPH_CONTENT, GRAPH_QUERIES, GRAPH_INFERRED, GRAPH_IMPORTS),
}
LINES_PER_CHUNK = 20000
FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json-ld": "jsonld"}


def normalise_format(name: str) -> str:
    """Accept a format name or its usual alias (``ttl``, ``nt``, ``nq``)."""
    return FORMAT_ALIASES.get(name, name)


def _sorted_lines(kg: KnowledgeGraph, names: tuple[URIRef, ...], quads: bool) -> Iterator[bytes]:
    """N-Triples or N-Quads lines (rdflib's own term writers), sorted, in chunks; no copy of the graphs."""
    graphs = kg.named_graphs()
    written: dict[Node, str] = {}  # each term written once: most recur on many lines

    def write(term: Node) -> str:
        text = written.get(term)
        if text is None:
            text = written[term] = _quoteLiteral(term) if isinstance(term, Literal) else term.n3()
        return text

    lines: set[str] = set()
    for name in names:
        ending = f" <{name}> .\n" if quads else " .\n"
        lines.update(f"{write(s)} {write(p)} {write(o)}{ending}" for s, p, o in graphs[name])
    ordered = sorted(lines)
    del lines
    for start in range(0, len(ordered), LINES_PER_CHUNK):
        yield "".join(ordered[start:start + LINES_PER_CHUNK]).encode("utf-8", "replace")


def _trig(kg: KnowledgeGraph, names: tuple[URIRef, ...]) -> bytes:
    """TriG with the named graphs in a fixed order, each body as sorted Turtle."""
    prefixes: set[str] = set()
    blocks = []
    graphs = kg.named_graphs()
    for name in names:
        if not graphs[name]:
            continue  # no empty blocks: a build without import modules exports as before
        turtle = graphs[name].serialize(format="turtle")
        prefixes.update(line for line in turtle.splitlines() if line.startswith("@prefix"))
        body = [line for line in turtle.splitlines() if not line.startswith("@prefix")]
        text = "\n".join(body).strip("\n")  # not indented: literals may span lines
        blocks.append(f"<{name}> {{\n{text}\n}}\n")
    header = "".join(f"{line}\n" for line in sorted(prefixes))
    return (header + "\n" + "\n".join(blocks)).encode("utf-8")


def _jsonld(graph: Graph) -> bytes:
    """JSON-LD with an inline context, nodes and their values in a stable order."""
    raw = graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    document = json.loads(raw)
    nodes = document.get("@graph")
    if isinstance(nodes, list):
        document["@graph"] = sorted(nodes, key=lambda node: json.dumps(node, sort_keys=True))
    return (json.dumps(_sort_values(document), indent=2, sort_keys=True, ensure_ascii=False)
            + "\n").encode("utf-8")


def _type_names(value: object) -> object:
    """``@type`` values as strings: rdflib writes a blank-node type as ``{"@id": ...}``, invalid JSON-LD."""
    if isinstance(value, list):
        return [_type_names(item) for item in value]
    if isinstance(value, dict) and set(value) == {"@id"}:
        return value["@id"]
    return value


def _sort_values(node: object) -> object:
    """Sort every JSON array but the ordered ones (``@list``); ``@type`` values as strings."""
    if isinstance(node, dict):
        return {key: value if key == "@list" else _sort_values(
                    _type_names(value) if key == "@type" else value) for key, value in node.items()}
    if isinstance(node, list):
        items = [_sort_values(item) for item in node]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return node


def serialize_chunks(kg: KnowledgeGraph, output_format: str, selection: str = "all") -> Iterator[bytes]:
    """The selected graphs as ``output_format`` (see :data:`FORMATS`), in pieces to write in turn."""
    output_format = normalise_format(output_format)
    if output_format not in FORMATS:
        raise ValueError(f"unknown format {output_format!r}; formats: {', '.join(FORMATS)}")
    if selection not in GRAPH_SELECTIONS:
        raise ValueError(f"unknown graph selection {selection!r}; choose {', '.join(GRAPH_SELECTIONS)}")
    serializer, quads, _suffix = FORMATS[output_format]
    names = GRAPH_SELECTIONS[selection]
    if output_format in ("ntriples", "nquads"):
        return _sorted_lines(kg, names, quads)
    if output_format == "trig":
        return iter((_trig(kg, names),))
    graphs = kg.named_graphs()
    merged = merge(graphs[name] for name in names)
    if output_format == "jsonld":
        return iter((_jsonld(merged),))
    return iter((merged.serialize(format=serializer, encoding="utf-8"),))


def serialize(kg: KnowledgeGraph, output_format: str, selection: str = "all") -> bytes:
    """Serialize the selected graphs of ``kg`` as ``output_format``, as one piece."""
    return b"".join(serialize_chunks(kg, output_format, selection))


def export(kg: KnowledgeGraph, output_format: str, path: Path, selection: str = "all") -> int:
    """Write the selected graphs to ``path`` atomically, piece by piece; return the number of bytes."""
    return atomic_write_chunks(path, serialize_chunks(kg, output_format, selection))
