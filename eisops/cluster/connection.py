"""The connection to a cluster: connect, send one request (retried when that is safe), read
Elasticsearch's answer and translate its errors.

Every request eisops makes goes through ``Cluster.request`` so that errors read the same
everywhere and the number of requests is easy to see. On the wire it does what the official
Python client (elasticsearch-py 8.x) did: JSON bodies with its compatibility media types, the
product check, an error for every status outside 2xx. This module must not know about
resource kinds or plans.
"""

from __future__ import annotations

import json
import os
import platform
import random
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote

from eisops import __version__, secrets
from eisops.cluster import DEFAULT_URL, Read, path, version_tuple  # noqa: F401 - also imported from here
from eisops.cluster import transport
from eisops.errors import ClusterRequestError, ConnectionFailed

# The media types elasticsearch-py 8.x sends in place of application/json and
# application/x-ndjson (its _COMPAT_MIMETYPE_TEMPLATE): REST API compatibility with 8, which
# Elasticsearch 8.x and 9.x both accept (a 7.x node refuses it, media_type_header_exception).
_COMPATIBLE_JSON = "application/vnd.elasticsearch+json; compatible-with=8"
_COMPATIBLE_NDJSON = "application/vnd.elasticsearch+x-ndjson; compatible-with=8"
_JSON = {"accept": _COMPATIBLE_JSON, "content-type": _COMPATIBLE_JSON}
_USER_AGENT = f"eisops/{__version__} (Python/{platform.python_version()})"

#: Seconds a request may take, its retries included, unless --timeout says.
DEFAULT_TIMEOUT = 60.0
#: Connections kept open to the cluster at most: apply's --parallelism goes up to 100.
MAX_CONNECTIONS = 100
BACKOFF_BASE = 0.1
BACKOFF_CAP = 5.0
#: Answers worth another attempt; of them, those Elasticsearch gives without carrying the request out.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
NOT_CARRIED_OUT = frozenset({429, 503})
#: Requests that have the same effect however often they are sent.
_SAFE_SUFFIXES = ("/_search", "/_count", "/_simulate", "/_refresh", "/_mget", "/_search/scroll", "/_bulk")
_SAFE_PUT_PREFIXES = ("/_ingest/pipeline/", "/_component_template/", "/_index_template/")


def is_safe_to_repeat(method: str, url_path: str) -> bool:
    if method in ("GET", "HEAD"):
        return True
    if method == "POST" and (url_path.endswith(_SAFE_SUFFIXES) or "/_simulate" in url_path):
        return True
    return method == "PUT" and (url_path.startswith(_SAFE_PUT_PREFIXES) or url_path.endswith(("/_settings", "/_mapping")))


