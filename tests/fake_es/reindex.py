"""``POST /_reindex`` and the tasks API (``GET /_tasks/{task_id}``).

What it is for: reindex as the reindex module does it for a local source: the body parsed like
ReindexRequest (``source.index`` a name, comma list or list, ``source.query``, ``source.size``
the batch size, ``source._source`` filtering, ``dest.index`` / ``pipeline`` / ``op_type``,
``conflicts``, ``max_docs``), its validation (ReindexRequest.validate, ReindexValidator: a
missing source index is ``index_not_found_exception``, writing into a source index is refused),
and the copy made from a snapshot of the matching documents, batch by batch, each document
through ``documents.write_document`` (dest mappings, pipelines, auto-create, write blocks,
semantic_text inference apply). As AbstractAsyncBulkByScrollAction: every document of a batch
is tried, failures (``{"index", "id", "cause", "status"}``) end the copy after their batch;
version conflicts (409, ``op_type: create``) are counted in ``version_conflicts`` and, with
``conflicts: proceed``, not reported; ``max_docs`` caps ``total`` and the documents written.
The response is BulkByScrollResponse's; ``requests_per_second`` is shown (-1.0 unthrottled),
``slices`` is validated but the copy is never sliced (no ``slices`` in the status).

``wait_for_completion=false`` runs the same copy within the request and answers
``{"task": "<node>:<id>"}``; its TaskResult (``completed``, ``task`` with the final status,
``response`` or ``error``) is kept in ``state.tasks``, as ES stores it in ``.tasks``; a
request-level failure (a missing source index) is the task's ``error``, not the answer. A
task that is not stored answers 404 "task [x] isn't running and hasn't stored its results"
(TransportGetTaskAction; caused by ``no such index [.tasks]`` while nothing was ever stored).

What it must not do: run in the background, throttle, slice, run scripts or reindex from a
remote cluster (refused loudly), or create a ``.tasks`` index.
"""

from __future__ import annotations

import time

from .documents import SourceSpec, _filter_source, _matches, write_document
from .errors import EsError, illegal_argument, index_closed, index_not_found, java_str, resource_not_found, \
    validation_failed, x_content_parse
from .index_resolution import resolve, write_index
from .routing import Request, Router
from .scroll import keep_alive_ms
from .values import clone

ACTION = "indices:data/write/reindex"
DEFAULT_BATCH = 1000
TASKS_INDEX = ".tasks"


# ------------------------------------------------------------------ request
def _slices(req: Request) -> int:
    """AbstractBulkByQueryRestHandler.parseSlices (``auto`` counts as 1 here: the fake's
    indices have one shard and the copy is never sliced)."""
    value = req.param("slices")
    if value is None or value == "auto":
        return 1
    message = f'[slices] must be a positive integer or the string "auto", but was [{value}]'
    try:
        number = int(value)
    except ValueError:
        raise illegal_argument(message) from None
    if number < 1:
        raise illegal_argument(message)
    return number


def _max_docs_param(req: Request) -> int | None:
    value = req.param("max_docs")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise illegal_argument(f"Failed to parse int parameter [max_docs] with value [{value}]") from None


def _requests_per_second(req: Request) -> float:
    value = req.param("requests_per_second")
    if value is None:
        return -1.0
    message = "[requests_per_second] must be a float greater than 0. Use -1 to disable throttling."
    try:
        number = float(value)
    except ValueError:
        raise illegal_argument(message) from None
    if number == -1:
        return -1.0
    if number <= 0:
        raise illegal_argument(message)
    return number


