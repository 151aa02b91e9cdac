"""Secrets through the CLI on the fake: ${env:NAME} and ${file:PATH}, the custom service's own
${...} templates, literal secrets refused, and no secret value, fingerprint or salt in any output,
plan file or record eisops stores — checked by searching for known values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from eisops import secrets
from tests.helpers import write_manifests

#: Canary values: each is searched for in everything eisops writes.
API_KEY = "canary-api-key-4f1d9a7c2b"
FILE_KEY = "canary-file-key-8e3b6d0f5a"
USER_VALUE = "canary-task-user-2c7e9b1d"
CUSTOM_KEY = "canary-custom-key-6a0f3e8c"
PASSWORD = "canary-password-9d2c4b7e"
CANARIES = (API_KEY, FILE_KEY, USER_VALUE, CUSTOM_KEY, PASSWORD)

ENDPOINTS = """
kind: InferenceEndpoint
name: jina-env
task_type: text_embedding
spec:
  service: jinaai
  service_settings:
    model_id: jina-embeddings-v3
    api_key: ${env:LEAK_JINA_KEY}
  task_settings:
    input_type: ${env:LEAK_INPUT_TYPE}
---
kind: InferenceEndpoint
name: jina-file
task_type: rerank
spec:
  service: jinaai
  service_settings:
    model_id: jina-reranker-v2-base-multilingual
    api_key: ${file:keys/jina.txt}
---
kind: InferenceEndpoint
name: openai-user
task_type: text_embedding
spec:
  service: openai
  service_settings:
    model_id: text-embedding-3-small
    api_key: ${env:LEAK_JINA_KEY}
  task_settings:
    user: ${env:LEAK_USER}
---
kind: InferenceEndpoint
name: custom-embed
task_type: text_embedding
spec:
  service: custom
  service_settings:
    url: https://embed.example.com/v1/embed
    headers:
      Authorization: Bearer ${api_key}
    request: '{"input": ${input}, "model": "m"}'
    response:
      json_parser:
        text_embeddings: $.data[*].embedding[*]
    secret_parameters:
      api_key: ${env:LEAK_CUSTOM_KEY}
