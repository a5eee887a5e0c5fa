"""The stores scripts/with-stores starts while the tests run: waited for, or failed with the reason."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.support import stores
from tests.support.stores import shared_store

ENV = "KIND=virtuoso\nPID=1\nURL=u\nQUERY=q\nUPDATE=u\nGSP=g\nUSER=dba\nPASSWORD=p\nAUTH=digest\n"


@pytest.fixture
def starting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A KETRDF_TEST_STORES folder whose Virtuoso is still starting."""
    monkeypatch.setenv("KETRDF_TEST_STORES", str(tmp_path))
    (tmp_path / "virtuoso").mkdir()
    return tmp_path


def test_a_store_still_starting_is_waited_for(starting: Path) -> None:
    timer = threading.Timer(0.5, (starting / "virtuoso" / "env").write_text, [ENV])
    timer.start()
    store, owned = shared_store("virtuoso", starting / "scratch")
    timer.join()
    assert (store.kind, store.auth, owned) == ("virtuoso", "digest", False)


def test_a_store_that_could_not_start_fails_the_test_with_the_reason(starting: Path) -> None:
    reason = "scripts/store: no answer from http://127.0.0.1:1/sparql after 60s\n"
    (starting / "virtuoso.failed").write_text(reason)
    with pytest.raises(pytest.fail.Exception, match="could not start virtuoso: scripts/store: no answer"):
        shared_store("virtuoso", starting / "scratch")


def test_a_store_never_started_fails_the_test_in_bounded_time(starting: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stores, "STARTING_SECONDS", 0.3)
    with pytest.raises(pytest.fail.Exception, match="env missing after 0 s"):
        shared_store("virtuoso", starting / "scratch")
