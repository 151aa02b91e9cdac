"""The rules that make real-world bodies converge, as tables of (manifest body, body as GET returns it).

Every live body in these tables is what Elasticsearch 8.19.21 or 9.5.2 answered for the manifest's
body (tests/differential checks the fake answers the same); each rule names its class in the
comments: lifecycle defaults, dense_vector index_options defaults, dotted names and subobjects,
root defaults, settings Elasticsearch rewrites or never returns.
"""

from __future__ import annotations

import pytest

from eisops.errors import ManifestError
from eisops.plan.diff import diff_bodies
from eisops.resources import mappings
from eisops.resources.base import PlanContext, with_marker
from eisops.resources.component_template import ComponentTemplateKind
from eisops.resources.index import IndexKind
from eisops.resources.index_template import IndexTemplateKind
from tests.helpers import manifest_from

COMPONENT = ComponentTemplateKind()
INDEX_TEMPLATE = IndexTemplateKind()
INDEX = IndexKind()

# ------------------------------------------------------------------ templates
# (kind, manifest spec, GET body, equal)
TEMPLATES = [
    # lifecycle: Elasticsearch writes enabled: true (DataStreamLifecycle.toXContent)
    (COMPONENT, {"template": {"lifecycle": {"data_retention": "7d"}}},
     {"template": {"lifecycle": {"enabled": True, "data_retention": "7d"}}}, True),
    (COMPONENT, {"template": {"lifecycle": {}}}, {"template": {"lifecycle": {"enabled": True}}}, True),
    (COMPONENT, {"template": {"lifecycle": {"enabled": False, "data_retention": "7d"}}},
     {"template": {"lifecycle": {"enabled": False, "data_retention": "7d"}}}, True),
    (COMPONENT, {"template": {"lifecycle": {"data_retention": "7d"}}},
     {"template": {"lifecycle": {"enabled": False, "data_retention": "7d"}}}, False),
    (COMPONENT, {"template": {"lifecycle": {"data_retention": "7d"}}},
     {"template": {"lifecycle": {"enabled": True, "data_retention": "30d"}}}, False),
    # ... and under the failure store (8.19, 9.1+)
    (COMPONENT, {"template": {"data_stream_options": {"failure_store": {"enabled": True,
                                                                       "lifecycle": {"data_retention": "30d"}}}}},
     {"template": {"data_stream_options": {"failure_store": {"enabled": True, "lifecycle": {
         "enabled": True, "data_retention": "30d"}}}}}, True),
    (COMPONENT, {"template": {"data_stream_options": {"failure_store": {"enabled": True}}}},
     {"template": {"data_stream_options": {"failure_store": {"enabled": True}}}}, True),
    (INDEX_TEMPLATE, {"index_patterns": ["a-*"], "data_stream": {}, "template": {"lifecycle": {"data_retention": "1d"}}},
     {"index_patterns": ["a-*"], "composed_of": [], "data_stream": {"hidden": False, "allow_custom_routing": False},
      "template": {"lifecycle": {"enabled": True, "data_retention": "1d"}}}, True),
    # an empty mappings object is not stored
    (COMPONENT, {"template": {"mappings": {}, "settings": {"number_of_replicas": 0}}},
     {"template": {"settings": {"index": {"number_of_replicas": "0"}}}}, True),
    (INDEX_TEMPLATE, {"index_patterns": ["a-*"], "template": {"mappings": {}}},
     {"index_patterns": ["a-*"], "composed_of": [], "template": {}}, True),
    (COMPONENT, {"template": {"mappings": {"properties": {"a": {"type": "long"}}}}},
     {"template": {}}, False),
    # templates keep dotted names and _source as sent; both forms compare equal
    (COMPONENT, {"template": {"mappings": {"_source": {"enabled": True}, "properties": {"a.b": {"type": "long"}}}}},
     {"template": {"mappings": {"_source": {"enabled": True}, "properties": {"a.b": {"type": "long"}}}}}, True),
    # ignore_missing_component_templates: [] is kept as sent
    (INDEX_TEMPLATE, {"index_patterns": ["a-*"], "ignore_missing_component_templates": []},
     {"index_patterns": ["a-*"], "composed_of": [], "ignore_missing_component_templates": []}, True),
    (INDEX_TEMPLATE, {"index_patterns": ["a-*"], "ignore_missing_component_templates": []},
     {"index_patterns": ["a-*"], "composed_of": [], "ignore_missing_component_templates": ["x@custom"]}, False),
]


