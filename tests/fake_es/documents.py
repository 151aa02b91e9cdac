"""Document APIs: index/create/get/delete, _bulk, minimal _search and _count.

What it is for: enough document handling for an IaC tool's tests: writes go
through alias write-index resolution and auto-create (templates applied),
``pipeline`` / ``index.default_pipeline`` / ``index.final_pipeline``
(processors.py executes a subset), dynamic mapping of unmapped fields
(string -> text + keyword ``ignore_above: 256``, long, float, boolean,
object, date detection, dotted names as objects; with ``dynamic: runtime``
leaves become dotted runtime fields) unless ``dynamic`` is false/strict,
value checks for mapped numeric/boolean fields (with ES's causes),
dense_vector dims set by the first vector and enforced after, semantic_text
``model_settings`` filled from the endpoint on the first document (failing
when the endpoint does not exist), ``forced_refresh`` on ``refresh=true``,
delete tombstones that keep counting versions, and a bulk request refused as
a whole when an action has no index (8.19.21, 9.5.2). Parser positions in
errors are always ``[1:2]`` (ES reports the failing token's offset).

Documents are visible immediately (no refresh emulation). Search supports
``match_all``, ``term``/``terms``, ``match``, ``ids`` and ``bool.filter/must``
over exact values; no scoring (every hit scores 1.0).

What it must not do: run real inference (semantic_text content is stored in
``_source`` only) or change index settings.
"""

from __future__ import annotations

import copy
import re
import time

from .errors import EsError, illegal_argument, index_closed, resource_not_found
from .index_resolution import resolve, write_index
from .indices import create_index
from .mapping_merge import compatible_model_settings
from .mappings import default_index_options
from .pipelines import run as run_pipeline
from .processors import Dropped
from .routing import Request, Router
from .state import new_uuid

SHARDS = {"total": 2, "successful": 1, "failed": 0}
SEARCH_BODY_KEYS = ("query", "size", "from", "track_total_hits")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_NUMERIC_TYPES = {"long", "integer", "short", "byte", "unsigned_long"}
_FLOAT_TYPES = {"double", "float", "half_float", "scaled_float"}


# -------------------------------------------------------- dynamic mapping
def _dynamic_leaf(value, root: dict) -> dict | None:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "long"}
    if isinstance(value, float):
        return {"type": "float"}
    if isinstance(value, str):
        if root.get("date_detection", True) and _DATE.match(value):
            return {"type": "date"}
        if root.get("numeric_detection") and re.fullmatch(r"-?\d+(\.\d+)?", value):
            return {"type": "float" if "." in value else "long"}
        return {"type": "text", "fields": {"keyword": {"type": "keyword", "ignore_above": 256}}}
    return None


def _parse_failure(path: str, ftype: str, value, doc_id: str, cause: EsError | None = None) -> EsError:
    # The fake reports no real parser position ("[1:2]"); ES gives the token's offset.
    return EsError(
        "document_parsing_exception",
        f"[1:2] failed to parse field [{path}] of type [{ftype}] in document with id '{doc_id}'. "
        f"Preview of field's value: '{value}'",
        400, cause,
    )


def _check_value(path: str, defn: dict, value, doc_id: str) -> None:
    ftype = defn.get("type")
    values = value if isinstance(value, list) else [value]
    for v in values:
        if v is None:
            continue
        if ftype in _NUMERIC_TYPES | _FLOAT_TYPES:
            try:
                number = float(v) if not isinstance(v, bool) else None
                if number is None:
                    raise ValueError
                if ftype in _NUMERIC_TYPES and not float(number).is_integer() and defn.get("coerce") is False:
                    raise ValueError
            except (TypeError, ValueError):
                if not defn.get("ignore_malformed"):
                    raise _parse_failure(path, ftype, v, doc_id, illegal_argument(f'For input string: "{v}"')) from None
        elif ftype == "boolean" and v not in (True, False, "true", "false", ""):
            raise _parse_failure(path, ftype, v, doc_id, illegal_argument(
                f"Failed to parse value [{v}] as only [true] or [false] are allowed."))


