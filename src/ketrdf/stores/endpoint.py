"""Talk to a remote SPARQL 1.1 store: queries, updates and Graph Store uploads.

SPARQLWrapper builds each protocol request; ketrdf sends it through its own urllib
opener, which applies one credential policy to every HTTP request:

- credentials come from ``KETRDF_STORE_USER``/``KETRDF_STORE_PASSWORD`` or a netrc
  file (``--netrc``, ``$NETRC`` or ``~/.netrc``) by host, never from the command
  line or a URL (``user:password@`` is refused), and are never printed or logged;
- they are sent only to the origins (scheme, host, port) of the URLs the user named;
- a redirect to another origin is refused, for queries and updates alike; a redirect
  within the origin is followed with the same method and body (except 303).

Every failure becomes a one-line :class:`~ketrdf.errors.StoreError` that names the
endpoint, not the secret.
"""

from __future__ import annotations

import io
import netrc
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.client import HTTPException, HTTPMessage
from pathlib import Path
from typing import IO, TypeVar
from urllib.parse import urlencode, urlsplit

from rdflib.query import Result, ResultException
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from ketrdf.errors import InputError, StoreError
from ketrdf.query.engine import Bound
from ketrdf.query.gate import gate
from ketrdf.query.results import QueryResult, from_rdflib
from ketrdf.query.values import with_values

AUTH_METHODS = ("none", "basic", "digest")
RETRY_STATUSES = frozenset({502, 503, 504})
T = TypeVar("T")
Origin = tuple[str, str, int]


@dataclass(frozen=True)
class Credentials:
    """A user name and password; the password never appears in ``repr``."""

    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach a store; ``credentials`` by the origin they may be sent to."""

    query: str
    update: str | None = None
    gsp: str | None = None
    auth: str = "none"
    credentials: Mapping[Origin, Credentials] = field(default_factory=dict, repr=False)
    timeout: float = 60.0
    retries: int = 2
    default_graphs: tuple[str, ...] = ()


def origin(url: str) -> Origin:
    """The scheme, host and port of ``url`` (the default port when none is given)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _shown(url: str) -> str:
    """``url`` without any user information, query or fragment: safe to print."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=host, query="", fragment="").geturl()


def check_url(url: str, option: str) -> str:
    """Accept only http(s) URLs with a host and no user information."""
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise InputError(f"{option} must not hold a user name or password (user:password@ in "
                         f"{_shown(url)}): set KETRDF_STORE_USER and KETRDF_STORE_PASSWORD, "
                         "or add the host to a netrc file")
    if any(char <= " " or char == "\x7f" for char in url):
        raise InputError(f"{option} must not contain spaces or control characters: {url!r}")
    try:
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number in range)
    except ValueError:
        raise InputError(f"{option} has an invalid port: {url!r}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
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


def make_endpoint(query: str, update: str | None = None, gsp: str | None = None, auth: str | None = None,
                  netrc_file: Path | None = None, timeout: float = 60.0, retries: int = 2,
                  default_graphs: tuple[str, ...] = ()) -> Endpoint:
    """An :class:`Endpoint` for the URLs the user named, each checked, with credentials for each.

    ``auth`` defaults to basic when credentials are found, else none.
    """
    named = {"--endpoint": query, "--update-endpoint": update, "--gsp-endpoint": gsp}
    urls = [check_url(url, option) for option, url in named.items() if url]
    credentials = {origin(url): found for url in urls
                   if (found := find_credentials(url, netrc_file)) is not None}
    method = auth or ("basic" if credentials else "none")
    if method != "none" and not credentials:
        raise InputError(f"--auth {method} needs credentials: set KETRDF_STORE_USER and "
                         "KETRDF_STORE_PASSWORD, or add the host to a netrc file")
    return Endpoint(query=query, update=update, gsp=gsp, auth=method, credentials=credentials,
                    timeout=timeout, retries=retries, default_graphs=default_graphs)


class _OneOrigin(urllib.request.HTTPRedirectHandler):
    """Follow redirects within the named origin only, keeping the method and body (except 303)."""

    def __init__(self, named: str, what: str) -> None:
        self.named, self.what = named, what

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if origin(newurl) != origin(self.named):
            raise StoreError(f"{self.what} at {_shown(self.named)} failed: the store redirects to "
                             f"{_shown(newurl)}, outside the host you named; ketrdf sends requests only to "
                             "the URLs you name (name that URL instead if you trust it)")
        if code == 303 or req.data is None:
            return super().redirect_request(req, fp, code, msg, headers, newurl)
        return urllib.request.Request(newurl, data=req.data, headers=dict(req.headers),  # noqa: S310
                                      method=req.get_method())  # (same origin as a checked URL)


def _opener(endpoint: Endpoint, url: str, what: str) -> urllib.request.OpenerDirector:
    """An opener that holds the credentials of ``url``'s origin, if any, and for no other origin."""
    handlers: list[urllib.request.BaseHandler] = [_OneOrigin(url, what)]
    credentials = endpoint.credentials.get(origin(url))
    if endpoint.auth != "none" and credentials is not None:
        root = urlsplit(url)._replace(path="/", query="", fragment="").geturl()
        passwords = urllib.request.HTTPPasswordMgrWithPriorAuth()
        passwords.add_password(None, root, credentials.user, credentials.password,
                               is_authenticated=endpoint.auth == "basic")
        handlers.append(urllib.request.HTTPDigestAuthHandler(passwords) if endpoint.auth == "digest"
                        else urllib.request.HTTPBasicAuthHandler(passwords))
    return urllib.request.build_opener(*handlers)


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
    return f"{type(error).__name__}: {error}".split("\n")[0][:200]


