"""The models of the Elastic Inference Service (the ``elastic`` service), and what validation and
planning know of them.

What it is for: one table of the EIS models — the Jina models of Elastic's "Jina models" docs
page (``explore-analyze/elastic-inference/eis.md`` and the model pages it links), ELSER on EIS,
the rerank and the chat models — and the checks a manifest or a cluster is held to because of
it. What it must not do: send requests (the cluster's offer is read by the kind's read phase and
passed in), or refuse a model it does not know: EIS adds models over time, so an unknown id is a
warning, and the cluster's own offer decides.
"""

from __future__ import annotations

import difflib
from typing import Any

#: Matryoshka sizes the Jina embedding models truncate to (model cards of jina-embeddings-v3 and
#: -v5-text: 32, 64, 128, 256, 512, 768 and, for the 1024-dimension models, 1024).
MATRYOSHKA = (32, 64, 128, 256, 512, 768, 1024)

#: For each model: the task types it serves; its default embedding size and the sizes it can be
#: truncated to; its context window in tokens; per-call limits (``max_documents`` per rerank call,
#: ``pair_tokens`` per query–document pair); the first Elasticsearch version that offers it (on
#: Elastic Cloud; self-managed clusters reach EIS through Cloud Connect, GA in 9.3); the
#: preconfigured endpoint Elasticsearch creates for it when its EIS offers it; its other ids.
#: Sources: the Elastic docs' model pages and ``embedding-models.csv`` / ``reranker-models.csv``
#: (Jina v5 text, jina-reranker-v2/v3 GA 9.3; v5 omni 9.4; jina-embeddings-v3 in
#: ``InternalPreconfiguredEndpoints.java`` of 9.2), the Jina model cards (context windows,
#: sizes; jina-embeddings-v5-text-nano: 8,192 tokens per the Elastic blog and the model page).
EIS_MODELS: dict[str, dict[str, Any]] = {
    "jina-embeddings-v5-text-small": {"task_types": ("text_embedding",), "dims": 1024, "allowed_dims": MATRYOSHKA,
                                      "context": 32768, "since": "9.3",
                                      "endpoint": ".jina-embeddings-v5-text-small"},
    "jina-embeddings-v5-text-nano": {"task_types": ("text_embedding",), "dims": 768,
                                     "allowed_dims": MATRYOSHKA[:-1], "context": 8192, "since": "9.3",
                                     "endpoint": ".jina-embeddings-v5-text-nano"},
    "jina-embeddings-v3": {"task_types": ("text_embedding",), "dims": 1024, "allowed_dims": MATRYOSHKA,
                           "context": 8192, "since": "9.3", "endpoint": ".jina-embeddings-v3"},
    "jina-embeddings-v5-omni-small": {"task_types": ("embedding", "text_embedding"), "dims": 1024,
                                      "allowed_dims": MATRYOSHKA, "context": 32768, "since": "9.4",
                                      "endpoint": ".jina-embeddings-v5-omni-small"},
    "jina-embeddings-v5-omni-nano": {"task_types": ("embedding", "text_embedding"), "dims": 768,
                                     "allowed_dims": MATRYOSHKA[:-1], "context": 8192, "since": "9.4",
                                     "endpoint": ".jina-embeddings-v5-omni-nano"},
    # Listwise: "reranks up to 64 documents together in a single inference call" (Jina page).
    "jina-reranker-v3": {"task_types": ("rerank",), "max_documents": 64, "context": 131072, "since": "9.3",
                         "endpoint": ".jina-reranker-v3"},
    # The Jina page PUTs ``jina-reranker-v2``; the preconfigured endpoint and the blog name the
    # same model ``jina-reranker-v2-base-multilingual``: both ids are accepted, as one model.
    "jina-reranker-v2": {"task_types": ("rerank",), "pair_tokens": 1024, "since": "9.3",
                         "endpoint": ".jina-reranker-v2-base-multilingual",
                         "aliases": ("jina-reranker-v2-base-multilingual",)},
    "elser_model_2": {"task_types": ("sparse_embedding",), "context": 512, "since": "9.1",
                      "endpoint": ".elser-2-elastic"},
    "elastic-rerank-v1": {"task_types": ("rerank",), "since": "9.2", "endpoint": ".elastic-rerank-v1"},
    "rainbow-sprinkles": {"task_types": ("chat_completion",), "since": "8.18",
                          "endpoint": ".rainbow-sprinkles-elastic"},
    "gp-llm-v2": {"task_types": ("chat_completion",), "since": "9.2", "endpoint": ".gp-llm-v2-chat_completion"},
}

#: Every id the catalog accepts -> the model's own id.
EIS_MODEL_IDS: dict[str, str] = {alias: model for model, info in EIS_MODELS.items()
                                 for alias in (model, *info.get("aliases", ()))}

#: Words to tokens, roughly, for the word-counted chunk sizes of Elasticsearch's chunkers
#: (English prose runs at about 1.3 subword tokens per word).
TOKENS_PER_WORD = 1.3


