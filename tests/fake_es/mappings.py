"""Mapping engine: parse, validate and serialise index mappings like ES does.

What it is for: turn a user mapping into the canonical form GET _mapping
returns (``dynamic`` as a string, dotted field names expanded, properties
sorted, ``type: object`` only on objects without properties, parameters at
their default value dropped — except Explicit ones such as a numeric's
``coerce``/``ignore_malformed`` and the root ``date_detection``, which show
whenever given —, ``copy_to`` as an array, typed ``null_value``), raise ES's
errors for unknown types/parameters (``mapper_parsing_exception``, or
``illegal_argument_exception`` where ES throws a plain Java exception), and —
for mappings of real indices only (``materialize=True``) — add what ES adds on
index creation: dense_vector ``index``/``similarity``/``index_options``
defaults (version dependent), completion's always-shown defaults and
semantic_text's resolved ``inference_id``; plus the checks ES makes on the
built mapping (total-fields limit, field-alias targets). Template mappings
are validated with the same code but stored as sent. Behaviour checked
against 8.19.21 and 9.5.2 by tests/differential.

What it must not do: merge an update into an existing mapping (that is
mapping_merge.py) or touch documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .errors import EsError, illegal_argument, java_str, mapper_parsing
from .mapping_types import (
    ANY, NESTED_PARAMS, OBJECT_PARAMS, ROOT_PARAMS, RUNTIME_TYPES, TYPES, VECTOR_INDEX_TYPES, Param,
)
from .versions import EsVersion

MAX_DIMS = 4096
FLOAT_TYPES = ("double", "float", "half_float", "scaled_float")
# Parameters ES serialises even at their defaults (8.19.21, 9.5.2).
ALWAYS_SHOWN = {"completion": {"analyzer": "simple", "max_input_length": 50, "preserve_position_increments": True,
                               "preserve_separators": True}}
METADATA_DEFAULTS = {"_source": {"enabled": True}, "_routing": {"required": False}}


@dataclass
class MappingContext:
    version: EsVersion
    default_inference_id: str = ".elser-2-elasticsearch"
    materialize: bool = True  # add ES's creation-time defaults (real indices only)


# --------------------------------------------------------------- helpers
def unknown_type_message(type_: str, name: str) -> str:
    # 8.19.21 and 9.5.2 wording.
    return (f"The mapper type [{type_}] declared on field [{name}] does not exist. It might have been created "
            "within a future version or requires a plugin to be installed. Check the documentation.")


def remaining(params: dict) -> str:
    return "".join(f" [{k} : {java_str(v)}]" for k, v in params.items())


def parse_bool(value: Any, what: str) -> bool:
    if value is True or value == "true":
        return True
    if value is False or value == "false":
        return False
    # Booleans.parseBoolean: an IllegalArgumentException (8.19.21, 9.5.2).
    raise illegal_argument(f"Failed to parse value [{java_str(value)}] as only [true] or [false] are allowed.")


def dynamic_value(value: Any, path: str = "_doc") -> str:
    if value is True or value == "true":
        return "true"
    if value is False or value == "false":
        return "false"
    if value in ("strict", "runtime"):
        return value
    raise illegal_argument(
        f"Could not convert [{path}.dynamic] to boolean",
        caused_by=illegal_argument(f"Failed to parse value [{java_str(value)}] as only [true] or [false] are allowed."),
    )


def is_object(defn: dict) -> bool:
    return defn.get("type", "object") in ("object", "nested")


def coerce_param(name: str, param: Param, value: Any, field: str, type_: str) -> Any:
    kind = param.kind
    if value is None:
        return None
    if kind == "bool":
        return parse_bool(value, name)
    if kind == "int":
        if isinstance(value, bool):
            raise mapper_parsing(f"Failed to parse mapping: [{name}] must be a number, got [{java_str(value)}]")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise mapper_parsing(f"For input string: \"{value}\"") from None
    if kind == "float":
        try:
            return float(value)
        except (TypeError, ValueError):
            raise mapper_parsing(f"For input string: \"{value}\"") from None
    if kind == "enum":
        if value not in param.choices:
            raise mapper_parsing(
                f"Unknown value [{java_str(value)}] for field [{name}] - accepted values are "
                f"[{', '.join(param.choices)}]"
            )
        return value
    if kind == "map" and not isinstance(value, dict):
        raise mapper_parsing(f"[{name}] on mapper [{field}] of type [{type_}] must be an object, got [{java_str(value)}]")
    if kind == "str" and not isinstance(value, str):
        return java_str(value)
    return value


# ----------------------------------------------------------- root mapping
def unwrap_type(raw: Any) -> Any:
    if isinstance(raw, dict) and len(raw) == 1 and "_doc" in raw and isinstance(raw["_doc"], dict):
        return raw["_doc"]
    return raw


def parse_root(raw: Any, ctx: MappingContext) -> dict:
    raw = unwrap_type(raw)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise mapper_parsing(f"Expected map for mappings but got [{java_str(raw)}]")
    unknown = {k: v for k, v in raw.items() if k not in ROOT_PARAMS}
    if unknown:
        raise mapper_parsing("Root mapping definition has unsupported parameters: " + remaining(unknown))
    out: dict = {}
    if "dynamic" in raw and raw["dynamic"] is not None:
        out["dynamic"] = dynamic_value(raw["dynamic"], "dynamic")
    if "enabled" in raw and not parse_bool(raw["enabled"], "enabled"):
        out["enabled"] = False
    if "subobjects" in raw and raw["subobjects"] is not None:
        out["subobjects"] = raw["subobjects"] if isinstance(raw["subobjects"], str) else parse_bool(raw["subobjects"], "subobjects")
    if "_meta" in raw and raw["_meta"] is not None:
        if not isinstance(raw["_meta"], dict):
            raise mapper_parsing(f"[_meta] must be an object, got {type(raw['_meta']).__name__}[{java_str(raw['_meta'])}]")
        out["_meta"] = raw["_meta"]
    for key in ("_source", "_routing", "_field_names", "_data_stream_timestamp", "_size"):
        if key in raw:
            if not isinstance(raw[key], dict):
                raise mapper_parsing(f"Expected map for property [{key}] but got [{java_str(raw[key])}]")
            meta = dict(raw[key])
            # Metadata-field parameters at their defaults are not serialised (8.19.21, 9.5.2).
            if ctx.materialize:
                for param, default in METADATA_DEFAULTS.get(key, {}).items():
                    if param in meta and meta[param] in (default, str(default).lower()):
                        del meta[param]
            if meta or not ctx.materialize:
                out[key] = meta
    # date_detection / numeric_detection are Explicit: serialised whenever given (8.19.21, 9.5.2).
    if "date_detection" in raw:
        out["date_detection"] = parse_bool(raw["date_detection"], "date_detection")
    if "numeric_detection" in raw:
        out["numeric_detection"] = parse_bool(raw["numeric_detection"], "numeric_detection")
    if "dynamic_date_formats" in raw:
        out["dynamic_date_formats"] = raw["dynamic_date_formats"]
    if "dynamic_templates" in raw and raw["dynamic_templates"] is not None:
        out["dynamic_templates"] = parse_dynamic_templates(raw["dynamic_templates"])
    if "properties" in raw and raw["properties"] is not None:
        props = parse_properties(raw["properties"], "", ctx, in_nested=False, subobjects=out.get("subobjects", True))
        if props:
            out["properties"] = props
    if "runtime" in raw and raw["runtime"] is not None:
        runtime = parse_runtime(raw["runtime"], allow_null=False)
        if runtime:
            out["runtime"] = runtime
    return out


def parse_dynamic_templates(value: Any) -> list:
    if not isinstance(value, list):
        raise mapper_parsing("Dynamic template syntax error. An array of named objects is expected.")
    out = []
    for entry in value:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise mapper_parsing("Dynamic template syntax error. An array of named objects is expected.")
        name, body = next(iter(entry.items()))
        if not isinstance(body, dict) or "mapping" not in body:
            raise mapper_parsing(f"template [{name}] must have either mapping or runtime set")
        mapping = body["mapping"]
        if isinstance(mapping, dict) and mapping.get("type") == "semantic_text":
            # semantic_text is not supported in dynamic templates (ES 8.15+).
            raise mapper_parsing(f"Field [semantic_text] is not supported in dynamic templates [{name}]")
        out.append({name: body})
    return out


def parse_runtime(value: Any, allow_null: bool) -> dict:
    if not isinstance(value, dict):
        raise mapper_parsing(f"Expected map for runtime section but got [{java_str(value)}]")
    out: dict = {}
    for name, defn in value.items():
        if defn is None:
            if not allow_null:
                raise mapper_parsing(f"Runtime field [{name}] was set to null but its removal is not supported in this context")
            out[name] = None
            continue
        if not isinstance(defn, dict):
            raise mapper_parsing(f"Expected map for runtime field [{name}] definition but got a {type(defn).__name__}")
        rtype = defn.get("type")
        if rtype is None:
            raise mapper_parsing(f"No type specified for runtime field [{name}]")
        if rtype not in RUNTIME_TYPES:
            raise mapper_parsing(f"No handler for type [{rtype}] declared on runtime field [{name}]")
        out[name] = dict(defn)
    return dict(sorted(out.items()))


# ------------------------------------------------------------ properties
def expand_dots(props: dict, subobjects: Any) -> dict:
    """``"a.b": {...}`` becomes ``a: {properties: {b: {...}}}`` (unless subobjects: false)."""
    if subobjects is False:
        return props
    out: dict = {}
    for name, defn in props.items():
        if "." in name and name.strip("."):
            head, _, tail = name.partition(".")
            holder = out.setdefault(head, {"properties": {}})
            if isinstance(holder, dict) and is_object(holder):
                holder.setdefault("properties", {})[tail] = defn
                continue
        if name in out and isinstance(out[name], dict) and isinstance(defn, dict) and is_object(out[name]) and is_object(defn):
            merged = dict(defn)
            merged["properties"] = {**out[name].get("properties", {}), **defn.get("properties", {})}
            out[name] = merged
        else:
            out[name] = defn
    return out


def parse_properties(raw: Any, prefix: str, ctx: MappingContext, in_nested: bool, subobjects: Any = True) -> dict:
    if not isinstance(raw, dict):
        raise mapper_parsing(f"Expected map for property [properties] but got [{java_str(raw)}]")
    out: dict = {}
    for name, defn in expand_dots(raw, subobjects).items():
        if not name or not name.strip():
            raise illegal_argument("field name cannot be an empty string")
        out[name] = parse_field(name, prefix + name, defn, ctx, in_nested)
    return dict(sorted(out.items()))


def parse_field(name: str, path: str, raw: Any, ctx: MappingContext, in_nested: bool) -> dict:
    if not isinstance(raw, dict):
        raise mapper_parsing(f"Expected map for property [fields] on field [{name}] but got a class java.lang.String")
    type_ = raw.get("type")
    if type_ is None or type_ in ("object", "nested"):
        return parse_object(name, path, raw, ctx, in_nested, type_ or "object")
    if not isinstance(type_, str):
        raise mapper_parsing(unknown_type_message(java_str(type_), name))
    spec = TYPES.get(type_)
    if spec is None:
        raise mapper_parsing(unknown_type_message(type_, name))
    if type_ == "semantic_text" and in_nested:
        raise mapper_parsing(f"semantic_text field [{path}] cannot be nested")
    out: dict = {"type": type_}
    for key, value in raw.items():
        if key == "type":
            continue
        if key == "fields":
            if not spec.multi_fields and spec.params is not ANY:
                raise mapper_parsing(f"unknown parameter [fields] on mapper [{name}] of type [{type_}]")
            fields = parse_multi_fields(name, path, value, ctx)
            if fields:
                out["fields"] = fields
            continue
        if key == "copy_to":
            if not spec.copy_to and spec.params is not ANY:
                raise mapper_parsing(f"unknown parameter [copy_to] on mapper [{name}] of type [{type_}]")
            targets = value if isinstance(value, list) else [value]
            if targets:
                out["copy_to"] = [str(t) for t in targets]
            continue
        if spec.params is ANY:
            out[key] = value
            continue
        param = spec.params.get(key)
        if param is None:
            raise mapper_parsing(f"unknown parameter [{key}] on mapper [{name}] of type [{type_}]")
        coerced = coerce_param(key, param, value, name, type_)
        if coerced is None or (param.default is not None and coerced == param.default and not param.explicit):
            continue
        if key == "null_value" and type_ in FLOAT_TYPES and isinstance(coerced, (int, float)) and not isinstance(coerced, bool):
            coerced = float(coerced)  # typed: a double's null_value 1 reads back as 1.0
        out[key] = coerced
    _check_required(name, type_, out)
    if ctx.materialize:
        for key, value in ALWAYS_SHOWN.get(type_, {}).items():
            out.setdefault(key, value)
    if type_ == "dense_vector":
        validate_dense_vector(name, out, ctx)
    elif type_ == "semantic_text":
        validate_semantic_text(name, out, ctx)
    return out


def _check_required(name: str, type_: str, out: dict) -> None:
    if type_ == "scaled_float" and "scaling_factor" not in out:
        raise mapper_parsing("Field [scaling_factor] is required")
    if type_ == "alias" and "path" not in out:
        raise mapper_parsing(f"The [path] property must be specified for field [{name}].")
    if type_ == "token_count" and "analyzer" not in out:
        raise mapper_parsing(f"Analyzer must be set for field [{name}] but wasn't.")


def parse_multi_fields(name: str, path: str, raw: Any, ctx: MappingContext) -> dict:
    if not isinstance(raw, dict):
        raise mapper_parsing(f"Expected map for property [fields] on field [{name}] but got a {type(raw).__name__}")
    out = {}
    for sub, defn in raw.items():
        if isinstance(defn, dict) and defn.get("type", "object") in ("object", "nested"):
            raise mapper_parsing(f"Type [{defn.get('type', 'object')}] cannot be used in multi field")
        out[sub] = parse_field(sub, f"{path}.{sub}", defn, ctx, in_nested=False)
    return dict(sorted(out.items()))


def parse_object(name: str, path: str, raw: dict, ctx: MappingContext, in_nested: bool, type_: str) -> dict:
    allowed = NESTED_PARAMS if type_ == "nested" else OBJECT_PARAMS
    unknown = {k: v for k, v in raw.items() if k != "type" and k not in allowed}
    if unknown:
        raise mapper_parsing(f"Mapping definition for [{name}] has unsupported parameters: " + remaining(unknown))
    out: dict = {}
    if type_ == "nested":
        out["type"] = "nested"
    if raw.get("dynamic") is not None:
        out["dynamic"] = dynamic_value(raw["dynamic"], path)
    if "enabled" in raw:
        enabled = parse_bool(raw["enabled"], "enabled")
        if not enabled or not ctx.materialize:  # explicit "true" matters to merges only
            out["enabled"] = enabled
    if raw.get("subobjects") is not None:
        out["subobjects"] = raw["subobjects"] if isinstance(raw["subobjects"], str) else parse_bool(raw["subobjects"], "subobjects")
    for key in ("include_in_parent", "include_in_root"):
        if key in raw and parse_bool(raw[key], key):
            out[key] = True
    if out.get("include_in_parent") and out.get("include_in_root") and not in_nested and ctx.materialize:
        # Without a nested ancestor the parent is the root: include_in_root is redundant and
        # dropped (8.19.21, 9.5.2).
        del out["include_in_root"]
    props = {}
    if raw.get("properties") is not None:
        props = parse_properties(raw["properties"], path + ".", ctx, in_nested or type_ == "nested", out.get("subobjects", True))
    if props:
        out["properties"] = props
    elif type_ == "object":
        out = {"type": "object", **out}
    return out


# ------------------------------------------------------------ vectors etc.
def default_index_options(dims: int | None, element_type: str, version: EsVersion) -> dict | None:
    """The index_options ES serialises for an indexed dense_vector given none, or None.

    byte/bit vectors default to plain hnsw, which is not serialised; float vectors
    show int8_hnsw, or bbq_hnsw from 384 dims on 9.1+; 9.1+ shows nothing while dims
    are unknown, 8.19.21 shows int8_hnsw (seen on 8.19.21 and 9.5.2)."""
    if element_type in ("byte", "bit"):
        return None
    if dims is None and version.dense_vector_bbq_default:
        return None
    if dims is not None and dims >= 384 and version.dense_vector_bbq_default:
        return {"type": "bbq_hnsw", "m": 16, "ef_construction": 100, "rescore_vector": {"oversample": 3.0}}
    return {"type": "int8_hnsw", "m": 16, "ef_construction": 100}


def element_types(version: EsVersion) -> list[str]:
    """Valid element types in the order ES's error lists them (9.5.2; 8.19.21: [bit, float, byte])."""
    if version.major < 9:
        return ["bit", "float", "byte"]
    return ["byte", "bfloat16", "bit", "float"] if version.bfloat16_vectors else ["byte", "bit", "float"]


