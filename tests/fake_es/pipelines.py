"""The ingest pipeline API (``_ingest/pipeline``) and pipeline execution.

What it is for: PUT/GET/DELETE/simulate of ingest pipelines as in reference
section 5: body validation (top-level keys, processors via processors.py),
``if_version``, GET as a map keyed by id with 404 ``{}`` when nothing
matches, wildcard ids and comma lists (GET only: DELETE takes one id or
pattern), ``summary``, 9.2+ ``created_date_millis`` /
``modified_date_millis``, delete refusal while an index uses the pipeline as
``index.default_pipeline`` / ``index.final_pipeline``; and running a
pipeline over a document for indexing and ``_simulate``.

What it must not do: index documents (documents.py calls ``run``).
"""

from __future__ import annotations

import fnmatch

from .errors import EsError, RawResponse, illegal_argument, java_str, parse_exception, resource_not_found
from .javamap import hashmap_order
from .processors import Dropped, execute, validate_processors
from .routing import Request, Router, acknowledged
from .values import clone

TOP_LEVEL = ("description", "processors", "on_failure", "version", "_meta", "deprecated")
TIMESTAMP_KEYS = ("created_date_millis", "modified_date_millis", "created_date", "modified_date")


def validate_body(pipeline_id: str, body: object, state) -> dict:
    if not isinstance(body, dict):
        raise parse_exception("request body is required")
    allowed = TOP_LEVEL + (("field_access_pattern",) if state.version.pipeline_field_access_pattern else ())
    if "processors" not in body or body["processors"] is None:
        raise parse_exception("[processors] required property is missing", property_name="processors")
    validate_processors(body["processors"])
    if "on_failure" in body:
        if body["on_failure"] == []:
            raise parse_exception(f"pipeline [{pipeline_id}] cannot have an empty on_failure option defined")
        validate_processors(body["on_failure"], "on_failure")
    if "version" in body and (isinstance(body["version"], bool) or not isinstance(body["version"], int)):
        try:
            body = {**body, "version": int(str(body["version"]))}
        except ValueError:
            raise parse_exception(f"[version] property cannot be converted to an int [{java_str(body['version'])}]",
                                  property_name="version") from None
    if "_meta" in body and not isinstance(body["_meta"], dict):
        raise parse_exception("[_meta] property isn't a map", property_name="_meta")
    if "field_access_pattern" in body and body["field_access_pattern"] not in ("classic", "flexible"):
        raise illegal_argument(
            f"Invalid value [{body['field_access_pattern']}] for [field_access_pattern]; expected one of [classic, flexible]"
        )
    extra = [k for k in body if k not in allowed]
    if extra:
        raise parse_exception(
            f"pipeline [{pipeline_id}] doesn't support one or more provided configuration parameters [{', '.join(extra)}]"
        )
    return clone(body)


def put(req: Request, pipeline_id: str) -> tuple[int, dict]:
    state = req.state
    if not req.has_body():
        raise parse_exception("request body or source parameter is required")
    body = validate_body(pipeline_id, req.json(), state)
    existing = state.pipelines.get(pipeline_id)
    if "if_version" in req.query:
        required = int(req.query["if_version"])
        if existing is None:
            raise illegal_argument(
                f"version conflict, required version [{required}] for pipeline [{pipeline_id}] but no pipeline was found"
            )
        current = existing["body"].get("version")
        if current != required:
            raise illegal_argument(
                f"version conflict, required version [{required}] for pipeline [{pipeline_id}] but current version is [{current}]"
            )
    now = state.now_ms()
    state.pipelines[pipeline_id] = {
        "body": body, "created": existing["created"] if existing else now, "modified": now,
    }
    return acknowledged()


def _render(state, record: dict) -> dict:
    out = clone(record["body"])
    if state.version.template_and_pipeline_timestamps:
        out["created_date_millis"] = record["created"]
        out["modified_date_millis"] = record["modified"]
    return out


def _matching(state, expr: str | None) -> list[str]:
    if expr is None or expr in ("*", "_all"):
        return sorted(state.pipelines)
    names: list[str] = []
    for part in expr.split(","):
        for pid in sorted(state.pipelines):
            if (pid == part or ("*" in part and fnmatch.fnmatchcase(pid, part))) and pid not in names:
                names.append(pid)
    return names


def get(req: Request, pipeline_id: str | None = None) -> tuple[int, dict]:
    state = req.state
    names = _matching(state, pipeline_id)
    if not names:
        raise RawResponse(404, {})
    summary = req.param_bool("summary")
    return 200, {pid: ({} if summary else _render(state, state.pipelines[pid])) for pid in names}


