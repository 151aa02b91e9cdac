"""A populated semantic_text field never moves to another model's endpoint in place (fake 9.3+,
which accepts the change when the model settings are compatible, as Elasticsearch does)."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from tests.helpers import write_manifests

ENDPOINTS = """
kind: InferenceEndpoint
name: v3
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: jina-embeddings-v3}}
---
kind: InferenceEndpoint
name: v3-again
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: jina-embeddings-v3}}
---
kind: InferenceEndpoint
name: v5-small
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-small}}
"""
INDEX = """
kind: Index
name: articles
spec: {mappings: {properties: {body: {type: semantic_text, inference_id: TARGET}}}}
"""


def _manifests(tmp_path, target):
    return write_manifests(tmp_path / "m", {"eisops.yaml": "project: search\n", "endpoints.yaml": ENDPOINTS,
                                            "index.yaml": INDEX.replace("TARGET", target)})


INDEX_WITHOUT_MIGRATIONS = """
kind: Index
name: articles
migrate: false
spec: {mappings: {properties: {body: {type: semantic_text, inference_id: TARGET}}}}
"""


@pytest.mark.parametrize("fake_es_version", ["9.3.0", "9.5.2"])
def test_another_models_endpoint_under_embedded_documents_is_a_migration(fake_es, eisops, tmp_path):
    manifests = _manifests(tmp_path, "v3")
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    Elasticsearch(fake_es.url).index(index="articles", id="1", document={"body": "a glacier"}, refresh=True)
    # jina-embeddings-v5-text-small has v3's 1024 dimensions: Elasticsearch 9.3+ would take the change.
    _manifests(tmp_path, "v5-small")
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 2, out + err
    assert 'Index "articles" will be migrated to a new index' in out
    assert ("semantic_text field [body] holds embeddings from [v3] (model jina-embeddings-v3); [v5-small] runs model "
            "jina-embeddings-v5-text-small") in out
    assert "embedded again in the new index, through [v5-small] for field body" in out


@pytest.mark.parametrize("fake_es_version", ["9.3.0"])
def test_without_migrations_it_is_blocked_even_with_allow_replace(fake_es, eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {"eisops.yaml": "project: search\n", "endpoints.yaml": ENDPOINTS,
                                                 "index.yaml": INDEX_WITHOUT_MIGRATIONS.replace("TARGET", "v3")})
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    Elasticsearch(fake_es.url).index(index="articles", id="1", document={"body": "a glacier"}, refresh=True)
    (manifests / "index.yaml").write_text(INDEX_WITHOUT_MIGRATIONS.replace("TARGET", "v5-small"))
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 1 and 'Index "articles" is blocked' in out, out + err
    assert "The way through: a new index whose field names the new endpoint" in out
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve", "--allow-replace")
    assert code == 1 and "Index/articles is blocked" in err, out + err
    mapping = Elasticsearch(fake_es.url).indices.get_mapping(index="articles")["articles"]["mappings"]
    assert mapping["properties"]["body"]["inference_id"] == "v3"


@pytest.mark.parametrize("fake_es_version", ["9.3.0"])
def test_another_endpoint_of_the_same_model_is_changed_in_place(fake_es, eisops, tmp_path):
    manifests = _manifests(tmp_path, "v3")
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    Elasticsearch(fake_es.url).index(index="articles", id="1", document={"body": "a glacier"}, refresh=True)
    _manifests(tmp_path, "v3-again")
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0 and "Index/articles: updated" in out, out + err
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0


@pytest.mark.parametrize("fake_es_version", ["9.3.0"])
def test_a_new_embedding_model_re_embeds_every_document(fake_es, eisops, tmp_path):
    from tests.fake_es.inference_run import embed

    manifests = _manifests(tmp_path, "v3")
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    es = Elasticsearch(fake_es.url)
    texts = {str(i): f"article number {i} about glaciers" for i in range(50)}
    for doc_id, text in texts.items():
        es.index(index="articles", id=doc_id, document={"body": text})
    es.indices.refresh(index="articles")
    _manifests(tmp_path, "v5-small")
    code, out, err = eisops("plan", manifests, "--url", fake_es.url)
    assert "all 50 documents are embedded again in the new index, through [v5-small] for field body" in out, out
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0 and "Index/articles: migrated" in out, out + err
    endpoint = fake_es.state.inference["v5-small"]
    old_model = fake_es.state.inference["v3"]
    for doc_id, text in texts.items():
        doc = es.perform_request("GET", f"/articles/_doc/{doc_id}", params={"_source_exclude_vectors": "false"},
                                 headers={"accept": "application/json"}).body
        inference = doc["_source"]["_inference_fields"]["body"]["inference"]
        assert inference["inference_id"] == "v5-small"
        (chunk,) = inference["chunks"]["body"]
        assert chunk["embeddings"] == embed(endpoint, text) != embed(old_model, text)
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0