def validate_dense_vector(name: str, out: dict, ctx: MappingContext) -> None:
    """dense_vector checks with 8.19.21 / 9.5.2 wording. Checks ES makes with a plain
    IllegalArgumentException are illegal_argument (so "Failed to parse mapping" becomes
    the root cause), the others mapper_parsing."""
    dims = out.get("dims")
    element_type = out.get("element_type", "float")
    if element_type not in element_types(ctx.version):
        raise mapper_parsing(f"invalid element_type [{element_type}]; available types are "
                             f"[{', '.join(element_types(ctx.version))}]")
    if dims is not None and not 1 <= dims <= MAX_DIMS:
        raise mapper_parsing(
            f"The number of dimensions should be in the range [1, {MAX_DIMS}] but was [{dims}]"
        )
    indexed = out.get("index", True)
    if not indexed and "similarity" in out:
        raise illegal_argument(
            "Field [similarity] can only be specified for a field of type [dense_vector] when it is indexed"
        )
    if not indexed and "index_options" in out:
        raise illegal_argument(
            "Field [index_options] can only be specified for a field of type [dense_vector] when it is indexed"
        )
    opts = out.get("index_options")
    if opts is not None:
        itype = opts.get("type")
        if itype is None:
            raise mapper_parsing("[index_options] requires field [type] to be configured")
        if itype not in VECTOR_INDEX_TYPES:
            raise mapper_parsing(f"Unknown vector index options type [{itype}] for field [{name}]")
        if element_type in ("byte", "bit") and itype not in ("hnsw", "flat"):
            raise illegal_argument(f"[element_type] cannot be [{element_type}] when using index type [{itype}]")
        if itype.startswith("bbq") and dims is not None and dims < 64:
            raise illegal_argument(f"{itype} does not support dimensions fewer than 64; provided={dims}")
    if ctx.materialize and indexed:
        out["index"] = True
        out.setdefault("similarity", "l2_norm" if element_type == "bit" else "cosine")
        if opts is None:
            default = default_index_options(dims, element_type, ctx.version)
            if default is not None:
                out["index_options"] = default
        else:
            out["index_options"] = full_index_options(opts, ctx.version)
    elif ctx.materialize and not indexed:
        out["index"] = False


