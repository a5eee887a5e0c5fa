"""Talk to a remote SPARQL 1.1 store: queries and updates through SPARQLWrapper, Graph Store uploads.

Credentials come from ``KETRDF_STORE_USER``/``KETRDF_STORE_PASSWORD`` or a
netrc file (``--netrc``, ``$NETRC`` or ``~/.netrc``) by host; they are never
taken from the command line, printed or logged. Every failure becomes a
one-line :class:`~ketrdf.errors.StoreError` that names the endpoint, not the
secret.
"""

from __future__ import annotations

import json
import netrc
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ketrdf.errors import InputError, StoreError
from ketrdf.queries import QueryResult

AUTH_METHODS = ("none", "basic", "digest")
RETRY_STATUSES = frozenset({502, 503, 504})
T = TypeVar("T")


@dataclass(frozen=True)
class Credentials:
    """A user name and password; the password never appears in ``repr``."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach a store."""

    query: str
    update: str | None = None
    gsp: str | None = None
    auth: str = "none"
    credentials: Credentials | None = field(default=None, repr=False)
    timeout: float = 60.0
    retries: int = 2
    default_graphs: tuple[str, ...] = ()


def check_url(url: str, option: str) -> str:
    """Accept only http(s) URLs with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{option} must be an http(s) URL with a host, not {url!r}")
    return url


def find_credentials(url: str, netrc_file: Path | None = None) -> Credentials | None:
    """Credentials for ``url``: the environment first, then the netrc entry for its host."""
    user, password = os.environ.get("KETRDF_STORE_USER"), os.environ.get("KETRDF_STORE_PASSWORD")
    if user and password is not None:
        return Credentials(user, password)
    path = netrc_file or (Path(os.environ["NETRC"]) if os.environ.get("NETRC") else Path.home() / ".netrc")
    if not path.is_file():
        if netrc_file is not None:
            raise InputError(f"{netrc_file}: no such netrc file")
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as error:
        raise InputError(f"{path}: unreadable netrc file ({type(error).__name__})") from None
    if entry is None:
        return None
    login, _account, secret = entry
    return Credentials(login, secret or "")


def _reason(error: BaseException) -> str:
    """A short description of a transport error, with no request body or secret in it."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        error = error.reason if isinstance(error.reason, BaseException) else error
        if isinstance(error, urllib.error.URLError):
            return str(error.reason)
    if isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ConnectionResetError | BrokenPipeError):
        return "connection reset by the server"
    if isinstance(error, SPARQLWrapperException):
        return type(error).__name__
    return f"{type(error).__name__}: {error}".split("\n")[0][:200]


def _status(error: BaseException) -> int | None:
    if isinstance(error, urllib.error.HTTPError):
        return error.code
    name = type(error).__name__
    return {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404,
            "URITooLong": 414, "EndPointInternalError": 500}.get(name)


def _store_says(error: BaseException) -> str:
    """The first line of the store's own error text, if it sent one (never our request)."""
    text = ""
    if isinstance(error, urllib.error.HTTPError):
        try:
            text = error.read(2000).decode("utf-8", errors="replace")
        except OSError:
            text = ""
    elif isinstance(error, SPARQLWrapperException) and "Response:" in str(error):
        text = str(error).split("Response:", 1)[1].strip().removeprefix("b'").removeprefix('b"')
        text = text.replace("\\n", "\n")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f": {first[:200]}" if first and not first.startswith("<") else ""


def _explain(url: str, what: str, error: BaseException, timeout: float) -> StoreError:
    if isinstance(error, ValueError):
        return StoreError(f"{what} at {url} failed: {error}")
    status = _status(error)
    reason = _reason(error)
    if status == 401 or status == 403:
        hint = "wrong or missing credentials (KETRDF_STORE_USER/KETRDF_STORE_PASSWORD or netrc; --auth)"
    elif status == 404:
        hint = "no SPARQL service at this URL"
    elif status is not None and status >= 500:
        hint = "the store failed"
    elif status is not None:
        hint = "the store rejected the request"
    elif reason == "timed out":
        hint = f"no answer within {timeout:g} s (--timeout)"
    else:
        hint = "the store is unreachable"
    detail = f"HTTP {status}{_store_says(error)}" if status is not None else reason
    return StoreError(f"{what} at {url} failed: {hint} ({detail})")


