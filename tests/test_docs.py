"""The ontology documentation is generated, complete and committed up to date."""

from __future__ import annotations

from rdflib.namespace import OWL, RDF

from ketrdf.pipeline.docs import ontology_markdown
from ketrdf.project import Project
from ketrdf.rdfio.parse import load_file
from ketrdf.vocabulary import KET


def test_committed_docs_match_the_ontology(project: Project) -> None:
    committed = (project.root / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert committed == ontology_markdown(load_file(project.ontology_file)), \
        "run: ketrdf docs -o docs/ontology.md"


def test_docs_list_every_term_with_labels_and_definition(project: Project) -> None:
    ontology = load_file(project.ontology_file)
    page = ontology_markdown(ontology)
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    terms = {t for kind in kinds for t in ontology.subjects(RDF.type, kind) if str(t).startswith(str(KET))}
    assert len(terms) > 100
    for term in terms:
        assert f"- IRI: `{term}`" in page
    assert "- label (ja): —" not in page and "- definition: —" not in page
    assert "- property chain: `ket:hasEvidence` then `ket:citesReference`" in page
