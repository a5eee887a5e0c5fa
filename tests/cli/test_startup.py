"""A cached ``ketrdf query run`` loads only what it uses (issue 19, lazy start-up).

On a current build the default engine reads ``build/cache.nq`` straight into Oxigraph:
no rdflib graph, no curies (nor pydantic), and no SPARQL parser, since the gate's verdicts
come from ``build/gate.json``. A damaged cache is never used.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from decimal import Decimal

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ketrdf.answer import cached_engine
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline.build import build
from ketrdf.pipeline.cache import CACHE_FILE, MANIFEST_FILE
from ketrdf.prefixes import compress, expand
from ketrdf.project import Project
from ketrdf.query.parameters import to_term
from ketrdf.query.saved import Parameter
from ketrdf.vocabulary import prefix_converter

HEAVY = ("rdflib", "curies", "pydantic", "pyparsing", "SPARQLWrapper")
PROBE = """
import runpy, sys
sys.argv = ["ketrdf", "--project", sys.argv[1], "query", "run", *sys.argv[2:]]
try:
    runpy.run_module("ketrdf", run_name="__main__")
except SystemExit as done:
    code = done.code
print(sorted({name.split(".")[0] for name in sys.modules}), code, file=sys.stderr)
"""


def _run(project: Project, *args: str) -> tuple[str, set[str]]:
    """The output of ``ketrdf query run ARGS`` in a fresh interpreter, and the packages it imported."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(project.root), *args],
                          capture_output=True, text=True, check=True, timeout=120)
    modules, code = done.stderr.strip().splitlines()[-1].rsplit(" ", 1)
    assert code in ("0", "None"), done.stderr
    return done.stdout, set(json.loads(modules.replace("'", '"')))


def test_a_cached_query_run_imports_no_rdflib_curies_pydantic_or_parser(review_build: Project) -> None:
    """Today's main read the cache into rdflib graphs and resolved CURIEs with curies."""
    output, imported = _run(review_build, "antidepressant-ranking")
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
    # T2-antidepressant: (R)-ketamine ranks above (R,S)-ketamine, which ranks above (S)-ketamine
    assert "│ 1    │ (R)-ketamine   │ 2             │ (R,S)-ketamine │" in output


def test_a_cached_tsv_run_with_a_label_imports_no_rich_either(review_build: Project) -> None:
    """The label is resolved by look-up queries on Oxigraph, whose verdicts the build kept."""
    output, imported = _run(review_build, "evidence", "-p", "claim=ENAN-9", "-p", "compound=arketamine",
                            "--format", "tsv")
    assert not imported & {*HEAVY, "rich"}, sorted(imported & {*HEAVY, "rich"})
    rows = output.splitlines()[1:]
    assert rows and all(row.startswith('"ENAN-9"') for row in rows)  # ENAN-9 is about (R)-ketamine


def _rewrite_cache(project: Project, data: bytes) -> None:
    """Replace the cache and record its hash in the manifest, as a careful tamperer would."""
    (project.build_dir / CACHE_FILE).write_bytes(data)
    manifest = json.loads((project.build_dir / MANIFEST_FILE).read_text())
    manifest["cache"]["sha256"] = hashlib.sha256(data).hexdigest()
    (project.build_dir / MANIFEST_FILE).write_text(json.dumps(manifest))


def test_a_truncated_or_tampered_cache_is_not_used(project_copy: Project) -> None:
    build(project_copy)
    said: list[str] = []
    assert cached_engine(project_copy, "rl", "fast", said.append) is not None and not said
    cache = project_copy.build_dir / CACHE_FILE
    whole = cache.read_bytes()
    cache.write_bytes(whole[: len(whole) // 2])  # truncated: its hash is not the manifest's
    assert cached_engine(project_copy, "rl", "fast", said.append) is None
    _rewrite_cache(project_copy, whole[: whole.rindex(b"\n", 0, -1) + 1])  # a statement less, hash matching
    assert cached_engine(project_copy, "rl", "fast", said.append) is None
    assert said == ["damaged build cache: building in memory"] * 2


def test_prefixes_compress_and_expand_as_curies_does(reasoned: KnowledgeGraph) -> None:
    """The plain-string CURIEs of the fast path against the curies library, on every IRI of the graph."""
    converter = prefix_converter()
    iris = {str(term) for triple in reasoned.union() for term in triple
            if isinstance(term, URIRef)}
    assert len(iris) > 500
    for iri in iris:
        assert compress(iri) == converter.compress(iri), iri
        curie = converter.compress(iri)
        if curie is not None:
            assert expand(curie) == converter.expand(curie) == iri


@pytest.mark.parametrize("value", ["1.50", ".5", "+1.", "-0.0", "007", "0.0000001", "12345678901234567890.5"])
def test_a_decimal_parameter_has_rdflibs_lexical_form(value: str) -> None:
    term = to_term(Parameter("d", type="decimal"), value)
    assert term == ox.Literal(str(Literal(value, datatype=XSD.decimal, normalize=True)),
                              datatype=ox.NamedNode(str(XSD.decimal)))
    assert Decimal(term.value) == Decimal(value)


@pytest.mark.parametrize("value", ["+5", "-007", " 3", "12345678901234567890"])
def test_an_integer_parameter_has_rdflibs_lexical_form(value: str) -> None:
    term = to_term(Parameter("n", type="integer"), value)
    assert term == ox.Literal(str(Literal(int(value), datatype=XSD.integer)),
                              datatype=ox.NamedNode(str(XSD.integer)))
