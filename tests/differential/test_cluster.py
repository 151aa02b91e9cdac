"""Cluster-level reads, routing errors and ``filter_path``: real Elasticsearch vs. the fake.

``GET /`` is deliberately not compared: the integration-test distribution
answers it with 405 (only ``DELETE /`` is routed there), while a full
Elasticsearch — what the fake emulates — returns the info document.
"""

from __future__ import annotations

import pytest

from .compare import assert_same

CASES: dict[str, list] = {
    "nodes_version": [
        ("GET", "/_nodes/_local?filter_path=nodes.*.version", None),
        ("GET", "/_nodes?filter_path=nodes.*.version", None),
        ("GET", "/_nodes/_local?filter_path=_nodes", None),
    ],
    "cluster_health": [
        ("GET", "/_cluster/health", None, "keys"),
        ("PUT", "/dt-h", {"settings": {"number_of_replicas": 0}}),
        ("GET", "/_cluster/health/dt-h", None, "keys"),
        ("GET", "/_cluster/health/dt-h?filter_path=status", None),
        ("GET", "/_cluster/health/dt-missing?timeout=1ms", None, "keys"),
        ("PUT", "/dt-y", None),
        ("GET", "/_cluster/health?wait_for_status=green&timeout=1ms&filter_path=status,timed_out", None),
        ("GET", "/_cluster/health?wait_for_status=yellow&timeout=1ms&filter_path=status,timed_out", None),
        ("GET", "/_cluster/health/dt-*?level=indices&filter_path=indices", None),
        ("GET", "/_cluster/health/dt-h?filter_path=status,active_shards_percent_as_number", None),
    ],
    "filter_path": [
        ("PUT", "/_component_template/dt-c", {"template": {"settings": {"number_of_replicas": 0}}, "version": 2}),
        ("GET", "/_component_template/dt-c?filter_path=component_templates.name", None),
        ("GET", "/_component_template/dt-c?filter_path=**.version", None),
        ("GET", "/_component_template/dt-c?filter_path=component_templates.*.template", None),
        ("GET", "/_component_template/dt-c?filter_path=-component_templates.component_template.template", None),
        ("GET", "/_component_template/dt-c?filter_path=nothing.matches", None),
        ("GET", "/_component_template/dt-nope?filter_path=component_templates.name", None),
        ("PUT", "/dt-fp", {"settings": {"number_of_replicas": 0}}),
        ("GET", "/dt-fp/_settings?filter_path=*.settings.index.number_of_*", None),
        ("GET", "/dt-fp?filter_path=**.provided_name,dt-fp.aliases", None),
    ],
    "routing_errors": [
        ("GET", "/_dt_no_such_api", None),
        ("DELETE", "/_component_template", None),
        ("PUT", "/_cluster/health", None),
        ("POST", "/_ingest/pipeline/dt-x", {"processors": []}),
        ("GET", "/_component_template?bogus=1", None),
        ("GET", "/_index_template?flat_setings=true", None),
    ],
    "media_types": [
        ("GET", "/_cluster/health?pretty", None, "keys"),
    ],
}


@pytest.mark.parametrize("case", CASES)
def test_cluster(servers, case):
    assert_same(*servers, CASES[case])
