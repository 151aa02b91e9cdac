"""HTTP front end of the fake: socket server, media types, dispatch, responses.

What it is for: ``FakeElasticsearch`` — a real HTTP server (ThreadingHTTPServer
on a background thread) speaking to the official ``elasticsearch`` client:
every response carries ``X-Elastic-Product: Elasticsearch`` and a JSON
content type (the compatible-with media type when the client asked for one);
``compatible-with=N`` is checked against the emulated major (an 8.x server
refuses 9 with ``media_type_header_exception``, as ES 8 does); errors are
rendered as ES error envelopes; deprecation warnings the API modules record
(``state.warnings``) go out as ``Warning`` headers; ``filter_path`` is applied centrally to
every response but error envelopes (ES does not filter error bodies); every request is
recorded in ``requests`` for tests.

What it must not do: implement API behaviour (the API modules do) or touch
anything outside its own in-memory state.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from . import (aliases, cluster, documents, indices, inference, inference_run, pipelines, reindex, scroll, stats,
               templates)
from .errors import EsError, RawResponse
from .filter_path import apply_filter_path
from .routing import Request, Router
from .state import ClusterState

_COMPAT = re.compile(r"compatible-with=(\d+)")
_ACCEPTED_TYPES = ("application/json", "application/x-ndjson", "application/vnd.elasticsearch+json",
                   "application/vnd.elasticsearch+x-ndjson", "application/yaml", "application/smile",
                   "application/cbor")


def build_router() -> Router:
    router = Router()
    # Registration order does not matter: literal segments always win over placeholders.
    for module in (cluster, inference, inference_run, pipelines, templates, aliases, documents, indices, scroll,
                   reindex, stats):
        module.register(router)
    return router


def _media_type_error(headers: dict[str, str], major: int) -> EsError | None:
    accept = headers.get("accept", "")
    ctype = headers.get("content-type", "")
    versions = {}
    for name, value in (("Accept", accept), ("Content-Type", ctype)):
        m = _COMPAT.search(value)
        if m:
            versions[name] = (int(m.group(1)), value)
    allowed = (major, major - 1)
    for name in ("Accept", "Content-Type"):
        if name in versions and versions[name][0] not in allowed:
            version, value = versions[name]
            cause = EsError(
                "status_exception",
                f"{name} version must be either version {allowed[0]} or {allowed[1]}, but found {version}. {name}={value}",
                400,
            )
            names = ", ".join(n for n in ("Content-Type", "Accept") if (n == "Accept" and accept) or (n == "Content-Type" and ctype))
            return EsError("media_type_header_exception", f"Invalid media-type value on headers [{names}]", 400, cause)
    if len(versions) == 2 and versions["Accept"][0] != versions["Content-Type"][0]:
        return EsError(
            "media_type_header_exception", "Invalid media-type value on headers [Content-Type, Accept]", 400,
            EsError("status_exception",
                    "A compatible version is required on both Content-Type and Accept headers if either one has "
                    "requested a compatible version and the compatible versions must match. "
                    f"Accept={accept}, Content-Type={ctype}", 400),
        )
    return None


def _is_error(status: int, payload: Any) -> bool:
    """ES filters every response but error envelopes: a 408 health or the 404 empty list of a
    template pattern are filtered (8.19.21, 9.5.2)."""
    return status >= 300 and isinstance(payload, dict) and "error" in payload


class _IncompleteRequest(Exception):
    """The client went away before the request's body had arrived whole."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # small header + body writes must not wait for delayed ACKs
    wbufsize = 64 * 1024  # buffered: handle_one_request flushes once per response
    server_version = "fake-elasticsearch"
    fake: "FakeElasticsearch"  # set on the subclass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence access logs
        return

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            # Elasticsearch (Netty's HttpObjectAggregator) dispatches a request only once its whole
            # body has arrived; one whose connection closed inside the body is never carried out.
            raise _IncompleteRequest
        return body

    def _handle(self) -> None:
        fake = self.fake
        try:
            body = self._read_body()
        except (_IncompleteRequest, ValueError, ConnectionError):
            self.close_connection = True
            return
        split = urlsplit(self.path)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake._record(self.command, unquote(split.path) or "/", dict(query))
        request = Request(self.command, split.path or "/", self.path, query, headers, body, fake.state)
        status, payload, extra = self._dispatch(request, headers)
        accept_compat = _COMPAT.search(headers.get("accept", ""))
        if accept_compat and "elasticsearch" in headers.get("accept", ""):
            ctype = f"application/vnd.elasticsearch+json;compatible-with={accept_compat.group(1)}"
        else:
            ctype = "application/json"
        data = payload
        if isinstance(payload, str):  # a streamed answer (server-sent events), sent as it is
            ctype = extra.pop("Content-Type", "text/plain")
            data = payload.encode("utf-8")
        self.send_response(status)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in extra.items():
            for item in (value if isinstance(value, list) else [value]):
                self.send_header(key, item)
        self.end_headers()
        if data:
            self.wfile.write(data)

    def _dispatch(self, request: Request, headers: dict[str, str]) -> tuple[int, bytes | str, dict]:
        """The status, the body (serialized JSON, or the text of a streamed answer) and the extra
        headers. The answer is filtered and serialized under the state's lock, so that a handler
        may answer with the stored objects themselves: no other request changes them meanwhile."""
        fake = self.fake
        warnings: list[str] = []
        try:
            media_error = _media_type_error(headers, fake.state.version.major)
            if media_error is not None:
                raise media_error
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if request.body.strip() and ctype and ctype not in _ACCEPTED_TYPES:
                raise RawResponse(406, {"error": f"Content-Type header [{headers.get('content-type')}] is not supported",
                                        "status": 406})
            with fake.state.lock:
                fake.state.warnings.clear()
                try:
                    result = fake.router.dispatch(request)
                    status, payload = result if isinstance(result, tuple) else (200, result)
                    data = self._serialized(request, status, payload)
                finally:
                    warnings = list(fake.state.warnings)
                    fake.state.warnings.clear()
            return status, data, self._warning_headers(warnings)
        except EsError as err:
            return err.status, self._serialized(request, err.status, err.to_body()), self._warning_headers(warnings)
        except RawResponse as raw:
            return raw.status, self._serialized(request, raw.status, raw.body), raw.headers
        except Exception as exc:  # a bug in the fake: make it loud, shaped like ES
            traceback.print_exc(file=sys.stderr)
            err = EsError("exception", f"fake Elasticsearch internal error: {exc!r}", 500)
            return 500, self._serialized(request, 500, err.to_body()), {}

    def _serialized(self, request: Request, status: int, payload: Any) -> bytes | str:
        if isinstance(payload, str):
            return payload
        if payload is None or self.command == "HEAD":
            return b""
        if "filter_path" in request.query and not _is_error(status, payload):
            payload = apply_filter_path(payload, request.query["filter_path"])
        indent = 2 if request.query.get("pretty") in ("", "true") else None
        return json.dumps(payload, indent=indent).encode("utf-8")

    def _warning_headers(self, warnings: list[str]) -> dict:
        """Deprecation warnings as ES sends them: one ``Warning: 299 Elasticsearch-<version>-<build
        hash> "<text>"`` header each (HeaderWarning; 8.19.21, 9.5.2)."""
        version = self.fake.state.version
        return {"Warning": [f'299 Elasticsearch-{version}-{"0" * 40} "{w}"' for w in warnings]} if warnings else {}

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops the connections a client opens at once beyond it
    # (their SYN is retried a second later): Elasticsearch's is the system's (somaxconn).
    request_queue_size = 128


