"""The plan as a value: planning only reads, in a fixed number of requests, and the same inputs
give the same plan, byte for byte, with no secret, fingerprint or salt in it."""

from __future__ import annotations

import json

from tests.helpers import write_manifests

SECRETS = {"e.yaml": """
    kind: InferenceEndpoint
    name: jina-direct
    task_type: text_embedding
    spec:
      service: jinaai
      service_settings:
        model_id: jina-embeddings-v3
        api_key: ${JINA_API_KEY}
    ---
    kind: InferenceEndpoint
    name: jina-other
    task_type: text_embedding
    spec:
      service: jinaai
      service_settings:
        model_id: jina-embeddings-v3
        api_key: ${OTHER_JINA_KEY}
    ---
    kind: IngestPipeline
    name: embed
    spec:
      processors:
        - inference: {model_id: jina-direct, input_output: [{input_field: a, output_field: b}]}
    ---
    kind: Index
    name: docs
    spec:
      settings: {default_pipeline: embed}
      mappings:
        properties:
          content: {type: semantic_text, inference_id: jina-direct}
"""}
KEY, OTHER = "canary-secret-0f3e", "canary-secret-77aa"


def _setup(eisops, fake_es, tmp_path):
    eisops.monkeypatch.setenv("JINA_API_KEY", KEY)
    eisops.monkeypatch.setenv("OTHER_JINA_KEY", OTHER)
    manifests = write_manifests(tmp_path / "m", SECRETS)
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0, out + err
    return manifests


def test_plan_sends_only_reads(fake_es, eisops, tmp_path):
    manifests = _setup(eisops, fake_es, tmp_path)
    # an endpoint in use and a removed pipeline make the planner ask who uses what
    (manifests / "e.yaml").write_text((manifests / "e.yaml").read_text().replace("jina-embeddings-v3\n        api_key: ${OTHER",
                                                                                 "jina-embeddings-v4\n        api_key: ${OTHER"))
    fake_es.reset_requests()
    code, out, err = eisops("plan", manifests, "--url", fake_es.url)
    assert code == 0, err
    assert fake_es.requests and {method for method, *_ in fake_es.requests} == {"GET"}, fake_es.requests


def test_two_plans_of_the_same_inputs_are_identical_and_hold_no_secret(fake_es, eisops, tmp_path):
    manifests = _setup(eisops, fake_es, tmp_path)
    eisops.monkeypatch.setenv("JINA_API_KEY", KEY + "-rotated")  # a secret change: the plan holds an update
    first = eisops("plan", manifests, "--url", fake_es.url, "--output", "json")
    second = eisops("plan", manifests, "--url", fake_es.url, "--output", "json")
    assert first[0] == 0 and first == second
    plan = json.loads(first[1])
    assert [(c["name"], c["action"]) for c in plan["changes"]] == [("jina-direct", "update")]
    for text in (first[1], first[2]):
        assert "sha256:" not in text and "salt" not in text
        assert KEY not in text and OTHER not in text
