"""Write blocks, _reindex and the tasks API, scroll, _stats/docs and semantic_text _inference_fields."""

from __future__ import annotations

import re

import pytest
from elasticsearch import ApiError, BadRequestError, NotFoundError

from tests.fake_es.inference_run import embed, sparse_embed

from .conftest import error_of

JSON = {"accept": "application/json", "content-type": "application/json"}
BLOCKED = "index [{}] blocked by: [FORBIDDEN/8/index write (api)];"
E5 = ".multilingual-e5-small-elasticsearch"
ELSER = ".elser-2-elasticsearch"


def call(es, method: str, path: str, body=None, **params):
    """A raw request (for parameters and APIs the client does not name)."""
    return es.perform_request(method, path, params=params or None, headers=JSON, body=body)


def fill(es, index: str, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        es.index(index=index, id=str(i), document={"n": i, "name": f"doc {i}"})


def block(es, index: str, value=True) -> None:
    es.indices.put_settings(index=index, settings={"index.blocks.write": value})


def status_of(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("took", "timed_out", "failures")}


def counts(total=0, created=0, updated=0, batches=0, conflicts=0) -> dict:
    return {"total": total, "updated": updated, "created": created, "deleted": 0, "batches": batches,
            "version_conflicts": conflicts, "noops": 0, "retries": {"bulk": 0, "search": 0}, "throttled_millis": 0,
            "requests_per_second": -1.0, "throttled_until_millis": 0}


# -------------------------------------------------------------- write block
def test_write_block_refuses_single_document_writes(es):
    fill(es, "i", 2)
    block(es, "i")
    for attempt in (lambda: es.index(index="i", id="9", document={"n": 9}),
                    lambda: es.index(index="i", document={"n": 9}),
                    lambda: es.create(index="i", id="9", document={"n": 9}),
                    lambda: es.update(index="i", id="0", doc={"n": 10}),
                    lambda: es.delete(index="i", id="0"),
                    lambda: es.delete(index="i", id="missing")):
        with pytest.raises(ApiError) as exc:
            attempt()
        assert error_of(exc) == (403, "cluster_block_exception", BLOCKED.format("i"))
        assert exc.value.body["error"]["root_cause"] == [{"type": "cluster_block_exception",
                                                          "reason": BLOCKED.format("i")}]
    # Reads still work, and nothing was written.
    assert es.get(index="i", id="0")["_source"] == {"n": 0, "name": "doc 0"}
    assert es.search(index="i")["hits"]["total"]["value"] == 2
    assert es.count(index="i")["count"] == 2
    # Lifting the block lets writes through again.
    block(es, "i", False)
    assert es.index(index="i", id="9", document={"n": 9})["result"] == "created"


def test_write_block_in_bulk_fails_each_item(es):
    fill(es, "i", 1)
    es.index(index="other", id="1", document={"n": 1})
    block(es, "i")
    resp = es.bulk(operations=[
        {"index": {"_index": "i", "_id": "5"}}, {"n": 5},
        {"create": {"_index": "i", "_id": "6"}}, {"n": 6},
        {"update": {"_index": "i", "_id": "0"}}, {"doc": {"n": 7}},
        {"delete": {"_index": "i", "_id": "0"}},
        {"index": {"_index": "other", "_id": "2"}}, {"n": 2},
    ])
    assert resp.meta.status == 200 and resp["errors"] is True
    blocked = {"type": "cluster_block_exception", "reason": BLOCKED.format("i")}
    for item, action in zip(resp["items"][:4], ("index", "create", "update", "delete")):
        assert item[action]["status"] == 403
        assert item[action]["_index"] == "i"
        assert item[action]["error"] == blocked
    assert resp["items"][4]["index"]["status"] == 201
    assert es.count(index="i")["count"] == 1


def test_write_block_through_an_alias(es):
    fill(es, "i-1", 1)
    es.indices.put_alias(index="i-1", name="al")
    block(es, "i-1")
    with pytest.raises(ApiError) as exc:
        es.index(index="al", id="2", document={"n": 2})
    assert error_of(exc) == (403, "cluster_block_exception", BLOCKED.format("i-1"))
    item = es.bulk(operations=[{"index": {"_index": "al", "_id": "3"}}, {"n": 3}])["items"][0]["index"]
    # The item names the index as the request did; the reason names the concrete one (8.19.21, 9.5.2).
    assert (item["_index"], item["status"], item["error"]["reason"]) == ("al", 403, BLOCKED.format("i-1"))
    assert es.search(index="al")["hits"]["total"]["value"] == 1


def test_read_only_block_also_refuses_writes(es):
    fill(es, "i", 1)
    es.indices.put_settings(index="i", settings={"index.blocks.read_only": True})
    with pytest.raises(ApiError) as exc:
        es.index(index="i", id="2", document={})
    assert error_of(exc) == (403, "cluster_block_exception", "index [i] blocked by: [FORBIDDEN/5/index read-only (api)];")


def test_update_api_merges_and_detects_noop(es):
    es.index(index="i", id="1", document={"a": {"b": 1, "c": 2}, "d": 1})
    resp = es.update(index="i", id="1", doc={"a": {"b": 5}})
    assert (resp["result"], resp["_version"]) == ("updated", 2)
    assert es.get(index="i", id="1")["_source"] == {"a": {"b": 5, "c": 2}, "d": 1}
    noop = es.update(index="i", id="1", doc={"d": 1})
    assert (noop["result"], noop["_version"], noop["_shards"]["total"]) == ("noop", 2, 0)
    with pytest.raises(NotFoundError) as exc:
        es.update(index="i", id="nope", doc={"d": 1})
    assert error_of(exc) == (404, "document_missing_exception", "[nope]: document missing")
    assert es.update(index="i", id="new", doc={"x": 1}, doc_as_upsert=True).meta.status == 201


# ------------------------------------------------------------------ reindex
def test_reindex_copies_every_document(es):
    fill(es, "a", 3)
    resp = es.reindex(source={"index": "a"}, dest={"index": "b"}, refresh=True)
    assert resp.meta.status == 200
    assert resp["timed_out"] is False and resp["failures"] == [] and isinstance(resp["took"], int)
    assert status_of(resp.body) == counts(total=3, created=3, batches=1)
    assert list(resp.body)[:3] == ["took", "timed_out", "total"]
    for i in range(3):
        assert es.get(index="b", id=str(i))["_source"] == {"n": i, "name": f"doc {i}"}
    # Again: every document is overwritten.
    again = es.reindex(source={"index": "a"}, dest={"index": "b"})
    assert status_of(again.body) == counts(total=3, updated=3, batches=1)
    assert es.get(index="b", id="0")["_version"] == 2


def test_reindex_batches_query_max_docs_and_list_sources(es):
    fill(es, "a", 5)
    fill(es, "c", 2, start=10)
    resp = es.reindex(source={"index": "a", "size": 2}, dest={"index": "b"})
    assert status_of(resp.body) == counts(total=5, created=5, batches=3)
    resp = es.reindex(source={"index": "a", "query": {"terms": {"n": [1, 3]}}}, dest={"index": "q"})
    assert status_of(resp.body) == counts(total=2, created=2, batches=1)
    assert sorted(h["_id"] for h in es.search(index="q")["hits"]["hits"]) == ["1", "3"]
    resp = es.reindex(source={"index": "a", "size": 2}, dest={"index": "m"}, max_docs=3)
    assert status_of(resp.body) == counts(total=3, created=3, batches=2)
    assert es.count(index="m")["count"] == 3
    resp = es.reindex(source={"index": ["a", "c"]}, dest={"index": "all"})
    assert resp["created"] == 7
    resp = es.reindex(source={"index": "a", "_source": ["n"]}, dest={"index": "only-n"})
    assert es.get(index="only-n", id="1")["_source"] == {"n": 1}


def test_reindex_goes_through_dest_mappings_and_pipelines(es):
    fill(es, "a", 2)
    es.ingest.put_pipeline(id="p", processors=[{"set": {"field": "copied", "value": True}}])
    es.indices.create(index="b", mappings={"properties": {"n": {"type": "keyword"}}})
    es.reindex(source={"index": "a"}, dest={"index": "b", "pipeline": "p"})
    assert es.get(index="b", id="1")["_source"] == {"n": 1, "name": "doc 1", "copied": True}
    props = es.indices.get_mapping(index="b")["b"]["mappings"]["properties"]
    assert props["n"] == {"type": "keyword"} and props["copied"] == {"type": "boolean"}
    # Auto-created destinations get templates, as any write.
    es.indices.put_index_template(name="t", index_patterns=["tpl-*"],
                                  template={"mappings": {"properties": {"n": {"type": "long"}, "name": {"type": "keyword"}}}})
    es.reindex(source={"index": "a"}, dest={"index": "tpl-b"})
    assert es.indices.get_mapping(index="tpl-b")["tpl-b"]["mappings"]["properties"]["name"] == {"type": "keyword"}


def test_reindex_failures_abort_after_their_batch(es):
    es.indices.create(index="a", mappings={"properties": {"n": {"type": "keyword"}}})
    for i in range(4):
        es.index(index="a", id=str(i), document={"n": "x" if i == 1 else i})
    es.indices.create(index="b", mappings={"properties": {"n": {"type": "long"}}})
    resp = es.reindex(source={"index": "a", "size": 2}, dest={"index": "b"})
    assert resp.meta.status == 200
    assert status_of(resp.body) == counts(total=4, created=1, batches=1)
    (failure,) = resp["failures"]
    assert (failure["index"], failure["id"], failure["status"]) == ("b", "1", 400)
    assert failure["cause"]["type"] == "document_parsing_exception"
    assert "failed to parse field [n] of type [long]" in failure["cause"]["reason"]
    assert "root_cause" not in failure["cause"]
    assert sorted(h["_id"] for h in es.search(index="b")["hits"]["hits"]) == ["0"]


def test_reindex_into_a_blocked_index_reports_403_failures(es):
    fill(es, "a", 2)
    es.indices.create(index="b")
    block(es, "b")
    resp = es.reindex(source={"index": "a"}, dest={"index": "b"})
    assert [(f["index"], f["id"], f["status"], f["cause"]) for f in resp["failures"]] == [
        ("b", str(i), 403, {"type": "cluster_block_exception", "reason": BLOCKED.format("b")}) for i in range(2)]
    assert status_of(resp.body) == counts(total=2, batches=1)


def test_reindex_version_conflicts(es):
    fill(es, "a", 3)
    es.index(index="b", id="1", document={"old": True})
    resp = es.reindex(source={"index": "a"}, dest={"index": "b", "op_type": "create"})
    assert status_of(resp.body) == counts(total=3, created=2, batches=1, conflicts=1)
    (failure,) = resp["failures"]
    assert (failure["id"], failure["status"], failure["cause"]["type"]) == ("1", 409, "version_conflict_engine_exception")
    es.indices.delete(index="b")
    es.index(index="b", id="1", document={"old": True})
    resp = es.reindex(source={"index": "a"}, dest={"index": "b", "op_type": "create"}, conflicts="proceed")
    assert resp["failures"] == []
    assert status_of(resp.body) == counts(total=3, created=2, batches=1, conflicts=1)
    assert es.get(index="b", id="1")["_source"] == {"old": True}


def test_reindex_request_errors(es):
    fill(es, "a", 1)
    with pytest.raises(NotFoundError) as exc:
        es.reindex(source={"index": "missing"}, dest={"index": "b"})
    assert error_of(exc) == (404, "index_not_found_exception", "no such index [missing]")
    with pytest.raises(BadRequestError) as exc:
        es.reindex(source={"index": "a"}, dest={"index": "a"})
    assert error_of(exc) == (400, "action_request_validation_exception",
                             "Validation Failed: 1: reindex cannot write into an index its reading from [a];")
    with pytest.raises(BadRequestError) as exc:
        call(es, "POST", "/_reindex", {"source": {"index": "a", "_source": False}, "dest": {}})
    assert error_of(exc)[2] == ("Validation Failed: 1: _source:false is not supported in this context;"
                                "2: index must be specified;")
    with pytest.raises(BadRequestError) as exc:
        call(es, "POST", "/_reindex", {"source": {"index": "a"}, "dest": {"index": "b"}}, slices="none")
    assert error_of(exc)[2] == '[slices] must be a positive integer or the string "auto", but was [none]'
    with pytest.raises(BadRequestError) as exc:
        call(es, "POST", "/_reindex", {"source": {"index": "a"}, "dest": {"index": "b"}}, pipeline="p")
    assert error_of(exc)[2].startswith("_reindex doesn't support [pipeline] as a query parameter")
    with pytest.raises(BadRequestError) as exc:
        call(es, "POST", "/_reindex", {"source": {"index": "a"}, "dest": {"index": "b"}, "conflicts": "maybe"})
    assert exc.value.body["error"]["caused_by"]["reason"] == 'conflicts may only be "proceed" or "abort" but was [maybe]'
    resp = call(es, "POST", "/_reindex", {"source": {"index": "a"}, "dest": {"index": "b"}}, slices="auto",
                requests_per_second="50", timeout="1m", scroll="5m", refresh="true")
    assert resp["requests_per_second"] == 50.0 and resp["created"] == 1


def test_reindex_through_aliases(es):
    fill(es, "a-1", 2)
    es.indices.put_alias(index="a-1", name="src")
    es.indices.create(index="b-1", aliases={"dst": {"is_write_index": True}})
    resp = es.reindex(source={"index": "src"}, dest={"index": "dst"})
    assert resp["created"] == 2 and es.count(index="b-1")["count"] == 2
    with pytest.raises(BadRequestError) as exc:
        es.reindex(source={"index": "src"}, dest={"index": "src"})
    assert "reindex cannot write into an index its reading from [a-1]" in error_of(exc)[2]


# -------------------------------------------------------------------- tasks
def test_reindex_without_waiting_is_read_through_the_tasks_api(es):
    fill(es, "a", 3)
    node_id = next(iter(es.nodes.info()["nodes"]))
    answer = es.reindex(source={"index": "a"}, dest={"index": "b"}, wait_for_completion=False, slices="auto",
                        refresh=True, conflicts="abort")
    assert list(answer.body) == ["task"]
    node, number = answer["task"].split(":")
    assert node == node_id and number.isdigit()
    result = call(es, "GET", f"/_tasks/{answer['task']}").body
    assert result["completed"] is True
    task = result["task"]
    assert {k: task[k] for k in ("node", "id", "type", "action", "description", "cancellable", "cancelled", "headers")} == {
        "node": node_id, "id": int(number), "type": "transport", "action": "indices:data/write/reindex",
        "description": "reindex from [a] to [b]", "cancellable": True, "cancelled": False, "headers": {}}
    assert task["status"] == counts(total=3, created=3, batches=1)
    assert isinstance(task["start_time_in_millis"], int) and isinstance(task["running_time_in_nanos"], int)
    assert status_of(result["response"]) == counts(total=3, created=3, batches=1)
    assert result["response"]["failures"] == [] and "error" not in result
    assert es.count(index="b")["count"] == 3
    # Later tasks get higher numbers; stored results stay.
    second = es.reindex(source={"index": ["a"]}, dest={"index": "c"}, wait_for_completion=False)["task"]
    assert int(second.split(":")[1]) > int(number)
    assert call(es, "GET", f"/_tasks/{second}")["task"]["description"] == "reindex from [a] to [c]"
    assert call(es, "GET", f"/_tasks/{answer['task']}", wait_for_completion="true", timeout="10s")["completed"] is True


def test_task_results_carry_failures_and_errors(es):
    fill(es, "a", 1)
    es.indices.create(index="b")
    block(es, "b")
    task = es.reindex(source={"index": "a"}, dest={"index": "b"}, wait_for_completion=False)["task"]
    failures = call(es, "GET", f"/_tasks/{task}")["response"]["failures"]
    assert [(f["id"], f["status"]) for f in failures] == [("0", 403)]
    task = es.reindex(source={"index": "nope"}, dest={"index": "b"}, wait_for_completion=False)["task"]
    result = call(es, "GET", f"/_tasks/{task}").body
    assert result["completed"] is True and "response" not in result
    assert (result["error"]["type"], result["error"]["reason"]) == ("index_not_found_exception", "no such index [nope]")


def test_unknown_tasks(es):
    node_id = next(iter(es.nodes.info()["nodes"]))
    with pytest.raises(NotFoundError) as exc:
        call(es, "GET", f"/_tasks/{node_id}:999")
    assert error_of(exc) == (404, "resource_not_found_exception",
                             f"task [{node_id}:999] isn't running and hasn't stored its results")
    # A reindex that waited stores nothing.
    fill(es, "a", 1)
    es.reindex(source={"index": "a"}, dest={"index": "b"})
    with pytest.raises(NotFoundError):
        call(es, "GET", f"/_tasks/{node_id}:1")
    with pytest.raises(NotFoundError) as exc:
        call(es, "GET", "/_tasks/othernode:1")
    assert error_of(exc)[2] == ("task [othernode:1] belongs to the node [othernode] which isn't part of the cluster "
                                "and there is no record of the task")
    with pytest.raises(BadRequestError) as exc:
        call(es, "GET", "/_tasks/garbage")
    assert error_of(exc) == (400, "illegal_argument_exception", "malformed task id garbage")


# ------------------------------------------------------------------- scroll
def test_scroll_pages_through_a_snapshot(es):
    fill(es, "i", 25)
    first = es.search(index="i", scroll="1m", size=10, sort=["_doc"], query={"match_all": {}})
    assert list(first.body)[0] == "_scroll_id"
    scroll_id = first["_scroll_id"]
    assert first["hits"]["total"] == {"value": 25, "relation": "eq"}
    seen = [h["_id"] for h in first["hits"]["hits"]]
    assert first["hits"]["hits"][0]["sort"] == [0] and first["hits"]["hits"][0]["_score"] is None
    assert first["hits"]["max_score"] is None
    # Writes after the first page are not seen.
    es.index(index="i", id="new", document={"n": 99})
    es.delete(index="i", id="24")
    sizes = [len(seen)]
    while True:
        page = es.scroll(scroll_id=scroll_id, scroll="1m")
        assert page["_scroll_id"] == scroll_id and page["hits"]["total"]["value"] == 25
        if not page["hits"]["hits"]:
            break
        sizes.append(len(page["hits"]["hits"]))
        seen += [h["_id"] for h in page["hits"]["hits"]]
    assert sizes == [10, 10, 5]
    assert seen == [str(i) for i in range(25)]
    assert es.clear_scroll(scroll_id=scroll_id).body == {"succeeded": True, "num_freed": 1}


def test_scroll_source_false_and_version(es):
    fill(es, "i", 3)
    es.index(index="i", id="0", document={"n": 0})
    page = es.search(index="i", scroll="2m", size=2, sort=["_doc"], source=False, version=True,
                     seq_no_primary_term=True)
    hits = page["hits"]["hits"]
    assert hits[0] == {"_index": "i", "_id": "0", "_version": 2, "_seq_no": 3, "_primary_term": 1, "_score": None,
                       "sort": [0]}
    rest = call(es, "POST", "/_search/scroll", {"scroll": "2m", "scroll_id": page["_scroll_id"]})
    assert [(h["_id"], h["_version"], "_source" in h) for h in rest["hits"]["hits"]] == [("2", 1, False)]
    # Query parameters work too, on GET.
    again = call(es, "GET", "/_search/scroll", scroll_id=page["_scroll_id"], scroll="1m")
    assert again["hits"]["hits"] == []


def test_search_source_filtering_and_sorting(es):
    es.indices.create(index="i", mappings={"properties": {"k": {"type": "keyword"}}})
    es.index(index="i", id="1", document={"a": {"b": 1, "c": 2}, "k": "z", "n": 5})
    es.index(index="i", id="2", document={"a": {"b": 3, "c": 4}, "k": "a", "n": 1})
    es.index(index="i", id="3", document={"k": "m"})
    hits = es.search(index="i", source=["a.b"], sort=[{"n": "desc"}])["hits"]["hits"]
    assert [(h["_id"], h["_source"], h["sort"]) for h in hits] == [
        ("1", {"a": {"b": 1}}, [5]), ("2", {"a": {"b": 3}}, [1]), ("3", {}, [-(2**63)])]
    hits = es.search(index="i", source={"excludes": ["a"]}, sort="k")["hits"]["hits"]
    assert [(h["_id"], h["_source"]) for h in hits] == [("2", {"k": "a", "n": 1}), ("3", {"k": "m"}), ("1", {"k": "z", "n": 5})]
    # _score in a sort: scores shown, max_score not; a sort on _score alone is no sort (9.5.2).
    page = es.search(index="i", sort=[{"k": "desc"}, "_score"])["hits"]
    assert page["max_score"] is None and page["hits"][0]["sort"] == ["z", 1.0] and page["hits"][0]["_score"] == 1.0
    page = es.search(index="i", sort=["_score"])["hits"]
    assert page["max_score"] == 1.0 and "sort" not in page["hits"][0]
    hits = call(es, "GET", "/i/_search", _source="false")["hits"]["hits"]
    assert all("_source" not in h for h in hits) and all(h["_score"] == 1.0 for h in hits)
    with pytest.raises(BadRequestError) as exc:
        es.search(index="i", sort=["missing_field"])
    assert exc.value.body["error"]["root_cause"][0]["reason"] == "No mapping found for [missing_field] in order to sort on"
    assert es.search(index="i", sort=[{"missing_field": {"unmapped_type": "long"}}])["hits"]["total"]["value"] == 3
    assert es.get(index="i", id="1", source_includes=["k"])["_source"] == {"k": "z"}
    assert "_source" not in es.get(index="i", id="1", source=False)


def test_scroll_errors(es, make_es):
    fill(es, "i", 3)
    page = es.search(index="i", scroll="1m", size=1)
    scroll_id = page["_scroll_id"]
    assert es.clear_scroll(scroll_id=[scroll_id])["num_freed"] == 1
    with pytest.raises(NotFoundError) as exc:
        es.scroll(scroll_id=scroll_id, scroll="1m")
    err = exc.value.body["error"]
    assert (err["type"], err["reason"]) == ("search_phase_execution_exception", "all shards failed")
    assert err["root_cause"][0]["type"] == "search_context_missing_exception"
    assert re.fullmatch(r"No search context found for id \[\[[\w-]+\]\[\d+\] searcherId \[null\]\]",
                        err["root_cause"][0]["reason"])
    assert err["caused_by"]["type"] == "search_context_missing_exception"
    # Before 9.3 the id is shown bare.
    _fake, old = make_es(version="9.2.0")
    old.index(index="i", id="1", document={})
    scroll_id = old.search(index="i", scroll="1m")["_scroll_id"]
    old.clear_scroll(scroll_id=scroll_id)
    with pytest.raises(NotFoundError) as exc:
        old.scroll(scroll_id=scroll_id, scroll="1m")
    assert exc.value.body["error"]["root_cause"][0]["reason"] == "No search context found for id [1]"
    scroll_id = es.search(index="i", scroll="1m", size=1)["_scroll_id"]
    es.clear_scroll(scroll_id=scroll_id)
    # Clearing what is gone: 404 with nothing freed.
    with pytest.raises(NotFoundError) as exc:
        es.clear_scroll(scroll_id=scroll_id)
    assert exc.value.body == {"succeeded": True, "num_freed": 0}
    with pytest.raises(BadRequestError) as exc:
        es.scroll(scroll_id="not a scroll id", scroll="1m")
    assert error_of(exc) == (400, "illegal_argument_exception", "Cannot parse scroll id")
    assert exc.value.body["error"]["caused_by"] == {"type": "illegal_argument_exception",
                                                    "reason": "Illegal base64 character 20"}
    with pytest.raises(BadRequestError) as exc:
        es.search(index="i", scroll="1m", from_=2)
    assert error_of(exc)[2] == "Validation Failed: 1: using [from] is not allowed in a scroll context;"
    with pytest.raises(BadRequestError) as exc:
        es.search(index="i", scroll="soon")
    assert "failed to parse setting [scroll] with value [soon]" in error_of(exc)[2]
    # DELETE _search/scroll/_all frees every context.
    es.search(index="i", scroll="1m", size=1)
    es.search(index="i", scroll="1m", size=1)
    assert call(es, "DELETE", "/_search/scroll/_all").body == {"succeeded": True, "num_freed": 1}


# -------------------------------------------------------------------- stats
def test_docs_stats(es):
    fill(es, "logs-1", 3)
    fill(es, "logs-2", 1)
    es.indices.create(index="empty", settings={"number_of_replicas": 0})
    es.indices.put_alias(index="logs-2", name="recent")
    resp = es.indices.stats(index="logs-*", metric="docs").body
    assert resp["_shards"] == {"total": 4, "successful": 2, "failed": 0}
    assert resp["_all"]["primaries"]["docs"]["count"] == 4 and resp["_all"]["total"]["docs"]["count"] == 4
    entry = resp["indices"]["logs-1"]
    assert entry["uuid"] == es.indices.get_settings(index="logs-1")["logs-1"]["settings"]["index"]["uuid"]
    assert (entry["health"], entry["status"]) == ("yellow", "open")
    assert entry["primaries"]["docs"]["count"] == 3 and entry["primaries"]["docs"]["deleted"] == 0
    assert entry["total"] == entry["primaries"]
    assert sorted(resp["indices"]) == ["logs-1", "logs-2"]
    assert list(es.indices.stats(index="recent", metric="docs")["indices"]) == ["logs-2"]
    assert sorted(es.indices.stats(index="logs-1,empty", metric="docs")["indices"]) == ["empty", "logs-1"]
    assert es.indices.stats(index="empty", metric="docs")["indices"]["empty"]["health"] == "green"
    everything = es.indices.stats(metric="docs")
    assert everything["_all"]["primaries"]["docs"]["count"] == 4 and len(everything["indices"]) == 3
    filtered = call(es, "GET", "/logs-1/_stats/docs", filter_path="indices.*.primaries.docs.count").body
    assert filtered == {"indices": {"logs-1": {"primaries": {"docs": {"count": 3}}}}}


def test_docs_stats_resolution_and_errors(es):
    fill(es, "a", 1)
    with pytest.raises(NotFoundError) as exc:
        es.indices.stats(index="missing", metric="docs")
    assert error_of(exc) == (404, "index_not_found_exception", "no such index [missing]")
    resp = call(es, "GET", "/a,missing/_stats/docs", ignore_unavailable="true")
    assert list(resp["indices"]) == ["a"]
    assert es.indices.stats(index="nothing-*", metric="docs").body == {
        "_shards": {"total": 0, "successful": 0, "failed": 0}, "_all": {"primaries": {}, "total": {}}, "indices": {}}
    with pytest.raises(NotFoundError):
        call(es, "GET", "/nothing-*/_stats/docs", allow_no_indices="false")
    es.indices.close(index="a")
    with pytest.raises(BadRequestError) as exc:
        es.indices.stats(index="a", metric="docs")
    assert error_of(exc)[1] == "index_closed_exception"
    assert es.indices.stats(index="*", metric="docs")["indices"] == {}
    with pytest.raises(BadRequestError) as exc:
        call(es, "GET", "/_stats/doc")
    assert error_of(exc)[2] == "request [/_stats/doc] contains unrecognized metric: [doc] -> did you mean [docs]?"
    with pytest.raises(BadRequestError) as exc:
        call(es, "GET", "/_stats/docs,store")
    assert "not emulated" in error_of(exc)[2]


# ----------------------------------------------------- semantic_text inference
def _raw_get(es, index: str, doc_id: str, **params) -> dict:
    return call(es, "GET", f"/{index}/_doc/{doc_id}", **params).body


def test_semantic_text_documents_keep_inference_fields(es):
    es.indices.create(index="s", mappings={"properties": {"body": {"type": "semantic_text", "inference_id": E5},
                                                          "tags": {"type": "semantic_text", "inference_id": ELSER}}})
    es.index(index="s", id="1", document={"body": "hello world", "tags": ["red apples", "green"], "n": 1})
    plain = es.get(index="s", id="1")["_source"]
    assert plain == {"body": "hello world", "tags": ["red apples", "green"], "n": 1}
    shown = _raw_get(es, "s", "1", _source_exclude_vectors="false")["_source"]
    assert {k: v for k, v in shown.items() if k != "_inference_fields"} == plain
    mapping = es.indices.get_mapping(index="s")["s"]["mappings"]["properties"]
    e5, elser = es.inference.get(inference_id=E5)["endpoints"][0], es.inference.get(inference_id=ELSER)["endpoints"][0]
    body = shown["_inference_fields"]["body"]["inference"]
    assert body["inference_id"] == E5 and body["model_settings"] == mapping["body"]["model_settings"]
    assert body["chunks"] == {"body": [{"start_offset": 0, "end_offset": 11,
                                        "embeddings": embed(e5, "hello world", "ingest")}]}
    assert len(body["chunks"]["body"][0]["embeddings"]) == mapping["body"]["model_settings"]["dimensions"]
    tags = shown["_inference_fields"]["tags"]["inference"]
    assert tags["model_settings"] == mapping["tags"]["model_settings"]
    assert tags["chunks"] == {"tags": [
        {"start_offset": 0, "end_offset": 10, "embeddings": sparse_embed(elser, "red apples")},
        {"start_offset": 11, "end_offset": 16, "embeddings": sparse_embed(elser, "green")}]}
    # Searches show the source as written too.
    assert es.search(index="s")["hits"]["hits"][0]["_source"] == plain
    assert "_inference_fields" in es.search(index="s", source={"exclude_vectors": False})["hits"]["hits"][0]["_source"]
    # Updating the text embeds it again; dropping it drops its inference.
    es.index(index="s", id="1", document={"body": "bye"})
    again = _raw_get(es, "s", "1", _source_exclude_vectors="false")["_source"]["_inference_fields"]
    assert list(again) == ["body"]
    assert again["body"]["inference"]["chunks"]["body"][0]["embeddings"] == embed(e5, "bye", "ingest")
    es.index(index="s", id="2", document={"n": 2})
    assert "_inference_fields" not in _raw_get(es, "s", "2", _source_exclude_vectors="false")["_source"]


def test_semantic_text_copy_to_chunks_by_source_field(es):
    es.indices.create(index="s", mappings={"properties": {
        "title": {"type": "text", "copy_to": "all"}, "all": {"type": "semantic_text", "inference_id": E5}}})
    es.index(index="s", id="1", document={"title": "a title", "all": "own text"})
    chunks = _raw_get(es, "s", "1", _source_exclude_vectors="false")["_source"]["_inference_fields"]["all"][
        "inference"]["chunks"]
    assert {k: [(c["start_offset"], c["end_offset"]) for c in v] for k, v in chunks.items()} == {
        "all": [(0, 8)], "title": [(0, 7)]}


def test_reindex_embeds_again_with_the_destination_endpoint(es):
    es.inference.put(inference_id="other-e5", task_type="text_embedding", inference_config={
        "service": "elasticsearch",
        "service_settings": {"model_id": ".multilingual-e5-small", "num_threads": 1, "num_allocations": 1}})
    es.indices.create(index="a", mappings={"properties": {"c": {"type": "semantic_text", "inference_id": E5}}})
    es.indices.create(index="b", mappings={"properties": {"c": {"type": "semantic_text", "inference_id": ELSER}}})
    es.index(index="a", id="1", document={"c": "some words"})
    assert es.reindex(source={"index": "a"}, dest={"index": "b"})["created"] == 1
    assert es.get(index="b", id="1")["_source"] == {"c": "some words"}
    inference = _raw_get(es, "b", "1", _source_exclude_vectors="false")["_source"]["_inference_fields"]["c"]["inference"]
    elser = es.inference.get(inference_id=ELSER)["endpoints"][0]
    assert inference["inference_id"] == ELSER
    assert inference["chunks"]["c"][0]["embeddings"] == sparse_embed(elser, "some words")


def test_inference_fields_shown_by_index_setting_or_explicit_include(es):
    es.indices.create(index="s", settings={"index.mapping.exclude_source_vectors": False},
                      mappings={"properties": {"c": {"type": "semantic_text", "inference_id": E5}}})
    es.index(index="s", id="1", document={"c": "x"})
    assert "_inference_fields" in es.get(index="s", id="1")["_source"]
    assert "_inference_fields" not in _raw_get(es, "s", "1", _source_exclude_vectors="true")["_source"]
    es.indices.create(index="t", mappings={"properties": {"c": {"type": "semantic_text", "inference_id": E5}}})
    es.index(index="t", id="1", document={"c": "x"})
    assert list(es.get(index="t", id="1", source_includes=["_inference_fields"])["_source"]) == ["_inference_fields"]


def test_long_semantic_text_is_chunked(es):
    es.indices.create(index="s", mappings={"properties": {"c": {
        "type": "semantic_text", "inference_id": E5,
        "chunking_settings": {"strategy": "word", "max_chunk_size": 10, "overlap": 2}}}})
    text = " ".join(f"w{i}" for i in range(25))
    es.index(index="s", id="1", document={"c": text})
    chunks = _raw_get(es, "s", "1", _source_exclude_vectors="false")["_source"]["_inference_fields"]["c"][
        "inference"]["chunks"]["c"]
    assert len(chunks) == 3
    assert chunks[0]["start_offset"] == 0 and chunks[-1]["end_offset"] == len(text)
    assert all(c["start_offset"] < c["end_offset"] for c in chunks)


def test_source_exclude_vectors_is_unknown_before_9_1(make_es):
    _fake, es = make_es(version="8.19.8")
    es.indices.create(index="s", mappings={"properties": {"c": {"type": "semantic_text", "inference_id": E5}}})
    es.index(index="s", id="1", document={"c": "x"})
    assert es.get(index="s", id="1")["_source"] == {"c": "x"}
    with pytest.raises(BadRequestError) as exc:
        _raw_get(es, "s", "1", _source_exclude_vectors="false")
    assert error_of(exc)[2] == "request [/s/_doc/1] contains unrecognized parameter: [_source_exclude_vectors]"


# --------------------------------------------------------------------- mget
def test_mget(es):
    fill(es, "i", 2)
    es.indices.put_alias(index="i", name="al")
    docs = es.mget(index="al", ids=["0", "nope"])["docs"]
    assert docs == [{"_index": "i", "_id": "0", "_version": 1, "_seq_no": 0, "_primary_term": 1, "found": True,
                     "_source": {"n": 0, "name": "doc 0"}},
                    {"_index": "i", "_id": "nope", "found": False}]
    docs = es.mget(docs=[{"_index": "i", "_id": "1", "_source": ["n"]}, {"_index": "missing", "_id": "1"}])["docs"]
    assert docs[0]["_source"] == {"n": 1}
    assert (docs[1]["_id"], docs[1]["error"]["type"]) == ("1", "index_not_found_exception")
    with pytest.raises(BadRequestError) as exc:
        es.mget(ids=["1"])
    assert error_of(exc)[2] == "Validation Failed: 1: index is missing for doc 0;"
