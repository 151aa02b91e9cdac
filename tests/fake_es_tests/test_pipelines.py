"""The ingest pipeline API of the fake (reference section 5) and pipeline execution."""

from __future__ import annotations

import pytest
from elasticsearch import ApiError, BadRequestError, NotFoundError

from .conftest import error_of


def test_put_get_roundtrip_with_timestamps(es):
    body = {"description": "d", "processors": [{"set": {"field": "a", "value": 1}}], "version": 3,
            "_meta": {"managed_by": "eisops"}, "on_failure": [{"set": {"field": "err", "value": "x"}}], "deprecated": False}
    assert es.ingest.put_pipeline(id="p", **{k if k != "_meta" else "meta": v for k, v in body.items()}).body == {"acknowledged": True}
    got = es.ingest.get_pipeline(id="p")["p"]
    created, modified = got.pop("created_date_millis"), got.pop("modified_date_millis")
    assert got == body
    assert created == modified and created > 1_600_000_000_000
    es.ingest.put_pipeline(id="p", processors=[])
    again = es.ingest.get_pipeline(id="p")["p"]
    assert again["created_date_millis"] == created and again["modified_date_millis"] >= modified
    assert again["processors"] == [] and "description" not in again


def test_no_timestamps_before_92(make_es):
    _, client = make_es(version="9.1.0")
    client.ingest.put_pipeline(id="p", processors=[])
    assert client.ingest.get_pipeline(id="p")["p"] == {"processors": []}


def test_get_all_map_wildcards_summary_and_404_empty_body(es):
    with pytest.raises(NotFoundError) as exc:
        es.ingest.get_pipeline()
    assert exc.value.body == {}
    for pid in ("app-a", "app-b", "other"):
        es.ingest.put_pipeline(id=pid, processors=[])
    assert list(es.ingest.get_pipeline()) == ["app-a", "app-b", "other"]
    assert list(es.ingest.get_pipeline(id="app-*")) == ["app-a", "app-b"]
    assert list(es.ingest.get_pipeline(id="other,app-b")) == ["other", "app-b"]
    assert es.ingest.get_pipeline(id="app-*", summary=True).body == {"app-a": {}, "app-b": {}}
    with pytest.raises(NotFoundError) as exc:
        es.ingest.get_pipeline(id="nothing-*")
    assert exc.value.body == {}


def test_delete(es):
    es.ingest.put_pipeline(id="a1", processors=[])
    es.ingest.put_pipeline(id="a2", processors=[])
    with pytest.raises(NotFoundError) as exc:
        es.ingest.delete_pipeline(id="missing")
    assert error_of(exc) == (404, "resource_not_found_exception", "pipeline [missing] is missing")
    assert es.ingest.delete_pipeline(id="a*")["acknowledged"] is True
    with pytest.raises(NotFoundError):
        es.ingest.get_pipeline(id="a1")
    assert es.ingest.delete_pipeline(id="*")["acknowledged"] is True  # match-all on nothing is a no-op


@pytest.mark.parametrize("setting,label", [("default_pipeline", "the default pipeline"), ("final_pipeline", "the final pipeline")])
def test_delete_refused_while_used_by_index(es, setting, label):
    es.ingest.put_pipeline(id="p", processors=[])
    es.indices.create(index="i1", settings={setting: "p"})
    with pytest.raises(BadRequestError) as exc:
        es.ingest.delete_pipeline(id="p")
    assert error_of(exc) == (400, "illegal_argument_exception",
                             f"pipeline [p] cannot be deleted because it is {label} for 1 index(es) including [i1]")
    es.indices.delete(index="i1")
    assert es.ingest.delete_pipeline(id="p")["acknowledged"] is True


def test_if_version(es):
    es.ingest.put_pipeline(id="p", processors=[], version=1)
    with pytest.raises(BadRequestError) as exc:
        es.ingest.put_pipeline(id="p", processors=[], version=2, if_version=5)
    assert error_of(exc)[2] == "version conflict, required version [5] for pipeline [p] but current version is [1]"
    es.ingest.put_pipeline(id="p", processors=[], version=2, if_version=1)
    assert es.ingest.get_pipeline(id="p")["p"]["version"] == 2


