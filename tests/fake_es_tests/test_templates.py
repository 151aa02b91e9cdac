"""Component and composable index templates in the fake (reference section 4)."""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, NotFoundError

from tests.fake_es.templates import globs_intersect

from .conftest import error_of


def strip_dates(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if not k.endswith("_date_millis")}


@pytest.mark.parametrize("settings", [
    {"number_of_replicas": 0, "refresh_interval": "5s"},
    {"index.number_of_replicas": "0", "index.refresh_interval": "5s"},
    {"index": {"number_of_replicas": 0, "refresh_interval": "5s"}},
    {"index": {"number_of_replicas": "0"}, "refresh_interval": "5s"},
])
def test_component_settings_normalised(es, settings):
    es.cluster.put_component_template(name="ct", template={"settings": settings})
    got = es.cluster.get_component_template(name="ct")["component_templates"][0]["component_template"]
    assert got["template"]["settings"] == {"index": {"number_of_replicas": "0", "refresh_interval": "5s"}}
    flat = es.cluster.get_component_template(name="ct", flat_settings=True)["component_templates"][0]
    assert flat["component_template"]["template"]["settings"] == {"index.number_of_replicas": "0", "index.refresh_interval": "5s"}


def test_component_roundtrip_shape(es):
    template = {"settings": {"index": {"hidden": True}},
                "mappings": {"dynamic": False, "properties": {"a.b": {"type": "keyword"}}},
                "aliases": {"al": {"routing": "1"}, "plain": {}}}
    es.cluster.put_component_template(name="ct", template=template, version=2, meta={"managed_by": "eisops"})
    got = es.cluster.get_component_template(name="ct")["component_templates"]
    assert [t["name"] for t in got] == ["ct"]
    body = got[0]["component_template"]
    assert body["created_date_millis"] == body["modified_date_millis"]
    assert strip_dates(body) == {
        "template": {"settings": {"index": {"hidden": "true"}},
                     "mappings": {"dynamic": False, "properties": {"a.b": {"type": "keyword"}}},  # as sent
                     "aliases": {"al": {"index_routing": "1", "search_routing": "1"}, "plain": {}}},
        "version": 2, "_meta": {"managed_by": "eisops"},
    }


def test_component_get_variants_and_missing(es):
    for name in ("app-a", "app-b", "zzz"):
        es.cluster.put_component_template(name=name, template={})
    # Listed in Java HashMap order, as ES does (8.19.21, 9.5.2).
    assert [t["name"] for t in es.cluster.get_component_template(name="app-*")["component_templates"]] == ["app-b", "app-a"]
    assert [t["name"] for t in es.cluster.get_component_template()["component_templates"]] == ZZZ_ORDER
    with pytest.raises(NotFoundError) as exc:  # a pattern matching nothing: 404 with an empty list
        es.cluster.get_component_template(name="none-*")
    assert exc.value.body == {"component_templates": []}
    with pytest.raises(NotFoundError) as exc:
        es.cluster.get_component_template(name="nope")
    assert error_of(exc) == (404, "resource_not_found_exception", "component template matching [nope] not found")


def test_component_create_flag(es):
    es.cluster.put_component_template(name="ct", template={}, create=True)
    with pytest.raises(BadRequestError) as exc:
        es.cluster.put_component_template(name="ct", template={}, create=True)
    assert error_of(exc) == (400, "illegal_argument_exception", "component template [ct] already exists")
    es.cluster.put_component_template(name="ct", template={}, version=9)
    assert es.cluster.get_component_template(name="ct")["component_templates"][0]["component_template"]["version"] == 9


ZZZ_ORDER = ["zzz", "app-b", "app-a"]  # String.hashCode bucket order

