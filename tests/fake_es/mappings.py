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
are validated with the same code but stored as sent. Also: ``subobjects``
(``true``/``false`` only; ``false`` auto-flattens object children into dotted
leaves), dynamic templates mapping to ``runtime`` fields, the ``_source``
metadata field (``mode`` deprecated, and a no-op from 9.0), and the
per-request deprecation warnings (``MappingContext.warn``). Behaviour checked
against 8.19.21 and 9.5.2 by tests/differential.

What it must not do: merge an update into an existing mapping (that is
mapping_merge.py) or touch documents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator

from .errors import EsError, illegal_argument, java_str, mapper_parsing, parse_exception
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
    # The flat settings of the index the mapping is for (or of the composed template), when
    # known: index.mapping.source.mode, index.mapping.ignore_malformed.
    settings: dict = field(default_factory=dict)
    # Deprecation warnings of the request (the server sends them as Warning headers); shared
    # with the cluster state's per-request list.
    warnings: list = field(default_factory=list)

    @property
    def source_mode(self) -> str | None:
        return self.settings.get("index.mapping.source.mode")

    def default_of(self, key: str, param: Param) -> Any:
        """A parameter's default; a non-Explicit ignore_malformed defaults to the
        index.mapping.ignore_malformed setting (and shows when it differs; 8.19.21, 9.5.2)."""
        if key == "ignore_malformed" and not param.explicit:
            return self.settings.get("index.mapping.ignore_malformed") == "true"
        return param.default

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


class BuildFailure(EsError):
    """A mapping error ES raises after parsing, while building the mappers: create-index and
    template validation report it as is, not wrapped in "Failed to parse mapping"."""


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
        out["subobjects"] = subobjects_value(raw["subobjects"])
    if "_meta" in raw and raw["_meta"] is not None:
        if not isinstance(raw["_meta"], dict):
            raise mapper_parsing(f"[_meta] must be an object, got {type(raw['_meta']).__name__}[{java_str(raw['_meta'])}]")
        out["_meta"] = raw["_meta"]
    for key in ("_source", "_routing", "_field_names", "_data_stream_timestamp", "_size"):
        if key in raw:
            if not isinstance(raw[key], dict):
                raise mapper_parsing(f"Expected map for property [{key}] but got [{java_str(raw[key])}]")
            meta = dict(raw[key])
            if key == "_source":
                meta = parse_source(meta, ctx)
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
        props = parse_properties(raw["properties"], "", ctx, in_nested=False, subobjects=out.get("subobjects", True),
                                 dynamic=out.get("dynamic", "true"))
        if props:
            out["properties"] = props
    if "runtime" in raw and raw["runtime"] is not None:
        runtime = parse_runtime(raw["runtime"], allow_null=False)
        if runtime:
            out["runtime"] = runtime
    return out


# match_mapping_type values a runtime dynamic template is validated with when it names none,
# and the ones that cannot be runtime fields (8.19.21, 9.5.2).
RUNTIME_TEMPLATE_MATCH_TYPES = ("string", "long", "double", "boolean", "date")
NOT_RUNTIME_MATCH_TYPES = ("object", "binary")
# The runtime field type a dynamic template maps a JSON type to, and the parameters runtime
# fields take (AbstractScriptFieldType and its parsers).
_RUNTIME_TYPE_OF_MATCH = {"string": "keyword", "long": "long", "double": "double", "boolean": "boolean", "date": "date"}
RUNTIME_PARAMS = ("type", "script", "on_script_error", "meta")
RUNTIME_TYPE_PARAMS = {"date": ("format", "locale"), "composite": ("fields",),
                       "lookup": ("target_index", "input_field", "target_field", "fetch_fields")}
_JAVA_CLASSES = {bool: "java.lang.Boolean", int: "java.lang.Integer", float: "java.lang.Double",
                 str: "java.lang.String", list: "java.util.ArrayList"}


