"""Documents (_doc, _bulk, dynamic mapping, _count/_search match_all): real Elasticsearch vs. the fake."""

from __future__ import annotations

import pytest

from .compare import assert_same

CASES: dict[str, list] = {
    "index_get_delete": [
        ("PUT", "/dt-d/_doc/1", {"a": "x"}),
        ("PUT", "/dt-d/_doc/1", {"a": "y"}),
        ("GET", "/dt-d/_doc/1", None),
        ("GET", "/dt-d/_doc/2", None),
        ("HEAD", "/dt-d/_doc/1", None),
        ("PUT", "/dt-d/_create/1", {"a": "z"}),
        ("PUT", "/dt-d/_doc/1?op_type=create", {"a": "z"}),
        ("PUT", "/dt-d/_create/3", {"a": "z"}),
        ("DELETE", "/dt-d/_doc/1", None),
        ("DELETE", "/dt-d/_doc/1", None),
        ("GET", "/dt-d/_doc/1", None),
        ("GET", "/dt-missing/_doc/1", None),
        ("DELETE", "/dt-missing/_doc/1", None),
    ],
    # eisops' records and locks: writes and deletes with the document's sequence number
    "optimistic_concurrency_on_write_and_delete": [
        ("PUT", "/dt-c/_doc/1?op_type=create", {"a": 1}),
        ("PUT", "/dt-c/_doc/1?op_type=create", {"a": 2}),
        ("PUT", "/dt-c/_doc/1?if_seq_no=0&if_primary_term=1", {"a": 3}),
        ("PUT", "/dt-c/_doc/1?if_seq_no=0&if_primary_term=1", {"a": 4}),
        ("DELETE", "/dt-c/_doc/1?if_seq_no=0&if_primary_term=1", None),
        ("DELETE", "/dt-c/_doc/1?if_seq_no=1&if_primary_term=1", None),
        ("DELETE", "/dt-c/_doc/1?if_seq_no=1&if_primary_term=1", None),
        ("GET", "/dt-c/_doc/1", None),
    ],
    "auto_create_and_dynamic_mapping": [
        ("PUT", "/dt-d/_doc/1", {
            "s": "text", "i": 5, "f": 1.5, "b": True, "n": None, "d": "2024-01-02", "dt": "2024-01-02T03:04:05Z",
            "o": {"x": "y", "z": {"deep": 1}}, "arr": [1, 2], "sarr": ["a", "b"], "empty": [], "eo": {},
            "num_str": "42", "dotted.name": "v", "big": 12345678901234,
        }),
        ("GET", "/dt-d/_mapping", None),
        ("GET", "/dt-d/_settings", None),
        ("GET", "/dt-d/_doc/1", None),
    ],
    "dynamic_false_strict_runtime": [
        ("PUT", "/dt-f", {"mappings": {"dynamic": False, "properties": {"k": {"type": "keyword"}}}}),
        ("PUT", "/dt-f/_doc/1", {"k": "a", "other": 1, "o": {"p": 2}}),
        ("GET", "/dt-f/_mapping", None),
        ("GET", "/dt-f/_doc/1", None),
        ("PUT", "/dt-s", {"mappings": {"dynamic": "strict", "properties": {
            "k": {"type": "keyword"}, "o": {"properties": {"p": {"type": "long"}}},
            "lax": {"dynamic": True, "properties": {}}}}}),
        ("PUT", "/dt-s/_doc/1", {"k": "a", "other": 1}, "noloc"),
        ("PUT", "/dt-s/_doc/2", {"o": {"q": 1}}, "noloc"),
        ("PUT", "/dt-s/_doc/3", {"k": "a", "lax": {"new": "x"}}),
        ("GET", "/dt-s/_mapping", None),
        ("PUT", "/dt-r", {"mappings": {"dynamic": "runtime"}}),
        ("PUT", "/dt-r/_doc/1", {"s": "x", "n": 1, "f": 1.5, "b": False, "d": "2024-01-01", "o": {"x": 1}}),
        ("GET", "/dt-r/_mapping", None),
    ],
    "date_and_numeric_detection": [
        ("PUT", "/dt-n", {"mappings": {"numeric_detection": True, "date_detection": False}}),
        ("PUT", "/dt-n/_doc/1", {"a": "1", "b": "1.5", "c": "2024-01-01", "d": "x1"}),
        ("GET", "/dt-n/_mapping", None),
    ],
    "value_errors": [
        ("PUT", "/dt-v", {"mappings": {"properties": {"l": {"type": "long"}, "b": {"type": "boolean"},
                                                      "i": {"type": "integer", "ignore_malformed": True}}}}),
        ("PUT", "/dt-v/_doc/1", {"l": "abc"}, "noloc"),
        ("PUT", "/dt-v/_doc/2", {"b": "yes"}, "noloc"),
        ("PUT", "/dt-v/_doc/3", {"i": "abc"}),
        ("PUT", "/dt-v/_doc/4", {"l": "12"}),
        ("PUT", "/dt-v/_doc/5", {"l": 1.7}),
        ("GET", "/dt-v/_doc/3", None),
        ("PUT", "/dt-v/_doc/6", ["not", "an", "object"], "type"),
    ],
    "dense_vector_dims_from_first_doc": [
        ("PUT", "/dt-vec", {"mappings": {"properties": {"v": {"type": "dense_vector"}}}}),
        ("PUT", "/dt-vec/_doc/1", {"v": [0.1, 0.2, 0.3]}),
        ("GET", "/dt-vec/_mapping", None),
        ("PUT", "/dt-vec/_doc/2", {"v": [0.1, 0.2]}, "noloc"),
    ],
    "bulk": [
        ("POST", "/_bulk", [
            {"index": {"_index": "dt-b", "_id": "1"}}, {"a": 1},
            {"create": {"_index": "dt-b", "_id": "2"}}, {"a": 2},
            {"create": {"_index": "dt-b", "_id": "2"}}, {"a": 3},
            {"update": {"_index": "dt-b", "_id": "1"}}, {"doc": {"b": "x"}},
            {"update": {"_index": "dt-b", "_id": "9"}}, {"doc": {"b": "x"}},
            {"update": {"_index": "dt-b", "_id": "8"}}, {"doc": {"b": "y"}, "doc_as_upsert": True},
            {"delete": {"_index": "dt-b", "_id": "2"}},
            {"delete": {"_index": "dt-b", "_id": "7"}},
        ]),
        ("GET", "/dt-b/_doc/1", None),
        ("GET", "/dt-b/_doc/8", None),
        ("POST", "/dt-b/_bulk", [{"index": {"_id": "3"}}, {"c": True}]),
        ("POST", "/dt-b/_bulk?refresh=true", [{"index": {"_id": "4"}}, {"c": "not-a-bool"}], "noloc"),
        ("GET", "/dt-b/_mapping", None),
        ("POST", "/_bulk", [{"index": {"_id": "5"}}, {"c": True}]),
    ],
    "count_and_search_match_all": [
        ("PUT", "/dt-c", {"settings": {"number_of_replicas": 0}}),
        ("PUT", "/dt-c/_doc/1?refresh=true", {"a": 1}),
        ("PUT", "/dt-c/_doc/2?refresh=true", {"a": 2}),
        ("GET", "/dt-c/_count", None),
        ("POST", "/dt-c/_count", {"query": {"match_all": {}}}),
        ("GET", "/dt-c/_search", None),
        ("POST", "/dt-c/_search", {"query": {"match_all": {}}, "size": 1}),
        ("POST", "/dt-c/_search?rest_total_hits_as_int=true", {"query": {"match_all": {}}, "size": 0}),
        ("GET", "/dt-missing/_count", None),
        ("GET", "/dt-missing/_search", None),
        ("GET", "/dt-missing*/_count", None),
        ("GET", "/dt-missing*/_search", None),
    ],
    "require_alias_and_pipeline_param": [
        ("PUT", "/dt-d/_doc/1?require_alias=true", {"a": 1}),
        ("PUT", "/dt-d/_doc/1?pipeline=dt-nope", {"a": 1}),
        ("HEAD", "/dt-d", None),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_documents(servers, case):
    assert_same(*servers, CASES[case])
