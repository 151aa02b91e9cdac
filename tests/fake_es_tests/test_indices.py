"""Index APIs of the fake: create/get/delete, settings, open/close, aliases (reference section 3/6)."""

from __future__ import annotations

import pytest
from elasticsearch import ApiError, BadRequestError, NotFoundError

from .conftest import error_of

BAD_CHARS = "[' ','\"','*',',','/','<','>','?','\\','|']"  # as 8.19.21 / 9.5.2 print it


@pytest.mark.parametrize("name,description", [
    ("Upper", "must be lowercase"),
    ("a*b", f"must not contain the following characters {BAD_CHARS}"),
    ("a,b", f"must not contain the following characters {BAD_CHARS}"),
    ("a#b", "must not contain '#'"),
    ("a:b", "must not contain ':'"),
    ("_a", "must not start with '_', '-', or '+'"),
    ("-a", "must not start with '_', '-', or '+'"),
    ("+a", "must not start with '_', '-', or '+'"),
    ("..", "must not be '.' or '..'"),
    ("a" * 256, "index name is too long, (256 > 255)"),
])
def test_invalid_index_names(es, name, description):
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index=name)
    err = exc.value.body["error"]
    assert (err["type"], err["reason"]) == ("invalid_index_name_exception", f"Invalid index name [{name}], {description}")
    assert err["index"] == name and err["index_uuid"] == "_na_"


def test_create_response_and_conflicts(es):
    assert es.indices.create(index="a").body == {"acknowledged": True, "shards_acknowledged": True, "index": "a"}
    uuid = es.indices.get_settings(index="a")["a"]["settings"]["index"]["uuid"]
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="a")
    assert error_of(exc) == (400, "resource_already_exists_exception", f"index [a/{uuid}] already exists")
    es.indices.update_aliases(actions=[{"add": {"index": "a", "alias": "al"}}])
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="al")
    assert error_of(exc) == (400, "invalid_index_name_exception", "Invalid index name [al], already exists as alias")


def test_create_unknown_body_key(es):
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("PUT", "/a", headers={"content-type": "application/json", "accept": "application/json"}, body={"setting": {}})
    assert error_of(exc) == (400, "parse_exception", "unknown key [setting] for create index")


def test_settings_added_by_es(es):
    es.indices.create(index="a", settings={"index": {"refresh_interval": "5s"}, "number_of_shards": 2})
    s = es.indices.get_settings(index="a")["a"]["settings"]["index"]
    assert s["number_of_shards"] == "2" and s["number_of_replicas"] == "1" and s["refresh_interval"] == "5s"
    assert s["provided_name"] == "a" and s["routing"] == {"allocation": {"include": {"_tier_preference": "data_content"}}}
    assert s["creation_date"].isdigit() and len(s["uuid"]) >= 20 and s["version"]["created"].isdigit()
    flat = es.indices.get_settings(index="a", flat_settings=True)["a"]["settings"]
    assert flat["index.number_of_shards"] == "2" and flat["index.routing.allocation.include._tier_preference"] == "data_content"
    assert all(isinstance(v, str) for v in flat.values())


@pytest.mark.parametrize("settings,reason", [
    ({"index.foo": 1}, "unknown setting [index.foo] please check that any required plugins are installed, "
                       "or check the breaking changes documentation for removed settings"),
    ({"number_of_replica": 1}, "unknown setting [index.number_of_replica] did you mean [index.number_of_replicas]?"),
    # Private settings are not registered, so ES reports them as unknown (8.19.21, 9.5.2).
    ({"index.uuid": "x"}, "unknown setting [index.uuid] please check that any required plugins are installed, "
                          "or check the breaking changes documentation for removed settings"),
    ({"number_of_shards": 0}, "Failed to parse value [0] for setting [index.number_of_shards] must be >= 1"),
    ({"number_of_replicas": "x"}, "Failed to parse value [x] for setting [index.number_of_replicas]"),
    ({"hidden": "maybe"}, "Failed to parse value [maybe] as only [true] or [false] are allowed."),
    # "5 minutes" ends in "s": the number "5 minute" fails to parse (TimeValue; 8.19.21, 9.5.2).
    ({"refresh_interval": "5 minutes"}, "failed to parse [5 minutes]"),
    ({"refresh_interval": "5"}, "failed to parse setting [index.refresh_interval] with value [5] as a time value: unit is missing or unrecognized"),
])
def test_create_settings_errors(es, settings, reason):
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="a", settings=settings)
    assert error_of(exc) == (400, "illegal_argument_exception", reason)
    assert not es.indices.exists(index="a")


