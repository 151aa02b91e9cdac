"""The ``_inference`` API: create, get, update, delete endpoints, services.

What it is for: reproduce reference section 1 — create-only PUT with id
validation, service/task-type/settings validation and ES's messages, defaults
stored at creation (chunking, rate_limit, discovered dimensions/similarity),
write-only secrets, GET's filtered view (EIS shows only ``model_id`` from
9.2), PUT-only ``_update`` with its allowed keys, DELETE with ``dry_run`` /
``force`` and the 409 reference check against ingest pipelines and
semantic_text mappings.

Note (as ES 9.2 does): ``_update`` merges secrets and task_settings; other
non-secret service_settings in an update body are not applied (only the
``elasticsearch`` service's allocation settings are).

What it must not do: run inference, or check index templates for references
(ES does not either).
"""

from __future__ import annotations

import re

from .chunking import DEFAULT_CHUNKING, validate_chunking
from .errors import (
    EsError, java_str, resource_already_exists, resource_not_found, status_exception, validation_failed,
)
from .inference_services import (
    ALL_TASK_TYPES, DEFAULT_DISCOVERED_DIMS, DISCOVERED_DIMS, EIS_MODELS, EMBEDDING_TASKS, ES_MODELS,
    SERVICES, ServiceDef, eis_offers, rate_limit_default, services_catalogue,
)
from .pipelines import pipelines_referencing_model
from .mappings import semantic_text_fields
from .routing import Request, Router
from .values import clone

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$")


# ----------------------------------------------------------------- helpers
def parse_task_type(value: str) -> str:
    if value not in ALL_TASK_TYPES:
        raise status_exception(f"Unknown task_type [{value}]")
    return value


def invalid_id(inference_id: str) -> EsError:
    return validation_failed(
        [f"Invalid inference_id; '{inference_id}' can contain lowercase alphanumeric (a-z and 0-9), "
         "hyphens or underscores; must start and end with alphanumeric"],
        type_="action_request_validation_exception",
    )


def unknown_settings(remaining: dict, service: str) -> EsError:
    return status_exception(f"Model configuration contains settings [{java_str(remaining)}] unknown to the [{service}] service")


def mismatched_task_type(requested: str, actual: str) -> EsError:
    return status_exception(
        f"Requested task type [{requested}] does not match the inference endpoint's task type [{actual}]"
    )


def view(record: dict) -> dict:
    """The filtered (REST) form of an endpoint."""
    out = {
        "inference_id": record["inference_id"],
        "task_type": record["task_type"],
        "service": record["service"],
        "service_settings": clone(record["service_settings"]),
    }
    if record["task_settings"]:
        out["task_settings"] = clone(record["task_settings"])
    if record["chunking_settings"] is not None:
        out["chunking_settings"] = clone(record["chunking_settings"])
    return out


def _lookup(req: Request, inference_id: str) -> dict:
    record = req.state.inference.get(inference_id)
    if record is None:
        raise resource_not_found(f"Inference endpoint not found [{inference_id}]")
    return record


# ------------------------------------------------------------------ create
def _parse_rate_limit(value: object, service: str) -> dict:
    if not isinstance(value, dict):
        raise validation_failed([f"[service_settings] Invalid value [{java_str(value)}] for [rate_limit]"])
    extra = {k: v for k, v in value.items() if k != "requests_per_minute"}
    if extra:
        raise unknown_settings(extra, service)
    rpm = value.get("requests_per_minute")
    if rpm is None:
        return {}
    if isinstance(rpm, bool) or not isinstance(rpm, int) or rpm <= 0:
        raise validation_failed([f"[rate_limit] Invalid value [{rpm}]. [requests_per_minute] must be a positive integer"])
    return {"requests_per_minute": rpm}


