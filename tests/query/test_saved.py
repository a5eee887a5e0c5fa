"""Stage 4, query: saved queries with headers; parameters bound, never pasted."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ketrdf.engines.rdflib_sparql import RdflibEngine, run_saved_query, run_sparql
from ketrdf.errors import InputError, QueryError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.query.parameters import bind_parameters, expand_iri
from ketrdf.query.saved import SavedQuery, find_query, load_saved_queries, read_saved_query
from ketrdf.vocabulary import KR


@pytest.fixture(scope="module")
def saved_queries(project: Project) -> dict[str, SavedQuery]:
    return load_saved_queries(project.queries_dir)


def ranking_rows(graph: Graph, saved_queries: dict[str, SavedQuery],
                 lang: str = "en") -> list[dict[str, str]]:
    result = run_saved_query(graph, saved_queries["antidepressant-ranking"], {"lang": lang})
    return [
        {var: ("" if term is None else str(term)) for var, term in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]


CATALOGUE = {
    "antidepressant-ranking",
    "side-effect-ranking",
    "nmda-affinity",
    "adverse-effects-by-form",
    "evidence",
    "current-vs-ketamine",
    "nmda-antagonists-without-efficacy",
    "regulatory-status",
    "timeline",
    "studies-by-species",
    "imaging-evidence",
    "non-nmda-mechanisms",
    "compare",
}


def test_every_saved_query_has_a_header_and_runs_on_its_example(reasoned_union: Graph,
                                                                saved_queries: dict[str, SavedQuery]) -> None:
    assert set(saved_queries) >= CATALOGUE
    for saved in saved_queries.values():
        assert saved.title and saved.question, saved.name
        required = {p.name for p in saved.params if p.required}
        assert required <= set(saved.example), f"{saved.name}: its example lacks {required}"
        rows = run_saved_query(reasoned_union, saved, saved.example).rows
        # queries over import modules answer once a module is extracted (tests/external/test_obo_link.py)
        assert rows or "imports" in saved.tags, saved.name


def test_t2_antidepressant_ranking_r_first_s_last(reasoned_union: Graph,
                                                  saved_queries: dict[str, SavedQuery]) -> None:
    # T2-antidepressant: (R)-ketamine > (R,S)-ketamine > (S)-ketamine.
    rows = ranking_rows(reasoned_union, saved_queries)
    pairs = [(row["superior_label"], row["inferior_label"]) for row in rows]
    assert pairs == [
        ("(R)-ketamine", "(R,S)-ketamine"),
        ("(R)-ketamine", "(S)-ketamine"),
        ("(R,S)-ketamine", "(S)-ketamine"),
    ]
    ranks = {row["superior_label"]: row["rank"] for row in rows}
    ranks |= {row["inferior_label"]: row["inferior_rank"] for row in rows}
    assert ranks == {"(R)-ketamine": "1", "(R,S)-ketamine": "2", "(S)-ketamine": "3"}


def test_r_over_s_is_inferred_from_table_2_and_stated_by_enan_9_and_17(
        reasoned_union: Graph, saved_queries: dict[str, SavedQuery]) -> None:
    rows = {(r["superior"], r["inferior"]): r for r in ranking_rows(reasoned_union, saved_queries)}
    r_over_s = rows[(str(KR["r-ketamine"]), str(KR["s-ketamine"]))]
    assert r_over_s["basis"] == "stated and inferred"
    assert {"ENAN-9", "ENAN-17"} <= set(r_over_s["stated_by"].split(", "))
    assert r_over_s["inferred_via"] == "(R,S)-ketamine"
    r_over_rs = rows[(str(KR["r-ketamine"]), str(KR["rs-ketamine"]))]
    assert (r_over_rs["basis"], r_over_rs["stated_by"]) == ("stated", "T2-antidepressant")


def test_ranking_is_empty_without_reasoning(
    saved_queries: dict[str, SavedQuery], unreasoned: KnowledgeGraph
) -> None:
    assert ranking_rows(unreasoned.union(), saved_queries) == []


def test_ranking_in_japanese(reasoned_union: Graph, saved_queries: dict[str, SavedQuery]) -> None:
    rows = ranking_rows(reasoned_union, saved_queries, lang="ja")
    assert rows[0]["superior_label"] == "(R)-ケタミン"


def test_evidence_for_enan_9_lists_its_five_references(reasoned_union: Graph,
                                                       saved_queries: dict[str, SavedQuery]) -> None:
    # ENAN-9 cites references 28, 30, 31, 32 and 35, from animal models of depression; the
    # review names no species for them.
    result = run_saved_query(reasoned_union, saved_queries["evidence"], {"claim": "ENAN-9"})
    index = {var: i for i, var in enumerate(result.variables)}
    numbers = sorted(int(str(row[index["reference_number"]])) for row in result.rows)
    assert numbers == [28, 30, 31, 32, 35]
    assert {str(row[index["design_label"]]) for row in result.rows} == {"animal model study"}
    assert {str(row[index["taxon_label"]]) for row in result.rows} == {"animals (species not stated)"}


def test_unknown_query_lists_the_valid_names(saved_queries: dict[str, SavedQuery]) -> None:
    with pytest.raises(InputError, match=r"unknown query 'nope'; saved queries: .*antidepressant-ranking"):
        find_query(saved_queries, "nope")


def test_missing_and_unknown_parameters_list_the_parameters(reasoned_union: Graph,
                                                            saved_queries: dict[str, SavedQuery]) -> None:
    with pytest.raises(
        InputError, match=r"needs parameter 'a'; parameters: a \(ket:ChemicalEntity, required\)"
    ):
        run_saved_query(reasoned_union, saved_queries["compare"], {})
    with pytest.raises(InputError, match="has no parameter 'colour'"):
        run_saved_query(reasoned_union, saved_queries["evidence"], {"claim": "ENAN-9", "colour": "red"})


INJECTIONS = [
    'ENAN-9") } UNION { ?s ?p ?o } #',
    "ENAN-9' . ?x ?y ?z . FILTER('",
    "}} DROP ALL",
    '"""; \n SELECT * WHERE { ?s ?p ?o }',
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_parameter_values_are_bound_not_pasted(tmp_path: Path, value: str) -> None:
    echo = tmp_path / "echo.rq"
    echo.write_text(
        "#+ title: echo\n#+ question: echo the value\n#+ params:\n"
        "#+   text: {type: string, required: true}\n"
        "SELECT ?out WHERE { BIND (?text AS ?out) }\n",
        encoding="utf-8",
    )
    result = run_saved_query(Graph(), read_saved_query(echo), {"text": value})
    assert result.rows == ((Literal(value),),)


