"""``ketrdf site``: write the whole site into a new folder, then put it in place in one step.

The site is written to a hidden folder beside the target and swapped in
(:func:`ketrdf.rdfio.files.swap_folders`), so a reader sees the old site or the new one,
never half. The same graph gives the same bytes in every file.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from rdflib import Graph, URIRef

from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph, union_copy
from ketrdf.pipeline.build import ARTEFACTS
from ketrdf.present.reader import GraphReader
from ketrdf.present.show import ClaimView
from ketrdf.present.site import diagrams, model, publish
from ketrdf.present.site.paths import LANGUAGES, RDF_SUFFIXES, page_file
from ketrdf.present.site.queryui import query_tabs, query_ui_files
from ketrdf.present.site.rdf import describe, serializations
from ketrdf.present.site.render import Page, environment, render
from ketrdf.present.vocabulary_docs import Index, read_index
from ketrdf.query.results import QueryResult
from ketrdf.query.saved import SavedQuery
from ketrdf.rdfio.files import new_folder_beside, swap_folders
from ketrdf.rdfio.writers import serialize

#: The files that mark a folder as a site ``ketrdf site`` wrote (so it may be replaced).
MARKERS = ("index.html", "search-index.json")
STATIC = ("style.css", "search.js")
DATASET_PAGE = "void"


@dataclass(frozen=True)
class SiteOptions:
    """What to write: the languages of the pages and the static host the w3id rules send readers to."""

    languages: tuple[str, ...] = LANGUAGES
    publish_base: str = publish.DEFAULT_PUBLISH_BASE


def check_output(out: Path) -> None:
    """Refuse (exit 2) an output that is a file, or a non-empty folder that is no site."""
    if not (out.exists() or out.is_symlink()):
        return
    if not out.is_dir():
        raise InputError(f"{out}: not a folder; give -o a folder to write the site into")
    if any(out.iterdir()) and not all((out / marker).is_file() for marker in MARKERS):
        raise InputError(f"{out}: not empty and not a site written by 'ketrdf site'; refusing to replace it")


def write_site(reader: GraphReader, kg: KnowledgeGraph, saved: Mapping[str, SavedQuery],
               answers: Mapping[str, QueryResult], out: Path, options: SiteOptions | None = None) -> int:
    """Write the site of ``kg`` to the folder ``out``, whole or not at all; return the number of files.

    ``answers`` holds each saved query's answer on this build (its example values), made
    by the caller through the normal query path.
    """
    check_output(out)
    files = SiteFiles(reader, kg, saved, answers, options or SiteOptions()).files()
    target = out.resolve() if out.is_symlink() else out
    staging = new_folder_beside(target)
    try:
        for name, data in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        swap_folders(staging, target)
    finally:  # the old site after a swap, or the unfinished new one: never both kept
        shutil.rmtree(staging, ignore_errors=True)
    return len(files)


class SiteFiles:
    """Every file of the site, by its path relative to the site's root."""

    def __init__(self, reader: GraphReader, kg: KnowledgeGraph, saved: Mapping[str, SavedQuery],
                 answers: Mapping[str, QueryResult], options: SiteOptions) -> None:
        self.reader, self.kg, self.saved, self.answers, self.options = reader, kg, saved, answers, options
        self.index: Index = read_index(reader)
        self.uses = model.predicate_uses(self.index)
        self.union = kg.union()
        self.env = environment()
        self.out: dict[str, bytes] = {}
        self.jsonld: dict[str, str] = {}

    def files(self) -> dict[str, bytes]:
        """Render the whole site."""
        self._static()
        self._downloads()
        self._rdf(DATASET_PAGE, union_copy([publish.dataset_description(self.kg, self._download_sizes())]))
        self._rdf("ontology", union_copy([self.kg.ontology]))
        by_lang = {lang: model.subjects(self.reader, self.index, lang) for lang in LANGUAGES}
        for subject in by_lang["en"]:
            self._rdf(subject.path, describe(self.union, URIRef(subject.iri)))
        for lang in self.options.languages:
            self._pages(by_lang[lang], lang)
        self.out["search-index.json"] = self._search_index(by_lang)
        self.out[".well-known/void"] = self.out[f"{DATASET_PAGE}.ttl"]
        self.out[".well-known/sparql-examples"] = serialize(
            KnowledgeGraph(ontology=Graph(), content=self.kg.queries), "turtle", "asserted")
        self.out[".htaccess"] = publish.htaccess(self.options.publish_base).encode("utf-8")
        self.out.update(query_ui_files(query_tabs(self.kg, self.saved.values())))
        return self.out

    def _static(self) -> None:
        for name in STATIC:
            self.out[name] = self.env.loader.get_source(self.env, name)[0].encode("utf-8")  # type: ignore[union-attr]

    def _downloads(self) -> None:
        for name, output_format, selection in ARTEFACTS:
            self.out[f"downloads/{name}"] = serialize(self.kg, output_format, selection)

    def _download_sizes(self) -> dict[str, int]:
        return {name: len(data) for name, data in sorted(self.out.items()) if name.startswith("downloads/")}

    def _rdf(self, path: str, graph: Graph) -> None:
        for suffix, data in serializations(graph).items():
            self.out[path + suffix] = data
        self.jsonld[path] = self.out[path + ".jsonld"].decode("utf-8").replace("</", "<\\/")

    def _page(self, template: str, path: str, lang: str, rdf_base: str, **context: object) -> None:
        name = page_file(path, lang)
        page = Page(name, lang, self.reader, path)
        self.out[name] = render(self.env, template, page, rdf_files=tuple(RDF_SUFFIXES.items()),
                                rdf_base=rdf_base, jsonld=_trusted(self.jsonld[rdf_base]), **context)

    def _pages(self, subjects: list[model.Subject], lang: str) -> None:
        for subject in subjects:
            if subject.path.startswith("ontology/"):
                self._page("term.html", subject.path, lang, subject.path,
                           data=model.term_page(self.reader, self.index, subject, lang, self.uses))
            elif subject.kind == "queries":
                self._query_page(subject, lang)
            else:
                self._resource_page(subject, lang)
        groups = _grouped(s for s in subjects if not s.path.startswith("ontology/"))
        terms = _grouped(s for s in subjects if s.path.startswith("ontology/"))
        page_words = Page(page_file("index", lang), lang, self.reader).words
        self._page("listing.html", "ontology", lang, "ontology", heading=model.ontology_title(
            self.index, lang).text + " · " + page_words("ontology"), groups=terms, anchors=True)
        for kind, members in groups:
            self._page("listing.html", f"list/{kind}", lang, DATASET_PAGE, heading=page_words(kind),
                       groups=[(kind, members)], anchors=False)
        events = [s for s in subjects if s.kind == "events"]
        diagrams_page = page_file("diagrams", lang)
        orderings = [(endpoint, _trusted(self._ordering(endpoint, lang, diagrams_page)))
                     for endpoint in subjects if endpoint.kind == "endpoints"]
        self._page("diagrams.html", "diagrams", lang, DATASET_PAGE,
                   orderings=[(endpoint, svg) for endpoint, svg in orderings if svg],
                   timeline=_trusted(self._timeline(events, lang, "diagrams")))
        self._page("search.html", "search", lang, DATASET_PAGE)
        self._index_page(groups, terms, lang)

    def _index_page(self, groups: list[tuple[str, list[model.Subject]]],
                    terms: list[tuple[str, list[model.Subject]]], lang: str) -> None:
        counts = [(str(name), len(graph)) for name, graph in self.kg.named_graphs().items()]
        self._page("index.html", "index", lang, DATASET_PAGE,
                   title=model.ontology_title(self.index, lang), groups=groups, terms=terms,
                   counts=counts, total=len(self.union), downloads=self._download_sizes(),
                   about=model.about(self.index, self.reader, lang))

    def _resource_page(self, subject: model.Subject, lang: str) -> None:
        data = model.resource_page(self.reader, self.index, subject, lang)
        view = data.view
        diagram = ""
        statement_texts: list[model.Text] = []
        if isinstance(view, ClaimView):
            statement_texts = [model.label_of(self.reader, s.claim.iri, lang) for s in view.statements]
            diagram = self._evidence_diagram(view, lang, page_file(subject.path, lang))
        elif subject.kind == "endpoints":
            diagram = self._ordering(subject, lang, page_file(subject.path, lang))
        claim_texts = {c.claim.iri: model.label_of(self.reader, c.claim.iri, lang)
                       for c in getattr(view, "claims", ())}
        self._page("resource.html", subject.path, lang, subject.path, data=data, diagram=_trusted(diagram),
                   statement_texts=statement_texts, claim_texts=claim_texts)

    def _query_page(self, subject: model.Subject, lang: str) -> None:
        name = subject.path.removeprefix("query/")
        saved = self.saved.get(name)
        if saved is None:  # described in the graph but not among the saved queries given
            self._resource_page(subject, lang)
            return
        result = self.answers.get(name, QueryResult((), ()))
        rows = [[self.reader.term(cell, lang) if cell is not None else None for cell in row]
                for row in result.rows]
        self._page("query.html", subject.path, lang, subject.path, data=subject, saved=saved,
                   columns=result.variables, rows=rows)

    def _box(self, iri: str, lang: str, page: str) -> diagrams.Box:
        label = model.label_of(self.reader, iri, lang)
        return diagrams.Box(iri, label.text, Page(page, lang, self.reader).href(iri),
                            label.lang if label.lang != lang else "")

    def _ordering(self, endpoint: model.Subject, lang: str, page_name: str) -> str:
        """The ordering diagram of ``endpoint`` as drawn on the page ``page_name`` ("" if it has none)."""
        edges = model.ordering_edges(self.index, URIRef(endpoint.iri))
        if not edges:
            return ""
        page = Page(page_name, lang, self.reader)
        nodes = sorted({iri for edge in edges for iri in (edge.greater, edge.lesser)})
        arrows = [diagrams.Arrow(edge.greater, edge.lesser, edge.stated,
                                 tuple(page.href(claim) for claim in edge.claims),
                                 " ".join(model.label_of(self.reader, edge.greater, lang).text.split())
                                 + " > " + model.label_of(self.reader, edge.lesser, lang).text
                                 + (f" ({', '.join(edge.claim_ids)})" if edge.claim_ids else ""))
                  for edge in edges]
        return diagrams.ordering([self._box(node, lang, page_name) for node in nodes], arrows,
                                 endpoint.label.text, f"arrow-{endpoint.path.rsplit('/', 1)[-1]}")

    def _timeline(self, events: list[model.Subject], lang: str, page_path: str) -> str:
        dated = model.event_dates(self.index, [URIRef(e.iri) for e in events])
        page_name = page_file(page_path, lang)
        return diagrams.timeline([(date, self._box(str(event), lang, page_name)) for date, event in dated],
                                 Page(page_name, lang, self.reader).words("timeline"))

    def _evidence_diagram(self, view: object, lang: str, page_name: str) -> str:
        statements = getattr(view, "statements", ())
        claims = [s.claim.iri for s in statements]
        evidence = [(s.claim.iri, e) for s in statements for e in s.evidence]
        references = sorted({r.iri for _, e in evidence for r in e.references})
        links = [(c, e.evidence.iri) for c, e in evidence]
        links += [(e.evidence.iri, r.iri) for _, e in evidence for r in e.references]
        if not evidence:
            return ""
        return diagrams.layers(
            [[self._box(c, lang, page_name) for c in claims],
             [self._box(e.evidence.iri, lang, page_name) for _, e in evidence],
             [self._box(r, lang, page_name) for r in references]],
            links, Page(page_name, lang, self.reader).words("evidence-diagram"), "arrow-evidence")

    def _search_index(self, by_lang: Mapping[str, list[model.Subject]]) -> bytes:
        japanese = {s.iri: s.label for s in by_lang["ja"]}
        entries = [{"label": s.label.text, "label_ja": japanese[s.iri].text if japanese[s.iri].lang == "ja"
                    else "", "iri": s.iri, "curie": s.curie, "path": f"{s.path}.html", "type": s.kind}
                   for s in by_lang["en"]]
        return (json.dumps(entries, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _grouped(subjects: Iterable[model.Subject]) -> list[tuple[str, list[model.Subject]]]:
    groups: dict[str, list[model.Subject]] = {}
    for subject in subjects:
        groups.setdefault(subject.kind, []).append(subject)
    return sorted((kind, sorted(members, key=lambda s: (s.label.text.lower(), s.path)))
                  for kind, members in groups.items())


def _trusted(markup: str) -> Markup:
    """Markup made by ketrdf, to go into a page as it is.

    SVG from ElementTree (which escapes every text and attribute), or JSON-LD from a
    serializer whose closing-tag sequences are escaped for a script element.
    """
    return Markup(markup)  # noqa: S704
