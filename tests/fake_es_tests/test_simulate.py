"""Index-template simulation in the fake (``_index_template/_simulate*``), through the
official client; shapes as seen on 8.19.21 and 9.5.2 (tests/differential/test_simulate.py)."""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError

from tests.fake_es.javamap import putall_order

from .conftest import error_of

TIER = {"routing": {"allocation": {"include": {"_tier_preference": "data_content"}}}}


def test_simulate_body_shape_and_nothing_stored(es):
    got = es.indices.simulate_template(
        index_patterns=["app-*"],
        template={"settings": {"number_of_shards": 2},
                  "mappings": {"properties": {"a": {"type": "keyword"}}},
                  "aliases": {"al": {"routing": "1"}}},
    ).body
    assert got == {
        "template": {
            "settings": {"index": {"number_of_shards": "2", **TIER}},
            "mappings": {"properties": {"a": {"type": "keyword"}}},
            "aliases": {"al": {"index_routing": "1", "search_routing": "1"}},
        },
        "overlapping": [],
    }
    assert es.indices.get_index_template().body == {"index_templates": []}


def test_simulate_minimal_body_has_no_mappings_key(es):
    got = es.indices.simulate_template(index_patterns=["app-*"]).body
    assert got == {"template": {"settings": {"index": TIER}, "aliases": {}}, "overlapping": []}


def test_empty_mappings_kept_for_simulation_but_not_shown_by_get(es):
    es.indices.put_index_template(name="t", index_patterns=["t-*"], template={"mappings": {}})
    assert es.indices.get_index_template(name="t")["index_templates"][0]["index_template"]["template"] == {}
    assert es.indices.simulate_template(name="t")["template"]["mappings"] == {}


def test_simulate_composed_of_and_by_name(es):
    es.cluster.put_component_template(name="c1", template={
        "settings": {"number_of_replicas": 0}, "mappings": {"properties": {"a": {"type": "long"}}}})
    es.indices.put_index_template(name="t", index_patterns=["t-*"], composed_of=["c1"], priority=3,
                                  template={"mappings": {"properties": {"a": {"type": "integer"}}}})
    es.indices.put_index_template(name="low", index_patterns=["t-x*"], priority=1)
    got = es.indices.simulate_template(name="t").body
    assert got["template"]["mappings"] == {"properties": {"a": {"type": "integer"}}}
    assert got["template"]["settings"]["index"]["number_of_replicas"] == "0"
    assert got["overlapping"] == [{"name": "low", "index_patterns": ["t-x*"]}]
    # a body stands in for the named template
    got = es.indices.simulate_template(name="t", index_patterns=["t-*"], priority=3)
    assert got["template"] == {"settings": {"index": TIER}, "aliases": {}}


def test_simulate_errors(es):
    with pytest.raises(BadRequestError) as exc:
        es.indices.simulate_template(name="nope")
    assert error_of(exc) == (400, "illegal_argument_exception", "unable to simulate template [nope] that does not exist")
    with pytest.raises(BadRequestError) as exc:
        es.indices.simulate_template(index_patterns=["a-*"], composed_of=["missing"])
    status, type_, reason = error_of(exc)
    assert (status, type_) == (400, "invalid_index_template_exception")
    assert reason.startswith("index_template [simulate_template_")
    assert reason.endswith("specifies component templates [missing] that do not exist]")
    es.indices.put_index_template(name="t", index_patterns=["t-*"])
    with pytest.raises(BadRequestError) as exc:
        es.indices.simulate_template(name="t", create=True, index_patterns=["t-*"])
    assert error_of(exc)[2] == "index template [t] already exists"


def test_simulate_index(es):
    es.cluster.put_component_template(name="c1", template={"aliases": {"{index}-al": {}}})
    es.indices.put_index_template(name="t", index_patterns=["t-*"], composed_of=["c1"], priority=2)
    got = es.indices.simulate_index_template(name="t-1").body
    assert got == {"template": {"settings": {"index": TIER}, "aliases": {"t-1-al": {}}}, "overlapping": []}
    assert es.indices.simulate_index_template(name="other").body == {}
    # a body is added first; it wins on priority
    got = es.indices.simulate_index_template(name="t-1", index_template={
        "index_patterns": ["t-1*"], "priority": 5, "template": {"settings": {"number_of_replicas": 0}}}).body
    assert got["template"]["settings"]["index"]["number_of_replicas"] == "0"
    assert got["overlapping"] == [{"name": "t", "index_patterns": ["t-*"]}]


def test_create_and_cause_only_with_a_body(fake_es):
    from tests.differential.compare import send

    es = fake_es.url
    send(es, "PUT", "/_index_template/t", {"index_patterns": ["t-*"]})
    r = send(es, "POST", "/_index_template/_simulate/t?create=true&cause=x")
    assert r.status == 400
    assert r.body["error"]["reason"] == ("request [/_index_template/_simulate/t] contains unrecognized "
                                         "parameters: [cause], [create]")
    r = send(es, "POST", "/_index_template/_simulate_index/t-1?create=true&cause=x", {"index_patterns": ["t-1*"], "priority": 3})
    assert r.status == 200
    r = send(es, "POST", "/_index_template/_simulate")
    assert r.body["error"]["type"] == "action_request_validation_exception"


@pytest.mark.parametrize("legacy, expected", [
    # 8.19.21 on Java 17: a table of 8 for three entries, of 16 for six
    (True, (["dt-oa", "dt-od", "dt-ob"], ["dt-of", "dt-od", "dt-oe", "dt-ob", "dt-oc", "dt-oa"])),
    # 9.5.2 on Java 25: of 4 and of 8
    (False, (["dt-od", "dt-oa", "dt-ob"], ["dt-oa", "dt-of", "dt-od", "dt-oe", "dt-ob", "dt-oc"])),
])
def test_overlapping_putall_order(legacy, expected):
    assert putall_order(["dt-oa", "dt-ob", "dt-od"], legacy) == expected[0]
    assert putall_order(["dt-oa", "dt-ob", "dt-oc", "dt-od", "dt-oe", "dt-of"], legacy) == expected[1]
    assert putall_order([], legacy) == []


def test_overlapping_order_follows_version(make_es):
    for version, expected in (("8.19.21", ["o-a", "o-d", "o-b"]), ("9.5.2", ["o-d", "o-a", "o-b"])):
        _, es = make_es(version=version)
        for i, n in enumerate(("o-a", "o-b", "o-d")):
            es.indices.put_index_template(name=n, index_patterns=[n + "-*"], priority=10 + i)
        got = es.indices.simulate_template(index_patterns=["o-*"])
        assert [o["name"] for o in got["overlapping"]] == putall_order(["o-a", "o-b", "o-d"], version.startswith("8"))
