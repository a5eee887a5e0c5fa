"""Release versions (Semantic Versioning 2.0.0) and the releases already made.

The releases of a project are the folders ``releases/VERSION/`` in it that hold a
``release.json``, as ODK projects commit their release artefacts to the repository
(and tag the commit ``vVERSION``). The last release is the highest version among them.
"""

from __future__ import annotations

from pathlib import Path

from semver import Version

from ketrdf.errors import InputError
from ketrdf.project import Project

RELEASES_DIR = "releases"
RELEASE_FILE = "release.json"


def parse_version(text: str) -> Version:
    """``text`` as a SemVer version (``MAJOR.MINOR.PATCH``, optional pre-release and build); else exit 2."""
    try:
        return Version.parse(text)
    except (ValueError, TypeError):
        raise InputError(f"{text!r} is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 0.1.0; "
                         "see https://semver.org)") from None


def releases_dir(project: Project) -> Path:
    """Where the project's releases are kept, one folder per version."""
    return project.root / RELEASES_DIR


def releases(project: Project) -> dict[Version, Path]:
    """The releases made so far, by version, lowest first (folders without ``release.json`` are not)."""
    folder = releases_dir(project)
    found: dict[Version, Path] = {}
    if folder.is_dir():
        for candidate in folder.iterdir():
            if (candidate / RELEASE_FILE).is_file() and Version.is_valid(candidate.name):
                found[Version.parse(candidate.name)] = candidate
    return dict(sorted(found.items()))


def check_newer(version: Version, project: Project) -> Path | None:
    """The last release's folder (None if there is none); refuse ``version`` unless it is above it."""
    made = releases(project)
    if not made:
        return None
    last = max(made)
    if version.compare(last) <= 0:
        raise InputError(f"version {version} is not above the last release, {last} "
                         f"({made[last]}); releases must go up")
    return made[last]
