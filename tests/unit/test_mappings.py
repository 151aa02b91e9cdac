"""Mapping normalization and in-place rules, as tables of live/desired pairs."""

import pytest

from eisops.plan.diff import diff_bodies
from eisops.resources import mappings

# (desired mapping as a manifest writes it, live mapping as GET _mapping returns it) -> no diff
EQUAL = [
    # dynamic is returned as a string (3.2)
    ({"dynamic": False}, {"dynamic": "false"}),
    ({"dynamic": True}, {"dynamic": "true"}),
    ({"dynamic": "strict"}, {"dynamic": "strict"}),
    # type: object is omitted next to properties
    ({"properties": {"a": {"type": "object", "properties": {"b": {"type": "keyword"}}}}},
     {"properties": {"a": {"properties": {"b": {"type": "keyword"}}}}}),
    # semantic_text: model_settings filled after the first document; default index_options
    ({"properties": {"c": {"type": "semantic_text", "inference_id": "e"}}},
     {"properties": {"c": {"type": "semantic_text", "inference_id": "e",
                           "model_settings": {"task_type": "text_embedding", "dimensions": 1024,
                                              "similarity": "cosine", "element_type": "float"},
                           "index_options": {"dense_vector": {"type": "bbq_hnsw", "m": 16}}}}}),
    # semantic_text: inference_id resolved by Elasticsearch when the manifest leaves it out
    ({"properties": {"c": {"type": "semantic_text"}}},
     {"properties": {"c": {"type": "semantic_text", "inference_id": ".elser-2-elasticsearch"}}}),
    # dense_vector defaults
    ({"properties": {"v": {"type": "dense_vector", "dims": 384}}},
     {"properties": {"v": {"type": "dense_vector", "dims": 384, "index": True, "similarity": "cosine",
                           "index_options": {"type": "bbq_hnsw", "m": 16, "ef_construction": 100,
                                             "rescore_vector": {"oversample": 3.0}}}}}),
    # fields Elasticsearch keeps after they left the manifest, and dynamically added ones
    ({"properties": {"a": {"type": "keyword"}}},
     {"properties": {"a": {"type": "keyword"}, "old": {"type": "long"},
                     "dyn": {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}}}}),
    # root keys that a template added
    ({"properties": {"a": {"type": "keyword"}}},
     {"dynamic_templates": [{"s": {"match_mapping_type": "string", "mapping": {"type": "keyword"}}}],
      "properties": {"a": {"type": "keyword"}}}),
    # copy_to as a string or a list
    ({"properties": {"a": {"type": "text", "copy_to": "all"}}},
     {"properties": {"a": {"type": "text", "copy_to": ["all"]}}}),
]

DIFFERENT = [
    ({"dynamic": "strict"}, {"dynamic": "true"}),
    ({"properties": {"a": {"type": "keyword"}}}, {"properties": {"a": {"type": "text"}}}),
    ({"properties": {"a": {"type": "keyword", "ignore_above": 100}}},
     {"properties": {"a": {"type": "keyword", "ignore_above": 256}}}),
    # a parameter left out of a declared field is compared (Elasticsearch would reset it)
    ({"properties": {"a": {"type": "keyword"}}}, {"properties": {"a": {"type": "keyword", "ignore_above": 256}}}),
    # semantic_text inference_id set in the manifest is compared
    ({"properties": {"c": {"type": "semantic_text", "inference_id": "new"}}},
     {"properties": {"c": {"type": "semantic_text", "inference_id": "old"}}}),
    # dense_vector similarity set in the manifest is compared
    ({"properties": {"v": {"type": "dense_vector", "dims": 3, "similarity": "dot_product"}}},
     {"properties": {"v": {"type": "dense_vector", "dims": 3, "index": True, "similarity": "cosine"}}}),
]


@pytest.mark.parametrize("desired, live", EQUAL)
def test_no_diff(desired, live):
    want = mappings.canonical(desired)
    assert diff_bodies(mappings.restrict_to_declared(live, desired), want) == ()


@pytest.mark.parametrize("desired, live", DIFFERENT)
def test_diff(desired, live):
    want = mappings.canonical(desired)
    assert diff_bodies(mappings.restrict_to_declared(live, desired), want) != ()