# Component templates raise setting errors directly; up to 9.2 (8.19.21, 9.2.8; the fake's default
# is 9.2.0) a private setting is one of them, from 9.3 it is reported afterwards, as an unknown
# setting inside "Validation Failed" (see tests/differential).
COMPONENT_ERRORS = [
    ({"template": {"settings": {"index.foo": 1}}}, "illegal_argument_exception",
     "unknown setting [index.foo] please check that any "
     "required plugins are installed, or check the breaking changes documentation for removed settings"),
    ({"template": {"settings": {"number_of_shard": 1}}}, "illegal_argument_exception",
     "unknown setting [index.number_of_shard] did you mean [index.number_of_shards]?"),
    ({"template": {"settings": {"index.uuid": "x"}}}, "illegal_argument_exception",
     "unknown setting [index.uuid] please check that any "
     "required plugins are installed, or check the breaking changes documentation for removed settings"),
    ({"template": {"mappings": {"properties": {"f": {"type": "foo"}}}}}, "mapper_parsing_exception",
     "Failed to parse mapping: The mapper type [foo] declared on field [f] does not exist. It might have been created "
     "within a future version or requires a plugin to be installed. Check the documentation."),
    ({"template": {}, "created_date_millis": 1}, "invalid_index_template_exception",
     "index_template [ct] invalid, cause [provided a template property which is managed by the system: created_date]"),
    ({"template": {}, "bogus": 1}, "x_content_parse_exception", "[1:2] [component_template] unknown field [bogus]"),
    ({"version": 1}, "illegal_argument_exception", "Required [template]"),
]


# Messages as 9.2 words them (9.3 answers index.uuid with invalid_index_template_exception).
@pytest.mark.parametrize("fake_es_version", ["9.2.0"])
@pytest.mark.parametrize("body,etype,reason", COMPONENT_ERRORS, ids=[e[2][:50] for e in COMPONENT_ERRORS])
def test_component_errors(es, body, etype, reason):
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("PUT", "/_component_template/ct", headers={"content-type": "application/json", "accept": "application/json"}, body=body)
    assert error_of(exc) == (400, etype, reason)
    with pytest.raises(NotFoundError):
        es.cluster.get_component_template(name="ct")


def test_system_keys_are_unknown_fields_before_92(make_es):
    _, client = make_es(version="9.1.0")
    with pytest.raises(BadRequestError) as exc:
        client.perform_request("PUT", "/_component_template/ct", headers={"content-type": "application/json", "accept": "application/json"},
                               body={"template": {}, "created_date_millis": 1})
    assert error_of(exc)[1] == "x_content_parse_exception"
    client.cluster.put_component_template(name="ct", template={})
    assert "created_date_millis" not in client.cluster.get_component_template(name="ct")["component_templates"][0]["component_template"]


# ------------------------------------------------------------ index templates
def test_index_template_shape(es):
    es.cluster.put_component_template(name="c1", template={"mappings": {"properties": {"a": {"type": "keyword"}}}})
    es.indices.put_index_template(name="t", index_patterns="docs-*", composed_of=["c1"], priority=200, version=3,
                                  meta={"m": 1}, template={"settings": {"number_of_shards": 2}, "aliases": {"docs": {}}})
    got = es.indices.get_index_template(name="t")["index_templates"]
    assert got[0]["name"] == "t"
    assert strip_dates(got[0]["index_template"]) == {
        "index_patterns": ["docs-*"], "composed_of": ["c1"], "priority": 200, "version": 3, "_meta": {"m": 1},
        "template": {"settings": {"index": {"number_of_shards": "2"}}, "aliases": {"docs": {}}},
    }


def test_index_template_minimal_has_empty_composed_of(es):
    es.indices.put_index_template(name="t", index_patterns=["x-*"])
    body = strip_dates(es.indices.get_index_template(name="t")["index_templates"][0]["index_template"])
    assert body == {"index_patterns": ["x-*"], "composed_of": []}


def test_index_template_data_stream_defaults(es):
    es.indices.put_index_template(name="ds", index_patterns=["logs-x-*"], data_stream={}, priority=500)
    body = es.indices.get_index_template(name="ds")["index_templates"][0]["index_template"]
    assert body["data_stream"] == {"hidden": False, "allow_custom_routing": False}


def test_missing_components(es):
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t", index_patterns=["x-*"], composed_of=["nope", "also"])
    assert error_of(exc) == (400, "invalid_index_template_exception",
                             "index_template [t] invalid, cause [index template [t] specifies component templates [nope, also] that do not exist]")
    es.indices.put_index_template(name="t", index_patterns=["x-*"], composed_of=["opt@custom"],
                                  ignore_missing_component_templates=["opt@custom"])
    body = es.indices.get_index_template(name="t")["index_templates"][0]["index_template"]
    assert body["ignore_missing_component_templates"] == ["opt@custom"] and body["composed_of"] == ["opt@custom"]


