"""Index-template simulation (``_index_template/_simulate[/{name}]``,
``_index_template/_simulate_index/{index}``): real Elasticsearch vs. the fake.

The names ES makes up per request (``simulate_template_<uuid>`` ...) are
normalised by compare.py; everything else is compared whole.
"""

from __future__ import annotations

import pytest

from .compare import assert_same

IT = "/_index_template"
CT = "/_component_template"
SIM = f"{IT}/_simulate"
SIM_INDEX = f"{IT}/_simulate_index"

C1 = {"template": {"settings": {"number_of_replicas": 0, "refresh_interval": "2s"},
                   "mappings": {"properties": {"a": {"type": "keyword"}, "b": {"type": "long"}}},
                   "aliases": {"dt-ca": {}}}}
C2 = {"template": {"settings": {"refresh_interval": "3s"},
                   "mappings": {"properties": {"b": {"type": "integer"}, "c": {"type": "text"}}}}}

CASES: dict[str, list] = {
    "standalone_body": [
        ("POST", SIM, {
            "index_patterns": ["dt-a-*"], "priority": 3, "version": 2, "_meta": {"x": 1},
            "template": {
                "settings": {"number_of_shards": 2, "index.refresh_interval": "5s",
                             "analysis": {"analyzer": {"my": {"type": "custom", "tokenizer": "standard"}}}},
                "mappings": {"dynamic": "strict", "_source": {"enabled": False}, "properties": {
                    "k": {"type": "keyword"}, "t": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
                    "o": {"properties": {"x": {"type": "long"}}}, "v": {"type": "dense_vector", "dims": 3}}},
                "aliases": {"dt-al": {}, "dt-r": {"routing": "1", "filter": {"term": {"k": "x"}}},
                            "dt-w": {"is_write_index": True, "is_hidden": True}},
            },
        }),
        ("GET", f"{IT}/dt-*", None),  # nothing was stored
    ],
    "minimal_and_empty_bodies": [
        ("POST", SIM, {"index_patterns": "dt-a-*"}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"mappings": {}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"mappings": {"_doc": {"properties": {}}}}}),
        ("POST", SIM, None),
        ("POST", SIM, {}),
        ("POST", SIM, [1], "noloc"),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "unknown": 1}, "noloc"),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"bogus": {}}}, "noloc"),
        ("POST", SIM, {"index_patterns": []}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "priority": -1}),
        ("POST", SIM, {"index_patterns": ["*"], "template": {"settings": {"index.hidden": True}}}),
        ("POST", SIM, {"index_patterns": ["*"], "priority": -2, "template": {"settings": {"index": {"hidden": True}}}}),
        ("POST", SIM, {"index_patterns": ["*"], "template": {"settings": {"hidden": True}}}),
        ("POST", f"{SIM}/Dt-h", {"index_patterns": ["*", "a b"], "template": {"settings": {"hidden": False, "index.foo": 1}}}),
        ("PUT", f"{IT}/dt-h", {"index_patterns": ["*"], "template": {"settings": {"hidden": True}}}),
        ("POST", SIM, {"index_patterns": ["_dt", "a b"]}),
    ],
    "tier_preference": [
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"settings": {"index.routing.allocation.require.foo": "bar"}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"settings": {"index.routing.allocation.include._tier_preference": "data_warm"}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {"hidden": True},
                       "template": {"settings": {"number_of_replicas": 0},
                                    "mappings": {"properties": {"@timestamp": {"type": "date_nanos"}}}}}),
    ],
    "composed_of": [
        ("PUT", f"{CT}/dt-c1", C1),
        ("PUT", f"{CT}/dt-c2", C2),
        ("PUT", f"{CT}/dt-cempty", {"template": {"mappings": {}}}),
        ("PUT", f"{CT}/dt-cnone", {"template": {}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-c1", "dt-c2"],
                       "template": {"settings": {"number_of_replicas": 1}, "aliases": {"dt-ta": {}},
                                    "mappings": {"properties": {"d": {"type": "date"}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-c2", "dt-c1"]}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-cempty"]}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-cnone"]}),
        ("GET", f"{CT}/dt-cempty", None),
    ],
    "missing_component": [
        ("PUT", f"{CT}/dt-c1", C1),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-c1", "dt-nope", "dt-nope2"]}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-nope"],
                       "ignore_missing_component_templates": ["dt-other"]}),
        # missing components are reported before create / overlaps
        ("PUT", f"{IT}/dt-t", {"index_patterns": ["dt-a-*"]}),
        ("POST", f"{SIM}/dt-t?create=true", {"index_patterns": ["dt-a-*"], "composed_of": ["dt-nope"]}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-nope"]}),
    ],
    "ignore_missing_component_templates": [
        ("PUT", f"{CT}/dt-c1", C1),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-c1", "dt-nope"],
                       "ignore_missing_component_templates": ["dt-nope"]}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-nope"],
                       "ignore_missing_component_templates": ["dt-nope"]}),
    ],
    "mapping_errors": [
        ("PUT", f"{CT}/dt-c1", C1),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"mappings": {"properties": {"f": {"type": "nope"}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-c1"],
                       "template": {"mappings": {"properties": {"f": {"type": "keyword", "bogus": 1}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-c1"],
                       "template": {"mappings": {"properties": {"a": {"properties": {"x": {"type": "long"}}}}}}}),
        ("POST", f"{SIM_INDEX}/dt-a-1", {"index_patterns": ["dt-a-*"],
                                         "template": {"mappings": {"properties": {"f": {"type": "nope"}}}}}),
    ],
    "settings_errors": [
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"settings": {"index.unknown_thing": 0}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"settings": {"index.number_of_shards": 0}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"settings": {
            "index.number_of_shards": "x", "index.foo": 1}}}),
        ("POST", f"{SIM}/Dt-Up", {"index_patterns": ["dt-a-*"], "template": {"settings": {"index.foo": 1}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"settings": None}}, "noloc"),
    ],
    "total_fields_limit": [
        ("PUT", f"{CT}/dt-c1", C1),
        ("PUT", f"{CT}/dt-c2", C2),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {
            "settings": {"index.mapping.total_fields.limit": 2},
            "mappings": {"properties": {"a": {"type": "keyword"}, "b": {"type": "keyword"}, "c": {"type": "keyword"}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {
            "settings": {"index.mapping.total_fields.limit": 1},
            "mappings": {"properties": {"t": {"type": "text", "fields": {"k": {"type": "keyword"}}}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-c1", "dt-c2"],
                       "template": {"settings": {"index.mapping.total_fields.limit": 2}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-c1", "dt-c2"],
                       "template": {"settings": {"index.mapping.total_fields.limit": 3}}}),
    ],
    "alias_named_like_an_index": [
        ("PUT", "/dt-existing", None),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"aliases": {"dt-existing": {}}}}),
        ("PUT", f"{IT}/dt-t", {"index_patterns": ["dt-a-*"], "template": {"aliases": {"dt-existing": {}}}}),
    ],
    "overlapping": [
        ("PUT", f"{IT}/dt-p1", {"index_patterns": ["dt-logs-*"], "priority": 5,
                                "template": {"settings": {"number_of_replicas": 0}}}),
        ("PUT", f"{IT}/dt-p2", {"index_patterns": ["dt-logs-app-*", "dt-zzz"], "priority": 7}),
        ("PUT", f"{IT}/dt-p3", {"index_patterns": ["dt-*"], "priority": 1}),
        ("PUT", f"{IT}/dt-p4", {"index_patterns": ["dt-logs-x", "dt-m-*"], "priority": 9}),
        ("PUT", f"{IT}/dt-p5", {"index_patterns": ["other-*"], "priority": 5}),
        # same priority as an overlapping template: refused
        ("POST", SIM, {"index_patterns": ["dt-logs-*"], "priority": 5}),
        ("POST", SIM, {"index_patterns": ["dt-logs-app-1"], "priority": 7}),
        # another priority: every intersecting template is listed, whatever its priority
        ("POST", SIM, {"index_patterns": ["dt-logs-*"], "priority": 6}),
        ("POST", SIM, {"index_patterns": ["dt-logs-app-1"], "priority": 6}),
        ("POST", SIM, {"index_patterns": ["dt-other-*", "dt-logs-*"], "priority": 3}),
        ("POST", SIM, {"index_patterns": ["nothing-*"]}),
    ],
    "overlapping_order": [
        # ES lists overlapping templates from a HashMap filled by putAll: its table size
        # (and so the order) depends on how many there are and on the JVM.
        *[("PUT", f"{IT}/{n}", {"index_patterns": [n + "-*"], "priority": 10 + i})
          for i, n in enumerate(("dt-oa", "dt-ob", "dt-oc", "dt-od", "dt-oe", "dt-of"))],
        ("POST", SIM, {"index_patterns": ["dt-oa-*", "dt-ob-*"]}),
        ("POST", SIM, {"index_patterns": ["dt-oa-*", "dt-ob-*", "dt-od-*"]}),
        ("POST", SIM, {"index_patterns": ["dt-oa-*", "dt-ob-*", "dt-oc-*", "dt-od-*"]}),
        ("POST", SIM, {"index_patterns": ["dt-o*"]}),
    ],
    "simulate_by_name": [
        ("PUT", f"{CT}/dt-c1", C1),
        ("PUT", f"{IT}/dt-p1", {"index_patterns": ["dt-logs-*"], "priority": 5, "composed_of": ["dt-c1"],
                                "template": {"settings": {"refresh_interval": "4s"}, "mappings": {}}}),
        ("PUT", f"{IT}/dt-p2", {"index_patterns": ["dt-logs-app-*"], "priority": 7}),
        ("POST", f"{SIM}/dt-p1", None),
        ("POST", f"{SIM}/dt-p2?include_defaults=true&master_timeout=10s", None),
        ("POST", f"{SIM}/dt-missing", None),
        # a body stands in for the named template (and is checked like a put of that name)
        ("POST", f"{SIM}/dt-p1", {"index_patterns": ["dt-logs-*"], "priority": 5,
                                  "template": {"settings": {"number_of_replicas": 2}}}),
        ("POST", f"{SIM}/dt-p1", {"index_patterns": ["dt-logs-*"], "priority": 7}),
        ("POST", f"{SIM}/dt-p1?create=true&cause=x", {"index_patterns": ["dt-logs-*"], "priority": 5}),
        ("POST", f"{SIM}/dt-new?create=true", {"index_patterns": ["dt-new-*"], "priority": 5}),
        ("GET", f"{IT}/dt-p1", None),
        ("GET", f"{IT}/dt-new", None),
    ],
    "parameters_and_methods": [
        ("PUT", f"{IT}/dt-p1", {"index_patterns": ["dt-logs-*"]}),
        # create / cause are read only with a body
        ("POST", f"{SIM}/dt-p1?create=true&cause=x", None),
        ("POST", f"{SIM}/dt-p1?create=bogus", {"index_patterns": ["dt-logs-*"]}),
        ("POST", f"{SIM}/dt-p1?include_defaults=bogus", None),
        ("POST", f"{SIM}?flat_settings=true", {"index_patterns": ["dt-a-*"]}),
        ("POST", f"{SIM}?timeout=1s&foo=1", {"index_patterns": ["dt-a-*"]}),
        ("POST", f"{SIM_INDEX}/dt-logs-1?create=true&cause=x", None),
        ("POST", f"{SIM_INDEX}/dt-logs-1?create=true&cause=x", {"index_patterns": ["dt-logs-*"], "priority": 1}),
        ("POST", f"{SIM_INDEX}/dt-logs-1?include_defaults=true&master_timeout=5s", None),
        ("GET", SIM, None),
        ("PUT", SIM, {"index_patterns": ["dt-x"]}),
        ("GET", f"{SIM}/dt-p1", None),
        ("GET", f"{SIM_INDEX}/dt-logs-1", None),
        ("DELETE", f"{SIM_INDEX}/dt-logs-1", None),
        ("POST", SIM_INDEX, None),
    ],
    "simulate_index": [
        ("PUT", f"{CT}/dt-c1", {"template": {"settings": {"number_of_replicas": 0},
                                             "mappings": {"properties": {"a": {"type": "keyword"}}},
                                             "aliases": {"{index}-ca": {}}}}),
        ("PUT", f"{IT}/dt-p1", {"index_patterns": ["dt-logs-*"], "priority": 5, "composed_of": ["dt-c1"],
                                "template": {"settings": {"refresh_interval": "4s"},
                                             "aliases": {"dt-al": {"is_write_index": True}}}}),
        ("PUT", f"{IT}/dt-p2", {"index_patterns": ["dt-logs-app-*", "dt-zzz"], "priority": 7}),
        ("PUT", f"{IT}/dt-p3", {"index_patterns": ["dt-*"], "priority": 1}),
        ("PUT", f"{IT}/dt-p4", {"index_patterns": ["dt-logs-x", "dt-m-*"], "priority": 9}),
        ("POST", f"{SIM_INDEX}/dt-logs-1", None),
        ("POST", f"{SIM_INDEX}/dt-logs-app-1", None),
        ("POST", f"{SIM_INDEX}/dt-logs-x", None),
        ("POST", f"{SIM_INDEX}/dt-q", None),
        # no template matches: an empty object (no name validation either)
        ("POST", f"{SIM_INDEX}/nomatch", None),
        ("POST", f"{SIM_INDEX}/Dt-Logs-1", None),
        ("POST", f"{SIM_INDEX}/_dt", None),
        # an existing index changes nothing
        ("PUT", "/dt-logs-1", None),
        ("POST", f"{SIM_INDEX}/dt-logs-1", None),
        # with a body: added first, then matched like the others
        ("POST", f"{SIM_INDEX}/dt-logs-2", {"index_patterns": ["dt-logs-2*"], "priority": 20,
                                            "template": {"settings": {"number_of_shards": 2}}}),
        # (a simulated template in an "overlapping" list of several would sit at a place that
        # depends on its random name: only ever alone there)
        ("PUT", f"{IT}/dt-p5", {"index_patterns": ["other-*"], "priority": 9}),
        ("POST", f"{SIM_INDEX}/other-1", {"index_patterns": ["other-1*"], "priority": 2}),
        ("POST", f"{SIM_INDEX}/nomatch", {"index_patterns": ["zz-*"], "priority": 30}),
        ("POST", f"{SIM_INDEX}/other-2", {"index_patterns": ["zz-*"], "priority": 30}),
        ("POST", f"{SIM_INDEX}/dt-logs-2", {"index_patterns": ["dt-logs-2*"], "priority": 5}),
        ("POST", f"{SIM_INDEX}/dt-logs-2", {"index_patterns": ["dt-logs-2*"], "priority": 6,
                                            "composed_of": ["dt-nope"]}),
        ("POST", f"{SIM_INDEX}/dt-ds-1", {"index_patterns": ["dt-ds-*"], "priority": 40, "data_stream": {},
                                          "template": {"mappings": {"properties": {"m": {"type": "long"}}}}}),
        ("GET", f"{IT}/simulate*", None),
    ],
    "lifecycle_composed": [
        # The simulated template shows the composed lifecycle / data stream options (with
        # "enabled": true added) after the aliases; later values win field by field, null resets.
        ("PUT", f"{CT}/dt-l1", {"template": {"lifecycle": {"data_retention": "7d"}}}),
        ("PUT", f"{CT}/dt-l0", {"template": {"lifecycle": {"enabled": False}}}),
        ("PUT", f"{CT}/dt-o1", {"template": {"data_stream_options": {"failure_store": {
            "enabled": True, "lifecycle": {"data_retention": "3d"}}}}}),
        ("PUT", f"{CT}/dt-o0", {"template": {"data_stream_options": {"failure_store": {"lifecycle": {"enabled": False}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "template": {
            "lifecycle": {"data_retention": "7d"},
            "data_stream_options": {"failure_store": {"enabled": True, "lifecycle": {}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "template": {
            "data_stream_options": {"failure_store": {"enabled": True}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-l1", "dt-l0"]}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-l0", "dt-l1"]}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-l1"],
                       "template": {"lifecycle": {"data_retention": None}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-o1", "dt-o0"]}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-o0", "dt-o1"]}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-o1"],
                       "template": {"data_stream_options": {"failure_store": {"enabled": False}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-o1"],
                       "template": {"data_stream_options": {"failure_store": {"lifecycle": None}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-o1"],
                       "template": {"data_stream_options": {"failure_store": None}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-o1"],
                       "template": {"data_stream_options": {}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "composed_of": ["dt-o1"],
                       "template": {"data_stream_options": None}}),
        ("PUT", f"{IT}/dt-t", {"index_patterns": ["dt-t-*"], "data_stream": {}, "composed_of": ["dt-l1"]}),
        ("POST", f"{SIM}/dt-t", None),
        ("POST", f"{SIM_INDEX}/dt-t-1", None),
    ],
    "lifecycle_rollover_defaults": [
        # include_defaults adds the cluster's rollover, max_age "auto" evaluated against the retention
        # (9.5.2: 1h for a retention of at most a day; 8.19.21: 1d)
        *[("POST", f"{SIM}?include_defaults=true", {"index_patterns": ["dt-ds-*"], "data_stream": {},
                                                     "template": {"lifecycle": {"data_retention": r}}})
          for r in ("12h", "1d", "25h", "14d", "15d", "90d", "91d")],
        ("PUT", f"{IT}/dt-t", {"index_patterns": ["dt-t-*"], "data_stream": {}, "template": {"lifecycle": {}}}),
        ("POST", f"{SIM}/dt-t?include_defaults=true", None),
        ("POST", f"{SIM_INDEX}/dt-t-1?include_defaults=true", None),
        # not for a failure store's lifecycle
        ("POST", f"{SIM}?include_defaults=true", {"index_patterns": ["dt-ds-*"], "data_stream": {}, "template": {
            "data_stream_options": {"failure_store": {"enabled": True, "lifecycle": {"data_retention": "3d"}}}}}),
    ],
    "lifecycle_needs_data_stream": [
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"lifecycle": {"data_retention": "7d"}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"data_stream_options": {}}}),
        ("POST", f"{SIM}/dt-named", {"index_patterns": ["dt-a-*"], "template": {"lifecycle": {}}}),
        ("POST", f"{SIM_INDEX}/dt-a-1", {"index_patterns": ["dt-a-*"], "template": {"data_stream_options": {}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"lifecycle": None}}, "noloc"),
    ],
    "data_stream_routing_and_timestamp": [
        # the data-stream default mapping sets _routing.required to allow_custom_routing
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {},
                       "template": {"mappings": {"_routing": {"required": True}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {},
                       "template": {"mappings": {"_routing": {"required": False}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {"allow_custom_routing": True},
                       "template": {"mappings": {"_routing": {"required": True}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {"allow_custom_routing": True},
                       "template": {"mappings": {"_routing": {"required": False}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {"allow_custom_routing": True}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {},
                       "template": {"mappings": {"properties": {"@timestamp": {"type": "keyword"}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "template": {
            "mappings": {"properties": {"@timestamp": {"type": "date", "ignore_malformed": True}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {},
                       "template": {"settings": {"index.mapping.ignore_malformed": True}}}),
        ("POST", SIM, {"index_patterns": ["dt-ds-*"], "data_stream": {}, "template": {
            "settings": {"index.mapping.ignore_malformed": True},
            "mappings": {"properties": {"@timestamp": {"type": "date"}}}}}),
    ],
    "routing_required_contradictions": [
        # any two explicit _routing.required that differ (as objects: true vs "true" too)
        ("PUT", f"{CT}/dt-r1", {"template": {"mappings": {"_routing": {"required": True}}}}),
        ("PUT", f"{CT}/dt-r0", {"template": {"mappings": {"_routing": {"required": False}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-r1"],
                       "template": {"mappings": {"_routing": {"required": False}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-r1", "dt-r0"]}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-r1", "dt-r1"]}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-r1"],
                       "template": {"mappings": {"_routing": {"required": "true"}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-r1"], "template": {"mappings": {"_routing": {}}}}),
        # map-valued root entries merge recursively
        ("PUT", f"{CT}/dt-m", {"template": {"mappings": {"_meta": {"a": 1, "n": {"x": 1}}, "_source": {"excludes": ["q"]}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-m"], "template": {"mappings": {
            "_meta": {"b": 2, "n": {"y": 2}}, "_source": {"includes": ["z"]}}}}),
    ],
    "composed_mapping_error_chains": [
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"mappings": {"properties": {"v": {
            "type": "dense_vector", "dims": 64, "element_type": "byte", "index_options": {"type": "bbq_hnsw"}}}}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"mappings": {"subobjects": "auto"}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"mappings": {"dynamic_templates": [
            {"x": {"match": "k*", "runtime": {}, "mapping": {}}}]}}}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"mappings": {"_source": {"mode": "nope"}}}}),
        ("PUT", f"{IT}/dt-v", {"index_patterns": ["dt-v-*"], "template": {"mappings": {"properties": {"v": {
            "type": "dense_vector", "dims": 64, "element_type": "byte", "index_options": {"type": "bbq_hnsw"}}}}}}),
    ],
    "subobjects_and_source_composed": [
        # templates keep mappings as sent; the simulated (composed, parsed) mapping is flattened /
        # expanded; _source.mode is kept on 8.19.21 and dropped on 9.5.2
        ("PUT", f"{CT}/dt-s", {"template": {"mappings": {"subobjects": False, "properties": {
            "a.b": {"type": "keyword"}, "o": {"properties": {"p.q": {"type": "long"}}}}}}}),
        ("GET", f"{CT}/dt-s", None),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-s"]}),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "template": {"mappings": {"properties": {
            "a.b": {"type": "keyword"}, "o": {"properties": {"p.q": {"type": "long"}}}}}}}),
        ("PUT", f"{CT}/dt-src", {"template": {"mappings": {"_source": {"mode": "synthetic"}}}}, "warn"),
        ("GET", f"{CT}/dt-src", None),
        ("POST", SIM, {"index_patterns": ["dt-a-*"], "composed_of": ["dt-src"]}),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_simulate(servers, case):
    assert_same(*servers, CASES[case])
