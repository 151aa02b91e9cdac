"""Running endpoints on the fake: POST _inference/{task_type}/{id} as Elasticsearch answers it."""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, NotFoundError

from .conftest import error_of


def put(es, iid, task, model, **settings):
    return es.inference.put(inference_id=iid, task_type=task, inference_config={
        "service": "elastic", "service_settings": {"model_id": model, **settings}})


def post(es, path, body):
    return es.perform_request("POST", path, body=body,
                              headers={"content-type": "application/json", "accept": "application/json"}).body


@pytest.mark.parametrize("model, dims", [("jina-embeddings-v5-text-small", 1024), ("jina-embeddings-v5-text-nano", 768),
                                         ("jina-embeddings-v3", 1024)])
def test_text_embedding_has_the_models_dimensions(es, model, dims):
    put(es, "e", "text_embedding", model)
    body = post(es, "/_inference/text_embedding/e", {"input": "The sky above the port", "input_type": "ingest"})
    (result,) = body["text_embedding"]
    assert len(result["embedding"]) == dims and all(isinstance(v, float) for v in result["embedding"])


def test_matryoshka_dimensions_truncate(es):
    put(es, "e", "text_embedding", "jina-embeddings-v5-text-small", dimensions=256)
    assert len(post(es, "/_inference/text_embedding/e", {"input": "x"})["text_embedding"][0]["embedding"]) == 256


def test_embeddings_are_deterministic_and_differ_per_model_and_input_type(es):
    put(es, "small", "text_embedding", "jina-embeddings-v3")
    put(es, "other", "text_embedding", "jina-embeddings-v5-text-small")
    one = post(es, "/_inference/text_embedding/small", {"input": ["a", "b"]})["text_embedding"]
    assert one == post(es, "/_inference/text_embedding/small", {"input": ["a", "b"]})["text_embedding"]
    assert one[0] != one[1]
    assert one[0] != post(es, "/_inference/text_embedding/other", {"input": "a"})["text_embedding"][0]
    search = post(es, "/_inference/text_embedding/small", {"input": "a", "input_type": "search"})["text_embedding"][0]
    assert search != one[0]


def test_rerank_scores_each_document(es):
    put(es, "r", "rerank", "jina-reranker-v3")
    docs = ["The Swiss Alps", "a steep hill", "a pebble", "a glacier"]
    ranked = post(es, "/_inference/rerank/r", {"input": docs, "query": "mountain range"})["rerank"]
    assert sorted(d["index"] for d in ranked) == [0, 1, 2, 3]
    assert [d["relevance_score"] for d in ranked] == sorted((d["relevance_score"] for d in ranked), reverse=True)
    assert all(d["text"] == docs[d["index"]] for d in ranked)
    assert len(post(es, "/_inference/rerank/r", {"input": docs, "query": "q", "top_n": 2})["rerank"]) == 2


def test_rerank_refuses_more_documents_than_the_model_takes(es):
    put(es, "r", "rerank", "jina-reranker-v3")
    with pytest.raises(BadRequestError) as caught:
        post(es, "/_inference/rerank/r", {"input": [f"d{i}" for i in range(65)], "query": "q"})
    assert "reranks at most 64 documents per request, got 65" in error_of(caught)[2]


def test_sparse_embedding_and_streamed_chat(es):
    put(es, "s", "sparse_embedding", "elser_model_2")
    (result,) = post(es, "/_inference/sparse_embedding/s", {"input": "mountain range"})["sparse_embedding"]
    assert set(result["embedding"]) == {"mountain", "range"} and result["is_truncated"] is False
    put(es, "c", "chat_completion", "rainbow-sprinkles")
    with pytest.raises(BadRequestError) as caught:
        post(es, "/_inference/chat_completion/c", {"input": "hi"})
    assert error_of(caught)[2] == ("The [chat_completion] task type only supports streaming, please try again with "
                                   "the _stream API")
    text = es.perform_request("POST", "/_inference/chat_completion/c/_stream",
                              body={"messages": [{"role": "user", "content": "Say OK"}]},
                              headers={"content-type": "application/json", "accept": "text/event-stream"}).body
    assert '"content": "OK"' in text and text.rstrip().endswith("data: [DONE]")


@pytest.mark.parametrize("path, body, error", [
    ("/_inference/text_embedding/missing", {"input": "x"},
     (404, "resource_not_found_exception", "Inference endpoint not found [missing]")),
    ("/_inference/rerank/e", {"input": ["x"], "query": "q"},
     (400, "status_exception", "Incompatible task_type, the requested type [rerank] does not match the model type "
                               "[text_embedding]")),
    ("/_inference/text_embedding/e", {}, (400, "action_request_validation_exception",
                                          "Validation Failed: 1: Field [input] cannot be null;")),
    ("/_inference/text_embedding/e", {"input": "x", "top_n": 1},
     (400, "action_request_validation_exception",
      "Validation Failed: 1: Field [top_n] cannot be specified for task type [text_embedding];")),
])
def test_errors(es, path, body, error):
    put(es, "e", "text_embedding", "jina-embeddings-v3")
    with pytest.raises((BadRequestError, NotFoundError)) as caught:
        post(es, path, body)
    assert error_of(caught) == error


def test_rerank_needs_a_query(es):
    put(es, "r", "rerank", "jina-reranker-v2")
    with pytest.raises(BadRequestError) as caught:
        post(es, "/_inference/rerank/r", {"input": ["x"]})
    assert error_of(caught)[2] == "Validation Failed: 1: Field [query] cannot be null for task type [rerank];"
