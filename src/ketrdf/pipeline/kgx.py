"""KGX TSV: the review's comparisons as Biolink edges between the compounds they compare.

KGX's TSV form is two files, nodes and edges (``ketrdf_nodes.tsv``,
``ketrdf_edges.tsv``, KG-Hub's naming), so the export takes a folder. Each
comparison claim is one edge from the form that ranks higher (``ket:comparand``)
to the other (``ket:referent``): ``biolink:related_to`` qualified by the endpoint
it compares them on, with the endpoint's own ketrdf relation as the original
predicate, the claim, its id, its place in the review and the references its
evidence cites. Nodes are every node an edge names, with a Biolink category where
one fits and ``biolink:NamedThing`` otherwise. Both tables come from SPARQL SELECT
queries (through the gate) and are written with the csv module.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from rdflib.term import Node

from ketrdf.engines.rdflib_sparql import run_sparql
from ketrdf.knowledge_graph import KnowledgeGraph, local_dataset
from ketrdf.rdfio.files import atomic_write_bytes
from ketrdf.vocabulary import PREFIXES

NODES_FILE = "ketrdf_nodes.tsv"
EDGES_FILE = "ketrdf_edges.tsv"
NODE_COLUMNS = ("id", "category", "name", "description", "xref")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "category", "original_predicate",
                "qualified_on_endpoint", "direction", "claim_id", "stated_in", "publications",
                "knowledge_level", "agent_type")
LIST_SEPARATOR = "|"

EDGES_QUERY = """
SELECT ?claim ?subject ?object ?endpoint ?relation ?direction ?claimId
       (GROUP_CONCAT(DISTINCT STR(?place); separator=" ") AS ?places)
       (GROUP_CONCAT(DISTINCT STR(?reference); separator=" ") AS ?references)
WHERE {
  GRAPH <https://w3id.org/ketrdf/graph/content> {
    ?claim a ket:Comparison ; ket:claimId ?claimId ; ket:comparand ?subject ; ket:referent ?object ;
           ket:onEndpoint ?endpoint .
    OPTIONAL { ?claim ket:direction ?direction }
    OPTIONAL { ?claim ket:statedIn ?place }
    OPTIONAL { ?claim ket:hasEvidence/ket:citesReference ?reference }
  }
  OPTIONAL { ?endpoint ket:greaterRelation ?relation }
}
GROUP BY ?claim ?subject ?object ?endpoint ?relation ?direction ?claimId
ORDER BY ?claim
"""

NODES_QUERY = """
SELECT ?node (SAMPLE(?label) AS ?name) (SAMPLE(?definition) AS ?description)
       (GROUP_CONCAT(DISTINCT ?category; separator=" ") AS ?categories)
       (GROUP_CONCAT(DISTINCT STR(?match); separator=" ") AS ?xrefs)
WHERE {
  { ?claim a ket:Comparison . { ?claim ket:comparand ?node } UNION { ?claim ket:referent ?node } }
  OPTIONAL { ?node rdfs:label ?label FILTER (langMatches(lang(?label), "en")) }
  OPTIONAL { ?node ket:definition ?definition FILTER (langMatches(lang(?definition), "en")) }
  OPTIONAL { ?node skos:exactMatch ?match }
  OPTIONAL {
    VALUES (?class ?category) {
      (ket:ChemicalEntity "biolink:ChemicalEntity") (ket:DrugProduct "biolink:Drug")
      (ket:Condition "biolink:Disease") (ket:Protein "biolink:Protein") (ket:Taxon "biolink:OrganismTaxon")
    }
    ?node a ?class
  }
}
GROUP BY ?node
ORDER BY ?node
"""


def curie(node: Node | str | None) -> str:
    """An IRI as a CURIE with ketrdf's prefixes (the longest namespace that matches), else the IRI."""
    text = str(node or "")
    matches = [(len(namespace), prefix) for prefix, namespace in PREFIXES.items()
               if text.startswith(namespace)]
    if not matches:
        return text
    length, prefix = max(matches)
    return f"{prefix}:{text[length:]}"


def _table(columns: Sequence[str], rows: list[dict[str, str]]) -> bytes:
    """A TSV table with a header line, LF line ends, every row in the order given."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _words(value: Node | None) -> list[str]:
    return sorted(curie(word) for word in str(value or "").split())


def tables(kg: KnowledgeGraph) -> tuple[bytes, bytes]:
    """The nodes and the edges TSV files."""
    dataset = local_dataset(kg.named_graphs())
    edges = []
    for claim, subject, obj, endpoint, relation, direction, claim_id, places, references in run_sparql(
            dataset, EDGES_QUERY, origin="kgx edges").rows:
        edges.append({
            "id": curie(claim), "subject": curie(subject), "predicate": "biolink:related_to",
            "object": curie(obj), "category": "biolink:Association",
            "original_predicate": curie(relation) if relation and direction else "",
            "qualified_on_endpoint": curie(endpoint), "direction": curie(direction) if direction else "",
            "claim_id": str(claim_id), "stated_in": LIST_SEPARATOR.join(_words(places)),
            "publications": LIST_SEPARATOR.join(_words(references)),
            "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent",
        })
    nodes = []
    node_rows = run_sparql(dataset, NODES_QUERY, origin="kgx nodes").rows
    for node, name, description, categories, xrefs in node_rows:
        nodes.append({
            "id": curie(node), "category": LIST_SEPARATOR.join(sorted(str(categories).split()))
            or "biolink:NamedThing", "name": str(name or ""), "description": str(description or ""),
            "xref": LIST_SEPARATOR.join(_words(xrefs)),
        })
    return _table(NODE_COLUMNS, nodes), _table(EDGE_COLUMNS, edges)


def write(kg: KnowledgeGraph, folder: Path) -> list[tuple[Path, int]]:
    """Write the nodes and edges files into ``folder`` (each atomically); return paths and sizes."""
    written = []
    for name, data in zip((NODES_FILE, EDGES_FILE), tables(kg), strict=True):
        atomic_write_bytes(folder / name, data)
        written.append((folder / name, len(data)))
    return written