def _indices(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    raise illegal_argument(f"Expected [index] to be a list or a string but was [{java_str(value)}]")


def _parse(body, param_max_docs: int | None = None, slices: int = 1) -> dict:
    if not isinstance(body, dict):
        raise x_content_parse("[1:1] [reindex] Expected START_OBJECT but was: " + type(body).__name__)
    for key in body:
        if key not in ("source", "dest", "conflicts", "max_docs", "script", "size"):
            raise x_content_parse(f"[1:2] [reindex] unknown field [{key}]")
    if "script" in body:
        raise illegal_argument("[fake Elasticsearch] reindex scripts are not emulated")
    if "size" in body:  # the top-level size was renamed max_docs (8.0)
        raise x_content_parse("[1:2] [reindex] unknown field [size]")
    source = body.get("source") or {}
    dest = body.get("dest") or {}
    if not isinstance(source, dict) or not isinstance(dest, dict):
        raise x_content_parse("[1:2] [reindex] source and dest must be objects")
    source = dict(source)
    if "remote" in source:
        raise illegal_argument("[fake Elasticsearch] reindex from a remote cluster is not emulated")
    indices = _indices(source.pop("index", None))
    unsupported = [k for k in source if k not in ("query", "size", "_source", "sort")]
    if unsupported:
        raise illegal_argument(f"[fake Elasticsearch] unsupported reindex source keys {unsupported}")
    sort = source.get("sort")
    if sort not in (None, "_doc", ["_doc"], [{"_doc": "asc"}], {"_doc": "asc"}):
        raise illegal_argument("[fake Elasticsearch] reindex source.sort other than _doc is not emulated")
    for key in dest:
        if key not in ("index", "op_type", "pipeline", "routing", "version_type"):
            raise x_content_parse(f"[1:2] [dest] unknown field [{key}]")
    op_type = dest.get("op_type", "index")
    if op_type not in ("index", "create"):
        raise x_content_parse("[1:2] [dest] failed to parse field [op_type]",
                              illegal_argument(f"opType must be 'create' or 'index', found: [{op_type}]"))
    if dest.get("routing") not in (None, "keep"):
        raise illegal_argument("[fake Elasticsearch] reindex dest.routing is not emulated")
    if dest.get("version_type") not in (None, "internal"):
        raise illegal_argument("[fake Elasticsearch] reindex dest.version_type other than internal is not emulated")
    conflicts = body.get("conflicts", "abort")
    if conflicts not in ("abort", "proceed"):
        raise x_content_parse("[1:2] [reindex] failed to parse field [conflicts]", illegal_argument(
            f'conflicts may only be "proceed" or "abort" but was [{conflicts}]'))
    max_docs = body.get("max_docs")
    if max_docs is not None and (isinstance(max_docs, bool) or not isinstance(max_docs, int)):
        raise x_content_parse("[1:2] [reindex] failed to parse field [max_docs]")
    if param_max_docs is not None:
        if max_docs is not None and max_docs != param_max_docs:
            raise illegal_argument(f"[max_docs] set to two different values [{max_docs}] and [{param_max_docs}]")
        max_docs = param_max_docs
    if max_docs is not None:
        if max_docs < 0:
            raise illegal_argument(f"[max_docs] parameter cannot be negative, found [{max_docs}]")
        if max_docs < slices:
            raise illegal_argument("[max_docs] should be >= [slices]")
    size = source.get("size", DEFAULT_BATCH)
    if isinstance(size, bool) or not isinstance(size, int):
        raise x_content_parse("[1:2] [reindex] failed to parse field [source]")
    spec = SourceSpec()
    raw_source = source.get("_source")
    if raw_source is False:
        spec.fetch = False
    elif isinstance(raw_source, (str, list)):
        spec.includes = [raw_source] if isinstance(raw_source, str) else list(raw_source)
    elif isinstance(raw_source, dict):
        spec.includes = list(raw_source.get("includes", raw_source.get("include", [])) or [])
        spec.excludes = list(raw_source.get("excludes", raw_source.get("exclude", [])) or [])
    if size < 0:
        raise illegal_argument(f"[size] parameter cannot be negative, found [{size}]")
    errors = []
    if size == 0:
        errors.append("[size] cannot be [0] in a scroll context")
    if not indices:
        errors.append("use _all if you really want to copy from all existing indexes")
    if not spec.fetch:
        errors.append("_source:false is not supported in this context")
    if dest.get("index") is None:
        errors.append("index must be specified")
    if errors:
        raise validation_failed(errors, type_="action_request_validation_exception")
    return {"indices": indices, "query": source.get("query") or {}, "size": size, "spec": spec,
            "dest": dest["index"], "pipeline": dest.get("pipeline"), "op_type": op_type,
            "abort": conflicts == "abort", "max_docs": max_docs}


# --------------------------------------------------------------------- copy
def _status(total=0, updated=0, created=0, batches=0, conflicts=0, rps=-1.0) -> dict:
    """BulkByScrollTask.Status.innerXContent."""
    return {"total": total, "updated": updated, "created": created, "deleted": 0, "batches": batches,
            "version_conflicts": conflicts, "noops": 0, "retries": {"bulk": 0, "search": 0},
            "throttled_millis": 0, "requests_per_second": rps, "throttled_until_millis": 0}


def _cause(err: EsError) -> dict:
    """ElasticsearchException.generateThrowableXContent: the error without root_cause."""
    return {k: v for k, v in err.to_body()["error"].items() if k != "root_cause"}


def _validate_targets(state, parsed: dict, require_alias: bool) -> list[str]:
    dest = parsed["dest"]
    if require_alias and not state.is_alias(dest):
        raise EsError("index_not_found_exception",
                      f"no such index [{dest}] and [require_alias] request flag is [true] and [{dest}] is not an alias",
                      404, index_uuid="_na_", index=dest)
    target = write_index(state, dest) or dest
    names = resolve(state, ",".join(parsed["indices"]))
    if target in names:
        raise validation_failed([f"reindex cannot write into an index its reading from [{target}]"],
                                type_="action_request_validation_exception")
    return names


def _copy(state, parsed: dict, rps: float, require_alias: bool, status: dict) -> dict:
    """Run the reindex; ``status`` is updated as it goes (the task's status)."""
    started = time.time()
    names = _validate_targets(state, parsed, require_alias)
    snapshot = []
    for n in names:
        idx = state.indices[n]
        if idx.state == "close":
            raise index_closed(idx.name, idx.uuid)
        for doc_id, doc in idx.docs.items():
            if _matches(parsed["query"], doc["_source"], doc_id):
                source = clone(doc["_source"])
                spec = parsed["spec"]
                if spec.includes or spec.excludes:
                    source = _filter_source(source, "", spec.includes, spec.excludes)
                snapshot.append((doc_id, source))
    max_docs = parsed["max_docs"]
    status["total"] = len(snapshot) if max_docs is None else min(len(snapshot), max_docs)
    failures: list[dict] = []
    size = parsed["size"]
    for start in range(0, len(snapshot), size):
        processed = status["created"] + status["updated"]
        if max_docs is not None and processed >= max_docs:
            break
        batch = snapshot[start:start + size]
        if max_docs is not None:
            batch = batch[:max_docs - processed]
        status["batches"] += 1
        batch_failures = []
        for doc_id, source in batch:
            try:
                _code, out = write_document(state, parsed["dest"], doc_id, source, parsed["op_type"],
                                            parsed["pipeline"], require_alias=require_alias)
            except EsError as err:
                if err.status == 409:
                    status["version_conflicts"] += 1
                    if not parsed["abort"]:
                        continue
                # BulkItemResponse.Failure names the index as the request did (an alias stays one).
                batch_failures.append({"index": parsed["dest"], "id": doc_id, "cause": _cause(err),
                                       "status": err.status})
                continue
            # AbstractAsyncBulkByScrollAction.onBulkResponse: anything but "created" (a noop of a
            # dropping pipeline too) counts as updated.
            status["created" if out.get("result") == "created" else "updated"] += 1
        failures += batch_failures
        if batch_failures:
            break
    return {"took": int((time.time() - started) * 1000), "timed_out": False, **clone(status),
            "failures": failures}


# ----------------------------------------------------------------- handlers
def reindex(req: Request) -> tuple[int, dict]:
    state = req.state
    if "pipeline" in req.query:
        raise illegal_argument("_reindex doesn't support [pipeline] as a query parameter. "
                               "Specify it in the [dest] object instead.")
    wait = req.param_bool("wait_for_completion", True)
    slices = _slices(req)
    rps = _requests_per_second(req)
    if req.param("scroll") is not None:
        keep_alive_ms(req.param("scroll"))
    require_alias = req.param_bool("require_alias")
    parsed = _parse(req.json(), _max_docs_param(req), slices)
    task_number = state.next_task_id()
    start_ms = state.now_ms()
    started_ns = time.monotonic_ns()
    status = _status(rps=rps)
    try:
        response = _copy(state, parsed, rps, require_alias, status)
        error = None
    except EsError as err:
        if wait:
            raise
        response, error = None, err
    if wait:
        return 200, response
    task_id = f"{state.node_id}:{task_number}"
    result: dict = {
        "completed": True,
        "task": {
            "node": state.node_id, "id": task_number, "type": "transport", "action": ACTION,
            "status": clone(status),
            "description": f"reindex from {java_str(parsed['indices'])} to [{parsed['dest']}]",
            "start_time_in_millis": start_ms, "running_time_in_nanos": time.monotonic_ns() - started_ns,
            "cancellable": True, "cancelled": False, "headers": {},
        },
    }
    if error is not None:
        result["error"] = _cause(error)
    else:
        result["response"] = response
    state.tasks[task_id] = result
    return 200, {"task": task_id}


def get_task(req: Request, task_id: str) -> tuple[int, dict]:
    state = req.state
    parts = task_id.split(":")
    if len(parts) != 2 or not parts[0]:
        raise illegal_argument(f"malformed task id {task_id}")
    try:
        int(parts[1])
    except ValueError:
        raise illegal_argument(f"malformed task id {task_id}") from None
    stored = state.tasks.get(task_id)
    if stored is not None:
        return 200, clone(stored)
    cause = None if state.tasks else index_not_found(TASKS_INDEX)
    missing = resource_not_found(f"task [{task_id}] isn't running and hasn't stored its results")
    missing.caused_by = cause
    if parts[0] != state.node_id:
        outer = resource_not_found(f"task [{task_id}] belongs to the node [{parts[0]}] which isn't part of the "
                                   "cluster and there is no record of the task")
        outer.caused_by = missing
        raise outer
    raise missing


def register(router: Router) -> None:
    router.add("POST", "/_reindex", reindex, ("refresh", "timeout", "wait_for_active_shards", "wait_for_completion",
                                              "requests_per_second", "slices", "scroll", "max_docs", "require_alias",
                                              "pipeline"))
    router.add("GET", "/_tasks/{task_id}", get_task, ("wait_for_completion", "timeout"))