VALID_PROCESSORS = [
    {"set": {"field": "a", "value": "b", "override": False, "tag": "t", "if": "ctx.a == null"}},
    {"set": {"field": "a", "copy_from": "b"}},
    {"rename": {"field": "a", "target_field": "b", "ignore_missing": True}},
    {"remove": {"field": ["a", "b"]}}, {"remove": {"keep": ["a"]}},
    {"lowercase": {"field": "a"}}, {"uppercase": {"field": "a", "target_field": "b"}}, {"trim": {"field": "a"}},
    {"convert": {"field": "a", "type": "integer"}}, {"date": {"field": "d", "formats": ["ISO8601"]}},
    {"json": {"field": "j", "add_to_root": True}}, {"script": {"source": "ctx.x = 1"}}, {"script": {"id": "stored"}},
    {"pipeline": {"name": "does-not-exist-yet"}},
    {"inference": {"model_id": "e", "input_output": [{"input_field": "a", "output_field": "b"}]}},
    {"drop": {"if": "ctx.x"}}, {"fail": {"message": "nope"}}, {"append": {"field": "tags", "value": ["a"]}},
    {"split": {"field": "a", "separator": ","}}, {"gsub": {"field": "a", "pattern": "-", "replacement": "_"}},
    {"grok": {"field": "m", "patterns": ["%{WORD:w}"]}},
    {"foreach": {"field": "arr", "processor": {"uppercase": {"field": "_ingest._value"}}}},
    {"dot_expander": {"field": "a.b"}}, {"html_strip": {"field": "h"}},
    {"attachment": {"field": "data", "remove_binary": True}}, {"user_agent": {"field": "ua"}},
    {"set": {"field": "a", "value": 1, "on_failure": [{"set": {"field": "e", "value": 1}}]}},
]


@pytest.mark.parametrize("processor", VALID_PROCESSORS, ids=[next(iter(p)) for p in VALID_PROCESSORS])
def test_valid_processors_accepted_and_stored_verbatim(es, processor):
    es.ingest.put_pipeline(id="p", processors=[processor])
    assert es.ingest.get_pipeline(id="p")["p"]["processors"] == [processor]


PROCESSOR_ERRORS = [
    ({"foo": {}}, "No processor type exists with name [foo]", {"processor_type": "foo"}),
    ({"set": {"value": 1}}, "[field] required property is missing", {"processor_type": "set", "property_name": "field"}),
    ({"set": {"field": "a"}}, "[value] required property is missing", {"processor_type": "set", "property_name": "value"}),
    ({"set": {"field": "a", "value": 1, "tag": "t1", "bogus": 2}},
     "processor [set] doesn't support one or more provided configuration parameters [bogus]",
     {"processor_type": "set", "processor_tag": "t1"}),
    ({"rename": {"field": "a"}}, "[target_field] required property is missing", {"processor_type": "rename"}),
    ({"convert": {"field": "a", "type": "nope"}}, "type [nope] not supported, cannot convert field.", {"processor_type": "convert"}),
    ({"date": {"field": "a"}}, "[formats] required property is missing", {"processor_type": "date"}),
    ({"grok": {"field": "a"}}, "[patterns] required property is missing", {"property_name": "patterns"}),
    ({"grok": {"field": "a", "patterns": []}}, "List of patterns must not be empty", {"processor_type": "grok"}),
    ({"inference": {"input_output": []}}, "[model_id] required property is missing", {"processor_type": "inference"}),
    ({"pipeline": {}}, "[name] required property is missing", {"processor_type": "pipeline"}),
    ({"fail": {}}, "[message] required property is missing", {"processor_type": "fail"}),
    ({"split": {"field": "a"}}, "[separator] required property is missing", {"processor_type": "split"}),
    ({"remove": {}}, "[keep] or [field] must be specified", {"processor_type": "remove"}),
    ({"foreach": {"field": "a", "processor": {"nope": {}}}}, "No processor type exists with name [nope]", {"processor_type": "nope"}),
    ({"set": {"field": "a", "value": 1, "on_failure": []}}, "[on_failure] processors list cannot be empty", {"property_name": "on_failure"}),
]


@pytest.mark.parametrize("processor,reason,meta", PROCESSOR_ERRORS, ids=[e[1][:40] for e in PROCESSOR_ERRORS])
def test_processor_config_errors(es, processor, reason, meta):
    with pytest.raises(BadRequestError) as exc:
        es.ingest.put_pipeline(id="p", processors=[processor])
    err = exc.value.body["error"]
    assert (err["type"], err["reason"]) == ("parse_exception", reason)
    for key, value in meta.items():
        assert err[key] == value
    with pytest.raises(NotFoundError):
        es.ingest.get_pipeline(id="p")


def test_script_without_source_or_id(es):
    with pytest.raises(BadRequestError) as exc:
        es.ingest.put_pipeline(id="p", processors=[{"script": {"lang": "painless"}}])
    assert error_of(exc)[2] == "must specify either [source] for an inline script or [id] for a stored script"


