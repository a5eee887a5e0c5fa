"""Saved queries: ``.rq`` files with a grlc-style ``#+`` YAML header.

A header looks like::

    #+ title: Antidepressant ranking
    #+ question: Which form of ketamine is the stronger antidepressant?
    #+ tags: [comparison, table-2]
    #+ params:
    #+   lang: {type: language, default: en, description: label language}
    #+   form: {type: iri, class: ket:ChemicalEntity, description: a form of ketamine}

Each parameter ``p`` is the variable ``?p`` of the query; :mod:`ketrdf.query.parameters`
turns its value into one RDF term.

A query may reuse another's text: ``base: ranking`` with ``defaults:
{endpoint: kr:side-effect-burden}`` is the ``ranking`` query with new
default values (grlc's ``defaults`` key).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ketrdf.errors import InputError

PARAM_TYPES = ("iri", "string", "integer", "decimal", "language")
#: yaml.safe_load's loader, in C (libyaml) where PyYAML was built with it: the same documents, faster
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Parameter:
    """A query parameter: bound to the variable of the same name."""

    name: str
    type: str = "string"
    required: bool = False
    default: str | None = None
    description: str = ""
    cls: str | None = None
    prop: str | None = None


@dataclass(frozen=True)
class SavedQuery:
    """A saved query and its metadata."""

    name: str
    path: Path
    title: str
    question: str
    text: str
    tags: tuple[str, ...] = ()
    params: tuple[Parameter, ...] = field(default_factory=tuple)
    base: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    example: dict[str, str] = field(default_factory=dict)


def _header(text: str, path: Path) -> dict[str, Any]:
    lines = [line[3:] if line.startswith("#+ ") else line[2:] for line in text.splitlines()
             if line.startswith("#+")]
    try:
        header = yaml.load("\n".join(lines), Loader=SAFE_LOADER) or {}  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise InputError(f"{path}: malformed #+ header: {error}") from None
    if not isinstance(header, dict):
        raise InputError(f"{path}: the #+ header must be a mapping of keys to values")
    return header


SCALARS = (str, int, float, bool)
PARAM_KEYS = {"type", "required", "default", "description", "class", "property"}


def _settings(raw: Any, key: str, path: Path) -> dict[str, str]:
    """A header mapping of names to single values (``defaults``, ``example``, a parameter's settings)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(value, SCALARS) for value in raw.values()):
        raise InputError(f"{path}: #+ {key} must map names to single values, not {raw!r}")
    return {str(name): str(value) for name, value in raw.items()}


def _parameters(raw: Any, path: Path) -> tuple[Parameter, ...]:
    if not raw:
        return ()
    if not isinstance(raw, dict):
        raise InputError(f"{path}: #+ params must map parameter names to their settings")
    params = []
    for name, settings in raw.items():
        spec = _settings(settings, f"params: {name}", path)
        unknown = sorted(set(spec) - PARAM_KEYS)
        if unknown:
            raise InputError(f"{path}: parameter {name!r} has unknown setting {unknown[0]!r}; "
                             f"settings: {', '.join(sorted(PARAM_KEYS))}")
        kind = spec.get("type", "string")
        if kind not in PARAM_TYPES:
            raise InputError(f"{path}: parameter {name!r} has unknown type {kind!r}")
        params.append(Parameter(
            name=str(name),
            type=kind,
            required=spec.get("required", "False") == "True",
            default=spec.get("default"),
            description=spec.get("description", ""),
            cls=spec.get("class"),
            prop=spec.get("property"),
        ))
    return tuple(params)


def read_saved_query(path: Path) -> SavedQuery:
    """Read one ``.rq`` file and its header; a malformed header names the file."""
    text = read_query_file(path)
    header = _header(text, path)
    for key in ("title", "question"):
        if not header.get(key) or not isinstance(header[key], SCALARS):
            raise InputError(f"{path}: the #+ header needs a {key!r} (one line of text)")
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(tag, SCALARS) for tag in tags):
        raise InputError(f"{path}: #+ tags must be a list of words, not {tags!r}")
    base = header.get("base")
    if base is not None and not isinstance(base, str):
        raise InputError(f"{path}: #+ base must name a saved query, not {base!r}")
    return SavedQuery(
        name=path.stem,
        path=path,
        title=str(header["title"]),
        question=" ".join(str(header["question"]).split()),
        text=text,
        tags=tuple(str(tag) for tag in tags),
        params=_parameters(header.get("params"), path),
        base=base,
        defaults=_settings(header.get("defaults"), "defaults", path),
        example=_settings(header.get("example"), "example", path),
    )


def read_query_file(path: Path) -> str:
    """The text of a ``.rq`` file: "no such file" and bad UTF-8 are input errors naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None


def _with_base(query: SavedQuery, saved_queries: dict[str, SavedQuery]) -> SavedQuery:
    """A query that names a ``base`` takes its text and parameters, with new defaults."""
    if query.base is None:
        return query
    base = saved_queries.get(query.base)
    if base is None or base.base is not None:
        raise InputError(f"{query.path}: base {query.base!r} is not a saved query without a base")
    unknown = set(query.defaults) - {param.name for param in base.params}
    if unknown:
        raise InputError(f"{query.path}: defaults for unknown parameters {sorted(unknown)}")
    params = tuple(replace(param, default=query.defaults.get(param.name, param.default),
                           required=param.required and param.name not in query.defaults)
                   for param in base.params)
    return replace(query, text=base.text, params=params)


def load_saved_queries(queries_dir: Path) -> dict[str, SavedQuery]:
    """Every saved query directly in ``queries_dir`` (rules live in a subfolder), by name."""
    raw = {path.stem: read_saved_query(path) for path in sorted(queries_dir.glob("*.rq"))}
    return {name: _with_base(query, raw) for name, query in raw.items()}


def find_query(saved_queries: dict[str, SavedQuery], name: str) -> SavedQuery:
    """The saved query called ``name``, or an error listing the valid names."""
    if name not in saved_queries:
        known = ", ".join(sorted(saved_queries)) or "(none)"
        raise InputError(f"unknown query {name!r}; saved queries: {known}")
    return saved_queries[name]
