"""Where a ketrdf project keeps its sources and its build.

A project is a checkout (``ontology/ketrdf.ttl`` in the current folder or one of
its parents), a folder named with ``--project``, or else the data installed with the
package: the wheel's ``ketrdf/data/`` (read only; its build goes to the user's cache),
or the checkout an editable install runs from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ketrdf.errors import InputError
from ketrdf.installed import installed_version

ONTOLOGY_FILE = "ketrdf.ttl"
PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED_DATA_DIR = PACKAGE_DIR / "data"


def user_cache_dir() -> Path:
    """Ketrdf's cache for this version: ``$XDG_CACHE_HOME/ketrdf/VERSION`` (``~/.cache`` by default)."""
    configured = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(configured) if Path(configured).is_absolute() else Path.home() / ".cache"
    return base / "ketrdf" / installed_version("ketrdf")


@dataclass(frozen=True)
class Project:
    """A ketrdf source tree: ontology, content, shapes, queries and a build folder."""

    root: Path
    installed: bool = False
    """The read-only data installed with the package: nothing is written under ``root``."""

    @classmethod
    def discover(cls, start: Path | None = None) -> Project:
        """The project whose ``ontology/ketrdf.ttl`` is at or above ``start``, else the installed one."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "ontology" / ONTOLOGY_FILE).is_file():
                return cls(folder)
        packaged = cls.packaged()
        if packaged is None:
            raise InputError(
                f"no ketrdf project at or above {here} (looked for ontology/{ONTOLOGY_FILE}) and no data "
                "installed with the package; run inside the repository or pass --project DIR"
            )
        return packaged

    @classmethod
    def packaged(cls) -> Project | None:
        """The data installed with ketrdf: the wheel's ``ketrdf/data/``, or an editable install's checkout."""
        if (PACKAGED_DATA_DIR / "ontology" / ONTOLOGY_FILE).is_file():
            return cls(PACKAGED_DATA_DIR, installed=True)
        checkout = PACKAGE_DIR.parent.parent  # src/ketrdf/ -> the repository
        if (checkout / "ontology" / ONTOLOGY_FILE).is_file():
            return cls(checkout)
        return None

    @property
    def ontology_file(self) -> Path:
        """The hand-edited OWL ontology (TBox)."""
        return self.root / "ontology" / ONTOLOGY_FILE

    @property
    def catalog_file(self) -> Path:
        """The XML catalog mapping import IRIs to local files."""
        return self.root / "ontology" / "catalog-v001.xml"

    @property
    def content_dir(self) -> Path:
        """The review's content as Turtle, one file per topic."""
        return self.root / "ontology" / "content"

    @property
    def shapes_dir(self) -> Path:
        """SHACL shapes."""
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        """Saved SPARQL queries."""
        return self.root / "queries"

    @property
    def rules_dir(self) -> Path:
        """SPARQL CONSTRUCT rules applied with the OWL-RL closure."""
        return self.root / "queries" / "rules"

    @property
    def qc_dir(self) -> Path:
        """QC queries that must return no rows."""
        return self.root / "queries" / "qc"

    @property
    def build_dir(self) -> Path:
        """Build artefacts: ``build/`` in the project (git-ignored), in the user's cache if installed."""
        return (user_cache_dir() if self.installed else self.root) / "build"

    @property
    def mappings_file(self) -> Path:
        """The SSSOM table of links to external identifiers."""
        return self.root / "ontology" / "mappings" / "ketrdf.sssom.tsv"

    @property
    def prefixes_file(self) -> Path:
        """The external identifier systems: an extended prefix map with each one's identifier pattern."""
        return self.root / "ontology" / "mappings" / "prefixes.json"

    @property
    def imports_dir(self) -> Path:
        """Modules extracted from external ontologies by ``ketrdf import``, and their term lists."""
        return self.root / "ontology" / "imports"

    def import_modules(self) -> list[Path]:
        """The import modules present, in a stable order (none is required)."""
        return sorted(self.imports_dir.glob("*_import.ttl"))

    def content_files(self) -> list[Path]:
        """The content files, in a stable order."""
        return sorted(self.content_dir.glob("*.ttl"))

    def shape_files(self) -> list[Path]:
        """The shape files, in a stable order."""
        return sorted(self.shapes_dir.glob("*.ttl"))

    def rule_files(self) -> list[Path]:
        """The rule files, in a stable order."""
        return sorted(self.rules_dir.glob("*.rq"))

    def source_files(self) -> list[Path]:
        """Every project file whose content determines the build.

        ``ketrdf.pipeline.cache.fingerprint`` adds the files the XML import catalog maps imports to.
        """
        files = [self.ontology_file, *self.content_files(), *self.shape_files(), *self.import_modules()]
        files += [path for path in (self.mappings_file, self.prefixes_file) if path.is_file()]
        files += sorted(self.queries_dir.glob("*.rq"))
        files += self.rule_files()
        files += sorted(self.qc_dir.glob("*.rq"))
        if self.catalog_file.is_file():
            files.append(self.catalog_file)
        return files