def test_same_priority_overlap_message(es):
    es.indices.put_index_template(name="t1", index_patterns=["t1-*"], priority=10)
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t2", index_patterns=["t1-a*", "zzz"], priority=10)
    assert error_of(exc) == (400, "illegal_argument_exception",
                             "index template [t2] has index patterns [t1-a*, zzz] matching patterns from existing templates "
                             "[t1] with patterns (t1 => [t1-*]) that have the same priority [10], multiple index templates "
                             "may not match during index creation, please use a different priority")
    es.indices.put_index_template(name="t2", index_patterns=["t1-a*"], priority=11)
    es.indices.put_index_template(name="t3", index_patterns=["other-*"], priority=10)
    es.indices.put_index_template(name="t1", index_patterns=["t1-*", "more"], priority=10)  # updating itself is fine


def test_overlap_defaults_priority_zero(es):
    es.indices.put_index_template(name="a", index_patterns=["*-logs"])
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="b", index_patterns=["app-*"])
    assert "that have the same priority [0]" in error_of(exc)[2]


@pytest.mark.parametrize("p,q,expected", [
    ("a-*", "a-b*", True), ("a-*", "b-*", False), ("*-x", "a-*", True), ("abc", "a*c", True), ("abc", "abd", False),
    ("*", "anything", True), ("a*b", "c*", False), ("a*b*c", "*bc", True), ("x-*-y", "x-1-z", False), ("a**", "ab", True),
])
def test_glob_intersection(p, q, expected):
    assert globs_intersect(p, q) is expected
    assert globs_intersect(q, p) is expected


def test_index_template_create_flag_and_validation(es):
    es.indices.put_index_template(name="t", index_patterns=["x-*"], create=True)
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t", index_patterns=["x-*"], create=True)
    assert error_of(exc)[2] == "index template [t] already exists"
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="bad", index_patterns=["_x", "a b"])
    assert error_of(exc)[2] == ("index_template [bad] invalid, cause [Validation Failed: 1: index_pattern [_x] must not start "
                                "with '_';2: index_patterns [a b] must not contain a space;3: index_pattern [a b] must not "
                                "contain the following characters [' ','\"','*',',','/','<','>','?','\\','|'];]")


def test_index_template_composite_mapping_error(es):
    es.cluster.put_component_template(name="lim", template={"settings": {"index.mapping.total_fields.limit": 1}})
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t", index_patterns=["x-*"], composed_of=["lim"],
                                      template={"mappings": {"properties": {"f": {"type": "keyword"}, "g": {"type": "long"}}}})
    err = exc.value.body["error"]
    assert err["reason"] == "composable template [t] template after composition with component templates [lim] is invalid"
    assert err["caused_by"]["reason"] == "invalid composite mappings for [t]"
    assert err["caused_by"]["caused_by"]["reason"] == "Limit of total fields [1] has been exceeded"
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t", index_patterns=["x-*"], template={"mappings": {"properties": {"f": {"type": "nope"}}}})
    err = exc.value.body["error"]
    assert err["reason"] == "composable template [t] template after composition is invalid"
    assert err["caused_by"]["caused_by"]["reason"] == (
        "Failed to parse mapping: The mapper type [nope] declared on field [f] does not exist. It might have been "
        "created within a future version or requires a plugin to be installed. Check the documentation.")


def test_template_field_definitions_override_components(es):
    es.cluster.put_component_template(name="c", template={"mappings": {"properties": {"f": {"type": "keyword"}}}})
    es.indices.put_index_template(name="t", index_patterns=["x-*"], composed_of=["c"],
                                  template={"mappings": {"properties": {"f": {"type": "long"}}}})
    es.indices.create(index="x-1", mappings={"properties": {"f": {"type": "double"}}})
    assert es.indices.get_mapping(index="x-1")["x-1"]["mappings"]["properties"]["f"] == {"type": "double"}


def test_component_update_breaking_composed_template(es):
    es.cluster.put_component_template(name="c", template={"mappings": {"properties": {"f": {"type": "keyword"}}}})
    es.indices.put_index_template(name="t", index_patterns=["x-*"], composed_of=["c"],
                                  template={"mappings": {"properties": {"f": {"type": "keyword", "ignore_above": 10}}}})
    with pytest.raises(BadRequestError) as exc:
        es.cluster.put_component_template(name="c", template={"settings": {"index.mapping.total_fields.limit": 0},
                                                              "mappings": {"properties": {"f": {"type": "keyword"}}}})
    assert error_of(exc)[2] == "Limit of total fields [0] has been exceeded"  # checked on the component alone first
    with pytest.raises(BadRequestError) as exc:
        es.cluster.put_component_template(name="c", template={"settings": {"index.mapping.total_fields.limit": 0}})
    err = exc.value.body["error"]
    assert err["reason"] == "updating component template [c] results in invalid composable template [t] after templates are merged"
    assert err["caused_by"]["reason"] == "composable template [t] template after composition with component templates [c] is invalid"
    assert err["caused_by"]["caused_by"]["caused_by"]["reason"] == "Limit of total fields [0] has been exceeded"
    with pytest.raises(BadRequestError) as exc:
        es.cluster.put_component_template(name="c", template={"settings": {"number_of_shards": 0}})
    assert error_of(exc) == (400, "illegal_argument_exception",
                             "Failed to parse value [0] for setting [index.number_of_shards] must be >= 1")
    got = es.cluster.get_component_template(name="c")["component_templates"][0]["component_template"]["template"]
    assert got == {"mappings": {"properties": {"f": {"type": "keyword"}}}}


