"""The project's XML import catalog (``ontology/catalog-v001.xml``): import IRIs to local files."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from ketrdf.errors import InputError
from ketrdf.rdfio.reading import read_source

CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"


def read_import_catalog(catalog: Path) -> dict[str, Path]:
    """Map import IRIs to local files, as an OASIS XML catalog (``catalog-v001.xml``) says."""
    if not os.path.lexists(catalog):
        return {}
    try:
        root = ElementTree.fromstring(read_source(catalog))  # noqa: S314 - a local, trusted project file
    except ElementTree.ParseError as error:
        line, column = error.position
        raise InputError(f"{catalog}:{line}:{column}: malformed catalog: {error}") from None
    mapping: dict[str, Path] = {}
    for entry in root.iter(f"{CATALOG_NS}uri"):
        name, uri = entry.get("name"), entry.get("uri")
        if name and uri:
            mapping[name] = (catalog.parent / uri).resolve()
    return mapping
