"""The mapping table's triples kept between builds: a table that has not changed is not read again.

Reading ``ketrdf.sssom.tsv`` takes sssom-pydantic, curies and pydantic, about half a
second of imports: a fifth of a build of the review. The triples made from a table
depend only on its bytes, those of ``prefixes.json`` and the software (ketrdf's code and
its libraries' versions), so they are kept in the user's cache
(:func:`ketrdf.project.user_cache_dir`) as sorted N-Triples, in a file named by the
SHA-256 of all those (the key) and by the SHA-256 of the N-Triples themselves, which a
read checks: a file that is not whole is not trusted but made again. The last table's
triples are kept, none other; a cache that cannot be written never fails a build.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ketrdf.errors import KetError
from ketrdf.pipeline.cache import software_fingerprint
from ketrdf.project import Project, user_cache_dir
from ketrdf.rdfio.files import atomic_write_bytes
from ketrdf.rdfio.indexed import add_all
from ketrdf.rdfio.lines import sorted_lines
from ketrdf.rdfio.reading import read_source
from ketrdf.rdfio.terms import from_oxigraph
from ketrdf.vocabulary import GRAPH_CONTENT, new_graph

FOLDER = "mapping-triples"


def mapping_graph(project: Project) -> Graph:
    """The triples of the project's mapping table (:func:`ketrdf.external.mappings.content_graph`)."""
    key = _key(project)
    folder = user_cache_dir() / FOLDER
    kept = _kept(folder, key)
    if kept is not None:
        return kept
    from ketrdf.external.mappings import content_graph, read_table  # sssom-pydantic: only when needed

    table = read_table(project.mappings_file, project.prefixes_file)
    graph = content_graph(table.mappings, table.absences)
    _keep(folder, key, graph)
    return graph


def _key(project: Project) -> str:
    digest = hashlib.sha256(json.dumps(software_fingerprint(), sort_keys=True).encode())
    for path in (project.mappings_file, project.prefixes_file):
        digest.update(b"\0" + (read_source(path) if path.is_file() else b"missing"))
    return digest.hexdigest()


def _kept(folder: Path, key: str) -> Graph | None:
    """The triples kept under ``key``, if a whole file holds them."""
    for path in sorted(folder.glob(f"{key}-*.nt")):
        try:
            data = read_source(path)
            if path.stem != f"{key}-{hashlib.sha256(data).hexdigest()}":
                continue
            triples = [tuple(from_oxigraph(term) for term in (quad.subject, quad.predicate, quad.object))
                       for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
        except (OSError, KetError, SyntaxError):
            continue
        graph = new_graph()
        add_all(graph, triples)  # type: ignore[arg-type]  # N-Triples: every term converts
        return graph
    return None


def _keep(folder: Path, key: str, graph: Graph) -> None:
    """Keep ``graph``'s triples under ``key`` in place of any table's kept before."""
    data = b"".join(sorted_lines({GRAPH_CONTENT: graph}, (GRAPH_CONTENT,), quads=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.nt"):
            old.unlink()
        atomic_write_bytes(folder / f"{key}-{hashlib.sha256(data).hexdigest()}.nt", data)
    except (OSError, KetError):
        pass
