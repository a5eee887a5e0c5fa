"""Output files: modes from the umask, special files written in place, symlinks kept (13.8, 14.6, 14.18)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ketrdf.cli import main
from ketrdf.errors import OutputError
from ketrdf.knowledge_graph import KnowledgeGraph
from ketrdf.project import Project
from ketrdf.rdfio.files import atomic_write_bytes
from ketrdf.rdfio.writers import serialize

pytestmark = pytest.mark.integration  # exports of the review, some into subprocesses

KETRDF = [sys.executable, "-m", "ketrdf"]


@pytest.fixture
def umask() -> Iterator[None]:
    """Restores the test process's umask after a test sets its own."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)],
                         ids=["umask-022", "umask-077", "umask-002"])
def test_new_and_replaced_files_take_their_mode_from_the_umask(tmp_path: Path, mask: int,
                                                               expected: int) -> None:
    os.umask(mask)
    new, replaced = tmp_path / "new.ttl", tmp_path / "old.ttl"
    replaced.write_bytes(b"old\n")
    replaced.chmod(0o644)
    atomic_write_bytes(new, b"new\n")
    atomic_write_bytes(replaced, b"new\n")
    assert (mode(new), mode(replaced)) == (expected, expected)
    assert replaced.read_bytes() == b"new\n"


@pytest.mark.usefixtures("umask")
def test_export_file_is_readable_by_others_under_umask_022(review_build: Project, tmp_path: Path) -> None:
    out = tmp_path / "export.nt"
    out.write_bytes(b"")
    out.chmod(0o644)
    result = CliRunner().invoke(main, ["--project", str(review_build.root), "--quiet", "export", "--format",
                                       "nt", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o644


def test_output_over_a_symlink_writes_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "real" / "data.ttl"
    target.parent.mkdir()
    target.write_bytes(b"old\n")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    atomic_write_bytes(link, b"new\n")
    assert link.is_symlink() and link.readlink() == target
    assert target.read_bytes() == b"new\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["data.ttl"]  # no temporary left


def test_output_over_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.ttl"
    link.symlink_to(tmp_path / "later.ttl")
    atomic_write_bytes(link, b"new\n")
    assert link.is_symlink() and (tmp_path / "later.ttl").read_bytes() == b"new\n"


def test_export_to_a_pipe_streams_into_it(reasoned: KnowledgeGraph, review_build: Project,
                                          tmp_path: Path) -> None:
    fifo, received = tmp_path / "pipe", tmp_path / "received.nt"
    os.mkfifo(fifo)
    with received.open("wb") as sink:
        reader = subprocess.Popen(["cat", str(fifo)], stdout=sink)
        try:
            result = subprocess.run([*KETRDF, "--project", str(review_build.root), "--quiet", "export",
                                     "--format", "nt", "-o", str(fifo)], capture_output=True, timeout=120)
            reader.wait(timeout=30)
        finally:
            reader.kill()
    assert result.returncode == 0, result.stderr
    assert received.read_bytes() == serialize(reasoned, "ntriples")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_export_to_dev_stdout_writes_to_standard_output(reasoned: KnowledgeGraph, review_build: Project,
                                                        tmp_path: Path) -> None:
    piped = subprocess.run([*KETRDF, "--project", str(review_build.root), "--quiet", "export", "--format",
                            "nt", "-o", "/dev/stdout"], capture_output=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == serialize(reasoned, "ntriples")
    # Redirected to a file opened for appending: appended to, as a shell user expects.
    log = tmp_path / "log.nt"
    log.write_bytes(b"# before\n")
    with log.open("ab") as stdout:
        appended = subprocess.run([*KETRDF, "--project", str(review_build.root), "--quiet", "export",
                                   "--format", "nt", "-o", "/dev/stdout"], stdout=stdout,
                                  stderr=subprocess.PIPE, timeout=120)
    assert appended.returncode == 0, appended.stderr
    assert log.read_bytes() == b"# before\n" + serialize(reasoned, "ntriples")
    assert Path("/dev/stdout").is_symlink()


def test_dev_full_is_an_error_and_dev_null_is_written_in_place(review_build: Project) -> None:
    for device in ("/dev/full", "/dev/null"):
        assert stat.S_ISCHR(Path(device).stat().st_mode), f"{device} is not a device before the test"
    full = CliRunner().invoke(main, ["--project", str(review_build.root), "--quiet", "export", "--format",
                                     "nt", "-o", "/dev/full"])
    null = CliRunner().invoke(main, ["--project", str(review_build.root), "--quiet", "export", "--format",
                                     "nt", "-o", "/dev/null"])
    for device in ("/dev/full", "/dev/null"):
        assert stat.S_ISCHR(Path(device).lstat().st_mode), f"{device} was replaced"
    assert full.exit_code == 2
    assert full.stderr.strip() == "ketrdf: error: /dev/full: cannot write (No space left on device)"
    assert null.exit_code == 0, null.output


def test_output_onto_a_socket_or_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "socket"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputError, match="not a regular file, a pipe or a character device; refusing"):
            atomic_write_bytes(path, b"data\n")
        assert stat.S_ISSOCK(path.lstat().st_mode)
    with pytest.raises(OutputError, match="a folder; refusing"):
        atomic_write_bytes(tmp_path, b"data\n")


def test_ctrl_c_exits_130(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ketrdf.query.saved.load_saved_queries", interrupted)
    result = CliRunner().invoke(main, ["--project", str(project.root), "query", "list"])
    assert result.exit_code == 130
    assert result.stderr.strip() == "ketrdf: error: interrupted"
