"""ketrdf: a semantic knowledge graph of one review on ketamine and its enantiomers.

The pipeline runs one way: sources -> load -> reason -> validate -> query/export.
The command line (``ketrdf``) only wraps the functions listed in ``__all__``.
"""

from pathlib import Path

from ketrdf.answer import answer_queries, choose_queries, query_engine
from ketrdf.engines.rdflib_sparql import run_saved_query, run_sparql
from ketrdf.engines.reasoners import OwlrlReasoner, Reasoner
from ketrdf.engines.sparql import SparqlEngine, register_engine, sparql_engine
from ketrdf.errors import (
    InconsistencyError,
    InputError,
    KetError,
    QueryError,
    ValidationFailed,
)
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.build import BuildResult, Checked, build, check_graph, obtain_graph
from ketrdf.pipeline.export import export
from ketrdf.pipeline.reason import reason
from ketrdf.pipeline.sources import load_sources
from ketrdf.pipeline.validate import ValidationReport, validate
from ketrdf.project import Project
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import SavedQuery, load_saved_queries
from ketrdf.rdfio.formats import FORMATS
from ketrdf.rdfio.parse import load_file
from ketrdf.rdfio.writers import GRAPH_SELECTIONS, serialize

__version__ = "0.1.0"


def load(project: Project | Path | None = None) -> KnowledgeGraph:
    """The reasoned, validated graph: from the build cache while it is current, else built in memory.

    ``project`` is a :class:`Project` or its folder; by default the one the command
    line would use (the checkout at or above the current folder, else the data
    installed with the package). ``kg.union()`` gives all of it as one rdflib Graph.
    """
    from ketrdf.pipeline.build import obtain_graph

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
