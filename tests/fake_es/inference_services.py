"""Inference services known to the fake: settings, defaults, models, presets.

What it is for: the static facts of the inference plugin — which services
exist, their task types, which ``service_settings``/``task_settings`` keys
they accept, which are secrets, which are required, their default
``rate_limit`` (reference section 1.4), embedding sizes the PUT-time
validation call would discover, the EIS (``elastic`` service) model catalogue
and the preconfigured endpoints (reference 1.7 / 1.10), and the
``GET _inference/_services`` catalogue built from the same table.

What it must not do: hold endpoints or answer requests (inference.py does).
Values marked [?] are not confirmed against ES sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .versions import EsVersion

EMBEDDING_TASKS = ("text_embedding", "sparse_embedding", "embedding")
ALL_TASK_TYPES = ("sparse_embedding", "text_embedding", "rerank", "completion", "chat_completion", "embedding")


@dataclass(frozen=True)
class ServiceDef:
    name: str
    label: str
    task_types: tuple[str, ...]
    settings: tuple[str, ...]  # non-secret service_settings keys
    secrets: tuple[str, ...] = ()
    required: tuple[str, ...] = ("model_id",)
    required_secrets: tuple[str, ...] = ()
    task_settings: tuple[str, ...] = ()
    rate_limit: dict = field(default_factory=dict)  # task_type or "*" -> requests_per_minute
    default_similarity: str = "cosine"


_EMB = ("dimensions", "similarity", "max_input_tokens")

SERVICES: dict[str, ServiceDef] = {
    s.name: s
    for s in (
        ServiceDef("elasticsearch", "Elasticsearch", ("sparse_embedding", "text_embedding", "rerank"),
                   ("model_id", "num_allocations", "num_threads", "adaptive_allocations", "deployment_id"),
                   required=("model_id", "num_threads"), task_settings=("return_documents",)),
        ServiceDef("elastic", "Elastic", ("sparse_embedding", "text_embedding", "rerank", "completion", "chat_completion"),
                   ("model_id", "similarity", "dimensions", "max_input_tokens", "rate_limit"),
                   # [?] EIS rate_limit defaults for 8.18 - 9.1.
                   rate_limit={"chat_completion": 240, "completion": 240, "text_embedding": 10000,
                               "sparse_embedding": 1000, "rerank": 500}),
        ServiceDef("jinaai", "Jina AI", ("text_embedding", "rerank"),
                   ("model_id", "rate_limit", "similarity", "dimensions", "embedding_type", "max_input_tokens"),
                   ("api_key",), required_secrets=("api_key",),
                   task_settings=("input_type", "late_chunking", "return_documents", "top_n"),
                   rate_limit={"*": 2000}, default_similarity="dot_product"),
        ServiceDef("openai", "OpenAI", ("text_embedding", "completion", "chat_completion"),
                   ("model_id", "url", "organization_id", "rate_limit", *_EMB), ("api_key",),
                   required_secrets=("api_key",), task_settings=("user", "headers"),
                   rate_limit={"text_embedding": 3000, "completion": 500, "chat_completion": 500},
                   default_similarity="dot_product"),
        ServiceDef("cohere", "Cohere", ("text_embedding", "rerank", "completion"),
                   ("model_id", "url", "embedding_type", "rate_limit", *_EMB), ("api_key",),
                   required=(), required_secrets=("api_key",),
                   task_settings=("input_type", "truncate", "return_documents", "top_n"), rate_limit={"*": 10000}),
        ServiceDef("hugging_face", "Hugging Face",
                   ("text_embedding", "sparse_embedding", "rerank", "completion", "chat_completion"),
                   ("url", "model_id", "rate_limit", *_EMB), ("api_key",), required=("url",),
                   required_secrets=("api_key",), task_settings=("return_documents", "top_n"),
                   rate_limit={"*": 3000}),
        ServiceDef("mistral", "Mistral", ("text_embedding", "completion", "chat_completion"),
                   ("model", "rate_limit", *_EMB), ("api_key",), required=("model",),
                   required_secrets=("api_key",), rate_limit={"*": 240}),
        ServiceDef("voyageai", "Voyage AI", ("text_embedding", "rerank"),
                   ("model_id", "rate_limit", "embedding_type", *_EMB), ("api_key",),
                   required_secrets=("api_key",),
                   task_settings=("input_type", "truncation", "return_documents", "top_k"), rate_limit={"*": 2000}),
        ServiceDef("anthropic", "Anthropic", ("completion", "chat_completion"), ("model_id", "rate_limit"),
                   ("api_key",), required_secrets=("api_key",),
                   task_settings=("max_tokens", "temperature", "top_k", "top_p"), rate_limit={"*": 50}),
        ServiceDef("amazonbedrock", "Amazon Bedrock", ("text_embedding", "completion"),
                   ("region", "model", "provider", "rate_limit", *_EMB), ("access_key", "secret_key"),
                   required=("region", "model", "provider"), required_secrets=("access_key", "secret_key"),
                   task_settings=("max_new_tokens", "temperature", "top_k", "top_p"), rate_limit={"*": 240}),
        ServiceDef("googlevertexai", "Google Vertex AI", ("text_embedding", "rerank", "completion", "chat_completion"),
                   ("model_id", "location", "project_id", "rate_limit", *_EMB), ("service_account_json",),
                   required=("model_id", "location", "project_id"), required_secrets=("service_account_json",),
                   task_settings=("auto_truncate", "top_n", "max_tokens"), rate_limit={"*": 30000}),
        ServiceDef("googleaistudio", "Google AI Studio", ("text_embedding", "completion"),
                   ("model_id", "rate_limit", *_EMB), ("api_key",), required_secrets=("api_key",),
                   rate_limit={"*": 360}),
        ServiceDef("azureopenai", "Azure OpenAI", ("text_embedding", "completion", "chat_completion"),
                   ("resource_name", "deployment_id", "api_version", "rate_limit", *_EMB), ("api_key", "entra_id"),
                   required=("resource_name", "deployment_id", "api_version"), task_settings=("user",),
                   rate_limit={"text_embedding": 1440, "completion": 120, "chat_completion": 120}),
        ServiceDef("azureaistudio", "Azure AI Studio", ("text_embedding", "completion", "rerank"),
                   ("target", "provider", "endpoint_type", "rate_limit", *_EMB), ("api_key",),
                   required=("target", "provider", "endpoint_type"), required_secrets=("api_key",),
                   task_settings=("do_sample", "max_new_tokens", "temperature", "top_p", "user",
                                  "return_documents", "top_n"), rate_limit={"*": 240}),
        ServiceDef("watsonxai", "IBM watsonx", ("text_embedding", "completion", "chat_completion", "rerank"),
                   ("model_id", "project_id", "url", "api_version", "rate_limit", *_EMB), ("api_key",),
                   required=("model_id", "project_id", "url", "api_version"), required_secrets=("api_key",),
                   rate_limit={"*": 120}),
        ServiceDef("alibabacloud-ai-search", "AlibabaCloud AI Search",
                   ("text_embedding", "sparse_embedding", "rerank", "completion"),
                   ("service_id", "host", "workspace", "http_schema", "rate_limit", *_EMB), ("api_key",),
                   required=("service_id", "host", "workspace"), required_secrets=("api_key",),
                   task_settings=("input_type", "return_token"), rate_limit={"*": 1000}),
        ServiceDef("custom", "Custom", ("text_embedding", "sparse_embedding", "rerank", "completion"),
                   ("url", "headers", "query_parameters", "request", "response", "input_type", "batch_size",
                    "rate_limit", *_EMB), ("secret_parameters",),
                   required=("url", "request", "response"), required_secrets=("secret_parameters",),
                   task_settings=("parameters",)),
    )
}

# Embedding sizes the PUT-time validation call would discover (model cards).
DISCOVERED_DIMS = {
    "jina-embeddings-v3": 1024, "jina-embeddings-v4": 2048, "jina-embeddings-v2-base-en": 768,
    "jina-embeddings-v5-text-small": 1024, "jina-embeddings-v5-text-nano": 768, "jina-clip-v2": 1024,
    "text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536,
}
DEFAULT_DISCOVERED_DIMS = 1024  # deterministic stand-in for models not in the table

# EIS model catalogue: model_id -> (task_type, dims, max input tokens, first version offering it,
# preconfigured endpoint). What a cluster's EIS offers follows its version: 9.2 has the static list
# of InternalPreconfiguredEndpoints.java (ELSER, the chat models, elastic-rerank-v1,
# jina-embeddings-v3); from 9.3 Elasticsearch creates an endpoint for every model EIS authorizes
# (the Jina v5 text models and rerankers GA in 9.3, v5 omni in 9.4, per the Elastic docs' model tables).
EIS_MODELS: dict[str, tuple[str, int | None, int | None, str, str | None]] = {
    "elser_model_2": ("sparse_embedding", None, 512, "9.1", ".elser-2-elastic"),
    "jina-embeddings-v5-text-small": ("text_embedding", 1024, 32768, "9.3", ".jina-embeddings-v5-text-small"),
    "jina-embeddings-v5-text-nano": ("text_embedding", 768, 8192, "9.3", ".jina-embeddings-v5-text-nano"),
    "jina-embeddings-v3": ("text_embedding", 1024, 8192, "9.2", ".jina-embeddings-v3"),
    "jina-embeddings-v5-omni-small": ("text_embedding", 1024, 32768, "9.4", ".jina-embeddings-v5-omni-small"),
    "jina-embeddings-v5-omni-nano": ("text_embedding", 768, 8192, "9.4", ".jina-embeddings-v5-omni-nano"),
    "jina-reranker-v3": ("rerank", None, 131072, "9.3", ".jina-reranker-v3"),
    "jina-reranker-v2-base-multilingual": ("rerank", None, 1024, "9.3", ".jina-reranker-v2-base-multilingual"),
    # The id the Elastic Inference Service's Jina page uses in its PUT body, for the same model.
    "jina-reranker-v2": ("rerank", None, 1024, "9.3", None),
    "elastic-rerank-v1": ("rerank", None, None, "9.2", ".elastic-rerank-v1"),
    "rainbow-sprinkles": ("chat_completion", None, None, "8.18", ".rainbow-sprinkles-elastic"),
    "gp-llm-v2": ("chat_completion", None, None, "9.2", ".gp-llm-v2-chat_completion"),
}
# Documents a listwise reranker takes in one call (jina-reranker-v3: 64, per the Jina page).
RERANK_DOCUMENT_LIMITS = {"jina-reranker-v3": 64}


def eis_offers(version: EsVersion, model: str) -> bool:
    entry = EIS_MODELS.get(model)
    return entry is not None and version.at_least(entry[3])


# Trained models the `elasticsearch` service can deploy: model_id -> (task_type, dims).
ES_MODELS: dict[str, tuple[str, int | None]] = {
    ".elser_model_2": ("sparse_embedding", None),
    ".elser_model_2_linux-x86_64": ("sparse_embedding", None),
    ".elser_model_1": ("sparse_embedding", None),
    ".multilingual-e5-small": ("text_embedding", 384),
    ".multilingual-e5-small_linux-x86_64": ("text_embedding", 384),
    ".rerank-v1": ("rerank", None),
}

ADAPTIVE_DEFAULT = {"enabled": True, "min_number_of_allocations": 0, "max_number_of_allocations": 32}
DEFAULT_CHUNKING = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}


def rate_limit_default(service: ServiceDef, task_type: str) -> int | None:
    return service.rate_limit.get(task_type, service.rate_limit.get("*"))


def preconfigured_endpoints(version: EsVersion, eis: bool) -> list[dict]:
    """Endpoints present on a fresh cluster (internal records, see inference.py)."""
    def es(iid: str, task: str, model: str, dims: int | None = None) -> dict:
        return {
            "inference_id": iid, "task_type": task, "service": "elasticsearch",
            "service_settings": {"num_threads": 1, "model_id": model, "adaptive_allocations": dict(ADAPTIVE_DEFAULT)},
            "hidden_settings": {"dimensions": dims, "similarity": "cosine", "element_type": "float"} if dims else {},
            "secrets": {}, "task_settings": {},
            "chunking_settings": dict(DEFAULT_CHUNKING) if task in EMBEDDING_TASKS else None,
        }

    def elastic(iid: str, model: str) -> dict:
        task, dims = EIS_MODELS[model][:2]
        shown = {"model_id": model}
        if version.eis_rate_limit_shown:
            shown["rate_limit"] = {"requests_per_minute": SERVICES["elastic"].rate_limit[task]}
        return {
            "inference_id": iid, "task_type": task, "service": "elastic", "service_settings": shown,
            "hidden_settings": {"dimensions": dims, "similarity": "cosine", "element_type": "float"} if dims else {},
            "secrets": {}, "task_settings": {},
            "chunking_settings": dict(DEFAULT_CHUNKING) if task in EMBEDDING_TASKS else None,
        }

    out = [
        es(".elser-2-elasticsearch", "sparse_embedding", ".elser_model_2"),
        es(".multilingual-e5-small-elasticsearch", "text_embedding", ".multilingual-e5-small", 384),
        es(".rerank-v1-elasticsearch", "rerank", ".rerank-v1"),
    ]
    if eis:
        out += [elastic(entry[4], model) for model, entry in sorted(EIS_MODELS.items(), key=lambda m: m[1][4] or "")
                if entry[4] and eis_offers(version, model)]
    return out


def services_catalogue(eis: bool, task_type: str | None = None) -> list[dict]:
    out = []
    for name in sorted(SERVICES):
        svc = SERVICES[name]
        if name == "elastic" and not eis:
            continue
        if task_type is not None and task_type not in svc.task_types:
            continue
        configs = {}
        for key in sorted(set(svc.settings) | set(svc.secrets)):
            secret = key in svc.secrets
            configs[key] = {
                "description": f"The {key.replace('_', ' ')} setting of the {svc.label} service.",
                "label": key.replace("_", " ").title(),
                "required": key in svc.required or key in svc.required_secrets,
                "sensitive": secret,
                "updatable": secret,
                "type": "int" if key in ("dimensions", "max_input_tokens", "num_threads", "num_allocations") else "str",
                "supported_task_types": list(svc.task_types),
            }
        out.append({"service": name, "name": svc.label, "task_types": list(svc.task_types), "configurations": configs})
    return out
