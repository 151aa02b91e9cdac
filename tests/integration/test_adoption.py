"""Adoption: objects made by hand, imported as manifests, adopted unchanged, then plans are empty."""

from __future__ import annotations

import json

import pytest
from elasticsearch import Elasticsearch

from tests.ecs_corpus import corpus_available, ecs_documents

KINDS = ("InferenceEndpoint", "IngestPipeline", "ComponentTemplate", "IndexTemplate", "Index")


def _by_hand(es: Elasticsearch, with_inference: bool, processor: dict) -> None:
    if with_inference:
        es.inference.put(inference_id="hand-emb", task_type="text_embedding", inference_config={
            "service": "elastic", "service_settings": {"model_id": "jina-embeddings-v5-text-nano"}})
    es.ingest.put_pipeline(id="hand-pipe", description="made by hand", processors=[processor])
    es.cluster.put_component_template(name="hand-mappings", template={
        "mappings": {"properties": {"title": {"type": "text"}, "vec": {"type": "dense_vector", "dims": 4,
                                                                        "index_options": {"type": "int8_hnsw"}}}},
        "settings": {"number_of_replicas": 0}})
    es.indices.put_index_template(name="hand", index_patterns=["hand-*"], priority=450, composed_of=["hand-mappings"],
                                  template={"aliases": {"hand": {}}})
    es.indices.create(index="hand-000001", settings={"number_of_replicas": 0, "refresh_interval": "5s"},
                      mappings={"properties": {"obj.inner": {"type": "keyword", "ignore_above": 100}}},
                      aliases={"hand-write": {"is_write_index": True}})


def _import_adopt_and_converge(eisops, url, tmp_path, kinds, expected_adoptions):
    manifests = tmp_path / "m"
    manifests.mkdir()
    (manifests / "eisops.yaml").write_text("project: adopters\n")
    for kind in kinds:
        code, out, err = eisops("import", kind, "--all", "--out", manifests, "--url", url)
        assert code == 0, out + err
    code, out, err = eisops("validate", manifests)
    assert code == 0, out + err
    plan = eisops.plan_json(manifests, "--url", url)
    assert {c["action"] for c in plan["changes"]} == {"adopt"}, [(c["name"], c["action"], c["reason"]) for c in plan["changes"]]
    assert len(plan["changes"]) == expected_adoptions
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 0 and f"{expected_adoptions} adopted" in out, out + err
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert (code, err) == (0, ""), out
    return manifests


def test_import_then_adopt_every_kind_on_the_fake(fake_es, eisops, tmp_path):
    es = Elasticsearch(fake_es.url)
    _by_hand(es, True, {"set": {"field": "a", "value": 1}})
    before = json.dumps(es.indices.get(index="hand-000001").body["hand-000001"]["mappings"]["properties"])
    _import_adopt_and_converge(eisops, fake_es.url, tmp_path, KINDS, 5)
    after = es.indices.get(index="hand-000001").body["hand-000001"]["mappings"]
    assert json.dumps(after["properties"]) == before and after["_meta"]["eisops_project"] == "adopters"


def test_import_then_adopt_on_real_elasticsearch(real_es_clean, eisops, tmp_path):
    es = Elasticsearch(real_es_clean.url)
    _by_hand(es, False, {"set_security_user": {"field": "user"}})
    _import_adopt_and_converge(eisops, real_es_clean.url, tmp_path, KINDS[1:], 4)


@pytest.mark.skipif(not corpus_available(), reason="../shared/corpus/ecs is not present")
def test_the_ecs_templates_applied_by_hand_are_imported_and_adopted(real_es_clean, eisops, tmp_path):
    es = Elasticsearch(real_es_clean.url)
    for document in ecs_documents(substitute=True):
        if document["kind"] == "ComponentTemplate":
            es.cluster.put_component_template(name=document["name"], **document["spec"])
    template = next(d for d in ecs_documents(substitute=True) if d["kind"] == "IndexTemplate")
    es.indices.put_index_template(name=template["name"], **template["spec"])
    _import_adopt_and_converge(eisops, real_es_clean.url, tmp_path, ("ComponentTemplate", "IndexTemplate"), 43)


def test_a_manifest_equal_to_an_unmanaged_object_is_adopted_only_with_the_flag(fake_es, eisops, tmp_path):
    es = Elasticsearch(fake_es.url)
    es.ingest.put_pipeline(id="same", processors=[{"set": {"field": "a", "value": 1}}])
    manifests = tmp_path / "m"
    manifests.mkdir()
    (manifests / "p.yaml").write_text("kind: IngestPipeline\nname: same\nspec: {processors: [{set: {field: a, value: 1}}]}\n")
    code, out, err = eisops("plan", manifests, "--url", fake_es.url)
    assert "eisops import IngestPipeline same" in out and "--adopt" in out
    plan = eisops.plan_json(manifests, "--url", fake_es.url, "--adopt")
    assert [c["action"] for c in plan["changes"]] == ["adopt"]
    (manifests / "p.yaml").write_text("kind: IngestPipeline\nname: same\nspec: {processors: [{set: {field: a, value: 2}}]}\n")
    plan = eisops.plan_json(manifests, "--url", fake_es.url, "--adopt")
    assert [c["action"] for c in plan["changes"]] == ["conflict"]
    assert "differs from the manifest at: processors" in plan["changes"][0]["reason"]