def test_delete_component_in_use_and_missing(es):
    es.cluster.put_component_template(name="c", template={})
    es.indices.put_index_template(name="t", index_patterns=["x-*"], composed_of=["c"])
    with pytest.raises(BadRequestError) as exc:
        es.cluster.delete_component_template(name="c")
    assert error_of(exc) == (400, "illegal_argument_exception",
                             "component templates [c] cannot be removed as they are still in use by index templates [t]")
    es.indices.delete_index_template(name="t")
    es.cluster.delete_component_template(name="c")
    with pytest.raises(NotFoundError) as exc:
        es.cluster.delete_component_template(name="c")
    assert error_of(exc)[:2] == (404, "resource_not_found_exception")


def test_delete_index_template(es):
    es.indices.put_index_template(name="t1", index_patterns=["a-*"])
    es.indices.put_index_template(name="t2", index_patterns=["b-*"])
    with pytest.raises(NotFoundError) as exc:
        es.indices.delete_index_template(name="nope")
    assert error_of(exc) == (404, "index_template_missing_exception", "index_template [nope] missing")
    es.indices.delete_index_template(name="t*")
    with pytest.raises(NotFoundError) as exc:
        es.indices.get_index_template(name="t1")
    assert error_of(exc)[2] == "index template matching [t1] not found"


def test_templates_applied_at_index_creation(es):
    es.cluster.put_component_template(name="settings", template={"settings": {"number_of_replicas": 0, "refresh_interval": "5s"}})
    es.cluster.put_component_template(name="maps", template={"mappings": {"properties": {"a": {"type": "keyword"}}},
                                                               "aliases": {"from-component": {}}})
    es.indices.put_index_template(name="low", index_patterns=["docs-*"], priority=1,
                                  template={"settings": {"number_of_shards": 3}})
    es.indices.put_index_template(name="high", index_patterns=["docs-*"], priority=5, composed_of=["settings", "maps"],
                                  template={"settings": {"refresh_interval": "10s"},
                                            "mappings": {"properties": {"b": {"type": "long"}}}})
    es.indices.create(index="docs-1", settings={"refresh_interval": "30s"}, mappings={"properties": {"c": {"type": "boolean"}}})
    got = es.indices.get(index="docs-1")["docs-1"]
    s = got["settings"]["index"]
    assert (s["number_of_shards"], s["number_of_replicas"], s["refresh_interval"]) == ("1", "0", "30s")
    assert got["mappings"]["properties"] == {"a": {"type": "keyword"}, "b": {"type": "long"}, "c": {"type": "boolean"}}
    assert got["aliases"] == {"from-component": {}}
    es.indices.create(index="other")
    assert es.indices.get_mapping(index="other")["other"]["mappings"] == {}


def test_global_template_skips_hidden_and_data_stream_template_refuses_index(es):
    es.indices.put_index_template(name="global", index_patterns=["*"], template={"settings": {"number_of_replicas": 0}})
    es.indices.create(index="h", settings={"index.hidden": True})
    assert es.indices.get_settings(index="h", expand_wildcards="all")["h"]["settings"]["index"]["number_of_replicas"] == "1"
    es.indices.put_index_template(name="ds", index_patterns=["logs-*"], priority=10, data_stream={})
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="logs-a")
    assert "creates data streams only" in error_of(exc)[2]


# ---- data stream lifecycle / options (tests/differential compares 8.19.21 and 9.5.2)
def _component(es, name):
    return es.cluster.get_component_template(name=name)["component_templates"][0]["component_template"]


