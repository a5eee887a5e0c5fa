"""``ketrdf release VERSION``: a release folder written whole, the same bytes on every run.

The folder (``releases/VERSION/`` by default) holds the ontology in ODK's base, full and
OWL-RL forms (RDF/XML and Turtle, see :mod:`ketrdf.release.ontology`), the SHACL shapes,
the SSSOM table, the graph in every export format (``exports/``: the RDF formats, a
nanopublication per claim, KGX nodes and edges), ``CHANGELOG.md`` (the
diff against the previous release), ``void.ttl`` (VoID and DCAT), ``release.json`` (the
version, triple counts and every file's size and SHA-256) and ``SHA256SUMS`` (the same
checksums, for ``sha256sum -c``). Everything is written into a hidden folder beside the
target and swapped in as one step, as ``ketrdf build`` does.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from semver import Version

from ketrdf.engines.reasoners import Reasoner
from ketrdf.errors import InputError, ReleaseRefused
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.pipeline import kgx, nanopub
from ketrdf.pipeline.build import check_graph, failure
from ketrdf.pipeline.cache import Progress, quiet, triple_counts
from ketrdf.pipeline.export import export
from ketrdf.project import Project
from ketrdf.rdfio.files import atomic_write_bytes, new_folder_beside, swap_folders
from ketrdf.rdfio.formats import FORMATS
from ketrdf.release import diff, ontology, void
from ketrdf.release.versions import RELEASE_FILE, check_newer, parse_version, releases_dir

CHANGELOG_FILE = "CHANGELOG.md"
VOID_FILE = "void.ttl"
CHECKSUMS_FILE = "SHA256SUMS"
SSSOM_FILE = "ketrdf.sssom.tsv"
NANOPUB_FILE = "exports/nanopubs.trig"
KGX_DIR = "exports/kgx"
RELEASE_FORMAT = 1


@dataclass(frozen=True)
class Release:
    """A release written: its version, folder, and each file's size in bytes (by relative path)."""

    version: Version
    folder: Path
    files: dict[str, int]
    previous: Version | None


def release(project: Project, version_text: str, output: Path | None = None, force: bool = False,
            reasoner: Reasoner | None = None, validator: str = "fast",
            progress: Progress = quiet) -> Release:
    """Check, build and write the release ``version_text``; refuse (exit 2, nothing written) bad input.

    Refused: a version that is not SemVer or not above the last release, a graph that does
    not validate, and a non-empty output folder without ``force`` (with ``force``, only a
    folder that holds a release is replaced).
    """
    version = parse_version(version_text)
    previous_folder = check_newer(version, project)
    if output is None and project.installed:
        raise InputError("the data installed with ketrdf is read only: pass -o DIR, or --project DIR "
                         "for a checkout to release in")
    out = output if output is not None else releases_dir(project) / str(version)
    _check_output(out, force)
    checked = check_graph(project, reasoner=reasoner, progress=progress, validator=validator)
    if not checked.passes:
        refused = failure(checked, "; nothing released")
        raise ReleaseRefused(str(refused), refused.details)
    previous = Version.parse(previous_folder.name) if previous_folder is not None else None
    progress("writing the release")
    target = out.resolve() if out.is_symlink() else out
    staging = new_folder_beside(target)
    try:
        files = _write(staging, project, checked.kg, version, previous, previous_folder)
        swap_folders(staging, target)
    finally:  # the old folder after a swap, or the unfinished new one: never both kept
        shutil.rmtree(staging, ignore_errors=True)
    return Release(version, out, files, previous)


def _check_output(out: Path, force: bool) -> None:
    if not (out.exists() or out.is_symlink()):
        return
    if not out.is_dir():
        raise InputError(f"{out}: not a folder; give -o a folder to write the release into")
    if not any(out.iterdir()):
        return
    if not force:
        raise InputError(f"{out}: not empty; --force replaces it")
    if not (out / RELEASE_FILE).is_file():
        raise InputError(f"{out}: not empty and not a ketrdf release (no {RELEASE_FILE}); "
                         "--force replaces only a release folder")