def model_of(settings: Any) -> tuple[str | None, dict[str, Any] | None]:
    """(the model's own id, its catalog entry) for an ``elastic`` endpoint's service_settings."""
    model = settings.get("model_id") if isinstance(settings, dict) else None
    own = EIS_MODEL_IDS.get(model) if isinstance(model, str) else None
    return own, (EIS_MODELS.get(own) if own else None)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def eis_problems(spec: dict[str, Any], task: str | None) -> list[tuple[tuple, str]]:
    """What Elasticsearch or the model would refuse in an ``elastic`` endpoint's spec."""
    settings = spec.get("service_settings") if isinstance(spec.get("service_settings"), dict) else {}
    model = settings.get("model_id")
    if not isinstance(model, str):
        return [(("service_settings",), "service_settings.model_id is required for the elastic service")]
    problems: list[tuple[tuple, str]] = []
    own, info = model_of(settings)
    if info is None:
        return problems  # a warning (eis_warnings): EIS adds models over time, the cluster decides
    if task not in info["task_types"]:
        problems.append((("service_settings", "model_id"),
                         f"model [{model}] of the elastic service serves task type "
                         f"{', '.join(info['task_types'])}, not {task}"))
    dims = settings.get("dimensions")
    allowed = info.get("allowed_dims")
    if dims is not None and allowed and (not _integer(dims) or dims not in allowed):
        problems.append((("service_settings", "dimensions"),
                         f"model [{model}] produces {info['dims']} dimensions, or fewer by Matryoshka truncation: "
                         f"one of {', '.join(map(str, allowed))}; not {dims}"))
    tokens = settings.get("max_input_tokens")
    limit = info.get("context") or info.get("pair_tokens")
    if _integer(tokens) and limit and tokens > limit:
        problems.append((("service_settings", "max_input_tokens"),
                         f"model [{model}] reads at most {limit} tokens per input; max_input_tokens is {tokens}"))
    task_settings = spec.get("task_settings") if isinstance(spec.get("task_settings"), dict) else {}
    top_n = task_settings.get("top_n")
    if top_n is not None:
        if task != "rerank":
            problems.append((("task_settings", "top_n"), "top_n is a task setting of rerank endpoints"))
        elif not _integer(top_n) or top_n < 1:
            # ElasticInferenceServiceRerankTaskSettings.fromMap: extractOptionalPositiveInteger.
            problems.append((("task_settings", "top_n"),
                             f"[task_settings] Invalid value [{top_n}]. [top_n] must be a positive integer"))
        elif info.get("max_documents") and top_n > info["max_documents"]:
            problems.append((("task_settings", "top_n"),
                             f"model [{model}] reranks at most {info['max_documents']} documents per call, so it "
                             f"cannot return top_n {top_n}"))
    return problems


def eis_warnings(spec: dict[str, Any], task: str | None) -> list[tuple[tuple, str]]:
    """What may be a mistake: a model id the catalog does not know (EIS may offer it, or it is a
    typo), and chunks larger than the model's context window (the excess is truncated)."""
    settings = spec.get("service_settings") if isinstance(spec.get("service_settings"), dict) else {}
    model = settings.get("model_id")
    if not isinstance(model, str):
        return []
    own, info = model_of(settings)
    if info is None:
        close = difflib.get_close_matches(model, list(EIS_MODEL_IDS), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else f"; known models: {', '.join(EIS_MODELS)}"
        return [(("service_settings", "model_id"), f"model [{model}] is not one eisops knows of the elastic service{hint}")]
    chunking = spec.get("chunking_settings")
    context = info.get("context")
    if not isinstance(chunking, dict) or not context:
        return []
    strategy = chunking.get("strategy", "sentence")
    size = chunking.get("max_chunk_size")
    if strategy == "none":
        return [(("chunking_settings", "strategy"),
                 f"chunking strategy none sends each value whole, and model [{model}] reads at most {context} "
                 "tokens: the rest of a longer value is not embedded")]
    if _integer(size) and size * TOKENS_PER_WORD > context:
        return [(("chunking_settings", "max_chunk_size"),
                 f"chunks of {size} words (about {int(size * TOKENS_PER_WORD)} tokens) exceed the {context}-token "
                 f"context window of model [{model}]: the rest of each chunk is not embedded")]
    return []


def offered_models(endpoints: dict[str, Any]) -> set[str] | None:
    """The models this cluster's Elastic Inference Service offers, as it advertises them: the
    preconfigured ``elastic`` endpoints it created for them (Elasticsearch 9.3+ creates them from
    EIS's authorization response, so the set follows what the cluster may use). None when the
    cluster advertises none: then its offer is not known, and only the version is held against it."""
    found = set()
    for name, live in endpoints.items():
        body = getattr(live, "body", live)
        if name.startswith(".") and isinstance(body, dict) and body.get("service") == "elastic":
            own = EIS_MODEL_IDS.get((body.get("service_settings") or {}).get("model_id"))
            found.add(own or (body.get("service_settings") or {}).get("model_id"))
    return found or None


def not_offered(settings: dict[str, Any], offered: set[str] | None, version: tuple[int, ...]) -> str | None:
    """Why this cluster's EIS would refuse the model with "Unknown model", or None. Only what the
    cluster advertises decides: the version a model came with is the docs' (EIS authorizes models
    by itself, so an older cluster may be offered a newer model), and serves only as the hint."""
    model = settings.get("model_id")
    if not isinstance(model, str) or offered is None:
        return None
    own, info = model_of(settings)
    if (own or model) in offered:
        return None
    known = sorted(m for m in offered if m)
    close = difflib.get_close_matches(model, known, n=2, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    if info is not None and version and version < tuple(int(p) for p in info["since"].split(".")):
        hint += (f" The Elastic docs list [{model}] from Elasticsearch {info['since']}; this cluster runs "
                 f"{'.'.join(map(str, version))}: upgrade it, or choose a model it offers.")
    return (f"this cluster's Elastic Inference Service does not offer model [{model}] (it offers "
            f"{', '.join(known)}): the create would fail with \"Unknown model\".{hint}")