def map_document(state, index, source: dict, doc_id: str) -> dict:
    """Return the index mapping after this document (dynamic updates applied)."""
    mapping = copy.deepcopy(index.mappings)
    root_dynamic = mapping.get("dynamic", "true")

    def walk(obj: dict, props_holder: dict, prefix: str, dynamic: str, parent: str) -> None:
        props = props_holder.setdefault("properties", {})
        for key, value in obj.items():
            path = prefix + key
            defn = props.get(key)
            if defn is None:
                if value is None:
                    continue
                if dynamic == "strict":
                    raise EsError(
                        "strict_dynamic_mapping_exception",
                        f"[1:2] mapping set to strict, dynamic introduction of [{key}] within [{parent}] is not allowed",
                        400,
                    )
                if dynamic == "false":
                    continue
                sample = value[0] if isinstance(value, list) and value else value
                if isinstance(sample, dict):
                    defn = {"properties": {}}
                    if dynamic == "runtime":
                        # Objects are not mapped; their leaves become dotted runtime fields (8.19.21, 9.5.2).
                        for child in value if isinstance(value, list) else [value]:
                            if isinstance(child, dict):
                                walk(child, defn, path + ".", dynamic, path)
                        continue
                    props[key] = defn
                else:
                    leaf = _dynamic_leaf(sample, mapping)
                    if leaf is None:
                        continue
                    if dynamic == "runtime":
                        rtype = {"text": "keyword", "float": "double"}.get(leaf["type"], leaf["type"])
                        mapping.setdefault("runtime", {})[path] = {"type": rtype}
                        continue
                    props[key] = leaf
                    continue
            if defn.get("type", "object") in ("object", "nested"):
                if defn.get("enabled") is False:
                    continue
                children = value if isinstance(value, list) else [value]
                for child in children:
                    if isinstance(child, dict):
                        walk(child, defn, path + ".", defn.get("dynamic", dynamic), path)
                if defn.get("properties") and defn.get("type") == "object":
                    defn.pop("type")
                continue
            if defn.get("type") == "semantic_text":
                _fill_semantic_text(state, path, defn)
            elif defn.get("type") == "dense_vector" and defn.get("dims") is None and isinstance(value, list):
                defn["dims"] = len(value)
                if defn.get("index", True) and "index_options" not in defn:
                    default = default_index_options(len(value), defn.get("element_type", "float"), state.version)
                    if default is not None:
                        defn["index_options"] = default
            elif defn.get("type") == "dense_vector" and isinstance(value, list) and len(value) != defn.get("dims"):
                message = (f"The [dense_vector] field [{path}] in doc [document with id '{doc_id}'] has a different "
                           f"number of dimensions [{len(value)}] than defined in the mapping [{defn.get('dims')}]")
                raise EsError("document_parsing_exception", f"[1:2] failed to parse: {message}", 400,
                              illegal_argument(message))
            else:
                _check_value(path, defn, value, doc_id)
            _copy_to(state, mapping, defn, value)

    walk(_expand_dotted(source), mapping, "", root_dynamic, "_doc")
    for child in (mapping.get("properties") or {}).values():
        _sort(child)
    if "properties" in mapping:
        if mapping["properties"]:
            mapping["properties"] = dict(sorted(mapping["properties"].items()))
        else:
            del mapping["properties"]
    return mapping


