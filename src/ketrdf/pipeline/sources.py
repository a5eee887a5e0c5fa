"""Stage 1, sources: the ontology, its local imports, the content and the mappings of a project.

Nothing is fetched from the web: ``owl:imports`` resolve through the XML import
catalog ``ontology/catalog-v001.xml`` to local files or fail.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.catalog import read_import_catalog
from ketrdf.pipeline.mapping_cache import mapping_graph
from ketrdf.project import Project
from ketrdf.rdfio.indexed import add_all, triples_of
from ketrdf.rdfio.parse import load_file
from ketrdf.vocabulary import new_graph


def _resolve_imports(graph: Graph, source: Path, catalog: dict[str, Path]) -> Graph:
    """Load every ``owl:imports`` of ``graph`` from its local file, transitively."""
    imported = new_graph()
    pending = [(iri, source) for iri in graph.objects(None, OWL.imports)]
    seen: set[URIRef] = set()
    while pending:
        iri, importer = pending.pop()
        if not isinstance(iri, URIRef) or iri in seen:
            continue
        seen.add(iri)
        local = catalog.get(str(iri))
        if local is None:
            raise InputError(
                f"{importer}: owl:imports <{iri}> has no local file in ontology/catalog-v001.xml; "
                "ketrdf never fetches imports from the web"
            )
        module = load_file(local)
        add_all(imported, triples_of(module))
        pending.extend((nested, local) for nested in module.objects(None, OWL.imports))
    return imported


def load_sources(project: Project, extra_content: list[Path] | None = None) -> KnowledgeGraph:
    """Load the ontology (with its local imports) and every content file of ``project``.

    ``extra_content`` adds files to the content graph; a file with the same
    name as a content file replaces it (so a curator can validate an edit).
    """
    catalog = read_import_catalog(project.catalog_file)
    ontology = load_file(project.ontology_file)
    add_all(ontology, triples_of(_resolve_imports(ontology, project.ontology_file, catalog)))
    extra = list(extra_content or [])
    replaced = {path.name for path in extra}
    merged: Graph | None = None
    for path in [p for p in project.content_files() if p.name not in replaced] + extra:
        graph = load_file(path, with_prefixes=False)  # the content graph binds ketrdf's prefixes only
        imported = _resolve_imports(graph, path, catalog)
        if merged is None:
            merged = graph  # the first file's graph is the content graph: it is not copied
        else:
            add_all(merged, triples_of(graph))
        add_all(merged, triples_of(imported))
    content = merged if merged is not None else new_graph()
    if project.mappings_file.is_file():
        add_all(content, triples_of(mapping_graph(project)))
    imports = new_graph()
    for module in project.import_modules():
        add_all(imports, triples_of(load_file(module)))
    return KnowledgeGraph(ontology=ontology, content=content, imports=imports)
