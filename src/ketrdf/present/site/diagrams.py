"""Diagrams as inline SVG (no JavaScript): orderings, the timeline of events, a claim's evidence.

Each diagram is built as an element tree (:mod:`xml.etree.ElementTree`, which escapes
text) with a hand-made layout, so nothing beyond Python is needed. Every node and edge
is an ``<a>`` to the page behind it; edges carry ``class="edge stated"`` or
``class="edge inferred"`` and ``data-from`` / ``data-to`` (the nodes' IRIs).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

SVG = "http://www.w3.org/2000/svg"
FONT_SIZE = 13
BOX_HEIGHT = 28
COLUMN_GAP = 70
ROW_GAP = 22
MARGIN = 16


@dataclass(frozen=True)
class Box:
    """A node of a diagram: its IRI, its words (and their language) and the link to its page."""

    iri: str
    label: str
    href: str
    lang: str = ""


@dataclass(frozen=True)
class Arrow:
    """An edge from ``source`` to ``target`` (IRIs), stated or inferred, with the pages behind it."""

    source: str
    target: str
    stated: bool
    hrefs: tuple[str, ...]
    title: str


def text_width(text: str) -> float:
    """A width for ``text`` at :data:`FONT_SIZE`: wide characters (CJK) count double."""
    return sum(FONT_SIZE if ord(char) > 0x2E80 else FONT_SIZE * 0.6 for char in text)


def _svg(width: float, height: float, title: str, css_class: str) -> ET.Element:
    svg = ET.Element("svg", {"xmlns": SVG, "class": f"diagram {css_class}", "role": "img",
                             "width": f"{width:.0f}", "height": f"{height:.0f}",
                             "viewBox": f"0 0 {width:.0f} {height:.0f}"})
    ET.SubElement(svg, "title").text = title
    return svg


def _marker(svg: ET.Element, marker_id: str) -> None:
    defs = ET.SubElement(svg, "defs")
    marker = ET.SubElement(defs, "marker", {"id": marker_id, "viewBox": "0 0 10 10", "refX": "10",
                                            "refY": "5", "markerWidth": "8", "markerHeight": "8",
                                            "orient": "auto-start-reverse"})
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "class": "arrowhead"})


def _box(parent: ET.Element, box: Box, x: float, y: float, width: float) -> None:
    link = ET.SubElement(parent, "a", {"href": box.href, "class": "node", "data-iri": box.iri})
    ET.SubElement(link, "title").text = box.label
    ET.SubElement(link, "rect", {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": f"{width:.1f}",
                                 "height": str(BOX_HEIGHT), "rx": "6"})
    text = ET.SubElement(link, "text", {"x": f"{x + width / 2:.1f}", "y": f"{y + BOX_HEIGHT / 2 + 4:.1f}",
                                        "text-anchor": "middle"})
    if box.lang:
        text.set("lang", box.lang)
    text.text = box.label


def _serialize(svg: ET.Element) -> str:
    return ET.tostring(svg, encoding="unicode")


def ranks(boxes: Sequence[Box], arrows: Sequence[Arrow]) -> dict[str, int]:
    """Each node's rank: 0 plus the number of nodes above it (as the ranking queries count)."""
    above: dict[str, set[str]] = {box.iri: set() for box in boxes}
    for arrow in arrows:
        if arrow.source != arrow.target:
            above.setdefault(arrow.target, set()).add(arrow.source)
    return {iri: len(sources) for iri, sources in above.items()}


def ordering(boxes: Sequence[Box], arrows: Sequence[Arrow], title: str, marker_id: str) -> str:
    """An ordering drawn left (greatest) to right: stated edges solid, inferred ones dashed arcs."""
    rank = ranks(boxes, arrows)
    columns: dict[int, list[Box]] = {}
    for box in sorted(boxes, key=lambda b: (rank[b.iri], b.label, b.iri)):
        columns.setdefault(rank[box.iri], []).append(box)
    widths = {box.iri: text_width(box.label) + 20 for box in boxes}
    column_width = {r: max(widths[b.iri] for b in members) for r, members in columns.items()}
    xs: dict[int, float] = {}
    x = float(MARGIN)
    for r in sorted(columns):
        xs[r] = x
        x += column_width[r] + COLUMN_GAP
    arcs = sum(1 for a in arrows if not _adjacent(rank, a))
    top = MARGIN + 24 + 14 * arcs
    height = top + max(len(m) for m in columns.values()) * (BOX_HEIGHT + ROW_GAP) + MARGIN if columns else 60
    svg = _svg(max(x - COLUMN_GAP + MARGIN, 200), height, title, "ordering")
    _marker(svg, marker_id)
    place: dict[str, tuple[float, float, float]] = {}
    for r, members in columns.items():
        for row, box in enumerate(members):
            place[box.iri] = (xs[r] + (column_width[r] - widths[box.iri]) / 2,
                              top + row * (BOX_HEIGHT + ROW_GAP), widths[box.iri])
    edges = ET.SubElement(svg, "g", {"class": "edges"})
    lift = 0
    for arrow in sorted(arrows, key=lambda a: (not a.stated, rank[a.target] - rank[a.source],
                                               a.source, a.target)):
        if arrow.source not in place or arrow.target not in place:
            continue
        sx, sy, sw = place[arrow.source]
        tx, ty, _tw = place[arrow.target]
        if _adjacent(rank, arrow) and sy == ty:
            d = f"M {sx + sw:.1f} {sy + BOX_HEIGHT / 2:.1f} L {tx:.1f} {ty + BOX_HEIGHT / 2:.1f}"
        else:
            lift += 1
            peak = top - 10 - 14 * lift
            d = (f"M {sx + sw / 2:.1f} {sy:.1f} C {sx + sw / 2:.1f} {peak:.1f} "
                 f"{tx + 10:.1f} {peak:.1f} {tx + 10:.1f} {ty:.1f}")
        kind = "stated" if arrow.stated else "inferred"
        link = ET.SubElement(edges, "a", {"class": f"edge {kind}", "data-from": arrow.source,
                                          "data-to": arrow.target,
                                          "href": arrow.hrefs[0] if arrow.hrefs else "#"})
        ET.SubElement(link, "title").text = arrow.title
        style = {"stroke": "#333"} if arrow.stated else {"stroke": "#999", "stroke-dasharray": "6 4"}
        ET.SubElement(link, "path", {"d": d, "marker-end": f"url(#{marker_id})", "fill": "none", **style})
    nodes = ET.SubElement(svg, "g", {"class": "nodes"})
    for box in sorted(boxes, key=lambda b: b.iri):
        bx, by, bw = place[box.iri]
        _box(nodes, box, bx, by, bw)
    return _serialize(svg)