def test_undeclared_fields_are_listed():
    live = {"properties": {"a": {"type": "keyword"}, "o": {"properties": {"x": {"type": "long"}}}, "z": {"type": "long"}}}
    desired = {"properties": {"a": {"type": "keyword"}, "o": {"properties": {}}}}
    assert mappings.undeclared_fields(live, desired) == ["o.x", "z"]


V = (9, 2)


@pytest.mark.parametrize("ftype, param, before, after, live_field, version, in_place", [
    ("keyword", "ignore_above", 256, 100, {}, V, True),
    ("text", "analyzer", "standard", "english", {}, V, False),
    ("text", "search_analyzer", "standard", "english", {}, V, True),
    ("keyword", "doc_values", True, False, {}, V, False),
    ("text", "norms", True, False, {}, V, True),
    ("text", "norms", False, True, {}, V, False),
    ("semantic_text", "search_inference_id", "a", "b", {}, V, True),
    ("semantic_text", "inference_id", "a", "b", {}, (9, 2), False),
    ("semantic_text", "inference_id", "a", "b", {}, (9, 3), True),
    ("semantic_text", "inference_id", "a", "b", {"model_settings": {}}, (9, 3), False),
    ("dense_vector", "dims", None, 384, {}, V, True),
    ("dense_vector", "dims", 384, 768, {}, V, False),
    ("dense_vector", "similarity", "cosine", "dot_product", {}, V, False),
    ("dense_vector", "element_type", "float", "byte", {}, V, False),
    ("dense_vector", "index_options", {"type": "int8_hnsw"}, {"type": "bbq_hnsw"}, {}, (9, 1), True),
    ("dense_vector", "index_options", {"type": "bbq_hnsw"}, {"type": "int8_hnsw"}, {}, (9, 1), False),
    ("dense_vector", "index_options", {"type": "hnsw", "m": 16}, {"type": "hnsw", "m": 32}, {}, V, True),
    ("dense_vector", "index_options", {"type": "hnsw", "m": 32}, {"type": "hnsw", "m": 16}, {}, V, False),
])
def test_field_update_rule(ftype, param, before, after, live_field, version, in_place):
    rule = mappings.field_update_rule("f", param, ftype, before, after, live_field, version)
    assert (rule is None) == in_place, rule


def test_refusal_uses_elasticsearch_wording():
    rule = mappings.field_update_rule("f", "analyzer", "text", "standard", "english", {}, V)
    assert rule == "Mapper for [f] conflicts with existing mapper: Cannot update parameter [analyzer] from [standard] to [english]"


@pytest.mark.parametrize("desired, live", [
    ({"properties": {"k": {"type": "keyword", "index": True, "doc_values": True}}}, {"properties": {"k": {"type": "keyword"}}}),
    ({"properties": {"t": {"type": "text", "norms": True}}}, {"properties": {"t": {"type": "text"}}}),
    ({"properties": {"n": {"type": "long", "coerce": True}}}, {"properties": {"n": {"type": "long"}}}),
    ({"properties": {"o": {"type": "object", "enabled": True, "properties": {"b": {"type": "boolean", "store": False}}}}},
     {"properties": {"o": {"properties": {"b": {"type": "boolean"}}}}}),
    ({"properties": {"t": {"type": "text", "fields": {"raw": {"type": "keyword", "norms": False}}}}},
     {"properties": {"t": {"type": "text", "fields": {"raw": {"type": "keyword"}}}}}),
])
def test_index_mapping_defaults_are_not_changes(desired, live):
    want = mappings.without_defaults(mappings.canonical(desired))
    assert diff_bodies(mappings.restrict_to_declared(live, want), want) == ()


def test_non_default_value_is_kept():
    desired = {"properties": {"k": {"type": "keyword", "index": False}}}
    assert mappings.without_defaults(desired) == desired


@pytest.mark.parametrize("a, b, equal", [
    ({"x": 1}, {"x": 1}, True),
    ({"x": True}, {"x": 1}, False),
    ({"x": 1}, {"x": 1.0}, False),
    ({"x": [1, 2]}, {"x": [2, 1]}, False),
    ({"x": {"y": None}}, {"x": {}}, False),
])
def test_diff_tells_json_types_apart(a, b, equal):
    assert (diff_bodies(a, b) == ()) is equal
