"""Authentication options against real Elasticsearch with security enabled."""

from __future__ import annotations

from tests.helpers import write_manifests

MANIFEST = {"c.yaml": "kind: ComponentTemplate\nname: auth-check\nspec: {template: {settings: {number_of_replicas: 0}}}\n"}


def test_basic_auth(real_es_secure, eisops, tmp_path, monkeypatch):
    manifests = write_manifests(tmp_path / "m", MANIFEST)
    monkeypatch.setenv("ELASTICSEARCH_USERNAME", real_es_secure.username)
    monkeypatch.setenv("ELASTICSEARCH_PASSWORD", real_es_secure.password)
    code, out, err = eisops("plan", manifests, "--url", real_es_secure.url, "--detailed-exitcode")
    assert code in (0, 2), err


def test_api_key(real_es_secure, eisops, tmp_path, monkeypatch):
    manifests = write_manifests(tmp_path / "m", MANIFEST)
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", real_es_secure.create_api_key("eisops-auth-test"))
    code, out, err = eisops("apply", manifests, "--url", real_es_secure.url, "--auto-approve")
    assert code == 0, err
    code, out, err = eisops("plan", manifests, "--url", real_es_secure.url, "--detailed-exitcode")
    assert code == 0, out + err


def test_wrong_password_is_one_line(real_es_secure, eisops, tmp_path, monkeypatch):
    manifests = write_manifests(tmp_path / "m", MANIFEST)
    monkeypatch.setenv("ELASTICSEARCH_USERNAME", real_es_secure.username)
    monkeypatch.setenv("ELASTICSEARCH_PASSWORD", "not-the-password")
    code, out, err = eisops("plan", manifests, "--url", real_es_secure.url)
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith(f"Error: Elasticsearch at {real_es_secure.url} refused the credentials (401")


def test_no_credentials_says_which_to_set(real_es_secure, eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", MANIFEST)
    code, out, err = eisops("plan", manifests, "--url", real_es_secure.url)
    assert code == 1 and err.count("\n") == 1
    assert "requires credentials" in err and "ELASTICSEARCH_API_KEY" in err


def test_invalid_api_key(real_es_secure, eisops, tmp_path, monkeypatch):
    manifests = write_manifests(tmp_path / "m", MANIFEST)
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", "bm90OmFrZXk=")
    code, out, err = eisops("plan", manifests, "--url", real_es_secure.url)
    assert code == 1 and "refused the credentials (401" in err