def delete(req: Request, pipeline_id: str) -> tuple[int, dict]:
    state = req.state
    # DELETE takes one id or one pattern: a comma is part of the id (8.19.21, 9.5.2), and
    # pipelines are checked in the hash order of their ids.
    if pipeline_id in ("*", "_all"):
        names = hashmap_order(state.pipelines)
    elif "*" in pipeline_id:
        names = hashmap_order(p for p in state.pipelines if fnmatch.fnmatchcase(p, pipeline_id))
    else:
        names = [pipeline_id] if pipeline_id in state.pipelines else []
    if not names:
        if pipeline_id in ("*", "_all"):
            return acknowledged()
        raise resource_not_found(f"pipeline [{pipeline_id}] is missing")
    for pid in names:
        for setting, label in (("index.default_pipeline", "the default pipeline"), ("index.final_pipeline", "the final pipeline")):
            users = sorted(i.name for i in state.indices.values() if i.settings.get(setting) == pid)
            if users:
                raise illegal_argument(
                    f"pipeline [{pid}] cannot be deleted because it is {label} for {len(users)} index(es) "
                    f"including [{','.join(users[:3])}]"
                )
    for pid in names:
        del state.pipelines[pid]
    return acknowledged()


# ------------------------------------------------------------- execution
def run(state, pipeline_id: str, source: dict, meta: dict, stack: tuple[str, ...] = (), from_processor: bool = False) -> dict:
    """Run a stored pipeline over ``source`` (mutated and returned); raises Dropped."""
    if pipeline_id in stack:
        raise illegal_argument(f"Cycle detected for pipeline: {pipeline_id}")
    record = state.pipelines.get(pipeline_id)
    if record is None:
        if from_processor:
            raise illegal_argument(f"Pipeline processor configured for non-existent pipeline [{pipeline_id}]")
        raise illegal_argument(f"pipeline with id [{pipeline_id}] does not exist")
    return run_body(state, record["body"], source, meta, stack + (pipeline_id,))


def run_body(state, body: dict, source: dict, meta: dict, stack: tuple[str, ...]) -> dict:
    def child(name: str, doc: dict) -> dict:
        return run(state, name, doc, meta, stack, from_processor=True)

    try:
        _run_list(body.get("processors", []), source, meta, child)
    except Dropped:
        raise
    except EsError:
        if not body.get("on_failure"):
            raise
        _run_list(body["on_failure"], source, meta, child)
    return source


def _run_list(processors: list, source: dict, meta: dict, child) -> None:
    for item in processors:
        for ptype, config in item.items():
            try:
                execute(ptype, config, source, meta, child)
            except Dropped:
                raise
            except EsError:
                if isinstance(config, dict) and config.get("ignore_failure"):
                    continue
                if isinstance(config, dict) and config.get("on_failure"):
                    _run_list(config["on_failure"], source, meta, child)
                    continue
                raise


def simulate(req: Request, pipeline_id: str | None = None) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    if pipeline_id is None:
        if "pipeline" not in body:
            raise parse_exception("[pipeline] required property is missing", property_name="pipeline")
        pipeline = validate_body("_simulate_pipeline", body["pipeline"], state)
    else:
        if pipeline_id not in state.pipelines:
            raise illegal_argument(f"pipeline [{pipeline_id}] does not exist")
        pipeline = state.pipelines[pipeline_id]["body"]
    docs = body.get("docs")
    if not docs:
        raise parse_exception("must specify at least one document in [docs]", property_name="docs")
    results = []
    now = state.now_ms()
    for doc in docs:
        source = clone(doc.get("_source", {}))
        meta = {"_index": doc.get("_index", "_index"), "_id": doc.get("_id", "_id"), "_ingest.timestamp": now}
        try:
            run_body(state, pipeline, source, meta, (pipeline_id,) if pipeline_id else ())
            results.append({"doc": {"_index": meta["_index"], "_id": meta["_id"], "_version": "-3",
                                    "_source": source, "_ingest": {"timestamp": now}}})
        except Dropped:
            results.append(None)
        except EsError as exc:
            results.append({"error": exc.to_body()["error"]})
    return 200, {"docs": results}


def pipelines_referencing_model(state, model_id: str) -> list[str]:
    def walk(items) -> bool:
        for item in items or []:
            for ptype, config in item.items():
                if not isinstance(config, dict):
                    continue
                if ptype == "inference" and config.get("model_id") == model_id:
                    return True
                if walk(config.get("on_failure")) or (ptype == "foreach" and walk([config.get("processor", {})])):
                    return True
        return False

    return sorted(pid for pid, rec in state.pipelines.items()
                  if walk(rec["body"].get("processors")) or walk(rec["body"].get("on_failure")))


def register(router: Router) -> None:
    router.add("PUT", "/_ingest/pipeline/{pipeline_id}", put, ("if_version", "master_timeout", "timeout"))
    router.add("GET", "/_ingest/pipeline", get, ("summary", "master_timeout"))
    router.add("GET", "/_ingest/pipeline/{pipeline_id}", get, ("summary", "master_timeout"))
    router.add("DELETE", "/_ingest/pipeline/{pipeline_id}", delete, ("master_timeout", "timeout"))
    router.add(("GET", "POST"), "/_ingest/pipeline/_simulate", simulate)
    router.add(("GET", "POST"), "/_ingest/pipeline/{pipeline_id}/_simulate", simulate)
