"""Python's cyclic garbage collector, set for a process that loads large graphs.

Loading a graph makes millions of small objects (terms, tuples, index dicts) that all
live on and form no reference cycles. With CPython's default threshold (a collection of
the youngest generation every 700 allocations) the collector scans them again and
again: at 1M triples that was a fifth of parsing, a quarter of reasoning and half of
writing the sorted N-Quads (``benchmarks/run.py``). Like mypy for its builds, ketrdf's
command line collects less often; cycles are still collected.
"""

from __future__ import annotations

import gc

#: Allocations between two collections of the youngest generation (CPython's default: 700);
#: the older generations keep their defaults' spacing in collections of the one below.
YOUNGEST = 100_000
OLDER = (50, 100)


def collect_less_often() -> None:
    """Set this process's collector to :data:`YOUNGEST` and :data:`OLDER`."""
    gc.set_threshold(YOUNGEST, *OLDER)
