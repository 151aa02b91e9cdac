"""PUT/GET ``_settings`` of indices: real Elasticsearch vs. the fake."""

from __future__ import annotations

import pytest

from .compare import assert_same

IDX = ("PUT", "/dt-s", {"settings": {"number_of_shards": 1, "number_of_replicas": 0}})

CASES: dict[str, list] = {
    "dynamic_updates": [
        IDX,
        ("PUT", "/dt-s/_settings", {"index": {"refresh_interval": "10s"}}),
        ("PUT", "/dt-s/_settings", {"settings": {"index.max_result_window": 20000}}),
        ("PUT", "/dt-s/_settings", {"number_of_replicas": 0, "index.mapping.total_fields.limit": "1500"}),
        ("PUT", "/dt-s/_settings", {"index.query.default_field": ["a", "b"]}),
        ("PUT", "/dt-s/_settings", {"index.blocks.write": True}),
        ("GET", "/dt-s/_settings", None),
        ("GET", "/dt-s/_settings?flat_settings=true", None),
        ("PUT", "/dt-s/_settings", {"index.blocks.write": False}),
        ("GET", "/dt-s/_settings/index.blocks*", None),
    ],
    "null_resets": [
        IDX,
        ("PUT", "/dt-s/_settings", {"index.refresh_interval": "10s", "index.max_result_window": 500}),
        ("PUT", "/dt-s/_settings", {"index.refresh_interval": None}),
        ("PUT", "/dt-s/_settings", {"index": {"max_result_window": None}}),
        ("GET", "/dt-s/_settings", None),
        ("PUT", "/dt-s/_settings", {"index.number_of_replicas": None}),
        ("GET", "/dt-s/_settings/index.number_of_replicas", None),
        ("PUT", "/dt-s/_settings", {"index.unknown_thing": None}),
    ],
    "static_final_private_unknown": [
        IDX,
        ("PUT", "/dt-s/_settings", {"index.number_of_shards": 2}),
        ("PUT", "/dt-s/_settings", {"index.codec": "best_compression"}),
        ("PUT", "/dt-s/_settings", {"index.codec": "best_compression", "index.refresh_interval": "3s"}),
        ("PUT", "/dt-s/_settings", {"index.uuid": "abc"}),
        ("PUT", "/dt-s/_settings", {"index.creation_date": "1"}),
        ("PUT", "/dt-s/_settings", {"index.provided_name": "x"}),
        ("PUT", "/dt-s/_settings", {"index.no_such_thing": 1}),
        ("PUT", "/dt-s/_settings", {"index.refresh_intervl": "1s"}),
        ("PUT", "/dt-s/_settings", {"index.refresh_interval": "nope"}),
        ("PUT", "/dt-s/_settings", {"index.number_of_replicas": -2}),
        ("PUT", "/dt-s/_settings", {"index.hidden": "perhaps"}),
        ("PUT", "/dt-s/_settings", {}),
        ("PUT", "/dt-s/_settings", None),
        ("GET", "/dt-s/_settings", None),
    ],
    "static_on_closed_index": [
        IDX,
        ("POST", "/dt-s/_close", None),
        ("PUT", "/dt-s/_settings", {"index.codec": "best_compression"}),
        ("PUT", "/dt-s/_settings", {"index.number_of_shards": 3}),
        ("GET", "/dt-s/_settings/index.codec", None),
        ("POST", "/dt-s/_open", None),
        ("GET", "/dt-s/_settings/index.codec", None),
    ],
    "reopen_and_preserve_existing": [
        IDX,
        ("PUT", "/dt-s/_settings?reopen=true", {"index.codec": "best_compression"}),
        ("GET", "/dt-s/_settings/index.codec", None),
        ("PUT", "/dt-s/_settings?preserve_existing=true", {"index.codec": "default", "index.refresh_interval": "4s"}),
        ("GET", "/dt-s/_settings/index.codec,index.refresh_interval", None),
    ],
    "multiple_and_missing_indices": [
        IDX,
        ("PUT", "/dt-t", {"settings": {"number_of_replicas": 0}}),
        ("PUT", "/dt-s,dt-t/_settings", {"index.refresh_interval": "2s"}),
        ("PUT", "/dt-*/_settings", {"index.max_result_window": 100}),
        ("GET", "/dt-*/_settings/index.refresh_interval,index.max_result_window", None),
        ("PUT", "/dt-missing/_settings", {"index.refresh_interval": "2s"}),
        ("PUT", "/dt-nomatch*/_settings", {"index.refresh_interval": "2s"}),
        ("GET", "/dt-s/_settings/index.nothing*", None),
    ],
    "include_defaults_keys": [
        IDX,
        ("GET", "/dt-s/_settings/index.refresh_interval?include_defaults=true", None),
        ("GET", "/dt-s/_settings/index.number_of_replicas?include_defaults=true&flat_settings=true", None),
    ],
    "auto_expand_replicas_and_routing_shards": [
        # one node: auto_expand_replicas decides number_of_replicas, whatever was sent
        ("PUT", "/dt-a", {"settings": {"auto_expand_replicas": "0-1", "number_of_replicas": 3}}),
        ("PUT", "/dt-b", {"settings": {"auto_expand_replicas": "1-3"}}),
        ("PUT", "/dt-c", {"settings": {"auto_expand_replicas": "0-all", "number_of_replicas": 2}}),
        # number_of_routing_shards is read at creation, never shown
        ("PUT", "/dt-d", {"settings": {"number_of_shards": 2, "number_of_routing_shards": 4}}),
        ("PUT", "/dt-e", {"settings": {"number_of_shards": 2, "number_of_routing_shards": 3}}),
        ("GET", "/dt-*/_settings", None),
        ("GET", "/dt-d/_settings?flat_settings=true&include_defaults=true&filter_path=*.*.index.number_of_routing_shards", None),
        ("PUT", "/dt-a/_settings", {"index.number_of_replicas": 2}),
        ("GET", "/dt-a/_settings/index.number_of_replicas", None),
    ],
    "time_series_routing_path": [
        ("PUT", "/dt-t1", {"settings": {"index.mode": "time_series", "index.routing_path": ["host"]},
                           "mappings": {"properties": {"host": {"type": "keyword", "time_series_dimension": True},
                                                       "@timestamp": {"type": "date"}}}}),
        ("GET", "/dt-t1", None),
        ("PUT", "/dt-t2", {"settings": {"index.mode": "time_series", "index.routing_path": "host",
                                        "index.time_series.start_time": "2024-01-01T00:00:00Z",
                                        "index.time_series.end_time": "2025-01-01T00:00:00Z"},
                           "mappings": {"properties": {"host": {"type": "keyword", "time_series_dimension": True}}}}),
        ("GET", "/dt-t2", None),
        # no field matching the routing path: fine; @timestamp and _data_stream_timestamp are added
        ("PUT", "/dt-t3", {"settings": {"index.mode": "time_series", "index.routing_path": "nothere"}}),
        ("GET", "/dt-t3/_mapping", None),
        ("PUT", "/dt-x", {"settings": {"index.mode": "time_series", "index.routing_path": "host"},
                          "mappings": {"properties": {"host": {"type": "keyword"}}}}),
        ("PUT", "/dt-x", {"settings": {"index.mode": "time_series", "index.routing_path": "h*"},
                          "mappings": {"properties": {"host": {"type": "long", "time_series_dimension": True},
                                                      "hx": {"type": "ip"}}}}),
        ("PUT", "/dt-x", {"settings": {"index.routing_path": "host"},
                          "mappings": {"properties": {"host": {"type": "keyword", "time_series_dimension": True}}}}),
        ("PUT", "/dt-x", {"settings": {"index.mode": "time_series"}}),
        ("PUT", "/dt-x", {"settings": {"index.mode": "time_series", "index.routing_path": "host"},
                          "mappings": {"properties": {"@timestamp": {"type": "keyword"}}}}),
        # another problem first: the routing-path check waits for valid settings
        ("PUT", "/dt-x", {"settings": {"index.routing_path": "host", "index.foo": 1}}),
        # 8.19.21 wants time_series mode for the time bounds, 9.5.2 not
        ("PUT", "/dt-y", {"settings": {"index.time_series.start_time": "2024-01-01T00:00:00Z"}}),
        ("GET", "/dt-y/_settings", None),
        ("PUT", "/dt-t1/_settings", {"index.routing_path": "other"}),
        ("PUT", "/dt-t2/_settings", {"index.time_series.end_time": "2026-01-01T00:00:00Z"}),
        ("GET", "/dt-t2/_settings/index.time_series*", None),
    ],
    "time_series_in_templates": [
        ("PUT", "/_component_template/dt-c1", {"template": {"settings": {"index.mode": "time_series"}}}),
        ("PUT", "/_component_template/dt-c2", {"template": {"settings": {"index.routing_path": "host"}}}),
        ("PUT", "/_component_template/dt-c3", {"template": {"settings": {"index.mode": "time_series",
                                                                          "index.routing_path": "host"}}}),
        ("PUT", "/_index_template/dt-i1", {"index_patterns": ["dt-i1-*"],
                                           "template": {"settings": {"index.mode": "time_series"}}}),
        ("PUT", "/_index_template/dt-i2", {"index_patterns": ["dt-i2-*"],
                                           "template": {"settings": {"index.routing_path": "host"}}}),
        ("PUT", "/_index_template/dt-i3", {"index_patterns": ["dt-i3-*"], "composed_of": ["dt-c3"]}),
        ("GET", "/_index_template/dt-i3", None),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_settings(servers, case):
    assert_same(*servers, CASES[case])
