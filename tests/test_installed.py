"""The installed versions as importlib.metadata reads them (``ketrdf.installed`` reads folder names only)."""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from ketrdf.installed import installed_version, requirements_of


def _requirements() -> list[str]:
    names = [re.match(r"[A-Za-z0-9._-]+", requirement) for requirement in metadata.requires("ketrdf") or []
             if "extra ==" not in requirement]
    return [name.group() for name in names if name]


def test_ketrdf_requires_what_importlib_metadata_says() -> None:
    assert requirements_of("ketrdf") == _requirements()
    assert "rdflib" in requirements_of("ketrdf")


@pytest.mark.parametrize("name", ["ketrdf", "sssom-pydantic", "SPARQLWrapper", *_requirements()])
def test_each_version_is_importlib_metadatas(name: str) -> None:
    assert installed_version(name) == metadata.version(name)


def test_a_distribution_not_installed_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="no-such-distribution is not installed"):
        installed_version("no-such-distribution")
