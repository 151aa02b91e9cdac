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
}


@pytest.mark.parametrize("case", CASES)
def test_settings(servers, case):
    assert_same(*servers, CASES[case])