def parse_dynamic_templates(value: Any) -> list:
    if not isinstance(value, list):
        raise mapper_parsing("Dynamic template syntax error. An array of named objects is expected.")
    out = []
    for entry in value:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise mapper_parsing("Dynamic template syntax error. An array of named objects is expected.")
        name, body = next(iter(entry.items()))
        mapping = body.get("mapping") if isinstance(body, dict) else None
        runtime = body.get("runtime") if isinstance(body, dict) else None
        if mapping is None and runtime is None:
            raise mapper_parsing(f"template [{name}] must have either mapping or runtime set")
        if mapping is not None and runtime is not None:
            raise mapper_parsing(f"mapping and runtime cannot be both specified in the same dynamic template [{name}]")
        if runtime is not None:
            _check_runtime_template(name, body, runtime)
        if isinstance(mapping, dict) and mapping.get("type") == "semantic_text":
            # semantic_text is not supported in dynamic templates (ES 8.15+).
            raise mapper_parsing(f"Field [semantic_text] is not supported in dynamic templates [{name}]")
        out.append({name: body})
    return out


def _check_runtime_template(name: str, body: dict, runtime: Any) -> None:
    """DynamicTemplate.parse / RootObjectMapper.validateDynamicTemplate for a template that maps
    matching fields as runtime fields (``runtime`` instead of ``mapping``; 8.19.21, 9.5.2)."""
    if not isinstance(runtime, dict):
        cls = _JAVA_CLASSES.get(type(runtime), "java.lang.Object")
        raise EsError("class_cast_exception", f"class {cls} cannot be cast to class java.util.Map ({cls} and "
                      "java.util.Map are in module java.base of loader 'bootstrap')")
    match_types = body.get("match_mapping_type")
    match_types = [match_types] if isinstance(match_types, str) else list(match_types or [])
    for mtype in match_types:
        if mtype in NOT_RUNTIME_MATCH_TYPES:
            raise mapper_parsing(f"Dynamic template [{name}] defines a runtime field but type [{mtype}] is not "
                                 "supported as runtime field")
    validated = match_types or list(RUNTIME_TEMPLATE_MATCH_TYPES)
    rtype = runtime.get("type")
    cause = None
    if rtype is not None and rtype not in RUNTIME_TYPES:
        cause = illegal_argument(f"No runtime field found for type [{rtype}]")
    else:
        # Without a type the field's JSON type decides; the message still prints the map's (null).
        allowed = RUNTIME_PARAMS + RUNTIME_TYPE_PARAMS.get(rtype or _RUNTIME_TYPE_OF_MATCH.get(validated[0]), ())
        unknown = [k for k in runtime if k not in allowed]
        if unknown:
            cause = mapper_parsing(f"unknown parameter [{unknown[0]}] on runtime field [__dynamic__{name}] of type "
                                   f"[{java_str(rtype)}]")
    if cause is not None:
        # The template is printed as a map with sorted keys (8.19.21, 9.5.2).
        content = json.dumps(body, sort_keys=True, separators=(",", ":"))
        raise illegal_argument(
            f"dynamic template [{name}] has invalid content [{content}], attempted to validate it with the "
            f"following match_mapping_type: [{', '.join(validated)}]", caused_by=cause)


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
        if "script" in defn:
            out[name]["script"] = script_as_written(defn["script"])
    return dict(sorted(out.items()))


def script_as_written(script: Any) -> Any:
    """A script as Elasticsearch stores and returns it (Script.parse + Script.toXContent, 8.x/9.x):
    a string is the source of a painless script; ``lang`` defaults to painless; empty ``options``
    and ``params`` are not written."""
    if isinstance(script, str):
        return {"source": script, "lang": "painless"}
    if not isinstance(script, dict):
        return script
    out = dict(script)
    if "source" in out:
        out.setdefault("lang", "painless")
    for key in ("options", "params"):
        if out.get(key) == {}:
            del out[key]
    return out


# ----------------------------------------------------- metadata fields
SOURCE_PARAMS = ("enabled", "mode", "includes", "excludes")
SOURCE_MODES = ("synthetic", "stored", "disabled")
SOURCE_MODE_DEPRECATION = ("Configuring source mode in mappings is deprecated and will be removed in future versions. "
                           "Use [index.mapping.source.mode] index setting instead.")


