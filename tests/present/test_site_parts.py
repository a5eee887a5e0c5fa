"""The site's parts without the review's graph: paths, links, diagrams' SVG, the output check."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ketrdf.errors import InputError
from ketrdf.present.site import diagrams
from ketrdf.present.site.paths import page_file, relative, subject_path
from ketrdf.present.site.writer import check_output

SVG = "{http://www.w3.org/2000/svg}"
BASE = "https://w3id.org/ketrdf/"


def test_each_kind_of_iri_has_its_place() -> None:
    assert subject_path(BASE + "resource/claim/ENAN-9") == "resource/claim/ENAN-9"
    assert subject_path(BASE + "query/antidepressant-ranking") == "query/antidepressant-ranking"
    assert subject_path(BASE + "ontology#NmdaReceptorAntagonist") == "ontology/NmdaReceptorAntagonist"
    assert subject_path(BASE + "ontology") == "ontology"
    assert subject_path(BASE + "query/ranking#endpoint") == "query/ranking"
    assert subject_path("http://purl.obolibrary.org/obo/CHEBI_6121") is None
    assert subject_path(BASE + "graph/content") is None
    assert subject_path(BASE + "resource/../etc") is None
    assert subject_path(BASE + "resource/a.ttl") is None


def test_links_are_relative_to_the_page() -> None:
    assert page_file("resource/claim/ENAN-9", "ja") == "ja/resource/claim/ENAN-9.html"
    assert relative("resource/claim/ENAN-9.html", "index.html") == "resource/claim/ENAN-9.html"
    assert relative("index.html", "ja/resource/claim/ENAN-9.html") == "../../../index.html"
    assert relative("resource/claim/ENAN-9.ttl", "ja/resource/claim/ENAN-9.html") == \
        "../../../resource/claim/ENAN-9.ttl"


def _ordering() -> ET.Element:
    boxes = [diagrams.Box("urn:r", "(R)", "r.html"), diagrams.Box("urn:rs", "(R,S)", "rs.html"),
             diagrams.Box("urn:s", "(S)", "s.html", lang="en")]
    arrows = [diagrams.Arrow("urn:r", "urn:rs", True, ("c1.html",), "c1"),
              diagrams.Arrow("urn:rs", "urn:s", True, ("c2.html",), "c2"),
              diagrams.Arrow("urn:r", "urn:s", False, ("c1.html", "c2.html"), "c1, c2")]
    return ET.fromstring(diagrams.ordering(boxes, arrows, "antidepressant effect", "arrow-x"))


def test_an_ordering_draws_stated_and_inferred_edges_apart() -> None:
    svg = _ordering()
    edges = {(a.get("data-from"), a.get("data-to")): a for a in svg.iter(f"{SVG}a")
             if "edge" in (a.get("class") or "").split()}
    assert set(edges) == {("urn:r", "urn:rs"), ("urn:rs", "urn:s"), ("urn:r", "urn:s")}
    assert edges[("urn:r", "urn:s")].get("class") == "edge inferred"
    assert edges[("urn:r", "urn:rs")].get("class") == "edge stated"
    dashed = {key for key, a in edges.items() if a.find(f"{SVG}path").get("stroke-dasharray")}  # type: ignore[union-attr]
    assert dashed == {("urn:r", "urn:s")}
    assert edges[("urn:rs", "urn:s")].get("href") == "c2.html"


def test_an_ordering_puts_the_greatest_first() -> None:
    svg = _ordering()
    x = {a.get("data-iri"): float(a.find(f"{SVG}rect").get("x"))  # type: ignore[union-attr, arg-type]
         for a in svg.iter(f"{SVG}a") if a.get("class") == "node"}
    assert x["urn:r"] < x["urn:rs"] < x["urn:s"]
    texts = {t.text: t.get("lang") for t in svg.iter(f"{SVG}text")}
    assert texts["(S)"] == "en" and texts["(R)"] is None


def test_a_timeline_lists_events_in_the_order_given_with_links() -> None:
    svg = ET.fromstring(diagrams.timeline(
        [("1962", diagrams.Box("urn:a", "synthesised", "a.html")),
         ("2019-03-05", diagrams.Box("urn:b", "approved <FDA>", "b.html"))], "timeline"))
    groups = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "event"]
    assert [g.get("data-date") for g in groups] == ["1962", "2019-03-05"]
    assert [a.get("href") for g in groups for a in g.iter(f"{SVG}a")] == ["a.html", "b.html"]
    assert "approved <FDA>" in {t.text for t in svg.iter(f"{SVG}text")}


def test_the_evidence_diagram_joins_claim_evidence_and_references() -> None:
    claim, evidence, ref = (diagrams.Box(f"urn:{n}", n, f"{n}.html") for n in ("claim", "ev", "ref"))
    svg = ET.fromstring(diagrams.layers([[claim], [evidence], [ref]],
                                        [("urn:claim", "urn:ev"), ("urn:ev", "urn:ref")], "evidence", "m"))
    edges = [(p.get("data-from"), p.get("data-to")) for p in svg.iter(f"{SVG}path") if p.get("data-from")]
    assert edges == [("urn:claim", "urn:ev"), ("urn:ev", "urn:ref")]


def test_a_folder_that_is_no_site_is_never_replaced(tmp_path: Path) -> None:
    check_output(tmp_path / "new")
    check_output(tmp_path)  # empty
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not a site"):
        check_output(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        check_output(tmp_path / "notes.txt")
