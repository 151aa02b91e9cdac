"""Running an inference endpoint: ``POST _inference/{task_type}/{inference_id}`` (and ``/_stream``).

What it is for: answer as Elasticsearch does (``InferenceAction.Request.validate``,
``TransportInferenceAction``; response shapes of ``TextEmbeddingFloatResults``,
``SparseEmbeddingResults``, ``RankedDocsResults``, ``ChatCompletionResults``) with results that
are deterministic: a vector of the endpoint's dimensions that depends on the model, the input
type and the text (so two models' embeddings of one text differ, and one model's do not), one
relevance score per document, a short completion. ``embed`` is also what semantic_text
ingestion uses to fill embeddings.

What it must not do: call a provider, or take time: the fake answers at once.
Not checked against real Elasticsearch (the integration-test distribution has no inference
plugin): the provider's refusal of too many rerank documents is worded as the elastic service
words a provider's 400 ("Received an unsuccessful status code ...").
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import struct

from .errors import EsError, RawResponse, status_exception, validation_failed
from .inference_services import EIS_MODELS, RERANK_DOCUMENT_LIMITS
from .routing import Request, Router

INPUT_TYPES = ("ingest", "search", "classification", "clustering")


def _seed(*parts: str) -> bytes:
    return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=32).digest()


def model_key(record: dict) -> str:
    """What tells one model's vectors from another's: the service and its model id."""
    settings = record.get("service_settings") or {}
    return f"{record['service']}:{settings.get('model_id') or record['inference_id']}"


def dimensions_of(record: dict) -> int:
    shown, hidden = record.get("service_settings") or {}, record.get("hidden_settings") or {}
    return int(shown.get("dimensions") or hidden.get("dimensions") or 384)


def embed(record: dict, text: str, input_type: str = "ingest") -> list[float]:
    """A unit vector of the endpoint's dimensions, a function of model, input type and text."""
    dims = dimensions_of(record)
    values: list[float] = []
    counter = 0
    while len(values) < dims:
        block = _seed(model_key(record), input_type, text, str(counter))
        values += [v / 2**31 - 1.0 for v in struct.unpack("<8I", block)]
        counter += 1
    values = values[:dims]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [round(v / norm, 6) for v in values]


def sparse_embed(record: dict, text: str) -> dict[str, float]:
    tokens = re.findall(r"\w+", text.lower()) or ["empty"]
    out = {}
    for token in dict.fromkeys(tokens):
        weight = struct.unpack("<I", _seed(model_key(record), token)[:4])[0] / 2**32
        out[token] = round(0.1 + 2.9 * weight, 4)
    return out


def _score(record: dict, query: str, document: str) -> float:
    return round(struct.unpack("<I", _seed(model_key(record), query, document)[:4])[0] / 2**32, 6)


def _inputs(body: dict) -> list[str]:
    value = body.get("input")
    if value is None:
        raise validation_failed(["Field [input] cannot be null"], type_="action_request_validation_exception")
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise status_exception("[input] must be a string or an array of strings")
    if not items:
        raise validation_failed(["Field [input] cannot be an empty array"], type_="action_request_validation_exception")
    return items


def _validate(task: str, body: dict) -> None:
    """InferenceAction.Request.validate: what each task type takes."""
    def refuse(message: str) -> None:
        raise validation_failed([message], type_="action_request_validation_exception")

    if task == "rerank":
        if body.get("query") is None:
            refuse("Field [query] cannot be null for task type [rerank]")
        if body.get("query") == "":
            refuse("Field [query] cannot be empty for task type [rerank]")
    else:
        for key in ("return_documents", "top_n"):
            if key in body:
                refuse(f"Field [{key}] cannot be specified for task type [{task}]")
    if "input_type" in body:
        if task != "text_embedding":
            refuse(f"Field [input_type] cannot be specified for task type [{task}]")
        if body["input_type"] not in INPUT_TYPES:
            raise status_exception(f"Unrecognized input_type [{body['input_type']}], must be one of "
                                   f"[{', '.join(INPUT_TYPES)}]")


