"""A local, read-only SPARQL 1.1 endpoint over the reasoned graph (Oxigraph server, 127.0.0.1 only)."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sysconfig
import tempfile
from collections.abc import Callable
from pathlib import Path

from ketrdf.errors import InputError, StoreError
from ketrdf.export import serialize
from ketrdf.graphs import KnowledgeGraph

HOST = "127.0.0.1"


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def oxigraph_binary() -> str:
    """The ``oxigraph`` command of this environment (from the ``oxigraph`` package on PyPI)."""
    beside = Path(sysconfig.get_path("scripts")) / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise InputError("the oxigraph server is not installed: pip install oxigraph")
    return found


def serve(kg: KnowledgeGraph, port: int, ready: Callable[[str], None] = lambda _url: None) -> int:
    """Load ``kg`` into a temporary Oxigraph store and serve it until interrupted; return its exit code.

    The default graph is the union of the named graphs, so the saved queries run unchanged.
    """
    binary = oxigraph_binary()
    with tempfile.TemporaryDirectory(prefix="ketrdf-serve-") as folder:
        data = Path(folder) / "ketrdf.nq"
        data.write_bytes(serialize(kg, "nquads", "all"))
        store = Path(folder) / "store"
        loaded = subprocess.run([binary, "load", "--location", str(store), "--file", str(data)],
                                capture_output=True, text=True, check=False)
        if loaded.returncode != 0:
            raise StoreError(f"oxigraph could not load the graph: {loaded.stderr.strip()[:300]}")
        command = [binary, "serve-read-only", "--location", str(store), "--bind", f"{HOST}:{port}",
                   "--union-default-graph"]
        # SIGTERM ends ketrdf like Ctrl-C: through the finally below, which stops the server too
        signal.signal(signal.SIGTERM, _interrupt)
        log = Path(folder) / "server.log"
        with log.open("w", encoding="utf-8") as log_file:
            server = subprocess.Popen(command, stdout=log_file, stderr=log_file)
        try:
            try:
                server.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                ready(f"http://{HOST}:{port}/query")
                return server.wait()
            message = log.read_text(encoding="utf-8", errors="replace").strip()
            raise StoreError(f"oxigraph could not serve on {HOST}:{port}: {message[:300]}")
        except KeyboardInterrupt:
            return 0
        finally:
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    server.kill()
