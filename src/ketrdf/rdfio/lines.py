"""Named rdflib graphs as sorted N-Quads (or N-Triples) lines, written by Oxigraph.

The one text form of a knowledge graph that two stages share: the N-Quads export
and the Oxigraph store the QC checks and queries read. Terms keep their exact
lexical forms and blank-node labels.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ketrdf.rdfio.indexed import triples_of
from ketrdf.rdfio.terms import Term, to_oxigraph

LINES_PER_CHUNK = 20000


def sorted_lines(graphs: Mapping[URIRef, Graph], names: tuple[URIRef, ...], quads: bool,
                 into: ox.Store | None = None) -> Iterator[bytes]:
    """Sorted N-Quads, or sorted N-Triples with each triple once, written by Oxigraph, in chunks.

    Oxigraph writes the statements a chunk at a time; the lines are then sorted (and each
    kept once) as bytes. That is the order of the statements sorted on their terms'
    N-Triples text (UTF-8 keeps the order of code points; a term whose text is a prefix
    of another's is followed by a character above the space that ends it), so each
    graph's statements come in that order too (TriG is written from these lines).

    No whole text and no whole list of statements is held. Each chunk of statements
    written is added to the store ``into`` too, if one is given: it then holds what the
    lines say, with no second conversion and no parse.
    """
    rdf_format = ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES
    converted: dict[Node, Term] = {}  # each term converted once: most recur often

    def term(node: Node) -> Term:
        found = converted.get(node)
        if found is None:
            found = converted[node] = to_oxigraph(node)
        return found

    lines: set[bytes] = set()
    for name in names:
        graph_name = ox.NamedNode(str(name))
        statements = (ox.Quad(term(s), term(p), term(o), graph_name) if quads  # type: ignore[arg-type]
                      else ox.Triple(term(s), term(p), term(o))  # type: ignore[arg-type]
                      for s, p, o in triples_of(graphs[name]))
        while chunk := list(itertools.islice(statements, LINES_PER_CHUNK)):
            text = ox.serialize(chunk, format=rdf_format) or b""  # type: ignore[arg-type]
            if into is not None:
                into.extend(chunk)  # type: ignore[arg-type]  # triples go to the default graph
            lines.update(text.splitlines(keepends=True))
    ordered = sorted(lines)
    del lines
    for start in range(0, len(ordered), LINES_PER_CHUNK):
        yield b"".join(ordered[start:start + LINES_PER_CHUNK])
