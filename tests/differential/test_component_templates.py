"""Component templates (``_component_template``): real Elasticsearch vs. the fake."""

from __future__ import annotations

import pytest

from .compare import assert_same

CT = "/_component_template"

CASES: dict[str, list] = {
    "put_get_delete": [
        ("PUT", f"{CT}/dt-ct1", {"template": {"settings": {"number_of_replicas": 0}}}),
        ("GET", f"{CT}/dt-ct1", None),
        ("GET", CT, None),
        ("GET", f"{CT}/dt-*", None),
        ("DELETE", f"{CT}/dt-ct1", None),
        ("GET", f"{CT}/dt-ct1", None),
        ("DELETE", f"{CT}/dt-ct1", None),
        ("GET", f"{CT}/dt-*", None),
    ],
    "empty_template_and_meta_version": [
        ("PUT", f"{CT}/dt-ct1", {"template": {}, "version": 3, "_meta": {"owner": "x", "n": 1}}),
        ("GET", f"{CT}/dt-ct1", None),
        ("PUT", f"{CT}/dt-ct2", {"template": {"mappings": {}}}),
        ("GET", f"{CT}/dt-ct2", None),
    ],
    "create_true": [
        ("PUT", f"{CT}/dt-ct1?create=true", {"template": {}}),
        ("PUT", f"{CT}/dt-ct1?create=true", {"template": {}}),
        ("PUT", f"{CT}/dt-ct1?create=false", {"template": {}, "version": 2}),
        ("GET", f"{CT}/dt-ct1", None),
    ],
    "settings_shapes": [
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"number_of_shards": 1, "number_of_replicas": "0"}}}),
        ("PUT", f"{CT}/dt-b", {"template": {"settings": {"index": {"number_of_shards": "2", "refresh_interval": "5s"}}}}),
        ("PUT", f"{CT}/dt-c", {"template": {"settings": {"index.number_of_shards": 1, "index.hidden": True}}}),
        ("PUT", f"{CT}/dt-d", {"template": {"settings": {"index": {"mapping.total_fields.limit": 2000,
                                                                     "mapping": {"depth.limit": 5}}}}}),
        ("PUT", f"{CT}/dt-e", {"template": {"settings": {"index.query.default_field": ["a", "b"],
                                                          "max_result_window": 5000.0}}}),
        ("PUT", f"{CT}/dt-f", {"template": {"settings": {}}}),
        ("PUT", f"{CT}/dt-g", {"template": {"settings": {"index": {}}}}),
        ("GET", f"{CT}/dt-*", None),
        ("GET", f"{CT}/dt-*?flat_settings=true", None),
        ("GET", f"{CT}/dt-c?flat_settings", None),
    ],
    "settings_invalid": [
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.no_such_setting": 1}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.number_of_shards": "x"}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.uuid": "abc"}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.number_of_shards": 0}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.refresh_interval": "5 parsecs"}}}),
        ("GET", f"{CT}/dt-a", None),
    ],
    "mappings_returned_as_sent": [
        ("PUT", f"{CT}/dt-m", {"template": {"mappings": {
            "dynamic": False,
            "properties": {
                "b": {"type": "keyword", "index": True, "doc_values": True},
                "a.x": {"type": "text", "norms": True},
                "o": {"type": "object", "properties": {"z": {"type": "long"}}},
                "e": {"type": "object"},
                "v": {"type": "dense_vector", "dims": 3, "element_type": "float"},
            }}}}),
        ("GET", f"{CT}/dt-m", None),
        ("PUT", f"{CT}/dt-m2", {"template": {"mappings": {"_doc": {"properties": {"a": {"type": "keyword"}}}}}}),
        ("GET", f"{CT}/dt-m2", None),
    ],
    "mappings_invalid": [
        ("PUT", f"{CT}/dt-m", {"template": {"mappings": {"properties": {"a": {"type": "nope"}}}}}),
        ("PUT", f"{CT}/dt-m", {"template": {"mappings": {"properties": {"a": {"type": "keyword", "foo": 1}}}}}),
        ("PUT", f"{CT}/dt-m", {"template": {"mappings": {"bogus_root": 1}}}),
        ("PUT", f"{CT}/dt-m", {"template": {"mappings": {"properties": {
            "v": {"type": "dense_vector", "dims": 5000}}}}}),
        ("GET", f"{CT}/dt-m", None),
    ],
    "aliases": [
        ("PUT", f"{CT}/dt-al", {"template": {"aliases": {
            "dt-a1": {},
            "dt-a2": {"routing": "r1"},
            "dt-a3": {"routing": 1},
            "dt-a4": {"index_routing": "i", "search_routing": "s1,s2"},
            "dt-a5": {"is_write_index": True, "is_hidden": False, "filter": {"term": {"user": "k"}}},
            "dt-a6": {"routing": "r", "search_routing": "s"},
        }}}),
        ("GET", f"{CT}/dt-al", None),
    ],
    "not_found": [
        ("GET", f"{CT}/dt-missing", None),
        ("GET", f"{CT}/dt-missing*", None),
        ("DELETE", f"{CT}/dt-missing", None),
        ("DELETE", f"{CT}/dt-missing*", None),
        ("HEAD", f"{CT}/dt-missing", None),
    ],
    "head_exists": [
        ("PUT", f"{CT}/dt-h", {"template": {}}),
        ("HEAD", f"{CT}/dt-h", None),
        ("HEAD", f"{CT}/dt-nope", None),
    ],
    "delete_multiple": [
        ("PUT", f"{CT}/dt-x1", {"template": {}}),
        ("PUT", f"{CT}/dt-x2", {"template": {}}),
        ("DELETE", f"{CT}/dt-x1,dt-nope", None),
        ("GET", f"{CT}/dt-*", None),
        ("DELETE", f"{CT}/dt-x1,dt-x2", None),
        ("GET", f"{CT}/dt-*", None),
    ],
    "delete_wildcard": [
        ("PUT", f"{CT}/dt-w1", {"template": {}}),
        ("PUT", f"{CT}/dt-w2", {"template": {}}),
        ("DELETE", f"{CT}/dt-w*", None),
        ("GET", f"{CT}/dt-*", None),
    ],
    "in_use_delete_refused": [
        ("PUT", f"{CT}/dt-used", {"template": {"settings": {"number_of_replicas": 0}}}),
        ("PUT", "/_index_template/dt-it", {"index_patterns": ["dt-it-*"], "composed_of": ["dt-used"]}),
        ("DELETE", f"{CT}/dt-used", None),
        ("DELETE", f"{CT}/dt-u*", None),
        ("DELETE", "/_index_template/dt-it", None),
        ("DELETE", f"{CT}/dt-used", None),
    ],
    "update_makes_composite_invalid": [
        ("PUT", f"{CT}/dt-c1", {"template": {"mappings": {"properties": {"f": {"type": "keyword"}}}}}),
        ("PUT", f"{CT}/dt-c2", {"template": {"mappings": {"properties": {"g": {"type": "long"}}}}}),
        ("PUT", "/_index_template/dt-it", {"index_patterns": ["dt-it-*"], "composed_of": ["dt-c1", "dt-c2"]}),
        ("PUT", f"{CT}/dt-c2", {"template": {"mappings": {"properties": {"f": {"properties": {"x": {"type": "long"}}}}}}}),
        ("PUT", f"{CT}/dt-c2", {"template": {"settings": {"index.number_of_shards": "-1"}}}),
        ("GET", f"{CT}/dt-c2", None),
    ],
    "settings_multiple_errors": [
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.foo": 1, "index.bar": 2}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.number_of_shards": 2,
                                                          "index.number_of_routing_shards": 3}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.codec": "zip"}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.translog.durability": "sometimes"}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.mode": "nope"}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.refresh_interval": "1.5s"}}}),
        ("PUT", f"{CT}/dt-a", {"template": {"settings": {"index.codec": "best_compression",
                                                          "index.translog.durability": "ASYNC"}}}),
        ("GET", f"{CT}/dt-a", None),
    ],
    "total_fields_limit": [
        ("PUT", f"{CT}/dt-lim", {"template": {"settings": {"index.mapping.total_fields.limit": 2}}}),
        ("PUT", f"{CT}/dt-one", {"template": {"settings": {"index.mapping.total_fields.limit": 1},
                                              "mappings": {"properties": {"a": {"type": "keyword"},
                                                                          "b": {"type": "keyword"}}}}}),
        ("PUT", f"{CT}/dt-f", {"template": {"mappings": {"properties": {"a": {"type": "keyword"}}}}}),
        ("PUT", "/_index_template/dt-t", {"index_patterns": ["dt-t-*"], "composed_of": ["dt-lim", "dt-f"]}),
        ("PUT", f"{CT}/dt-f", {"template": {"mappings": {"properties": {
            "a": {"type": "keyword"}, "b": {"properties": {"c": {"type": "keyword"}}}}}}}),
        ("PUT", f"{CT}/dt-f", {"template": {"mappings": {"properties": {
            "a": {"type": "text", "fields": {"k": {"type": "keyword"}}}}}}}),
        ("PUT", f"{CT}/dt-lim", {"template": {"settings": {"index.mapping.total_fields.limit": 0}}}),
        ("PUT", "/dt-t-1", None),
        ("PUT", "/dt-t-1/_mapping", {"properties": {"x": {"type": "keyword"}, "y": {"type": "keyword"}}}),
        ("PUT", "/dt-t-2", {"mappings": {"properties": {"x": {"type": "keyword"}, "y": {"type": "keyword"}}}}),
    ],
    "alias_parsing_quirks": [
        # Template aliases are read leniently: numbers for routing are dropped, unknown keys and
        # string booleans are ignored, "routing" sets both routings where it appears, and a
        # definition that is not an object swallows every alias after it.
        ("PUT", f"{CT}/dt-al", {"template": {"aliases": {
            "dt-o3": {"search_routing": "s", "routing": "r"},
            "dt-o4": {"indexRouting": "i", "is_write_index": "true", "is_hidden": True, "bogus": {"x": 1},
                      "filter": {"match_all": {}}},
            "DT-UP": {}, "{index}-x": {},
        }}}),
        ("GET", f"{CT}/dt-al", None),
        ("PUT", f"{CT}/dt-sw", {"template": {"aliases": {"dt-a": "x", "dt-b": {}, "dt-c": {"routing": "1"}}}}),
        ("GET", f"{CT}/dt-sw", None),
        ("PUT", f"{CT}/dt-nl", {"template": {"aliases": None}}, "noloc"),
        ("PUT", f"{CT}/dt-nl", {"template": {"settings": None}}, "noloc"),
        ("PUT", f"{CT}/dt-nl", {"template": {}, "version": None}, "noloc"),
        ("PUT", f"{CT}/dt-nl", {"template": {}, "_meta": "x"}, "noloc"),
        ("PUT", f"{CT}/dt-nl", {"template": {}, "version": "x"}, "noloc"),
        ("PUT", f"{CT}/dt-nl", {"template": {}, "version": 3.9}),
        ("GET", f"{CT}/dt-nl", None),
        ("PUT", f"{CT}/Dt-V%20x", {"template": {}}),
    ],
    "invalid_bodies": [
        ("PUT", f"{CT}/dt-b", {}),
        ("PUT", f"{CT}/dt-b", {"template": {}, "unknown_key": 1}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"bogus": {}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", None),
        ("GET", f"{CT}/dt-b", None),
    ],
    "empty_sections_kept_or_dropped": [
        # Empty mappings are dropped from GET, empty settings and aliases stay.
        ("PUT", f"{CT}/dt-e1", {"template": {"mappings": {}, "settings": {}, "aliases": {}}}),
        ("PUT", f"{CT}/dt-e2", {"template": {"mappings": {}}}),
        ("PUT", f"{CT}/dt-e3", {"template": {"mappings": {"_doc": {}}}}),
        ("GET", f"{CT}/dt-e*", None),
    ],
    "lifecycle_enabled_added": [
        # GET shows "enabled": true (first) when the put did not set it; an explicit false stays,
        # as does an explicit null; the same for a failure store's lifecycle.
        ("PUT", f"{CT}/dt-l1", {"template": {"lifecycle": {"data_retention": "7d"}}}),
        ("PUT", f"{CT}/dt-l2", {"template": {"lifecycle": {}}}),
        ("PUT", f"{CT}/dt-l3", {"template": {"lifecycle": {"enabled": False, "data_retention": "7d"}}}),
        ("PUT", f"{CT}/dt-l4", {"template": {"lifecycle": {"enabled": "true", "data_retention": None}}}),
        ("PUT", f"{CT}/dt-l5", {"template": {"lifecycle": {"downsampling": [{"after": "1d", "fixed_interval": "1h"}]}}}),
        ("PUT", f"{CT}/dt-o1", {"template": {"data_stream_options": {"failure_store": {"enabled": True}}}}),
        ("PUT", f"{CT}/dt-o2", {"template": {"data_stream_options": {"failure_store": {
            "enabled": True, "lifecycle": {"data_retention": "3d"}}}}}),
        ("PUT", f"{CT}/dt-o3", {"template": {"data_stream_options": {"failure_store": {"lifecycle": {}}}}}),
        ("PUT", f"{CT}/dt-o4", {"template": {"data_stream_options": {"failure_store": {"lifecycle": {"enabled": False}}}}}),
        ("PUT", f"{CT}/dt-o5", {"template": {"data_stream_options": None}}),
        ("PUT", f"{CT}/dt-o6", {"template": {"data_stream_options": {}}}),
        ("PUT", f"{CT}/dt-o7", {"template": {"data_stream_options": {"failure_store": None}}}),
        ("PUT", f"{CT}/dt-o8", {"template": {"data_stream_options": {"failure_store": {"enabled": None}}}}),
        ("GET", f"{CT}/dt-*", None),
        ("GET", f"{CT}/dt-l1", None),
    ],
    "lifecycle_invalid": [
        ("PUT", f"{CT}/dt-b", {"template": {"lifecycle": None}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"lifecycle": "7d"}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"lifecycle": {"foo": 1}}}, "noloc"),
        # 8.19.21 does not know downsampling_method ("did you mean [downsampling]?"); 9.5.2 wants rounds
        ("PUT", f"{CT}/dt-b", {"template": {"lifecycle": {"downsampling_method": "aggregate"}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"lifecycle": {"enabled": "x"}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"lifecycle": {"data_retention": "bogus"}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"lifecycle": {"data_retention": "7"}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"data_stream_options": {"bogus": 1}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"data_stream_options": {"failure_store": {}}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"data_stream_options": {"failure_store": {"bogus": 1}}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"data_stream_options": {"failure_store": {
            "lifecycle": {"enabled": "x"}}}}}, "noloc"),
        ("PUT", f"{CT}/dt-b", {"template": {"data_stream_options": {"failure_store": {
            "lifecycle": {"downsampling": [{"after": "1d", "fixed_interval": "1h"}]}}}}}, "noloc"),
        # parsed with the body: reported before the settings are validated
        ("PUT", f"{CT}/dt-b", {"template": {"settings": {"index.foo": 1}, "lifecycle": {"foo": 1}}}, "noloc"),
        ("GET", f"{CT}/dt-b", None),
    ],
    "lifecycle_update_breaks_non_data_stream_template": [
        ("PUT", f"{CT}/dt-c", {"template": {"settings": {"number_of_replicas": 0}}}),
        ("PUT", "/_index_template/dt-it", {"index_patterns": ["dt-it-*"], "composed_of": ["dt-c"]}),
        ("PUT", f"{CT}/dt-c", {"template": {"lifecycle": {}}}),
        ("PUT", f"{CT}/dt-c", {"template": {"data_stream_options": {"failure_store": {"enabled": False}}}}),
        ("PUT", f"{CT}/dt-c", {"template": {"data_stream_options": None}}),
        ("GET", f"{CT}/dt-c", None),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_component_templates(servers, case):
    assert_same(*servers, CASES[case])
