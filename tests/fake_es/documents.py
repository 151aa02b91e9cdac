"""Document APIs: index/create/get/update/delete, _mget, _bulk, minimal _search and _count.

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

Index write blocks (``index.blocks.write``, ``index.blocks.read_only``) refuse
every document write after ingest, single-document APIs with 403
``cluster_block_exception`` "index [x] blocked by: [FORBIDDEN/8/index write
(api)];" (naming the concrete index), bulk items one by one (their ``_index``
the name the request used, an alias too: 8.19.21, 9.2.8 - 9.5.2). The update API
deep-merges ``doc`` and answers ``noop`` when nothing changes (detect_noop).

semantic_text: each document written gets its ``_inference_fields`` (ES 9.x /
8.18+ format), embeddings computed through the field's ``inference_id``
endpoint with inference_run's deterministic ``embed`` (input type ``ingest``)
or ``sparse_embed``, chunked by the field's or endpoint's chunking settings
(chunking.chunk_spans), keyed by source field (copy_to sources too), offsets
over multi-values joined by one separator. They are kept beside ``_source``
and shown in it only when asked (``_source_exclude_vectors=false``, 9.1+; an
explicit ``_source_includes=_inference_fields``; or the index setting
``index.mapping.exclude_source_vectors: false``).

Documents are visible immediately (no refresh emulation). Search supports
``match_all``, ``term``/``terms``, ``match``, ``ids`` and ``bool.filter/must``
over exact values; no scoring (every hit scores 1.0); ``sort`` on ``_doc``,
``_score`` and keyword/numeric/boolean fields (hits then carry ``sort`` values
and a null ``_score``); ``_source`` false / patterns / includes-excludes (and
the ``_source*`` URL parameters); ``version`` and ``seq_no_primary_term``; a
``scroll`` parameter hands the hits to scroll.py.

What it must not do: run real inference (embeddings are deterministic stand-ins)
or change index settings.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import time
from dataclasses import dataclass, field

from .chunking import DEFAULT_CHUNKING, chunk_spans
from .errors import EsError, illegal_argument, index_closed, index_not_found, resource_not_found, validation_failed
from .index_resolution import resolve, write_index
from .indices import create_index
from .inference_run import embed, sparse_embed
from .mapping_merge import compatible_model_settings
from .mappings import default_index_options
from .pipelines import run as run_pipeline
from .processors import Dropped
from .routing import Request, Router
from .state import new_uuid
from .values import clone

SHARDS = {"total": 2, "successful": 1, "failed": 0}
SEARCH_BODY_KEYS = ("query", "size", "from", "track_total_hits", "sort", "_source", "version", "seq_no_primary_term")
COUNT_BODY_KEYS = ("query",)
INFERENCE_FIELDS = "_inference_fields"
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
    mapping = clone(index.mappings)
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


# ------------------------------------------------- semantic_text inference
def _semantic_fields(mapping: dict) -> dict[str, dict]:
    """Every semantic_text field of a mapping (dotted path -> definition)."""
    out: dict[str, dict] = {}

    def walk(props: dict, prefix: str) -> None:
        for name, defn in props.items():
            if defn.get("type") == "semantic_text":
                out[prefix + name] = defn
            walk(defn.get("properties") or {}, prefix + name + ".")

    walk(mapping.get("properties") or {}, "")
    return out


def _copy_sources(mapping: dict) -> dict[str, list[str]]:
    """copy_to target -> the fields copying into it."""
    out: dict[str, list[str]] = {}

    def walk(props: dict, prefix: str) -> None:
        for name, defn in props.items():
            targets = defn.get("copy_to")
            for target in [targets] if isinstance(targets, str) else targets or []:
                out.setdefault(target, []).append(prefix + name)
            walk(defn.get("properties") or {}, prefix + name + ".")

    walk(mapping.get("properties") or {}, "")
    return out


def _extract(source: dict, path: str) -> list:
    """XContentMapValues.extractValue over a dotted-expanded source: every value at ``path``."""
    nodes: list = [source]
    for part in path.split("."):
        nxt: list = []
        for node in nodes:
            for item in node if isinstance(node, list) else [node]:
                if isinstance(item, dict) and part in item:
                    nxt.append(item[part])
        nodes = nxt
    values: list = []
    for node in nodes:
        values += node if isinstance(node, list) else [node]
    return [v for v in values if v is not None]


def _string_value(value) -> str | None:
    """SemanticTextUtils.nodeStringValues: strings, numbers and booleans as Java prints them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _utf16(text: str, index: int) -> int:
    """A Python offset as the UTF-16 offset Java reports."""
    return len(text[:index].encode("utf-16-le")) // 2


