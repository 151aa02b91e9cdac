"""The Elasticsearch privileges the README lists for plan and for apply, tried on real Elasticsearch
with security: a key with exactly the plan privileges plans, and is refused when it applies, with
an error that names what it lacks; a key with the apply privileges applies."""

from __future__ import annotations

import pytest

from tests.helpers import write_manifests

#: README "Privileges": what plan needs (reads only) ...
PLAN_ROLE = {
    "cluster": ["monitor", "monitor_inference", "read_pipeline"],
    "indices": [{"names": ["*"], "privileges": ["view_index_metadata"], "allow_restricted_indices": False},
                {"names": [".eisops-state"], "privileges": ["read"]}],
}
#: ... and what apply needs besides.
APPLY_ROLE = {
    "cluster": ["monitor", "monitor_inference", "manage_inference", "manage_pipeline", "manage_index_templates"],
    "indices": [{"names": ["*"], "privileges": ["view_index_metadata", "manage"]},
                {"names": [".eisops-state"], "privileges": ["read", "write", "create_index", "manage"]}],
}

MANIFESTS = {"m.yaml": """
    kind: IngestPipeline
    name: priv-users
    spec:
      processors: [{set_security_user: {field: user}}]
    ---
    kind: ComponentTemplate
    name: priv-mappings
    spec: {template: {mappings: {properties: {title: {type: text}}}}}
    ---
    kind: IndexTemplate
    name: priv
    spec: {index_patterns: [priv-*], priority: 400, composed_of: [priv-mappings]}
    ---
    kind: Index
    name: priv-000001
    spec: {settings: {number_of_replicas: 0, default_pipeline: priv-users}}
"""}


def _key(real_es_secure, name, role):
    return real_es_secure.create_api_key(name, role_descriptors={"eisops": role})


def test_the_plan_privileges_plan_and_cannot_apply(real_es_secure, eisops, tmp_path, monkeypatch):
    url = real_es_secure.url
    manifests = write_manifests(tmp_path / "m", MANIFESTS)
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", _key(real_es_secure, "eisops-plan", PLAN_ROLE))
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert code == 2 and err == "", out + err
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "not allowed for these credentials (403)" in err, out + err
    assert "action [" in err and "this action is granted by the" in err and "privileges [" in err, err  # names them


def test_the_apply_privileges_apply(real_es_secure, eisops, tmp_path, monkeypatch):
    url = real_es_secure.url
    manifests = write_manifests(tmp_path / "m", MANIFESTS)
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", _key(real_es_secure, "eisops-apply", APPLY_ROLE))
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0, out + err
    monkeypatch.setenv("ELASTICSEARCH_API_KEY", _key(real_es_secure, "eisops-plan-2", PLAN_ROLE))
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert code == 0, out + err