def parse_source(meta: dict, ctx: MappingContext) -> dict:
    """The ``_source`` metadata field (SourceFieldMapper; 8.19.21, 9.5.2): unknown parameters,
    ``mode`` values and ``mode`` with ``enabled`` are refused; ``mode`` draws a deprecation
    warning; a synthetic source (from the mapping's ``mode`` on 8.x, only from the
    index.mapping.source.mode setting on 9.x) may not filter with includes/excludes. On 9.x
    ``mode`` is a no-op that an index does not keep (since 9.0.0, elastic/elasticsearch#119072)."""
    for key in meta:
        if key not in SOURCE_PARAMS:
            raise mapper_parsing(f"unknown parameter [{key}] on metadata field [_source]")
    mode = meta.get("mode")
    if mode is not None:
        if not isinstance(mode, str) or mode.lower() not in SOURCE_MODES:
            raise illegal_argument(f"No enum constant org.elasticsearch.index.mapper.SourceFieldMapper.Mode."
                                   f"{java_str(mode).upper()}")
        if meta.get("enabled") is not None:
            raise mapper_parsing("Cannot set both [mode] and [enabled] parameters")
        ctx.warn(SOURCE_MODE_DEPRECATION)
    effective = ctx.source_mode
    if effective is None and not ctx.version.source_mode_in_mapping_ignored and isinstance(mode, str):
        effective = mode.lower()
    if effective == "synthetic" and (meta.get("includes") or meta.get("excludes")):
        raise illegal_argument("filtering the stored _source is incompatible with synthetic source")
    if ctx.materialize and ctx.version.source_mode_in_mapping_ignored:
        meta.pop("mode", None)
    return meta


