"""The OWL API profile checker and HermiT (support/owl/OwlCheck.java), shared by the tests that run it."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parent / "owl" / "OwlCheck.java"
#: A check is a short run: the quick JIT alone and one GC thread halve its CPU (8.6 s of user
#: time to 4.3 s on the release's two ontology files, this machine), with the same findings.
JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:CICompilerCount=1")


def java_classpath() -> str:
    """HermiT and the OWL API, from the jars that owlready2 (a dev dependency) ships."""
    spec = importlib.util.find_spec("owlready2")
    assert spec is not None and spec.submodule_search_locations, "owlready2 (a dev dependency) is missing"
    hermit = Path(next(iter(spec.submodule_search_locations))) / "hermit"
    return f"{hermit}:{hermit / 'HermiT.jar'}"


def owl_check(files: list[str], folder: Path) -> list[list[str]]:
    """OwlCheck.java's findings on ``files`` (in ``folder``): ``[file, check, finding]`` per line.

    Fails the test if Java is missing (``scripts/store install`` installs Debian's
    default-jre-headless) or the checker fails.
    """
    java = shutil.which("java")
    if java is None:
        pytest.fail("java not found: `scripts/store install` (run by `make test`) installs Debian's "
                    "default-jre-headless")
    done = subprocess.run([java, *JAVA_FLAGS, "-cp", java_classpath(), str(CHECKER), *files], cwd=folder,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return [line.split("\t", 2) for line in done.stdout.splitlines()]
