"""HTTP/1.1 to one Elasticsearch node, over the standard library's ``http.client``.

What it is for: sending one request and reading its whole answer. Keep-alive connections are
shared by the threads of a plan's reads and of apply's writes (opened as they are needed, up to
``max_idle`` kept for the next request, a connection the server closed while it waited never
reused); TLS is verified against the CA certificate given, or else the system's store (the
``certifi`` bundle when the system has none); every request has its own timeout.

What it must not do: retry (``Cluster.request`` decides what may be sent again and when),
understand Elasticsearch's answers beyond status, headers and body, or print.

Why not the official client's transport: eisops sends a few dozen plain requests to one node.
Importing the ``elasticsearch`` package (its API modules, sync and async, asyncio and urllib3)
took 150 ms of every start, a third of a no-change plan of 1,000 resources; ``http.client`` is
part of the interpreter. What the client did on the wire is kept by ``Cluster`` (its
compatibility media types, the product check, the errors).
"""

from __future__ import annotations

import base64
import errno
import http.client
import select
import socket
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:  # pragma: no cover
    import ssl


class TransportError(Exception):
    """No answer came: the request may or may not have reached Elasticsearch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CannotConnect(TransportError):
    """Nothing took the connection: refused, or the host name is unknown. The request was not sent."""


class ConnectionTimeout(TransportError):
    """No answer within the request's timeout (connecting, sending or waiting for it)."""


class TlsError(TransportError):
    """The TLS handshake failed: a certificate that cannot be verified (``certificate``), or no
    TLS at all on the other side (https to a port that speaks plain HTTP)."""

    def __init__(self, message: str, certificate: bool):
        super().__init__(message)
        self.certificate = certificate


class ConnectionLost(TransportError):
    """The connection broke before the whole answer had come (reset, closed, cut short)."""


class InvalidURL(ValueError):
    pass


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage  # names are case-insensitive
    data: bytes

    @property
    def mimetype(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Node:
    """Where requests go, and the Authorization header the URL itself carries (user:password@)."""

    scheme: str
    host: str
    port: int
    path_prefix: str
    authorization: str | None

    @classmethod
    def from_url(cls, url: str) -> "Node":
        """``https://user:pass@host:9243/prefix`` -> its parts. HTTPS without a port is 443; HTTP
        needs the port said (Elasticsearch listens on 9200, a URL without one is most likely a
        mistake), as the official client requires too."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise InvalidURL(f"it cannot be parsed ({exc})") from None
        if parts.scheme not in ("http", "https"):
            raise InvalidURL("its scheme must be http or https")
        if not parts.hostname:
            raise InvalidURL("it has no host")
        if port is None:
            if parts.scheme != "https":
                raise InvalidURL("it has no port; write it as http://host:port (Elasticsearch listens on 9200)")
            port = 443
        authorization = None
        if parts.username is not None or parts.password is not None:
            authorization = basic_authorization(unquote(parts.username or ""), unquote(parts.password or ""))
        prefix = parts.path.rstrip("/")
        return cls(parts.scheme, parts.hostname, port, prefix, authorization)


def basic_authorization(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode("utf-8")).decode("ascii")


def api_key_authorization(api_key: str) -> str:
    """An API key as ``POST _security/api_key`` returns it encoded (``encoded``), sent as it is."""
    return f"ApiKey {api_key}"


def tls_context(ca_cert: str | None) -> "ssl.SSLContext":
    import ssl  # only for https: not on the way of a plan against http://

    if ca_cert:
        return ssl.create_default_context(cafile=ca_cert)
    context = ssl.create_default_context()
    if not context.cert_store_stats().get("x509_ca"):
        try:
            import certifi
        except ImportError:  # pragma: no cover - certifi is installed beside most Pythons
            return context
        context.load_verify_locations(cafile=certifi.where())
    return context


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """Whether an idle connection can no longer be used: the server closed it (a readable
    socket with nothing asked of it is an end of file, or an answer nobody waits for)."""
    sock = conn.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class Transport:
    """Requests to one node, from any number of threads at once."""

    def __init__(self, node: Node, headers: dict[str, str], context: "ssl.SSLContext | None" = None,
                 max_idle: int = 100):
        self.node = node
        self.headers = dict(headers)
        if node.authorization and "authorization" not in {k.lower() for k in self.headers}:
            self.headers["authorization"] = node.authorization
        self._context = context
        self._max_idle = max_idle
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        while True:
            with self._lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                break
            if _dropped(conn):
                conn.close()
                continue
            conn.timeout = timeout
            conn.sock.settimeout(timeout)
            return conn
        if self.node.scheme == "https":
            return http.client.HTTPSConnection(self.node.host, self.node.port, timeout=timeout,
                                               context=self._context)
        return http.client.HTTPConnection(self.node.host, self.node.port, timeout=timeout)

    def _release(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self._max_idle:
                self._idle.append(conn)
                return
        conn.close()

    def perform(self, method: str, target: str, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 60.0) -> Response:
        """Send ``method target`` (path and query) with ``body`` and return the whole answer,
        whatever its status; raises a ``TransportError`` when no whole answer came."""
        conn = self._connection(timeout)
        try:
            conn.request(method, self.node.path_prefix + target, body=body, headers={**self.headers, **(headers or {})})
            answer = conn.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise _transport_error(exc) from exc
        except BaseException:
            conn.close()
            raise
        if answer.will_close:
            conn.close()
        else:
            self._release(conn)
        return Response(answer.status, answer.headers, data)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _transport_error(exc: OSError | http.client.HTTPException) -> TransportError:
    """The failure as one of this module's, its reason said in a few words."""
    import ssl

    if isinstance(exc, ssl.SSLCertVerificationError):
        return TlsError(exc.verify_message or str(exc), certificate=True)
    if isinstance(exc, ssl.SSLError):
        return TlsError((exc.reason or str(exc)).replace("_", " ").lower(), certificate=False)
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError (3.10+)
        return ConnectionTimeout("timed out")
    if isinstance(exc, ConnectionRefusedError):
        return CannotConnect("Connection refused")
    if isinstance(exc, socket.gaierror):
        return CannotConnect(exc.strerror or "Name or service not known")
    if isinstance(exc, http.client.HTTPException):  # RemoteDisconnected, IncompleteRead, BadStatusLine
        return ConnectionLost(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    if isinstance(exc, OSError) and exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return ConnectionLost(exc.strerror or "No route to host")
    return ConnectionLost(getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)


def encode_json(body: Any) -> bytes:
    """A body as the official client serialized it: compact, not ASCII-escaped, dates as ISO 8601."""
    import json

    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_json_default).encode(
        "utf-8", "surrogatepass")


def _json_default(value: Any) -> Any:
    import datetime
    import decimal
    import uuid

    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"a {type(value).__name__} cannot be sent as JSON: {value!r}")
