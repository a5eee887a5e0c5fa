"""The export formats by name: light enough for the command line to read at start-up."""

from __future__ import annotations

# format name -> (rdflib serializer, holds named graphs, file suffix)
FORMATS: dict[str, tuple[str, bool, str]] = {
    "turtle": ("turtle", False, ".ttl"),
    "ntriples": ("nt", False, ".nt"),
    "jsonld": ("json-ld", False, ".jsonld"),
    "trig": ("trig", True, ".trig"),
    "nquads": ("nquads", True, ".nq"),
}
FORMAT_ALIASES = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "json-ld": "jsonld"}
#: formats written by a module of their own: a nanopublication per claim (TriG,
#: ``ketrdf.pipeline.nanopub``) and KGX nodes and edges TSV files (``ketrdf.pipeline.kgx``)
DERIVED_FORMATS = ("nanopub", "kgx")
FORMAT_CHOICES = (*FORMATS, *FORMAT_ALIASES, *DERIVED_FORMATS)