def test_get_index_variants(es):
    es.indices.create(index="app-1", aliases={"app": {"is_write_index": True}})
    es.indices.create(index="app-2")
    es.indices.create(index=".hidden-app", settings={"index.hidden": True})
    got = es.indices.get(index="app-1")
    assert set(got["app-1"]) == {"aliases", "mappings", "settings"}
    assert got["app-1"]["aliases"] == {"app": {"is_write_index": True}}
    assert list(es.indices.get(index="app-*")) == ["app-1", "app-2"]
    assert list(es.indices.get(index="app-1,app-2")) == ["app-1", "app-2"]
    assert list(es.indices.get(index="app")) == ["app-1"]
    assert list(es.indices.get(index="*")) == ["app-1", "app-2"]
    assert list(es.indices.get(index="*", expand_wildcards="all")) == [".hidden-app", "app-1", "app-2"]
    assert list(es.indices.get(index=".hidden*")) == [".hidden-app"]
    assert list(es.indices.get(index="app-*,-app-2")) == ["app-1"]
    assert es.indices.get(index="nothing-*").body == {}
    with pytest.raises(NotFoundError):
        es.indices.get(index="nothing-*", allow_no_indices=False)
    with pytest.raises(NotFoundError) as exc:
        es.indices.get(index="app-1,missing")
    assert error_of(exc)[2] == "no such index [missing]"
    assert list(es.indices.get(index="app-1,missing", ignore_unavailable=True)) == ["app-1"]


def test_exists(es):
    es.indices.create(index="a")
    assert es.indices.exists(index="a").body is True
    assert es.indices.exists(index="b").body is False


def test_include_defaults_and_named_settings(es):
    es.indices.create(index="a", settings={"refresh_interval": "5s"})
    got = es.indices.get_settings(index="a", include_defaults=True, flat_settings=True)["a"]
    assert got["settings"]["index.refresh_interval"] == "5s"
    assert "index.refresh_interval" not in got["defaults"] and got["defaults"]["index.max_result_window"] == "10000"
    named = es.indices.get_settings(index="a", name="index.number_of_*")
    assert named["a"]["settings"] == {"index": {"number_of_replicas": "1", "number_of_shards": "1"}}


# ---------------------------------------------------------------- settings
def test_put_dynamic_settings_and_null_reset(es):
    es.indices.create(index="a", settings={"refresh_interval": "5s"})
    es.indices.put_settings(index="a", settings={"index": {"number_of_replicas": 0, "refresh_interval": None}})
    s = es.indices.get_settings(index="a")["a"]["settings"]["index"]
    assert s["number_of_replicas"] == "0" and "refresh_interval" not in s
    es.indices.put_settings(index="a", settings={"number_of_replicas": 2}, preserve_existing=True)
    assert es.indices.get_settings(index="a")["a"]["settings"]["index"]["number_of_replicas"] == "0"


# The fake's default version (9.2.0) uses the 8.19.21 wording; 9.5.2 has its own (tests/differential).
REOPEN_HINT = (" unless the `reopen` query parameter is set to true. Alternatively, close the indices, apply the "
               "settings changes, and reopen the indices")


def test_put_static_settings_rules(es):
    es.indices.create(index="a")
    uuid = es.indices.get_settings(index="a")["a"]["settings"]["index"]["uuid"]
    analysis = {"analysis": {"analyzer": {"my": {"type": "standard"}}}}
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_settings(index="a", settings=analysis)
    assert error_of(exc) == (400, "illegal_argument_exception",
                             f"Can't update non dynamic settings [[index.analysis.analyzer.my.type]] for open indices [[a/{uuid}]]"
                             + REOPEN_HINT)
    es.indices.put_settings(index="a", settings=analysis, reopen=True)
    assert es.indices.get_settings(index="a")["a"]["settings"]["index"]["analysis"] == {"analyzer": {"my": {"type": "standard"}}}
    es.indices.close(index="a")
    es.indices.put_settings(index="a", settings={"codec": "best_compression"})
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_settings(index="a", settings={"number_of_shards": 2})
    assert error_of(exc)[2] == "final a setting [index.number_of_shards], not updateable"  # the index name (8.19.21, 9.5.2)
    es.indices.open(index="a")
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_settings(index="a", settings={"number_of_shards": 2})
    assert error_of(exc)[2] == f"Can't update non dynamic settings [[index.number_of_shards]] for open indices [[a/{uuid}]]" + REOPEN_HINT
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_settings(index="a", settings={"number_of_shards": 2}, reopen=True)
    assert error_of(exc)[2] == "final a setting [index.number_of_shards], not updateable"