def _retry_after(response: transport.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class ConnectionSettings:
    url: str = DEFAULT_URL
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_cert: str | None = None
    request_timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_env(cls, url: str | None = None, ca_cert: str | None = None,
                 timeout: float | None = None) -> "ConnectionSettings":
        return cls(
            request_timeout=timeout or DEFAULT_TIMEOUT,
            url=url or os.environ.get("ELASTICSEARCH_URL") or DEFAULT_URL,
            api_key=os.environ.get("ELASTICSEARCH_API_KEY") or None,
            username=os.environ.get("ELASTICSEARCH_USERNAME") or None,
            password=os.environ.get("ELASTICSEARCH_PASSWORD") or None,
            ca_cert=ca_cert or os.environ.get("ELASTICSEARCH_CA_CERT") or None,
        )


def _reason(body: Any) -> tuple[str | None, str]:
    """Elasticsearch's error type and reason from an error body.

    The reason is the deepest one of the ``caused_by`` chain: Elasticsearch wraps the real
    objection in generic ones ("composable template [..] template after composition is
    invalid" > "invalid composite mappings for [..]" > "[element_type] cannot be [byte] when
    using index type [bbq_hnsw]", 8.19 and 9.5), and only the innermost says what to fix.
    """
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            error_type, reason = err.get("type"), err.get("reason") or ""
            seen = 0
            caused = err.get("caused_by")
            while isinstance(caused, dict) and seen < 20:  # a bound: the chain is data from the server
                if caused.get("reason"):
                    error_type, reason = caused.get("type") or error_type, caused["reason"]
                caused = caused.get("caused_by")
                seen += 1
            return error_type, reason
        if isinstance(err, str):
            return None, err
    return None, str(body) if body else ""


class Cluster:
    """One connected cluster. ``request`` is the single door to it."""

    def __init__(self, node: transport.Transport, url: str, has_credentials: bool = False):
        self.transport = node
        self.url = url
        self.has_credentials = has_credentials
        self.version: str | None = None
        #: Whether ``version`` was asked for (connect asks, unless told that the first reads will).
        self.version_known = False
        self.request_count = 0
        self._count_lock = threading.Lock()  # requests are sent from several threads
        #: Seconds one request may take, its retries included (--timeout).
        self.timeout = DEFAULT_TIMEOUT
        #: Called with one plain line for each retry (the CLI prints it on standard error).
        self.on_retry: Callable[[str], None] | None = None
        #: Reads sent ahead (send_ahead) whose answers no kind has taken yet.
        self._ahead: dict[Read, Future] = {}
        self._ahead_lock = threading.Lock()
        self._closed = False

    def send_ahead(self, reads: "list[Read]") -> None:
        """Send ``reads`` now, each in a thread of its own, so that their answers come while the
        caller does other work (a plan loads its manifests): ``read`` then takes each answer,
        or its error, once. Only for reads made before any write, and only by a command that
        writes nothing after them (a plan): an answer taken later would be out of date. The
        threads are daemons: a command that stops early (its manifests are invalid) does not
        wait for them."""
        for read in reads:
            future: Future = Future()
            with self._ahead_lock:
                if read in self._ahead:
                    continue
                self._ahead[read] = future
            threading.Thread(target=self._send_ahead, args=(read, future), name="eisops-ahead", daemon=True).start()

    def _send_ahead(self, read: Read, future: Future) -> None:
        try:
            future.set_result(self._get(read))
        except BaseException as exc:  # noqa: BLE001 - handed over to whoever reads it
            future.set_exception(exc)

    def read(self, read: Read) -> Any:
        """The answer to ``read``: the one sent ahead when there is one (taken once), else asked now."""
        with self._ahead_lock:
            future = self._ahead.pop(read, None)
        if future is not None:
            return future.result()
        return self._get(read)

    def forget_ahead(self) -> None:
        """Drop the answers sent ahead that no kind took: any read from now on is asked afresh."""
        with self._ahead_lock:
            self._ahead.clear()

    def _get(self, read: Read) -> Any:
        return self.request("GET", read.path, params=dict(read.params) or None, missing_ok=read.missing_ok)

    def request(
        self,
        method: str,
        url_path: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        missing_ok: bool = False,
        request_timeout: float | None = None,
        accept: str | None = None,
        ndjson: bool = False,
    ) -> Any:
        """Send one request; returns the parsed body, or None for a 404 when ``missing_ok``.

        Failures are retried here, and only here (the client's own retries are off), within the
        request's deadline: a 429, 503 (Elasticsearch did not carry the request out) or any
        failure of a request that is safe to repeat (reads, PUTs of pipelines, templates,
        settings and mappings) after a pause — Retry-After when given, else exponential backoff
        with jitter. A request that may have been carried out before its answer was lost (a
        create, a delete) is sent again, and an answer that shows the first one did it
        (``resource_already_exists`` on its create, 404 on its delete) counts as done.

        ``request_timeout`` replaces the connection's timeout for requests that Elasticsearch
        may take long to answer (creating an inference endpoint deploys or calls a model);
        ``accept`` the JSON a request answers with (``text/event-stream`` for a streamed answer).
        """
        if method != "GET" and self._ahead:
            self.forget_ahead()  # an answer read before a write would be out of date after it
        target = _target(url_path, params)
        headers = {**_JSON, "accept": accept} if accept else _JSON
        if ndjson:  # a _bulk body: lines of JSON, already serialized
            headers = {**headers, "content-type": _COMPATIBLE_NDJSON}
        if body is None:
            payload = None
        elif isinstance(body, (bytes, str)):
            payload = body.encode("utf-8") if isinstance(body, str) else body
        else:
            payload = transport.encode_json(body)
        budget = max(request_timeout or 0.0, self.timeout)
        deadline = time.monotonic() + budget
        safe = is_safe_to_repeat(method, url_path)
        maybe_done = False  # an earlier attempt may have been carried out before its answer was lost
        attempt = 0
        while True:
            attempt += 1
            with self._count_lock:
                self.request_count += 1
            remaining = deadline - time.monotonic()
            # An attempt may take the request's own timeout (a long create) or a third of the
            # budget, so that an answer that never comes leaves time to try again.
            attempt_timeout = request_timeout if request_timeout else self.timeout / 3
            try:
                response = self.transport.perform(method, target, payload, headers,
                                                  timeout=max(0.5, min(attempt_timeout, remaining)))
            except transport.TransportError as exc:
                if isinstance(exc, transport.TlsError):
                    raise _transport_failure(exc, self.url) from None
                refused = isinstance(exc, transport.CannotConnect)
                if refused and attempt == 1:
                    # Nothing listens there, or no such host: most likely a wrong URL, said at once
                    # (a node that refuses mid-run, restarting, is given the retries).
                    raise _transport_failure(exc, self.url) from None
                if not refused and not safe:
                    maybe_done = True
                why = "no answer in time" if isinstance(exc, transport.ConnectionTimeout) else \
                    "connection refused" if refused else "connection lost"
                if self._wait(method, url_path, attempt, deadline, why, None):
                    continue
                raise _transport_failure(exc, self.url) from None
            status = response.status
            answer = _decoded(response, method, url_path)
            if 200 <= status < 300:
                # elasticsearch-py's product check: every 2xx answer of Elasticsearch (7.14+) says so.
                if response.headers.get("x-elastic-product") != "Elasticsearch":
                    raise ConnectionFailed(f"the server at {self.url} is not Elasticsearch.",
                                           "Check --url or ELASTICSEARCH_URL.")
                return answer
            error_type, _ = _reason(answer)
            if status == 404 and missing_ok:
                return None
            if maybe_done and (status == 404 and method == "DELETE"
                               or error_type == "resource_already_exists_exception" and method == "PUT"):
                # The earlier attempt did it: its own delete, its own create. The read-back after
                # the change checks the object is the plan's.
                return None
            wait = _retry_after(response) if status in RETRY_STATUSES else None
            if status in RETRY_STATUSES and (safe or status in NOT_CARRIED_OUT):
                if self._wait(method, url_path, attempt, deadline, f"{status} {error_type or ''}".strip(), wait):
                    continue
            raise _translate(status, answer, method, url_path, self.url, self.has_credentials)

    def _wait(self, method: str, url_path: str, attempt: int, deadline: float, why: str,
              retry_after: float | None) -> bool:
        """Sleep before the next attempt (Retry-After when Elasticsearch gave one, else exponential
        backoff with full jitter); False when that would pass the deadline."""
        pause = retry_after if retry_after is not None else random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt))
        if time.monotonic() + pause >= deadline:
            return False
        if self.on_retry is not None and not self._closed:  # a read sent ahead by a command that stopped: quiet
            self.on_retry(f"Retrying {method} {url_path} in {pause:.1f}s ({why}; attempt {attempt + 1})")
        time.sleep(pause)
        return True

    def detect_version(self) -> str | None:
        """Ask the cluster for its version (the lowest of its nodes'), and remember it."""
        self.version = _detect_version(self)
        self.version_known = True
        return self.version

    def cluster_uuid(self) -> str | None:
        """The cluster's uuid, which tells one cluster from another behind the same URL
        (``GET /`` is not in every distribution; the cluster state's metadata is)."""
        try:
            body = self.request("GET", "/_cluster/state/metadata", params={"filter_path": "metadata.cluster_uuid"})
        except ClusterRequestError as exc:
            if exc.status == 403:
                return None
            raise
        return ((body or {}).get("metadata") or {}).get("cluster_uuid")

    def close(self) -> None:
        self._closed = True
        self.forget_ahead()
        self.transport.close()


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _quote(value: str, safe: str = ",*") -> str:
    # As elasticsearch-py quotes query values: ',' and '*' stay as they are (filter_path, index
    # lists). A lone surrogate (JSON allows "\ud800") goes as the body does, surrogatepass.
    return quote(value, safe, encoding="utf-8", errors="surrogatepass")


