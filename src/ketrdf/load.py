"""Stage 1, load: read the ontology and content from local files only.

Nothing is ever fetched from the web: ``owl:imports`` resolve through
``ontology/catalog-v001.xml`` to local files or fail, and JSON-LD documents
with a remote ``@context`` are refused.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import OWL, RDF
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from ketrdf.errors import InputError
from ketrdf.graphs import KnowledgeGraph
from ketrdf.namespaces import IRI_FORBIDDEN, bind_prefixes
from ketrdf.paths import Project
from ketrdf.terms import from_oxigraph, to_oxigraph

FORMAT_BY_SUFFIX = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}
OXIGRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
DEFAULT_MAX_INPUT_MB = 32
DEFAULT_MAX_TRIPLES = 2_000_000
RDF_REST = str(RDF.rest)
MAX_NESTING = 100  # about as deep as rdflib's recursive parser and Turtle writer go


def _limit(variable: str, default: float, unit: str) -> float:
    value = os.environ.get(variable, str(default))
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number <= 0:
        raise InputError(f"{variable} must be a positive number of {unit}, not {value!r}")
    return number


def max_input_bytes() -> int:
    """The largest file ketrdf reads: ``KETRDF_MAX_INPUT_MB`` megabytes (default 32)."""
    return int(_limit("KETRDF_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB, "megabytes") * 1024 * 1024)


def max_triples() -> int:
    """The most triples one file may hold: ``KETRDF_MAX_TRIPLES`` (default 2,000,000)."""
    return int(_limit("KETRDF_MAX_TRIPLES", DEFAULT_MAX_TRIPLES, "triples"))


def _read_bytes(path: Path) -> bytes:
    limit = max_input_bytes()
    try:
        if path.is_dir():
            raise IsADirectoryError
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"{path}: {size} bytes is larger than the input limit of {limit} bytes "
                             "(set KETRDF_MAX_INPUT_MB to raise it)")
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, expected an RDF file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: not valid UTF-8 (byte {error.start})") from None


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def _first_bad_ntriples_line(text: str) -> tuple[int, str]:
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            Graph().parse(data=line, format="nt")
        except (ParserError, BadSyntax) as error:
            return number, str(error)
    return 0, "unreadable N-Triples"


def _refuse_remote_contexts(path: Path, document: Any) -> None:
    contexts: list[Any] = []
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "@context" in node:
                contexts.append(node["@context"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    for context in contexts:
        items = context if isinstance(context, list) else [context]
        for item in items:
            if isinstance(item, str):
                raise InputError(
                    f"{path}: JSON-LD @context {item!r} is remote; ketrdf never fetches "
                    "from the web (inline the context instead)"
                )


class _BlankNodeFound(Exception):
    """A blank node in a file read as one without any: it must be read whole and canonicalized."""


def _convert(quads: Iterable[ox.Quad], path: Path, scope: str | None) -> Graph:
    """Oxigraph's quads as rdflib triples, each IRI made and checked once.

    A blank node is labelled ``scope`` + its label; with no scope it raises :class:`_BlankNodeFound`.
    """
    graph = bind_prefixes(Graph())
    iris: dict[str, URIRef] = {}

    def term(node: object) -> Node:
        if isinstance(node, ox.NamedNode):
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = URIRef(node.value)
                if IRI_FORBIDDEN.search(node.value):
                    raise InputError(f"{path}: invalid IRI <{iri}> (spaces or forbidden characters)")
            return iri
        if isinstance(node, ox.BlankNode):
            if scope is None:
                raise _BlankNodeFound
            return BNode(f"{scope}{node.value}")
        return from_oxigraph(node)  # type: ignore[return-value]  # a literal: never None

    graph.addN((term(quad.subject), term(quad.predicate), term(quad.object), graph) for quad in quads)
    if not graph:
        raise InputError(f"{path}: contains no triples")
    if len(graph) > max_triples():
        raise InputError(f"{path}: {len(graph)} triples is more than the limit of {max_triples()} "
                         "(set KETRDF_MAX_TRIPLES to raise it)")
    return graph


def _from_dataset(dataset: ox.Dataset, prefixes: dict[str, str], path: Path) -> Graph:
    """The triples of ``dataset`` as an rdflib graph.

    Blank nodes get the labels of W3C RDF Dataset Canonicalization (RDFC-1.0, Oxigraph's)
    scoped to the file, so that builds are reproducible; nesting deeper than
    :data:`MAX_NESTING` is refused first. A file without blank nodes keeps its prefixes.
    """
    blank = ox.BlankNode
    if not any(isinstance(quad.subject, blank) or isinstance(quad.object, blank) for quad in dataset):
        return _with_prefixes(_convert(dataset, path, None), prefixes)
    if _nesting_depth(dataset) > MAX_NESTING:
        raise InputError(f"{path}: nested too deeply to parse (blank nodes more than {MAX_NESTING} deep)")
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return _convert(dataset, path, hashlib.sha256(path.name.encode()).hexdigest()[:8])


def _with_prefixes(graph: Graph, prefixes: dict[str, str]) -> Graph:
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace)
    return graph


def _as_dataset(graph: Graph, path: Path) -> ox.Dataset:
    """An rdflib graph's triples in an Oxigraph dataset (a term Oxigraph refuses names the file)."""
    _refuse_invalid_iris(graph, path)
    try:
        return ox.Dataset(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                          for s, p, o in graph)
    except ValueError as error:
        raise InputError(f"{path}: {error}") from None


def load_file(path: Path) -> Graph:
    """Parse one local RDF file; a syntax error names the file and line."""
    rdf_format = FORMAT_BY_SUFFIX.get(path.suffix)
    if rdf_format is None:
        known = ", ".join(sorted(FORMAT_BY_SUFFIX))
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {known})")
    data = _read_bytes(path)
    graph = _parse_with_oxigraph(data.removeprefix(codecs.BOM_UTF8), rdf_format, path)
    if graph is None:  # rdflib parses it instead, to report any syntax error by file and line
        parsed = _parse_with_rdflib(_decode(data, path), rdf_format, path)
        graph = _from_dataset(_as_dataset(parsed, path), {}, path)
    return graph


