"""Ingest pipelines (``_ingest/pipeline``): real Elasticsearch vs. the fake.

The integration-test distribution has no ingest-common module: the only
processor it knows is ``set_security_user`` (x-pack security), so these cases
use that one, and unknown processor types, which both must refuse alike.
"""

from __future__ import annotations

import pytest

from .compare import assert_same

P = "/_ingest/pipeline"
SSU = {"set_security_user": {"field": "user"}}

CASES: dict[str, list] = {
    "put_get_delete": [
        ("PUT", f"{P}/dt-p1", {"description": "d", "processors": [SSU]}),
        ("GET", f"{P}/dt-p1", None),
        ("GET", P, None),
        ("GET", f"{P}/dt-*", None),
        ("GET", f"{P}/*", None),
        ("GET", f"{P}/dt-p1?summary=true", None),
        ("DELETE", f"{P}/dt-p1", None),
        ("GET", f"{P}/dt-p1", None),
        ("GET", f"{P}/dt-*", None),
        ("DELETE", f"{P}/dt-p1", None),
    ],
    "full_body": [
        ("PUT", f"{P}/dt-full", {
            "description": "all the things", "version": 4, "_meta": {"owner": "me", "n": [1, 2]},
            "processors": [
                # No "if": conditions are painless scripts, and the distribution has no painless
                # ("script_lang not supported [painless]").
                {"set_security_user": {"field": "u", "properties": ["username", "roles"], "tag": "t1",
                                       "ignore_failure": True, "description": "who"}},
            ],
            "on_failure": [{"set_security_user": {"field": "failed_user"}}],
        }),
        ("GET", f"{P}/dt-full", None),
        ("PUT", f"{P}/dt-empty", {"processors": []}),
        ("GET", f"{P}/dt-empty", None),
    ],
    "processor_on_failure": [
        ("PUT", f"{P}/dt-of", {"processors": [{"set_security_user": {
            "field": "u", "on_failure": [{"set_security_user": {"field": "v"}}]}}]}),
        ("GET", f"{P}/dt-of", None),
        ("PUT", f"{P}/dt-of2", {"processors": [{"set_security_user": {"field": "u", "on_failure": []}}]}, "reason"),
        ("PUT", f"{P}/dt-of3", {"processors": [SSU], "on_failure": []}),
    ],
    "unknown_processor": [
        ("PUT", f"{P}/dt-u", {"processors": [{"dt_no_such_processor": {"field": "x"}}]}),
        ("PUT", f"{P}/dt-u", {"processors": [{"dt_no_such_processor": {"field": "x", "tag": "my-tag"}}]}),
        ("PUT", f"{P}/dt-u", {"processors": [SSU], "on_failure": [{"dt_nope": {}}]}),
        ("GET", f"{P}/dt-u", None),
    ],
    "invalid_processor_config": [
        ("PUT", f"{P}/dt-i", {"processors": [{"set_security_user": {}}]}),
        ("PUT", f"{P}/dt-i", {"processors": [{"set_security_user": {"field": "u", "bogus": 1}}]}),
        ("PUT", f"{P}/dt-i", {"processors": [{"set_security_user": {"field": "u", "properties": ["nope"]}}]}),
        ("PUT", f"{P}/dt-i", {"description": "no processors"}),
        ("PUT", f"{P}/dt-i", {"processors": [SSU], "unknown_top": 1}),
        ("PUT", f"{P}/dt-i", {"processors": "x"}, "type"),
        ("PUT", f"{P}/dt-i", None),
        ("GET", f"{P}/dt-i", None),
    ],
    "version_and_if_version": [
        ("PUT", f"{P}/dt-v", {"processors": [SSU], "version": 1}),
        ("PUT", f"{P}/dt-v?if_version=2", {"processors": [SSU], "version": 2}),
        ("PUT", f"{P}/dt-v?if_version=1", {"processors": [SSU], "version": 2}),
        ("GET", f"{P}/dt-v", None),
        ("PUT", f"{P}/dt-nov?if_version=1", {"processors": [SSU]}),
        ("PUT", f"{P}/dt-v", {"processors": [SSU], "version": "x"}),
    ],
    "not_found": [
        ("GET", f"{P}/dt-missing", None),
        ("GET", f"{P}/dt-missing*", None),
        ("GET", f"{P}/dt-missing,dt-other", None),
        ("DELETE", f"{P}/dt-missing", None),
        ("DELETE", f"{P}/dt-missing*", None),
    ],
    "get_comma_list_and_wildcards": [
        ("PUT", f"{P}/dt-a", {"processors": [SSU]}),
        ("PUT", f"{P}/dt-b", {"processors": [SSU]}),
        ("PUT", f"{P}/dt-zz", {"processors": [SSU]}),
        ("GET", f"{P}/dt-a,dt-b", None),
        ("GET", f"{P}/dt-a,dt-missing", None),
        ("GET", f"{P}/dt-*", None),
        ("DELETE", f"{P}/dt-a,dt-b", None),
        ("DELETE", f"{P}/dt-*", None),
        ("GET", f"{P}/dt-*", None),
    ],
    "delete_in_use": [
        ("PUT", f"{P}/dt-def", {"processors": [SSU]}),
        ("PUT", f"{P}/dt-fin", {"processors": [SSU]}),
        ("PUT", "/dt-idx1", {"settings": {"index.default_pipeline": "dt-def", "index.final_pipeline": "dt-fin"}}),
        ("PUT", "/dt-idx2", {"settings": {"index.default_pipeline": "dt-def"}}),
        ("DELETE", f"{P}/dt-def", None),
        ("DELETE", f"{P}/dt-fin", None),
        ("DELETE", f"{P}/dt-*", None),
        ("PUT", "/dt-idx1/_settings", {"index.default_pipeline": None, "index.final_pipeline": "_none"}),
        ("PUT", "/dt-idx2/_settings", {"index.default_pipeline": "_none"}),
        ("DELETE", f"{P}/dt-def", None),
        ("DELETE", f"{P}/dt-fin", None),
    ],
    "execution_without_security": [
        # Security is disabled on the test node; the fake has no security either.
        ("PUT", f"{P}/dt-p", {"processors": [SSU]}),
        ("POST", f"{P}/dt-p/_simulate", {"docs": [{"_source": {"a": 1}}]}),
        ("POST", f"{P}/_simulate", {"pipeline": {"processors": [SSU]}, "docs": [{"_source": {"a": 1}}]}),
        ("PUT", "/dt-i", {"settings": {"index.default_pipeline": "dt-p", "number_of_replicas": 0}}),
        ("PUT", "/dt-i/_doc/1", {"a": 1}),
        ("GET", "/dt-i/_doc/1", None),
        ("PUT", "/dt-j/_doc/1?pipeline=dt-p", {"a": 1}),
        ("HEAD", "/dt-j", None),
    ],
    "default_pipeline_missing": [
        ("PUT", "/dt-idx", {"settings": {"index.default_pipeline": "dt-nope"}}),
        ("GET", "/dt-idx/_settings", None),
        ("PUT", "/dt-idx/_doc/1", {"a": 1}),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_pipelines(servers, case):
    assert_same(*servers, CASES[case])