def subobjects_value(value: Any) -> bool:
    """ObjectMapper.Subobjects.from: true / false (also as strings, in any case); anything else,
    ``auto`` included, is an ElasticsearchParseException (8.19.21, 9.5.2)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise parse_exception(f"unknown subobjects value: {java_str(value)}")


def flatten_subobjects(props: dict, prefix: str, parent: str, dynamic: str, ctx: MappingContext) -> dict:
    """Parsed properties of an object with ``subobjects: false``: object children are
    auto-flattened into dotted leaf names (``o: {properties: {p: ...}}`` -> ``o.p``; a leaf
    an object flattens into wins over a dotted field of the same name), objects without
    fields vanish (8.19.21, 9.5.2). An object whose ``subobjects: true``, ``dynamic`` (other
    than the context's) or ``enabled: false`` would be lost cannot be flattened (reported in
    that order of checks); nested fields stay from 9.5 (elastic/elasticsearch#152357: 9.5.2
    keeps them, 8.19.21 refuses them). 9.5 raises the auto-flattening errors while building
    the mappers (not wrapped in "Failed to parse mapping", and with a hint for
    ``enabled: false``); 8.19.21 as plain IllegalArgumentExceptions during parsing."""
    v95 = ctx.version.subobjects_false_keeps_nested
    disabled: list[EsError] = []

    def fail(name: str, why: str) -> EsError:
        text = (f"Object mapper [{name}] was found in a context where subobjects is set to false. "
                f"Auto-flattening [{name}] failed because {why}")
        return BuildFailure("mapper_parsing_exception", text) if v95 else illegal_argument(text)

    def walk(props: dict, prefix: str) -> dict:
        leaves: dict = {}
        flattened: dict = {}
        for name, defn in props.items():
            full = prefix + name
            if not (isinstance(defn, dict) and is_object(defn)):
                leaves[full] = defn
            elif defn.get("type") == "nested":
                if not v95:
                    raise mapper_parsing(f"Tried to add nested object [{name}] to object [{parent}] which does "
                                         "not support subobjects")
                leaves[full] = defn
            else:
                if defn.get("subobjects") is True:
                    raise fail(name, "the value of [subobjects] is [true]")
                child_dynamic = defn.get("dynamic", dynamic)
                if child_dynamic != dynamic:
                    raise fail(name, f"the value of [dynamic] ({child_dynamic.upper()}) is not compatible with the "
                               f"value from its parent context ({dynamic.upper()})")
                if defn.get("enabled") is False:
                    disabled.append(fail(name, "the value of [enabled] is [false]"
                                         + (f"; no fields with the prefix [{name}] are allowed" if v95 else "")))
                flattened.update(walk(defn.get("properties") or {}, full + "."))
        return {**leaves, **flattened}

    out = walk(props, prefix)
    if disabled:
        raise disabled[0]
    return out


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


def parse_properties(raw: Any, prefix: str, ctx: MappingContext, in_nested: bool, subobjects: Any = True,
                     dynamic: str = "true") -> dict:
    if not isinstance(raw, dict):
        raise mapper_parsing(f"Expected map for property [properties] but got [{java_str(raw)}]")
    out: dict = {}
    for name, defn in expand_dots(raw, subobjects).items():
        if not name or not name.strip():
            raise illegal_argument("field name cannot be an empty string")
        out[name] = parse_field(name, prefix + name, defn, ctx, in_nested, dynamic)
    if subobjects is False:
        out = flatten_subobjects(out, "", prefix.rstrip(".") or "_doc", dynamic, ctx)
    return dict(sorted(out.items()))


def parse_field(name: str, path: str, raw: Any, ctx: MappingContext, in_nested: bool, dynamic: str = "true") -> dict:
    if not isinstance(raw, dict):
        raise mapper_parsing(f"Expected map for property [fields] on field [{name}] but got a class java.lang.String")
    type_ = raw.get("type")
    if type_ is None or type_ in ("object", "nested"):
        return parse_object(name, path, raw, ctx, in_nested, type_ or "object", dynamic)
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
        default = ctx.default_of(key, param)
        if coerced is None or (default is not None and coerced == default and not param.explicit):
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


def parse_object(name: str, path: str, raw: dict, ctx: MappingContext, in_nested: bool, type_: str,
                 dynamic: str = "true") -> dict:
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
        out["subobjects"] = subobjects_value(raw["subobjects"])
    for key in ("include_in_parent", "include_in_root"):
        if key in raw and parse_bool(raw[key], key):
            out[key] = True
    if out.get("include_in_parent") and out.get("include_in_root") and not in_nested and ctx.materialize:
        # Without a nested ancestor the parent is the root: include_in_root is redundant and
        # dropped (8.19.21, 9.5.2).
        del out["include_in_root"]
    props = {}
    if raw.get("properties") is not None:
        props = parse_properties(raw["properties"], path + ".", ctx, in_nested or type_ == "nested",
                                 out.get("subobjects", True), out.get("dynamic", dynamic))
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
    rescore_vector oversample 3.0, and before 9.4 int4's confidence_interval 0.0
    (versions.int4_shows_confidence_interval)."""
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


def check_timestamp_field(parsed: dict, flat: dict) -> None:
    """The ``@timestamp`` of a data-stream template or a time_series index
    (MetadataCreateDataStreamService.validateTimestampFieldMapping; 8.19.21, 9.5.2)."""
    field = (parsed.get("properties") or {}).get("@timestamp") or {}
    ftype = field.get("type", "object")
    if ftype not in ("date", "date_nanos"):
        raise illegal_argument(f"data stream timestamp field [@timestamp] is of type [{ftype}], but "
                               "[date,date_nanos] is expected")
    # Only the field's own ignore_malformed counts: index.mapping.ignore_malformed does not reach the
    # data stream's @timestamp (8.19.21 and 9.5.2 take the setting with a plain @timestamp date).
    if field.get("ignore_malformed") in (True, "true"):
        raise illegal_argument("data stream timestamp field [@timestamp] has disallowed [ignore_malformed] attribute "
                               "specified")


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
    """Create-index / template validation report mapping errors as "Failed to parse mapping: ..."
    (but the ones raised once the mapping is parsed, ``BuildFailure``, as they are)."""
    if isinstance(err, BuildFailure):
        return err
    return mapper_parsing(f"Failed to parse mapping: {err.reason}", caused_by=err)
