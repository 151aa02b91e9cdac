"""Retries, in one place (Cluster.request): what is retried, after how long, what counts as done
when an answer was lost, each retry one line on standard error. Faults are scripted per request
through the fault-injecting proxy."""

from __future__ import annotations

import time

import pytest
from elasticsearch import Elasticsearch

from eisops.cluster.connection import is_safe_to_repeat
from tests.fault_proxy import FaultProxy
from tests.helpers import write_manifests


@pytest.mark.parametrize("method, path, safe", [
    ("GET", "/_inference/_all", True),
    ("POST", "/books/_search", True),
    ("POST", "/_ingest/pipeline/_simulate", True),
    ("PUT", "/_ingest/pipeline/p", True),
    ("PUT", "/_component_template/c", True),
    ("PUT", "/books/_mapping", True),
    ("PUT", "/books/_settings", True),
    ("PUT", "/books", False),  # a create: "already exists" the second time
    ("PUT", "/_inference/text_embedding/e", False),
    ("DELETE", "/books", False),  # 404 the second time
    ("POST", "/_aliases", False),
    ("PUT", "/.eisops-state/_doc/project-a", False),
])
def test_what_is_safe_to_repeat(method, path, safe):
    assert is_safe_to_repeat(method, path) is safe


PIPELINE = "kind: IngestPipeline\nname: p\nspec: {processors: [{set: {field: a, value: 1}}]}\n"
INDEX = "kind: Index\nname: books\nspec: {mappings: {properties: {year: {type: long}}}}\n"


def _project(tmp_path, *docs):
    return write_manifests(tmp_path / "m", {"eisops.yaml": "project: retries\n", "m.yaml": "---\n".join(docs)})


def test_a_429_is_retried_after_its_retry_after(fake_es, eisops, tmp_path):
    manifests = _project(tmp_path, PIPELINE)
    with FaultProxy(fake_es.port, script={"PUT /_ingest/pipeline/p": ["429"]}) as proxy:
        proxy.random.seed(0)  # the first 429 carries Retry-After: 1 with this seed
        started = time.monotonic()
        code, out, err = eisops("apply", manifests, "--url", proxy.url, "--auto-approve")
    assert code == 0, out + err
    (line,) = [line for line in err.splitlines() if line.startswith("Retrying")]
    assert line.startswith("Retrying PUT /_ingest/pipeline/p in ") and "(429 es_rejected_execution_exception; " \
                                                                        "attempt 2)" in line
    if "in 1.0s" in line:
        assert time.monotonic() - started >= 1.0
    assert "p" in Elasticsearch(fake_es.url).ingest.get_pipeline().body


def test_a_create_whose_answer_was_lost_counts_as_done_when_it_is_there(fake_es, eisops, tmp_path):
    manifests = _project(tmp_path, INDEX)
    with FaultProxy(fake_es.port, script={"PUT /books": ["reset_after"]}) as proxy:
        code, out, err = eisops("apply", manifests, "--url", proxy.url, "--auto-approve")
    assert code == 0, out + err
    assert "Retrying PUT /books in " in err and "connection lost; attempt 2" in err
    assert proxy.faults["reset_after"] == 1
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0


def test_a_delete_whose_answer_was_lost_counts_as_done(fake_es, eisops, tmp_path):
    manifests = _project(tmp_path, PIPELINE, INDEX)
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    (manifests / "m.yaml").write_text(PIPELINE)
    with FaultProxy(fake_es.port, script={"DELETE /books": ["reset_after"]}) as proxy:
        code, out, err = eisops("apply", manifests, "--url", proxy.url, "--auto-approve", "--allow-data-loss")
    assert code == 0, out + err
    assert "Retrying DELETE /books in " in err
    assert "books" not in Elasticsearch(fake_es.url).indices.get(index="*").body


def test_an_answer_that_never_comes_is_retried_within_the_timeout(fake_es, eisops, tmp_path):
    manifests = _project(tmp_path, PIPELINE)
    with FaultProxy(fake_es.port, script={"PUT /_ingest/pipeline/p": ["hang"]}, hang_seconds=20) as proxy:
        code, out, err = eisops("apply", manifests, "--url", proxy.url, "--auto-approve", "--timeout", "6s")
    assert code == 0, out + err
    assert "no answer in time; attempt 2" in err


def test_the_timeout_ends_the_retries_with_the_error(fake_es, eisops, tmp_path):
    manifests = _project(tmp_path, PIPELINE)
    with FaultProxy(fake_es.port, script={"PUT /_ingest/pipeline/p": ["503"] * 50}) as proxy:
        code, out, err = eisops("apply", manifests, "--url", proxy.url, "--auto-approve", "--timeout", "2s")
    assert code == 1 and "failed (503): unavailable_shards_exception" in err, out + err