"""


@pytest.fixture
def project(tmp_path, eisops):
    manifests = write_manifests(tmp_path / "m", {"eisops.yaml": "project: leaks\n", "endpoints.yaml": ENDPOINTS})
    (manifests / "keys").mkdir()
    (manifests / "keys" / "jina.txt").write_text(FILE_KEY + "\n")
    for name, value in (("LEAK_JINA_KEY", API_KEY), ("LEAK_USER", USER_VALUE), ("LEAK_CUSTOM_KEY", CUSTOM_KEY),
                        ("LEAK_INPUT_TYPE", "search")):
        eisops.monkeypatch.setenv(name, value)
    return manifests


def _state_documents(url: str) -> list[dict]:
    es = Elasticsearch(url)
    es.indices.refresh(index=".eisops-state")
    return [hit["_source"] for hit in es.search(index=".eisops-state", size=100)["hits"]["hits"]]


def test_references_apply_and_plan_empty_and_values_reach_elasticsearch(fake_es, eisops, project):
    code, out, err = eisops("apply", project, "--url", fake_es.url, "--auto-approve")
    assert code == 0, out + err
    assert eisops("plan", project, "--url", fake_es.url, "--detailed-exitcode")[:2] == (0, "No changes. The cluster "
                                                                                         "matches the manifests (4 objects checked).\n")
    stored = fake_es.state.inference
    assert stored["jina-file"]["secrets"]["api_key"] == FILE_KEY  # the file's value, without its newline
    assert stored["openai-user"]["task_settings"]["user"] == USER_VALUE
    # The custom service's own templates reach Elasticsearch as written.
    custom = stored["custom-embed"]
    settings = {**custom["service_settings"], **custom.get("hidden_settings", {})}
    assert settings["headers"] == {"Authorization": "Bearer ${api_key}"}
    assert settings["request"] == '{"input": ${input}, "model": "m"}'
    assert custom["secrets"]["secret_parameters"] == {"api_key": CUSTOM_KEY}


def test_a_changed_file_secret_shows_as_a_sensitive_change(fake_es, eisops, project):
    assert eisops("apply", project, "--url", fake_es.url, "--auto-approve")[0] == 0
    (project / "keys" / "jina.txt").write_text("canary-rotated-key-0b1c2d3e\n")
    code, out, err = eisops("plan", project, "--url", fake_es.url)
    assert '~ service_settings.api_key = (sensitive value) (changed)' in out, out
    assert "canary-rotated-key" not in out + err


def test_an_env_value_outside_the_secret_settings_is_sensitive_in_the_plan(fake_es, eisops, project):
    assert eisops("apply", project, "--url", fake_es.url, "--auto-approve")[0] == 0
    eisops.monkeypatch.setenv("LEAK_USER", "canary-task-user-changed")
    code, out, err = eisops("plan", project, "--url", fake_es.url)
    assert "~ task_settings.user = (sensitive value) (changed)" in out, out
    assert "canary-task-user" not in out + err
    plan = eisops.plan_json(project, "--url", fake_es.url)
    change = next(c for c in plan["changes"] if c["name"] == "openai-user")
    assert change["after"]["task_settings"]["user"] == "(sensitive)"
    (update, _) = change["operations"]
    assert update["body"] == {"task_settings": {}}
    assert update["secrets_from"] == [{"path": ["task_settings", "user"], "source": "env:LEAK_USER"}]


@pytest.mark.parametrize("reference, problem", [
    ("${env:LEAK_NOT_SET}", "service_settings.api_key comes from environment variable LEAK_NOT_SET, which is not set"),
    ("${file:keys/missing.txt}", "service_settings.api_key comes from file {dir}/keys/missing.txt, which does not exist"),
])
def test_a_reference_that_cannot_be_read_is_an_error_at_its_line(eisops, tmp_path, reference, problem):
    manifests = write_manifests(tmp_path / "m", {"e.yaml": f"""
        kind: InferenceEndpoint
        name: e
        task_type: text_embedding
        spec:
          service: jinaai
          service_settings:
            model_id: jina-embeddings-v3
            api_key: {reference}
    """})
    eisops.monkeypatch.delenv("LEAK_NOT_SET", raising=False)
    code, out, err = eisops("validate", manifests)
    assert code == 1 and f"e.yaml:8:5: InferenceEndpoint e: {problem.format(dir=manifests)}" in err, err


def test_a_literal_secret_is_an_error_that_does_not_repeat_it(eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {"e.yaml": f"""
        kind: InferenceEndpoint
        name: e
        task_type: text_embedding
        spec:
          service: jinaai
          service_settings: {{model_id: jina-embeddings-v3, api_key: {API_KEY}}}
    """})
    code, out, err = eisops("validate", manifests)
    assert code == 1
    assert "service_settings.api_key is a secret written into the manifest; write it as ${env:NAME} or " \
           "${file:PATH}" in err
    assert API_KEY not in out + err


def test_the_bare_form_is_read_where_a_secret_goes_with_a_deprecation_warning(eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {"e.yaml": """
        kind: InferenceEndpoint
        name: e
        task_type: text_embedding
        spec:
          service: jinaai
          service_settings:
            model_id: jina-embeddings-v3
            api_key: ${LEAK_JINA_KEY}
    """})
    eisops.monkeypatch.setenv("LEAK_JINA_KEY", API_KEY)
    code, out, err = eisops("validate", manifests)
    assert code == 0
    assert "${LEAK_JINA_KEY} is read from the environment as ${env:LEAK_JINA_KEY}; the bare form is deprecated" in err


def test_an_elasticsearch_error_quoting_a_secret_is_redacted(fake_es, eisops, tmp_path):
    # The elasticsearch service takes no api_key: Elasticsearch refuses the create and quotes it
    # ("Model configuration contains settings [{api_key=...}] unknown to the [elasticsearch] service").
    manifests = write_manifests(tmp_path / "m", {"e.yaml": """
        kind: InferenceEndpoint
        name: e5
        task_type: text_embedding
        spec:
          service: elasticsearch
          service_settings:
            model_id: .multilingual-e5-small
            num_threads: 1
            num_allocations: 1
            api_key: ${env:LEAK_JINA_KEY}
    """})
    eisops.monkeypatch.setenv("LEAK_JINA_KEY", API_KEY)
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1 and "unknown to the [elasticsearch] service" in err, out + err
    assert "api_key=(sensitive)" in err
    assert API_KEY not in out + err


def test_credentials_in_the_url_are_never_printed(eisops, tmp_path, unused_port):
    manifests = write_manifests(tmp_path / "m", {"p.yaml": "kind: IngestPipeline\nname: p\nspec: {processors: []}\n"})
    url = f"http://elastic:{PASSWORD}@127.0.0.1:{unused_port}"
    code, out, err = eisops("plan", manifests, "--url", url)
    assert code == 1 and f"127.0.0.1:{unused_port}" in err, err
    assert PASSWORD not in out + err and "elastic:" not in out + err


@pytest.fixture
def unused_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_secret_fingerprint_or_salt_in_any_output_plan_file_or_stored_record(fake_es, eisops, project, tmp_path):
    """The leak scan: every CLI scenario of a project with secrets in each kind of position, and
    everything it wrote, searched for the canary values, their fingerprints and the salt."""
    url = fake_es.url
    outputs: list[str] = []

    def run(*args: str) -> tuple[int, str, str]:
        code, out, err = eisops(*args)
        outputs.extend((out, err))
        return code, out, err

    plan_file = tmp_path / "plan.json"
    assert run("validate", project)[0] == 0
    assert run("plan", project, "--url", url)[0] == 0
    assert run("plan", project, "--url", url, "--output", "json")[0] == 0
    assert run("plan", project, "--offline")[0] == 0
    assert run("plan", project, "--url", url, "--out", str(plan_file))[0] == 0
    assert run("show", str(plan_file))[0] == 0
    assert run("show", str(plan_file), "--output", "json")[0] == 0
    assert run("apply", str(plan_file), "--url", url)[0] == 0
    # A rotated secret, an update, a saved plan of it and its application.
    eisops.monkeypatch.setenv("LEAK_USER", USER_VALUE + "-b")
    (project / "keys" / "jina.txt").write_text(FILE_KEY + "-b\n")
    assert run("plan", project, "--url", url)[0] == 0
    assert run("plan", project, "--url", url, "--out", str(plan_file))[0] == 0
    saved_text = plan_file.read_text()
    assert run("apply", str(plan_file), "--url", url)[0] == 0
    assert run("apply", project, "--url", url, "--auto-approve", "--test-endpoints")[0] == 0
    assert run("test-endpoints", project, "--url", url)[0] in (0, 1)
    # Errors that quote requests, and a failed connection with a password in the URL.
    run("plan", project, "--url", f"http://elastic:{PASSWORD}@127.0.0.1:1")
    imported = tmp_path / "imported"
    run("import", "InferenceEndpoint", "jina-env", "--url", url, "--out", str(imported))

    documents = _state_documents(url)
    stored = json.dumps(documents)
    salts = {doc["salt"] for doc in documents if doc.get("salt")}
    assert salts, documents
    fingerprints = {secrets.fingerprint(value, salt) for value in CANARIES + (USER_VALUE + "-b", FILE_KEY + "-b")
                    for salt in salts}
    written = outputs + [saved_text] + [p.read_text() for p in imported.rglob("*.yaml")]
    haystack = "\n".join(written)
    for canary in CANARIES:
        assert canary not in haystack, f"{canary} leaked"
        assert canary not in stored, f"{canary} stored in .eisops-state"
    for value in fingerprints | salts:
        assert value not in haystack, "a fingerprint or a salt leaked"
    assert "scrypt:" not in haystack and "sha256:" not in haystack
    # The record holds fingerprints, each under the project's salt.
    record = next(doc for doc in documents if "openai-user" in (doc.get("endpoints") or {}))
    assert set(record["endpoints"]["openai-user"]["secrets"]) == {"api_key", "task_settings.user"}
    assert all(v.startswith("scrypt:") for v in record["endpoints"]["openai-user"]["secrets"].values())
    assert "salt" not in record["endpoints"]["openai-user"]


def test_the_runners_leak_check_finds_values_and_fingerprints():
    from tests.integration.conftest import leaks
    assert leaks(f"key={API_KEY}", {API_KEY}) == ["can…"]
    assert leaks("input_type [search] of Elasticsearch", {"search"}) == ["sea…"]
    assert leaks("Elasticsearch", {"search"}) == []
    assert leaks("secrets: scrypt:" + "ab" * 32, set()) == ["scrypt:abababa…"]
