"""Document APIs of the fake: index/get/delete, _bulk, _search/_count, dynamic mapping."""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, ConflictError, NotFoundError

from .conftest import error_of


def test_index_get_delete_cycle(es):
    created = es.index(index="i", id="1", document={"a": 1})
    assert created.meta.status == 201
    assert created.body == {"_index": "i", "_id": "1", "_version": 1, "result": "created",
                            "_shards": {"total": 2, "successful": 1, "failed": 0}, "_seq_no": 0, "_primary_term": 1}
    updated = es.index(index="i", id="1", document={"a": 2})
    assert (updated.meta.status, updated["result"], updated["_version"], updated["_seq_no"]) == (200, "updated", 2, 1)
    got = es.get(index="i", id="1")
    assert got["found"] is True and got["_source"] == {"a": 2} and got["_version"] == 2
    with pytest.raises(NotFoundError) as exc:
        es.get(index="i", id="nope")
    assert exc.value.body == {"_index": "i", "_id": "nope", "found": False}
    assert es.delete(index="i", id="1")["result"] == "deleted"
    with pytest.raises(NotFoundError) as exc:
        es.delete(index="i", id="1")
    assert exc.value.body["result"] == "not_found"


def test_auto_id_and_create_conflict(es):
    resp = es.index(index="i", document={"a": 1})
    assert len(resp["_id"]) >= 20 and resp["result"] == "created"
    es.create(index="i", id="x", document={})
    with pytest.raises(ConflictError) as exc:
        es.create(index="i", id="x", document={})
    assert error_of(exc) == (409, "version_conflict_engine_exception",
                             "[x]: version conflict, document already exists (current version [1])")


def test_auto_create_applies_templates(es):
    es.indices.put_index_template(name="t", index_patterns=["logs-app-*"], priority=1,
                                  template={"settings": {"number_of_replicas": 0}, "mappings": {"properties": {"n": {"type": "keyword"}}}})
    es.index(index="logs-app-1", id="1", document={"n": 5})
    got = es.indices.get(index="logs-app-1")["logs-app-1"]
    assert got["settings"]["index"]["number_of_replicas"] == "0"
    assert got["mappings"]["properties"]["n"] == {"type": "keyword"}


def test_dynamic_mapping_types(es):
    es.index(index="i", id="1", document={"s": "text", "n": 1, "f": 1.5, "b": True, "d": "2024-01-02",
                                          "o": {"x": "y"}, "arr": [1, 2], "nul": None})
    props = es.indices.get_mapping(index="i")["i"]["mappings"]["properties"]
    kw = {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}}
    assert props == {"arr": {"type": "long"}, "b": {"type": "boolean"}, "d": {"type": "date"}, "f": {"type": "float"},
                     "n": {"type": "long"}, "o": {"properties": {"x": kw}}, "s": kw}


@pytest.mark.parametrize("dynamic,expect_mapped", [(False, False), ("false", False), (True, True)])
def test_dynamic_false_keeps_source_but_not_mapping(es, dynamic, expect_mapped):
    es.indices.create(index="i", mappings={"dynamic": dynamic, "properties": {"a": {"type": "keyword"}}})
    es.index(index="i", id="1", document={"a": "x", "extra": "y"})
    assert es.get(index="i", id="1")["_source"] == {"a": "x", "extra": "y"}
    assert ("extra" in es.indices.get_mapping(index="i")["i"]["mappings"]["properties"]) is expect_mapped


def test_dynamic_runtime(es):
    es.indices.create(index="i", mappings={"dynamic": "runtime"})
    es.index(index="i", id="1", document={"s": "x", "n": 3})
    m = es.indices.get_mapping(index="i")["i"]["mappings"]
    assert m["runtime"] == {"n": {"type": "long"}, "s": {"type": "keyword"}} and "properties" not in m


def test_strict_dynamic_mapping(es):
    es.indices.create(index="i", mappings={"dynamic": "strict", "properties": {"o": {"type": "object", "dynamic": "strict", "properties": {"a": {"type": "long"}}}}})
    with pytest.raises(BadRequestError) as exc:
        es.index(index="i", id="1", document={"x": 1})
    assert error_of(exc) == (400, "strict_dynamic_mapping_exception",
                             "[1:2] mapping set to strict, dynamic introduction of [x] within [_doc] is not allowed")
    with pytest.raises(BadRequestError) as exc:
        es.index(index="i", id="1", document={"o": {"b": 1}})
    assert error_of(exc)[2].endswith("dynamic introduction of [b] within [o] is not allowed")
    assert es.count(index="i")["count"] == 0


def test_value_parse_failure(es):
    es.indices.create(index="i", mappings={"properties": {"n": {"type": "long"}, "m": {"type": "long", "ignore_malformed": True}}})
    with pytest.raises(BadRequestError) as exc:
        es.index(index="i", id="1", document={"n": "abc"})
    assert error_of(exc)[1] == "document_parsing_exception"
    assert "failed to parse field [n] of type [long]" in error_of(exc)[2]
    assert es.index(index="i", id="2", document={"m": "abc"})["result"] == "created"