def _adjacent(rank: dict[str, int], arrow: Arrow) -> bool:
    return rank[arrow.target] - rank[arrow.source] == 1


def timeline(events: Sequence[tuple[str, Box]], title: str) -> str:
    """Dated events down a vertical line, earliest first; each label links to the event's page."""
    row = BOX_HEIGHT + 6
    date_width = max((text_width(date) for date, _ in events), default=40) + 10
    label_width = max((text_width(box.label) for _, box in events), default=100)
    width = MARGIN * 2 + date_width + 30 + label_width
    svg = _svg(width, MARGIN * 2 + row * max(len(events), 1), title, "timeline")
    axis = MARGIN + date_width + 10
    ET.SubElement(svg, "line", {"class": "axis", "x1": f"{axis:.1f}", "y1": str(MARGIN),
                                "x2": f"{axis:.1f}", "y2": f"{MARGIN + row * len(events):.1f}"})
    for number, (date, box) in enumerate(events):
        y = MARGIN + row * number + row / 2
        group = ET.SubElement(svg, "g", {"class": "event", "data-date": date})
        ET.SubElement(group, "text", {"x": f"{axis - 10:.1f}", "y": f"{y + 4:.1f}",
                                      "text-anchor": "end", "class": "date"}).text = date
        ET.SubElement(group, "circle", {"cx": f"{axis:.1f}", "cy": f"{y:.1f}", "r": "5"})
        link = ET.SubElement(group, "a", {"href": box.href, "class": "node", "data-iri": box.iri})
        text = ET.SubElement(link, "text", {"x": f"{axis + 14:.1f}", "y": f"{y + 4:.1f}"})
        if box.lang:
            text.set("lang", box.lang)
        text.text = box.label
    return _serialize(svg)


def layers(columns: Sequence[Sequence[Box]], links: Sequence[tuple[str, str]], title: str,
           marker_id: str) -> str:
    """Boxes in columns (a claim, its evidence, their references) joined left to right by arrows."""
    widths = [max((text_width(b.label) + 20 for b in column), default=0) for column in columns]
    height = MARGIN * 2 + max((len(c) for c in columns), default=1) * (BOX_HEIGHT + ROW_GAP)
    width = MARGIN * 2 + sum(widths) + COLUMN_GAP * max(len(columns) - 1, 0)
    svg = _svg(width, height, title, "evidence")
    _marker(svg, marker_id)
    place: dict[str, tuple[float, float, float]] = {}
    x = float(MARGIN)
    for column, column_width in zip(columns, widths, strict=True):
        for row, box in enumerate(column):
            w = text_width(box.label) + 20
            place.setdefault(box.iri, (x + (column_width - w) / 2, MARGIN + row * (BOX_HEIGHT + ROW_GAP), w))
        x += column_width + COLUMN_GAP
    edges = ET.SubElement(svg, "g", {"class": "edges"})
    for source, target in links:
        if source in place and target in place:
            sx, sy, sw = place[source]
            tx, ty, _ = place[target]
            ET.SubElement(edges, "path", {
                "class": "edge stated", "data-from": source, "data-to": target, "fill": "none",
                "marker-end": f"url(#{marker_id})",
                "d": f"M {sx + sw:.1f} {sy + BOX_HEIGHT / 2:.1f} L {tx:.1f} {ty + BOX_HEIGHT / 2:.1f}"})
    nodes = ET.SubElement(svg, "g", {"class": "nodes"})
    drawn: set[str] = set()
    for column in columns:
        for box in column:
            if box.iri not in drawn:
                drawn.add(box.iri)
                bx, by, bw = place[box.iri]
                _box(nodes, box, bx, by, bw)
    return _serialize(svg)
