"""The plan as a value: planning only reads, in a fixed number of requests, and the same inputs
give the same plan, byte for byte, with no secret, fingerprint or salt in it."""

from __future__ import annotations

import json

from elasticsearch import Elasticsearch

from tests.helpers import write_manifests
from tests.integration.test_flows_fake import copy_examples

SECRETS = {"e.yaml": """
    kind: InferenceEndpoint
    name: jina-direct
    task_type: text_embedding
    spec:
      service: jinaai
      service_settings:
        model_id: jina-embeddings-v3
        api_key: ${env:JINA_API_KEY}
    ---
    kind: InferenceEndpoint
    name: jina-other
    task_type: text_embedding
    spec:
      service: jinaai
      service_settings:
        model_id: jina-embeddings-v3
        api_key: ${env:OTHER_JINA_KEY}
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


def _saved(eisops, manifests, url, path):
    code, out, err = eisops("plan", manifests, "--url", url, "--out", path)
    assert code == 0, out + err
    return path


def test_a_saved_plan_applies_without_asking_and_the_next_plan_is_empty(fake_es, eisops, tmp_path):
    manifests = _setup(eisops, fake_es, tmp_path)
    index = manifests / "e.yaml"
    index.write_text(index.read_text().replace("settings: {default_pipeline: embed}",
                                               "settings: {default_pipeline: embed, refresh_interval: 7s}"))
    plan_file = _saved(eisops, manifests, fake_es.url, tmp_path / "plan.json")
    code, out, err = eisops("show", plan_file)
    assert code == 0 and 'Index "docs"' in out and "index.refresh_interval" in out, out + err
    code, out, err = eisops("apply", plan_file, "--url", fake_es.url)  # no terminal, no --auto-approve
    assert code == 0, out + err
    assert "Apply complete: 0 created, 1 updated" in out
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0


def test_a_saved_plan_holds_no_secret_and_is_the_same_for_the_same_inputs(fake_es, eisops, tmp_path):
    manifests = _setup(eisops, fake_es, tmp_path)
    eisops.monkeypatch.setenv("JINA_API_KEY", KEY + "-rotated")
    first = _saved(eisops, manifests, fake_es.url, tmp_path / "a.json").read_text()
    second = _saved(eisops, manifests, fake_es.url, tmp_path / "b.json").read_text()
    assert first == second
    assert KEY not in first and OTHER not in first and "sha256:" not in first and "salt" not in first
    assert '"source": "env:JINA_API_KEY"' in first
    code, out, err = eisops("apply", tmp_path / "a.json", "--url", fake_es.url)
    assert code == 0, out + err
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0


def _stale(eisops, fake_es, tmp_path, change_cluster):
    from elasticsearch import Elasticsearch
    manifests = _setup(eisops, fake_es, tmp_path)
    index = manifests / "e.yaml"
    index.write_text(index.read_text().replace("settings: {default_pipeline: embed}",
                                               "settings: {default_pipeline: embed, refresh_interval: 7s}"))
    plan_file = _saved(eisops, manifests, fake_es.url, tmp_path / "plan.json")
    es = Elasticsearch(fake_es.url)
    change_cluster(es)
    before = (es.indices.get(index="docs").body, es.ingest.get_pipeline().body)
    code, out, err = eisops("apply", plan_file, "--url", fake_es.url)
    assert code == 1 and "the saved plan is stale" in err, out + err
    assert (es.indices.get(index="docs").body, es.ingest.get_pipeline().body) == before  # nothing changed
    return err


def test_a_change_to_a_planned_object_makes_the_saved_plan_stale(fake_es, eisops, tmp_path):
    err = _stale(eisops, fake_es, tmp_path, lambda es: es.indices.put_settings(
        index="docs", settings={"index.refresh_interval": "30s"}))
    assert "Index/docs has changed" in err


def test_a_change_to_an_object_checked_as_unchanged_makes_the_saved_plan_stale(fake_es, eisops, tmp_path):
    def change(es):
        body = es.ingest.get_pipeline(id="embed").body["embed"]
        es.ingest.put_pipeline(id="embed", **{**{k: v for k, v in body.items() if k in ("processors", "_meta")},
                                              "description": "changed by hand"})
    err = _stale(eisops, fake_es, tmp_path, change)
    assert "IngestPipeline/embed has changed" in err and "Index/docs" not in err


def test_a_new_secret_value_makes_the_saved_plan_stale(fake_es, eisops, tmp_path):
    err = _stale(eisops, fake_es, tmp_path, lambda es: eisops.monkeypatch.setenv("OTHER_JINA_KEY", OTHER + "-new"))
    assert "InferenceEndpoint/jina-other: the value of environment variable OTHER_JINA_KEY" in err
    assert OTHER not in err


def test_a_saved_plan_is_refused_by_another_cluster(fake_es, eisops, tmp_path):
    from tests.fake_es import FakeElasticsearch
    manifests = _setup(eisops, fake_es, tmp_path)
    plan_file = _saved(eisops, manifests, fake_es.url, tmp_path / "plan.json")
    with FakeElasticsearch(version="9.2.0") as other:
        code, out, err = eisops("apply", plan_file, "--url", other.url)
        assert code == 1 and "was made against another cluster" in err
        assert other.requests and {m for m, *_ in other.requests} == {"GET"}


def test_show_of_a_file_that_is_not_a_plan_says_so(eisops, tmp_path):
    (tmp_path / "x.json").write_text('{"a": 1}')
    code, out, err = eisops("show", tmp_path / "x.json")
    assert code == 1 and "is not a saved plan" in err and "Traceback" not in err


def test_a_saved_plan_edited_after_plan_wrote_it_is_refused_whole(eisops, fake_es, tmp_path):
    manifests = copy_examples(tmp_path)
    plan_file = tmp_path / "plan.json"
    assert eisops("plan", manifests, "--url", fake_es.url, "--out", plan_file)[0] == 0
    plan_file.write_text(plan_file.read_text().replace('"jina-embeddings-v5-text-small"', '"jina-embeddings-v3"', 1))
    for command in ("show", "apply"):
        code, out, err = eisops(command, plan_file, *(["--url", fake_es.url] if command == "apply" else []))
        assert code == 1 and "was changed after eisops plan wrote it" in err, err
    es = Elasticsearch(fake_es.url)
    assert not [e for e in es.inference.get()["endpoints"] if not e["inference_id"].startswith(".")]


def test_a_saved_plan_with_a_request_eisops_does_not_send_is_refused_whole(eisops, fake_es, tmp_path):
    # Past its digest (as if eisops had written it): a method that is not HTTP's is refused before
    # anything is sent, with the object it belongs to.
    from eisops.plan import saved

    manifests = copy_examples(tmp_path)
    plan_file = tmp_path / "plan.json"
    assert eisops("plan", manifests, "--url", fake_es.url, "--out", plan_file)[0] == 0
    body = json.loads(plan_file.read_text())
    change = next(c for c in body["changes"] if c["kind"] == "IngestPipeline")
    request = next(op for op in change["operations"] if op.get("method"))
    request["method"] = "PÜT"
    body[saved.DIGEST] = saved._digest(body)
    plan_file.write_text(json.dumps(body), encoding="utf-8")
    code, out, err = eisops("apply", plan_file, "--url", fake_es.url)
    assert code == 1 and f"a request of IngestPipeline {change['name']} is not one eisops sends: 'PÜT'" in err, err
    assert "unexpected" not in err
    es = Elasticsearch(fake_es.url)
    assert not [e for e in es.inference.get()["endpoints"] if not e["inference_id"].startswith(".")]