@pytest.mark.parametrize("settings,reason", [
    ({"index.uuid": "x"}, "unknown setting [index.uuid] please check that any required plugins are installed, "
                          "or check the breaking changes documentation for removed settings"),
    ({"index.completely_unknown": 1}, "unknown setting [index.completely_unknown] please check that any required plugins are installed, "
                        "or check the breaking changes documentation for removed settings"),
])
def test_put_settings_refused(es, settings, reason):
    es.indices.create(index="a")
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_settings(index="a", settings=settings)
    assert error_of(exc) == (400, "illegal_argument_exception", reason)


# ------------------------------------------------------------ open/close/delete
def test_close_open(es):
    es.indices.create(index="a")
    assert es.indices.close(index="a").body == {"acknowledged": True, "shards_acknowledged": True, "indices": {"a": {"closed": True}}}
    assert es.indices.get(index="*").body == {}
    assert list(es.indices.get(index="*", expand_wildcards="closed")) == ["a"]
    with pytest.raises(BadRequestError) as exc:
        es.index(index="a", document={"x": 1})
    assert error_of(exc)[:2] == (400, "index_closed_exception")
    es.indices.open(index="a")
    assert es.index(index="a", document={"x": 1})["result"] == "created"


def test_delete_rules(es):
    es.indices.create(index="a", aliases={"al": {}})
    es.indices.create(index="b")
    for expr in ("*", "_all", "a*"):
        with pytest.raises(BadRequestError) as exc:
            es.indices.delete(index=expr)
        assert error_of(exc) == (400, "illegal_argument_exception", "Wildcard expressions or all indices are not allowed")
    with pytest.raises(BadRequestError) as exc:
        es.indices.delete(index="al")
    assert error_of(exc)[2] == "The provided expression [al] matches an alias, specify the corresponding concrete indices instead."
    with pytest.raises(NotFoundError):
        es.indices.delete(index="zzz")
    assert es.indices.delete(index="a,b").body == {"acknowledged": True}
    assert not es.indices.exists(index="a") and not es.indices.exists(index="b")


# ------------------------------------------------------------------ aliases
def test_aliases_atomic_swap(es):
    es.indices.create(index="v1", aliases={"docs": {}})
    es.indices.create(index="v2")
    resp = es.indices.update_aliases(actions=[
        {"remove": {"index": "v1", "alias": "docs"}},
        {"add": {"index": "v2", "alias": "docs", "is_write_index": True, "routing": "r"}},
    ])
    assert resp.body == {"acknowledged": True, "errors": False}
    assert es.indices.get_alias(name="docs").body == {
        "v2": {"aliases": {"docs": {"index_routing": "r", "search_routing": "r", "is_write_index": True}}}}
    with pytest.raises(NotFoundError):
        es.indices.update_aliases(actions=[
            {"add": {"index": "v1", "alias": "other"}},
            {"remove": {"index": "v1", "alias": "not-there"}},
        ])
    assert es.indices.get_alias(index="v1").body == {"v1": {"aliases": {}}}  # nothing applied


def test_aliases_remove_index_and_name_clash(es):
    es.indices.create(index="old")
    es.indices.create(index="new")
    with pytest.raises(BadRequestError) as exc:
        es.indices.update_aliases(actions=[{"add": {"index": "new", "alias": "old"}}])
    assert error_of(exc) == (400, "invalid_alias_name_exception",
                             "Invalid alias name [old]: an index or data stream exists with the same name as the alias")
    es.indices.update_aliases(actions=[{"remove_index": {"index": "old"}}, {"add": {"index": "new", "alias": "old"}}])
    assert list(es.indices.get(index="old")) == ["new"]


