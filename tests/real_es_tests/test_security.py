"""Security mode: basic auth for `elastic`, and API keys made through the API."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.real_es


def test_right_password_200(real_es_secure):
    r = real_es_secure.request("GET", "/_security/_authenticate")
    assert r.status == 200, r.text
    assert r.body["username"] == "elastic"
    assert "superuser" in r.body["roles"]


def test_wrong_password_401(real_es_secure):
    r = real_es_secure.request("GET", "/_cluster/health", auth=(real_es_secure.username, "not-the-password"))
    assert r.status == 401, r.text


def test_no_credentials_401(real_es_secure):
    r = real_es_secure.request("GET", "/_cluster/health", auth=None)
    assert r.status == 401, r.text


def test_api_key_works(real_es_secure):
    r = real_es_secure.request("GET", "/_security/_authenticate", auth=None, api_key=real_es_secure.api_key)
    assert r.status == 200, r.text
    assert r.body["authentication_type"] == "api_key"
    es = real_es_secure.client(auth="api_key")
    assert es.cluster.health()["number_of_nodes"] == 1


def test_bad_api_key_401(real_es_secure):
    import base64

    bogus = base64.b64encode(b"nosuchid:nosuchsecret").decode()
    r = real_es_secure.request("GET", "/_cluster/health", auth=None, api_key=bogus)
    assert r.status == 401, r.text


def test_client_basic_auth_and_fresh_key(real_es_secure):
    es = real_es_secure.client()  # superuser
    assert es.security.authenticate()["username"] == "elastic"
    key = real_es_secure.create_api_key("another-key")
    assert key and key != real_es_secure.api_key
    assert real_es_secure.client(auth="api_key", api_key=key).security.authenticate()["api_key"]["name"] == "another-key"