def _transient(error: BaseException) -> bool:
    """Errors worth a retry: the request surely did not take effect."""
    status = _status(error)
    if status is not None:
        return status in RETRY_STATUSES
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, ConnectionRefusedError)


def with_retries(endpoint: Endpoint, url: str, what: str, call: Callable[[], T]) -> T:
    """Run ``call``; retry refused connections and 502/503/504 a bounded number of times."""
    for attempt in range(endpoint.retries + 1):
        try:
            return call()
        except (OSError, HTTPException, SPARQLWrapperException, ValueError) as error:
            if attempt < endpoint.retries and _transient(error):
                time.sleep(0.5 * 2**attempt)
                continue
            raise _explain(url, what, error, endpoint.timeout) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _wrapper(endpoint: Endpoint, url: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(url, agent="ketrdf")
    sparql.setMethod(POST)
    sparql.setTimeout(max(1, round(endpoint.timeout)))
    if endpoint.auth != "none":
        if endpoint.credentials is None:
            raise InputError(f"--auth {endpoint.auth} needs credentials: set KETRDF_STORE_USER and "
                             "KETRDF_STORE_PASSWORD, or add the host to a netrc file")
        sparql.setHTTPAuth(DIGEST if endpoint.auth == "digest" else BASIC)
        sparql.setCredentials(endpoint.credentials.user, endpoint.credentials.password)
    return sparql


def _term(value: dict[str, Any]) -> Node:
    """An RDF term from a SPARQL 1.1 JSON results binding."""
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return Literal(text, lang=value["xml:lang"])
        datatype = value.get("datatype")
        return Literal(text, datatype=URIRef(datatype) if datatype else None)
    raise ValueError(f"unknown term type {kind!r}")


def parse_results(document: Any) -> QueryResult:
    """A :class:`QueryResult` from a SPARQL 1.1 JSON results document."""
    if not isinstance(document, dict) or "head" not in document:
        raise ValueError("not a SPARQL JSON results document")
    if "boolean" in document:
        return QueryResult(variables=(), rows=(), boolean=bool(document["boolean"]))
    variables = tuple(document["head"].get("vars", []))
    rows = tuple(
        tuple(_term(binding[var]) if var in binding else None for var in variables)
        for binding in document["results"]["bindings"]
    )
    return QueryResult(variables=variables, rows=rows)


def select(endpoint: Endpoint, text: str) -> QueryResult:
    """Run a SELECT or ASK query on the endpoint; JSON results as RDF terms."""
    sparql = _wrapper(endpoint, endpoint.query)
    sparql.setReturnFormat(JSON)
    for graph in endpoint.default_graphs:
        sparql.addDefaultGraph(graph)
    sparql.setQuery(text)

    def call() -> QueryResult:
        response = sparql.query().response
        body = response.read()
        try:
            return parse_results(json.loads(body))
        except (ValueError, KeyError, TypeError):
            raise ValueError("the answer is not SPARQL JSON results: is this a SPARQL endpoint?") from None

    return with_retries(endpoint, endpoint.query, "query", call)


def update(endpoint: Endpoint, text: str, what: str = "update") -> None:
    """Run a SPARQL 1.1 Update request."""
    url = endpoint.update or endpoint.query
    sparql = _wrapper(endpoint, url)
    sparql.setQuery(text)
    with_retries(endpoint, url, what, lambda: sparql.query().response.read())


def gsp_post(endpoint: Endpoint, graph: str, body: bytes, what: str) -> None:
    """Add N-Triples to ``graph`` with the Graph Store HTTP Protocol (POST merges)."""
    if endpoint.gsp is None:
        raise InputError("no Graph Store endpoint given (--gsp-endpoint)")
    url = f"{endpoint.gsp}{'&' if '?' in endpoint.gsp else '?'}{urlencode({'graph': graph})}"
    handlers: list[urllib.request.BaseHandler] = []
    if endpoint.auth != "none" and endpoint.credentials is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint.gsp, endpoint.credentials.user, endpoint.credentials.password)
        handlers.append(urllib.request.HTTPDigestAuthHandler(passwords) if endpoint.auth == "digest"
                        else urllib.request.HTTPBasicAuthHandler(passwords))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 (http(s) checked)
                                     headers={"Content-Type": "application/n-triples",
                                              "User-Agent": "ketrdf"})

    def call() -> None:
        with opener.open(request, timeout=endpoint.timeout) as response:
            response.read()

    with_retries(endpoint, endpoint.gsp, what, call)
