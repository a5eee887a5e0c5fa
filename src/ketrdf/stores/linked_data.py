"""Linked Data over a site folder written by ``ketrdf site``: IRIs resolve, with content negotiation.

The site's layout (:mod:`ketrdf.present.site`) gives the subject ``BASE + P`` the files
``P.html``, ``ja/P.html``, ``P.ttl``, ``P.nt``, ``P.jsonld`` and ``P.rdf``. A request for
``/P`` answers ``303 See Other`` to the file of the best format the ``Accept`` header
allows (HTML first when several are equally good, as a browser's ``*/*`` gives), as OBO
PURLs and w3id.org redirect: the IRI names the thing, the file describes it. ``?lang=ja``
or an ``Accept-Language`` that prefers Japanese chooses ``ja/P.html``. A request for a
file of the site is answered with the file. Nothing outside the site folder is served,
nor any dot file other than those under ``.well-known/``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

#: The formats of a subject, in the order preferred when an Accept header allows several equally.
SUBJECT_FORMATS: tuple[tuple[str, str], ...] = (
    ("text/html", ".html"),
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"),
    ("application/rdf+xml", ".rdf"),
)
#: Other names clients use for the same formats.
MEDIA_ALIASES = {"application/xhtml+xml": "text/html", "application/x-turtle": "text/turtle"}

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
    ".trig": "application/trig",
    ".nq": "application/n-quads",
    ".owl": "application/rdf+xml",
    ".json": "application/json",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".tsv": "text/tab-separated-values; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
#: Files named without a suffix: the VoID description and the query catalogue are Turtle.
NAMED_TYPES = {
    ".well-known/void": "text/turtle; charset=utf-8",
    ".well-known/sparql-examples": "text/turtle; charset=utf-8",
    "LICENSE": "text/plain; charset=utf-8",
}
JAPANESE = "ja"


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, headers and body."""

    status: int
    media: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def accepted(header: str) -> list[tuple[str, float, int]]:
    """The media ranges of an ``Accept`` header: (range, q, position), q > 0 only."""
    ranges = []
    for position, item in enumerate(header.split(",")):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if media and quality > 0:
            ranges.append((MEDIA_ALIASES.get(media, media), quality, position))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float, int]]) -> float:
    """The q of ``media`` under the most specific range that matches it (0 if none)."""
    kind = media.split("/")[0]
    best: tuple[int, float] = (-1, 0.0)
    for pattern, quality, _position in ranges:
        specificity = (2 if pattern == media else 1 if pattern == f"{kind}/*"
                       else 0 if pattern == "*/*" else -1)
        if specificity > best[0]:
            best = (specificity, quality)
    return best[1]


def negotiate(accept: str, offers: list[str]) -> str | None:
    """The offer the ``Accept`` header prefers (ties: the earlier offer); ``None`` if none is acceptable.

    No header (or an empty one) accepts anything.
    """
    if not offers:
        return None
    if not accept.strip():
        return offers[0]
    ranges = accepted(accept)
    scored = [(_quality(offer, ranges), -index, offer) for index, offer in enumerate(offers)]
    quality, _order, offer = max(scored)
    return offer if quality > 0 else None


def prefers_japanese(query: str, accept_language: str) -> bool:
    """Whether ``?lang=ja`` is asked, or Accept-Language ranks Japanese above English."""
    asked = dict(parse_qsl(query)).get("lang")
    if asked is not None:
        return asked.lower() == JAPANESE
    ranks: dict[str, float] = {}
    for item in accept_language.split(","):
        tag, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = tag.lower().split("-")[0]
        if language and language not in ranks:
            ranks[language] = quality
    return ranks.get(JAPANESE, 0.0) > ranks.get("en", 0.0)


def _servable(relative: str) -> bool:
    """Whether the site path may be served: no dot files except under ``.well-known/``."""
    parts = relative.split("/")
    hidden = [part for part in parts if part.startswith(".")]
    return not hidden or (parts[0] == ".well-known" and hidden == [".well-known"])


def _media_of(relative: str) -> str:
    if relative in NAMED_TYPES:
        return NAMED_TYPES[relative]
    return MEDIA_TYPES.get(posixpath.splitext(relative)[1], "application/octet-stream")


class Site:
    """A site folder served as Linked Data."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _file(self, relative: str) -> Path | None:
        """The regular file at ``relative`` inside the site, if there is one that may be served."""
        if not relative or not _servable(relative):
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def answer(self, target: str, accept: str = "", accept_language: str = "") -> Reply:
        """The reply to a GET of ``target`` (a request path with its query string)."""
        url = urlsplit(target)
        try:
            path = unquote(url.path, errors="strict")
        except UnicodeDecodeError:
            return self.not_found(url.path)
        normal = posixpath.normpath(path) if path.startswith("/") else ""
        if not normal or ".." in normal.split("/") or "\\" in normal or "\x00" in normal:
            return self.not_found(url.path)
        relative = normal.lstrip("/")
        if path.endswith("/") and relative:
            relative += "/"
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        found = self._file(relative)
        if found is not None:
            return Reply(200, _media_of(relative), found.read_bytes())
        return self._subject(relative, url.query, accept, accept_language)

    def _subject(self, relative: str, query: str, accept: str, accept_language: str) -> Reply:
        """303 to the file of the subject ``relative`` in the format the client prefers."""
        files = {media: relative + suffix for media, suffix in SUBJECT_FORMATS
                 if self._file(relative + suffix) is not None}
        if not files:
            return self.not_found("/" + relative)
        vary = {"Vary": "Accept, Accept-Language"}
        chosen = negotiate(accept, list(files))
        if chosen is None:
            message = f"no format of /{relative} matches the Accept header; available: {', '.join(files)}\n"
            return Reply(406, "text/plain; charset=utf-8", message.encode(), vary)
        location = files[chosen]
        japanese = f"{JAPANESE}/{location}"
        if chosen == "text/html" and prefers_japanese(query, accept_language) and self._file(japanese):
            location = japanese
        return Reply(303, "text/plain; charset=utf-8", f"See /{location}\n".encode(),
                     {"Location": "/" + quote(location), **vary})

    def not_found(self, path: str) -> Reply:
        """404 with a page that links to the site's search and index (relative to ``path``)."""
        up = "../" * max(0, path.count("/") - 1)
        page = (
            '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Not found</title></head>\n'
            f"<body>\n<h1>Not found</h1>\n<p>Nothing in this graph is at <code>{escape(path)}</code>.</p>\n"
            f'<p><a href="{up}search.html">Search the graph</a> or start from '
            f'<a href="{up}index.html">the index</a>.</p>\n</body>\n</html>\n'
        )
        return Reply(404, "text/html; charset=utf-8", page.encode())
