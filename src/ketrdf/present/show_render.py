"""Renderings of ``ketrdf show``'s views: plain text, Markdown and JSON.

Text and Markdown share one outline of each view (sections of labelled lines); JSON is
the view's data as it is. Each rendering of the same view is the same text every time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import NamedTuple

from ketrdf.present.reader import Term
from ketrdf.present.show import ClaimView, Fact, ReferenceView, Statement, View

SHOW_FORMATS = ("text", "markdown", "json")
NONE = "—"

Words = Callable[[Term], str]


class Section(NamedTuple):
    """A heading and its labelled lines (a line may hold several values)."""

    title: str
    lines: list[tuple[str, list[str]]]


def _text_term(term: Term) -> str:
    if not term.curie or term.label == term.curie:
        return term.curie or term.label
    return f"{term.label} ({term.curie})"


def _markdown_term(term: Term) -> str:
    if not term.curie:
        return term.label
    return f"`{term.curie}`" if term.label == term.curie else f"{term.label} (`{term.curie}`)"


def _link(url: str, markdown: bool) -> str:
    return f"<{url}>" if markdown else url


def _fact(fact: Fact, words: Words) -> str:
    return f"{fact.property.label}: {words(fact.value)}" + (" (inferred)" if fact.inferred else "")


def _reference_line(ref: ReferenceView, markdown: bool) -> str:
    number = f"[{ref.number}] " if ref.number else ""
    parts = [f"{number}{ref.first_author or ref.reference.label}", ref.year, ref.title, ref.journal]
    links = [f"{link.curie} {_link(link.label, markdown)}" for link in ref.links]
    return ". ".join(part.rstrip(".") for part in parts if part) + (f". {'; '.join(links)}" if links else "")


def _statement_section(statement: Statement, words: Words, markdown: bool) -> Section:
    proposer = [words(t) for t in statement.attribution] or ["not the author's own (no proposer)"]
    evidence = []
    for item in statement.evidence:
        designs = ", ".join(words(t) for t in item.designs)
        details = "; ".join(_fact(f, words) for f in item.facts)
        refs = ", ".join(words(t) for t in item.references)
        evidence.append(f"{words(item.evidence)}: {designs}" + (f"; {details}" if details else "")
                        + (f"; cites {refs}" if refs else ""))
    derived = [_fact(f, words) for f in statement.derived]
    derived += [f"{words(s)} {p.label} {words(o)} (inferred)" for s, p, o in statement.derived_between]
    lines: list[tuple[str, list[str]]] = [
        ("kind", [words(t) for t in statement.kinds]),
        ("says", [statement.says or NONE]),
        ("in parts", [_fact(f, words) for f in statement.parts]),
        ("about", [words(t) for t in statement.about]),
        ("status", [words(t) for t in statement.status]),
        ("whose view", proposer),
        ("stated in", [words(t) for t in statement.stated_in]),
        ("evidence", evidence),
        ("based on", [words(t) for t in statement.based_on]),
        ("derived by reasoning", derived),
    ]
    return Section(statement.claim.curie, lines)


def _reference_sections(refs: tuple[ReferenceView, ...], markdown: bool) -> list[Section]:
    if not refs:
        return []
    return [Section("References", [("", [_reference_line(ref, markdown)]) for ref in refs])]


def _outline(view: View, markdown: bool) -> tuple[str, list[Section]]:
    words = _markdown_term if markdown else _text_term
    if isinstance(view, ClaimView):
        title = f"Claim {view.claim_id}: {len(view.statements)} claim node(s)"
        sections = [_statement_section(s, words, markdown) for s in view.statements]
        return title, sections + _reference_sections(view.references, markdown)
    about = [
        ("types", [words(t) for t in view.types]),
        ("names", [_fact(f, words) for f in view.names]),
        ("identifiers", [_fact(f, words) for f in view.identifiers]),
    ]
    sections = [Section("What the graph says of it", [(fact.property.label, [
        words(fact.value) + (" (inferred)" if fact.inferred else "")]) for fact in view.facts])]
    claims = [(m.claim_id, [f"{words(m.claim)}; through {', '.join(t.label for t in m.via)}"])
              for m in view.claims]
    sections.append(Section(f"Claims that involve it ({len(view.claims)})", claims))
    refs = _reference_sections((view.reference,), markdown) if view.reference else []
    return words(view.entity), [Section("", about), *refs, *sections]


def to_text(view: View) -> str:
    """The view as plain text: a title, then indented sections of labelled lines."""
    title, sections = _outline(view, markdown=False)
    out = [title, "=" * len(title)]
    for section in sections:
        if section.title:
            out += ["", section.title]
        for label, values in section.lines:
            for number, value in enumerate(values or [NONE]):
                head = f"{label}:" if label and number == 0 else ""
                out.append(f"  {head:<22}{value}" if label else f"  {value}")
    return "\n".join(out) + "\n"


def to_markdown(view: View) -> str:
    """The view as Markdown: a heading per section, a bullet per line."""
    title, sections = _outline(view, markdown=True)
    out = [f"# {title}"]
    for section in sections:
        out.append("")
        if section.title:
            out += [f"## {section.title}", ""]
        for label, values in section.lines:
            shown = values or [NONE]
            if not label:
                out += [f"- {value}" for value in shown]
            elif len(shown) == 1:
                out.append(f"- **{label}**: {shown[0]}")
            else:
                out += [f"- **{label}**:", *(f"  - {value}" for value in shown)]
    return "\n".join(out) + "\n"


def to_json(view: View) -> str:
    """The view's data as JSON (UTF-8 text, keys in the order of the dataclasses)."""
    return json.dumps(asdict(view), ensure_ascii=False, indent=2) + "\n"


def render_view(view: View, output_format: str) -> str:
    """``view`` in ``output_format`` (one of :data:`SHOW_FORMATS`)."""
    renderers = {"text": to_text, "markdown": to_markdown, "json": to_json}
    return renderers[output_format](view)

