"""``ketrdf link``: propose ChEBI mappings for ketrdf's compounds by InChIKey, for a curator to confirm.

A ketrdf compound's InChIKey comes from the mapping table. A ChEBI class
whose key is the same is an exact structural match; one whose key shares
only the first block (the constitution) differs in stereo, the racemate and
enantiomer mix-up this check exists to catch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ketrdf.external.mappings import read_mappings
from ketrdf.external.obo import read_classes
from ketrdf.project import Project

INCHIKEY_PREFIX = "inchikey:"
CHEBI_PREFIX = "http://purl.obolibrary.org/obo/CHEBI_"
NO_STEREO = "UHFFFAOYSA"


@dataclass(frozen=True)
class Proposal:
    """One ketrdf compound and what ChEBI holds for its InChIKey."""

    subject_id: str
    subject_label: str
    inchikey: str
    status: str  # exact, stereo-mismatch, missing
    suggestion: str
    chebi_id: str
    chebi_label: str
    chebi_inchikey: str
    in_table: bool


def link_chebi(project: Project, source: Path) -> list[Proposal]:
    """Match every compound with an InChIKey in the mapping table against the ChEBI file."""
    mappings = read_mappings(project.mappings_file, project.prefixes_file)
    keys = {m.subject_id: m.object_id[len(INCHIKEY_PREFIX):] for m in mappings
            if m.object_id.startswith(INCHIKEY_PREFIX)}
    labels = {m.subject_id: m.subject_label for m in mappings}
    mapped = {(m.subject_id, m.object_id) for m in mappings}
    blocks = {key.split("-")[0] for key in keys.values()}
    candidates: list[tuple[str, str, str]] = []
    for found in read_classes(source):
        if found.inchikey and found.inchikey.split("-")[0] in blocks and not found.deprecated:
            candidates.append((found.iri, found.label or "", found.inchikey))
    proposals = []
    for subject, key in sorted(keys.items()):
        matches = [c for c in candidates if c[2].split("-")[0] == key.split("-")[0]]
        exact = [c for c in matches if c[2] == key]
        for iri, label, chebi_key in sorted(exact or matches):
            chebi_id = "CHEBI:" + iri[len(CHEBI_PREFIX):] if iri.startswith(CHEBI_PREFIX) else iri
            status = "exact" if exact else "stereo-mismatch"
            proposals.append(Proposal(subject, labels[subject], key, status, _suggestion(status, key),
                                      chebi_id, label, chebi_key, (subject, chebi_id) in mapped))
        if not matches:
            proposals.append(Proposal(subject, labels[subject], key, "missing", "none", "", "", "", False))
    return proposals



def _suggestion(status: str, key: str) -> str:
    """The predicate a curator may confirm: a key without stereo layer is only ever close."""
    if status != "exact":
        return "do not map: another stereo form"
    return "skos:closeMatch (no stereo layer)" if key.split("-")[1] == NO_STEREO else "skos:exactMatch"


#: The ontologies ``ketrdf link NAME`` matches compounds against, by NAME.
LINKERS: dict[str, Callable[[Project, Path], list[Proposal]]] = {"chebi": link_chebi}
