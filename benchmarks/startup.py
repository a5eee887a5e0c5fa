"""Start-up of the command line: wall time of short commands, beside the interpreter's floor.

Usage: python benchmarks/startup.py [--runs 10] [--project DIR]

Builds the project once (``ketrdf -q build``, timed too), then runs each command ``--runs``
times in a fresh process after one warm-up run, and prints the mean and the standard
deviation of the wall time: ``python -c pass`` (the floor), a cached ``ketrdf query run
antidepressant-ranking`` (issue 19's target: 0.15 s) in a table and as TSV,
``ketrdf -q build`` on a current build (which writes nothing) and ``ketrdf -q build --force``
(the whole build again; issue 19's target for a build: 0.4 s).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(command: list[str], runs: int) -> list[float]:
    """The wall times of ``runs`` runs of ``command`` (after one warm-up run), in seconds."""
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--project", type=Path, default=ROOT)
    args = parser.parse_args()
    ketrdf = [sys.executable, "-m", "ketrdf", "--project", str(args.project)]
    subprocess.run([*ketrdf, "-q", "build"], check=True, stdout=subprocess.DEVNULL)
    commands = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "query run antidepressant-ranking": [*ketrdf, "query", "run", "antidepressant-ranking"],
        "query run ... --format tsv": [*ketrdf, "query", "run", "antidepressant-ranking", "--format", "tsv"],
        "-q build (current: nothing to do)": [*ketrdf, "-q", "build"],
        "-q build --force": [*ketrdf, "-q", "build", "--force"],
    }
    print(f"{'command':<36} {'mean s':>8} {'stdev':>7}  ({args.runs} runs)")
    for name, command in commands.items():
        times = wall(command, args.runs)
        print(f"{name:<36} {statistics.mean(times):8.3f} {statistics.stdev(times):7.3f}")


if __name__ == "__main__":
    main()