def _marked(body):
    return {**body, "_meta": with_marker(body.get("_meta"))}


@pytest.mark.parametrize("kind, desired, live, equal", TEMPLATES)
def test_templates(kind, desired, live, equal):
    changes = diff_bodies(kind.normalize(_marked(live)), kind.normalize(_marked(desired)))
    assert (changes == ()) is equal, changes


# ------------------------------------------------------------------ indices
def _vector(index_options, dims=64):
    return {"properties": {"v": {"type": "dense_vector", "dims": dims, "index_options": index_options}}}


def _live_vector(index_options, dims=64):
    return {"properties": {"v": {"type": "dense_vector", "dims": dims, "index": True, "similarity": "cosine",
                                 "index_options": index_options}}}


HNSW = {"m": 16, "ef_construction": 100}
# (server version, manifest spec, GET /<index> body, equal)
INDICES = [
    # dense_vector index_options: Elasticsearch fills in the type's defaults
    ("9.5.2", {"mappings": _vector({"type": "hnsw"})}, {"mappings": _live_vector({"type": "hnsw", **HNSW})}, True),
    ("9.5.2", {"mappings": _vector({"type": "int8_hnsw", "confidence_interval": 0.9})},
     {"mappings": _live_vector({"type": "int8_hnsw", **HNSW, "confidence_interval": 0.9})}, True),
    ("9.5.2", {"mappings": _vector({"type": "int4_hnsw"})},
     {"mappings": _live_vector({"type": "int4_hnsw", **HNSW})}, True),
    ("8.19.21", {"mappings": _vector({"type": "int4_hnsw"})},
     {"mappings": _live_vector({"type": "int4_hnsw", **HNSW, "confidence_interval": 0.0})}, True),
    ("8.19.21", {"mappings": _vector({"type": "int4_flat"})},
     {"mappings": _live_vector({"type": "int4_flat", "confidence_interval": 0.0})}, True),
    ("9.5.2", {"mappings": _vector({"type": "bbq_hnsw"})},
     {"mappings": _live_vector({"type": "bbq_hnsw", **HNSW, "rescore_vector": {"oversample": 3.0}})}, True),
    ("9.5.2", {"mappings": _vector({"type": "bbq_hnsw", "rescore_vector": {"oversample": 3}})},
     {"mappings": _live_vector({"type": "bbq_hnsw", **HNSW, "rescore_vector": {"oversample": 3.0}})}, True),
    ("9.5.2", {"mappings": _vector({"type": "bbq_flat"})},
     {"mappings": _live_vector({"type": "bbq_flat", "rescore_vector": {"oversample": 3.0}})}, True),
    ("9.5.2", {"mappings": _vector({"type": "hnsw", "m": 32, "ef_construction": 200})},
     {"mappings": _live_vector({"type": "hnsw", "m": 32, "ef_construction": 200})}, True),
    # ... but a value that is not the default, or another type, still shows
    ("9.5.2", {"mappings": _vector({"type": "hnsw"})},
     {"mappings": _live_vector({"type": "hnsw", "m": 32, "ef_construction": 100})}, False),
    ("9.5.2", {"mappings": _vector({"type": "int4_hnsw"})},
     {"mappings": _live_vector({"type": "flat"})}, False),
    ("9.5.2", {"mappings": _vector({"type": "bbq_hnsw", "rescore_vector": {"oversample": 2}})},
     {"mappings": _live_vector({"type": "bbq_hnsw", **HNSW, "rescore_vector": {"oversample": 3.0}})}, False),
    # dotted field names become objects in an index
    ("9.5.2", {"mappings": {"properties": {"object3.purple": {"type": "double"}}}},
     {"mappings": {"properties": {"object3": {"properties": {"purple": {"type": "double"}}}}}}, True),
    ("9.5.2", {"mappings": {"properties": {"a.b": {"type": "long"}, "a": {"properties": {"c": {"type": "keyword"}}}}}},
     {"mappings": {"properties": {"a": {"properties": {"b": {"type": "long"}, "c": {"type": "keyword"}}}}}}, True),
    ("9.5.2", {"mappings": {"properties": {"object3.purple": {"type": "double"}}}},
     {"mappings": {"properties": {"object3": {"properties": {"purple": {"type": "long"}}}}}}, False),
    # ... unless subobjects is false: then objects are flattened into dotted names
    ("9.5.2", {"mappings": {"subobjects": False, "properties": {
        "x.y": {"type": "long"}, "o": {"type": "object", "subobjects": False, "properties": {"p.q": {"type": "keyword"}}}}}},
     {"mappings": {"subobjects": False, "properties": {"o.p.q": {"type": "keyword"}, "x.y": {"type": "long"}}}}, True),
    ("9.5.2", {"mappings": {"properties": {"o": {"type": "object", "subobjects": False,
                                                 "properties": {"p.q": {"type": "keyword"}}}}}},
     {"mappings": {"properties": {"o": {"subobjects": False, "properties": {"p.q": {"type": "keyword"}}}}}}, True),
    # an object without sub-fields is "type": "object"
    ("9.5.2", {"mappings": {"properties": {"o": {"dynamic": True, "properties": {}}}}},
     {"mappings": {"properties": {"o": {"type": "object", "dynamic": "true"}}}}, True),
    ("9.5.2", {"mappings": {"properties": {}}}, {"mappings": {}}, True),
    # scripts are written back with their language (Script.toXContent)
    ("9.5.2", {"mappings": {"runtime": {"day": {"type": "keyword", "script": "emit('x')"}}}},
     {"mappings": {"runtime": {"day": {"type": "keyword", "script": {"source": "emit('x')", "lang": "painless"}}}}},
     True),
    ("9.5.2", {"mappings": {"runtime": {"v": {"type": "double", "script": {"source": "emit(1)", "params": {}}}}}},
     {"mappings": {"runtime": {"v": {"type": "double", "script": {"source": "emit(1)", "lang": "painless"}}}}}, True),
    ("9.5.2", {"mappings": {"properties": {"n": {"type": "long", "script": {"source": "emit(1)"}}}}},
     {"mappings": {"properties": {"n": {"type": "long", "script": {"source": "emit(1)", "lang": "painless"}}}}}, True),
    ("9.5.2", {"mappings": {"runtime": {"v": {"type": "double", "script": {"source": "emit(2)"}}}}},
     {"mappings": {"runtime": {"v": {"type": "double", "script": {"source": "emit(1)", "lang": "painless"}}}}}, False),
    # root defaults Elasticsearch leaves out
    ("9.5.2", {"mappings": {"_source": {"enabled": True}, "properties": {"a": {"type": "keyword"}}}},
     {"mappings": {"properties": {"a": {"type": "keyword"}}}}, True),
    ("9.5.2", {"mappings": {"_routing": {"required": False}}}, {"mappings": {}}, True),
    ("9.5.2", {"mappings": {"_source": {"enabled": False}}}, {"mappings": {"_source": {"enabled": False}}}, True),
    ("9.5.2", {"mappings": {"_source": {"enabled": False}}}, {"mappings": {}}, False),
    ("9.5.2", {"mappings": {"_source": {"excludes": ["big"]}}}, {"mappings": {}}, False),
    # _source.mode: kept by 8.x, a no-op on 9.0+ (elastic/elasticsearch#119072)
    ("8.19.21", {"mappings": {"_source": {"mode": "synthetic"}}}, {"mappings": {"_source": {"mode": "synthetic"}}}, True),
    ("9.5.2", {"mappings": {"_source": {"mode": "synthetic"}}}, {"mappings": {}}, True),
    ("8.19.21", {"mappings": {"_source": {"mode": "synthetic"}}}, {"mappings": {}}, False),
    # number_of_replicas under auto_expand_replicas is reported as expanded
    ("9.5.2", {"settings": {"number_of_replicas": 1, "auto_expand_replicas": "0-1"}},
     {"settings": {"index": {"number_of_replicas": "0", "auto_expand_replicas": "0-1"}}}, True),
    ("9.5.2", {"settings": {"number_of_replicas": 1, "auto_expand_replicas": False}},
     {"settings": {"index": {"number_of_replicas": "0", "auto_expand_replicas": "false"}}}, False),
    ("9.5.2", {"settings": {"number_of_replicas": 1}}, {"settings": {"index": {"number_of_replicas": "0"}}}, False),
    # number_of_routing_shards is never returned
    ("9.5.2", {"settings": {"number_of_shards": 2, "number_of_routing_shards": 4}},
     {"settings": {"index": {"number_of_shards": "2"}}}, True),
    # time series: routing_path as sent, the timestamp mapper Elasticsearch adds is not declared
    ("9.5.2", {"settings": {"index.mode": "time_series", "index.routing_path": "host"},
               "mappings": {"properties": {"host": {"type": "keyword", "time_series_dimension": True}}}},
     {"settings": {"index": {"mode": "time_series", "routing_path": "host"}},
      "mappings": {"_data_stream_timestamp": {"enabled": True},
                   "properties": {"host": {"type": "keyword", "time_series_dimension": True}}}}, True),
]


