"""HTML pages from the page data, with Jinja2 templates (autoescaped) kept as package data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ketrdf.present.reader import GraphReader, Term
from ketrdf.present.site.model import Text
from ketrdf.present.site.paths import LANGUAGES, page_file, relative, subject_path
from ketrdf.present.site.words import WORDS

CODE = re.compile(r"`([^`]+)`")


def environment() -> Environment:
    """The templates of ``ketrdf/present/site/templates``, HTML-escaped, failing on undefined names."""
    return Environment(loader=PackageLoader("ketrdf.present.site", "templates"),
                       autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class Page:
    """One HTML file being written: where it is, its language, and links from it."""

    file: str
    lang: str
    reader: GraphReader
    subject_path: str | None = None

    @property
    def other_lang(self) -> str:
        """The other language of the site."""
        return next(lang for lang in LANGUAGES if lang != self.lang)

    def words(self, key: str) -> str:
        """The site's words for ``key`` in the page's language."""
        return WORDS[self.lang][key]

    def root(self, target: str) -> str:
        """A link to a file of the site that is the same in every language (``downloads/...``)."""
        return relative(target, self.file)

    def page(self, path: str, lang: str | None = None) -> str:
        """A link to the page at ``path`` (no suffix) in ``lang`` (default: this page's)."""
        return relative(page_file(path, lang or self.lang), self.file)

    def translation(self) -> str:
        """A link to this page in the other language."""
        base = self.file.removeprefix("ja/").removesuffix(".html")
        return relative(page_file(base, self.other_lang), self.file)

    def href(self, iri: str) -> str:
        """A link to ``iri``: its page in the site, else the IRI itself."""
        path = subject_path(iri)
        if path is not None and path.startswith("ontology/") and "#" in iri:
            return self.page(path)
        return self.page(path) if path is not None else iri

    def text(self, text: Text) -> Markup:
        """Words, marked with their language when it is not the page's."""
        if text.lang and text.lang != self.lang:  # escape() and concatenation: Markup.format is slow
            return Markup('<span lang="') + escape(text.lang) + Markup('">') + escape(text.text) \
                + Markup("</span>")
        return escape(text.text)

    def label_lang(self, term: Term) -> str:
        """The language of ``term``'s label ("" for a CURIE or a literal's text)."""
        labels = self.reader.labels.get(term.iri, {}) if term.iri else {}
        return next((lang for lang in (self.lang, "en", "") if labels.get(lang) == term.label), "")

    def term(self, term: Term) -> Markup:
        """A term as a link to its page (or its IRI), its label marked with its language."""
        words = self.text(Text(term.label, self.label_lang(term)))
        if not term.iri:
            return words
        return Markup('<a href="') + escape(self.href(term.iri)) + Markup('" title="') + escape(term.curie) \
            + Markup('">') + words + Markup("</a>")

    def code(self, text: str) -> Markup:
        """Words with `curie` parts (the vocabulary reference's style) as links to the terms."""
        out = Markup("")
        for number, part in enumerate(CODE.split(text)):
            if number % 2:
                iri = self.reader.converter.expand(part) or part
                out += Markup('<a href="{}"><code>{}</code></a>').format(self.href(iri), part)
            else:
                out += escape(part)
        return out


def render(env: Environment, template: str, page: Page, **context: Any) -> bytes:
    """The page ``template`` rendered for ``page``, as UTF-8."""
    return env.get_template(template).render(page=page, words=page.words, **context).encode("utf-8")
