"""Reading source files, one rule for all: regular files only, within limits counted as they are read.

A FIFO, a device, a socket or a directory is refused before it is opened, and
again after it is opened without blocking (in case it was swapped in between),
so no source can hang ketrdf or feed it for ever. The limits come from the
environment: ``KETRDF_MAX_INPUT_MB`` (one file, or one element of a streamed
OBO file), ``KETRDF_MAX_TRIPLES`` (one RDF file, or what one rule constructs),
``KETRDF_MAX_IMPORT_MB`` (an OBO file for ``import`` and ``link``, decompressed)
``KETRDF_MAX_RULE_SECONDS`` (one reasoning rule) and ``KETRDF_MAX_QUERY_MB`` (the
memory one query may add).
"""

from __future__ import annotations

import math
import os
import stat
from io import BufferedReader
from pathlib import Path

from ketrdf.errors import InputError

DEFAULT_MAX_INPUT_MB = 32
DEFAULT_MAX_TRIPLES = 2_000_000
DEFAULT_MAX_IMPORT_MB = 4096
DEFAULT_MAX_RULE_SECONDS = 60
DEFAULT_MAX_QUERY_MB = 4096
FILE_KINDS = {stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a character device",
              stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


def _limit(variable: str, default: float, unit: str) -> float:
    value = os.environ.get(variable, str(default))
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not (math.isfinite(number) and number > 0):
        raise InputError(f"{variable} must be a positive number of {unit}, not {value!r}")
    return number


def max_input_bytes() -> int:
    """The largest file ketrdf reads: ``KETRDF_MAX_INPUT_MB`` megabytes (default 32)."""
    return int(_limit("KETRDF_MAX_INPUT_MB", DEFAULT_MAX_INPUT_MB, "megabytes") * 1024 * 1024)


def max_triples() -> int:
    """The most triples one file may hold: ``KETRDF_MAX_TRIPLES`` (default 2,000,000)."""
    return int(_limit("KETRDF_MAX_TRIPLES", DEFAULT_MAX_TRIPLES, "triples"))


def max_rule_seconds() -> float:
    """The longest one CONSTRUCT rule may run: ``KETRDF_MAX_RULE_SECONDS`` (default 60)."""
    return _limit("KETRDF_MAX_RULE_SECONDS", DEFAULT_MAX_RULE_SECONDS, "seconds")


def max_query_bytes() -> int:
    """The memory one query may add, in bytes: ``KETRDF_MAX_QUERY_MB`` megabytes (default 4096)."""
    return int(_limit("KETRDF_MAX_QUERY_MB", DEFAULT_MAX_QUERY_MB, "megabytes") * 1024 * 1024)


def max_import_bytes() -> int:
    """The most bytes read from an OBO file, decompressed: ``KETRDF_MAX_IMPORT_MB`` (default 4096)."""
    return int(_limit("KETRDF_MAX_IMPORT_MB", DEFAULT_MAX_IMPORT_MB, "megabytes") * 1024 * 1024)


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a directory, expected a file")
    if not stat.S_ISREG(mode):
        kind = FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise InputError(f"{path}: is {kind}; ketrdf reads regular files only")


def open_source(path: Path) -> BufferedReader:
    """``path`` opened for reading in binary, if it is a regular file; any other file is refused."""
    try:
        _require_regular(path, path.stat().st_mode)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        if path.is_symlink():
            raise InputError(f"{path}: dangling symbolic link (to {path.readlink()}, "
                             "which does not exist)") from None
        raise InputError(f"{path}: cannot read (no such file)") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or type(error).__name__})") from None
    stream = os.fdopen(descriptor, "rb")
    try:
        _require_regular(path, os.fstat(descriptor).st_mode)
    except InputError:
        stream.close()
        raise
    return stream


def read_source(path: Path) -> bytes:
    """The bytes of the regular file ``path``: at most :func:`max_input_bytes`, counted as they are read."""
    limit = max_input_bytes()
    with open_source(path) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > limit:
            raise InputError(f"{path}: {size} bytes is larger than the input limit of {limit} bytes "
                             "(set KETRDF_MAX_INPUT_MB to raise it)")
        chunk_size = max(size + 1, 1 << 16)  # the whole file in one read, unless it grows
        chunks: list[bytes] = []
        total = 0
        try:
            while total <= limit and (chunk := stream.read(min(chunk_size, limit + 1 - total))):
                chunks.append(chunk)
                total += len(chunk)
        except OSError as error:
            raise InputError(f"{path}: cannot read ({error.strerror or type(error).__name__})") from None
    if total > limit:
        raise InputError(f"{path}: more than the input limit of {limit} bytes "
                         "(set KETRDF_MAX_INPUT_MB to raise it)")
    return b"".join(chunks)