def _parse_with_rdflib(text: str, rdf_format: str, path: Path) -> Graph:
    """Parse with rdflib (JSON-LD, and text Oxigraph refuses); a syntax error names the file and line."""
    graph = bind_prefixes(Graph())
    base = path.resolve().as_uri()
    try:
        if rdf_format == "json-ld":
            try:
                document = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputError(f"{path}:{error.lineno}:{error.colno}: {error.msg}") from None
            _refuse_remote_contexts(path, document)
        graph.parse(data=text, format=rdf_format, publicID=base)
    except BadSyntax as error:
        source = error._str.decode() if isinstance(error._str, bytes) else error._str
        line, column = _position(source, error._i)
        raise InputError(f"{path}:{line}:{column}: Turtle syntax error: {error._why}") from None
    except ParserError as error:
        if rdf_format == "nt":
            number, message = _first_bad_ntriples_line(text)
            raise InputError(f"{path}:{number}: N-Triples syntax error: {message}") from None
        raise InputError(f"{path}: syntax error: {error}") from None
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to parse (blank nodes or lists)") from None
    except IndexError:
        # rdflib's Turtle parser runs off the end of a truncated document.
        last = text.count("\n") + (0 if text.endswith("\n") else 1)
        raise InputError(f"{path}:{last}: {rdf_format} syntax error: unexpected end of file") from None
    except (ValueError, SyntaxError) as error:
        raise InputError(f"{path}: cannot parse as {rdf_format}: {error}") from None
    except Exception as error:  # rdflib's parsers fail on some malformed input with assertions
        detail = " ".join(str(error).split())[:200]
        raise InputError(f"{path}: {rdf_format} syntax error: {detail or type(error).__name__}") from None
    return graph


def _nesting_depth(dataset: ox.Dataset) -> int:
    """How many levels deep blank nodes nest (``[ ... [ ... ] ]``; the cells of a list count once)."""
    children: dict[ox.BlankNode, list[ox.BlankNode]] = defaultdict(list)
    has_parent: set[ox.BlankNode] = set()
    for quad in dataset:
        subject, obj = quad.subject, quad.object
        if (isinstance(subject, ox.BlankNode) and isinstance(obj, ox.BlankNode) and subject != obj
                and quad.predicate.value != RDF_REST):
            children[subject].append(obj)
            has_parent.add(obj)
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