def _expand_dotted(obj):
    """``{"a.b": 1}`` is mapped like ``{"a": {"b": 1}}`` (8.19.21, 9.5.2)."""
    if isinstance(obj, list):
        return [_expand_dotted(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict = {}
    for key, value in obj.items():
        value = _expand_dotted(value)
        parts = key.split(".") if "." in key and key.strip(".") and "" not in key.split(".") else [key]
        node = out
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = {}
                node[part] = nxt
            node = nxt
        last = parts[-1]
        if isinstance(node.get(last), dict) and isinstance(value, dict):
            node[last].update(value)
        else:
            node[last] = value
    return out


def _field_at(mapping: dict, dotted: str) -> dict | None:
    node: dict | None = mapping
    for part in dotted.split("."):
        node = ((node or {}).get("properties") or {}).get(part)
        if node is None:
            return None
    return node


def _copy_to(state, mapping: dict, defn: dict, value) -> None:
    """copy_to copies a value into other fields; a semantic_text target is embedded as well."""
    if value is None:
        return
    targets = defn.get("copy_to")
    for target in [targets] if isinstance(targets, str) else targets or []:
        target_defn = _field_at(mapping, target)
        if target_defn is not None and target_defn.get("type") == "semantic_text":
            _fill_semantic_text(state, target, target_defn)


def _sort(node: dict) -> None:
    if "properties" in node:
        if not node["properties"]:
            del node["properties"]
            if "type" not in node:
                node["type"] = "object"
            return
        node["properties"] = dict(sorted(node["properties"].items()))
        for child in node["properties"].values():
            _sort(child)


def _fill_semantic_text(state, path: str, defn: dict) -> None:
    inference_id = defn["inference_id"]
    settings = state.endpoint_model_settings(inference_id)
    if settings is None:
        raise resource_not_found(f"Inference id [{inference_id}] not found for field [{path}]")
    if settings["task_type"] not in ("text_embedding", "sparse_embedding"):
        raise illegal_argument(
            f"Field [{path}] is configured to use an inference endpoint with an unsupported task type [{settings['task_type']}]"
        )
    existing = defn.get("model_settings")
    if existing is None:
        defn["model_settings"] = settings
        if settings["task_type"] == "text_embedding" and state.version.semantic_text_shows_default_index_options and "index_options" not in defn:
            # ~9.1-9.3 serialise the resolved default (BBQ from 64 dims for semantic_text).
            if settings["dimensions"] >= 64:
                opts = {"type": "bbq_hnsw", "m": 16, "ef_construction": 100, "rescore_vector": {"oversample": 3.0}}
            else:
                opts = {"type": "int8_hnsw", "m": 16, "ef_construction": 100}
            defn["index_options"] = {"dense_vector": opts}
    elif not compatible_model_settings(existing, settings):
        raise illegal_argument(
            f"Mismatch between provided and registered inference model settings. "
            f"Provided: [{existing}], Expected: [{settings}]."
        )


# ------------------------------------------------------------------ writes
def _target(state, name: str) -> object:
    concrete = write_index(state, name)
    if concrete is None:
        return create_index(state, name, None)
    index = state.indices[concrete]
    if index.state == "close":
        raise index_closed(index.name, index.uuid)
    return index


def _pipelines(state, index, source: dict, doc_id: str, pipeline_param: str | None) -> dict | None:
    meta = {"_index": index.name, "_id": doc_id, "_ingest.timestamp": int(time.time() * 1000)}
    try:
        pipeline = pipeline_param or index.settings.get("index.default_pipeline")
        if pipeline and pipeline != "_none":
            source = run_pipeline(state, pipeline, source, meta)
        final = index.settings.get("index.final_pipeline")
        if final and final != "_none":
            source = run_pipeline(state, final, source, meta)
    except Dropped:
        return None
    return source


def write_document(state, index_name: str, doc_id: str | None, source: dict, op_type: str = "index",
                   pipeline: str | None = None, if_seq_no: int | None = None, require_alias: bool = False) -> tuple[int, dict]:
    if not isinstance(source, dict):
        raise EsError("document_parsing_exception", "[1:1] failed to parse: root value must be an object", 400)
    if require_alias and not state.is_alias(index_name):
        raise EsError(
            "index_not_found_exception",
            f"no such index [{index_name}] and [require_alias] request flag is [true] and [{index_name}] is not an alias",
            404, **{"index_uuid": "_na_", "index": index_name},
        )
    if pipeline and pipeline != "_none" and pipeline not in state.pipelines and write_index(state, index_name) is None:
        # A missing pipeline fails the request before the index would be auto-created (8.19.21, 9.5.2).
        raise illegal_argument(f"pipeline with id [{pipeline}] does not exist")
    created = write_index(state, index_name) is None
    index = _target(state, index_name)
    doc_id = doc_id or new_uuid()
    existing = index.docs.get(doc_id)
    if if_seq_no is not None and (existing is None or existing["_seq_no"] != if_seq_no):
        current = (f"current document has seqNo [{existing['_seq_no']}] and primary term [1]" if existing
                   else "document does not exist")
        raise EsError(
            "version_conflict_engine_exception",
            f"[{doc_id}]: version conflict, required seqNo [{if_seq_no}], primary term [1]. {current}",
            409, index_uuid=index.uuid, shard="0", index=index.name,
        )
    if op_type == "create" and existing is not None:
        raise EsError(
            "version_conflict_engine_exception",
            f"[{doc_id}]: version conflict, document already exists (current version [{existing['_version']}])",
            409, index_uuid=index.uuid, shard="0", index=index.name,
        )
    try:
        source = _pipelines(state, index, copy.deepcopy(source), doc_id, pipeline)
    except EsError:
        # Ingest runs before an index is auto-created: a failing pipeline leaves no index
        # behind (8.19.21, 9.5.2).
        if created:
            state.indices.pop(index.name, None)
        raise
    if source is None:
        return 200, {"_index": index.name, "_id": doc_id, "_version": -3, "result": "noop",
                     "_shards": {"total": 0, "successful": 0, "failed": 0}}
    index.mappings = map_document(state, index, source, doc_id)
    index.seq_no += 1
    version = existing["_version"] + 1 if existing else index.tombstones.pop(doc_id, 0) + 1
    index.docs[doc_id] = {"_source": source, "_version": version, "_seq_no": index.seq_no}
    result = "updated" if existing else "created"
    return (200 if existing else 201), {
        "_index": index.name, "_id": doc_id, "_version": version, "result": result,
        "_shards": dict(SHARDS), "_seq_no": index.seq_no, "_primary_term": 1,
    }


def _seq_no_param(req: Request) -> int | None:
    if "if_seq_no" not in req.query:
        return None
    if req.param("if_primary_term", "1") != "1":
        raise EsError("version_conflict_engine_exception", "primary term mismatch", 409)
    return int(req.query["if_seq_no"])


def _refreshed(req: Request, result: tuple[int, dict]) -> tuple[int, dict]:
    """``refresh=true`` adds ``"forced_refresh": true`` to a single-document write (8.19.21, 9.5.2)."""
    status, body = result
    if req.param("refresh") in ("", "true") and body.get("result") != "noop":
        body["forced_refresh"] = True
    return status, body


def index_doc(req: Request, index: str, doc_id: str | None = None) -> tuple[int, dict]:
    op_type = req.param("op_type", "index")
    if op_type not in ("index", "create"):
        raise illegal_argument(f"opType must be 'create' or 'index', found: [{op_type}]")
    return _refreshed(req, write_document(req.state, index, doc_id, req.json(), op_type, req.param("pipeline"),
                                          _seq_no_param(req), req.param_bool("require_alias")))


def create_doc(req: Request, index: str, doc_id: str) -> tuple[int, dict]:
    return _refreshed(req, write_document(req.state, index, doc_id, req.json(), "create", req.param("pipeline"),
                                          None, req.param_bool("require_alias")))


def _read_index(state, name: str):
    names = resolve(state, name)
    if len(names) != 1:
        raise illegal_argument(f"alias [{name}] has more than one index associated with it, can't execute a single index op")
    index = state.indices[names[0]]
    if index.state == "close":
        raise index_closed(index.name, index.uuid)
    return index


def get_doc(req: Request, index: str, doc_id: str) -> tuple[int, dict]:
    idx = _read_index(req.state, index)
    doc = idx.docs.get(doc_id)
    if doc is None:
        return 404, {"_index": idx.name, "_id": doc_id, "found": False}
    return 200, {"_index": idx.name, "_id": doc_id, "_version": doc["_version"], "_seq_no": doc["_seq_no"],
                 "_primary_term": 1, "found": True, "_source": copy.deepcopy(doc["_source"])}


def delete_document(state, index_name: str, doc_id: str, if_seq_no: int | None = None) -> tuple[int, dict]:
    idx = _read_index(state, index_name)
    existing = idx.docs.get(doc_id)
    if if_seq_no is not None and (existing is None or existing["_seq_no"] != if_seq_no):
        # Optimistic concurrency on delete, as on index (8.x/9.x): a conflict, also for a missing
        # document, which real Elasticsearch words "but no document was found" (8.19.21, 9.5.2).
        current = (f"current document has seqNo [{existing['_seq_no']}] and primary term [1]" if existing
                   else "but no document was found")
        raise EsError("version_conflict_engine_exception",
                      f"[{doc_id}]: version conflict, required seqNo [{if_seq_no}], primary term [1]. {current}",
                      409, index_uuid=idx.uuid, shard="0", index=idx.name)
    doc = idx.docs.pop(doc_id, None)
    idx.seq_no += 1
    version = (doc["_version"] if doc else idx.tombstones.get(doc_id, 0)) + 1
    idx.tombstones[doc_id] = version
    body = {"_index": idx.name, "_id": doc_id, "_version": version,
            "result": "deleted" if doc else "not_found", "_shards": dict(SHARDS),
            "_seq_no": idx.seq_no, "_primary_term": 1}
    return (200 if doc else 404), body


def delete_doc(req: Request, index: str, doc_id: str) -> tuple[int, dict]:
    return _refreshed(req, delete_document(req.state, index, doc_id, _seq_no_param(req)))


# -------------------------------------------------------------------- bulk
def bulk(req: Request, index: str | None = None) -> tuple[int, dict]:
    state = req.state
    started = time.time()
    lines = req.ndjson_lines()
    missing = 0
    j = 0
    while j < len(lines):  # BulkRequest.validate: every action needs an index (8.19.21, 9.5.2)
        entry = lines[j]
        if isinstance(entry, dict) and len(entry) == 1:
            action, meta = next(iter(entry.items()))
            if isinstance(meta, dict) and meta.get("_index", index) is None:
                missing += 1
            j += 1 if action == "delete" else 2
        else:
            j += 1
    if missing:
        raise EsError("action_request_validation_exception",
                      "Validation Failed: " + "".join(f"{n}: index is missing;" for n in range(1, missing + 1)), 400)
    items = []
    errors = False
    i = 0
    while i < len(lines):
        action_line = lines[i]
        if not isinstance(action_line, dict) or len(action_line) != 1:
            raise illegal_argument(f"Malformed action/metadata line [{i + 1}], expected a simple value for field [_index] but found [START_OBJECT]")
        action, meta = next(iter(action_line.items()))
        if action not in ("index", "create", "delete", "update"):
            raise illegal_argument(f"Malformed action/metadata line [{i + 1}], expected field [create], [delete], [index] or [update] but found [{action}]")
        i += 1
        target = meta.get("_index", index)
        doc_id = meta.get("_id")
        source = None
        if action != "delete":
            if i >= len(lines):
                raise illegal_argument("The bulk request must be terminated by a newline [\\n]")
            source = lines[i]
            i += 1
        try:
            if target is None:
                raise EsError("action_request_validation_exception", "Validation Failed: 1: index is missing;", 400)
            if action == "delete":
                status, body = delete_document(state, target, doc_id)
            elif action == "update":
                status, body = _bulk_update(state, target, doc_id, source)
            else:
                status, body = write_document(state, target, doc_id, source, action,
                                              meta.get("pipeline", req.param("pipeline")))
            body["status"] = status
            items.append({action: body})
        except EsError as exc:
            errors = True
            items.append({action: {"_index": target, "_id": doc_id, "status": exc.status,
                                   "error": {k: v for k, v in exc.to_body()["error"].items() if k != "root_cause"}}})
    return 200, {"errors": errors, "took": int((time.time() - started) * 1000), "items": items}


def _bulk_update(state, target: str, doc_id: str, body: dict) -> tuple[int, dict]:
    idx = _read_index(state, target)
    doc = idx.docs.get(doc_id)
    if doc is None:
        if "upsert" in body or body.get("doc_as_upsert"):
            return write_document(state, target, doc_id, body.get("upsert", body.get("doc", {})))
        raise EsError("document_missing_exception", f"[{doc_id}]: document missing", 404,
                      index_uuid=idx.uuid, shard="0", index=idx.name)
    merged = copy.deepcopy(doc["_source"])
    merged.update(body.get("doc", {}))
    status, out = write_document(state, target, doc_id, merged)
    return 200, out


# ------------------------------------------------------------------ search
def _matches(query: dict, source: dict, doc_id: str) -> bool:
    if not query:
        return True
    (kind, spec), = query.items()
    if kind == "match_all":
        return True
    if kind == "match_none":
        return False
    if kind == "ids":
        return doc_id in spec.get("values", [])
    if kind in ("term", "match", "terms"):
        (field, wanted), = spec.items()
        if isinstance(wanted, dict):
            wanted = wanted.get("value", wanted.get("query"))
        field = field[:-len(".keyword")] if field.endswith(".keyword") else field
        node = source
        for part in field.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        values = node if isinstance(node, list) else [node]
        targets = wanted if kind == "terms" else [wanted]
        if kind == "match":
            return any(isinstance(v, str) and str(wanted).lower() in v.lower() or v == wanted for v in values)
        return any(v in targets for v in values)
    if kind == "bool":
        must = spec.get("must", []) + spec.get("filter", [])
        must = must if isinstance(must, list) else [must]
        should = spec.get("should", [])
        must_not = spec.get("must_not", [])
        return (all(_matches(q, source, doc_id) for q in must)
                and not any(_matches(q, source, doc_id) for q in (must_not if isinstance(must_not, list) else [must_not]))
                and (not should or any(_matches(q, source, doc_id) for q in should)))
    raise EsError("parsing_exception", f"unknown query [{kind}]", 400, line=1, col=1)


def _hits(req: Request, index: str | None) -> tuple[list, dict]:
    state = req.state
    names = resolve(state, index, ignore_unavailable=req.param_bool("ignore_unavailable"),
                    allow_no_indices=req.param_bool("allow_no_indices", True),
                    expand_wildcards=req.param("expand_wildcards", "open"))
    body = req.json_or_none() or {}
    unsupported = [k for k in body if k not in SEARCH_BODY_KEYS]
    if unsupported:
        # Not emulated: refuse loudly rather than answer as if it had been applied.
        raise illegal_argument(f"[fake Elasticsearch] unsupported search request keys {unsupported}")
    query = body.get("query", {})
    hits = []
    for n in names:
        idx = state.indices[n]
        if idx.state == "close":
            raise index_closed(idx.name, idx.uuid)
        for doc_id, doc in idx.docs.items():
            if _matches(query, doc["_source"], doc_id):
                hits.append((n, doc_id, doc))
    return hits, body, names


def search(req: Request, index: str | None = None) -> tuple[int, dict]:
    started = time.time()
    hits, body, names = _hits(req, index)
    size = int(req.param("size", body.get("size", 10)))
    offset = int(req.param("from", body.get("from", 0)))
    shown = hits[offset:offset + size]
    body_out: dict = {"took": int((time.time() - started) * 1000), "timed_out": False}
    if req.param_bool("rest_total_hits_as_int") and size == 0:
        body_out["terminated_early"] = False  # 8.19.21, 9.5.2
    return 200, {
        **body_out,
        "_shards": {"total": max(1, len({h[0] for h in hits})), "successful": max(1, len({h[0] for h in hits})), "skipped": 0, "failed": 0},
        "hits": {
            "total": len(hits) if req.param_bool("rest_total_hits_as_int") else {"value": len(hits), "relation": "eq"},
            # No shard searched at all (a wildcard matching nothing): 0.0 rather than null (8.19.21, 9.5.2).
            "max_score": 1.0 if shown else (None if names else 0.0),
            "hits": [{"_index": n, "_id": i, "_score": 1.0, "_source": copy.deepcopy(d["_source"])} for n, i, d in shown],
        },
    }


def count(req: Request, index: str | None = None) -> tuple[int, dict]:
    hits, _, _names = _hits(req, index)
    return 200, {"count": len(hits), "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}}


def register(router: Router) -> None:
    write = ("refresh", "pipeline", "op_type", "timeout", "if_seq_no", "if_primary_term", "wait_for_active_shards",
             "require_alias")
    router.add(("PUT", "POST"), "/{index}/_doc/{doc_id}", index_doc, write)
    router.add("POST", "/{index}/_doc", index_doc, write)
    router.add(("PUT", "POST"), "/{index}/_create/{doc_id}", create_doc, write)
    router.add("GET", "/{index}/_doc/{doc_id}", get_doc, ("realtime", "refresh", "preference"))
    router.add("DELETE", "/{index}/_doc/{doc_id}", delete_doc, ("refresh", "timeout", "wait_for_active_shards",
                                                                 "if_seq_no", "if_primary_term"))
    bulk_params = ("refresh", "pipeline", "timeout", "wait_for_active_shards")
    router.add(("POST", "PUT"), "/_bulk", bulk, bulk_params)
    router.add(("POST", "PUT"), "/{index}/_bulk", bulk, bulk_params)
    search_params = ("size", "from", "ignore_unavailable", "allow_no_indices", "expand_wildcards",
                     "track_total_hits", "rest_total_hits_as_int", "typed_keys", "preference")
    router.add(("GET", "POST"), "/_search", search, search_params)
    router.add(("GET", "POST"), "/{index}/_search", search, search_params)
    router.add(("GET", "POST"), "/_count", count, search_params)
    router.add(("GET", "POST"), "/{index}/_count", count, search_params)