def full_index_options(opts: dict, version: EsVersion) -> dict:
    """index_options as GET _mapping shows them: hnsw m/ef_construction defaults, bbq's
    rescore_vector, and on 8.x int4's confidence_interval 0.0."""
    itype = opts["type"]
    full = {"m": 16, "ef_construction": 100} if "hnsw" in itype else {}
    full.update(opts)
    if itype.startswith("bbq") and "rescore_vector" not in opts:
        full["rescore_vector"] = {"oversample": 3.0}
    if itype.startswith("int4") and version.int4_shows_confidence_interval:
        full.setdefault("confidence_interval", 0.0)
    return full


def validate_semantic_text(name: str, out: dict, ctx: MappingContext) -> None:
    from .chunking import validate_chunking  # local import: chunking is shared with inference

    if "chunking_settings" in out:
        validate_chunking(out["chunking_settings"], ctx.version, error=mapper_parsing)
    ms = out.get("model_settings")
    if ms is not None:
        task = ms.get("task_type")
        if task not in ("text_embedding", "sparse_embedding", "embedding"):
            raise mapper_parsing(f"Wrong [task_type], expected text_embedding or sparse_embedding, got {task}")
        if task == "text_embedding" and ("dimensions" not in ms or "similarity" not in ms):
            raise mapper_parsing("Wrong [model_settings]: dimensions and similarity are required for text_embedding")
    opts = out.get("index_options")
    if opts is not None and (not isinstance(opts, dict) or not set(opts) <= {"dense_vector", "sparse_vector"}):
        raise mapper_parsing(f"Unsupported index options {java_str(opts)}")
    if ctx.materialize and "inference_id" not in out:
        out["inference_id"] = ctx.default_inference_id


