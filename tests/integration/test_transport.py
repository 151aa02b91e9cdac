"""The HTTP layer (eisops.cluster.transport) and what Cluster sends on it: URLs, the headers and
bodies the official client sent (its compatibility media types), the product check, TLS with a
CA given, keep-alive connections reused and a connection the server closed never reused."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from elasticsearch import Elasticsearch

from eisops.cluster import transport
from eisops.cluster.connection import ConnectionSettings, connect
from eisops.errors import ConnectionFailed
from tests.bench.latency_proxy import LatencyProxy
from tests.helpers import write_manifests


@pytest.mark.parametrize("url, scheme, host, port, prefix, authorization", [
    ("http://localhost:9200", "http", "localhost", 9200, "", None),
    ("https://es.example.com", "https", "es.example.com", 443, "", None),
    ("https://es.example.com:9243/", "https", "es.example.com", 9243, "", None),
    ("http://10.0.0.1:9200/proxy/es/", "http", "10.0.0.1", 9200, "/proxy/es", None),
    ("http://[::1]:9200", "http", "::1", 9200, "", None),
    # user:password in the URL, percent-decoded, as the Authorization header (as the official client did)
    ("http://elastic:p%40ss%3Aword@localhost:9200", "http", "localhost", 9200, "", transport.basic_authorization(
        "elastic", "p@ss:word")),
])
def test_a_url_names_the_node(url, scheme, host, port, prefix, authorization):
    node = transport.Node.from_url(url)
    assert (node.scheme, node.host, node.port, node.path_prefix, node.authorization) == (
        scheme, host, port, prefix, authorization)


@pytest.mark.parametrize("url, why", [
    ("http://localhost", "it has no port"),
    ("ftp://localhost:21", "its scheme must be http or https"),
    ("http://:9200", "it has no host"),
    ("http://localhost:99999", "it cannot be parsed"),
])
def test_a_url_it_cannot_use_is_refused_with_the_reason(url, why):
    with pytest.raises(transport.InvalidURL, match=why):
        transport.Node.from_url(url)
    with pytest.raises(ConnectionFailed, match=f"cannot use the URL .*: {why}"):
        connect(ConnectionSettings(url=url))


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request with ``answer`` (status, headers, body) and keeps what it was sent."""

    protocol_version = "HTTP/1.1"
    requests: list
    answer: tuple
    connections: set

    def log_message(self, *args):
        return

    def _any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        self.connections.add(self.client_address)
        status, headers, data = self.answer
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if headers.get("X-Close-After"):
            # Closes the connection without saying so (no "Connection: close"), as a proxy or a
            # node that drops idle connections does.
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = _any


