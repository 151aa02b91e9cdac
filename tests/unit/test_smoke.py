"""Smoke-test requests and the checks of their answers (eisops.resources.inference_endpoint.smoke)."""

from __future__ import annotations

import pytest

from eisops.resources.inference_endpoint.smoke import EndpointUnderTest, check_answer, expected_dims, smoke_calls

NANO = {"service": "elastic", "service_settings": {"model_id": "jina-embeddings-v5-text-nano"}}
V3_RERANK = {"service": "elastic", "service_settings": {"model_id": "jina-reranker-v3"}}


def test_text_embedding_is_asked_for_with_both_input_types_as_the_page_does():
    calls = smoke_calls(EndpointUnderTest("nano", "text_embedding", NANO))
    assert [(c.method, c.path, c.body["input_type"]) for c in calls] == [
        ("POST", "/_inference/text_embedding/nano", "ingest"), ("POST", "/_inference/text_embedding/nano", "search")]
    assert all(c.expects == {"dims": 768} for c in calls)


@pytest.mark.parametrize("spec, dims", [
    (NANO, 768),
    ({"service": "elastic", "service_settings": {"model_id": "jina-embeddings-v5-text-small", "dimensions": 256}}, 256),
    ({"service": "openai", "service_settings": {"model_id": "text-embedding-3-small"}}, None),
    ({"service": "elastic", "service_settings": {"model_id": "some-new-model"}}, None),
])
def test_expected_dimensions_come_from_the_spec_or_the_model(spec, dims):
    assert expected_dims(spec) == dims


def test_chat_completion_goes_through_the_stream_api():
    (call,) = smoke_calls(EndpointUnderTest("chat", "chat_completion", {"service": "elastic"}))
    assert call.path == "/_inference/chat_completion/chat/_stream" and call.accept == "text/event-stream"
    assert call.body["messages"][0]["role"] == "user"


def rerank_call(top_n=None):
    spec = {**V3_RERANK, **({"task_settings": {"top_n": top_n}} if top_n else {})}
    (call,) = smoke_calls(EndpointUnderTest("r", "rerank", spec))
    return call


@pytest.mark.parametrize("call, task, answer, problem", [
    (smoke_calls(EndpointUnderTest("n", "text_embedding", NANO))[0], "text_embedding",
     {"text_embedding": [{"embedding": [0.1] * 768}]}, None),
    (smoke_calls(EndpointUnderTest("n", "text_embedding", NANO))[1], "text_embedding",
     {"text_embedding": [{"embedding": [0.1] * 1024}]}, "the search embedding has 1024 dimensions, not the 768 expected"),
    (smoke_calls(EndpointUnderTest("n", "text_embedding", NANO))[0], "text_embedding", {"text_embedding": []},
     "the answer holds no embedding"),
    (rerank_call(), "rerank", {"rerank": [{"index": i, "relevance_score": 0.5} for i in range(4)]}, None),
    (rerank_call(), "rerank", {"rerank": [{"index": 0, "relevance_score": 0.5}]}, "1 scores for 4 documents"),
    (rerank_call(), "rerank", {"rerank": [{"index": 0, "relevance_score": 0.5}] * 4},
     "the scores name documents [0, 0, 0, 0], not each of 0-3 once"),
    (rerank_call(top_n=2), "rerank", {"rerank": [{"index": 3, "relevance_score": 0.9}, {"index": 1, "relevance_score": 0.2}]},
     None),
    (smoke_calls(EndpointUnderTest("s", "sparse_embedding", {}))[0], "sparse_embedding",
     {"sparse_embedding": [{"embedding": {}}]}, "the answer holds no sparse embedding"),
    (smoke_calls(EndpointUnderTest("c", "completion", {}))[0], "completion", {"completion": [{"result": "OK"}]}, None),
    (smoke_calls(EndpointUnderTest("c", "chat_completion", {}))[0], "chat_completion",
     'event: message\ndata: {"choices": [{"delta": {"content": "OK"}}]}\n\nevent: message\ndata: [DONE]\n\n', None),
    (smoke_calls(EndpointUnderTest("c", "chat_completion", {}))[0], "chat_completion",
     "event: message\ndata: [DONE]\n\n", "the stream holds no message"),
])
def test_answers_are_checked(call, task, answer, problem):
    assert check_answer(call, task, answer)[0] == problem