@pytest.mark.parametrize("body,reason", [
    ({"description": "x"}, "[processors] required property is missing"),
    ({"processors": [], "foo": 1}, "pipeline [p] doesn't support one or more provided configuration parameters [foo]"),
    ({"processors": [], "on_failure": []}, "pipeline [p] cannot have an empty on_failure option defined"),
    ({"processors": [], "created_date_millis": 1}, "pipeline [p] doesn't support one or more provided configuration parameters [created_date_millis]"),
])
def test_pipeline_body_errors(es, body, reason):
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("PUT", "/_ingest/pipeline/p", headers={"content-type": "application/json", "accept": "application/json"}, body=body)
    assert error_of(exc) == (400, "parse_exception", reason)


def test_field_access_pattern_version_gate(make_es):
    _, new = make_es(version="9.2.0")
    new.perform_request("PUT", "/_ingest/pipeline/p", headers={"content-type": "application/json", "accept": "application/json"},
                        body={"processors": [], "field_access_pattern": "flexible"})
    assert new.ingest.get_pipeline(id="p")["p"]["field_access_pattern"] == "flexible"
    _, old = make_es(version="8.19.8")
    with pytest.raises(BadRequestError):
        old.perform_request("PUT", "/_ingest/pipeline/p", headers={"content-type": "application/json", "accept": "application/json"},
                            body={"processors": [], "field_access_pattern": "flexible"})


# --------------------------------------------------------------- execution
def test_default_and_final_pipeline_run_on_index(es):
    es.ingest.put_pipeline(id="child", processors=[{"uppercase": {"field": "name"}}])
    es.ingest.put_pipeline(id="main", processors=[
        {"set": {"field": "copied", "value": "{{name}}!"}}, {"rename": {"field": "old", "target_field": "new"}},
        {"remove": {"field": "junk"}}, {"lowercase": {"field": "lower"}}, {"pipeline": {"name": "child"}},
    ])
    es.ingest.put_pipeline(id="final", processors=[{"set": {"field": "final", "value": True}}])
    es.indices.create(index="i", settings={"default_pipeline": "main", "final_pipeline": "final"})
    es.index(index="i", id="1", document={"name": "ada", "old": 1, "junk": 2, "lower": "ABC"})
    assert es.get(index="i", id="1")["_source"] == {"name": "ADA", "copied": "ada!", "new": 1, "lower": "abc", "final": True}


def test_pipeline_param_overrides_default_and_none_disables(es):
    es.ingest.put_pipeline(id="a", processors=[{"set": {"field": "by", "value": "a"}}])
    es.ingest.put_pipeline(id="b", processors=[{"set": {"field": "by", "value": "b"}}])
    es.indices.create(index="i", settings={"default_pipeline": "a"})
    es.index(index="i", id="1", document={}, pipeline="b")
    es.index(index="i", id="2", document={}, pipeline="_none")
    assert es.get(index="i", id="1")["_source"] == {"by": "b"}
    assert es.get(index="i", id="2")["_source"] == {}


def test_pipeline_runtime_errors(es):
    es.ingest.put_pipeline(id="to-missing", processors=[{"pipeline": {"name": "ghost"}}])
    es.ingest.put_pipeline(id="loop", processors=[{"pipeline": {"name": "loop"}}])
    es.ingest.put_pipeline(id="failing", processors=[{"fail": {"message": "bad {{x}}"}}])
    cases = [("to-missing", "Pipeline processor configured for non-existent pipeline [ghost]"),
             ("loop", "Cycle detected for pipeline: loop"), ("failing", "bad 1"), ("absent", "pipeline with id [absent] does not exist")]
    for pid, reason in cases:
        with pytest.raises(ApiError) as exc:
            es.index(index="i", id="1", document={"x": 1}, pipeline=pid)
        assert exc.value.body["error"]["reason"] == reason


def test_drop_processor_and_on_failure(es):
    es.ingest.put_pipeline(id="drop", processors=[{"drop": {}}])
    assert es.index(index="i", id="1", document={"a": 1}, pipeline="drop")["result"] == "noop"
    assert es.count(index="i")["count"] == 0
    es.ingest.put_pipeline(id="recover", processors=[{"rename": {"field": "missing", "target_field": "x"}}],
                           on_failure=[{"set": {"field": "failed", "value": True}}])
    es.index(index="i", id="2", document={}, pipeline="recover")
    assert es.get(index="i", id="2")["_source"] == {"failed": True}


def test_simulate(es):
    resp = es.ingest.simulate(pipeline={"processors": [{"set": {"field": "x", "value": 1}}]}, docs=[{"_source": {"a": 1}}])
    assert resp["docs"][0]["doc"]["_source"] == {"a": 1, "x": 1}
    es.ingest.put_pipeline(id="p", processors=[{"uppercase": {"field": "a"}}])
    assert es.ingest.simulate(id="p", docs=[{"_source": {"a": "q"}}])["docs"][0]["doc"]["_source"] == {"a": "Q"}
