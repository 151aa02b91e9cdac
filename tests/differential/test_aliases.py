"""Index aliases (``_aliases``, ``_alias``): real Elasticsearch vs. the fake."""

from __future__ import annotations

import pytest

from .compare import assert_same

TWO = [
    ("PUT", "/dt-a", {"settings": {"number_of_replicas": 0}}),
    ("PUT", "/dt-b", {"settings": {"number_of_replicas": 0}}),
]

CASES: dict[str, list] = {
    "add_remove": [
        *TWO,
        ("POST", "/_aliases", {"actions": [
            {"add": {"index": "dt-a", "alias": "dt-x"}},
            {"add": {"indices": ["dt-a", "dt-b"], "aliases": ["dt-y", "dt-z"]}},
            {"add": {"index": "dt-b", "alias": "dt-r", "routing": "1", "is_hidden": True}},
            {"add": {"index": "dt-b", "alias": "dt-n", "routing": 2}},
            {"add": {"index": "dt-a", "alias": "dt-f", "filter": {"term": {"k": "v"}}, "search_routing": "s"}},
        ]}),
        ("GET", "/_alias", None),
        ("GET", "/dt-a/_alias", None),
        ("GET", "/dt-*/_alias/dt-y", None),
        ("GET", "/_alias/dt-y,dt-x", None),
        ("GET", "/_alias/dt-*", None),
        ("GET", "/dt-b/_aliases", None),
        ("HEAD", "/_alias/dt-x", None),
        ("HEAD", "/dt-b/_alias/dt-x", None),
        ("POST", "/_aliases", {"actions": [{"remove": {"index": "dt-a", "alias": "dt-x"}},
                                           {"remove": {"index": "dt-*", "aliases": ["dt-y"]}}]}),
        ("GET", "/_alias", None),
        ("GET", "/dt-a", None),
    ],
    "write_index": [
        *TWO,
        ("POST", "/_aliases", {"actions": [
            {"add": {"index": "dt-a", "alias": "dt-w", "is_write_index": True}},
            {"add": {"index": "dt-b", "alias": "dt-w"}},
        ]}),
        ("PUT", "/dt-w/_doc/1", {"f": 1}),
        # The two write indices are listed in an order that follows their random uuids: type only.
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-b", "alias": "dt-w", "is_write_index": True}}]},
         "type"),
        ("POST", "/_aliases", {"actions": [
            {"add": {"index": "dt-a", "alias": "dt-w", "is_write_index": False}},
            {"add": {"index": "dt-b", "alias": "dt-w", "is_write_index": True}},
        ]}),
        ("GET", "/_alias/dt-w", None),
        ("PUT", "/dt-w/_doc/2", {"f": 2}),
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-b", "alias": "dt-w", "is_write_index": False}}]}),
        ("PUT", "/dt-w/_doc/3", {"f": 3}),
        ("PUT", "/dt-c", {"aliases": {"dt-w": {"is_write_index": True}}}),
        ("PUT", "/dt-d", {"aliases": {"dt-w": {"is_write_index": True}}}, "type"),
        ("HEAD", "/dt-d", None),
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-a", "alias": "dt-single", "is_write_index": False}}]}),
        ("PUT", "/dt-single/_doc/4", {"f": 4}),
    ],
    "missing_things": [
        *TWO,
        ("GET", "/_alias/dt-none", None),
        ("GET", "/dt-a/_alias/dt-none", None),
        ("GET", "/_alias/dt-none*", None),
        ("GET", "/dt-missing/_alias", None),
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-missing", "alias": "dt-x"}}]}),
        ("POST", "/_aliases", {"actions": [{"remove": {"index": "dt-a", "alias": "dt-none"}}]}),
        ("POST", "/_aliases", {"actions": [{"remove": {"index": "dt-a", "alias": "dt-none", "must_exist": False}}]}),
        ("POST", "/_aliases", {"actions": [{"remove": {"index": "dt-a", "alias": "dt-none", "must_exist": True}}]}),
        ("DELETE", "/dt-a/_alias/dt-none", None),
        ("POST", "/_aliases", {"actions": []}),
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-a"}}]}, "noloc"),
        ("POST", "/_aliases", {"actions": [{"add": {"alias": "dt-x"}}]}, "noloc"),
        ("POST", "/_aliases", {"actions": [{"bogus": {"index": "dt-a", "alias": "dt-x"}}]}, "type"),
    ],
    "alias_index_name_clash": [
        *TWO,
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-a", "alias": "dt-b"}}]}),
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-a", "alias": "dt-a"}}]}),
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-a", "alias": "DT-UP"}}]}),
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-a", "alias": "_dt"}}]}),
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-a", "alias": "dt-ok"}}]}),
        ("PUT", "/dt-ok", None),
        ("GET", "/_alias", None),
    ],
    "remove_index": [
        *TWO,
        ("POST", "/_aliases", {"actions": [{"add": {"index": "dt-b", "alias": "dt-x"}}]}),
        ("POST", "/_aliases", {"actions": [{"remove_index": {"index": "dt-a"}},
                                           {"add": {"index": "dt-b", "alias": "dt-a"}}]}),
        ("GET", "/_alias", None),
        ("HEAD", "/dt-a", None),
        ("POST", "/_aliases", {"actions": [{"remove_index": {"index": "dt-x"}}]}),
        ("POST", "/_aliases", {"actions": [{"remove_index": {"index": "dt-missing"}}]}),
    ],
    "atomicity": [
        *TWO,
        ("POST", "/_aliases", {"actions": [
            {"add": {"index": "dt-a", "alias": "dt-ok"}},
            {"add": {"index": "dt-missing", "alias": "dt-nope"}},
        ]}),
        ("GET", "/_alias", None),
    ],
    "single_alias_routes": [
        *TWO,
        ("PUT", "/dt-a/_alias/dt-p", None),
        ("PUT", "/dt-a,dt-b/_alias/dt-q", {"routing": "5"}),
        ("POST", "/dt-b/_aliases/dt-r", {"filter": {"match_all": {}}}),
        ("GET", "/_alias", None),
        ("DELETE", "/dt-a/_alias/dt-p", None),
        ("DELETE", "/dt-*/_alias/dt-q", None),
        ("DELETE", "/dt-b/_aliases/dt-r", None),
        ("GET", "/_alias", None),
        ("PUT", "/dt-a/_alias", {"alias": "dt-pa"}),
        ("PUT", "/dt-a/_alias/dt-pb", {"routing": 3}),
        ("PUT", "/dt-a/_alias/dt-pc", {"bogus": 3}),
        ("PUT", "/dt-a/_aliases", None),
        ("GET", "/dt-a/_aliases", None),
        ("GET", "/dt-a/_alias/dt-p*", None),
    ],
    "aliases_from_templates": [
        ("PUT", "/_index_template/dt-t", {"index_patterns": ["dt-t-*"], "template": {"aliases": {
            "dt-ta": {"routing": "7"}, "dt-tb": {"routing": 8}, "{index}-alias": {}}}}),
        ("PUT", "/dt-t-1", None),
        ("GET", "/dt-t-1/_alias", None),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_aliases(servers, case):
    assert_same(*servers, CASES[case])