def _build_service_settings(svc: ServiceDef, task: str, given: dict, state) -> tuple[dict, dict, dict]:
    """Return (shown service_settings, hidden settings, secrets)."""
    given = dict(given)
    secrets = {k: given.pop(k) for k in list(given) if k in svc.secrets}
    known = {k: given.pop(k) for k in list(given) if k in svc.settings}
    if given:
        raise unknown_settings(given, svc.name)
    missing = [f"[service_settings] does not contain the required setting [{k}]" for k in svc.required if known.get(k) is None]
    missing += [f"[secret_settings] does not contain the required setting [{k}]" for k in svc.required_secrets if secrets.get(k) is None]
    if svc.name == "azureopenai" and not secrets:
        missing.append("[secret_settings] must have either the [api_key] or the [entra_id] key set")
    if missing:
        raise validation_failed(missing)
    hidden: dict = {}
    if svc.name == "elastic":
        return _elastic_settings(task, known, state) + (secrets,)
    if svc.name == "elasticsearch":
        return _elasticsearch_settings(task, known) + (secrets,)
    shown: dict = {}
    model_key = "model" if "model" in svc.settings and "model_id" not in svc.settings else "model_id"
    for key in svc.settings:
        if key in known and key not in ("rate_limit", "dimensions", "similarity", "embedding_type"):
            shown[key] = known[key]
    if "rate_limit" in svc.settings:
        rpm = rate_limit_default(svc, task)
        rate = _parse_rate_limit(known["rate_limit"], svc.name) if "rate_limit" in known else {}
        if rate or rpm is not None:
            shown["rate_limit"] = rate or {"requests_per_minute": rpm}
    if task == "text_embedding":
        model = known.get(model_key)
        dims = known.get("dimensions") or DISCOVERED_DIMS.get(str(model), DEFAULT_DISCOVERED_DIMS)
        shown["dimensions"] = dims
        if "embedding_type" in svc.settings:
            shown["embedding_type"] = known.get("embedding_type", "float")
        default_sim = svc.default_similarity
        if shown.get("embedding_type") in ("bit", "binary"):
            default_sim = "l2_norm"
        shown["similarity"] = known.get("similarity", default_sim)
    else:
        for key in ("dimensions", "similarity", "embedding_type"):
            if key in known:
                shown[key] = known[key]
    return shown, hidden, secrets


def _elastic_settings(task: str, known: dict, state) -> tuple[dict, dict]:
    model = known["model_id"]
    entry = EIS_MODELS.get(model)
    if entry is None or not eis_offers(state.version, model):
        offered = sorted(m for m in EIS_MODELS if eis_offers(state.version, m))
        raise status_exception(
            f"Unknown model [{model}] for the [elastic] service; supported models are [{', '.join(offered)}]"
        )
    if entry[0] != task:
        raise status_exception(f"Model [{model}] does not support task type [{task}] in the [elastic] service")
    if "rate_limit" in known and state.version.eis_rate_limit_refused:
        raise validation_failed(
            [f"[service_settings] rate limit settings are not permitted for service [elastic] and task type [{task}]"]
        )
    if task != "text_embedding":
        extra = {k: known[k] for k in ("similarity", "dimensions") if k in known}
        if extra:
            raise unknown_settings(extra, "elastic")
    shown: dict = {"model_id": model}
    hidden: dict = {}
    if task == "text_embedding":
        # PUT validation stores the real embedding size and the similarity (default cosine);
        # GET exposes only model_id (9.2+).
        # A dimensions setting truncates the Matryoshka embedding (the Jina models' cards).
        dims = known.get("dimensions") if isinstance(known.get("dimensions"), int) else entry[1]
        hidden = {"dimensions": dims, "similarity": known.get("similarity", "cosine"), "element_type": "float"}
        if "max_input_tokens" in known:
            hidden["max_input_tokens"] = known["max_input_tokens"]
    if state.version.eis_rate_limit_shown:
        rate = _parse_rate_limit(known["rate_limit"], "elastic") if "rate_limit" in known else {}
        shown["rate_limit"] = rate or {"requests_per_minute": SERVICES["elastic"].rate_limit[task]}
        if task == "text_embedding":
            shown.update({"similarity": hidden["similarity"], "dimensions": hidden["dimensions"]})
    return shown, hidden


def _elasticsearch_settings(task: str, known: dict) -> tuple[dict, dict]:
    model = known["model_id"]
    entry = ES_MODELS.get(model)
    if entry is None:
        raise resource_not_found(f"Could not find trained model [{model}]")
    if entry[0] != task:
        raise status_exception(f"Model [{model}] does not support task type [{task}] in the [elasticsearch] service")
    if known.get("num_allocations") is None and known.get("adaptive_allocations") is None:
        raise validation_failed(
            ["[service_settings] does not contain one of the required settings [num_allocations, adaptive_allocations]"]
        )
    shown = {k: known[k] for k in ("num_allocations", "num_threads", "model_id", "adaptive_allocations", "deployment_id") if k in known}
    hidden = {"dimensions": entry[1], "similarity": "cosine", "element_type": "float"} if entry[1] else {}
    return shown, hidden


