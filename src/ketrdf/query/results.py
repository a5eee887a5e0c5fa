"""Query results: the answer of any engine, and its renderings.

A table for people, CSV, TSV or SPARQL 1.1 JSON for machines; a graph as RDF.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ketrdf.errors import QueryError
from ketrdf.vocabulary import bind_prefixes

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True)
class QueryResult:
    """A query's answer: rows, a boolean or a graph.

    A SELECT gives variable names and rows of RDF terms (None where unbound), an ASK
    its boolean, a CONSTRUCT or DESCRIBE its graph.
    """

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    boolean: bool | None = None
    graph: Graph | None = None

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


def _plain(term: Node | None) -> str:
    """The SPARQL 1.1 CSV form of a term: IRIs and lexical forms, blank nodes as _:id."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _python(term: Node | None) -> object:
    """A cell of a data frame: a literal's Python value, else the CSV form (None where unbound)."""
    if isinstance(term, Literal) and term.value is not None:
        return term.value
    return None if term is None else _plain(term)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        encoded = {"type": "literal", "value": str(term)}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype:
            encoded["datatype"] = str(term.datatype)
        return encoded
    raise TypeError(f"not an RDF term: {term!r}")


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_plain(term) for term in row])
    return buffer.getvalue()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: terms in their N-Triples form."""
    lines = ["\t".join(f"?{var}" for var in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if term is None else term.n3() for term in row))
    return "\n".join(lines) + "\n"


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    document: dict[str, Any]
    if result.boolean is not None:
        document = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {var: _json_term(term) for var, term in zip(result.variables, row, strict=True)
             if term is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def to_table(result: QueryResult, title: str = "") -> str:
    """A table for people: CURIEs for IRIs, plain text for literals."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    if result.boolean is not None:
        return f"{title}\n{'yes' if result.boolean else 'no'}\n" if title else f"{result.boolean}\n"
    names = bind_prefixes(Graph()).namespace_manager

    def show(term: Node | None) -> str:
        """The cell text, with rich's markup characters escaped."""
        if term is None:
            return ""
        if isinstance(term, URIRef):
            try:
                return escape(names.normalizeUri(term))
            except (ValueError, KeyError):
                return escape(str(term))
        return escape(str(term))

    table = Table(title=escape(title) if title else None, show_lines=False, title_justify="left")
    for var in result.variables:
        table.add_column(escape(var), overflow="fold")
    for row in result.rows:
        table.add_row(*(show(term) for term in row))
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None, force_terminal=False).print(table)
    return buffer.getvalue()


def render_graph(graph: Graph, output_format: str) -> str:
    """A CONSTRUCT or DESCRIBE answer in one of :data:`GRAPH_FORMATS`, by the export serializers."""
    from ketrdf.knowledge_graph import KnowledgeGraph
    from ketrdf.pipeline.export import serialize

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