def versioned(kg: KnowledgeGraph, version: Version) -> KnowledgeGraph:
    """``kg`` with the ontology's version IRI (the full form's file) and version info set to ``version``."""
    return replace(kg, ontology=ontology.with_version(kg.ontology, version, ontology.FULL + ".owl"))


def _write(folder: Path, project: Project, kg: KnowledgeGraph, version: Version,
           previous: Version | None, previous_folder: Path | None) -> dict[str, int]:
    """Write every file of the release into ``folder``; return their sizes by relative path."""
    kg = versioned(kg, version)
    files: dict[str, bytes] = {}
    for stem, graph in ontology.forms(kg).items():  # new graphs: each file's version IRI is set in place
        for suffix in ontology.SYNTAXES:
            name = stem + suffix
            released = ontology.set_version(graph, version, name)
            files[name] = ontology.serialize(released, name)
            ontology.check_reads_back(files[name], released, name)
    for shape in project.shape_files():
        files[f"shapes/{shape.name}"] = shape.read_bytes()
    if project.mappings_file.is_file():
        files[SSSOM_FILE] = project.mappings_file.read_bytes()
    for name, data in files.items():
        atomic_write_bytes(folder / name, data)
    sizes = {name: len(data) for name, data in files.items()}
    for output_format, (_serializer, _quads, suffix) in FORMATS.items():
        name = f"exports/ketrdf{suffix}"
        if name in sizes:  # a second format with the same suffix is named by its format
            name = f"exports/ketrdf-{output_format}{suffix}"
        sizes[name] = export(kg, output_format, folder / name, "all")
    sizes[NANOPUB_FILE] = nanopub.write(kg, folder / NANOPUB_FILE)
    for path, size in kgx.write(kg, folder / KGX_DIR):
        sizes[path.relative_to(folder).as_posix()] = size
    changelog = _changelog(kg, version, previous, previous_folder, project)
    atomic_write_bytes(folder / CHANGELOG_FILE, changelog)
    sizes[CHANGELOG_FILE] = len(changelog)
    description = ontology.turtle(void.describe(kg, version, sizes, previous))
    atomic_write_bytes(folder / VOID_FILE, description)
    sizes[VOID_FILE] = len(description)
    sums = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in sorted(sizes)}
    manifest = {
        "release": RELEASE_FORMAT,
        "version": str(version),
        "previous": str(previous) if previous is not None else None,
        "version_iri": str(ontology.version_iri(version, ontology.FULL + ".owl")),
        "triples": triple_counts(kg),
        "files": {name: {"bytes": sizes[name], "sha256": sums[name]} for name in sorted(sizes)},
    }
    text = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    atomic_write_bytes(folder / RELEASE_FILE, text)
    sizes[RELEASE_FILE] = len(text)
    sums[RELEASE_FILE] = hashlib.sha256(text).hexdigest()
    checksums = "".join(f"{sums[name]}  {name}\n" for name in sorted(sums)).encode()
    atomic_write_bytes(folder / CHECKSUMS_FILE, checksums)
    sizes[CHECKSUMS_FILE] = len(checksums)
    return dict(sorted(sizes.items()))


def _changelog(kg: KnowledgeGraph, version: Version, previous: Version | None,
               previous_folder: Path | None, project: Project) -> bytes:
    """``CHANGELOG.md``: this release's changes against the previous release, then the earlier entries."""
    lines = ["# Changelog of ketrdf", ""]
    if previous_folder is None or previous is None:
        lines += [f"## {version}", "", "First release.", ""]
    else:
        changes = diff.compare(diff.read_folder(previous_folder), kg.named_graphs(), str(previous),
                               str(version), diff.project_systems(project))
        section = diff.markdown(changes, f"{version} (changes since {previous})")
        lines += ["#" + line if line.startswith("#") else line for line in section.splitlines()]
        earlier = previous_folder / CHANGELOG_FILE
        if earlier.is_file():
            lines += earlier.read_text(encoding="utf-8").splitlines()[2:]
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")