def create(req: Request, inference_id: str, task_type: str | None = None) -> tuple[int, dict]:
    state = req.state
    if task_type is not None:
        parse_task_type(task_type)
    if inference_id == "_all" or not ID_PATTERN.match(inference_id):
        raise invalid_id(inference_id)
    body = req.json()
    if not isinstance(body, dict):
        raise status_exception("Inference endpoint configuration must be an object")
    config = dict(body)
    body_task = config.pop("task_type", None)
    if task_type is None:
        if body_task is None:
            raise status_exception("Inference endpoint configuration is missing the [task_type] setting")
        task_type = parse_task_type(body_task)
    elif body_task is not None and body_task != task_type:
        raise status_exception(
            f"Cannot resolve conflicting TaskType parameter in the request URL [{task_type}] and the request body [{body_task}]"
        )
    if inference_id in state.preconfigured_ids:
        raise status_exception(
            f"[{inference_id}] is a reserved inference ID. Cannot create a new inference endpoint with a reserved ID."
        )
    if inference_id in state.inference:
        raise resource_already_exists(f"Inference endpoint [{inference_id}] already exists")
    service_name = config.pop("service", None)
    if service_name is None:
        raise status_exception("Inference endpoint configuration is missing the [service] setting")
    svc = SERVICES.get(service_name)
    if svc is None or (service_name == "elastic" and not state.eis):
        raise status_exception(f"Unknown service [{service_name}] for model [{inference_id}]")
    if task_type not in svc.task_types:
        raise status_exception(f"The [{service_name}] service does not support task type [{task_type}]")
    if "service_settings" not in config or config["service_settings"] is None:
        raise status_exception("Missing required field [service_settings]")
    service_settings = config.pop("service_settings")
    task_settings = config.pop("task_settings", None) or {}
    chunking = None
    if task_type in EMBEDDING_TASKS:
        raw_chunking = config.pop("chunking_settings", None)
        chunking = validate_chunking(raw_chunking, state.version) if raw_chunking else dict(DEFAULT_CHUNKING)
    if config:  # includes chunking_settings on non-embedding tasks
        raise unknown_settings(config, service_name)
    if not isinstance(service_settings, dict) or not isinstance(task_settings, dict):
        raise status_exception("[service_settings] and [task_settings] must be objects")
    shown, hidden, secrets = _build_service_settings(svc, task_type, service_settings, state)
    unknown_task = {k: v for k, v in task_settings.items() if k not in svc.task_settings}
    if service_name == "elastic":
        # Only EIS rerank endpoints take a task setting: top_n, a positive integer
        # (ElasticInferenceServiceRerankTaskSettings.fromMap).
        unknown_task = {k: v for k, v in task_settings.items() if task_type != "rerank" or k != "top_n"}
        top_n = task_settings.get("top_n")
        if not unknown_task and top_n is not None and (isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1):
            raise validation_failed([f"[task_settings] Invalid value [{java_str(top_n)}]. [top_n] must be a positive integer"])
    if unknown_task:
        raise unknown_settings(unknown_task, service_name)
    record = {
        "inference_id": inference_id, "task_type": task_type, "service": service_name,
        "service_settings": shown, "hidden_settings": hidden, "secrets": secrets,
        "task_settings": dict(task_settings), "chunking_settings": chunking,
    }
    state.inference[inference_id] = record
    return 200, view(record)


# --------------------------------------------------------------------- get
def get(req: Request, inference_id: str | None = None, task_type: str | None = None) -> tuple[int, dict]:
    state = req.state
    if task_type is not None:
        parse_task_type(task_type)
    if inference_id in (None, "_all", "*"):
        records = [r for r in state.inference.values() if task_type is None or r["task_type"] == task_type]
    else:
        record = _lookup(req, inference_id)
        if task_type is not None and record["task_type"] != task_type:
            raise mismatched_task_type(task_type, record["task_type"])
        records = [record]
    return 200, {"endpoints": [view(r) for r in sorted(records, key=lambda r: r["inference_id"])]}


def get_services(req: Request, task_type: str | None = None) -> tuple[int, list]:
    if task_type is not None:
        parse_task_type(task_type)
    return 200, services_catalogue(req.state.eis, task_type)


# ------------------------------------------------------------------ update
UPDATABLE_KEYS = ("service_settings", "task_settings", "task_type")


