"""Run work in a forked child process, bounded in time and in memory.

A thread cannot be stopped, and a native engine that runs out of memory aborts
the whole process: Oxigraph, asked for a string that doubles forty times,
ends Python with SIGABRT. In a child with an address-space limit the same
query only ends the child; after the time limit the child is killed, so no
work goes on in the background. The result travels back pickled through a pipe.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ketrdf.errors import KetError, QueryError

T = TypeVar("T")
CHUNK = 1 << 16


class LimitExceeded(QueryError):
    """The work ran past its time or memory limit and was stopped."""


def _address_space_now() -> int:
    """The virtual memory size of this process in bytes (``VmSize`` of ``/proc/self/status``)."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(work: Callable[[], T], write_end: int, memory_bytes: int) -> None:
    """Run ``work`` with at most ``memory_bytes`` more address space; never returns."""
    code = 0
    try:
        limit = _address_space_now() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            payload: tuple[str, object] = ("value", work())
        except KetError as error:
            payload = ("error", error)
        except MemoryError:
            payload = ("memory", None)
        data = pickle.dumps(payload)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view[:CHUNK]):]
    except BaseException:  # the child must never return into the caller's code
        code = 1
    finally:
        os._exit(code)


def run_bounded(work: Callable[[], T], what: str, seconds: float, memory_bytes: int) -> T:
    """The value of ``work()``, computed in a child within ``seconds`` and ``memory_bytes``.

    A :class:`KetError` raised by ``work`` is raised again here; running out of time
    or memory raises :class:`LimitExceeded` naming the limit.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (runs in the child)
        os.close(read_end)
        _child(work, write_end, memory_bytes)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                raise LimitExceeded(f"{what}: stopped after the time limit of {seconds:g} s (--timeout)")
            chunk = os.read(read_end, CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        _, status = os.waitpid(pid, 0)
    if not chunks:
        ended = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status)
                 else f"code {os.WEXITSTATUS(status)}")
        raise LimitExceeded(f"{what}: stopped ({ended}), most likely past the memory limit of "
                            f"{memory_bytes // (1024 * 1024)} MB (KETRDF_MAX_QUERY_MB)")
    kind, value = pickle.loads(b"".join(chunks))  # noqa: S301 (our own child's bytes)
    if kind == "memory":
        raise LimitExceeded(f"{what}: stopped at the memory limit of {memory_bytes // (1024 * 1024)} MB "
                            "(KETRDF_MAX_QUERY_MB)")
    if kind == "error":
        raise value
    return value  # type: ignore[no-any-return]
