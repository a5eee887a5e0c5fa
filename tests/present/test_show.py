"""``ketrdf show``: one view of a claim id or a thing (issue 16, acceptance 4).

Expected facts come from the review (the digest's claim ids, the Japanese text and its
reference list), never from the command's own output.
"""

from __future__ import annotations

import csv
import json

from click.testing import CliRunner

from ketrdf.cli import main
from ketrdf.present.reader import GraphReader
from ketrdf.present.show import ClaimView, EntityView, resolve
from ketrdf.present.show_render import render_view
from ketrdf.project import Project
from ketrdf.vocabulary import KET, KR


def claim(reader: GraphReader, identifier: str, lang: str = "en") -> ClaimView:
    view = resolve(reader, identifier, lang)
    assert isinstance(view, ClaimView)
    return view


def entity(reader: GraphReader, identifier: str, lang: str = "en") -> EntityView:
    view = resolve(reader, identifier, lang)
    assert isinstance(view, EntityView)
    return view


def test_enan_14_says_which_forms_raised_place_preference(reader: GraphReader) -> None:
    # ENAN-14: in the conditioned place preference test the racemate and (S)-ketamine
    # raised place preference (a sign of dependence); (R)-ketamine did not.
    view = claim(reader, "ENAN-14")
    outcome = {}
    for statement in view.statements:
        parts = {part.property.iri: part.value.iri for part in statement.parts}
        assert "place preference" in statement.says
        outcome[parts[str(KET.agent)]] = parts[str(KET.polarity)]
    assert outcome == {str(KR["rs-ketamine"]): str(KET.Affirms), str(KR["s-ketamine"]): str(KET.Affirms),
                       str(KR["r-ketamine"]): str(KET.NoEffectObserved)}


def test_enan_14_gives_status_section_evidence_and_references(reader: GraphReader) -> None:
    # ENAN-14 reports the results of animal studies (a finding, not the author's view) in
    # section III (the enantiomers), and cites the review's references 2 and 28: Chang
    # et al. 2019 and Yang et al. 2015 in its reference list.
    view = claim(reader, "ENAN-14")
    for statement in view.statements:
        assert [t.iri for t in statement.status] == [str(KET.Finding)]
        assert statement.attribution == ()
        assert [t.iri for t in statement.stated_in] == [str(KR["hashimoto-2020-section-III"])]
        (evidence,) = statement.evidence
        assert any("place preference" in fact.value.label for fact in evidence.facts)
        assert any(t.iri == str(KET.AnimalModelStudy) for t in evidence.designs)
        derived = {(f.property.iri, f.value.curie) for f in statement.derived}
        assert {(str(KET.cites), "ref:2"), (str(KET.cites), "ref:28")} <= derived  # the property chain
    refs = [(r.number, r.first_author.split(",")[0], r.year) for r in view.references]
    assert refs == [("2", "Chang", "2019"), ("28", "Yang", "2015")]


def test_enan_11_is_the_authors_inference_based_on_enan_2_and_enan_9(reader: GraphReader) -> None:
    # ENAN-11 draws its conclusion from the 3-4-fold affinity (ENAN-2) and the stronger
    # antidepressant effect of (R) (ENAN-9): the author's own inference.
    (statement,) = claim(reader, "ENAN-11").statements
    assert {t.curie for t in statement.based_on} == {"claim:ENAN-2", "claim:ENAN-9"}
    assert [t.iri for t in statement.attribution] == [str(KR["kenji-hashimoto"])]


def test_arketamine_view_lists_identifiers_and_the_claims_about_r_ketamine(
    reader: GraphReader, project: Project,
) -> None:
    view = entity(reader, "arketamine")
    assert view.entity.iri == str(KR["r-ketamine"])
    # every identifier the mapping table gives (R)-ketamine, and not the racemate's ChEBI class
    with project.mappings_file.open(encoding="utf-8") as table:
        rows = [row for row in csv.DictReader((line for line in table if not line.startswith("#")),
                                              delimiter="\t")]
    expected = {row["object_id"] for row in rows
                if row["subject_id"] == "kr:r-ketamine" and row["object_id"] != "sssom:NoTermFound"}
    listed = {fact.value.curie for fact in view.identifiers}
    assert expected and expected <= listed
    racemate = {row["object_id"] for row in rows if row["subject_id"] == "kr:rs-ketamine"}
    assert not racemate & listed
    # ENAN-2 (affinity), ENAN-9 (stronger antidepressant), ENAN-14 (no place preference),
    # NMDA-3 (a different fMRI pattern) and CONC-5 (the Brazilian patients) are about (R)-ketamine
    ids = {mention.claim_id for mention in view.claims}
    assert {"ENAN-2", "ENAN-9", "ENAN-14", "NMDA-3", "CONC-5"} <= ids
    assert "HIST-1" not in ids


def test_a_japanese_label_finds_the_same_thing_and_lang_ja_shows_japanese(reader: GraphReader) -> None:
    # The review's Japanese text writes (R)-ketamine in katakana (ケタミン); its common name is アルケタミン.
    view = entity(reader, "アルケタミン", lang="ja")
    assert view.entity.iri == str(KR["r-ketamine"])
    assert "ケタミン" in view.entity.label


def test_a_reference_shows_its_bibliography_and_the_claims_citing_it(reader: GraphReader) -> None:
    # Reference 28 (Yang et al. 2015) is cited for ENAN-9, ENAN-12 and ENAN-14.
    view = entity(reader, "ref:28")
    assert view.reference is not None and view.reference.number == "28"
    assert view.reference.year == "2015"
    assert {"ENAN-9", "ENAN-12", "ENAN-14"} <= {m.claim_id for m in view.claims}


def test_a_claim_node_iri_gives_the_view_of_its_claim_id(reader: GraphReader) -> None:
    assert claim(reader, "claim:ENAN-14-r-place-preference").claim_id == "ENAN-14"


def test_renderings(reader: GraphReader) -> None:
    view = resolve(reader, "ENAN-14")
    text = render_view(view, "text")
    assert "[2] Chang" in text and "[28] Yang" in text and "Section III" in text
    assert render_view(view, "markdown").startswith("# Claim ENAN-14")
    data = json.loads(render_view(view, "json"))
    assert data["claim_id"] == "ENAN-14" and len(data["statements"]) == 3
    assert render_view(view, "text") == text


def test_cli_show_and_unknown_id(review_build: Project) -> None:
    runner = CliRunner()
    shown = runner.invoke(main, ["--project", str(review_build.root), "--quiet", "show", "ENAN-14"])
    assert shown.exit_code == 0, shown.output
    assert "[28] Yang" in shown.stdout
    unknown = runner.invoke(main, ["--project", str(review_build.root), "--quiet", "show", "ENAN-99"])
    assert unknown.exit_code == 2
    assert "ENAN-99" in unknown.stderr and "close matches:" in unknown.stderr and "ENAN-9" in unknown.stderr