#: What a path keeps as it is: what ``cluster.path`` leaves of a name (it escapes each
#: segment), '/' and the '%' of its escapes, and the other characters RFC 3986 allows in a path.
_PATH_SAFE = "/%@*,_-.~:!$&'()+;="


def _target(url_path: str, params: dict[str, Any] | None) -> str:
    """The request target, path and query, as ASCII that http.client can send.

    The paths eisops builds are escaped already and pass unchanged; a path or a parameter name
    taken from a saved plan edited by hand may hold anything (non-ASCII, spaces, '?', control
    characters), which is escaped here too, as urllib3 escaped it under the official client
    (``_encode_target`` in its util/url.py), rather than failing in http.client.
    """
    query = "&".join(f"{_quote(str(k), '')}={_quote(_param(v))}" for k, v in (params or {}).items() if v is not None)
    url_path = _quote(url_path, _PATH_SAFE)
    return f"{url_path}?{query}" if query else url_path


def _decoded(response: transport.Response, method: str, url_path: str) -> Any:
    """The answer's body: JSON parsed (None when empty), text (a streamed answer) as a string."""
    data = response.data
    if not data:
        return None
    mimetype = response.mimetype
    if mimetype.endswith("json") or mimetype.endswith("+json"):
        try:
            return json.loads(data)
        except ValueError:
            if 200 <= response.status < 300:
                raise ClusterRequestError(f"{method} {url_path}: the answer is not JSON ({mimetype})",
                                          response.status, None, "") from None
    return data.decode("utf-8", "replace")