def inference_fields(state, mapping: dict, source: dict) -> dict:
    """The ``_inference_fields`` of a document (9.x / 8.18+ format), computed through each
    semantic_text field's ``inference_id`` endpoint: one chunk list per source field (the field
    and the fields that copy_to it), offsets over the values joined with one separator
    character (ShardBulkInferenceActionFilter)."""
    fields = _semantic_fields(mapping)
    if not fields:
        return {}
    expanded = _expand_dotted(source)
    copies = _copy_sources(mapping)
    out: dict = {}
    for path, defn in fields.items():
        sources = [path] + [f for f in copies.get(path, []) if f != path]
        per_source = {src: [t for t in map(_string_value, _extract(expanded, src)) if t is not None]
                      for src in sources}
        per_source = {src: values for src, values in per_source.items() if values}
        if not per_source:
            continue
        inference_id = defn["inference_id"]
        record = state.inference.get(inference_id)
        if record is None:
            raise resource_not_found(f"Inference id [{inference_id}] not found for field [{path}]")
        settings = defn.get("chunking_settings") or record.get("chunking_settings") or DEFAULT_CHUNKING
        sparse = record["task_type"] == "sparse_embedding"
        chunks: dict = {}
        for src, values in per_source.items():
            listed = chunks.setdefault(src, [])
            adjust = 0
            for value in values:
                if value.strip():
                    for start, end in chunk_spans(value, settings):
                        piece = value[start:end]
                        listed.append({
                            "start_offset": adjust + _utf16(value, start),
                            "end_offset": adjust + _utf16(value, end),
                            "embeddings": sparse_embed(record, piece) if sparse else embed(record, piece, "ingest"),
                        })
                adjust += _utf16(value, len(value)) + 1
        out[path] = {"inference": {"inference_id": inference_id,
                                   "model_settings": clone(defn.get("model_settings")),
                                   "chunks": chunks}}
    return out


# ------------------------------------------------------------------ blocks
# IndexMetadata's API blocks that refuse document writes (ClusterBlockLevel.WRITE).
_WRITE_BLOCKS = (("index.blocks.read_only", "FORBIDDEN/5/index read-only (api)"),
                 ("index.blocks.write", "FORBIDDEN/8/index write (api)"))


def check_write_block(index) -> None:
    """A write to an index with a write (or read-only) block fails with ES's
    ClusterBlockException: 403 ``index [x] blocked by: [FORBIDDEN/8/index write (api)];``."""
    blocks = [text for key, text in _WRITE_BLOCKS if index.settings.get(key) == "true"]
    if blocks:
        raise EsError("cluster_block_exception", f"index [{index.name}] blocked by: [{', '.join(blocks)}];", 403)


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
    try:
        source = _pipelines(state, index, clone(source), doc_id, pipeline)
    except EsError:
        # Ingest runs before an index is auto-created: a failing pipeline leaves no index
        # behind (8.19.21, 9.5.2).
        if created:
            state.indices.pop(index.name, None)
        raise
    if source is None:
        return 200, {"_index": index.name, "_id": doc_id, "_version": -3, "result": "noop",
                     "_shards": {"total": 0, "successful": 0, "failed": 0}}
    # After ingest, before the shard: index blocks, then the engine's version checks.
    check_write_block(index)
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
    mapping = map_document(state, index, source, doc_id)
    inference = inference_fields(state, mapping, source)
    index.mappings = mapping
    index.seq_no += 1
    version = existing["_version"] + 1 if existing else index.tombstones.pop(doc_id, 0) + 1
    index.docs[doc_id] = {"_source": source, "_version": version, "_seq_no": index.seq_no}
    if inference:
        # Kept beside _source, as ES keeps the _inference_fields metadata field.
        index.docs[doc_id][INFERENCE_FIELDS] = inference
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
    check_exclude_vectors_param(req)
    idx = _read_index(req.state, index)
    doc = idx.docs.get(doc_id)
    if doc is None:
        return 404, {"_index": idx.name, "_id": doc_id, "found": False}
    body = {"_index": idx.name, "_id": doc_id, "_version": doc["_version"], "_seq_no": doc["_seq_no"],
            "_primary_term": 1, "found": True}
    source = render_source(idx, doc, source_spec(req))
    if source is not None:
        body["_source"] = source
    return 200, body


