"""The whole ``ketrdf build`` as a user runs it, on the review and on generated projects.

Usage: python benchmarks/build.py [--sizes review,100k] [--runs 3] [--against OTHER_SRC]

``benchmarks/run.py`` times the pipeline's stages in one process, with the N-Quads export
only; a build also writes the Turtle, TriG and cache files and the validation report.
For each size this copies the project into a scratch folder (for a generated size, its
content replaced by one Turtle file of that many renamed copies of the review's content,
as ``run.py`` generates them), then runs ``ketrdf -q build --force`` there ``--runs``
times, each in a fresh process, and prints the mean wall time. With ``--against`` the
same builds run with that source tree (``OTHER_SRC/ketrdf``, another checkout's ``src``)
too, alternating with this one, and the ratio is printed: figures from one run, side by side.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import SIZES, generate  # noqa: E402 (the repository's root first on the path)

#: What a project needs to build, copied from this checkout (its build/ and tooling are not).
PROJECT_PARTS = ("ontology", "shapes", "queries")


def scratch_project(size: str, folder: Path) -> Path:
    """A copy of the project in ``folder``; a generated size gets its content as one Turtle file."""
    import pyoxigraph as ox

    from ketrdf.prefixes import PREFIXES

    for part in PROJECT_PARTS:
        shutil.copytree(ROOT / part, folder / part)
    if size != "review":
        content = folder / "ontology" / "content"
        for old in content.glob("*.ttl"):
            old.unlink()
        lines = folder / "content.nt"
        generate(SIZES[size], lines)
        triples = ox.parse(path=str(lines), format=ox.RdfFormat.N_TRIPLES)
        (content / "content.ttl").write_bytes(
            ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b"")
        lines.unlink()
    return folder


def build_seconds(project: Path, source: Path, cache: Path) -> float:
    """The wall time of ``ketrdf -q build --force`` in ``project`` with the package under ``source``.

    Each source tree has its own user cache (``cache``): the gate's verdicts there are one
    software's, and builds that alternate would otherwise parse every SPARQL text again.
    """
    environment = {**os.environ, "PYTHONPATH": str(source), "XDG_CACHE_HOME": str(cache)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ketrdf", "-q", "build", "--force"], cwd=project, env=environment,
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="review,100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", type=Path, default=None, metavar="OTHER_SRC")
    args = parser.parse_args()
    sources = {"this": ROOT / "src"}
    if args.against is not None:
        if not (args.against / "ketrdf" / "__init__.py").is_file():
            parser.error(f"--against: no ketrdf package in {args.against}")
        sources["against"] = args.against.resolve()
    print(f"{'size':>8} " + " ".join(f"{name:>9}" for name in sources) + "   (mean wall seconds of "
          f"ketrdf -q build --force, {args.runs} runs{', alternating' if len(sources) > 1 else ''})")
    for size in args.sizes.split(","):
        if size not in SIZES:
            parser.error(f"unknown size {size!r}; sizes: {', '.join(SIZES)}")
        with tempfile.TemporaryDirectory() as folder:
            project = scratch_project(size, Path(folder))
            caches = {name: Path(folder) / f"cache-{name}" for name in sources}
            for name, source in sources.items():  # once each first: the gate's verdicts, the file cache
                build_seconds(project, source, caches[name])
            times: dict[str, list[float]] = {name: [] for name in sources}
            for _ in range(args.runs):
                for name, source in sources.items():
                    times[name].append(build_seconds(project, source, caches[name]))
        means = {name: statistics.mean(found) for name, found in times.items()}
        ratio = f"   against/this {means['against'] / means['this']:.2f}" if "against" in means else ""
        print(f"{size:>8} " + " ".join(f"{mean:9.2f}" for mean in means.values()) + ratio)


if __name__ == "__main__":
    main()
