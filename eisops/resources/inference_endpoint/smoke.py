"""Smoke tests of inference endpoints: which requests show that an endpoint works, and what their
answers must hold.

What it is for: for each task type, small requests shaped like those of Elastic's Jina models
page (``POST _inference/<task_type>/<id>`` with ``input`` and ``input_type``, a rerank ``query``
with a few documents), and the check of each answer: an embedding of the expected dimensions for
both input types, one score per document, a non-empty sparse embedding or completion. What it
must not do: send the requests or time them (``eisops.apply.endpoint_tests`` does), or print.
Request rules (``InferenceAction.Request.validate``, 8.19/9.x): ``input_type`` only for
text_embedding; ``query`` required for rerank; chat_completion only through ``/_stream``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from eisops.cluster import path
from eisops.resources.inference_endpoint.models import model_of

#: The inputs of the Jina models page's requests.
TEXT = "The sky above the port was the color of television tuned to a dead channel."
RERANK_QUERY = "mountain range"
RERANK_DOCUMENTS = ("The Swiss Alps", "a steep hill", "a pebble", "a glacier")


@dataclass(frozen=True)
class EndpointUnderTest:
    """An endpoint to smoke-test: its id, task type and spec (a manifest's, or a plan's body)."""

    name: str
    task_type: str
    spec: dict[str, Any]


def expected_dims(spec: dict[str, Any]) -> int | None:
    """How many dimensions the endpoint's embeddings have, when its spec or its model says."""
    settings = spec.get("service_settings") if isinstance(spec.get("service_settings"), dict) else {}
    dims = settings.get("dimensions")
    if isinstance(dims, int) and not isinstance(dims, bool):
        return dims
    if spec.get("service") == "elastic":
        return (model_of(settings)[1] or {}).get("dims")
    return None


@dataclass(frozen=True)
class SmokeCall:
    """One request of a smoke test and what its answer must hold."""

    label: str
    method: str
    path: str
    body: dict[str, Any]
    expects: dict[str, Any] = field(default_factory=dict)
    accept: str | None = None


def smoke_calls(endpoint_under_test: EndpointUnderTest) -> list[SmokeCall]:
    """The requests that show the endpoint works, each with what its answer must hold."""
    name, task_type, spec = endpoint_under_test.name, endpoint_under_test.task_type, endpoint_under_test.spec
    dims = expected_dims(spec)
    task_settings = spec.get("task_settings") if isinstance(spec.get("task_settings"), dict) else {}
    top_n = task_settings.get("top_n")
    endpoint = path("_inference", task_type, name)
    if task_type == "text_embedding":
        return [SmokeCall(input_type, "POST", endpoint, {"input": TEXT, "input_type": input_type}, {"dims": dims})
                for input_type in ("ingest", "search")]
    if task_type == "embedding":
        return [SmokeCall("text", "POST", endpoint, {"input": TEXT}, {"dims": dims})]
    if task_type == "rerank":
        documents = len(RERANK_DOCUMENTS)
        expected = min(documents, top_n) if isinstance(top_n, int) and not isinstance(top_n, bool) else documents
        return [SmokeCall("rerank", "POST", endpoint, {"input": list(RERANK_DOCUMENTS), "query": RERANK_QUERY},
                          {"scores": expected, "documents": documents})]
    if task_type == "sparse_embedding":
        return [SmokeCall("sparse", "POST", endpoint, {"input": TEXT})]
    if task_type == "completion":
        return [SmokeCall("completion", "POST", endpoint, {"input": "Answer with one word: OK"})]
    if task_type == "chat_completion":
        return [SmokeCall("chat", "POST", endpoint + "/_stream",
                          {"messages": [{"role": "user", "content": "Answer with one word: OK"}],
                           "max_completion_tokens": 16}, accept="text/event-stream")]
    return []


def check_answer(call: SmokeCall, task_type: str, answer: Any) -> tuple[str | None, str]:
    """(what is wrong with the answer or None, a short account of it)."""
    if task_type in ("text_embedding", "embedding"):
        vector = _first(answer, "text_embedding", "embedding") or _first(answer, "embeddings", "embedding")
        if not isinstance(vector, list) or not vector:
            return "the answer holds no embedding", ""
        expected = call.expects.get("dims")
        if expected is not None and len(vector) != expected:
            return f"the {call.label} embedding has {len(vector)} dimensions, not the {expected} expected", ""
        return None, f"{len(vector)} dims"
    if task_type == "rerank":
        ranked = _list(answer, "rerank")
        if ranked is None:
            return "the answer holds no rerank results", ""
        indices = [r.get("index") for r in ranked if isinstance(r, dict)]
        scores = [r.get("relevance_score") for r in ranked if isinstance(r, dict)]
        if len(ranked) != call.expects["scores"] or not all(isinstance(s, (int, float)) for s in scores):
            return f"{len(ranked)} scores for {call.expects['documents']} documents", ""
        if len(set(indices)) != len(indices) or not all(isinstance(i, int) and 0 <= i < call.expects["documents"]
                                                          for i in indices):
            return f"the scores name documents {indices}, not each of 0-{call.expects['documents'] - 1} once", ""
        return None, f"{len(ranked)} scores for {call.expects['documents']} documents"
    if task_type == "sparse_embedding":
        tokens = _first(answer, "sparse_embedding", "embedding")
        if not isinstance(tokens, dict) or not tokens:
            return "the answer holds no sparse embedding", ""
        return None, f"{len(tokens)} tokens"
    if task_type == "completion":
        text = _first(answer, "completion", "result")
        if not isinstance(text, str) or not text:
            return "the answer holds no completion", ""
        return None, f"{len(text)} characters"
    if task_type == "chat_completion":
        events = _events(answer)
        content = "".join(choice.get("delta", {}).get("content") or "" for event in events
                          for choice in (event.get("choices") or []) if isinstance(choice, dict))
        if not content:
            return "the stream holds no message", ""
        return None, f"{len(content)} characters streamed"
    return None, "not tested"


def _first(answer: Any, key: str, field: str) -> Any:
    """``field`` of the first result of the answer's ``key`` list, or None."""
    results = _list(answer, key)
    return results[0].get(field) if results and isinstance(results[0], dict) else None


def _list(answer: Any, key: str) -> list | None:
    value = answer.get(key) if isinstance(answer, dict) else None
    return value if isinstance(value, list) else None


def _events(answer: Any) -> list[dict]:
    """The JSON events of a server-sent event stream."""
    if isinstance(answer, dict):
        return [answer]
    out = []
    for line in str(answer or "").splitlines():
        if line.startswith("data:"):
            data = line[5:].strip()
            if data and data != "[DONE]":
                try:
                    event = json.loads(data)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    out.append(event)
    return out