def _index_changes(version, spec, live):
    ctx = PlanContext(manifest=None, version=version)
    body = INDEX.desired_body(type("R", (), {"spec": spec, "name": "i", "project": "p"})())
    after = INDEX._comparable_desired(body, ctx)
    live = {"settings": {}, "mappings": {}, "aliases": {}, **live}
    live["mappings"] = {**live["mappings"], "_meta": with_marker(None, "p")}  # an index of project p
    return diff_bodies(INDEX.comparable_live(live, after, ctx), after)


@pytest.mark.parametrize("version, desired, live, equal", INDICES)
def test_indices(version, desired, live, equal):
    changes = _index_changes(version, desired, live)
    assert (changes == ()) is equal, changes


def test_an_index_options_type_upgrade_converges():
    """flat -> int4_hnsw is made in place, and what Elasticsearch then reports equals the manifest."""
    desired = {"mappings": _vector({"type": "int4_hnsw"})}
    (change,) = _index_changes("9.5.2", desired, {"mappings": _live_vector({"type": "flat"})})
    assert change.path[-1] == "type" and (change.before, change.after) == ("flat", "int4_hnsw")
    rule = mappings.field_update_rule("v", "index_options", "dense_vector", {"type": "flat"},
                                      {"type": "int4_hnsw"}, {}, (9, 5))
    assert rule is None
    assert _index_changes("9.5.2", desired, {"mappings": _live_vector({"type": "int4_hnsw", **HNSW})}) == ()


