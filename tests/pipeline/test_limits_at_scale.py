"""Bad input at scale (issue 19): a 2M-triple file over the limits is refused before it is
parsed whole, and a build that runs out of memory leaves build/ as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ketrdf.project import Project
from tests.support.paths import REPO

pytestmark = pytest.mark.integration  # files of tens of megabytes, builds in subprocesses

TRIPLES = 2_000_001  # one more than the default KETRDF_MAX_TRIPLES
#: Loads one file as ketrdf does, then reports the child's peak resident memory in MB
LOAD = """
import resource, sys
from pathlib import Path
from ketrdf.errors import InputError
from ketrdf.rdfio.parse import load_file
try:
    load_file(Path(sys.argv[1]))
except InputError as error:
    print(error)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000,001 short N-Triples (about 50 MB)."""
    path = tmp_path_factory.mktemp("big") / "big.nt"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(f"<urn:s:{n}> <urn:p> <urn:o:{n}> .\n" for n in range(TRIPLES))
    return path


def load(path: Path, **limits: str) -> tuple[str, int, float]:
    """The refusal message, the peak MB and the seconds of loading ``path`` in a child."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LOAD, str(path)], capture_output=True, text=True,
                          check=True, timeout=300, env={**os.environ, **limits})
    *message, peak = done.stdout.strip().split("\n")
    return "\n".join(message), int(peak), time.perf_counter() - started


@pytest.fixture(scope="module")
def baseline_mb(tmp_path_factory: pytest.TempPathFactory) -> int:
    """The peak MB of loading a one-triple file: the interpreter and its libraries."""
    path = tmp_path_factory.mktemp("small") / "small.nt"
    path.write_text("<urn:s> <urn:p> <urn:o> .\n", encoding="utf-8")
    return load(path)[1]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(big_file: Path, baseline_mb: int) -> None:
    message, peak, seconds = load(big_file)  # 32 MB by default
    assert "larger than the input limit" in message and "KETRDF_MAX_INPUT_MB" in message
    assert peak - baseline_mb < big_file.stat().st_size // 2**20 // 4  # not the file's 50 MB
    assert seconds < 30


def test_a_file_over_the_triple_limit_is_refused_without_an_rdflib_graph(big_file: Path,
                                                                        baseline_mb: int) -> None:
    """Oxigraph counts the triples first: rdflib's graph of 2M triples would take gigabytes."""
    message, peak, _ = load(big_file, KETRDF_MAX_INPUT_MB="100")
    assert f"more than the limit of {TRIPLES - 1} triples" in message
    assert "KETRDF_MAX_TRIPLES" in message
    assert peak - baseline_mb < 3 * big_file.stat().st_size // 2**20  # the text, as bytes and as str


#: Runs `ketrdf build` with the address space capped HEADROOM MB above what the imports take
STARVED_BUILD = """
import resource, sys
import ketrdf.cli, ketrdf.pipeline.build, ketrdf.engines.rl, pyshacl_turbo, pyoxigraph
headroom = int(sys.argv[2]) * 2**20
for line in open("/proc/self/status"):
    if line.startswith("VmSize:"):
        used = int(line.split()[1]) * 1024
resource.setrlimit(resource.RLIMIT_AS, (used + headroom, used + headroom))
ketrdf.cli.main(["--project", sys.argv[1], "--quiet", "build", "--force"])  # the same sources again
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmSize from /proc (Linux)")
def test_a_build_out_of_memory_leaves_the_last_build_whole(tmp_path: Path) -> None:
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    project = Project(tmp_path)
    first = subprocess.run([sys.executable, "-m", "ketrdf", "--project", str(tmp_path), "-q", "build"],
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    before = snapshot(project.build_dir)
    outcomes = []
    for headroom in (8, 32, 96):
        done = subprocess.run([sys.executable, "-c", STARVED_BUILD, str(tmp_path), str(headroom)],
                              capture_output=True, text=True, timeout=600)
        outcomes.append(done.returncode)
        after = snapshot(project.build_dir)
        assert after == before or done.returncode == 0, f"headroom {headroom} MB: build/ changed"
    assert any(code != 0 for code in outcomes), f"no build ran out of memory: {outcomes}"