def _lookup(req: Request, inference_id: str, task_type: str | None) -> dict:
    record = req.state.inference.get(inference_id)
    if record is None:
        raise EsError("resource_not_found_exception", f"Inference endpoint not found [{inference_id}]", 404)
    if task_type is not None and task_type != record["task_type"]:
        raise status_exception(f"Incompatible task_type, the requested type [{task_type}] does not match the "
                               f"model type [{record['task_type']}]")
    return record


def infer(req: Request, inference_id: str, task_type: str | None = None) -> tuple[int, dict]:
    record = _lookup(req, inference_id, task_type)
    task = record["task_type"]
    body = req.json() if req.has_body() else {}
    if not isinstance(body, dict):
        raise status_exception("request body must be an object")
    if task == "chat_completion":
        raise status_exception("The [chat_completion] task type only supports streaming, please try again with the "
                               "_stream API")
    _validate(task, body)
    inputs = _inputs(body)
    if task in ("text_embedding", "embedding"):
        input_type = body.get("input_type", "ingest")
        return 200, {"text_embedding": [{"embedding": embed(record, text, input_type)} for text in inputs]}
    if task == "sparse_embedding":
        return 200, {"sparse_embedding": [{"is_truncated": False, "embedding": sparse_embed(record, text)}
                                          for text in inputs]}
    if task == "rerank":
        model = (record.get("service_settings") or {}).get("model_id")
        limit = RERANK_DOCUMENT_LIMITS.get(model)
        if limit is not None and len(inputs) > limit:
            raise status_exception(
                f"Received an unsuccessful status code for request from inference entity id [{inference_id}] status "
                f"[400]. Error message: [the model [{model}] reranks at most {limit} documents per request, "
                f"got {len(inputs)}]")
        ranked = sorted(({"index": i, "relevance_score": _score(record, body["query"], doc), "text": doc}
                         for i, doc in enumerate(inputs)), key=lambda d: -d["relevance_score"])
        top_n = body.get("top_n", (record.get("task_settings") or {}).get("top_n"))
        if isinstance(top_n, int):
            ranked = ranked[:top_n]
        if not body.get("return_documents", (record.get("task_settings") or {}).get("return_documents", True)):
            for doc in ranked:
                doc.pop("text")
        return 200, {"rerank": ranked}
    # completion
    return 200, {"completion": [{"result": f"Completion of: {text[:40]}"} for text in inputs]}


def stream(req: Request, inference_id: str, task_type: str | None = None) -> tuple[int, dict]:
    """``/_stream``: completion and chat_completion answer in server-sent events."""
    record = _lookup(req, inference_id, task_type)
    task = record["task_type"]
    body = req.json() if req.has_body() else {}
    if task not in ("completion", "chat_completion"):
        raise status_exception(f"Streaming is not allowed for service [{record['service']}] and task [{task}]")
    if task == "chat_completion":
        messages = body.get("messages") if isinstance(body, dict) else None
        if not isinstance(messages, list) or not messages:
            raise validation_failed(["Field [messages] cannot be null"], type_="action_request_validation_exception")
        events = [{"id": "fake-1", "choices": [{"delta": {"role": "assistant", "content": "OK"}, "index": 0}],
                   "model": (record.get("service_settings") or {}).get("model_id"), "object": "chat.completion.chunk"}]
    else:
        _validate(task, body)
        events = [{"completion": [{"delta": f"Completion of: {text[:40]}"}]} for text in _inputs(body)]
    text = "".join(f"event: message\ndata: {json.dumps(e)}\n\n" for e in events) + "event: message\ndata: [DONE]\n\n"
    raise RawResponse(200, text, {"Content-Type": "text/event-stream"})


def register(router: Router) -> None:
    for route in ("/_inference/{inference_id}", "/_inference/{task_type}/{inference_id}"):
        router.add("POST", route, infer, ("timeout",))
        router.add("POST", route + "/_stream", stream, ("timeout",))


__all__ = ["embed", "sparse_embed", "register", "EIS_MODELS"]