# ------------------------------------------------------------------ references and validation
PIPELINE_CALLING_MISSING = """
kind: IngestPipeline
name: logs-default
spec:
  processors:
    - pipeline: {name: logs@custom, ignore_missing_pipeline: true}
    - pipeline: {name: corpus-missing-too, ignore_missing_pipeline: true}
"""

PIPELINE_WITH_TRAINED_MODEL = """
kind: IngestPipeline
name: elser-ingest
spec:
  processors:
    - inference:
        model_id: .elser_model_2
        input_output: [{input_field: content, output_field: content_embedding}]
    - inference:
        model_id: my-deployed-e5
        input_output: [{input_field: title, output_field: title_embedding}]
"""


@pytest.mark.parametrize("text", [PIPELINE_CALLING_MISSING, PIPELINE_WITH_TRAINED_MODEL])
def test_references_elasticsearch_does_not_require_are_no_problem(tmp_path, text):
    loaded = manifest_from(tmp_path, text)
    assert loaded.external == []  # and plan has nothing to check against the cluster


def test_a_pipeline_processor_without_ignore_missing_pipeline_still_needs_its_target(tmp_path):
    with pytest.raises(ManifestError) as info:
        manifest_from(tmp_path, PIPELINE_CALLING_MISSING.replace("ignore_missing_pipeline: true}", "}", 1)
                      .replace("logs@custom", "corpus-nowhere"))
    assert "pipeline processor name names IngestPipeline 'corpus-nowhere', which no manifest declares" in \
        info.value.diagnostics[0].message