def _translate(status: int, body: Any, method: str, url_path: str, url: str,
               has_credentials: bool = True) -> Exception:
    """An answer outside 2xx as the error eisops reports."""
    error_type, reason = _reason(body)
    if status == 401 and not has_credentials:
        return ConnectionFailed(
            f"Elasticsearch at {url} requires credentials (401).",
            "Set ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD.",
        )
    if status == 401:
        return ConnectionFailed(
            f"Elasticsearch at {url} refused the credentials (401 {error_type or 'unauthorized'}).",
            "Set ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD, to valid credentials.",
        )
    if status == 403:
        return ClusterRequestError(
            f"{method} {url_path}: not allowed for these credentials (403): {reason}",
            status,
            error_type,
            reason,
        )
    if error_type == "media_type_header_exception":
        return ConnectionFailed(
            f"Elasticsearch at {url} refused the request headers: {reason}.",
            "eisops needs Elasticsearch 8.18 or later.",
        )
    text = f"{error_type}: {reason}" if error_type else reason
    return ClusterRequestError(f"{method} {url_path} failed ({status}): {text}", status, error_type, text)


def _transport_failure(exc: transport.TransportError, url: str) -> ConnectionFailed:
    cause = exc.message
    if isinstance(exc, transport.TlsError) and exc.certificate:
        return ConnectionFailed(
            f"cannot verify the TLS certificate of {url}: {cause}.",
            "Pass the cluster's CA certificate with --ca-cert or ELASTICSEARCH_CA_CERT.",
        )
    if isinstance(exc, transport.TlsError):
        return ConnectionFailed(
            f"the TLS handshake with {url} failed: {cause}.",
            "Check the URL's scheme and port: is it https there, or plain http?",
        )
    if isinstance(exc, transport.ConnectionTimeout):
        return ConnectionFailed(
            f"Elasticsearch at {url} did not answer in time.",
            "Check that the cluster is healthy and reachable from here.",
        )
    return ConnectionFailed(
        f"cannot reach Elasticsearch at {url}: {_short(cause)}.",
        "Check --url or ELASTICSEARCH_URL, and that the cluster is running.",
    )


