"""A thin wrapper over the official Python client: connect, send one request, translate errors.

Every request eisops makes goes through ``Cluster.request`` so that errors read the same
everywhere and the number of requests is easy to see. This module must not know about
resource kinds or plans.
"""

from __future__ import annotations

import os
import random
import threading
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import elastic_transport
import elasticsearch
from elasticsearch import Elasticsearch

from eisops import secrets
from eisops.cluster import DEFAULT_URL, path, version_tuple  # noqa: F401 - also imported from here
from eisops.errors import ClusterRequestError, ConnectionFailed

_JSON = {"accept": "application/json", "content-type": "application/json"}

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


def _retry_after(exc: elasticsearch.ApiError) -> float | None:
    headers = getattr(exc.meta, "headers", None) or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
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


def _quiet_deprecations() -> None:
    """Deprecation headers are Elasticsearch's advice to the operator, not errors: ignored for the
    process once a connection is made (warnings.catch_warnings around each request is not safe when
    requests run in threads)."""
    warnings.filterwarnings("ignore", category=elasticsearch.ElasticsearchWarning)


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

    def __init__(self, client: Elasticsearch, url: str, has_credentials: bool = False):
        self.client = client
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
        query = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        headers = {**_JSON, "accept": accept} if accept else _JSON
        if ndjson:  # a _bulk body: lines of JSON, already serialized
            headers = {**headers, "content-type": "application/x-ndjson"}
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
            client = self.client.options(request_timeout=max(0.5, min(attempt_timeout, remaining)))
            try:
                response = client.perform_request(method, url_path, params=query or None, headers=headers, body=body)
                return response.body
            except elasticsearch.ApiError as exc:
                status = exc.meta.status if exc.meta else None
                error_type, _ = _reason(exc.body)
                if status == 404 and missing_ok:
                    return None
                if maybe_done and (status == 404 and method == "DELETE"
                                   or error_type == "resource_already_exists_exception" and method == "PUT"):
                    # The earlier attempt did it: its own delete, its own create. The read-back after
                    # the change checks the object is the plan's.
                    return None
                wait = _retry_after(exc) if status in RETRY_STATUSES else None
                if status in RETRY_STATUSES and (safe or status in NOT_CARRIED_OUT):
                    if self._wait(method, url_path, attempt, deadline, f"{status} {error_type or ''}".strip(), wait):
                        continue
                raise _translate(exc, method, url_path, self.url, self.has_credentials) from None
            except elastic_transport.TransportError as exc:
                if isinstance(exc, elastic_transport.TlsError):
                    raise _transport_failure(exc, self.url) from None
                detail = str(getattr(exc, "message", "") or exc) + " " + " ".join(map(str, getattr(exc, "errors", ())))
                refused = isinstance(exc, elastic_transport.ConnectionError) and "refused" in detail.lower()
                if refused and attempt == 1:
                    # Nothing listens there: most likely a wrong URL, said at once (a node that
                    # refuses mid-run, restarting, is given the retries).
                    raise _transport_failure(exc, self.url) from None
                if not refused and not safe:
                    maybe_done = True
                why = "no answer in time" if isinstance(exc, elastic_transport.ConnectionTimeout) else \
                    "connection refused" if refused else "connection lost"
                if self._wait(method, url_path, attempt, deadline, why, None):
                    continue
                raise _transport_failure(exc, self.url) from None

    def _wait(self, method: str, url_path: str, attempt: int, deadline: float, why: str,
              retry_after: float | None) -> bool:
        """Sleep before the next attempt (Retry-After when Elasticsearch gave one, else exponential
        backoff with full jitter); False when that would pass the deadline."""
        pause = retry_after if retry_after is not None else random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** attempt))
        if time.monotonic() + pause >= deadline:
            return False
        if self.on_retry is not None:
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
        self.client.close()


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _translate(exc: elasticsearch.ApiError, method: str, url_path: str, url: str,
               has_credentials: bool = True) -> Exception:
    if isinstance(exc, elasticsearch.UnsupportedProductError):
        return ConnectionFailed(f"the server at {url} is not Elasticsearch.", "Check --url or ELASTICSEARCH_URL.")
    status = exc.meta.status if exc.meta else None
    error_type, reason = _reason(exc.body)
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


def _transport_failure(exc: elastic_transport.TransportError, url: str) -> ConnectionFailed:
    cause = str(getattr(exc, "message", "") or exc)
    if isinstance(exc, elastic_transport.TlsError):
        return ConnectionFailed(
            f"cannot verify the TLS certificate of {url}: {cause}.",
            "Pass the cluster's CA certificate with --ca-cert or ELASTICSEARCH_CA_CERT.",
        )
    if isinstance(exc, elastic_transport.ConnectionTimeout):
        return ConnectionFailed(
            f"Elasticsearch at {url} did not answer in time.",
            "Check that the cluster is healthy and reachable from here.",
        )
    return ConnectionFailed(
        f"cannot reach Elasticsearch at {url}: {_short(cause)}.",
        "Check --url or ELASTICSEARCH_URL, and that the cluster is running.",
    )


def _short(cause: str) -> str:
    # The transport's messages nest the whole urllib3 exception; its last clause says why.
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
    kwargs: dict[str, Any] = {
        # A plan's reads all go at once, and apply makes up to --parallelism changes at once:
        # none of them may wait for a connection. Connections are opened as they are needed.
        "connections_per_node": MAX_CONNECTIONS,
        "request_timeout": settings.request_timeout,
        "max_retries": 0,  # eisops retries, in Cluster.request
        "retry_on_timeout": False,
    }
    if settings.api_key:
        kwargs["api_key"] = settings.api_key
    elif settings.username or settings.password:
        if not (settings.username and settings.password):
            raise ConnectionFailed(
                "ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD must be set together.",
            )
        kwargs["basic_auth"] = (settings.username, settings.password)
    if settings.ca_cert:
        if not os.path.isfile(settings.ca_cert):
            raise ConnectionFailed(f"the CA certificate file {settings.ca_cert} does not exist.")
        kwargs["ca_certs"] = settings.ca_cert
    if not settings.url.startswith(("http://", "https://")):
        raise ConnectionFailed(
            f"the URL {shown!r} has no scheme.", "Write it as http://host:port or https://host:port."
        )
    try:
        client = Elasticsearch(settings.url, **kwargs)
    except ValueError as exc:
        raise ConnectionFailed(f"cannot use the URL {shown}: {secrets.redact(str(exc))}") from None
    _quiet_deprecations()
    has_credentials = "api_key" in kwargs or "basic_auth" in kwargs or shown != settings.url
    cluster = Cluster(client, shown, has_credentials=has_credentials)
    cluster.timeout = settings.request_timeout
    cluster.on_retry = on_retry
    if detect_version:
        cluster.detect_version()
    return cluster


def _detect_version(cluster: Cluster) -> str | None:
    """The lowest node version. ``GET /`` lives in a module that some distributions lack, so ask _nodes."""
    try:
        body = cluster.request("GET", "/_nodes/_local", params={"filter_path": "nodes.*.version"})
    except ClusterRequestError as exc:
        if exc.status == 403:
            return None  # no monitor privilege: carry on without the version
        raise
    nodes = (body or {}).get("nodes") or {}
    versions = [n.get("version") for n in nodes.values() if isinstance(n, dict) and n.get("version")]
    return min(versions, key=version_tuple) if versions else None