@pytest.mark.parametrize("text, message", [
    ("""
kind: IngestPipeline
name: p
spec:
  processors: [{set_security_user: {field: u, on_failure: []}}]
""", "[on_failure] processors list of processor [set_security_user] cannot be empty"),
    ("""
kind: IngestPipeline
name: p
spec:
  processors: [{set_security_user: {field: u}}]
  on_failure: []
""", "pipeline [p] cannot have an empty on_failure option defined"),
    ("""
kind: IndexTemplate
name: t
spec:
  index_patterns: [t-*]
  template: {lifecycle: {data_retention: 7d}}
""", "index template [t] specifies lifecycle configuration that can only be used in combination with a data stream"),
    ("""
kind: IndexTemplate
name: t
spec:
  index_patterns: [t-*]
  template: {data_stream_options: {failure_store: {enabled: true}}}
""", "index template [t] specifies data stream options that can only be used in combination with a data stream"),
])
def test_bodies_elasticsearch_refuses_are_reported_by_validate(tmp_path, text, message):
    with pytest.raises(ManifestError) as info:
        manifest_from(tmp_path, text)
    assert any(message in d.message for d in info.value.diagnostics), info.value.diagnostics


def test_a_component_template_may_carry_lifecycle_and_failure_store(tmp_path):
    manifest_from(tmp_path, """
kind: ComponentTemplate
name: c
spec:
  template:
    lifecycle: {data_retention: 7d}
    data_stream_options: {failure_store: {enabled: true, lifecycle: {data_retention: 30d}}}
""")


# ------------------------------------------------------------------ error reasons
def test_the_reason_shown_is_the_innermost_one():
    """8.19.21 and 9.5.2 answer a refused simulated template three caused_by levels deep."""
    from eisops.cluster.connection import _reason
    body = {"error": {
        "type": "illegal_argument_exception",
        "reason": "composable template [simulate_template_ooib5] template after composition is invalid",
        "caused_by": {"type": "illegal_argument_exception", "reason": "invalid composite mappings for [simulate_template_ooib5]",
                      "caused_by": {"type": "mapper_parsing_exception",
                                    "reason": "Failed to parse mapping: [element_type] cannot be [byte] when using index type [bbq_hnsw]",
                                    "caused_by": {"type": "illegal_argument_exception",
                                                  "reason": "[element_type] cannot be [byte] when using index type [bbq_hnsw]"}}}},
        "status": 400}
    assert _reason(body) == ("illegal_argument_exception", "[element_type] cannot be [byte] when using index type [bbq_hnsw]")
    assert _reason({"error": {"type": "parse_exception", "reason": "x"}}) == ("parse_exception", "x")
    assert _reason({"error": "plain"}) == (None, "plain")
