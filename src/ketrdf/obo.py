"""Stream the classes of an OBO ontology in OWL RDF/XML (plain or gzipped), in constant memory per class.

Reads the layout the OBO Foundry publishes (``owl:Class rdf:about`` elements
with ``rdfs:label``, named ``rdfs:subClassOf`` parents, ``owl:Restriction``
fillers, ``owl:deprecated`` and, for ChEBI, an InChIKey annotation), freeing
each element once read, so a file of ChEBI's size never sits in memory.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ketrdf.errors import InputError

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
RDFS = "{http://www.w3.org/2000/01/rdf-schema#}"
OWL = "{http://www.w3.org/2002/07/owl#}"
INCHIKEY_NAMES = ("inchikey", "inchi_key_string")


@dataclass
class OboClass:
    """What ketrdf needs of one class."""

    iri: str
    label: str | None = None
    parents: list[str] = field(default_factory=list)
    restrictions: list[tuple[str, str]] = field(default_factory=list)
    inchikey: str | None = None
    deprecated: bool = False


@dataclass
class OboHeader:
    """The ontology's IRI and version, as its ``owl:Ontology`` element gives them."""

    iri: str | None = None
    version_iri: str | None = None
    version_info: str | None = None


def _open(path: Path) -> IO[bytes]:
    """The file, decompressed on the fly when it is gzipped."""
    try:
        handle = path.open("rb")
        magic = handle.read(2)
        handle.seek(0)
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or type(error).__name__})") from None
    return gzip.GzipFile(fileobj=handle) if magic == b"\x1f\x8b" else handle  # type: ignore[return-value]


def _class(element: ElementTree.Element) -> OboClass:
    found = OboClass(element.get(f"{RDF}about", ""))
    for child in element:
        tag = child.tag
        if tag == f"{RDFS}label" and found.label is None:
            found.label = (child.text or "").strip()
        elif tag == f"{RDFS}subClassOf":
            parent = child.get(f"{RDF}resource")
            if parent:
                found.parents.append(parent)
            for restriction in child.iter(f"{OWL}Restriction"):
                prop = restriction.find(f"{OWL}onProperty")
                filler = restriction.find(f"{OWL}someValuesFrom")
                target = filler.get(f"{RDF}resource") if filler is not None else None
                if prop is not None and target:
                    found.restrictions.append((prop.get(f"{RDF}resource", ""), target))
        elif tag == f"{OWL}deprecated":
            found.deprecated = (child.text or "").strip().lower() == "true"
        elif tag.rsplit("}", 1)[-1].lower() in INCHIKEY_NAMES and found.inchikey is None:
            found.inchikey = (child.text or "").strip().removeprefix("InChIKey=")
    return found


def read_classes(path: Path, header: OboHeader | None = None) -> Iterator[OboClass]:
    """Every named ``owl:Class`` of the file, one at a time; fills ``header`` on the way."""
    depth = 0
    root: ElementTree.Element | None = None
    try:
        with _open(path) as stream:
            # expat never fetches external entities and (>= 2.4) refuses entity-expansion bombs
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):  # noqa: S314
                if event == "start":
                    depth += 1
                    root = element if root is None else root
                    continue
                depth -= 1
                if depth != 1:
                    continue  # only the children of rdf:RDF
                if element.tag == f"{OWL}Class" and element.get(f"{RDF}about"):
                    yield _class(element)
                elif element.tag == f"{OWL}Ontology" and header is not None:
                    header.iri = element.get(f"{RDF}about")
                    version = element.find(f"{OWL}versionIRI")
                    header.version_iri = version.get(f"{RDF}resource") if version is not None else None
                    info = element.find(f"{OWL}versionInfo")
                    header.version_info = (info.text or "").strip() if info is not None else None
                element.clear()
                if root is not None:
                    root.remove(element)  # the last child: constant memory however long the file
    except ElementTree.ParseError as error:
        line, column = error.position
        raise InputError(f"{path}:{line}:{column}: not well-formed RDF/XML ({error.msg})") from None
    except (OSError, EOFError) as error:
        raise InputError(f"{path}: unreadable ({type(error).__name__}: {error})") from None