def test_get_alias_shapes(es):
    es.indices.create(index="a", aliases={"x": {}, "y": {"filter": {"term": {"f": 1}}}})
    es.indices.create(index="b")
    assert es.indices.get_alias().body == {"a": {"aliases": {"x": {}, "y": {"filter": {"term": {"f": 1}}}}}, "b": {"aliases": {}}}
    assert es.indices.get_alias(index="a", name="y").body == {"a": {"aliases": {"y": {"filter": {"term": {"f": 1}}}}}}
    with pytest.raises(NotFoundError) as exc:
        es.indices.get_alias(name="missing")
    assert exc.value.body == {"error": "alias [missing] missing", "status": 404}
    assert es.indices.exists_alias(name="x").body is True


def test_multiple_write_indices_refused(es):
    es.indices.create(index="a", aliases={"w": {"is_write_index": True}})
    with pytest.raises(ApiError) as exc:  # an IllegalStateException: HTTP 500 (8.19.21, 9.5.2)
        es.indices.create(index="b", aliases={"w": {"is_write_index": True}})
    assert error_of(exc) == (500, "illegal_state_exception", "alias [w] has more than one write index [a,b]")
    assert not es.indices.exists(index="b")


def test_refresh_and_all_index_reads(es):
    es.indices.create(index="a", mappings={"properties": {"x": {"type": "keyword"}}})
    es.indices.create(index="b")
    assert es.indices.refresh(index="a")["_shards"] == {"total": 2, "successful": 1, "failed": 0}
    assert es.indices.refresh()["_shards"]["successful"] == 2
    assert es.indices.get_mapping().body == {"a": {"mappings": {"properties": {"x": {"type": "keyword"}}}}, "b": {"mappings": {}}}
    assert sorted(es.indices.get_settings()) == ["a", "b"]
    with pytest.raises(NotFoundError):
        es.indices.refresh(index="missing")


def test_routing_shards_read_but_not_shown_and_auto_expand(es):
    es.indices.create(index="i", settings={"number_of_shards": 2, "number_of_routing_shards": 4,
                                           "auto_expand_replicas": "0-1", "number_of_replicas": 3})
    settings = es.indices.get_settings(index="i", flat_settings=True)["i"]["settings"]
    assert "index.number_of_routing_shards" not in settings
    assert settings["index.number_of_replicas"] == "0"
    with pytest.raises(BadRequestError):
        es.indices.create(index="j", settings={"number_of_shards": 2, "number_of_routing_shards": 3})


def test_time_series_index(es):
    es.indices.create(index="ts", settings={"index.mode": "time_series", "index.routing_path": ["host"]},
                      mappings={"properties": {"host": {"type": "keyword", "time_series_dimension": True}}})
    assert es.indices.get_settings(index="ts")["ts"]["settings"]["index"]["routing_path"] == ["host"]
    assert es.indices.get_mapping(index="ts")["ts"]["mappings"] == {
        "_data_stream_timestamp": {"enabled": True},
        "properties": {"@timestamp": {"type": "date"}, "host": {"type": "keyword", "time_series_dimension": True}}}
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="x", settings={"index.mode": "time_series", "index.routing_path": "host"},
                          mappings={"properties": {"host": {"type": "keyword"}}})
    assert error_of(exc)[2].endswith("[host] was not a dimension.")
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="x", settings={"index.routing_path": "host"})
    assert error_of(exc)[2] == "[index.routing_path] requires [index.mode=time_series]"


@pytest.mark.parametrize("version,refused", [("8.18.0", True), ("8.19.21", True), ("9.0.0", False), ("9.5.2", False)])
def test_time_series_bounds_without_time_series_mode(make_es, version, refused):
    _, client = make_es(version=version)
    settings = {"index.time_series.start_time": "2024-01-01T00:00:00Z"}
    if refused:
        with pytest.raises(BadRequestError) as exc:
            client.indices.create(index="i", settings=settings)
        assert error_of(exc)[2] == "[index.time_series.start_time] requires [index.mode=time_series]"
    else:
        client.indices.create(index="i", settings=settings)
