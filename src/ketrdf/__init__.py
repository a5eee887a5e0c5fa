"""ketrdf: a semantic knowledge graph of one review on ketamine and its enantiomers.

The pipeline runs one way: sources -> load -> reason -> validate -> query/export.
The command line (``ketrdf``) only wraps the functions listed in ``__all__``.
"""

from ketrdf.build import BuildResult, Checked, build, check_graph, obtain_graph
from ketrdf.errors import (
    InconsistencyError,
    InputError,
    KetError,
    QueryError,
    ValidationFailed,
)
from ketrdf.export import FORMATS, GRAPH_SELECTIONS, export, serialize
from ketrdf.graphs import KnowledgeGraph
from ketrdf.load import load_file, load_sources
from ketrdf.paths import Project
from ketrdf.queries import QueryResult, SavedQuery, load_catalog, run_saved_query, run_sparql
from ketrdf.reason import OwlrlReasoner, Reasoner, reason
from ketrdf.validate import ValidationReport, validate

__version__ = "0.1.0"

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
    "ValidationFailed",
    "ValidationReport",
    "__version__",
    "build",
    "check_graph",
    "export",
    "load_catalog",
    "load_file",
    "load_sources",
    "obtain_graph",
    "reason",
    "run_saved_query",
    "run_sparql",
    "serialize",
    "validate",
]