def _store_says(error: urllib.error.HTTPError) -> str:
    """The first line of the store's own error text, if it sent one (never our request)."""
    try:
        text = error.read(2000).decode("utf-8", errors="replace")
    except OSError:
        text = ""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f": {first[:200]}" if first and not first.startswith("<") else ""


def _explain(url: str, what: str, error: BaseException, timeout: float) -> StoreError:
    if isinstance(error, ValueError):
        return StoreError(f"{what} at {url} failed: {error}")
    status = error.code if isinstance(error, urllib.error.HTTPError) else None
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
    detail = f"HTTP {status}{_store_says(error)}" if isinstance(error, urllib.error.HTTPError) else reason
    return StoreError(f"{what} at {url} failed: {hint} ({detail})")


def _transient(error: BaseException) -> bool:
    """Errors worth a retry: the request surely did not take effect."""
    if isinstance(error, urllib.error.HTTPError):
        return error.code in RETRY_STATUSES
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, ConnectionRefusedError)


def with_retries(endpoint: Endpoint, url: str, what: str, call: Callable[[], T]) -> T:
    """Run ``call``; retry refused connections and 502/503/504 a bounded number of times."""
    for attempt in range(endpoint.retries + 1):
        try:
            return call()
        except (OSError, HTTPException, ValueError) as error:
            if attempt < endpoint.retries and _transient(error):
                time.sleep(0.5 * 2**attempt)
                continue
            raise _explain(url, what, error, endpoint.timeout) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _send(endpoint: Endpoint, request: urllib.request.Request, what: str) -> bytes:
    """Send ``request`` under the credential policy, with retries; the answer's body."""
    opener = _opener(endpoint, request.full_url, what)

    def call() -> bytes:
        with opener.open(request, timeout=endpoint.timeout) as response:
            body: bytes = response.read()
            return body

    return with_retries(endpoint, _shown(request.full_url), what, call)


def _protocol_request(url: str, text: str, default_graphs: tuple[str, ...] = ()) -> urllib.request.Request:
    """The SPARQL 1.1 Protocol request (a query or an update, by POST) that SPARQLWrapper builds."""
    sparql = SPARQLWrapper(url, updateEndpoint=url, agent="ketrdf", returnFormat=JSON)
    sparql.setMethod(POST)
    for graph in default_graphs:
        sparql.addDefaultGraph(graph)
    sparql.setQuery(text)
    # SPARQLWrapper's own transport would pass credentials through any redirect: only its request is used
    return sparql._createRequest()


def parse_results(body: bytes) -> QueryResult:
    """A :class:`QueryResult` from a SPARQL 1.1 JSON results document, parsed by rdflib."""
    return from_rdflib(Result.parse(io.BytesIO(body), format="json"))


def select(endpoint: Endpoint, text: str, origin_name: str = "query") -> QueryResult:
    """Run a SELECT or ASK query on the endpoint; JSON results.

    ``text`` is canonical SPARQL as :func:`ketrdf.query.values.with_values` returns it; it passes
    the SPARQL gate again here (a cached parse), and exactly that text is sent.
    """
    gate(text, origin_name, canonical=True)
    body = _send(endpoint, _protocol_request(endpoint.query, text, endpoint.default_graphs), "query")
    try:
        return parse_results(body)
    except (ResultException, ValueError, KeyError, TypeError, AttributeError, NotImplementedError):
        raise StoreError(f"query at {_shown(endpoint.query)} failed: the answer is not SPARQL JSON "
                         "results: is this a SPARQL endpoint?") from None


class RemoteEngine:
    """A store's SPARQL endpoint as a :class:`ketrdf.engines.sparql.SparqlEngine` (SELECT and ASK)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    def run(self, text: str, bindings: Mapping[str, Bound] | None = None, origin: str = "query",
            timeout: float | None = None) -> QueryResult:
        """Send ``text`` with ``bindings`` as ``VALUES`` (:func:`with_values`), waiting ``timeout`` s.

        Without ``timeout``, the endpoint's own; a store's failures raise :class:`StoreError`.
        """
        endpoint = self.endpoint if timeout is None else replace(self.endpoint, timeout=timeout)
        return select(endpoint, with_values(text, dict(bindings or {}), origin), origin)


def update(endpoint: Endpoint, text: str, what: str = "update") -> None:
    """Run a SPARQL 1.1 Update request."""
    _send(endpoint, _protocol_request(endpoint.update or endpoint.query, text), what)


def gsp_post(endpoint: Endpoint, graph: str, body: bytes, what: str) -> None:
    """Add N-Triples to ``graph`` with the Graph Store HTTP Protocol (POST merges)."""
    if endpoint.gsp is None:
        raise InputError("no Graph Store endpoint given (--gsp-endpoint)")
    url = f"{endpoint.gsp}{'&' if '?' in endpoint.gsp else '?'}{urlencode({'graph': graph})}"
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 (http(s) checked)
                                     headers={"Content-Type": "application/n-triples",
                                              "User-Agent": "ketrdf"})
    _send(endpoint, request, what)