def test_lifecycle_shows_enabled_and_needs_a_data_stream(es):
    es.cluster.put_component_template(name="lc", template={"lifecycle": {"data_retention": "7d"}})
    es.cluster.put_component_template(name="fs", template={"data_stream_options": {
        "failure_store": {"enabled": True, "lifecycle": {}}}})
    assert list(_component(es, "lc")["template"]["lifecycle"].items()) == [("enabled", True), ("data_retention", "7d")]
    assert _component(es, "fs")["template"]["data_stream_options"] == {
        "failure_store": {"enabled": True, "lifecycle": {"enabled": True}}}
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t", index_patterns=["t-*"], composed_of=["lc"])
    assert error_of(exc) == (400, "illegal_argument_exception", "index template [t] specifies lifecycle configuration "
                             "that can only be used in combination with a data stream")
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t", index_patterns=["t-*"], composed_of=["fs"])
    assert "specifies data stream options that can only be used in combination with a data stream" in error_of(exc)[2]
    es.indices.put_index_template(name="t", index_patterns=["t-*"], composed_of=["fs"], template={"data_stream_options": None})
    es.indices.put_index_template(name="ds", index_patterns=["ds-*"], composed_of=["lc", "fs"], data_stream={})
    sim = es.indices.simulate_template(name="ds")["template"]
    assert sim["lifecycle"] == {"enabled": True, "data_retention": "7d"}
    assert sim["data_stream_options"] == {"failure_store": {"enabled": True, "lifecycle": {"enabled": True}}}


@pytest.mark.parametrize("version,known", [("8.19.21", False), ("9.2.0", False), ("9.3.0", True)])
def test_lifecycle_downsampling_method_from_9_3(make_es, version, known):
    # downsampling_method: 9.3 (elastic/elasticsearch#137023)
    _, client = make_es(version=version)
    rounds = [{"after": "1d", "fixed_interval": "1h"}]
    body = {"lifecycle": {"downsampling_method": "last_value", "downsampling": rounds}}
    if known:
        client.cluster.put_component_template(name="c", template=body)
        assert _component(client, "c")["template"]["lifecycle"]["downsampling_method"] == "last_value"
    else:
        with pytest.raises(BadRequestError) as exc:
            client.cluster.put_component_template(name="c", template=body)
        cause = exc.value.body["error"]["caused_by"]["caused_by"]
        assert cause["reason"].endswith("unknown field [downsampling_method] did you mean [downsampling]?")


@pytest.mark.parametrize("version,max_age", [("8.19.21", "1d"), ("9.1.0", "1d"), ("9.2.0", "1h"), ("9.5.2", "1h")])
def test_lifecycle_default_rollover_for_short_retention(make_es, version, max_age):
    _, client = make_es(version=version)
    sim = client.indices.simulate_template(index_patterns=["ds-*"], data_stream={}, include_defaults=True,
                                           template={"lifecycle": {"data_retention": "12h"}})
    assert sim["template"]["lifecycle"]["rollover"]["max_age"] == f"{max_age} [automatic]"
    sim = client.indices.simulate_template(index_patterns=["ds-*"], data_stream={}, include_defaults=True,
                                           template={"lifecycle": {}})
    assert sim["template"]["lifecycle"]["rollover"]["max_age"] == "30d [automatic]"


def test_ignore_missing_component_templates_empty_list_kept(es):
    es.indices.put_index_template(name="t", index_patterns=["t-*"], ignore_missing_component_templates=["a"])
    es.indices.put_index_template(name="t", index_patterns=["t-*"], ignore_missing_component_templates=[])
    body = es.indices.get_index_template(name="t")["index_templates"][0]["index_template"]
    assert body["ignore_missing_component_templates"] == []
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="u", index_patterns=["u-*"], composed_of=["nope"],
                                      ignore_missing_component_templates=[])
    assert "specifies component templates [nope] that do not exist" in error_of(exc)[2]


def test_data_stream_routing_contradiction(es):
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_index_template(name="t", index_patterns=["t-*"], data_stream={},
                                      template={"mappings": {"_routing": {"required": True}}})
    err = exc.value.body["error"]
    assert err["reason"] == "composable template [t] template after composition is invalid"
    assert err["caused_by"]["caused_by"] == {"type": "mapper_parsing_exception",
                                             "reason": "contradicting `_routing.required` settings"}
    es.indices.put_index_template(name="t", index_patterns=["t-*"], data_stream={"allow_custom_routing": True},
                                  template={"mappings": {"_routing": {"required": True}}})
    assert es.indices.simulate_template(name="t")["template"]["mappings"]["_routing"] == {"required": True}
