"""Data flows one way (README, Architecture): a module imports only from the layers below its own."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import REPO

PACKAGE = REPO / "src" / "ketrdf"
# Top to bottom, as the README's Architecture section lists them.
LAYERS = ("cli", "__init__", "release", "present", "answer", "stores", "pipeline", "external", "engines",
          "query", "rdfio.writers", "knowledge_graph", "rdfio", "project", "installed", "vocabulary",
          "prefixes", "errors")


def _layer(module: str) -> int:
    parts = module.split(".")[1:] or ["__init__"]
    if parts[:2] == ["rdfio", "writers"]:
        return LAYERS.index("rdfio.writers")
    return LAYERS.index(parts[0])


def _parse(source: str) -> ast.Module:
    """``ast.parse``, tried again once after the spurious "AST constructor recursion depth mismatch"
    that CPython 3.11 before 3.11.8 may raise (https://github.com/python/cpython/issues/106905; seen
    once in this suite, on Python 3.11.7)."""
    try:
        return ast.parse(source)
    except SystemError as error:
        if "recursion depth mismatch" not in str(error):
            raise
        return ast.parse(source)


def _imports(path: Path) -> list[str]:
    tree = _parse(path.read_text(encoding="utf-8"))
    return [node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ketrdf")]


def _upward_imports(package: Path) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "__main__.py":
            continue
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts).removesuffix(".__init__")
        found += [f"{module} imports {target}" for target in _imports(path)
                  if _layer(target) < _layer(module)]
    return found


def test_every_module_imports_only_from_the_layers_below_its_own() -> None:
    assert _upward_imports(PACKAGE) == []


def test_an_upward_import_is_found(tmp_path: Path) -> None:
    package = tmp_path / "ketrdf"
    (package / "rdfio").mkdir(parents=True)
    (package / "vocabulary.py").write_text("from ketrdf.errors import KetError\n")
    (package / "rdfio" / "terms.py").write_text(
        "def f() -> None:\n    from ketrdf.pipeline.build import build\n")
    assert _upward_imports(package) == ["ketrdf.rdfio.terms imports ketrdf.pipeline.build"]
