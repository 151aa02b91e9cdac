"""Normalization of templates and pipelines: tables of (manifest body, body as GET returns it)."""

import pytest

from eisops.plan.diff import diff_bodies
from eisops.resources.base import with_marker
from eisops.resources.component_template import ComponentTemplateKind
from eisops.resources.index_template import IndexTemplateKind
from eisops.resources.ingest_pipeline import IngestPipelineKind

COMPONENT = ComponentTemplateKind()
INDEX_TEMPLATE = IndexTemplateKind()
PIPELINE = IngestPipelineKind()

TS = {"created_date_millis": 1795731181137, "modified_date_millis": 1795731181137}

COMPONENT_EQUAL = [
    # settings: any input shape vs nested strings (4.2)
    ({"template": {"settings": {"number_of_shards": 1, "index.refresh_interval": "5s"}}},
     {"template": {"settings": {"index": {"number_of_shards": "1", "refresh_interval": "5s"}}}}),
    # 9.2+ timestamps
    ({"template": {"mappings": {"properties": {"a": {"type": "keyword"}}}}},
     {"template": {"mappings": {"properties": {"a": {"type": "keyword"}}}}, **TS}),
    # alias routing expanded
    ({"template": {"aliases": {"a": {"routing": "1"}}}},
     {"template": {"aliases": {"a": {"index_routing": "1", "search_routing": "1"}}}}),
    # dynamic as boolean or string
    ({"template": {"mappings": {"dynamic": False}}}, {"template": {"mappings": {"dynamic": "false"}}}),
    # version and _meta as sent
    ({"template": {}, "version": 3, "_meta": {"a": 1}}, {"template": {}, "version": 3, "_meta": {"a": 1}}),
]

COMPONENT_DIFFERENT = [
    ({"template": {"settings": {"number_of_shards": 1}}}, {"template": {"settings": {"index": {"number_of_shards": "2"}}}}),
    ({"template": {}, "version": 3}, {"template": {}, "version": 2}),
    # templates are compared whole: a field left out of the manifest is a change
    ({"template": {"mappings": {"properties": {"a": {"type": "keyword"}}}}},
     {"template": {"mappings": {"properties": {"a": {"type": "keyword"}, "b": {"type": "long"}}}}}),
    ({"template": {}}, {"template": {}, "_meta": {"other": "x"}}),
]

INDEX_TEMPLATE_EQUAL = [
    ({"index_patterns": "logs-*"}, {"index_patterns": ["logs-*"], "composed_of": []}),
    ({"index_patterns": ["a-*"], "data_stream": {}},
     {"index_patterns": ["a-*"], "composed_of": [], "data_stream": {"hidden": False, "allow_custom_routing": False}}),
    ({"index_patterns": ["a-*"], "priority": 10, "template": {"settings": {"index.hidden": True}}},
     {"index_patterns": ["a-*"], "composed_of": [], "priority": 10,
      "template": {"settings": {"index": {"hidden": "true"}}}, **TS}),
]

INDEX_TEMPLATE_DIFFERENT = [
    ({"index_patterns": ["a-*"], "composed_of": ["x", "y"]}, {"index_patterns": ["a-*"], "composed_of": ["y", "x"]}),
    ({"index_patterns": ["a-*"], "priority": 10}, {"index_patterns": ["a-*"], "composed_of": [], "priority": 11}),
]

PIPELINE_EQUAL = [
    ({"processors": [{"set": {"field": "a", "value": 1}}]}, {"processors": [{"set": {"field": "a", "value": 1}}], **TS}),
    ({"processors": [], "description": "d", "version": 2}, {"processors": [], "description": "d", "version": 2}),
]

PIPELINE_DIFFERENT = [
    # processor order is significant
    ({"processors": [{"trim": {"field": "a"}}, {"lowercase": {"field": "a"}}]},
     {"processors": [{"lowercase": {"field": "a"}}, {"trim": {"field": "a"}}]}),
    # single string vs list is a real difference in what is stored
    ({"processors": [{"remove": {"field": "a"}}]}, {"processors": [{"remove": {"field": ["a"]}}]}),
    ({"processors": [], "on_failure": [{"set": {"field": "e", "value": 1}}]}, {"processors": []}),
]


def _marked(body):
    return {**body, "_meta": with_marker(body.get("_meta"))}


@pytest.mark.parametrize("kind, desired, live, equal", [
    *[(COMPONENT, d, l, True) for d, l in COMPONENT_EQUAL],
    *[(COMPONENT, d, l, False) for d, l in COMPONENT_DIFFERENT],
    *[(INDEX_TEMPLATE, d, l, True) for d, l in INDEX_TEMPLATE_EQUAL],
    *[(INDEX_TEMPLATE, d, l, False) for d, l in INDEX_TEMPLATE_DIFFERENT],
    *[(PIPELINE, d, l, True) for d, l in PIPELINE_EQUAL],
    *[(PIPELINE, d, l, False) for d, l in PIPELINE_DIFFERENT],
])
def test_normalization(kind, desired, live, equal):
    changes = diff_bodies(kind.normalize(_marked(live)), kind.normalize(_marked(desired)))
    assert (changes == ()) is equal, changes


def test_marker_is_added_to_user_meta():
    assert with_marker({"team": "search"}) == {"team": "search", "managed_by": "eisops"}
    assert with_marker(None) == {"managed_by": "eisops"}
