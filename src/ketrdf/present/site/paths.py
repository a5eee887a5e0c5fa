"""Where each subject's page and files sit in the site, and relative links between them."""

from __future__ import annotations

import posixpath
from functools import cache

from ketrdf.vocabulary import BASE, KET, ONTOLOGY_IRI

LANGUAGES = ("en", "ja")
#: The subjects under these paths of ``BASE`` get pages of their own.
PAGE_SPACES = ("resource/", "query/")
#: The RDF files written for every subject: suffix -> media type.
RDF_SUFFIXES = {".ttl": "text/turtle", ".jsonld": "application/ld+json",
                ".nt": "application/n-triples", ".rdf": "application/rdf+xml"}


@cache
def subject_path(iri: str) -> str | None:
    """The site path of ``iri``'s files without suffix (``resource/claim/ENAN-9``), None if it has no page.

    Ontology terms (``BASE + "ontology#Name"``) sit at ``ontology/Name``; a hash IRI under a
    page space sits at its document's path.
    """
    if iri == str(ONTOLOGY_IRI):
        return "ontology"
    if iri.startswith(str(KET)):
        name = iri[len(str(KET)):]
        return f"ontology/{name}" if _safe(name) else None
    if not iri.startswith(BASE):
        return None
    path = iri[len(BASE):].split("#", 1)[0]
    if not path.startswith(PAGE_SPACES) or not all(_safe(part) for part in path.split("/")):
        return None
    return path


def _safe(segment: str) -> bool:
    """A path segment that a static host serves as itself and a rewrite rule tells from a file name.

    Letters, digits, ``-`` and ``_`` only: no dot (``P.ttl`` is a file), nothing to escape.
    """
    return bool(segment) and all(char.isascii() and (char.isalnum() or char in "-_") for char in segment)


def page_file(path: str, lang: str) -> str:
    """The HTML file of the page at ``path`` in ``lang`` (Japanese pages under ``ja/``)."""
    return f"{path}.html" if lang == "en" else f"ja/{path}.html"


@cache
def relative(target: str, page: str) -> str:
    """A link from the file ``page`` to the file ``target``, both relative to the site root.

    Remembered: the pages link the same files again and again.
    """
    return posixpath.relpath(target, posixpath.dirname(page) or ".")