class FakeElasticsearch:
    """An in-process fake Elasticsearch node (see module docstring)."""

    def __init__(self, version: str = "9.2.0", eis: bool = True, host: str = "127.0.0.1", port: int = 0) -> None:
        self.version = version
        self.eis = eis
        self.host = host
        self.port = port
        self.state = ClusterState(version, eis)
        self.router = build_router()
        self.requests: list[tuple[str, str, dict]] = []
        self._requests_lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --------------------------------------------------------------- control
    def start(self) -> "FakeElasticsearch":
        if self._server is not None:
            return self
        handler = type("FakeEsHandler", (_Handler,), {"fake": self})
        server = _Server((self.host, self.port), handler)
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.5}, name="fake-elasticsearch", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        server = self._server
        stopper = threading.Thread(target=server.shutdown, daemon=True)
        stopper.start()
        # Wake serve_forever's select() so the shutdown request is seen at once.
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        while stopper.is_alive():
            try:
                socket.create_connection((host, self.port), timeout=0.2).close()
            except OSError:
                pass
            stopper.join(0.01)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> "FakeElasticsearch":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("fake Elasticsearch is not started")
        return f"http://{self.host}:{self.port}"

    # -------------------------------------------------------------- requests
    def _record(self, method: str, path: str, query: dict) -> None:
        with self._requests_lock:
            self.requests.append((method, path, query))

    def reset_requests(self) -> None:
        with self._requests_lock:
            self.requests.clear()

    def reset(self) -> None:
        """Forget every stored object (back to a fresh cluster)."""
        with self.state.lock:
            self.state = ClusterState(self.version, self.eis)