def _parse_with_oxigraph(data: bytes, rdf_format: str, path: Path) -> Graph | None:
    """Turtle or N-Triples parsed by Oxigraph (many times faster than rdflib).

    None if Oxigraph refuses the text or does not read the format. Text that cannot hold
    a blank node is converted as it is parsed; other text is read whole first, to be
    canonicalized.
    """
    oxigraph_format = OXIGRAPH_FORMATS.get(rdf_format)
    if oxigraph_format is None:
        return None
    base = path.resolve().as_uri()
    try:
        if b"_:" not in data and (rdf_format == "nt" or not (b"[" in data or b"(" in data)):
            parser = ox.parse(data, format=oxigraph_format, base_iri=base)
            with contextlib.suppress(_BlankNodeFound):
                return _with_prefixes(_convert(parser, path, None), parser.prefixes)
        parser = ox.parse(data, format=oxigraph_format, base_iri=base)
        return _from_dataset(ox.Dataset(parser), parser.prefixes, path)
    except (SyntaxError, ValueError):  # ValueError: a term rdflib has no model for (RDF 1.2)
        return None


def _refuse_invalid_iris(graph: Graph, path: Path) -> None:
    """Refuse IRIs with spaces or forbidden characters: rdflib takes them, stores do not."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and IRI_FORBIDDEN.search(str(term)):
                raise InputError(f"{path}: invalid IRI <{term}> (spaces or forbidden characters)")


def read_catalog(catalog: Path) -> dict[URIRef, Path]:
    """Map import IRIs to local files, as an OASIS XML catalog (``catalog-v001.xml``) says."""
    if not catalog.is_file():
        return {}
    try:
        root = ElementTree.parse(catalog).getroot()  # noqa: S314 - a local, trusted project file
    except ElementTree.ParseError as error:
        line, column = error.position
        raise InputError(f"{catalog}:{line}:{column}: malformed catalog: {error}") from None
    mapping: dict[URIRef, Path] = {}
    for entry in root.iter(f"{CATALOG_NS}uri"):
        name, uri = entry.get("name"), entry.get("uri")
        if name and uri:
            mapping[URIRef(name)] = (catalog.parent / uri).resolve()
    return mapping


def _resolve_imports(graph: Graph, source: Path, catalog: dict[URIRef, Path]) -> Graph:
    """Load every ``owl:imports`` of ``graph`` from its local file, transitively."""
    imported = bind_prefixes(Graph())
    pending = [(iri, source) for iri in graph.objects(None, OWL.imports)]
    seen: set[URIRef] = set()
    while pending:
        iri, importer = pending.pop()
        if not isinstance(iri, URIRef) or iri in seen:
            continue
        seen.add(iri)
        local = catalog.get(iri)
        if local is None:
            raise InputError(
                f"{importer}: owl:imports <{iri}> has no local file in ontology/catalog-v001.xml; "
                "ketrdf never fetches imports from the web"
            )
        module = load_file(local)
        imported += module
        pending.extend((nested, local) for nested in module.objects(None, OWL.imports))
    return imported


def load_sources(project: Project, extra_content: list[Path] | None = None) -> KnowledgeGraph:
    """Load the ontology (with its local imports) and every content file of ``project``.

    ``extra_content`` adds files to the content graph; a file with the same
    name as a content file replaces it (so a curator can validate an edit).
    """
    catalog = read_catalog(project.catalog_file)
    ontology = load_file(project.ontology_file)
    ontology += _resolve_imports(ontology, project.ontology_file, catalog)
    extra = list(extra_content or [])
    replaced = {path.name for path in extra}
    content = bind_prefixes(Graph())
    for path in [p for p in project.content_files() if p.name not in replaced] + extra:
        graph = load_file(path)
        content += graph
        content += _resolve_imports(graph, path, catalog)
    if project.mappings_file.is_file():
        from ketrdf.mappings import content_graph, read_mappings  # sssom-pydantic: only when building

        content += content_graph(read_mappings(project.mappings_file, project.prefixes_file))
    imports = bind_prefixes(Graph())
    for module in project.import_modules():
        imports += load_file(module)
    return KnowledgeGraph(ontology=ontology, content=content, imports=imports)
