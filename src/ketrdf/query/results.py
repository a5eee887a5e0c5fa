"""Query results: the answer of any engine, and its renderings.

A table for people, CSV, TSV or SPARQL 1.1 JSON for machines; a graph as RDF.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from ketrdf.errors import QueryError
from ketrdf.rdfio.native import Term, short_text

if TYPE_CHECKING:  # rdflib is imported when a result needs it: a table or TSV of Oxigraph's terms does not
    import pandas
    from rdflib import Graph
    from rdflib.query import Result
    from rdflib.term import Node

Cells = tuple[tuple["Node | None", ...], ...]
TermRows = tuple[tuple[Term | None, ...], ...]


class QueryResult:
    """A query's answer: rows, a boolean or a graph.

    A SELECT gives variable names and rows of RDF terms (None where unbound), an ASK
    its boolean, a CONSTRUCT or DESCRIBE its graph. The rows are rdflib terms
    (:attr:`rows`) or Oxigraph's (:attr:`terms`), whichever the engine gave, each made
    from the other when first asked for: printing an Oxigraph answer as a table or TSV
    needs no rdflib.
    """

    def __init__(self, variables: tuple[str, ...], rows: Cells | None = None, boolean: bool | None = None,
                 graph: Graph | None = None, *, terms: TermRows | None = None) -> None:
        self.variables = variables
        self.boolean = boolean
        self.graph = graph
        self._rows = rows if rows is not None or terms is not None else ()
        self._terms = terms

    @property
    def rows(self) -> Cells:
        """The rows as rdflib terms."""
        if self._rows is None:
            from ketrdf.rdfio.terms import from_oxigraph

            self._rows = tuple(tuple(from_oxigraph(term) for term in row) for row in self._terms or ())
        return self._rows

    @property
    def terms(self) -> TermRows:
        """The rows as Oxigraph terms."""
        if self._terms is None:
            from ketrdf.rdfio.terms import to_oxigraph

            self._terms = tuple(tuple(None if node is None else to_oxigraph(node) for node in row)
                                for row in self.rows)
        return self._terms

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QueryResult):
            return NotImplemented
        return (self.variables, self.rows, self.boolean, self.graph) == (
            other.variables, other.rows, other.boolean, other.graph)

    __hash__ = None  # type: ignore[assignment]  # mutable caches: not hashable, like the dataclass it was

    def __repr__(self) -> str:
        return (f"QueryResult(variables={self.variables!r}, rows={self.rows!r}, boolean={self.boolean!r}, "
                f"graph={self.graph!r})")

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame, a column per variable (needs ``pip install 'ketrdf[pandas]'``).

        IRIs become text, blank nodes ``_:id``, literals their Python value (the
        lexical form where rdflib has none), unbound cells None.
        """
        try:
            import pandas
        except ImportError as missing:
            raise ImportError("QueryResult.to_dataframe() needs pandas, an optional extra: "
                              "pip install 'ketrdf[pandas]'") from missing
        if self.boolean is not None or self.graph is not None:
            raise QueryError("only a SELECT answer has rows for a data frame")
        return pandas.DataFrame([[_python(term) for term in row] for row in self.rows],
                                columns=list(self.variables))


RESULT_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")


def to_rdflib(result: QueryResult) -> Result:
    """The rows or boolean of ``result`` as an rdflib ``Result``, for rdflib's result serializers."""
    from rdflib import Variable
    from rdflib.query import Result

    if result.graph is not None:
        raise TypeError("a graph is written as RDF, not as query results")
    if result.boolean is not None:
        answer = Result("ASK")
        answer.askAnswer = result.boolean
        return answer
    answer = Result("SELECT")
    answer.vars = [Variable(name) for name in result.variables]
    answer.bindings = [{Variable(name): term  # type: ignore[misc]  # rows hold identifiers
                        for name, term in zip(result.variables, row, strict=True) if term is not None}
                       for row in result.rows]
    return answer