@pytest.fixture
def recorder():
    def start(status=200, headers=None, data=b"{}"):
        handler = type("Handler", (_Recorder,), {"requests": [], "connections": set(),
                                                  "answer": (status, {"X-Elastic-Product": "Elasticsearch",
                                                                      "Content-Type": "application/json",
                                                                      **(headers or {})}, data)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return handler, f"http://127.0.0.1:{server.server_address[1]}"

    servers: list = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_requests_carry_the_official_clients_media_types_and_eisops_user_agent(recorder):
    handler, url = recorder()
    cluster = connect(ConnectionSettings(url=url, api_key="a2V5OnNlY3JldA=="), detect_version=False)
    cluster.request("PUT", "/_ingest/pipeline/p", body={"description": "café", "processors": []},
                    params={"filter_path": "a.*,b", "flat_settings": True})
    cluster.request("POST", "/_bulk", body='{"index":{}}\n{"a":1}\n', ndjson=True)
    cluster.close()
    (method, path, headers, body), (_, _, bulk_headers, bulk_body) = handler.requests
    assert (method, path) == ("PUT", "/_ingest/pipeline/p?filter_path=a.*,b&flat_settings=true")
    assert headers["accept"] == headers["content-type"] == "application/vnd.elasticsearch+json; compatible-with=8"
    assert headers["authorization"] == "ApiKey a2V5OnNlY3JldA=="
    assert headers["user-agent"].startswith("eisops/")
    assert body == '{"description":"café","processors":[]}'.encode("utf-8")  # compact, not ASCII-escaped
    assert bulk_headers["content-type"] == "application/vnd.elasticsearch+x-ndjson; compatible-with=8"
    assert bulk_body == b'{"index":{}}\n{"a":1}\n'


def test_a_target_is_sent_as_ascii_escaped_and_eisops_own_paths_unchanged(recorder):
    # A path or parameter name from a saved plan edited by hand may hold anything; http.client
    # sends only ASCII, so it is escaped (as urllib3 did) instead of failing with UnicodeEncodeError.
    from eisops.cluster import path

    handler, url = recorder()
    cluster = connect(ConnectionSettings(url=url), detect_version=False)
    cluster.request("GET", path("logs-*", "a@b,c"), params={"expand_wildcards": "open,hidden"})
    cluster.request("GET", "/_index_template/caf\u00e9 x?y", params={"n\u00e4me": "v\u00e4lue", "x\r\n": "\ud800"})
    cluster.close()
    assert [p for _, p, _, _ in handler.requests] == [
        "/logs-*/a@b,c?expand_wildcards=open,hidden",
        "/_index_template/caf%C3%A9%20x%3Fy?n%C3%A4me=v%C3%A4lue&x%0D%0A=%ED%A0%80"]


def test_basic_credentials_go_in_the_authorization_header(recorder):
    handler, url = recorder()
    cluster = connect(ConnectionSettings(url=url, username="elastic", password="changeme"), detect_version=False)
    cluster.request("GET", "/")
    cluster.close()
    assert handler.requests[0][2]["authorization"] == transport.basic_authorization("elastic", "changeme")


def test_an_answer_without_the_product_header_is_not_elasticsearch(recorder):
    _, url = recorder(headers={"X-Elastic-Product": ""})
    cluster = connect(ConnectionSettings(url=url), detect_version=False)
    with pytest.raises(ConnectionFailed, match=f"the server at {url} is not Elasticsearch"):
        cluster.request("GET", "/_index_template")


def test_a_2xx_answer_that_is_not_json_is_an_error_that_says_so(recorder):
    _, url = recorder(data=b"<html>")
    cluster = connect(ConnectionSettings(url=url), detect_version=False)
    with pytest.raises(Exception, match="GET /_index_template: the answer is not JSON"):
        cluster.request("GET", "/_index_template")


def test_keep_alive_connections_are_reused(recorder):
    handler, url = recorder()
    cluster = connect(ConnectionSettings(url=url), detect_version=False)
    for _ in range(5):
        cluster.request("GET", "/_component_template")
    cluster.close()
    assert len(handler.requests) == 5 and len(handler.connections) == 1


def test_a_connection_the_server_closed_while_idle_is_not_reused(recorder):
    handler, url = recorder(headers={"X-Close-After": "1"})
    retries: list[str] = []
    cluster = connect(ConnectionSettings(url=url), on_retry=retries.append, detect_version=False)
    for _ in range(3):
        cluster.request("PUT", "/books")  # not safe to repeat: a broken reuse would show as a retry
        time.sleep(0.2)  # idle: the server's close has arrived before the next request
    cluster.close()
    assert len(handler.requests) == 3 and len(handler.connections) == 3
    assert retries == []


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a self-signed certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return cert, context


def test_https_with_the_clusters_ca_certificate(fake_es, eisops, tmp_path, certificate):
    cert, context = certificate
    manifests = write_manifests(tmp_path / "m", {
        "eisops.yaml": "project: tls\n",
        "p.yaml": "kind: IngestPipeline\nname: p\nspec: {processors: [{set: {field: a, value: 1}}]}\n"})
    with LatencyProxy(fake_es.port, 0.0, tls=context) as proxy:
        assert proxy.url.startswith("https://")
        code, out, err = eisops("apply", manifests, "--url", proxy.url, "--ca-cert", cert, "--auto-approve")
        assert code == 0, out + err
        code, out, err = eisops("plan", manifests, "--url", proxy.url, "--detailed-exitcode")
        assert code == 1 and "cannot verify the TLS certificate" in err and "--ca-cert" in err  # without the CA
        code, out, err = eisops("plan", manifests, "--url", proxy.url, "--ca-cert", cert, "--detailed-exitcode")
        assert code == 0, out + err
    assert "p" in Elasticsearch(fake_es.url).ingest.get_pipeline().body


def test_https_to_a_port_that_speaks_http_says_so(fake_es, eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {
        "eisops.yaml": "project: tls\n",
        "p.yaml": "kind: IngestPipeline\nname: p\nspec: {processors: [{set: {field: a, value: 1}}]}\n"})
    code, out, err = eisops("plan", manifests, "--url", f"https://127.0.0.1:{fake_es.port}")
    assert code == 1
    assert f"the TLS handshake with https://127.0.0.1:{fake_es.port} failed" in err
    assert "plain http" in err


def test_a_ca_certificate_file_that_is_not_one_is_refused(tmp_path):
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate\n")
    with pytest.raises(ConnectionFailed, match=f"cannot use the CA certificate file {bad}"):
        connect(ConnectionSettings(url="https://127.0.0.1:9200", ca_cert=str(bad)), detect_version=False)


def test_a_read_sent_ahead_is_answered_once_and_a_write_drops_the_rest(recorder):
    from eisops.cluster import Read

    handler, url = recorder()
    listing, other = Read("/_component_template", missing_ok=True), Read("/_index_template", missing_ok=True)
    cluster = connect(ConnectionSettings(url=url), detect_version=False)
    cluster.send_ahead([listing, other])
    deadline = time.monotonic() + 10
    while len(handler.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert cluster.read(listing) == {} and len(handler.requests) == 2  # the answer that came ahead
    assert cluster.read(listing) == {} and len(handler.requests) == 3  # taken once: asked again
    cluster.request("PUT", "/_component_template/c", body={"template": {}})
    assert cluster.read(other) == {} and len(handler.requests) == 5  # sent before the write: asked afresh
    cluster.close()


def test_invalid_manifests_are_reported_before_a_cluster_that_cannot_be_reached(tmp_path):
    """The plan sends its first reads before it loads the manifests; the manifests' problems still
    come first, and the command does not wait for reads nobody answers."""
    manifests = write_manifests(tmp_path / "m", {"eisops.yaml": "project: p\n",
                                                 "p.yaml": "kind: IngestPipeline\nname: p\nspec: {processors: 3}\n"})
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # takes connections, never answers
    try:
        for url in (f"http://127.0.0.1:{silent.getsockname()[1]}", "http://localhost", "ftp://x:1"):
            started = time.monotonic()
            result = subprocess.run([sys.executable, "-m", "eisops", "plan", str(manifests), "--url", url],
                                    capture_output=True, text=True, timeout=30)
            assert result.returncode == 1, result.stderr
            assert "processors must be a list of processors" in result.stderr, result.stderr
            assert "Elasticsearch" not in result.stderr and "URL" not in result.stderr, result.stderr
            assert time.monotonic() - started < 20  # the default timeout is 60 s: nothing waited for it
    finally:
        silent.close()