def test_dense_vector_dims_from_first_document(es):
    es.indices.create(index="i", mappings={"properties": {"v": {"type": "dense_vector"}}})
    es.index(index="i", id="1", document={"v": [0.1] * 512})
    v = es.indices.get_mapping(index="i")["i"]["mappings"]["properties"]["v"]
    assert v["dims"] == 512 and v["index_options"]["type"] == "bbq_hnsw"


def test_alias_write_index_resolution(es):
    es.indices.create(index="a1", aliases={"w": {}})
    es.index(index="w", id="1", document={})
    assert es.get(index="a1", id="1")["found"] is True
    es.indices.create(index="a2", aliases={"w": {}})
    with pytest.raises(BadRequestError) as exc:
        es.index(index="w", id="2", document={})
    assert error_of(exc)[2].startswith("no write index is defined for alias [w].")
    es.indices.update_aliases(actions=[{"add": {"index": "a2", "alias": "w", "is_write_index": True}}])
    assert es.index(index="w", id="2", document={})["_index"] == "a2"


def test_bulk_mixed_actions_and_errors(es):
    es.indices.create(index="s", mappings={"dynamic": "strict"})
    resp = es.bulk(operations=[
        {"index": {"_index": "b", "_id": "1"}}, {"a": 1},
        {"create": {"_index": "b", "_id": "1"}}, {"a": 2},
        {"delete": {"_index": "b", "_id": "1"}},
        {"index": {"_index": "s", "_id": "1"}}, {"x": 1},
        {"create": {"_index": "b", "_id": "2"}}, {"a": 3},
        {"update": {"_index": "b", "_id": "2"}}, {"doc": {"c": 4}},
    ])
    assert resp["errors"] is True
    statuses = [(next(iter(item)), next(iter(item.values()))["status"]) for item in resp["items"]]
    assert statuses == [("index", 201), ("create", 409), ("delete", 200), ("index", 400), ("create", 201), ("update", 200)]
    assert resp["items"][3]["index"]["error"]["type"] == "strict_dynamic_mapping_exception"
    assert es.get(index="b", id="2")["_source"] == {"a": 3, "c": 4}
    ok = es.bulk(index="b", operations=[{"index": {"_id": "9"}}, {"z": 1}])
    assert ok["errors"] is False and ok["items"][0]["index"]["_index"] == "b"


def test_search_and_count(es):
    es.bulk(operations=[{"index": {"_index": "q", "_id": str(i)}} if j == 0 else {"n": i, "tag": "even" if i % 2 == 0 else "odd"}
                        for i in range(5) for j in range(2)])
    everything = es.search(index="q", size=2)
    assert everything["hits"]["total"] == {"value": 5, "relation": "eq"} and len(everything["hits"]["hits"]) == 2
    even = es.search(index="q", query={"term": {"tag": "even"}})
    assert sorted(h["_id"] for h in even["hits"]["hits"]) == ["0", "2", "4"]
    assert es.count(index="q", query={"bool": {"must_not": [{"term": {"tag": "even"}}]}})["count"] == 2
    assert es.count(index="q")["count"] == 5
    with pytest.raises(BadRequestError) as exc:
        es.search(index="q", query={"fancy": {}})
    assert error_of(exc) == (400, "parsing_exception", "unknown query [fancy]")
    with pytest.raises(NotFoundError):
        es.search(index="missing")


def test_optimistic_concurrency_and_require_alias(es):
    first = es.index(index="i", id="1", document={"a": 1})
    es.index(index="i", id="1", document={"a": 2}, if_seq_no=first["_seq_no"], if_primary_term=1)
    with pytest.raises(ConflictError) as exc:
        es.index(index="i", id="1", document={"a": 3}, if_seq_no=first["_seq_no"], if_primary_term=1)
    assert error_of(exc)[2] == "[1]: version conflict, required seqNo [0], primary term [1]. current document has seqNo [1] and primary term [1]"
    assert es.get(index="i", id="1")["_source"] == {"a": 2}
    with pytest.raises(NotFoundError) as exc:
        es.index(index="i", id="2", document={}, require_alias=True)
    assert error_of(exc)[2] == "no such index [i] and [require_alias] request flag is [true] and [i] is not an alias"
    es.indices.update_aliases(actions=[{"add": {"index": "i", "alias": "al"}}])
    assert es.index(index="al", id="2", document={}, require_alias=True)["_index"] == "i"


def test_unsupported_search_features_are_refused_not_ignored(es):
    es.index(index="i", id="1", document={"a": 1})
    with pytest.raises(BadRequestError) as exc:
        es.search(index="i", aggs={"x": {"terms": {"field": "a"}}})
    assert "unsupported search request keys ['aggs']" in error_of(exc)[2]
    with pytest.raises(BadRequestError) as exc:
        es.search(index="i", highlight={"fields": {"a": {}}})
    assert "unsupported search request keys ['highlight']" in error_of(exc)[2]
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("GET", "/i/_search", params={"sort": "a"}, headers={"accept": "application/json"})
    assert error_of(exc)[2] == "request [/i/_search] contains unrecognized parameter: [sort]"
    assert es.search(index="i", rest_total_hits_as_int=True)["hits"]["total"] == 1