def update(req: Request, inference_id: str, task_type: str | None = None) -> tuple[int, dict]:
    state = req.state
    if task_type is not None:
        parse_task_type(task_type)
    if inference_id in state.preconfigured_ids or not ID_PATTERN.match(inference_id):
        # Before PR #150368 (2026) preconfigured ids fail with the id-format message.
        raise invalid_id(inference_id)
    if not req.has_body():
        raise status_exception("Request body is empty")
    body = req.json()
    if not isinstance(body, dict) or not body:
        raise status_exception("Request body is empty")
    allowed = UPDATABLE_KEYS + (("chunking_settings",) if state.version.chunking_settings_updatable else ())
    extra = [k for k in body if k not in allowed]
    if extra:
        raise status_exception(
            f"Request contained fields which cannot be updated, remove these fields and try again [{', '.join(extra)}]"
        )
    record = _lookup(req, inference_id)
    if task_type is not None and task_type != record["task_type"]:
        raise mismatched_task_type(task_type, record["task_type"])
    if "task_type" in body and body["task_type"] != record["task_type"]:
        raise status_exception("Task type must match the task type of the existing endpoint")
    svc = SERVICES[record["service"]]
    new = clone(record)
    settings_update = body.get("service_settings") or {}
    for key, value in settings_update.items():
        if key in svc.secrets:
            new["secrets"][key] = value
        elif svc.name == "elasticsearch" and key in ("num_allocations", "adaptive_allocations"):
            new["service_settings"][key] = value
        elif key not in svc.settings:
            raise unknown_settings({key: value}, svc.name)
    task_update = body.get("task_settings") or {}
    unknown_task = {k: v for k, v in task_update.items() if k not in svc.task_settings}
    if unknown_task:
        raise unknown_settings(unknown_task, svc.name)
    new["task_settings"].update(task_update)
    if "chunking_settings" in body:
        if record["task_type"] not in EMBEDDING_TASKS:
            raise unknown_settings({"chunking_settings": body["chunking_settings"]}, svc.name)
        new["chunking_settings"] = validate_chunking(body["chunking_settings"], state.version)
    state.inference[inference_id] = new
    return 200, view(new)


# ------------------------------------------------------------------ delete
def indexes_referencing(state, inference_id: str) -> list[str]:
    out = []
    for index in state.indices.values():
        for _path, defn in semantic_text_fields(index.mappings):
            if inference_id in (defn.get("inference_id"), defn.get("search_inference_id")):
                out.append(index.name)
                break
    return sorted(out)


def reference_message(inference_id: str, pipelines: list[str], indexes: list[str]) -> str:
    text = ""
    if pipelines:
        text += (
            f"Inference endpoint {inference_id} is referenced by pipelines: [{', '.join(pipelines)}]. "
            "Ensure that no pipelines are using this inference endpoint, "
            "or use force to ignore this warning and delete the inference endpoint."
        )
    if indexes:
        text += (
            f" Inference endpoint {inference_id} is being used in the mapping for indexes: [{', '.join(indexes)}]. "
            "Ensure that no index mappings are using this inference endpoint, "
            "or use force to ignore this warning and delete the inference endpoint."
        )
    return text


def delete(req: Request, inference_id: str, task_type: str | None = None) -> tuple[int, dict]:
    state = req.state
    if task_type is not None:
        parse_task_type(task_type)
    dry_run = req.param_bool("dry_run")
    force = req.param_bool("force")
    record = _lookup(req, inference_id)
    if task_type is not None and task_type != record["task_type"]:
        raise mismatched_task_type(task_type, record["task_type"])
    pipelines = pipelines_referencing_model(state, inference_id)
    indexes = indexes_referencing(state, inference_id)
    if dry_run:
        return 200, {
            "acknowledged": False, "pipelines": pipelines, "indexes": indexes,
            "error_message": reference_message(inference_id, pipelines, indexes),
        }
    if not force and (pipelines or indexes):
        raise status_exception(reference_message(inference_id, pipelines, indexes), 409)
    del state.inference[inference_id]
    state.preconfigured_ids.discard(inference_id)
    return 200, {"acknowledged": True, "pipelines": [], "indexes": []}


def register(router: Router) -> None:
    put_params = ("timeout",)
    router.add("PUT", "/_inference/{inference_id}", create, put_params)
    router.add("PUT", "/_inference/{task_type}/{inference_id}", create, put_params)
    router.add("GET", "/_inference", get)
    router.add("GET", "/_inference/_all", get)
    router.add("GET", "/_inference/{inference_id}", get)
    router.add("GET", "/_inference/{task_type}/{inference_id}", get)
    router.add("GET", "/_inference/_services", get_services)
    router.add("GET", "/_inference/_services/{task_type}", get_services)
    router.add("PUT", "/_inference/{inference_id}/_update", update, ("timeout",))
    router.add("PUT", "/_inference/{task_type}/{inference_id}/_update", update, ("timeout",))
    router.add("DELETE", "/_inference/{inference_id}", delete, ("dry_run", "force", "timeout"))
    router.add("DELETE", "/_inference/{task_type}/{inference_id}", delete, ("dry_run", "force", "timeout"))
