"""A node comes up for each server line, answers, and basic index work succeeds."""

from __future__ import annotations

import pytest

from tests.real_es.versions import resolve_version

pytestmark = pytest.mark.real_es


def test_cluster_health(real_es):
    r = real_es.request("GET", "/_cluster/health")
    assert r.status == 200, r.text
    assert r.body["status"] in ("green", "yellow")
    assert r.body["number_of_nodes"] == 1
    assert real_es.url.startswith("http://127.0.0.1:")


def test_version_is_the_pinned_one(real_es, request):
    nodes = real_es.request("GET", "/_nodes/_local/version").body["nodes"]
    (info,) = nodes.values()
    assert info["version"] == real_es.version
    spec = request.node.callspec.params["real_es"]
    if spec != "url":
        assert real_es.version == resolve_version(spec)


def test_client_talks_to_both_lines(real_es):
    # The 8.x Python client must work against 8.19 and (REST compatibility) 9.x.
    es = real_es.client()
    health = es.cluster.health(wait_for_status="yellow", timeout="10s")
    assert health["number_of_nodes"] == 1


def test_index_create_get_delete(real_es_clean):
    es = real_es_clean.client()
    es.indices.create(index="smoke-idx", settings={"number_of_shards": 1, "number_of_replicas": 0},
                      mappings={"properties": {"title": {"type": "text"}, "n": {"type": "integer"}}})
    got = es.indices.get(index="smoke-idx")
    assert got["smoke-idx"]["mappings"]["properties"]["n"] == {"type": "integer"}
    es.index(index="smoke-idx", id="1", document={"title": "hello world", "n": 1}, refresh="true")
    assert es.search(index="smoke-idx", query={"match": {"title": "hello"}})["hits"]["total"]["value"] == 1
    es.indices.delete(index="smoke-idx")
    assert not es.indices.exists(index="smoke-idx")


def test_clean_removes_test_objects_only(real_es_clean):
    es = real_es_clean.client()
    before = _all_indices(real_es_clean)
    es.indices.create(index="leftover-a")
    es.indices.create(index="leftover-b", settings={"index.hidden": True})
    es.indices.create(index=".eisops-state", settings={"index.hidden": True})
    es.indices.close(index="leftover-a")
    es.cluster.put_component_template(name="ct-smoke", template={"settings": {"number_of_shards": 1}})
    es.indices.put_index_template(name="it-smoke", index_patterns=["smoke-*"], composed_of=["ct-smoke"],
                                  priority=500)
    # The integ-test-zip has no ingest-common, so a pipeline without processors.
    es.ingest.put_pipeline(id="p-smoke", processors=[], description="smoke")
    es.cluster.put_settings(persistent={"cluster.max_shards_per_node": 1234})

    deleted = real_es_clean.clean()

    assert {"index:leftover-a", "index:leftover-b", "index:.eisops-state", "index_template:it-smoke",
            "component_template:ct-smoke", "pipeline:p-smoke",
            "setting:cluster.max_shards_per_node"} <= set(deleted)
    assert _all_indices(real_es_clean) == before  # what ES made itself (if anything) is still there
    assert not [t for t in es.indices.get_index_template()["index_templates"] if t["name"].endswith("-smoke")]
    assert "cluster.max_shards_per_node" not in es.cluster.get_settings(flat_settings=True)["persistent"]
    assert real_es_clean.clean() == []  # idempotent


def test_starts_from_an_empty_cluster(real_es_clean):
    assert {i for i in _all_indices(real_es_clean) if not i.startswith(".")} == set()


def _all_indices(es) -> set[str]:
    r = es.request("GET", "/_cat/indices?format=json&h=index&expand_wildcards=all")
    assert r.status == 200, r.text
    return {row["index"] for row in r.body}