def _short(cause: str) -> str:
    # The operating system's words for the usual reasons, in lower case; else the first line.
    for marker in ("Connection refused", "Name or service not known", "nodename nor servname",
                   "No route to host", "timed out", "Temporary failure in name resolution"):
        if marker in cause:
            return marker.lower()
    return cause.split("\n")[0][:200]


def connect(settings: ConnectionSettings, on_retry: Callable[[str], None] | None = None,
            detect_version: bool = True) -> Cluster:
    """Open a connection and learn the server version. Raises ConnectionFailed with the fix.
    The credentials (password, API key, any in the URL) are remembered as secrets, so that no
    output shows them; the cluster's ``url`` is the URL without them. ``detect_version=False``:
    send nothing yet, the caller asks for the version with its first reads
    (``Cluster.detect_version``), so that it costs no round trip of its own."""
    for credential in (settings.password, settings.api_key):
        secrets.remember(credential)
    secrets.remember_url_credentials(settings.url)
    shown = secrets.url_without_credentials(settings.url)
    headers = {"user-agent": _USER_AGENT}
    if settings.api_key:
        headers["authorization"] = transport.api_key_authorization(settings.api_key)
    elif settings.username or settings.password:
        if not (settings.username and settings.password):
            raise ConnectionFailed(
                "ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD must be set together.",
            )
        headers["authorization"] = transport.basic_authorization(settings.username, settings.password)
    if settings.ca_cert and not os.path.isfile(settings.ca_cert):
        raise ConnectionFailed(f"the CA certificate file {settings.ca_cert} does not exist.")
    if "://" not in settings.url:
        raise ConnectionFailed(
            f"the URL {shown!r} has no scheme.", "Write it as http://host:port or https://host:port."
        )
    try:
        node = transport.Node.from_url(settings.url)
    except transport.InvalidURL as exc:
        raise ConnectionFailed(f"cannot use the URL {shown}: {secrets.redact(str(exc))}.") from None
    context = None
    if node.scheme == "https":
        try:
            context = transport.tls_context(settings.ca_cert)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            raise ConnectionFailed(f"cannot use the CA certificate file {settings.ca_cert}: {exc}.") from None
    # A plan's reads all go at once, and apply makes up to --parallelism changes at once: none of
    # them waits for a connection; connections are opened as they are needed, MAX_CONNECTIONS kept.
    pool = transport.Transport(node, headers, context, max_idle=MAX_CONNECTIONS)
    has_credentials = "authorization" in headers or node.authorization is not None
    cluster = Cluster(pool, shown, has_credentials=has_credentials)
    cluster.timeout = settings.request_timeout
    cluster.on_retry = on_retry
    if detect_version:
        cluster.detect_version()
    return cluster


#: The lowest node version. ``GET /`` lives in a module that some distributions lack, so ask _nodes.
VERSION = Read("/_nodes/_local", (("filter_path", "nodes.*.version"),))


def _detect_version(cluster: Cluster) -> str | None:
    """The lowest node version. ``GET /`` lives in a module that some distributions lack, so ask _nodes."""
    try:
        body = cluster.read(VERSION)
    except ClusterRequestError as exc:
        if exc.status == 403:
            return None  # no monitor privilege: carry on without the version
        raise
    nodes = (body or {}).get("nodes") or {}
    versions = [n.get("version") for n in nodes.values() if isinstance(n, dict) and n.get("version")]
    return min(versions, key=version_tuple) if versions else None