# ----------------------------------------------------------- field limit
def count_fields(mapping: dict) -> int:
    """Mappers ES counts against index.mapping.total_fields.limit: every field and
    object below the root, every multi-field and every runtime field."""
    def walk(props: dict) -> int:
        total = 0
        for defn in props.values():
            if not isinstance(defn, dict):
                continue
            total += 1 + walk(defn.get("properties") or {}) + walk(defn.get("fields") or {})
        return total

    return walk(mapping.get("properties") or {}) + len(mapping.get("runtime") or {})


def check_alias_paths(mapping: dict) -> None:
    """Field aliases must point at a mapped field (checked once the mapping is built,
    so not wrapped in "Failed to parse mapping"; 8.19.21, 9.5.2)."""
    fields = dict(iter_fields(mapping.get("properties") or {}))
    for path, defn in fields.items():
        if defn.get("type") == "alias":
            target = fields.get(defn.get("path"))
            if target is None or target.get("type") in (None, "object", "nested"):
                name = path.rsplit(".", 1)[-1]
                raise mapper_parsing(f"Invalid [path] value [{defn.get('path')}] for field alias [{name}]: "
                                     "an alias must refer to an existing field in the mappings.")


def check_total_fields(mapping: dict, flat_settings: dict) -> None:
    """"Limit of total fields [n] has been exceeded" (8.19.21, 9.5.2), default limit 1000."""
    raw = flat_settings.get("index.mapping.total_fields.limit", "1000")
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        return
    if count_fields(mapping) > limit:
        raise illegal_argument(f"Limit of total fields [{limit}] has been exceeded")


# ------------------------------------------------------------- walking
def iter_fields(props: dict, prefix: str = "") -> Iterator[tuple[str, dict]]:
    for name, defn in props.items():
        path = prefix + name
        yield path, defn
        if "properties" in defn:
            yield from iter_fields(defn["properties"], path + ".")
        for sub, sdef in defn.get("fields", {}).items():
            yield f"{path}.{sub}", sdef


def semantic_text_fields(mapping: dict) -> list[tuple[str, dict]]:
    return [(p, d) for p, d in iter_fields(mapping.get("properties", {})) if d.get("type") == "semantic_text"]


def wrap_parse_failure(err: EsError) -> EsError:
    """Create-index / template validation report mapping errors as "Failed to parse mapping: ..."."""
    return mapper_parsing(f"Failed to parse mapping: {err.reason}", caused_by=err)
