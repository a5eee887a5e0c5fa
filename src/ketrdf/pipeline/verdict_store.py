"""The SPARQL gate's verdicts kept between runs, so that a text already judged is not parsed again.

Parsing is most of a first build's time (rdflib's pyparsing grammar: about 90 ms a text,
some thirty texts). Two places keep verdicts of texts that passed the gate:

- a build's ``gate.json``, checked against its manifest (:mod:`ketrdf.pipeline.cache`);
- ``gate-verdicts.json`` in the user's cache (:func:`ketrdf.project.user_cache_dir`), written
  by every successful build and read by every check, for any project: a verdict depends on
  the text and on the software only (ketrdf's code and its libraries' versions), never on
  the project's sources.

A file of other software, or one that is not whole, is not trusted; one that cannot be
written is left as it is (a cache never fails a build).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

from ketrdf.errors import OutputError
from ketrdf.project import user_cache_dir
from ketrdf.query.gate import Verdict, admit, verdicts

STORE_FILE = "gate-verdicts.json"
#: The user's store keeps at most this many verdicts; past it, the last build's replace them all.
MAX_STORED = 4096


def encode(known: Mapping[str, Verdict]) -> dict[str, dict[str, object]]:
    """Verdicts by digest as JSON values."""
    return {name: {"form": verdict.form, "projected": list(verdict.projected)}
            for name, verdict in sorted(known.items())}


def decode(raw: object) -> dict[str, Verdict]:
    """The verdicts of a JSON value made by :func:`encode`; ValueError if it is not one."""
    if not isinstance(raw, dict):
        raise ValueError("not a mapping of digests to verdicts")
    found = {}
    for name, entry in raw.items():
        if not (re.fullmatch(r"[0-9a-f]{64}", name) and isinstance(entry, dict)
                and isinstance(entry.get("form"), str) and isinstance(entry.get("projected"), list)):
            raise ValueError(f"not a verdict: {name}")
        found[name] = Verdict(entry["form"], tuple(str(variable) for variable in entry["projected"]))
    return found


def _stored(software: object) -> dict[str, Verdict]:
    """The verdicts of the user's store if ``software`` wrote it and it is whole, else none."""
    path = user_cache_dir() / STORE_FILE
    try:
        if not path.is_file():  # missing, or not a regular file (a FIFO would block the read)
            return {}
        raw = json.loads(path.read_bytes())
        if not (isinstance(raw, dict) and raw.get("software") == software):
            return {}
        return decode(raw.get("verdicts"))
    except (OSError, ValueError):
        return {}


def recall(software: object) -> int:
    """Trust the verdicts that ``software`` stored in the user's cache; how many."""
    known = _stored(software)
    admit(known)
    return len(known)


def remember(software: object, texts: Iterable[str]) -> None:
    """Add the known verdicts of ``texts`` to the user's store (written whole, or not at all)."""
    from ketrdf.rdfio.files import atomic_write_bytes

    kept = _stored(software)
    new = verdicts(texts)
    merged = {**kept, **new}
    if len(merged) > MAX_STORED:
        merged = new
    if merged == kept:
        return
    data = json.dumps({"software": software, "verdicts": encode(merged)}, indent=1, sort_keys=True) + "\n"
    path = user_cache_dir() / STORE_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and not path.is_file():
            return
        atomic_write_bytes(path, data.encode())
    except (OSError, OutputError):
        pass  # no writable cache: the next run parses again
