"""Reading the reasoned graph for views: SPARQL through the gate, labels and CURIEs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import curies
import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from ketrdf.engines.oxigraph import run
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.rdfio.terms import load_dataset
from ketrdf.vocabulary import PREFIXES

BIOREGISTRY = "https://bioregistry.io/registry/"
LABELS = """
SELECT ?thing ?label WHERE { ?thing rdfs:label ?label FILTER (isIRI(?thing)) }"""

Row = dict[str, Node | None]


@dataclass(frozen=True, order=True)
class Term:
    """A thing as people read it: its words, and its IRI and CURIE (empty for a literal)."""

    label: str
    iri: str = ""
    curie: str = ""


class GraphReader:
    """The graph as an in-memory Oxigraph dataset, read only through the SPARQL gate.

    The default graph is the union of ketrdf's named graphs; ``GRAPH`` reaches each one.
    Labels are read once, in every language, and chosen per view. The store is never
    changed, so each answer and CURIE is remembered: views in two languages ask the same.
    """

    def __init__(self, kg: KnowledgeGraph, external_prefixes: list[curies.Record] | None = None) -> None:
        self.store: ox.Store = load_dataset(kg.named_graphs())
        records = [curies.Record(prefix=prefix, uri_prefix=iri)
                   for prefix, iri in {**PREFIXES, "bioregistry": BIOREGISTRY}.items()]
        known = {record.uri_prefix for record in records} | set(PREFIXES)
        records += [record for record in external_prefixes or ()
                    if record.uri_prefix not in known and record.prefix not in known]
        self.converter = curies.Converter(records)
        self._answers: dict[tuple[str, tuple[tuple[str, Identifier], ...]], list[Row]] = {}
        self._curies: dict[str, str] = {}
        self.labels: dict[str, dict[str, str]] = {}
        for row in self.select(LABELS, "labels"):
            thing, label = row["thing"], row["label"]
            if isinstance(label, Literal):
                by_lang = self.labels.setdefault(str(thing), {})
                lang = label.language or ""
                by_lang[lang] = min(by_lang.get(lang, str(label)), str(label))

    @classmethod
    def for_project(cls, kg: KnowledgeGraph, prefixes_file: Path) -> GraphReader:
        """A reader that also writes CURIEs of the external systems in ``prefixes_file``."""
        from ketrdf.external.mappings import read_prefixes

        return cls(kg, read_prefixes(prefixes_file) if prefixes_file.is_file() else [])

    def select(self, text: str, origin: str, bindings: Mapping[str, Identifier] | None = None) -> list[Row]:
        """The rows of a SELECT (gated; ``bindings`` become a ``VALUES`` block), as dicts (new ones)."""
        key = (text, tuple(sorted((bindings or {}).items())))
        rows = self._answers.get(key)
        if rows is None:
            result = run(self.store, text, dict(bindings or {}), origin=f"show: {origin}")
            rows = self._answers[key] = [dict(zip(result.variables, row, strict=True)) for row in result.rows]
        return [dict(row) for row in rows]

    def ask(self, text: str, origin: str, bindings: Mapping[str, Identifier] | None = None) -> bool:
        """The answer of an ASK (gated; ``bindings`` become a ``VALUES`` block)."""
        return bool(run(self.store, text, dict(bindings or {}), origin=f"show: {origin}").boolean)

    def curie(self, iri: str) -> str:
        """The CURIE of ``iri`` with ketrdf's or an external system's prefix, else ``<iri>``."""
        found = self._curies.get(iri)
        if found is None:
            found = self._curies[iri] = self.converter.compress(iri) or f"<{iri}>"
        return found

    def label(self, node: Node | None, lang: str = "en") -> str:
        """Words for ``node``: its label in ``lang``, else in English, else its CURIE or text."""
        if isinstance(node, Literal):
            return str(node)
        if not isinstance(node, URIRef):
            return "(anonymous)"
        labels = self.labels.get(str(node), {})
        return labels.get(lang) or labels.get("en") or labels.get("") or self.curie(str(node))

    def term(self, node: Node | None, lang: str = "en") -> Term:
        """``node`` as a :class:`Term`."""
        if isinstance(node, URIRef):
            return Term(self.label(node, lang), str(node), self.curie(str(node)))
        return Term(self.label(node, lang))
