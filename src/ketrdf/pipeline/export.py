"""Stage 5, export: the reasoned graph written to a file, whole (writers: :mod:`ketrdf.rdfio.writers`)."""

from __future__ import annotations

from pathlib import Path

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.rdfio.files import atomic_write_chunks
from ketrdf.rdfio.writers import serialize_chunks


def export(kg: KnowledgeGraph, output_format: str, path: Path, selection: str = "all") -> int:
    """Write the selected graphs to ``path`` atomically, piece by piece; return the number of bytes."""
    return atomic_write_chunks(path, serialize_chunks(kg, output_format, selection))
