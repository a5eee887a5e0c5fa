"""The OWL API profile checker and HermiT (support/owl/OwlCheck.java), shared by the tests that run it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

CHECKER = Path(__file__).resolve().parent / "owl" / "OwlCheck.java"
#: The JIT's quick tier only: a check runs for seconds, too short for the optimising compiler
#: to pay back its CPU (half of the check's CPU without this option, on the release's forms).
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1",)


def java_classpath() -> str:
    """HermiT and the OWL API, from the jars that owlready2 (a dev dependency) ships."""
    spec = importlib.util.find_spec("owlready2")
    assert spec is not None and spec.submodule_search_locations, "owlready2 (a dev dependency) is missing"
    hermit = Path(next(iter(spec.submodule_search_locations))) / "hermit"
    return f"{hermit}:{hermit / 'HermiT.jar'}"
