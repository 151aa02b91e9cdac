"""eisops' record of inference endpoints: one exists only for an endpoint that exists."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from tests.integration.test_projects import endpoint, project


def _recorded(es: Elasticsearch, project_name: str) -> set[str]:
    doc = es.options(ignore_status=404).get(index=".eisops-state", id=f"project-{project_name}").body
    return set(((doc or {}).get("_source") or {}).get("endpoints") or {}) if doc.get("found") else set()


def test_a_create_elasticsearch_refuses_leaves_no_record(fake_es, eisops, tmp_path):
    # Refused by Elasticsearch only: a task setting the jinaai service does not know.
    bad = ("kind: InferenceEndpoint\nname: bad\ntask_type: text_embedding\nspec:\n  service: jinaai\n"
           "  service_settings: {model_id: jina-embeddings-v3, api_key: \"${env:JINA_API_KEY}\"}\n  task_settings: {no_such_setting: 1}\n")
    a = project(tmp_path, "team-a", [endpoint("good"), bad])
    eisops.monkeypatch.setenv("JINA_API_KEY", "jina-test-key")
    code, out, err = eisops("apply", a, "--url", fake_es.url, "--auto-approve")
    assert code == 1 and "unknown to the [jinaai] service" in err, out + err
    es = Elasticsearch(fake_es.url)
    assert _recorded(es, "team-a") == {"good"}


def test_a_record_whose_endpoint_is_gone_is_shown_and_set_right(fake_es, eisops, tmp_path):
    a = project(tmp_path, "team-a", [endpoint("e1"), endpoint("e2")])
    assert eisops("apply", a, "--url", fake_es.url, "--auto-approve")[0] == 0
    es = Elasticsearch(fake_es.url)
    es.inference.delete(inference_id="e1")  # outside eisops
    es.inference.delete(inference_id="e2")
    (a / "m.yaml").write_text(endpoint("e1"))  # e1 still declared, e2 not
    code, out, err = eisops("plan", a, "--url", fake_es.url)
    assert 'InferenceEndpoint "e1" (text_embedding) will be created' in out
    assert "which no longer exists (deleted outside eisops); the record is made anew" in out
    assert "eisops' record names this endpoint, which does not exist (it was deleted outside eisops)" in out
    assert eisops("apply", a, "--url", fake_es.url, "--auto-approve")[0] == 0
    assert _recorded(es, "team-a") == {"e1"}
    assert eisops("plan", a, "--url", fake_es.url, "--detailed-exitcode")[0] == 0