def test_evidence_with_an_injected_claim_id_finds_nothing(reasoned_union: Graph,
                                                          saved_queries: dict[str, SavedQuery]) -> None:
    union = reasoned_union
    evidence = saved_queries["evidence"]
    for value in INJECTIONS:
        with pytest.raises(InputError, match=r"parameter 'claim'.*choices: ANIM-1"):
            run_saved_query(union, evidence, {"claim": value})
        # bound without the graph's check, the value is still only data
        assert run_sparql(union, evidence.text, bind_parameters(evidence, {"claim": value})).rows == ()


def test_language_and_iri_parameters_are_checked() -> None:
    assert expand_iri("kr:r-ketamine") == KR["r-ketamine"]
    assert expand_iri("<http://example.org/x>") == URIRef("http://example.org/x")
    for bad in ("not an iri", "kr:r ketamine", "http://e/>{}", "relative/path"):
        with pytest.raises(QueryError):
            expand_iri(bad)


def test_adhoc_sparql_syntax_error_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        run_sparql(Graph(), "SELEC ?x WHERE { ?x ?y ?z }")


def test_adhoc_ask(reasoned_union: Graph) -> None:
    result = run_sparql(reasoned_union, "ASK { kr:r-ketamine ket:moreAntidepressantThan kr:s-ketamine }")
    assert result.boolean is True


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } } }",
        "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_queries_that_would_fetch_from_the_web_are_refused(text: str) -> None:
    with pytest.raises(QueryError, match="refused; ketrdf queries only the local graph"):
        run_sparql(Graph(), text)


def test_values_binding_for_endpoints_gives_the_same_answers(reasoned_union: Graph, project: Project) -> None:
    """The text sent to a remote endpoint (VALUES instead of initBindings) answers the same here."""
    from ketrdf.query.parameters import bind_parameters
    from ketrdf.query.values import with_values

    union = reasoned_union
    for saved in load_saved_queries(project.queries_dir).values():
        bindings = bind_parameters(saved, saved.example, RdflibEngine(union))
        inline = run_sparql(union, with_values(saved.text, bindings, saved.name))
        local = run_saved_query(union, saved, saved.example)
        assert _sorted_lists(inline.rows) == _sorted_lists(local.rows), saved.name
        assert bindings and "VALUES (" in with_values(saved.text, bindings, saved.name)


def _sorted_lists(rows: tuple[tuple[object, ...], ...]) -> list[list[list[str]]]:
    """Rows with every comma-separated list sorted: SPARQL leaves GROUP_CONCAT's order open."""
    return sorted([sorted(str(term).split(", ")) for term in row] for row in rows)


@pytest.mark.parametrize("hostile", ['en") } } DROP ALL #', "x' . ?s ?p ?o", '"""', "\\\\u0022", "a\\b"])
def test_values_binding_keeps_hostile_text_inert(hostile: str) -> None:
    from ketrdf.engines.oxigraph import run as run_on_oxigraph
    from ketrdf.query.gate import gate
    from ketrdf.query.values import with_values
    from ketrdf.rdfio.terms import load_store

    text = with_values("SELECT ?x WHERE { BIND (?v AS ?x) }", {"v": Literal(hostile)})
    # an engine reads the bound text as it is (it is canonical already): the gate's parse, Oxigraph
    assert tuple(Graph().query(gate(text, "q", canonical=True)[0])) == ((Literal(hostile),),)
    bound = run_on_oxigraph(load_store([]), "SELECT ?x WHERE { BIND (?v AS ?x) }", {"v": Literal(hostile)})
    assert bound.rows == ((Literal(hostile),),)
