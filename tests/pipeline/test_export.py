"""Stage 5, export: asserted and inferred apart, every format, byte-identical runs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from ketrdf.errors import OutputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.export import export
from ketrdf.project import Project
from ketrdf.rdfio.files import atomic_write_chunks
from ketrdf.rdfio.formats import FORMATS
from ketrdf.rdfio.writers import serialize
from ketrdf.vocabulary import GRAPH_CONTENT, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_QUERIES, KET, KR

R, S = KR["r-ketamine"], KR["s-ketamine"]
TRIPLE_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


def parse(data: bytes, rdf_format: str) -> Graph:
    return Graph().parse(data=data, format=rdf_format)


def test_asserted_and_inferred_are_exported_apart(reasoned: KnowledgeGraph) -> None:
    # T2-antidepressant: (R) > (S) is inferred, never asserted.
    asserted = parse(serialize(reasoned, "turtle", "asserted"), "turtle")
    inferred = parse(serialize(reasoned, "turtle", "inferred"), "turtle")
    edge = (R, KET.moreAntidepressantThan, S)
    assert edge in inferred and edge not in asserted
    assert len(asserted) == len(reasoned.ontology) + len(reasoned.content) + len(reasoned.queries)
    assert len(inferred) == len(reasoned.inferred)
    assert not set(asserted) & set(inferred)


@pytest.mark.parametrize("quad_format", ["trig", "nquads"])
def test_quad_formats_name_the_four_graphs(reasoned: KnowledgeGraph, quad_format: str) -> None:
    dataset = Dataset()
    dataset.parse(data=serialize(reasoned, quad_format, "all"), format=quad_format)
    sizes = {graph.identifier: len(graph) for graph in dataset.graphs() if len(graph)}
    assert sizes == {GRAPH_ONTOLOGY: len(reasoned.ontology), GRAPH_CONTENT: len(reasoned.content),
                     GRAPH_INFERRED: len(reasoned.inferred), GRAPH_QUERIES: len(reasoned.queries)}


@pytest.mark.parametrize("name", sorted(TRIPLE_FORMATS))
def test_triple_formats_round_trip(reasoned: KnowledgeGraph, name: str) -> None:
    back = parse(serialize(reasoned, name, "all"), TRIPLE_FORMATS[name])
    assert isomorphic(back, reasoned.union())


@pytest.mark.integration  # two builds of the review in subprocesses
def test_two_builds_give_byte_identical_exports(project: Project, tmp_path: Path) -> None:
    """Every format, from two processes with different hash seeds."""
    script = (
        "import sys; from pathlib import Path\n"
        "from ketrdf import Project, export, FORMATS\n"
        "from ketrdf.pipeline.build import check_graph\n"
        "kg = check_graph(Project(Path(sys.argv[1]))).kg\n"
        "for name, (_, _, suffix) in FORMATS.items():\n"
        "    export(kg, name, Path(sys.argv[2]) / (name + suffix))\n"
    )
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(project.root), str(out)],
                       check=True, env=env)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) == len(FORMATS)
    assert outputs[0] == outputs[1]


def test_failed_export_leaves_the_old_file_and_no_temporary(
    reasoned: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old\n", encoding="utf-8")

    def broken_write(*_args: object, **_kwargs: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", broken_write)
    with pytest.raises(OutputError, match=r"cannot write \(disk full\); any previous file is unchanged"):
        export(reasoned, "turtle", target)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_a_failure_between_chunks_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """N-Triples and N-Quads are written chunk by chunk; a failure halfway loses nothing."""
    target = tmp_path / "out.nq"
    target.write_text("old\n", encoding="utf-8")

    def chunks() -> Iterator[bytes]:
        yield b"<urn:a> <urn:b> <urn:c> .\n"
        raise RuntimeError("the producer failed")

    with pytest.raises(RuntimeError, match="the producer failed"):
        atomic_write_chunks(target, chunks())
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.nq"]


def test_unknown_format_and_selection_are_refused(reasoned: KnowledgeGraph) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        serialize(reasoned, "rdfxml")
    with pytest.raises(ValueError, match="unknown graph selection"):
        serialize(reasoned, "turtle", "some")
