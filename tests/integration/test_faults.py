"""Apply under injected faults (429, 503 with and without Retry-After, connections reset before
and after Elasticsearch carried a request out, answers that never come) reaches the state of an
apply without faults, with nothing duplicated, lost or half-applied.

A few runs by default; ``EISOPS_FAULT_RUNS=50`` for the long run (see README, Tests)."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch

from tests.fake_es import FakeElasticsearch
from tests.fault_proxy import FaultProxy
from tests.integration.test_flows_fake import copy_examples

RUNS = int(os.environ.get("EISOPS_FAULT_RUNS", "3"))


def _end_state(url: str) -> str:
    es = Elasticsearch(url)
    state = {
        "endpoints": sorted((e["inference_id"], e["service_settings"].get("model_id"))
                            for e in es.inference.get()["endpoints"] if not e["inference_id"].startswith(".")),
        "pipelines": sorted(es.ingest.get_pipeline().body),
        "components": sorted(t["name"] for t in es.cluster.get_component_template()["component_templates"]),
        "templates": sorted(t["name"] for t in es.indices.get_index_template()["index_templates"]),
        "indices": {name: {"mappings": body["mappings"], "aliases": body.get("aliases")}
                    for name, body in es.indices.get(index="*", expand_wildcards="open").body.items()
                    if not name.startswith(".")},
    }
    return json.dumps(state, sort_keys=True)


@pytest.mark.parametrize("seed", range(1, RUNS + 1))
def test_apply_under_20_percent_faults_ends_as_without_them(eisops, tmp_path, seed):
    manifests = copy_examples(tmp_path)
    with FakeElasticsearch(version="9.3.0") as clean:
        assert eisops("apply", manifests, "--url", clean.url, "--auto-approve")[0] == 0
        expected = _end_state(clean.url)
    with FakeElasticsearch(version="9.3.0") as fake, FaultProxy(fake.port, rate=0.2, seed=seed,
                                                               hang_seconds=20) as proxy:
        code, out, err = eisops("apply", manifests, "--url", proxy.url, "--auto-approve", "--timeout", "15s")
        assert code == 0, "\n".join(line for line in err.splitlines() if not line.startswith("Retrying"))
        assert sum(proxy.faults.values()) > 0
        retries = [line for line in err.splitlines() if line.startswith("Retrying ")]
        assert retries, err
        assert _end_state(fake.url) == expected
        # Nothing left to do, and eisops' own records are whole.
        assert eisops("plan", manifests, "--url", fake.url, "--detailed-exitcode")[0] == 0


def _real_end_state(url: str) -> str:
    """What a real node holds of the BOOKS manifests, without the times and uuids it adds."""
    es = Elasticsearch(url)
    stamps = ("created_date", "created_date_millis", "modified_date", "modified_date_millis")
    indices = {}
    for name, body in es.indices.get(index="books*", expand_wildcards="open").body.items():
        index = body["settings"]["index"]
        indices[name] = {"mappings": body["mappings"], "aliases": body.get("aliases"),
                         "settings": {k: v for k, v in index.items()
                                      if k not in ("uuid", "creation_date", "provided_name", "version")}}
    state = {
        "pipelines": {k: {f: v for f, v in p.items() if f not in stamps}
                      for k, p in es.ingest.get_pipeline(id="books*").body.items()},
        "components": {t["name"]: {f: v for f, v in t["component_template"].items() if f not in stamps}
                       for t in es.cluster.get_component_template(name="books*")["component_templates"]},
        "templates": {t["name"]: {f: v for f, v in t["index_template"].items() if f not in stamps}
                      for t in es.indices.get_index_template(name="books*")["index_templates"]},
        "indices": indices,
    }
    return json.dumps(state, sort_keys=True)


@pytest.mark.parametrize("seed", range(1, max(2, RUNS // 5) + 1))
def test_apply_to_real_elasticsearch_under_20_percent_faults_ends_as_without_them(real_es_clean, eisops,
                                                                                   tmp_path, seed):
    from tests.helpers import write_manifests
    from tests.integration.test_flows_real import BOOKS

    manifests = write_manifests(tmp_path / "m", BOOKS)
    url = real_es_clean.url
    assert eisops("apply", manifests, "--url", url, "--auto-approve")[0] == 0
    expected = _real_end_state(url)
    real_es_clean.clean()
    with FaultProxy(urlsplit(url).port, rate=0.2, seed=seed, hang_seconds=20) as proxy:
        code, out, err = eisops("apply", manifests, "--url", proxy.url, "--auto-approve", "--timeout", "15s")
        assert code == 0, err
        assert sum(proxy.faults.values()) > 0
    assert _real_end_state(url) == expected
    assert eisops("plan", manifests, "--url", url, "--detailed-exitcode")[0] == 0
