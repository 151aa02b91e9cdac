"""Server-level behaviour of the fake: info, headers, media types, routing errors,
filter_path, request recording, nodes/health, the CLI and the pytest plugin."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from tests.fake_es import FakeElasticsearch
from tests.fake_es.filter_path import apply_filter_path

from .conftest import error_of

ROOT = Path(__file__).resolve().parents[2]


def raw(fake: FakeElasticsearch, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection(fake.host, fake.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), (json.loads(data) if data else None)


def test_info_reports_version_and_tagline(es):
    info = es.info()
    assert info["version"]["number"] == "9.3.0"
    assert info["tagline"] == "You Know, for Search"
    assert info["cluster_name"] and info["cluster_uuid"] and info["name"]


@pytest.mark.parametrize("version", ["9.2.0", "8.19.8"])
def test_info_follows_emulated_version(make_es, version):
    _, client = make_es(version=version)
    assert client.info()["version"]["number"] == version


def test_every_response_carries_product_header_and_json_type(fake_es):
    for path in ("/", "/does-not-exist"):
        status, headers, _ = raw(fake_es, "GET", path)
        assert headers["X-Elastic-Product"] == "Elasticsearch"
        assert headers["Content-Type"] == "application/json"
    _, headers, _ = raw(fake_es, "GET", "/", headers={"Accept": "application/vnd.elasticsearch+json; compatible-with=8"})
    assert headers["Content-Type"] == "application/vnd.elasticsearch+json;compatible-with=8"


@pytest.mark.parametrize(
    "version,compat,expected",
    [("9.2.0", 9, 200), ("9.2.0", 8, 200), ("9.2.0", 7, 400), ("8.19.8", 8, 200), ("8.19.8", 7, 200), ("8.19.8", 9, 400)],
)
def test_compatible_with_media_types(make_es, version, compat, expected):
    fake, _ = make_es(version=version)
    mt = f"application/vnd.elasticsearch+json; compatible-with={compat}"
    status, _, body = raw(fake, "PUT", "/idx", body=b"{}", headers={"Accept": mt, "Content-Type": mt})
    assert status == expected
    if expected == 400:
        assert body["error"]["type"] == "media_type_header_exception"
        assert body["error"]["reason"] == "Invalid media-type value on headers [Content-Type, Accept]"
        assert body["error"]["caused_by"]["reason"].startswith(f"Accept version must be either version {version[0]}")


def test_es8_refuses_9_client_accept_header_only(make_es):
    fake, _ = make_es(version="8.19.8")
    status, _, body = raw(fake, "GET", "/", headers={"Accept": "application/vnd.elasticsearch+json; compatible-with=9"})
    assert status == 400
    assert body["error"]["reason"] == "Invalid media-type value on headers [Accept]"
    assert "but found 9" in body["error"]["caused_by"]["reason"]


def test_unsupported_content_type_is_406(fake_es):
    status, _, body = raw(fake_es, "PUT", "/idx", body=b"x", headers={"Content-Type": "application/xml"})
    assert status == 406
    assert body == {"error": "Content-Type header [application/xml] is not supported", "status": 406}


def test_unknown_route_is_400_no_handler(fake_es):
    status, _, body = raw(fake_es, "GET", "/_nope/x/y/z/w")
    assert status == 400
    assert body == {"error": "no handler found for uri [/_nope/x/y/z/w] and method [GET]"}


def test_wrong_method_is_405_with_allowed_methods(fake_es):
    status, headers, body = raw(fake_es, "POST", "/_inference/x/_update?pretty")
    assert status == 405
    assert body["error"] == "Incorrect HTTP method for uri [/_inference/x/_update?pretty] and method [POST], allowed: [PUT]"
    assert headers["Allow"] == "PUT"


def test_unrecognized_query_parameter_is_refused(es):
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("GET", "/_inference", params={"foo": "1"})
    assert error_of(exc) == (400, "illegal_argument_exception", "request [/_inference] contains unrecognized parameter: [foo]")


def test_body_required(es):
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("PUT", "/_component_template/c", headers={"content-type": "application/json"})
    assert error_of(exc) == (400, "parse_exception", "request body is required")
    # The pipeline API words it differently (8.19.21, 9.5.2).
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("PUT", "/_ingest/pipeline/p", headers={"content-type": "application/json"})
    assert error_of(exc) == (400, "parse_exception", "request body or source parameter is required")


def test_error_envelope_shape(fake_es):
    status, _, body = raw(fake_es, "GET", "/missing-index")
    assert status == 404
    assert set(body) == {"error", "status"} and body["status"] == 404
    err = body["error"]
    assert err["root_cause"] == [{k: v for k, v in err.items() if k != "root_cause"}]
    assert err["type"] == "index_not_found_exception"
    assert err["reason"] == "no such index [missing-index]"
    assert err["resource.id"] == "missing-index" and err["index_uuid"] == "_na_"


def test_requests_are_recorded_and_resettable(fake_es, es):
    fake_es.reset_requests()
    es.info()
    es.indices.exists(index="a")
    assert fake_es.requests == [("GET", "/", {}), ("HEAD", "/a", {})]
    es.perform_request("GET", "/_inference", params={"filter_path": "endpoints.inference_id"})
    assert fake_es.requests[-1] == ("GET", "/_inference", {"filter_path": "endpoints.inference_id"})
    fake_es.reset_requests()
    assert fake_es.requests == []


def test_state_is_accessible_and_resettable(fake_es, es):
    es.indices.create(index="a")
    assert "a" in fake_es.state.indices
    fake_es.reset()
    assert fake_es.state.indices == {}
    assert not es.indices.exists(index="a")


def test_context_manager_starts_and_stops():
    with FakeElasticsearch() as fake:  # the fake's own default version
        url = fake.url
        assert Elasticsearch(url).info()["version"]["number"] == "9.2.0"
    with pytest.raises(RuntimeError):
        fake.url


def test_nodes_and_health(es):
    nodes = es.nodes.info(node_id="_local")["nodes"]
    assert [n["version"] for n in nodes.values()] == ["9.3.0"]
    assert list(es.nodes.info()["nodes"]) == list(nodes)
    assert es.cluster.health()["status"] == "green"
    es.indices.create(index="r1")
    assert es.cluster.health()["status"] == "yellow"
    es.indices.put_settings(index="r1", settings={"number_of_replicas": 0})
    assert es.cluster.health()["status"] == "green"


FILTER_CASES = [
    ("a.b", {"a": {"b": 1}}),
    ("a.*", {"a": {"b": 1, "c": {"d": 2}}}),
    ("*.c", {"a": {"c": {"d": 2}}}),
    ("**.d", {"a": {"c": {"d": 2}}, "x": [{"d": 3}]}),
    ("-a", {"e": "f", "x": [{"d": 3, "z": 4}]}),
    ("-**.d", {"a": {"b": 1, "c": {}}, "e": "f", "x": [{"z": 4}]}),
    ("a.b,e", {"a": {"b": 1}, "e": "f"}),
    ("x.z", {"x": [{"z": 4}]}),
    ("nothing", {}),
    ("a,-a.c", {"a": {"b": 1}}),
]


@pytest.mark.parametrize("expr,expected", FILTER_CASES)
def test_filter_path_rules(expr, expected):
    doc = {"a": {"b": 1, "c": {"d": 2}}, "e": "f", "x": [{"d": 3, "z": 4}]}
    assert apply_filter_path(doc, expr) == expected


def test_filter_path_applies_to_every_api_but_not_errors(es, fake_es):
    es.indices.create(index="fp", settings={"number_of_replicas": 0})
    got = es.indices.get_settings(index="fp", filter_path="*.settings.index.number_of_replicas")
    assert got.body == {"fp": {"settings": {"index": {"number_of_replicas": "0"}}}}
    status, _, body = raw(fake_es, "GET", "/missing?filter_path=status")
    assert status == 404 and body["error"]["type"] == "index_not_found_exception"


def test_plugin_fixture_gives_fresh_state(fake_es, fake_es_url, es):
    assert fake_es_url == fake_es.url
    assert fake_es.state.indices == {}
    es.indices.create(index="only-in-this-test")


def test_plugin_fixture_gives_fresh_state_again(fake_es):
    assert "only-in-this-test" not in fake_es.state.indices


def _run_cli(*args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fake_es", *args], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_one_line_and_exits_cleanly(sig):
    proc = _run_cli("--port", "0", "--version", "8.19.8")
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("fake Elasticsearch 8.19.8 listening on http://127.0.0.1:")
        port = int(line.rsplit(":", 1)[1])
        assert port > 0
        assert Elasticsearch(f"http://127.0.0.1:{port}").info()["version"]["number"] == "8.19.8"
        proc.send_signal(sig)
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert out == ""  # exactly one line in total
    finally:
        if proc.poll() is None:
            proc.kill()


def test_ping_uses_head_root(es, fake_es):
    fake_es.reset_requests()
    assert es.ping() is True
    assert fake_es.requests == [("HEAD", "/", {})]


def test_unrecognized_parameters_with_suggestion(es):
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("GET", "/_ingest/pipeline", params={"sumary": "true"})
    assert error_of(exc)[2] == "request [/_ingest/pipeline] contains unrecognized parameter: [sumary] -> did you mean [summary]?"


def test_a_request_whose_body_never_arrived_whole_is_not_carried_out(fake_es):
    import socket
    body = b'{"settings": {"number_of_replicas": 0}}'
    with socket.create_connection((fake_es.host, fake_es.port), timeout=10) as sock:
        sock.sendall(b"PUT /cut-short HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
        sock.shutdown(socket.SHUT_WR)  # the client went away inside the body
        assert sock.recv(1024) == b""
    status, _, _ = raw(fake_es, "HEAD", "/cut-short")
    assert status == 404
