"""Stage 1, load: local files only; bad input names the file and the line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF

from ketrdf.errors import InputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.sources import load_sources
from ketrdf.project import Project
from ketrdf.rdfio.parse import load_file
from ketrdf.vocabulary import KET, KR

PREFIX = "@prefix ex: <http://example.org/> .\n"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_ontology_and_content_load_into_separate_graphs(unreasoned: KnowledgeGraph) -> None:
    assert (URIRef("https://w3id.org/ketrdf/ontology"), RDF.type, OWL.Ontology) in unreasoned.ontology
    # ENAN-1: the racemate and the two enantiomers are distinct nodes.
    assert (KR["rs-ketamine"], RDF.type, KET.Racemate) in unreasoned.content
    assert (KR["s-ketamine"], RDF.type, KET.Enantiomer) in unreasoned.content
    assert not set(unreasoned.ontology) & set(unreasoned.content)


def test_turtle_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.ttl", PREFIX + "ex:a ex:b ex:c .\nex:a ex:b \"open .\n")
    with pytest.raises(InputError, match=r"bad\.ttl:3:\d+: Turtle syntax error"):
        load_file(bad)


def test_undefined_prefix_names_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "prefix.ttl", PREFIX + "\nex:a nope:b ex:c .\n")
    with pytest.raises(InputError, match=r"prefix\.ttl:3:\d+: .*nope"):
        load_file(bad)


def test_ntriples_syntax_error_names_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.nt", "<http://a> <http://b> <http://c> .\n<http://a> <http://b .\n")
    with pytest.raises(InputError, match=r"bad\.nt:2:\d+: N-Triples syntax error"):
        load_file(bad)


def test_invalid_utf8_names_line(tmp_path: Path) -> None:
    bad = write(tmp_path / "latin1.ttl", (PREFIX + 'ex:a ex:b "caf\xe9" .\n').encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.ttl:2: not valid UTF-8"):
        load_file(bad)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    bom = write(tmp_path / "bom.ttl", b"\xef\xbb\xbf" + (PREFIX + "ex:a ex:b ex:c .\n").encode())
    assert len(load_file(bom)) == 1


def test_directory_and_unknown_suffix_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        load_file(folder)
    with pytest.raises(InputError, match="unknown RDF file type"):
        load_file(write(tmp_path / "data.xml", "<rdf/>"))


def test_remote_jsonld_context_is_refused(tmp_path: Path) -> None:
    remote = write(tmp_path / "remote.jsonld",
                   '{"@context": "https://schema.org/", "@id": "http://e/a", "name": "x"}')
    with pytest.raises(InputError, match=r"remote.*never fetches"):
        load_file(remote)


def test_inline_jsonld_context_loads(tmp_path: Path) -> None:
    inline = write(tmp_path / "inline.jsonld",
                   '{"@context": {"name": "http://e/name"}, "@id": "http://e/a", "name": "x"}')
    assert len(load_file(inline)) == 1


def test_owl_imports_without_local_file_is_refused(project_copy: Project) -> None:
    with project_copy.ontology_file.open("a", encoding="utf-8") as handle:
        handle.write("\n<https://w3id.org/ketrdf/ontology> owl:imports "
                     "<http://purl.obolibrary.org/obo/chebi.owl> .\n")
    with pytest.raises(InputError, match=re.escape(
            "owl:imports <http://purl.obolibrary.org/obo/chebi.owl> has no local file")):
        load_sources(project_copy)


def test_owl_imports_resolve_through_the_catalog(project_copy: Project) -> None:
    module = project_copy.root / "ontology" / "imports" / "extra.ttl"
    module.parent.mkdir()
    write(module, PREFIX + "ex:Extra a <http://www.w3.org/2002/07/owl#Class> .\n")
    write(project_copy.catalog_file,
          '<?xml version="1.0"?>\n<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n'
          '  <uri name="http://example.org/extra" uri="imports/extra.ttl"/>\n</catalog>\n')
    with project_copy.ontology_file.open("a", encoding="utf-8") as handle:
        handle.write("\n<https://w3id.org/ketrdf/ontology> owl:imports <http://example.org/extra> .\n")
    kg = load_sources(project_copy)
    assert (URIRef("http://example.org/Extra"), RDF.type, OWL.Class) in kg.ontology


def test_blank_node_labels_are_stable_across_loads(tmp_path: Path) -> None:
    source = write(tmp_path / "bnodes.ttl", PREFIX + "ex:a ex:b [ ex:c [ ex:d 1 ] ] .\n")
    first = sorted(str(t) for triple in load_file(source) for t in triple if isinstance(t, BNode))
    second = sorted(str(t) for triple in load_file(source) for t in triple if isinstance(t, BNode))
    assert first == second and len(set(first)) == 2


def test_blank_nodes_nest_100_deep_and_no_deeper(tmp_path: Path) -> None:
    """Oxigraph parses any depth; ketrdf stops where canonical labelling and rdflib would not cope."""
    def nested(depth: int) -> str:
        return PREFIX + "ex:a ex:p " + "[ ex:p " * depth + "1" + " ]" * depth + " .\n"

    assert len(load_file(write(tmp_path / "deep.ttl", nested(100)))) == 101
    with pytest.raises(InputError, match=r"too\.ttl: nested too deeply to parse \(blank nodes more than 100"):
        load_file(write(tmp_path / "too.ttl", nested(101)))


def test_a_long_list_is_not_nesting(tmp_path: Path) -> None:
    members = " ".join(str(number) for number in range(150))
    graph = load_file(write(tmp_path / "list.ttl", f"{PREFIX}ex:a ex:p ( {members} ) ."))
    assert len(list(graph.objects(None, RDF.first))) == 150


@pytest.mark.integration  # parses the review with both parsers
def test_oxigraph_and_rdflib_parsers_give_the_same_graph(project: Project) -> None:
    """The loader parses with Oxigraph and falls back to rdflib; both read the sources alike."""
    from rdflib import Graph, Literal
    from rdflib.compare import isomorphic
    from rdflib.namespace import XSD

    def simple(term: object) -> object:  # RDF 1.1: "x"^^xsd:string is "x"
        return Literal(str(term)) if isinstance(term, Literal) and term.datatype == XSD.string else term

    files = [project.ontology_file, *project.content_files(), *project.shape_files()]
    assert len(files) > 3
    for path in files:
        reference = Graph()
        for triple in Graph().parse(path, format="turtle"):
            reference.add(tuple(simple(term) for term in triple))  # type: ignore[arg-type]
        assert isomorphic(load_file(path), reference), path


def test_rdf_12_annotation_syntax_is_reported_as_a_syntax_error(tmp_path: Path) -> None:
    """Oxigraph reads RDF 1.2 annotations (a blank-node reifier of a triple term, with no
    ``[``, ``(`` or ``_:`` in the text); rdflib's model has no triple terms: refused by line."""
    path = write(tmp_path / "annotated.ttl", PREFIX + "ex:a ex:p ex:b {| ex:q 1 |} .\n")
    with pytest.raises(InputError, match=r"annotated\.ttl:2:\d+: Turtle syntax error"):
        load_file(path)


def test_the_content_graph_binds_ketrdfs_prefixes_whatever_its_files_declare(project_copy: Project) -> None:
    """The first content file's graph becomes the content graph (no copy): without its own prefixes."""
    first = write(project_copy.content_dir / "000-first.ttl", PREFIX + "ex:a ex:b ex:c .\n")
    assert project_copy.content_files()[0] == first
    content = load_sources(project_copy).content
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/b"), URIRef("http://example.org/c")) \
        in content
    assert "ex" not in dict(content.namespaces())
    assert dict(load_file(first).namespaces())["ex"] == URIRef("http://example.org/")
