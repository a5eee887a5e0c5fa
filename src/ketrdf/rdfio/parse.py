"""Parse one local RDF file (Turtle, N-Triples, JSON-LD) into an rdflib graph, within limits.

Every file is read by :func:`ketrdf.rdfio.reading.read_source` (regular files only,
at most ``KETRDF_MAX_INPUT_MB``), and at most ``KETRDF_MAX_TRIPLES`` triples are
taken from the parser, which stops there. Oxigraph parses every format; text it
refuses is refused, with its line and column. A JSON-LD context that names another
document is refused (Oxigraph's JSON-LD parser has no document loader either).
Blank nodes are labelled by the file's place and their order of appearance.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from ketrdf.errors import InputError
from ketrdf.project import ONTOLOGY_FILE
from ketrdf.rdfio.indexed import add_all
from ketrdf.rdfio.reading import max_triples, read_source
from ketrdf.rdfio.terms import from_oxigraph
from ketrdf.vocabulary import IRI_FORBIDDEN, new_graph

FORMATS = {
    ".ttl": (ox.RdfFormat.TURTLE, "Turtle"),
    ".nt": (ox.RdfFormat.N_TRIPLES, "N-Triples"),
    ".jsonld": (ox.RdfFormat.JSON_LD, "JSON-LD"),
}
RDF_REST = RDF.rest
#: The fewest characters one statement takes, by format: a text shorter than the limit of
#: statements times this cannot go over the limit, and is read once, not counted first.
#: N-Triples: ``_:a<a:>"".`` and a line break. Turtle: a list item ``""`` gives two. JSON-LD
#: has none here: it is always counted.
FEWEST_CHARACTERS = {ox.RdfFormat.N_TRIPLES: 10, ox.RdfFormat.TURTLE: 1}
MAX_NESTING = 100  # about as deep as rdflib's Turtle writer goes
# JSON-LD resolves relative IRIs against this reserved (RFC 2606) base; an IRI under it is refused.
NO_BASE = "https://no-base.invalid/"
OXIGRAPH_POSITION = re.compile(r"^Parser error (?:at|between) [^:]*: ")


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not valid UTF-8 (byte {error.start})") from None


def _refuse_context_references(path: Path, document: Any) -> None:
    """Refuse a JSON-LD context that names another document (a string, or an object's ``@import``)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            context = node.get("@context")
            for item in context if isinstance(context, list) else [context]:
                key, reference = ("@import", item.get("@import")) if isinstance(item, dict) \
                    else ("@context", item)
                if isinstance(reference, str) and urlsplit(reference).scheme:
                    raise InputError(f"{path}: JSON-LD {key} {reference!r} is remote; ketrdf never fetches "
                                     "from the web (inline the context instead)")
                if isinstance(reference, str):
                    raise InputError(f"{path}: JSON-LD {key} {reference!r} is a relative reference to "
                                     "another file; ketrdf reads no file but this one "
                                     "(inline the context instead)")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _scope(path: Path) -> str:
    """The prefix of the blank node labels of ``path``: a hash of where the file is.

    Inside a ketrdf project that is the path from the project's root, the same in any
    checkout; elsewhere the absolute path (links resolved). Two files never share a blank node.
    """
    absolute = path.resolve()
    key = absolute.as_posix()
    for folder in absolute.parents:
        if (folder / "ontology" / ONTOLOGY_FILE).is_file():
            key = absolute.relative_to(folder).as_posix()
            break
    return hashlib.sha256(key.encode()).hexdigest()[:8]


class _UnsupportedTerm(Exception):
    """An RDF 1.2 term (a triple term, a literal with a base direction) rdflib has no model for."""


def _converted(quads: Iterator[ox.Quad], path: Path, scope: str,
               children: dict[BNode, list[BNode]]) -> Iterator[tuple[Node, Node, Node]]:
    """Oxigraph's quads as rdflib triples, each term made and checked once.

    Blank nodes are labelled ``scope`` + ``b`` + their rank of first appearance, which is
    the same for the same bytes; ``children`` collects the blank nodes under each blank node.
    """
    terms: dict[object, Node] = {}
    ranks = itertools.count()

    def term(node: object) -> Node:
        found = terms.get(node)
        if found is None:
            if isinstance(node, ox.NamedNode):
                iri = node.value
                if IRI_FORBIDDEN.search(iri):
                    raise InputError(f"{path}: invalid IRI <{iri}> (spaces or forbidden characters)")
                if iri.startswith(NO_BASE):
                    raise InputError(f"{path}: relative IRI {iri[len(NO_BASE):]!r} and no base IRI "
                                     "(set @base, or write the IRI in full)")
                found = URIRef(iri)
            elif isinstance(node, ox.BlankNode):
                found = BNode(f"{scope}b{next(ranks)}")
            elif isinstance(node, ox.Literal) and node.direction is None:
                found = from_oxigraph(node)
            if found is None:
                raise _UnsupportedTerm
            terms[node] = found
        return found

    known = terms.get
    for quad in quads:  # the hot loop: a term seen before costs one look-up, and no call
        subject = known(quad.subject)
        if subject is None:
            subject = term(quad.subject)
        predicate = known(quad.predicate)
        if predicate is None:
            predicate = term(quad.predicate)
        obj = known(quad.object)
        if obj is None:
            obj = term(quad.object)
        if type(obj) is BNode and type(subject) is BNode and predicate != RDF_REST:
            children[subject].append(obj)
        yield subject, predicate, obj


def _refuse_more(quads: Iterator[ox.Quad], path: Path, limit: int) -> None:
    """Refuse the text when its parser ``quads``, ``limit`` statements read, has another."""
    if next(quads, None) is not None:
        raise InputError(f"{path}: more than the limit of {limit} triples "
                         "(set KETRDF_MAX_TRIPLES to raise it)")


def _nesting_depth(children: dict[BNode, list[BNode]]) -> int:
    """How many levels deep blank nodes nest (``[ ... [ ... ] ]``; the cells of a list count once)."""
    has_parent = {child for found in children.values() for child in found}
    layer = [node for node in children if node not in has_parent]
    seen = set(layer)
    depth = 0
    while layer:
        depth += 1
        following = []
        for node in layer:
            for child in children.get(node, ()):
                if child not in seen:
                    seen.add(child)
                    following.append(child)
        layer = following
    return depth


def _rdflib_position(text: str) -> tuple[int, int] | None:
    """Where rdflib's Turtle parser stops in ``text``, if it does (it has no RDF 1.2 terms)."""
    try:
        Graph().parse(data=text, format="turtle", publicID=NO_BASE)
    except BadSyntax as error:
        source = error._str.decode() if isinstance(error._str, bytes) else error._str
        before = source[: error._i]
        return before.count("\n") + 1, error._i - (before.rfind("\n") + 1) + 1
    except Exception:  # noqa: S110 - any other failure locates nothing
        pass
    return None


def load_file(path: Path, with_prefixes: bool = True) -> Graph:
    """Parse one local RDF file (Turtle, N-Triples, JSON-LD) as the module docstring says.

    A syntax error names the file, line and column. Relative IRIs need a base in the
    file (``@base``): no base is taken from where the file lies. The graph binds
    ketrdf's prefixes and, ``with_prefixes``, the file's own.
    """
    found = FORMATS.get(path.suffix)
    if found is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {known})")
    oxigraph_format, name = found
    text = _decode(read_source(path), path)
    base = None
    if oxigraph_format == ox.RdfFormat.JSON_LD:
        try:
            _refuse_context_references(path, json.loads(text))
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{error.lineno}:{error.colno}: JSON syntax error: {error.msg}") from None
        except RecursionError:
            raise InputError(f"{path}: nested too deeply to parse") from None
        base = NO_BASE
    limit = max_triples()
    graph = new_graph()
    children: dict[BNode, list[BNode]] = collections.defaultdict(list)
    try:
        # Oxigraph alone reads a text that may hold more than the limit first (about a twentieth
        # of the time rdflib's graph takes), so that text over the limit costs no rdflib graph.
        if len(text) >= limit * FEWEST_CHARACTERS.get(oxigraph_format, 0):
            counted = ox.parse(text, format=oxigraph_format, base_iri=base, without_named_graphs=True)
            collections.deque(itertools.islice(counted, limit), maxlen=0)
            _refuse_more(counted, path, limit)
        quads = ox.parse(text, format=oxigraph_format, base_iri=base, without_named_graphs=True)
        # Straight into the store's indexes: Graph.addN would check again each term _converted made.
        add_all(graph, _converted(itertools.islice(quads, limit), path, _scope(path), children))
        _refuse_more(quads, path, limit)
    except SyntaxError as error:
        detail = OXIGRAPH_POSITION.sub("", str(error.msg))
        if detail.startswith("No scheme found"):  # a relative IRI: no base is taken from the file's place
            detail += " (a relative IRI: set @base, or write the IRI in full)"
        where = f":{error.lineno}:{error.offset}" if error.lineno else ""
        raise InputError(f"{path}{where}: {name} syntax error: {detail}") from None
    except _UnsupportedTerm:
        line_column = _rdflib_position(text) if oxigraph_format == ox.RdfFormat.TURTLE else None
        where = ":{}:{}".format(*line_column) if line_column else ""
        raise InputError(f"{path}{where}: {name} syntax error: an RDF 1.2 triple term or base direction, "
                         "which ketrdf does not read") from None
    if next(iter(graph), None) is None:  # not len(): rdflib's store counts every triple for it
        raise InputError(f"{path}: contains no triples")
    if _nesting_depth(children) > MAX_NESTING:
        raise InputError(f"{path}: nested too deeply to parse (blank nodes more than {MAX_NESTING} deep)")
    for prefix, namespace in quads.prefixes.items() if with_prefixes else ():
        graph.bind(prefix, namespace)
    return graph
