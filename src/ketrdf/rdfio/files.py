"""File output: regular files replaced atomically, streams written directly, modes from the umask.

A regular file (or one a symlink points to) is written to a temporary file beside
it and renamed over it, so readers see the old file or the new one, never half.
A pipe, a terminal or another character device (``/dev/stdout``, ``/dev/null``) is
written directly, as is a file reached through ``/proc``'s links to open
descriptors (``/dev/stdout`` redirected to a file): renaming would replace the
device node or the link instead of writing to it. Anything else (a block device,
a socket, a folder) is refused. New files and folders get the modes the umask
allows (``0666``/``0777`` less the umask), as files made by ``open`` do.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from ketrdf.errors import OutputError

_ATTEMPTS = 100  # random names tried before giving up (a clash is already unlikely)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (see :func:`atomic_write_chunks`)."""
    atomic_write_chunks(path, (data,))


def atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> int:
    """Write ``chunks`` in turn to ``path`` as the module says; return the number of bytes.

    A regular file is replaced whole or left unchanged; a stream gets the chunks as they come.
    """
    try:
        status: os.stat_result | None = path.stat()
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise _cannot_write(path, error, replaced=False) from None
    if _through_open_descriptor(path) or (
            status is not None and (stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode))):
        return _write_stream(path, chunks)
    if status is not None and not stat.S_ISREG(status.st_mode):
        kind = ("a folder" if stat.S_ISDIR(status.st_mode)
                else "not a regular file, a pipe or a character device")
        raise OutputError(f"{path}: {kind}; refusing to write there")
    return _replace(Path(os.path.realpath(path)) if path.is_symlink() else path, chunks)


def _through_open_descriptor(path: Path) -> bool:
    """Whether ``path`` reaches its file through ``/proc`` (``/dev/stdout``, ``/dev/fd/N``)."""
    current = path.absolute()
    for _ in range(40):  # the kernel's own limit on links followed
        folder = current.parent.resolve()
        if folder.parts[:2] == ("/", "proc"):
            return True
        current = folder / current.name
        if not current.is_symlink():
            return False
        current = folder / current.readlink()
    return False


def _write_stream(path: Path, chunks: Iterable[bytes]) -> int:
    """Write to a pipe, a device or an open descriptor's file directly, appending, creating nothing."""
    size = 0
    try:
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND), "wb") as stream:
            for chunk in chunks:
                size += stream.write(chunk)
    except BrokenPipeError:
        raise  # the reader stopped early (``| head``): the command line stops quietly
    except OSError as error:
        raise _cannot_write(path, error, replaced=False) from None
    return size


def _replace(path: Path, chunks: Iterable[bytes]) -> int:
    """Write a temporary file beside ``path``, then rename it over ``path``."""
    temporary: Path | None = None
    size = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary, handle = _new_file_beside(path)
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                size += stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.replace(path)
    except BaseException as error:  # a failing chunk producer leaves no temporary file either
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise
        raise _cannot_write(path, error, replaced=True) from None
    return size


def _new_file_beside(path: Path) -> tuple[Path, int]:
    """A new, empty, hidden file in ``path``'s folder and its descriptor; its mode follows the umask."""
    for _ in range(_ATTEMPTS):
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        with contextlib.suppress(FileExistsError):
            return candidate, os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    raise FileExistsError(f"no free temporary name beside {path}")


def new_folder_beside(path: Path) -> Path:
    """A new, empty, hidden folder beside ``path``; its mode follows the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(_ATTEMPTS):
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        with contextlib.suppress(FileExistsError):
            candidate.mkdir(0o777)
            return candidate
    raise FileExistsError(f"no free temporary name beside {path}")


def swap_folders(new: Path, target: Path) -> None:
    """Put the folder ``new`` in ``target``'s place in one step; the old ``target``, if any, ends at ``new``.

    Linux exchanges the two names atomically (``renameat2`` with ``RENAME_EXCHANGE``);
    elsewhere three renames run with Ctrl-C held back until all are done.
    """
    with interrupts_deferred():
        if not target.exists():
            with contextlib.suppress(OSError):  # made meanwhile by another build: exchange below
                new.rename(target)
                return
        if _exchange(new, target):
            return
        aside = new.with_name(new.name + ".old")
        target.rename(aside)
        try:
            new.rename(target)
        except OSError:
            aside.rename(target)
            raise
        aside.rename(new)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically with Linux's ``renameat2``; False where it is unavailable."""
    import ctypes
    import errno

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):  # an old kernel, or a file system without the flag
        return False
    raise OSError(code, os.strerror(code), str(second))


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) back until the block ends, then deliver it; a no-op off the main thread."""
    received: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda number, _frame: received.append(number))
    except ValueError:  # not the main thread: signals are not ours to handle
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received and previous is not signal.SIG_IGN:
            signal.raise_signal(signal.SIGINT)  # now handled as it would have been


def _cannot_write(path: Path, error: OSError, replaced: bool) -> OutputError:
    reason = error.strerror or str(error)
    unchanged = "; any previous file is unchanged" if replaced else ""
    return OutputError(f"{path}: cannot write ({reason}){unchanged}")
