"""JSON values (eisops.plan.values): equality that tells JSON's types apart, and the copy the
kinds make of manifest specs and live bodies before they change them."""

from __future__ import annotations

import datetime

import pytest

from eisops.plan.values import copied, same


@pytest.mark.parametrize("a, b, equal", [
    ({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}, True),
    (1, True, False),  # == says equal; JSON does not
    (1, 1.0, False),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    ([1, 2], [2, 1], False),  # order matters: processors run in order
    ({"a": {"b": [True]}}, {"a": {"b": [1]}}, False),
    ("1", 1, False),
])
def test_same(a, b, equal):
    assert same(a, b) is equal and same(b, a) is equal


def test_copied_is_equal_and_shares_nothing_that_can_change():
    shared = {"type": "keyword"}
    value = {"mappings": {"properties": {"a": shared, "b": shared}}, "list": [[1], {"x": "y"}], "n": None}
    copy = copied(value)
    assert same(copy, value)
    copy["mappings"]["properties"]["a"]["type"] = "text"
    copy["list"][0].append(2)
    assert value == {"mappings": {"properties": {"a": {"type": "keyword"}, "b": {"type": "keyword"}}},
                     "list": [[1], {"x": "y"}], "n": None}
    assert copy["mappings"]["properties"]["b"] == {"type": "keyword"}  # an anchor used twice: two copies


def test_copied_copies_what_is_not_json_too():
    value = {"when": datetime.date(2026, 1, 2), "path": ("a", ["b"])}
    copy = copied(value)
    assert copy == value and copy["path"][1] is not value["path"][1]
