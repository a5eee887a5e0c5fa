"""Time and peak memory of `ketrdf import chebi` and `ketrdf link chebi` on a ChEBI-shaped OWL file.

No full ChEBI release can be downloaded here (the network reaches only package
registries), so this generates one of ChEBI's layout: RDF/XML `owl:Class`
elements with labels, synonyms, definitions, cross-references, chemical
annotations (formula, InChI, InChIKey, SMILES, masses), `owl:Axiom`
annotations, named parents and `has role` restrictions. Each command runs in
its own process; peak memory is that process's maximum resident set size.

    .venv/bin/python benchmarks/import_obo.py --classes 200000
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """<?xml version="1.0"?>
<rdf:RDF xmlns="http://purl.obolibrary.org/obo/chebi.owl#"
     xml:base="http://purl.obolibrary.org/obo/chebi.owl"
     xmlns:chebi="http://purl.obolibrary.org/obo/chebi/"
     xmlns:oboInOwl="http://www.geneontology.org/formats/oboInOwl#"
     xmlns:obo="http://purl.obolibrary.org/obo/"
     xmlns:owl="http://www.w3.org/2002/07/owl#"
     xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
     xmlns:xsd="http://www.w3.org/2001/XMLSchema#"
     xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
    <owl:Ontology rdf:about="http://purl.obolibrary.org/obo/chebi.owl">
        <owl:versionIRI rdf:resource="http://purl.obolibrary.org/obo/chebi/000/chebi.owl"/>
    </owl:Ontology>
"""
S = 'rdf:datatype="http://www.w3.org/2001/XMLSchema#string"'
OBO = "http://purl.obolibrary.org/obo/"


def _class(number: int, rng: random.Random, roles: list[int]) -> str:
    key = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(14))
    stereo = "UHFFFAOYSA" if rng.random() < 0.6 else "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                                                           for _ in range(8)) + "SA"
    parts = [f'    <owl:Class rdf:about="{OBO}CHEBI_{number}">']
    for parent in {rng.randrange(1, number)} | ({rng.randrange(1, number)} if rng.random() < 0.3 else set()):
        parts.append(f'        <rdfs:subClassOf rdf:resource="{OBO}CHEBI_{parent}"/>')
    for role in rng.sample(roles, k=rng.choice((0, 0, 1, 1, 2, 3))) if number not in roles else []:
        parts.append(f"""        <rdfs:subClassOf>
            <owl:Restriction>
                <owl:onProperty rdf:resource="{OBO}RO_0000087"/>
                <owl:someValuesFrom rdf:resource="{OBO}CHEBI_{role}"/>
            </owl:Restriction>
        </rdfs:subClassOf>""")
    parts.append(f"        <obo:IAO_0000115 {S}>A generated entity number {number}, defined for the "
                 "benchmark with a sentence of typical length for a ChEBI definition.</obo:IAO_0000115>")
    for kind in ("hasRelatedSynonym", "hasExactSynonym", "hasRelatedSynonym")[: rng.randint(1, 3)]:
        parts.append(f"        <oboInOwl:{kind} {S}>synonym {number} {kind}</oboInOwl:{kind}>")
    for source in ("CAS", "KEGG", "PMID", "Wikipedia", "HMDB", "Reaxys")[: rng.randint(2, 6)]:
        xref = f"{source}:{rng.randrange(10**6, 10**7)}"
        parts.append(f"        <oboInOwl:hasDbXref {S}>{xref}</oboInOwl:hasDbXref>")
    parts += [
        f"        <chebi:charge {S}>0</chebi:charge>",
        f"        <chebi:formula {S}>C{rng.randint(1, 40)}H{rng.randint(1, 80)}NO</chebi:formula>",
        f"        <chebi:inchi {S}>InChI=1S/C13H16ClNO/c1-15-13(9-5-4-8-12(13)16)10-6-2-3-7-11(10)14/"
        f"h2-3,6-7,15H,4-5,8-9H2,1H3/n{number}</chebi:inchi>",
        f"        <chebi:inchikey {S}>{key}-{stereo}-N</chebi:inchikey>",
        f"        <chebi:mass {S}>{rng.uniform(10, 900):.5f}</chebi:mass>",
        f"        <chebi:monoisotopicmass {S}>{rng.uniform(10, 900):.5f}</chebi:monoisotopicmass>",
        f"        <chebi:smiles {S}>CNC1(CCCCC1=O)c1ccccc1Cl.{number}</chebi:smiles>",
        f"        <oboInOwl:hasOBONamespace {S}>chebi_ontology</oboInOwl:hasOBONamespace>",
        f"        <oboInOwl:id {S}>CHEBI:{number}</oboInOwl:id>",
        f"        <rdfs:label {S}>generated entity {number}</rdfs:label>",
        "    </owl:Class>",
        "    <owl:Axiom>",
        f'        <owl:annotatedSource rdf:resource="{OBO}CHEBI_{number}"/>',
        '        <owl:annotatedProperty rdf:resource="http://www.geneontology.org/formats/oboInOwl#hasRelatedSynonym"/>',
        f"        <owl:annotatedTarget {S}>synonym {number} hasRelatedSynonym</owl:annotatedTarget>",
        f"        <oboInOwl:hasDbXref {S}>ChEBI</oboInOwl:hasDbXref>",
        "    </owl:Axiom>",
    ]
    return "\n".join(parts) + "\n"


def generate(path: Path, classes: int, seed: int = 7) -> int:
    """Write a gzipped ChEBI-shaped file; return its uncompressed size in bytes."""
    rng = random.Random(seed)
    roles = sorted({35469, 60643, *rng.sample(range(2, classes), k=300)})
    size = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        body = (_class(number, rng, roles) for number in range(2, classes + 1))
        for chunk in itertools.chain((HEADER,), body, ("</rdf:RDF>\n",)):
            out.write(chunk)
            size += len(chunk.encode("utf-8"))
    return size


def measure(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds and peak RSS (MB) of one ketrdf command, run under GNU time in its own process.

    (GNU time forks a small process, so the peak is the command's own, not this script's.)
    """
    command = ["/usr/bin/time", "-f", "TIME %e %M", sys.executable, "-m", "ketrdf", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next(line for line in done.stderr.splitlines() if line.startswith("TIME "))
    _tag, wall, peak_kb = line.split()
    return float(wall), int(peak_kb) / 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=200_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "chebi-shaped.owl.gz"
        start = time.perf_counter()
        size = generate(source, options.classes)
        print(f"generated {options.classes} classes: {size / 1e6:.0f} MB of RDF/XML, "
              f"{source.stat().st_size / 1e6:.0f} MB gzipped, in {time.perf_counter() - start:.0f} s")
        module = Path(folder) / "chebi_import.ttl"
        print(f"{'command':<28}{'wall s':>8}{'peak MB':>9}{'exit':>6}")
        for name, args in (("import chebi (gzipped)", ["import", "chebi", str(source), "-o", str(module)]),
                           ("link chebi (gzipped)", ["link", "chebi", str(source), "--format", "csv"])):
            wall, peak, code = measure(["--project", str(ROOT), "-q", *args])
            print(f"{name:<28}{wall:>8.1f}{peak:>9.0f}{code:>6}")


if __name__ == "__main__":
    main()
