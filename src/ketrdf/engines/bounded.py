"""Bounded work: every SPARQL engine's time (and memory) limit, with one error.

A thread cannot be stopped, and a native engine that runs out of memory aborts
the whole process: Oxigraph, asked for a string that doubles forty times,
ends Python with SIGABRT. :func:`run_bounded` runs the work in a forked child
with an address-space limit, so the same query only ends the child; after the
time limit the child is killed, so no work goes on in the background. The result
travels back pickled through a pipe. :func:`within` is what the local SPARQL
engines call; :func:`time_limit` (an alarm, for rules) stops in-process work.
Every limit reached raises :class:`LimitExceeded` with the message of
:func:`stopped_after`.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ketrdf.errors import QueryError
from ketrdf.rdfio.reading import max_query_bytes

T = TypeVar("T")
CHUNK = 1 << 16


class LimitExceeded(QueryError):
    """The work ran past its time or memory limit and was stopped."""


def stopped_after(what: str, seconds: float, setting: str = "--timeout") -> LimitExceeded:
    """The error for work stopped at its time limit; ``setting`` names the option that sets it."""
    return LimitExceeded(f"{what}: stopped after the time limit of {seconds:g} s ({setting})")


@contextmanager
def time_limit(seconds: float | None, what: str, setting: str = "--timeout") -> Iterator[None]:
    """Interrupt the block after ``seconds`` (POSIX main thread only; elsewhere no limit)."""
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise stopped_after(what, seconds or 0, setting)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds or 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
        except MemoryError:
            payload = ("memory", None)
        except Exception as error:  # raised again in the parent: a KetError, or a bug (exit 4)
            payload = ("error", error)
        try:
            data = pickle.dumps(payload)
        except Exception as error:  # an exception that does not pickle travels as its text
            data = pickle.dumps(("error", RuntimeError(f"{type(error).__name__}: {error}")))
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view[:CHUNK]):]
    except BaseException:  # the child must never return into the caller's code
        code = 1
    finally:
        os._exit(code)


def run_bounded(work: Callable[[], T], what: str, seconds: float, memory_bytes: int) -> T:
    """The value of ``work()``, computed in a child within ``seconds`` and ``memory_bytes``.

    An exception raised by ``work`` is raised again here; running out of time
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
                raise stopped_after(what, seconds)
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


def within(work: Callable[[], T], what: str, timeout: float | None) -> T:
    """``work()`` itself without ``timeout``; with one, in a child bounded in time and memory.

    The memory bound is ``KETRDF_MAX_QUERY_MB`` (:func:`run_bounded`).
    """
    if timeout is None:
        return work()
    return run_bounded(work, what, timeout, max_query_bytes())
