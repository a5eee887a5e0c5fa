"""rdflib's literal normalisation, turned off for a while."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import rdflib


@contextmanager
def exact_literals() -> Iterator[None]:
    """rdflib keeps each literal as written while parsing (by default ``"none"^^xsd:boolean``
    becomes ``"false"``, ``"1"^^xsd:boolean`` becomes ``"true"`` and ``".5"^^xsd:decimal`` becomes
    ``"0.5"``); the setting is put back as it was."""
    before = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = before