def mget(req: Request, index: str | None = None) -> tuple[int, dict]:
    """``_mget``: ``docs`` (``_index``, ``_id``, ``_source``) or ``ids`` against the path's index;
    each answer shaped like GET's, a failing one as ``{"_index", "_id", "error"}`` (MultiGetResponse)."""
    check_exclude_vectors_param(req)
    body = req.json()
    if not isinstance(body, dict):
        raise illegal_argument("[fake Elasticsearch] _mget needs an object body")
    unknown = [k for k in body if k not in ("docs", "ids")]
    if unknown:
        raise illegal_argument(f"[fake Elasticsearch] unsupported _mget keys {unknown}")
    items: list[dict] = []
    for entry in body.get("docs") or []:
        if not isinstance(entry, dict):
            raise illegal_argument("[fake Elasticsearch] _mget docs must be objects")
        items.append(entry)
    items += [{"_id": i} for i in body.get("ids") or []]
    errors = []
    for n, item in enumerate(items):
        if item.get("_index", index) is None:
            errors.append(f"index is missing for doc {n}")
        if item.get("_id") is None:
            errors.append(f"id is missing for doc {n}")
    if not items:
        errors.append("no documents to get")
    if errors:
        raise validation_failed(errors, type_="action_request_validation_exception")
    default_spec = source_spec(req)
    docs = []
    for item in items:
        name, doc_id = item.get("_index", index), str(item["_id"])
        spec = source_spec(req, item["_source"]) if "_source" in item else default_spec
        try:
            idx = _read_index(req.state, name)
        except EsError as err:
            docs.append({"_index": name, "_id": doc_id, "error": err.to_body()["error"]})
            continue
        doc = idx.docs.get(doc_id)
        if doc is None:
            docs.append({"_index": idx.name, "_id": doc_id, "found": False})
            continue
        out = {"_index": idx.name, "_id": doc_id, "_version": doc["_version"], "_seq_no": doc["_seq_no"],
               "_primary_term": 1, "found": True}
        source = render_source(idx, doc, spec)
        if source is not None:
            out["_source"] = source
        docs.append(out)
    return 200, {"docs": docs}


def delete_document(state, index_name: str, doc_id: str, if_seq_no: int | None = None) -> tuple[int, dict]:
    idx = _read_index(state, index_name)
    check_write_block(idx)
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


def _deep_merge(target: dict, changes: dict) -> bool:
    """XContentHelper.update: merge ``changes`` into ``target`` (objects recursively);
    True when anything changed (detect_noop)."""
    changed = False
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            changed |= _deep_merge(target[key], value)
        elif key not in target or target[key] != value:
            target[key] = clone(value)
            changed = True
    return changed


def update_document(state, target: str, doc_id: str, body: dict, pipeline: str | None = None) -> tuple[int, dict]:
    """The update API's partial ``doc`` (deep-merged, ``detect_noop``), ``upsert`` and
    ``doc_as_upsert``; scripts are not emulated."""
    if not isinstance(body, dict):
        raise illegal_argument("Validation Failed: 1: script or doc is missing;")
    if "script" in body:
        raise illegal_argument("[fake Elasticsearch] update scripts are not emulated")
    concrete = write_index(state, target)
    idx = state.indices[concrete] if concrete is not None else None
    if idx is not None:
        if idx.state == "close":
            raise index_closed(idx.name, idx.uuid)
        check_write_block(idx)
    doc = idx.docs.get(doc_id) if idx is not None else None
    if doc is None:
        if "upsert" in body or body.get("doc_as_upsert"):
            return write_document(state, target, doc_id, body.get("upsert", body.get("doc", {})), "index", pipeline)
        if idx is None:
            raise index_not_found(target)
        raise EsError("document_missing_exception", f"[{doc_id}]: document missing", 404,
                      index_uuid=idx.uuid, shard="0", index=idx.name)
    merged = clone(doc["_source"])
    changed = _deep_merge(merged, body.get("doc") or {})
    if not changed and body.get("detect_noop", True):
        return 200, {"_index": idx.name, "_id": doc_id, "_version": doc["_version"], "result": "noop",
                     "_shards": {"total": 0, "successful": 0, "failed": 0},
                     "_seq_no": doc["_seq_no"], "_primary_term": 1}
    status, out = write_document(state, idx.name, doc_id, merged, "index", pipeline)
    return 200, out


