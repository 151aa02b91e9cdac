"""The Elastic docs' Jina page, which eisops exists for: its five PUT bodies are the examples'
bodies as written there, and they validate, apply and then plan as no change on the fake (9.3+)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import write_manifests

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "jina-models.md"
EXAMPLES = Path(__file__).resolve().parents[2] / "manifests" / "inference" / "eis-jina.yaml"
PUT = re.compile(r"```console\nPUT _inference/(?P<task>[a-z_]+)/(?P<name>[a-z0-9._-]+)\n(?P<body>\{.*?\n\})\n```", re.S)


def seed_requests() -> list[tuple[str, str, dict]]:
    return [(m["task"], m["name"], json.loads(m["body"])) for m in PUT.finditer(SEED.read_text())]


pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="../shared/seed/jina-models.md is not present")


def test_the_page_has_five_requests_and_the_examples_hold_them_verbatim():
    from eisops.planning.validate import load_manifests
    requests = seed_requests()
    assert len(requests) == 5
    examples = {(r.task_type, r.name): r.spec for r in load_manifests([str(EXAMPLES)]).resources}
    assert examples == {(task, name): body for task, name, body in requests}


@pytest.mark.parametrize("fake_es_version", ["9.3.0", "9.5.2"])
def test_the_page_requests_as_written_apply_and_converge(fake_es, eisops, tmp_path):
    docs = [json.dumps({"kind": "InferenceEndpoint", "name": name, "task_type": task, "spec": body})
            for task, name, body in seed_requests()]
    manifests = write_manifests(tmp_path / "m", {"eisops.yaml": "project: jina\n", "seed.yaml": "\n---\n".join(docs)})
    assert eisops("validate", manifests)[:2] == (0, "5 resources in 1 file: valid.\n")
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0 and "Apply complete: 5 created" in out, out + err
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert (code, err) == (0, ""), out


POST = re.compile(r"```console\nPOST _inference/(?P<task>[a-z_]+)/(?P<name>[a-z0-9._-]+)\n(?P<body>\{.*?\n\})\n```", re.S)


def _applied_seed(eisops, fake_es, tmp_path):
    docs = [json.dumps({"kind": "InferenceEndpoint", "name": name, "task_type": task, "spec": body})
            for task, name, body in seed_requests()]
    manifests = write_manifests(tmp_path / "m", {"eisops.yaml": "project: jina\n", "seed.yaml": "\n---\n".join(docs)})
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve", "--test-endpoints")
    assert code == 0, out + err
    return manifests, out


@pytest.mark.parametrize("fake_es_version", ["9.3.0", "9.5.2"])
def test_the_page_endpoints_pass_their_smoke_tests(fake_es, eisops, tmp_path):
    manifests, out = _applied_seed(eisops, fake_es, tmp_path)
    # apply --test-endpoints tested the five it created.
    assert "Testing the 5 inference endpoints created or replaced:" in out and "5 passed, 0 failed" in out
    code, out, err = eisops("test-endpoints", manifests, "--url", fake_es.url)
    assert code == 0, out + err
    lines = {line.split()[1]: line for line in out.splitlines()[:-1]}
    assert lines["eis-jina-embeddings-v5-text-small"].startswith("ok ")
    assert "ingest 1024 dims, search 1024 dims" in lines["eis-jina-embeddings-v5-text-small"]
    assert "ingest 768 dims, search 768 dims" in lines["eis-jina-embeddings-v5-text-nano"]
    assert "4 scores for 4 documents" in lines["eis-jina-reranker-v2"]
    assert re.search(r"text_embedding +\d+ ms", lines["eis-jina-embeddings-v3"])
    assert out.splitlines()[-1] == "5 endpoints tested: 5 passed, 0 failed."


def test_a_broken_endpoint_fails_its_smoke_test_with_a_clear_line(fake_es, eisops, tmp_path):
    from elasticsearch import Elasticsearch

    manifests, _ = _applied_seed(eisops, fake_es, tmp_path)
    Elasticsearch(fake_es.url).inference.delete(inference_id="eis-jina-reranker-v3")  # broken outside eisops
    code, out, err = eisops("test-endpoints", manifests, "--url", fake_es.url)
    assert code == 1
    (line,) = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert "eis-jina-reranker-v3" in line and "rerank" in line and (
        "Elasticsearch answered 404: resource_not_found_exception: Inference endpoint not found "
        "[eis-jina-reranker-v3]") in line
    assert out.splitlines()[-1] == "5 endpoints tested: 4 passed, 1 failed."


def test_the_page_post_requests_as_written_answer_as_the_page_shows(fake_es, eisops, tmp_path):
    from elasticsearch import Elasticsearch

    _applied_seed(eisops, fake_es, tmp_path)
    es = Elasticsearch(fake_es.url)
    requests = [(m["task"], m["name"], json.loads(m["body"])) for m in POST.finditer(SEED.read_text())]
    assert len(requests) == 5
    for task, name, body in requests:
        answer = es.perform_request("POST", f"/_inference/{task}/{name}", body=body, headers={
            "content-type": "application/json", "accept": "application/json"}).body
        if task == "rerank":
            assert sorted(r["index"] for r in answer["rerank"]) == list(range(len(body["input"])))
        else:
            assert len(answer["text_embedding"][0]["embedding"]) == (768 if "nano" in name else 1024)