def from_rdflib(answer: Result) -> QueryResult:
    """The rows or boolean of an rdflib ``Result`` of a SELECT or an ASK query."""
    from rdflib import Variable

    if answer.type == "ASK":
        return QueryResult(variables=(), rows=(), boolean=bool(answer.askAnswer))
    names = tuple(str(var) for var in answer.vars or ())
    variables = [Variable(name) for name in names]
    return QueryResult(variables=names, rows=tuple(
        tuple(binding.get(var) for var in variables) for binding in answer.bindings))


def _rows_only(result: QueryResult, output_format: str) -> None:
    """Refuse an ASK answer in CSV or TSV: SPARQL 1.1 defines those for SELECT results only."""
    if result.boolean is not None:
        raise QueryError(f"an ASK query gives a boolean: use --format json or table, not {output_format}")


def _python(term: Node | None) -> object:
    """A data frame's cell: a literal's Python value, else the text, a blank node as _:id; None if unbound."""
    from rdflib import BNode, Literal

    if term is None:
        return None
    if isinstance(term, Literal) and term.value is not None:
        return term.value
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV, by rdflib's serializer."""
    _rows_only(result, "csv")
    return to_rdflib(result).serialize(format="csv").decode("utf-8")  # type: ignore[union-attr]


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in canonical N-Triples form (rdflib has no TSV serializer).

    Oxigraph's term text, not rdflib's ``n3()``, which writes a literal holding a tab or
    a line break as a long string with the raw character, breaking the row.
    """
    _rows_only(result, "tsv")
    lines = ["\t".join(f"?{var}" for var in result.variables)]
    for row in result.terms:
        lines.append("\t".join("" if term is None else str(term) for term in row))
    return "\n".join(lines) + "\n"


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON, by rdflib's serializer, on one line."""
    return to_rdflib(result).serialize(format="json").decode("utf-8") + "\n"  # type: ignore[union-attr]


def to_table(result: QueryResult, title: str = "") -> str:
    """A table for people: CURIEs for IRIs, plain text for literals."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    if result.boolean is not None:
        return f"{title}\n{'yes' if result.boolean else 'no'}\n" if title else f"{result.boolean}\n"

    def show(term: Term | None) -> str:
        """The cell text: a literal's text, any other node's short name; rich's markup escaped."""
        return "" if term is None else escape(short_text(term))

    table = Table(title=escape(title) if title else None, show_lines=False, title_justify="left")
    for var in result.variables:
        table.add_column(escape(var), overflow="fold")
    for row in result.terms:
        table.add_row(*(show(term) for term in row))
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None, force_terminal=False).print(table)
    return buffer.getvalue()


def render_graph(graph: Graph, output_format: str) -> str:
    """A CONSTRUCT or DESCRIBE answer in one of :data:`GRAPH_FORMATS`, by the export serializers."""
    from rdflib import Graph

    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.rdfio.writers import serialize

    return serialize(KnowledgeGraph(ontology=Graph(), content=graph), output_format, "asserted").decode()


def render(result: QueryResult, output_format: str, title: str = "") -> str:
    """Render ``result``: rows in one of :data:`RESULT_FORMATS`, a graph in :data:`GRAPH_FORMATS`.

    A graph asked for as a ``table`` (the default) is written as Turtle.
    """
    if result.graph is not None:
        if output_format not in (*GRAPH_FORMATS, "table"):
            raise QueryError(f"a CONSTRUCT or DESCRIBE gives a graph: use --format "
                             f"{', '.join(GRAPH_FORMATS)}, not {output_format}")
        return render_graph(result.graph, "turtle" if output_format == "table" else output_format)
    if output_format in GRAPH_FORMATS:
        raise QueryError(f"a SELECT or ASK gives rows: use --format {', '.join(RESULT_FORMATS)}, "
                         f"not {output_format}")
    if output_format == "csv":
        return to_csv(result)
    if output_format == "tsv":
        return to_tsv(result)
    if output_format == "json":
        return to_json(result)
    return to_table(result, title)
