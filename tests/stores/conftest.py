"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ketrdf.stores.endpoint import update
from tests.support.stores import Store, endpoint, start_store, stop_store


@pytest.fixture(scope="module")
def module_oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """An Oxigraph server of one test module's own (started once, not shared with other modules)."""
    store = start_store("oxigraph", tmp_path_factory.mktemp("module-oxigraph") / "oxigraph")
    yield store
    stop_store(store)


@pytest.fixture
def empty_oxigraph(module_oxigraph: Store) -> Store:
    """The module's Oxigraph server with every graph dropped: as empty as a new one."""
    update(endpoint(module_oxigraph), "DROP ALL")
    return module_oxigraph
