"""References, fingerprints and redaction (eisops.secrets, the inference kind's secret paths)."""

from __future__ import annotations

import pytest

from eisops import secrets
from eisops.resources.inference_endpoint.secret_paths import literal_secrets, references, secret_paths


@pytest.mark.parametrize("value, parsed", [
    ("${env:JINA_KEY}", ("env", "JINA_KEY")),
    ("${file:keys/jina.txt}", ("file", "keys/jina.txt")),
    ("${JINA_KEY}", ("bare", "JINA_KEY")),
    ("Bearer ${api_key}", None),
    ('{"input": ${input}}', None),
    ("${env:}", None),
    (42, None),
])
def test_references_are_parsed(value, parsed):
    assert secrets.parse_reference(value) == parsed


CUSTOM = {"service": "custom", "service_settings": {
    "url": "${env:EMBED_URL}", "headers": {"Authorization": "Bearer ${api_key}"}, "request": "${input}",
    "secret_parameters": {"api_key": "${CUSTOM_KEY}"}}, "task_settings": {"parameters": {"user": "${file:u.txt}"}}}


def test_the_bare_form_is_read_only_where_a_secret_goes():
    found = {path: (source, bare) for path, source, bare in references(CUSTOM, "/m")}
    assert found == {
        ("service_settings", "url"): ("env:EMBED_URL", False),
        ("service_settings", "secret_parameters", "api_key"): ("env:CUSTOM_KEY", True),
        ("task_settings", "parameters", "user"): ("file:/m/u.txt", False),
    }
    # The custom service's own templates are not references.
    assert ("service_settings", "request") not in found and ("service_settings", "headers", "Authorization") not in found


def test_secret_paths_are_the_references_and_literal_secret_settings():
    assert secret_paths(CUSTOM) == [("service_settings", "secret_parameters", "api_key"), ("service_settings", "url"),
                                    ("task_settings", "parameters", "user")]
    spec = {"service_settings": {"api_key": "sk-literal", "model_id": "m"}}
    assert secret_paths(spec) == [("service_settings", "api_key")]
    assert literal_secrets(spec) == [(("service_settings", "api_key"), "sk-literal")]
    assert literal_secrets({"service_settings": {"secret_parameters": {"a": "${env:A}", "b": "plain"}}}) == [
        (("service_settings", "secret_parameters", "b"), "plain")]


def test_file_sources_drop_one_trailing_newline_and_refuse_what_is_not_a_secret(tmp_path):
    (tmp_path / "k").write_text("value\n\n")
    assert secrets.read_source(f"file:{tmp_path / 'k'}", {}) == "value\n"
    (tmp_path / "big").write_bytes(b"x" * (secrets.MAX_SECRET_FILE_BYTES + 1))
    with pytest.raises(secrets.SecretSourceError, match="too large for a secret"):
        secrets.read_source(f"file:{tmp_path / 'big'}", {})
    (tmp_path / "bin").write_bytes(b"\xff\xfe")
    with pytest.raises(secrets.SecretSourceError, match="is not UTF-8 text"):
        secrets.read_source(f"file:{tmp_path / 'bin'}", {})
    with pytest.raises(secrets.SecretSourceError, match="is not set"):
        secrets.read_source("env:NOT_THERE_AT_ALL", {})


def test_fingerprints_are_scrypt_under_the_salt():
    one = secrets.fingerprint("value", "salt-a")
    assert one.startswith("scrypt:") and one != secrets.fingerprint("value", "salt-b")
    assert secrets.fingerprint_matches("value", one, "salt-a") and not secrets.fingerprint_matches("other", one, "salt-a")
    legacy = secrets.legacy_fingerprint("value", "s")
    assert secrets.fingerprint_matches("value", legacy, "s")


@pytest.fixture
def remembered():
    secrets.forget_all()
    yield
    secrets.forget_all()


@pytest.mark.parametrize("value, text, shown", [
    ("canary-long-secret-value", "settings [{api_key=canary-long-secret-value}]", "settings [{api_key=(sensitive)}]"),
    ('quote"d-long-secret', 'body {"k": "quote\\"d-long-secret"}', 'body {"k": "(sensitive)"}'),
    ("search", "Elasticsearch refused input_type [search]", "Elasticsearch refused input_type [(sensitive)]"),
    ("abc", "abc is too short to be searched for", "abc is too short to be searched for"),
])
def test_redaction(remembered, value, text, shown):
    secrets.remember(value)
    assert secrets.redact(text) == shown


@pytest.mark.parametrize("url, shown", [
    ("https://elastic:pw@es.example.com:9243/", "https://es.example.com:9243/"),
    ("http://[::1]:9200", "http://[::1]:9200"),
    ("http://u@h", "http://h"),
])
def test_urls_are_shown_without_credentials(url, shown):
    assert secrets.url_without_credentials(url) == shown
