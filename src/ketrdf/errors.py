"""Error classes of ketrdf, each with the exit code the command line returns."""

from __future__ import annotations


class KetError(Exception):
    """Base class: a failure ketrdf can explain in one line."""

    exit_code = 2


class InputError(KetError):
    """Bad input: unreadable or malformed source, unknown name, missing parameter."""

    exit_code = 2


class OutputError(KetError):
    """An output file or folder could not be written; nothing was half-written."""

    exit_code = 2


class QueryError(KetError):
    """A query could not be parsed, bound or run."""

    exit_code = 2


class RefusedQueryError(QueryError):
    """A well-formed SPARQL text the gate refuses: SERVICE, FROM / FROM NAMED or an update."""


class ValidationFailed(KetError):
    """The graph breaks one or more SHACL shapes; ``details`` says how, one line each."""

    exit_code = 1

    def __init__(self, message: str, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.details = details


class InconsistencyError(KetError):
    """The OWL-RL closure found the ontology and data inconsistent."""

    exit_code = 3


class StoreError(KetError):
    """A remote store failed or refused: unreachable, wrong credentials, timeout, rejected data."""

    exit_code = 5


class ReleaseRefused(ValidationFailed):
    """A release refused because the graph does not validate: bad input, so nothing is written."""

    exit_code = 2