def _bulk_update(state, target: str, doc_id: str, body: dict) -> tuple[int, dict]:
    return update_document(state, target, doc_id, body)


def update_doc(req: Request, index: str, doc_id: str) -> tuple[int, dict]:
    return _refreshed(req, update_document(req.state, index, doc_id, req.json()))


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


# --------------------------------------------------------- hits and _source
@dataclass
class SourceSpec:
    """FetchSourceContext: whether ``_source`` is fetched, its include/exclude patterns and
    ``exclude_vectors`` (9.1+: whether ``_inference_fields`` are left out)."""
    fetch: bool = True
    includes: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    exclude_vectors: bool | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.includes or self.excludes)


def _patterns(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise illegal_argument(f"[fake Elasticsearch] unsupported _source patterns [{value}]")


def source_spec(req: Request, body_value=None) -> SourceSpec:
    """The ``_source`` of a search body, overridden by the ``_source``, ``_source_includes``,
    ``_source_excludes`` and ``_source_exclude_vectors`` URL parameters (RestSearchAction,
    RestGetAction)."""
    spec = SourceSpec()
    if isinstance(body_value, bool):
        spec.fetch = body_value
    elif isinstance(body_value, dict):
        unknown = [k for k in body_value if k not in ("includes", "include", "excludes", "exclude", "exclude_vectors")]
        if unknown:
            raise EsError("parsing_exception", f"Unknown key for a START_OBJECT in [{unknown[0]}].", 400, line=1, col=1)
        spec.includes = _patterns(body_value.get("includes", body_value.get("include")))
        spec.excludes = _patterns(body_value.get("excludes", body_value.get("exclude")))
        if "exclude_vectors" in body_value:
            spec.exclude_vectors = bool(body_value["exclude_vectors"])
    elif body_value is not None:
        spec.includes = _patterns(body_value)
    param = req.param("_source")
    if param is not None:
        if param in ("true", "false", ""):
            spec.fetch = param != "false"
        else:
            spec.includes = [p for p in param.split(",") if p]
    if req.param("_source_includes") is not None:
        spec.includes = req.param_list("_source_includes") or []
    if req.param("_source_excludes") is not None:
        spec.excludes = req.param_list("_source_excludes") or []
    if "_source_exclude_vectors" in req.query:
        spec.exclude_vectors = req.param_bool("_source_exclude_vectors")
    return spec


def _path_hit(path: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern + ".*")


def _filter_source(node: dict, prefix: str, includes: list[str], excludes: list[str]) -> dict:
    """XContentMapValues.filter: a field is kept when it or an object above it matches an
    include (or there are none) and neither matches an exclude."""
    out: dict = {}
    for key, value in node.items():
        path = prefix + key
        if any(_path_hit(path, p) for p in excludes):
            continue
        included = not includes or any(_path_hit(path, p) for p in includes)
        below = [] if included else includes
        if isinstance(value, dict):
            sub = _filter_source(value, path + ".", below, excludes)
            if sub or included:
                out[key] = sub
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            kept = []
            for item in value:
                if isinstance(item, dict):
                    sub = _filter_source(item, path + ".", below, excludes)
                    if sub or included:
                        kept.append(sub)
                elif included:
                    kept.append(clone(item))
            if kept:
                out[key] = kept
        elif included:
            out[key] = clone(value)
    return out


def _shows_inference(index, spec: SourceSpec) -> bool:
    """ShardGetService.shouldExcludeInferenceFieldsFromSource, inverted: a source filter that
    drops ``_inference_fields`` wins, an explicit include of it shows it, then
    ``exclude_vectors``, then ``index.mapping.exclude_source_vectors`` (true by default)."""
    if any(_path_hit(INFERENCE_FIELDS, p) for p in spec.excludes):
        return False
    if spec.includes:
        if INFERENCE_FIELDS in spec.includes:
            return True
        if not any(_path_hit(INFERENCE_FIELDS, p) for p in spec.includes):
            return False
    if spec.exclude_vectors is not None:
        return not spec.exclude_vectors
    return index.settings.get("index.mapping.exclude_source_vectors", "true") == "false"


def render_source(index, doc: dict, spec: SourceSpec) -> dict | None:
    """The ``_source`` a GET or a search hit shows (None: not fetched)."""
    if not spec.fetch:
        return None
    source = clone(doc["_source"])
    if doc.get(INFERENCE_FIELDS) and _shows_inference(index, spec):
        source[INFERENCE_FIELDS] = clone(doc[INFERENCE_FIELDS])
    if spec.filtered:
        source = _filter_source(source, "", spec.includes, spec.excludes)
    return source


def check_exclude_vectors_param(req: Request) -> None:
    """``_source_exclude_vectors`` exists from 9.1; before, it is an unrecognized parameter."""
    if "_source_exclude_vectors" in req.query and not req.state.version.at_least("9.1"):
        raise illegal_argument(f"request [{req.raw_path}] contains unrecognized parameter: [_source_exclude_vectors]")


# -------------------------------------------------------------------- sort
_SORTABLE = _NUMERIC_TYPES | _FLOAT_TYPES | {"keyword", "boolean", "constant_keyword", "wildcard"}
_LONG_MAX, _LONG_MIN = 2**63 - 1, -(2**63)


def _sort_spec(value) -> list[tuple[str, str, str | None]] | None:
    """``sort``: a field name, ``{field: order}``, ``{field: {"order": ..., "unmapped_type": ...}}``
    or a list of them; (field, order, unmapped_type) each."""
    if value is None:
        return None
    out: list[tuple[str, str, str | None]] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            out.append((item, "desc" if item == "_score" else "asc", None))
            continue
        if not isinstance(item, dict) or len(item) != 1:
            raise illegal_argument(f"[fake Elasticsearch] unsupported sort [{item}]")
        (name, spec), = item.items()
        unmapped = None
        if isinstance(spec, str):
            order = spec
        elif isinstance(spec, dict) and set(spec) <= {"order", "unmapped_type"}:
            order = spec.get("order", "desc" if name == "_score" else "asc")
            unmapped = spec.get("unmapped_type")
        else:
            raise illegal_argument(f"[fake Elasticsearch] unsupported sort [{item}]")
        if order not in ("asc", "desc"):
            raise illegal_argument(f"Unknown SortOrder [{order}]")
        out.append((name, order, unmapped))
    return out


def _shards_failed(cause: EsError, index, node_id: str) -> EsError:
    """A query-phase failure on every shard: search_phase_execution_exception "all shards failed"."""
    shard = {"shard": 0, "index": index.name, "node": node_id, "reason": cause._fragment()}
    return EsError("search_phase_execution_exception", "all shards failed", cause.status, cause, phase="query",
                   grouped=True, failed_shards=[shard])


def _sort_field_type(state, names: list[str], field_name: str, unmapped: str | None) -> str:
    types = set()
    for n in names:
        defn = _field_at(state.indices[n].mappings, field_name)
        if defn is not None:
            types.add(defn.get("type", "object"))
        elif unmapped is not None:
            types.add(unmapped)
        else:
            idx = state.indices[n]
            raise _shards_failed(EsError("query_shard_exception",
                                         f"No mapping found for [{field_name}] in order to sort on", 400,
                                         index_uuid=idx.uuid, index=idx.name), idx, state.node_id)
    if not types:
        return unmapped or "keyword"
    kind = types.pop()
    if kind not in _SORTABLE or types:
        raise illegal_argument(f"[fake Elasticsearch] sorting on field [{field_name}] of type [{kind}] is not emulated")
    return kind


def _sort_value(source: dict, field_name: str, kind: str, order: str):
    values = [v for v in _extract(_expand_dotted(source), field_name) if not isinstance(v, (dict, list))]
    if kind == "boolean":
        values = [1 if v in (True, "true") else 0 for v in values]
    elif kind in _NUMERIC_TYPES:
        values = [int(float(v)) for v in values]
    elif kind in _FLOAT_TYPES:
        values = [float(v) for v in values]
    else:
        values = [str(v) for v in values]
    if not values:
        return None
    return min(values) if order == "asc" else max(values)


# ------------------------------------------------------------------ search
def _collect(req: Request, index: str | None, keys: tuple[str, ...]) -> tuple[list, dict, list[str]]:
    """The matching documents: (index name, id, document, position in its index)."""
    state = req.state
    names = resolve(state, index, ignore_unavailable=req.param_bool("ignore_unavailable"),
                    allow_no_indices=req.param_bool("allow_no_indices", True),
                    expand_wildcards=req.param("expand_wildcards", "open"))
    body = req.json_or_none() or {}
    unsupported = [k for k in body if k not in keys]
    if unsupported:
        # Not emulated: refuse loudly rather than answer as if it had been applied.
        raise illegal_argument(f"[fake Elasticsearch] unsupported search request keys {unsupported}")
    query = body.get("query", {})
    hits = []
    for n in names:
        idx = state.indices[n]
        if idx.state == "close":
            raise index_closed(idx.name, idx.uuid)
        for position, (doc_id, doc) in enumerate(idx.docs.items()):
            if _matches(query, doc["_source"], doc_id):
                hits.append((n, doc_id, doc, position))
    return hits, body, names


@dataclass
class SearchPage:
    """The rendered hits of a search (all of them, or the requested window), with what the
    response around them depends on."""
    hits: list[dict]
    total: int
    names: list[str]
    scored: bool  # ranked by score (no sort): max_score is shown; with a sort it is null
    shards: int


def search_page(req: Request, index: str | None, window: slice | None = None) -> tuple[SearchPage, dict]:
    """Match, sort and render; only the hits in ``window`` are rendered when it is given."""
    state = req.state
    check_exclude_vectors_param(req)
    raw, body, names = _collect(req, index, SEARCH_BODY_KEYS)
    spec = source_spec(req, body.get("_source"))
    version = req.param_bool("version", bool(body.get("version", False)))
    seq_no = req.param_bool("seq_no_primary_term", bool(body.get("seq_no_primary_term", False)))
    sort = _sort_spec(body.get("sort"))
    if sort and [(f, o) for f, o, _ in sort] == [("_score", "desc")]:
        sort = None  # a sort on _score alone is the default: no sort values (8.19.21, 9.5.2)
    sort_values: list[list | None] = [None] * len(raw)
    kinds: dict[str, str] = {}
    if sort:
        order = {n: i for i, n in enumerate(names)}
        kinds = {f: _sort_field_type(state, names, f, unmapped) for f, _, unmapped in sort
                 if f not in ("_doc", "_score")}
        sort_values = []
        for n, _doc_id, doc, position in raw:
            row = []
            for f, direction, _unmapped in sort:
                if f == "_doc":
                    row.append(position)
                elif f == "_score":
                    row.append(1.0)
                else:
                    row.append(_sort_value(doc["_source"], f, kinds[f], direction))
            sort_values.append(row)

        def compare(a: int, b: int) -> int:
            for k, (_f, direction, _unmapped) in enumerate(sort):
                va, vb = sort_values[a][k], sort_values[b][k]
                if va == vb:
                    continue
                if va is None or vb is None:  # missing values sort last either way
                    return 1 if va is None else -1
                result = -1 if va < vb else 1
                return result if direction == "asc" else -result
            return order[raw[a][0]] - order[raw[b][0]]  # ties: by shard, as TopDocs.merge

        ranked = sorted(range(len(raw)), key=functools.cmp_to_key(compare))
        raw = [raw[i] for i in ranked]
        sort_values = [sort_values[i] for i in ranked]
    scored = not sort or any(f == "_score" for f, _, _ in sort)
    ranked_by_score = not sort
    hits = []
    total = len(raw)
    shards = max(1, len({h[0] for h in raw}))
    if window is not None:
        raw, sort_values = raw[window], sort_values[window]
    for (n, doc_id, doc, _position), values in zip(raw, sort_values):
        hit: dict = {"_index": n, "_id": doc_id}
        if version:
            hit["_version"] = doc["_version"]
        if seq_no:
            hit["_seq_no"] = doc["_seq_no"]
            hit["_primary_term"] = 1
        hit["_score"] = 1.0 if scored else None
        source = render_source(state.indices[n], doc, spec)
        if source is not None:
            hit["_source"] = source
        if values is not None:
            hit["sort"] = [_missing_sort_value(v, sort[k][1], kinds.get(sort[k][0])) for k, v in enumerate(values)]
        hits.append(hit)
    return SearchPage(hits, total, names, ranked_by_score, shards), body


def _missing_sort_value(value, direction: str, kind: str | None):
    """A missing numeric sort value shows as Long.MAX_VALUE / MIN_VALUE (missing: _last)."""
    if value is None and kind in _NUMERIC_TYPES | {"boolean"}:
        return _LONG_MAX if direction == "asc" else _LONG_MIN
    return value


def search_response(req: Request, page: SearchPage, shown: list[dict], started: float, size: int,
                    scroll_id: str | None = None) -> dict:
    out: dict = {}
    if scroll_id is not None:
        out["_scroll_id"] = scroll_id
    out["took"] = int((time.time() - started) * 1000)
    out["timed_out"] = False
    if req.param_bool("rest_total_hits_as_int") and size == 0:
        out["terminated_early"] = False  # 8.19.21, 9.5.2
    total = page.total
    if page.scored:
        # No shard searched at all (a wildcard matching nothing): 0.0 rather than null (8.19.21, 9.5.2).
        max_score = 1.0 if shown else (None if page.names else 0.0)
    else:
        max_score = None
    out["_shards"] = {"total": page.shards, "successful": page.shards, "skipped": 0, "failed": 0}
    out["hits"] = {
        "total": total if req.param_bool("rest_total_hits_as_int") else {"value": total, "relation": "eq"},
        "max_score": max_score,
        "hits": clone(shown),
    }
    return out


def search(req: Request, index: str | None = None) -> tuple[int, dict]:
    started = time.time()
    body = req.json_or_none() or {}
    size = int(req.param("size", body.get("size", 10) if isinstance(body, dict) else 10))
    offset = int(req.param("from", body.get("from", 0) if isinstance(body, dict) else 0))
    if req.param("scroll") is not None:
        from .scroll import open_scroll  # scroll.py builds on this module

        page, body = search_page(req, index)  # every hit, rendered now: the scroll's snapshot
        return open_scroll(req, page, size, offset, started, "from" in body or "from" in req.query)
    page, body = search_page(req, index, slice(offset, offset + size))
    return 200, search_response(req, page, page.hits, started, size)


def count(req: Request, index: str | None = None) -> tuple[int, dict]:
    hits, _, _names = _collect(req, index, COUNT_BODY_KEYS)
    return 200, {"count": len(hits), "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0}}


def register(router: Router) -> None:
    write = ("refresh", "pipeline", "op_type", "timeout", "if_seq_no", "if_primary_term", "wait_for_active_shards",
             "require_alias")
    router.add(("PUT", "POST"), "/{index}/_doc/{doc_id}", index_doc, write)
    router.add("POST", "/{index}/_doc", index_doc, write)
    router.add(("PUT", "POST"), "/{index}/_create/{doc_id}", create_doc, write)
    source_params = ("_source", "_source_includes", "_source_excludes", "_source_exclude_vectors")
    router.add("GET", "/{index}/_doc/{doc_id}", get_doc, ("realtime", "refresh", "preference") + source_params)
    mget_params = ("realtime", "refresh", "preference") + source_params
    router.add(("GET", "POST"), "/_mget", mget, mget_params)
    router.add(("GET", "POST"), "/{index}/_mget", mget, mget_params)
    router.add("POST", "/{index}/_update/{doc_id}", update_doc, ("refresh", "timeout", "wait_for_active_shards",
                                                                 "require_alias", "retry_on_conflict"))
    router.add("DELETE", "/{index}/_doc/{doc_id}", delete_doc, ("refresh", "timeout", "wait_for_active_shards",
                                                                 "if_seq_no", "if_primary_term"))
    bulk_params = ("refresh", "pipeline", "timeout", "wait_for_active_shards")
    router.add(("POST", "PUT"), "/_bulk", bulk, bulk_params)
    router.add(("POST", "PUT"), "/{index}/_bulk", bulk, bulk_params)
    search_params = ("size", "from", "ignore_unavailable", "allow_no_indices", "expand_wildcards",
                     "track_total_hits", "rest_total_hits_as_int", "typed_keys", "preference", "scroll", "version",
                     "seq_no_primary_term") + source_params
    router.add(("GET", "POST"), "/_search", search, search_params)
    router.add(("GET", "POST"), "/{index}/_search", search, search_params)
    router.add(("GET", "POST"), "/_count", count, search_params)
    router.add(("GET", "POST"), "/{index}/_count", count, search_params)
