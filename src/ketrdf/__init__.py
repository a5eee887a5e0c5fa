"""ketrdf: a semantic knowledge graph of one review on ketamine and its enantiomers.

The pipeline runs one way: sources -> load -> reason -> validate -> query/export.
The command line (``ketrdf``) only wraps the functions listed in ``__all__``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ketrdf.answer import answer_queries, choose_queries, query_engine
    from ketrdf.engines.rdflib_sparql import run_saved_query, run_sparql
    from ketrdf.engines.reasoners import OwlrlReasoner, Reasoner
    from ketrdf.engines.sparql import register_engine, sparql_engine
    from ketrdf.errors import InconsistencyError, InputError, KetError, QueryError, ValidationFailed
    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.pipeline.build import BuildResult, Checked, build, check_graph, obtain_graph
    from ketrdf.pipeline.export import export
    from ketrdf.pipeline.reason import reason
    from ketrdf.pipeline.sources import load_sources
    from ketrdf.pipeline.validate import ValidationReport, validate
    from ketrdf.project import Project
    from ketrdf.query.engine import SparqlEngine
    from ketrdf.query.results import QueryResult
    from ketrdf.query.saved import SavedQuery, load_saved_queries
    from ketrdf.rdfio.formats import FORMATS
    from ketrdf.rdfio.parse import load_file
    from ketrdf.rdfio.writers import GRAPH_SELECTIONS, serialize

# The public API by name and the module that defines it. Imported on first use, so that
# ``import ketrdf`` (and the command line's start-up) loads rdflib and the engines only when needed.
_EXPORTS = {
    "BuildResult": "ketrdf.pipeline.build",
    "Checked": "ketrdf.pipeline.build",
    "FORMATS": "ketrdf.rdfio.formats",
    "GRAPH_SELECTIONS": "ketrdf.rdfio.writers",
    "InconsistencyError": "ketrdf.errors",
    "InputError": "ketrdf.errors",
    "KetError": "ketrdf.errors",
    "KnowledgeGraph": "ketrdf.knowledge_graph",
    "OwlrlReasoner": "ketrdf.engines.reasoners",
    "Project": "ketrdf.project",
    "QueryError": "ketrdf.errors",
    "QueryResult": "ketrdf.query.results",
    "Reasoner": "ketrdf.engines.reasoners",
    "SavedQuery": "ketrdf.query.saved",
    "SparqlEngine": "ketrdf.query.engine",
    "ValidationFailed": "ketrdf.errors",
    "ValidationReport": "ketrdf.pipeline.validate",
    "answer_queries": "ketrdf.answer",
    "build": "ketrdf.pipeline.build",
    "check_graph": "ketrdf.pipeline.build",
    "choose_queries": "ketrdf.answer",
    "export": "ketrdf.pipeline.export",
    "load_file": "ketrdf.rdfio.parse",
    "load_saved_queries": "ketrdf.query.saved",
    "load_sources": "ketrdf.pipeline.sources",
    "obtain_graph": "ketrdf.pipeline.build",
    "query_engine": "ketrdf.answer",
    "reason": "ketrdf.pipeline.reason",
    "register_engine": "ketrdf.engines.sparql",
    "run_saved_query": "ketrdf.engines.rdflib_sparql",
    "run_sparql": "ketrdf.engines.rdflib_sparql",
    "serialize": "ketrdf.rdfio.writers",
    "sparql_engine": "ketrdf.engines.sparql",
    "validate": "ketrdf.pipeline.validate",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'ketrdf' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


__version__ = "0.1.0"


def load(project: Project | Path | None = None) -> KnowledgeGraph:
    """The reasoned, validated graph: from the build cache while it is current, else built in memory.

    ``project`` is a :class:`Project` or its folder; by default the one the command
    line would use (the checkout at or above the current folder, else the data
    installed with the package). ``kg.union()`` gives all of it as one rdflib Graph.
    """
    from ketrdf.errors import InputError
    from ketrdf.pipeline.build import obtain_graph
    from ketrdf.project import Project

    if project is None:
        project = Project.discover()
    elif not isinstance(project, Project):
        project = Project(Path(project).resolve())
        if not project.ontology_file.is_file():
            raise InputError(f"{project.root}: not a ketrdf project (no {project.ontology_file.name})")
    return obtain_graph(project)


__all__ = [
    "FORMATS",
    "GRAPH_SELECTIONS",
    "BuildResult",
    "Checked",
    "InconsistencyError",
    "InputError",
    "KetError",
    "KnowledgeGraph",
    "OwlrlReasoner",
    "Project",
    "QueryError",
    "QueryResult",
    "Reasoner",
    "SavedQuery",
    "SparqlEngine",
    "ValidationFailed",
    "ValidationReport",
    "__version__",
    "answer_queries",
    "build",
    "check_graph",
    "choose_queries",
    "export",
    "load",
    "load_file",
    "load_saved_queries",
    "load_sources",
    "obtain_graph",
    "query_engine",
    "reason",
    "register_engine",
    "run_saved_query",
    "run_sparql",
    "serialize",
    "sparql_engine",
    "validate",
]
