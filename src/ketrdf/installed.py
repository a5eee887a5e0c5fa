"""The installed versions of ketrdf and of its libraries, for cache keys and the user's cache folder.

Read from the names of the ``NAME-VERSION.dist-info`` folders on ``sys.path`` (the layout of
an installed distribution, PEP 376 and the wheel spec's name escaping), as
``importlib.metadata`` finds them, but without its cost: importing it and parsing each
``METADATA`` as an e-mail took 70-140 ms of a cached ``ketrdf query run``. The first folder
found for a name wins, in ``sys.path`` order, as there.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

DIST_INFO = re.compile(r"(?P<name>[^-]+)-(?P<version>[^-]+)\.dist-info")
REQUIREMENT = re.compile(r"Requires-Dist:\s*(?P<name>[A-Za-z0-9._-]+)(?P<rest>.*)")


def canonical_name(name: str) -> str:
    """A distribution's name as the dist-info folder and PyPI compare it (PEP 503): ``sssom_pydantic``."""
    return re.sub(r"[-_.]+", "_", name).lower()


@cache
def _distributions() -> dict[str, tuple[str, Path]]:
    """Each installed distribution's version and dist-info folder, by canonical name."""
    found: dict[str, tuple[str, Path]] = {}
    for entry in sys.path:
        try:
            folders = sorted(Path(entry or ".").iterdir())
        except OSError:
            continue
        for folder in folders:
            matched = DIST_INFO.fullmatch(folder.name)
            if matched:
                found.setdefault(canonical_name(matched["name"]), (matched["version"], folder))
    return found


def installed_version(name: str) -> str:
    """The installed version of the distribution ``name``; LookupError if it is not installed."""
    try:
        return _distributions()[canonical_name(name)][0]
    except KeyError:
        raise LookupError(f"{name} is not installed") from None


def requirements_of(name: str) -> list[str]:
    """The names of the distributions that ``name`` requires, its extras' aside (its ``Requires-Dist``)."""
    try:
        text = (_distributions()[canonical_name(name)][1] / "METADATA").read_text(encoding="utf-8")
    except (KeyError, OSError):
        raise LookupError(f"{name} is not installed") from None
    headers = text.split("\n\n", 1)[0]  # the description that follows may say anything
    return [found["name"] for found in map(REQUIREMENT.fullmatch, headers.splitlines())
            if found and "extra ==" not in found["rest"]]
