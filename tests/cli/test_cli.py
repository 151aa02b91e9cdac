"""The command line: exit codes and output, without a cluster."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def run(*args, env=None, stdin=None):
    """Run eisops the way a user does, in a separate process."""
    return subprocess.run([sys.executable, "-m", "eisops", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=60)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_validate_examples():
    result = run("validate", "manifests")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "10 resources in 4 files: valid.\n"


def test_validate_defaults_to_manifests_folder():
    assert run("validate").returncode == 0


def test_validate_broken_lists_every_problem_and_exits_1():
    result = run("validate", "tests/cases/broken")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "Error: 10 problems found in the manifests."
    assert all(line.startswith("tests/cases/broken/") for line in lines[:-1])
    assert "Traceback" not in result.stderr


def test_missing_path_is_a_clear_error():
    result = run("validate", "no/such/dir")
    assert result.returncode == 1
    assert "no/such/dir:1:1: no such file or directory" in result.stderr


def test_offline_plan_matches_golden_rendering():
    result = run("plan", "manifests", "--offline")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "offline_plan.txt").read_text()


def test_offline_plan_detailed_exitcode_is_2():
    assert run("plan", "manifests", "--offline", "--detailed-exitcode").returncode == 2


def test_offline_plan_json():
    result = run("plan", "manifests", "--offline", "--output", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["summary"]["create"] == 10
    assert {c["kind"] for c in data["changes"]} == {
        "InferenceEndpoint", "IngestPipeline", "ComponentTemplate", "IndexTemplate", "Index"}


def test_usage_error_exits_1_not_2():
    result = run("plan", "--no-such-flag")
    assert result.returncode == 1
    assert "No such option" in result.stderr


def test_unreachable_cluster_is_one_line_with_the_fix():
    url = f"http://127.0.0.1:{free_port()}"
    result = run("plan", "manifests", "--url", url)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: cannot reach Elasticsearch at {url}: connection refused.")
    assert "ELASTICSEARCH_URL" in result.stderr


def test_url_without_scheme():
    result = run("plan", "manifests", "--url", "localhost:9200")
    assert result.returncode == 1
    assert "has no scheme" in result.stderr


def test_missing_ca_cert_file():
    result = run("plan", "manifests", "--url", "https://localhost:1", "--ca-cert", "/no/such.pem")
    assert result.returncode == 1
    assert "the CA certificate file /no/such.pem does not exist" in result.stderr


def test_version():
    result = run("--version")
    assert result.returncode == 0 and "eisops" in result.stdout


def test_readme_shows_the_offline_plan():
    readme = (GOLDEN.parent.parent / "README.md").read_text()
    assert (GOLDEN / "offline_plan.txt").read_text() in readme


def test_unverifiable_tls_certificate_is_one_line_with_the_fix(tmp_path):
    import shutil
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    server = HTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}"
        result = run("plan", "manifests", "--url", url)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"Error: cannot verify the TLS certificate of {url}")
        assert "--ca-cert" in result.stderr
    finally:
        server.shutdown()
