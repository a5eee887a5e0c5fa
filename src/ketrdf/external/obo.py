"""Stream the classes of an OBO ontology in OWL RDF/XML (plain or gzipped), in constant memory per class.

Reads the layout the OBO Foundry publishes (``owl:Class rdf:about`` elements
with ``rdfs:label``, named ``rdfs:subClassOf`` parents, ``owl:Restriction``
fillers, ``owl:deprecated`` and, for ChEBI, an InChIKey annotation), freeing
each element once read, so a file of ChEBI's size never sits in memory. The
bytes are counted as they are decompressed: at most ``KETRDF_MAX_IMPORT_MB`` in
all, and at most ``KETRDF_MAX_INPUT_MB`` for one element (a class).
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ketrdf.errors import InputError
from ketrdf.rdfio.reading import max_import_bytes, max_input_bytes, open_source
from ketrdf.vocabulary import IRI_FORBIDDEN

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


class _CountedStream:
    """A stream, refused past ``KETRDF_MAX_IMPORT_MB`` in all or ``KETRDF_MAX_INPUT_MB`` since a mark."""

    def __init__(self, stream: IO[bytes], path: Path) -> None:
        self._stream = stream
        self._path = path
        self._total_limit = max_import_bytes()
        self._element_limit = max_input_bytes()
        self._count = self._marked = 0

    def read(self, size: int = 1 << 16, /) -> bytes:
        """At most ``size`` bytes (never the whole stream at once)."""
        data = self._stream.read(size)
        self._count += len(data)
        if self._count > self._total_limit:
            raise InputError(f"{self._path}: more than {self._total_limit} bytes once decompressed "
                             "(set KETRDF_MAX_IMPORT_MB to raise the limit)")
        if self._count - self._marked > self._element_limit:
            raise InputError(f"{self._path}: an element larger than {self._element_limit} bytes "
                             "(set KETRDF_MAX_INPUT_MB to raise the limit)")
        return data

    def mark(self) -> None:
        """An element ends here: the element limit counts from this point."""
        self._marked = self._count

    def close(self) -> None:
        self._stream.close()


def _open(path: Path) -> _CountedStream:
    """The regular file ``path``, decompressed on the fly when it is gzipped, its bytes counted."""
    handle = open_source(path)
    try:
        magic = handle.read(2)
        handle.seek(0)
    except OSError as error:
        handle.close()
        raise InputError(f"{path}: cannot read ({error.strerror or type(error).__name__})") from None
    stream: IO[bytes] = gzip.GzipFile(fileobj=handle) if magic == b"\x1f\x8b" else handle  # type: ignore[assignment]
    return _CountedStream(stream, path)


def _refuse_invalid_iris(path: Path, found: OboClass) -> None:
    """Refuse a class whose IRI, or a parent's, relation's or filler's, is no IRI (a space, say)."""
    iris = [found.iri, *found.parents, *(iri for pair in found.restrictions for iri in pair)]
    for iri in iris:
        if IRI_FORBIDDEN.search(iri):
            raise InputError(f"{path}: class <{found.iri}>: invalid IRI <{iri}> "
                             "(spaces or forbidden characters)")


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
    stream = _open(path)
    try:
        # expat never fetches external entities and (>= 2.4) refuses entity-expansion bombs
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):  # noqa: S314
            if event == "start":
                depth += 1
                root = element if root is None else root
                continue
            depth -= 1
            if depth != 1:
                continue  # only the children of rdf:RDF
            stream.mark()
            if element.tag == f"{OWL}Class" and element.get(f"{RDF}about"):
                found = _class(element)
                _refuse_invalid_iris(path, found)
                yield found
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
    finally:
        stream.close()
