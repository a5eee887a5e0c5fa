"""Property-based tests of the loader: mutated content gives a graph or a clear error, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ketrdf.errors import InputError
from ketrdf.project import Project
from ketrdf.rdfio.parse import load_file

pytestmark = pytest.mark.integration  # hundreds of generated inputs, each parsed

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def valid_content(project: Project) -> bytes:
    return (project.content_dir / "compounds.ttl").read_bytes()


@st.composite
def mutations(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        position = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[position] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=32))]
        else:
            del data[position:]
    return bytes(data)


def test_mutated_content_gives_a_graph_or_a_clear_error(
    valid_content: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    tried = {"inputs": 0, "errors": 0}

    @SETTINGS
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        mutated = data.draw(mutations(valid_content))
        path = folder / "mutated.ttl"
        path.write_bytes(mutated)
        tried["inputs"] += 1
        try:
            load_file(path)
        except InputError as error:
            tried["errors"] += 1
            assert str(error).startswith(str(path))

    check()
    assert tried["inputs"] >= 100
