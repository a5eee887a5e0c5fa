"""``ketrdf serve`` with a site folder: IRIs, the endpoint and the query UI on one port (issue 17).

The site is a tiny folder laid out as ``ketrdf site``'s contract says; the review's own site
is tested in a browser in ``tests/browser``.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ketrdf.project import Project
from tests.support.stores import free_port, served

pytestmark = pytest.mark.integration  # a `ketrdf serve` process over the review


def _site(folder: Path) -> Path:
    (folder / "resource" / "claim").mkdir(parents=True)
    (folder / "index.html").write_text("<!DOCTYPE html><title>index</title>", encoding="utf-8")
    (folder / "sparql.html").write_text("<!DOCTYPE html><title>query UI</title>", encoding="utf-8")
    (folder / "resource" / "claim" / "ENAN-9.html").write_text("<!DOCTYPE html><title>ENAN-9</title>",
                                                              encoding="utf-8")
    (folder / "resource" / "claim" / "ENAN-9.ttl").write_text("# ENAN-9\n", encoding="utf-8")
    return folder


def _get(url: str, accept: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.url
    except urllib.error.HTTPError as error:
        return error.code, url


def test_serve_answers_iris_files_and_queries_on_one_port(review_build: Project, tmp_path: Path) -> None:
    with served(review_build.root, "--site", str(_site(tmp_path))) as (_server, port):
        root = f"http://127.0.0.1:{port}/"
        claim = root + "resource/claim/ENAN-9"
        assert _get(claim, "text/html") == (200, claim + ".html")
        assert _get(claim, "text/turtle") == (200, claim + ".ttl")
        assert _get(claim, "application/ld+json")[0] == 406
        assert _get(root + "resource/claim/NO-SUCH", "text/html")[0] == 404
        assert _get(root + "sparql", "text/html") == (200, root + "sparql.html")
        assert _get(root + "sparql?query=ASK%7B%7D", "application/sparql-results+json")[0] == 200
        assert _get(root + "query?query=ASK%7B%7D", "application/sparql-results+json")[0] == 200


def test_serve_on_a_port_in_use_is_a_one_line_error_with_exit_2(tmp_path: Path) -> None:
    """The port is taken before anything is loaded: a folder with no project at all gets the same error."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "ketrdf", "--project", str(tmp_path), "-q",
                               "serve", "--port", str(port)], capture_output=True, text=True, timeout=300,
                              check=False)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert f"127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
