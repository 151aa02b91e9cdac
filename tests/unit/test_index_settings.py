"""Settings normalization: every accepted input shape compares equal to what Elasticsearch returns."""

import pytest

from eisops.resources import index_settings

# (manifest settings, live settings as GET returns them) -> must compare equal
EQUAL = [
    ({"number_of_shards": 1}, {"index": {"number_of_shards": "1"}}),
    ({"index": {"number_of_shards": 1}}, {"index": {"number_of_shards": "1"}}),
    ({"index.number_of_shards": 1}, {"index": {"number_of_shards": "1"}}),
    ({"index.mapping.total_fields.limit": 3000}, {"index": {"mapping": {"total_fields": {"limit": "3000"}}}}),
    ({"index": {"hidden": True}}, {"index": {"hidden": "true"}}),
    ({"refresh_interval": "5s"}, {"index": {"refresh_interval": "5s"}}),
    ({"analysis": {"analyzer": {"a": {"type": "custom", "filter": ["lowercase"]}}}},
     {"index": {"analysis": {"analyzer": {"a": {"type": "custom", "filter": ["lowercase"]}}}}}),
    ({"index": {"codec": "best_compression"}}, {"index": {"codec": "best_compression"}}),
    ({"number_of_replicas": 0.0}, {"index": {"number_of_replicas": "0.0"}}),
]

# (manifest, live) -> must differ
DIFFERENT = [
    ({"number_of_shards": 1}, {"index": {"number_of_shards": "2"}}),
    ({"index.hidden": False}, {"index": {"hidden": "true"}}),
    ({"refresh_interval": "5s"}, {"index": {"refresh_interval": "1s"}}),
]


@pytest.mark.parametrize("desired, live", EQUAL)
def test_equal_after_normalization(desired, live):
    assert index_settings.normalize(desired) == index_settings.normalize(live)


@pytest.mark.parametrize("desired, live", DIFFERENT)
def test_different_after_normalization(desired, live):
    assert index_settings.normalize(desired) != index_settings.normalize(live)


def test_settings_elasticsearch_adds_are_dropped():
    live = {"index": {"uuid": "x", "creation_date": "1", "provided_name": "a", "version": {"created": "9"},
                      "number_of_replicas": "1"}}
    assert index_settings.normalize(live) == {"index.number_of_replicas": "1"}


@pytest.mark.parametrize("key, updatable", [
    ("index.number_of_replicas", True),
    ("index.refresh_interval", True),
    ("index.default_pipeline", True),
    ("index.blocks.write", True),
    ("index.routing.allocation.include._tier_preference", True),
    ("index.number_of_shards", False),
    ("index.codec", False),
    ("index.analysis.analyzer.a.type", False),
    ("index.mode", False),
])
def test_update_rule(key, updatable):
    rule = index_settings.update_rule(key)
    assert (rule is None) == updatable
    if key == "index.number_of_shards":
        assert "final index setting [index.number_of_shards], not updateable" in rule


def test_nest_is_inverse_of_flatten():
    nested = {"index": {"number_of_shards": "1", "mapping": {"total_fields": {"limit": "3000"}}}}
    assert index_settings.nest(index_settings.flatten(nested)) == nested


def test_index_names_fit_one_request():
    from eisops.resources.index import MAX_NAMES_LENGTH, name_expressions
    few = ["docs-000001", "docs-000002"]
    assert name_expressions(few) == ["docs-000001,docs-000002"]
    many = [f"docs-{i:06d}" for i in range(500)] + [f"logs-app-{i:04d}" for i in range(300)] + ["single"]
    expressions = name_expressions(many)
    assert expressions == ["docs-000*,logs-app-0*,single"]
    assert all(len(e) <= MAX_NAMES_LENGTH for e in expressions)
    assert name_expressions([]) == []
