"""Build a project's site: answer the saved queries on the graph, then write every page."""

from __future__ import annotations

from pathlib import Path

from ketrdf.answer import answer_queries, query_engine
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.present.reader import GraphReader
from ketrdf.present.site.writer import SiteOptions, write_site
from ketrdf.project import Project
from ketrdf.query.saved import load_saved_queries


def build_site(project: Project, kg: KnowledgeGraph, output: Path, options: SiteOptions | None = None) -> int:
    """Write the site of ``kg`` to ``output`` (whole or not at all); return the number of files.

    Each saved query's answer is made through the normal query path (the SPARQL gate applies).
    """
    saved = load_saved_queries(project.queries_dir)
    answers = answer_queries(kg, list(saved.values()), None, query_engine(kg, "oxigraph"))
    return write_site(GraphReader.for_project(kg, project.prefixes_file), kg, saved,
                      {answer.query.name: answer.result for answer in answers}, output, options)
