"""The review's site, written once per test worker for the site tests and the browser tests.

Every test that uses ``site_dir`` or ``site`` is marked ``xdist_group(SITE_GROUP)`` (those of
``tests/present`` and ``tests/browser``), so one worker builds the site once for all of them.
The fixtures are imported into ``tests/conftest.py``: defined once there, so one build is shared
by both folders (a fixture defined in each folder's conftest would be built once for each).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project

SITE_GROUP = "site"


@pytest.fixture(scope="session")
def site_dir(reasoned: KnowledgeGraph, project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The review's site (English and Japanese), written once for the session as ``ketrdf site`` writes it:
    the only entry of its own temporary folder."""
    from ketrdf.present.site.build import build_site  # here: most workers never build a site

    folder = tmp_path_factory.mktemp("site") / "site"
    build_site(project, reasoned, folder)
    return folder


@pytest.fixture(scope="session")
def site(site_dir: Path) -> dict[str, bytes]:
    """Every file of ``site_dir``, by its path relative to the site's root."""
    return {path.relative_to(site_dir).as_posix(): path.read_bytes()
            for path in sorted(site_dir.rglob("*")) if path.is_file()}
