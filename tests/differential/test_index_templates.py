"""Composable index templates (``_index_template``): real Elasticsearch vs. the fake."""

from __future__ import annotations

import pytest

from .compare import assert_same

IT = "/_index_template"
CT = "/_component_template"

CASES: dict[str, list] = {
    "put_get_delete": [
        ("PUT", f"{IT}/dt-t1", {"index_patterns": ["dt-t1-*"]}),
        ("GET", f"{IT}/dt-t1", None),
        ("GET", IT, None),
        ("GET", f"{IT}/dt-*", None),
        ("HEAD", f"{IT}/dt-t1", None),
        ("DELETE", f"{IT}/dt-t1", None),
        ("GET", f"{IT}/dt-t1", None),
        ("GET", f"{IT}/dt-*", None),
        ("HEAD", f"{IT}/dt-t1", None),
        ("DELETE", f"{IT}/dt-t1", None),
    ],
    "full_body": [
        ("PUT", f"{IT}/dt-full", {
            "index_patterns": "dt-full-*",
            "priority": 7, "version": 12, "_meta": {"team": "x", "nested": {"a": [1, 2]}},
            "template": {
                "settings": {"number_of_shards": 1, "index": {"refresh_interval": "2s"}},
                "mappings": {"dynamic": "strict", "properties": {"k": {"type": "keyword", "index": True}}},
                "aliases": {"dt-full-alias": {"routing": 3}, "dt-full-a2": {"search_routing": "x"}},
            },
        }),
        ("GET", f"{IT}/dt-full", None),
        ("GET", f"{IT}/dt-full?flat_settings=true", None),
    ],
    "empty_sections": [
        ("PUT", f"{IT}/dt-e1", {"index_patterns": ["dt-e1-*"], "template": {}}),
        ("PUT", f"{IT}/dt-e2", {"index_patterns": ["dt-e2-*"], "template": {"settings": {}, "mappings": {}, "aliases": {}}}),
        ("PUT", f"{IT}/dt-e3", {"index_patterns": ["dt-e3-*"], "composed_of": [], "_meta": {}}),
        ("GET", f"{IT}/dt-e*", None),
    ],
    "composed_of": [
        ("PUT", f"{CT}/dt-c1", {"template": {"settings": {"number_of_replicas": 0}}}),
        ("PUT", f"{CT}/dt-c2", {"template": {"mappings": {"properties": {"a": {"type": "keyword"}}}}}),
        ("PUT", f"{IT}/dt-t", {"index_patterns": ["dt-t-*"], "composed_of": ["dt-c1", "dt-c2"]}),
        ("GET", f"{IT}/dt-t", None),
        ("PUT", f"{IT}/dt-t2", {"index_patterns": ["dt-t2-*"], "composed_of": ["dt-c1", "dt-nope", "dt-nope2"]}),
        ("PUT", f"{IT}/dt-t3", {"index_patterns": ["dt-t3-*"], "composed_of": ["dt-c1", "dt-nope"],
                                "ignore_missing_component_templates": ["dt-nope"]}),
        ("GET", f"{IT}/dt-t3", None),
        ("PUT", f"{IT}/dt-t4", {"index_patterns": ["dt-t4-*"], "composed_of": ["dt-nope"],
                                "ignore_missing_component_templates": ["dt-other"]}),
    ],
    "create_true": [
        ("PUT", f"{IT}/dt-c?create=true", {"index_patterns": ["dt-c-*"]}),
        ("PUT", f"{IT}/dt-c?create=true", {"index_patterns": ["dt-c-*"]}),
        ("PUT", f"{IT}/dt-c", {"index_patterns": ["dt-c-*"], "version": 2}),
        ("GET", f"{IT}/dt-c", None),
    ],
    "same_priority_overlap": [
        ("PUT", f"{IT}/dt-p1", {"index_patterns": ["dt-logs-*"], "priority": 5}),
        ("PUT", f"{IT}/dt-p2", {"index_patterns": ["dt-logs-app-*", "dt-other"], "priority": 5}),
        ("PUT", f"{IT}/dt-p3", {"index_patterns": ["dt-logs-app-*"], "priority": 6}),
        ("PUT", f"{IT}/dt-p4", {"index_patterns": ["dt-*-x"], "priority": 5}),
        ("PUT", f"{IT}/dt-p5", {"index_patterns": ["dt-metrics-*"], "priority": 5}),
        ("PUT", f"{IT}/dt-p0", {"index_patterns": ["dt-logs-*"]}),
        ("PUT", f"{IT}/dt-p00", {"index_patterns": ["dt-logs-*"], "priority": 0}),
        ("PUT", f"{IT}/dt-p1", {"index_patterns": ["dt-logs-*", "dt-more-*"], "priority": 5}),
    ],
    "invalid_names_and_patterns": [
        ("PUT", f"{IT}/Dt-Upper", {"index_patterns": ["dt-u-*"]}),
        ("PUT", f"{IT}/_dt", {"index_patterns": ["dt-u-*"]}),
        ("PUT", f"{IT}/dt-bad", {"index_patterns": ["_dt*", "a b", "x,y", "c#d", "e:f"]}),
        ("PUT", f"{IT}/dt-bad", {"index_patterns": []}),
        ("PUT", f"{IT}/dt-bad", {"template": {}}),
        ("PUT", f"{IT}/dt-bad", {"index_patterns": ["dt-*"], "priority": -1}),
        ("PUT", f"{IT}/dt-bad", {"index_patterns": ["dt-*"], "unknown": 1}, "noloc"),
    ],
    "invalid_composition": [
        ("PUT", f"{CT}/dt-obj", {"template": {"mappings": {"properties": {"f": {"properties": {"x": {"type": "long"}}}}}}}),
        ("PUT", f"{CT}/dt-leaf", {"template": {"mappings": {"properties": {"f": {"type": "keyword"}}}}}),
        ("PUT", f"{IT}/dt-bad", {"index_patterns": ["dt-bad-*"], "composed_of": ["dt-obj", "dt-leaf"]}),
        ("PUT", f"{IT}/dt-ok", {"index_patterns": ["dt-ok-*"], "composed_of": ["dt-leaf"],
                                "template": {"mappings": {"properties": {"f": {"type": "long"}}}}}),
        ("GET", f"{IT}/dt-ok", None),
        ("PUT", f"{IT}/dt-bad2", {"index_patterns": ["dt-bad2-*"],
                                  "template": {"mappings": {"properties": {"f": {"type": "nope"}}}}}),
        ("PUT", f"{IT}/dt-bad3", {"index_patterns": ["dt-bad3-*"],
                                  "template": {"settings": {"index.number_of_shards": 0}}}),
        ("PUT", f"{IT}/dt-bad4", {"index_patterns": ["dt-bad4-*"],
                                  "template": {"settings": {"index.unknown_thing": 0}}}),
    ],
    "data_stream": [
        ("PUT", f"{IT}/dt-ds", {"index_patterns": ["dt-ds-*"], "data_stream": {}}),
        ("GET", f"{IT}/dt-ds", None),
        ("PUT", f"{IT}/dt-ds2", {"index_patterns": ["dt-ds2-*"], "data_stream": {"hidden": True}, "priority": 3}),
        ("GET", f"{IT}/dt-ds2", None),
        ("PUT", f"{IT}/dt-ds3", {"index_patterns": ["dt-ds3-*"], "data_stream": {"allow_custom_routing": True}}),
        ("GET", f"{IT}/dt-ds3", None),
        # No document is indexed here: that would create a data stream, which the distribution
        # (no data-streams API) cannot delete again.
        ("PUT", "/dt-ds-1", None),
    ],
    "numbers_and_nulls": [
        ("PUT", f"{IT}/dt-n", {"index_patterns": ["dt-n-*"], "priority": 1.7, "version": 3.2}),
        ("GET", f"{IT}/dt-n", None),
        ("PUT", f"{IT}/dt-n", {"index_patterns": ["dt-n-*"], "priority": "x"}, "noloc"),
        ("PUT", f"{IT}/dt-n", {"index_patterns": ["dt-n-*"], "version": "x"}, "noloc"),
        ("PUT", f"{IT}/dt-n", {"index_patterns": ["dt-n-*"], "composed_of": None}, "noloc"),
        ("PUT", f"{IT}/dt-n", {"index_patterns": ["dt-n-*"], "template": {"settings": None}}, "noloc"),
        ("PUT", f"{IT}/dt-n", {"index_patterns": ["dt-n-*"], "template": {"aliases": None}}, "noloc"),
        ("PUT", f"{IT}/dt-n", {"index_patterns": ["dt-n-*"], "data_stream": {"unknown": 1}}, "noloc"),
    ],
    "settings_errors_collected": [
        ("PUT", f"{IT}/dt-s", {"index_patterns": ["dt-s-*"], "template": {"settings": {
            "index.foo": 1, "index.bar": 2, "index.number_of_shards": "x"}}}),
        ("PUT", f"{IT}/dt-s", {"index_patterns": ["dt-s-*"], "template": {"settings": {
            "index.number_of_shards": 2, "index.number_of_routing_shards": 3}}}),
        ("PUT", f"{IT}/dt-s", {"index_patterns": ["dt-s-*"], "template": {"settings": {"index.uuid": "x"}}}),
        ("PUT", f"{IT}/dt-s", {"index_patterns": ["dt-s-*"], "template": {"settings": {"index.refresh_interval": "5"}}}),
        ("GET", f"{IT}/dt-s", None),
    ],
    "allow_auto_create_deprecated": [
        ("PUT", f"{IT}/dt-aa", {"index_patterns": ["dt-aa-*"], "allow_auto_create": False, "deprecated": True}),
        ("GET", f"{IT}/dt-aa", None),
    ],
    "not_found": [
        ("GET", f"{IT}/dt-missing", None),
        ("GET", f"{IT}/dt-missing*", None),
        ("DELETE", f"{IT}/dt-missing", None),
        ("DELETE", f"{IT}/dt-missing*", None),
    ],
    "delete_multiple_and_wildcard": [
        ("PUT", f"{IT}/dt-d1", {"index_patterns": ["dt-d1-*"]}),
        ("PUT", f"{IT}/dt-d2", {"index_patterns": ["dt-d2-*"]}),
        ("PUT", f"{IT}/dt-d3", {"index_patterns": ["dt-d3-*"]}),
        ("DELETE", f"{IT}/dt-d1,dt-nope", None),
        ("DELETE", f"{IT}/dt-d1,dt-d2", None),
        ("GET", f"{IT}/dt-*", None),
        ("DELETE", f"{IT}/dt-d*", None),
        ("GET", f"{IT}/dt-*", None),
    ],
    "get_comma_list": [
        ("PUT", f"{IT}/dt-l1", {"index_patterns": ["dt-l1-*"]}),
        ("PUT", f"{IT}/dt-l2", {"index_patterns": ["dt-l2-*"]}),
        ("GET", f"{IT}/dt-l1,dt-l2", None),
        ("PUT", f"{CT}/dt-l1", {"template": {}}),
        ("PUT", f"{CT}/dt-l2", {"template": {}}),
        ("GET", f"{CT}/dt-l1,dt-l2", None),
    ],
    "listing_order": [
        *[("PUT", f"{IT}/{n}", {"index_patterns": [n + "-*"]}) for n in ("dt-zz", "dt-b", "dt-aaa", "dt-m", "dt-q1")],
        ("GET", f"{IT}/dt-*", None),
        ("GET", IT, None),
        *[("PUT", f"{CT}/{n}", {"template": {}}) for n in ("dt-zz", "dt-b", "dt-aaa", "dt-m", "dt-q1")],
        ("GET", f"{CT}/dt-*", None),
        ("GET", CT, None),
    ],
    "template_applied_to_index": [
        ("PUT", f"{CT}/dt-c1", {"template": {"settings": {"number_of_replicas": 0},
                                             "mappings": {"properties": {"a": {"type": "keyword"}}}}}),
        ("PUT", f"{IT}/dt-t", {"index_patterns": ["dt-t-*"], "composed_of": ["dt-c1"], "priority": 1,
                               "template": {"settings": {"refresh_interval": "3s"},
                                            "mappings": {"properties": {"b": {"type": "long"}}},
                                            "aliases": {"dt-t-alias": {}}}}),
        ("PUT", f"{IT}/dt-low", {"index_patterns": ["dt-t-*"], "priority": 0,
                                 "template": {"settings": {"refresh_interval": "9s"}}}),
        ("PUT", "/dt-t-1", {"mappings": {"properties": {"c": {"type": "text"}}}, "settings": {"number_of_replicas": 1}}),
        ("GET", "/dt-t-1", None),
        ("PUT", "/dt-t-2/_doc/1?refresh=true", {"a": "x", "z": 1}),
        ("GET", "/dt-t-2", None),
    ],
    "template_applied_conflict": [
        ("PUT", f"{IT}/dt-t", {"index_patterns": ["dt-t-*"],
                               "template": {"mappings": {"properties": {"a": {"type": "keyword"}}}}}),
        ("PUT", "/dt-t-1", {"mappings": {"properties": {"a": {"properties": {"x": {"type": "long"}}}}}}),
        ("PUT", "/dt-t-2", {"mappings": {"properties": {"a": {"type": "long"}}}}),
        ("GET", "/dt-t-2/_mapping", None),
    ],
    "lifecycle_enabled_added": [
        ("PUT", f"{IT}/dt-l1", {"index_patterns": ["dt-l1-*"], "data_stream": {},
                                "template": {"lifecycle": {"data_retention": "7d"}}}),
        ("PUT", f"{IT}/dt-l2", {"index_patterns": ["dt-l2-*"], "data_stream": {}, "template": {
            "lifecycle": {}, "data_stream_options": {"failure_store": {"enabled": True, "lifecycle": {"data_retention": "1d"}}}}}),
        ("PUT", f"{IT}/dt-l3", {"index_patterns": ["dt-l3-*"], "data_stream": {},
                                "template": {"lifecycle": {"enabled": False}, "data_stream_options": None}}),
        ("PUT", f"{IT}/dt-l4", {"index_patterns": ["dt-l4-*"], "data_stream": {},
                                "template": {"data_stream_options": {"failure_store": {"enabled": True}}}}),
        ("GET", f"{IT}/dt-l*", None),
        ("GET", f"{IT}/dt-l1?flat_settings=true", None),
    ],
    "lifecycle_needs_data_stream": [
        ("PUT", f"{CT}/dt-lc", {"template": {"lifecycle": {"data_retention": "7d"}}}),
        ("PUT", f"{CT}/dt-oc", {"template": {"data_stream_options": {"failure_store": {"enabled": True}}}}),
        ("PUT", f"{CT}/dt-on", {"template": {"data_stream_options": None}}),
        ("PUT", f"{IT}/dt-t1", {"index_patterns": ["dt-t1-*"], "template": {"lifecycle": {"data_retention": "7d"}}}),
        ("PUT", f"{IT}/dt-t1", {"index_patterns": ["dt-t1-*"], "template": {"lifecycle": {"enabled": False}}}),
        ("PUT", f"{IT}/dt-t2", {"index_patterns": ["dt-t2-*"],
                                "template": {"data_stream_options": {"failure_store": {"enabled": True}}}}),
        ("PUT", f"{IT}/dt-t2", {"index_patterns": ["dt-t2-*"], "template": {"data_stream_options": {}}}),
        ("PUT", f"{IT}/dt-t2", {"index_patterns": ["dt-t2-*"], "template": {"data_stream_options": {"failure_store": None}}}),
        ("PUT", f"{IT}/dt-t3", {"index_patterns": ["dt-t3-*"], "composed_of": ["dt-lc"]}),
        ("PUT", f"{IT}/dt-t4", {"index_patterns": ["dt-t4-*"], "composed_of": ["dt-oc", "dt-lc"]}),
        ("PUT", f"{IT}/dt-t5", {"index_patterns": ["dt-t5-*"], "composed_of": ["dt-oc"]}),
        # a null data_stream_options resets what the components set: allowed without a data stream
        ("PUT", f"{IT}/dt-t6", {"index_patterns": ["dt-t6-*"], "composed_of": ["dt-oc"],
                                "template": {"data_stream_options": None}}),
        ("PUT", f"{IT}/dt-t7", {"index_patterns": ["dt-t7-*"], "composed_of": ["dt-oc", "dt-on"]}),
        ("PUT", f"{IT}/dt-t8", {"index_patterns": ["dt-t8-*"], "template": {"data_stream_options": None}}),
        # the settings' "Validation Failed" comes first
        ("PUT", f"{IT}/dt-t9", {"index_patterns": ["dt-t9-*"], "template": {"settings": {"index.foo": 1},
                                                                        "lifecycle": {}}}),
        # ... and the check comes before the composite mappings are validated
        ("PUT", f"{IT}/dt-t9", {"index_patterns": ["dt-t9-*"], "template": {
            "mappings": {"properties": {"f": {"type": "nope"}}}, "lifecycle": {}}}),
        ("PUT", f"{IT}/dt-ok", {"index_patterns": ["dt-ok-*"], "composed_of": ["dt-lc", "dt-oc"], "data_stream": {}}),
        ("GET", f"{IT}/dt-*", None),
    ],
    "ignore_missing_component_templates_empty": [
        ("PUT", f"{IT}/dt-i1", {"index_patterns": ["dt-i1-*"], "ignore_missing_component_templates": ["a"]}),
        ("GET", f"{IT}/dt-i1", None),
        ("PUT", f"{IT}/dt-i1", {"index_patterns": ["dt-i1-*"], "ignore_missing_component_templates": []}),
        ("GET", f"{IT}/dt-i1", None),
        ("PUT", f"{IT}/dt-i2", {"index_patterns": ["dt-i2-*"]}),
        ("PUT", f"{IT}/dt-i2", {"index_patterns": ["dt-i2-*"], "ignore_missing_component_templates": []}),
        ("GET", f"{IT}/dt-i2", None),
        ("PUT", f"{IT}/dt-i3", {"index_patterns": ["dt-i3-*"], "ignore_missing_component_templates": "a"}),
        ("GET", f"{IT}/dt-i3", None),
        # an empty list ignores nothing: the plain "do not exist" message
        ("PUT", f"{IT}/dt-i4", {"index_patterns": ["dt-i4-*"], "ignore_missing_component_templates": [],
                                "composed_of": ["dt-nope"]}),
        ("PUT", f"{IT}/dt-i4", {"index_patterns": ["dt-i4-*"], "ignore_missing_component_templates": ["x"],
                                "composed_of": ["dt-nope"]}),
    ],
    "data_stream_routing_and_timestamp": [
        ("PUT", f"{IT}/dt-r1", {"index_patterns": ["dt-r1-*"], "data_stream": {},
                                "template": {"mappings": {"_routing": {"required": True}}}}),
        ("PUT", f"{IT}/dt-r2", {"index_patterns": ["dt-r2-*"], "data_stream": {"allow_custom_routing": True},
                                "template": {"mappings": {"_routing": {"required": True}}}}),
        ("PUT", f"{IT}/dt-r3", {"index_patterns": ["dt-r3-*"], "data_stream": {"allow_custom_routing": True},
                                "template": {"mappings": {"_routing": {"required": False}}}}),
        ("PUT", f"{IT}/dt-r4", {"index_patterns": ["dt-r4-*"], "data_stream": {},
                                "template": {"mappings": {"_routing": {"required": False}}}}),
        ("PUT", f"{IT}/dt-r5", {"index_patterns": ["dt-r5-*"], "data_stream": {},
                                "template": {"mappings": {"properties": {"@timestamp": {"type": "keyword"}}}}}),
        ("PUT", f"{IT}/dt-r6", {"index_patterns": ["dt-r6-*"], "data_stream": {}, "template": {
            "mappings": {"properties": {"@timestamp": {"type": "date", "ignore_malformed": True}}}}}),
        ("PUT", f"{IT}/dt-r7", {"index_patterns": ["dt-r7-*"], "data_stream": {}, "template": {
            "mappings": {"properties": {"@timestamp": {"type": "date_nanos"}}}}}),
        # index.mapping.ignore_malformed does not reach a data stream's @timestamp
        ("PUT", f"{IT}/dt-r8", {"index_patterns": ["dt-r8-*"], "data_stream": {}, "template": {
            "settings": {"index.mapping.ignore_malformed": True},
            "mappings": {"properties": {"@timestamp": {"type": "date"}}}}}),
        ("GET", f"{IT}/dt-r*", None),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_index_templates(servers, case):
    assert_same(*servers, CASES[case])
