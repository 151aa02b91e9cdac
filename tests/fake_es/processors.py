"""Ingest processors: configuration validation (at PUT) and execution.

What it is for: validate processor configs like ES's processor factories do
(unknown type, required properties, unsupported parameters, a few value
checks) with ES's ``parse_exception`` messages and metadata, and execute the
processors the fake supports when documents are indexed through a pipeline.

Executed: set, remove, rename, lowercase, uppercase, trim, append, convert,
split, json, drop, fail, pipeline, dot_expander; set_security_user fails the
way it does on a cluster with security disabled (the fake has no security). Every other known processor
is validated and stored but is a no-op at index time (grok, date, script,
inference, ... — the fake does not emulate them); a test relying on their
effect must use a real cluster.

What it must not do: store pipelines (pipelines.py) or know about indices.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

from .errors import EsError, illegal_argument, java_str, parse_exception

COMMON = ("if", "tag", "description", "ignore_failure", "on_failure")
_F = ("field",)
_FIELD_OPTS = ("target_field", "ignore_missing")

# type -> (required, optional). Alternatives (either-or) are checked in _special().
SPECS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "set": (_F, ("value", "copy_from", "override", "ignore_empty_value", "media_type")),
    "rename": (("field", "target_field"), ("ignore_missing", "override")),
    "remove": ((), ("field", "keep", "ignore_missing")),
    "lowercase": (_F, _FIELD_OPTS), "uppercase": (_F, _FIELD_OPTS), "trim": (_F, _FIELD_OPTS),
    "html_strip": (_F, _FIELD_OPTS), "urldecode": (_F, _FIELD_OPTS), "bytes": (_F, _FIELD_OPTS),
    "convert": (("field", "type"), _FIELD_OPTS),
    "date": (("field", "formats"), ("target_field", "timezone", "locale", "output_format")),
    "date_index_name": (("field", "date_rounding"), ("index_name_prefix", "index_name_format", "date_formats", "timezone", "locale")),
    "json": (_F, ("target_field", "add_to_root", "add_to_root_conflict_strategy", "allow_duplicate_keys", "strict_json_parsing")),
    "script": ((), ("source", "id", "lang", "params", "options")),
    "pipeline": (("name",), ("ignore_missing_pipeline",)),
    "inference": (("model_id",), ("input_output", "target_field", "field_map", "inference_config", "ignore_missing")),
    "drop": ((), ()),
    "fail": (("message",), ()),
    "append": (_F, ("value", "copy_from", "allow_duplicates", "media_type", "ignore_empty_values")),
    "split": (("field", "separator"), ("target_field", "ignore_missing", "preserve_trailing")),
    "gsub": (("field", "pattern", "replacement"), _FIELD_OPTS),
    "grok": (("field", "patterns"), ("pattern_definitions", "ecs_compatibility", "trace_match", "ignore_missing")),
    "dissect": (("field", "pattern"), ("append_separator", "ignore_missing")),
    "kv": (("field", "field_split", "value_split"), ("target_field", "include_keys", "exclude_keys", "ignore_missing", "prefix", "trim_key", "trim_value", "strip_brackets")),
    "csv": (("field", "target_fields"), ("separator", "quote", "ignore_missing", "trim", "empty_value")),
    "foreach": (("field", "processor"), ("ignore_missing",)),
    "dot_expander": (_F, ("path", "override")),
    "attachment": (_F, ("target_field", "indexed_chars", "indexed_chars_field", "properties", "ignore_missing", "remove_binary", "resource_name")),
    "user_agent": (_F, ("target_field", "regex_file", "properties", "extract_device_type", "ignore_missing")),
    "geoip": (_F, ("target_field", "database_file", "properties", "ignore_missing", "first_only", "download_database_on_pipeline_creation")),
    "enrich": (("policy_name", "field", "target_field"), ("ignore_missing", "override", "max_matches", "shape_relation")),
    "fingerprint": (("fields",), ("target_field", "salt", "method", "ignore_missing")),
    "sort": (_F, ("order", "target_field")),
    "join": (("field", "separator"), ("target_field",)),
    "uri_parts": (_F, ("target_field", "keep_original", "remove_if_successful", "ignore_missing")),
    "community_id": ((), ("source_ip", "source_port", "destination_ip", "destination_port", "iana_number", "icmp_type", "icmp_code", "transport", "target_field", "seed", "ignore_missing")),
    "network_direction": ((), ("source_ip", "destination_ip", "target_field", "internal_networks", "internal_networks_field", "ignore_missing")),
    "registered_domain": (("field", "target_field"), ("ignore_missing",)),
    "redact": (("field", "patterns"), ("pattern_definitions", "prefix", "suffix", "ignore_missing", "skip_if_unlicensed", "trace_redact")),
    "reroute": ((), ("destination", "dataset", "namespace")),
    "terminate": ((), ()),
    "circle": (("field", "error_distance", "shape_type"), _FIELD_OPTS),
    "set_security_user": (_F, ("properties",)),
}
SECURITY_USER_PROPERTIES = ("username", "roles", "email", "full_name", "metadata", "api_key", "realm",
                            "authentication_type", "profile_uid")
CONVERT_TYPES = ("integer", "long", "float", "double", "string", "boolean", "ip", "auto")


def _tag(config: Any) -> str | None:
    return config.get("tag") if isinstance(config, dict) else None


def validate_processors(items: Any, property_name: str = "processors") -> None:
    if not isinstance(items, list):
        raise parse_exception(f"[{property_name}] property isn't a list, but of type [{type(items).__name__}]",
                              property_name=property_name)
    for item in items:
        if not isinstance(item, dict):
            raise parse_exception(f"[{property_name}] property isn't a map, but of type [{type(item).__name__}]")
        for ptype, config in item.items():
            validate_processor(ptype, config)


def validate_processor(ptype: str, config: Any) -> None:
    tag = _tag(config)
    spec = SPECS.get(ptype)
    if spec is None:
        raise parse_exception(f"No processor type exists with name [{ptype}]", processor_type=ptype, processor_tag=tag)
    if ptype == "script" and isinstance(config, str):
        return
    if not isinstance(config, dict):
        raise parse_exception(f"property isn't a map, but of type [{type(config).__name__}]", processor_type=ptype)
    if "on_failure" in config:
        if not isinstance(config["on_failure"], list) or not config["on_failure"]:
            raise parse_exception("[on_failure] processors list cannot be empty", processor_type=ptype,
                                  property_name="on_failure", processor_tag=tag)
        validate_processors(config["on_failure"], "on_failure")
    required, optional = spec
    for key in required:
        if config.get(key) is None:
            raise parse_exception(f"[{key}] required property is missing", processor_type=ptype,
                                  property_name=key, processor_tag=tag)
    _special(ptype, config, tag)
    extra = [k for k in config if k not in required and k not in optional and k not in COMMON]
    if extra:
        raise parse_exception(
            f"processor [{ptype}] doesn't support one or more provided configuration parameters [{', '.join(extra)}]",
            processor_type=ptype, processor_tag=tag,
        )


def _special(ptype: str, c: dict, tag: str | None) -> None:
    def err(msg: str, prop: str | None = None) -> EsError:
        return parse_exception(msg, processor_type=ptype, property_name=prop, processor_tag=tag)

    if ptype in ("set", "append"):
        if "value" in c and "copy_from" in c:
            raise err("cannot set both `copy_from` and `value` in the same processor", "copy_from")
        if "value" not in c and "copy_from" not in c:
            raise err("[value] required property is missing", "value")
    elif ptype == "remove":
        if "field" in c and "keep" in c:
            raise err("[keep] and [field] cannot both be used in the same processor", "keep")
        if "field" not in c and "keep" not in c:
            raise err("[keep] or [field] must be specified", "field")
    elif ptype == "convert" and c["type"] not in CONVERT_TYPES:
        raise err(f"type [{c['type']}] not supported, cannot convert field.", "type")
    elif ptype == "grok" and (not isinstance(c["patterns"], list) or not c["patterns"]):
        raise err("List of patterns must not be empty", "patterns")
    elif ptype == "script" and "source" not in c and "id" not in c:
        raise illegal_argument("must specify either [source] for an inline script or [id] for a stored script")
    elif ptype == "script" and "source" in c and "id" in c:
        raise illegal_argument("[script] cannot have both [source] and [id]")
    elif ptype == "foreach":
        inner = c["processor"]
        if not isinstance(inner, dict) or len(inner) != 1:
            raise err("Must specify exactly one processor type", "processor")
        validate_processors([inner], "processor")
    elif ptype == "inference" and "input_output" in c and ("field_map" in c or "target_field" in c):
        raise err("[input_output] cannot be used with [target_field] or [field_map]", "input_output")
    elif ptype == "set_security_user" and isinstance(c.get("properties"), list):
        for value in c["properties"]:
            if str(value).lower() not in SECURITY_USER_PROPERTIES:
                # (sic) "is in valid" — 8.19.21 and 9.5.2 wording.
                raise err(f"[properties] Property value [{value}] is in valid", "properties")
    elif ptype == "gsub":
        try:
            re.compile(c["pattern"])
        except re.error as exc:
            raise err(f"Invalid regex pattern. {exc}", "pattern") from None


# ------------------------------------------------------------- execution
class Dropped(Exception):
    """The document was dropped by a ``drop`` processor."""


def get_path(doc: dict, path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(path)
        node = node[part]
    return node


def has_path(doc: dict, path: str) -> bool:
    try:
        get_path(doc, path)
        return True
    except KeyError:
        return False


def set_path(doc: dict, path: str, value: Any) -> None:
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        nxt = node.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            node[part] = nxt
        node = nxt
    node[parts[-1]] = value


def remove_path(doc: dict, path: str) -> None:
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node[part]
    del node[parts[-1]]


_MUSTACHE = re.compile(r"\{\{\{?\s*([^}\s]+)\s*\}?\}\}")


def render(template: Any, doc: dict, meta: dict) -> Any:
    if not isinstance(template, str):
        return template

    def sub(m: re.Match) -> str:
        key = m.group(1)
        if key in meta:
            return str(meta[key])
        try:
            value = get_path(doc, key)
        except KeyError:
            return ""
        return value if isinstance(value, str) else json.dumps(value)

    return _MUSTACHE.sub(sub, template)


def _convert(value: Any, target: str, field: str) -> Any:
    try:
        if target in ("integer", "long"):
            return int(value)
        if target in ("float", "double"):
            return float(value)
        if target == "string":
            return value if isinstance(value, str) else json.dumps(value)
        if target == "boolean":
            if str(value).lower() in ("true", "false"):
                return str(value).lower() == "true"
            raise ValueError
        return value
    except (TypeError, ValueError):
        raise illegal_argument(f"unable to convert [{java_str(value)}] to {target}") from None


def execute(ptype: str, c: Any, doc: dict, meta: dict, run_pipeline: Callable[[str, dict], dict]) -> None:
    if not isinstance(c, dict):
        return
    field = c.get("field")
    target = c.get("target_field", field)
    missing_ok = c.get("ignore_missing", False)

    def value_of(path: str) -> Any:
        try:
            return get_path(doc, path)
        except KeyError:
            raise illegal_argument(f"field [{path}] not present as part of path [{path}]") from None

    if ptype in ("lowercase", "uppercase", "trim", "split", "convert", "json", "rename") and not has_path(doc, field):
        if missing_ok:
            return
        value_of(field)
    if ptype == "set":
        if not c.get("override", True) and has_path(doc, field):
            return
        value = value_of(c["copy_from"]) if "copy_from" in c else render(c["value"], doc, meta)
        if c.get("ignore_empty_value") and value in (None, ""):
            return
        set_path(doc, render(field, doc, meta), value)
    elif ptype == "remove":
        if "keep" in c:
            keep = c["keep"] if isinstance(c["keep"], list) else [c["keep"]]
            for key in [k for k in doc if k not in keep]:
                del doc[key]
            return
        for path in c["field"] if isinstance(c["field"], list) else [c["field"]]:
            if has_path(doc, path):
                remove_path(doc, path)
            elif not missing_ok:
                raise illegal_argument(f"field [{path}] not present as part of path [{path}]")
    elif ptype == "rename":
        if has_path(doc, c["target_field"]) and not c.get("override", False):
            raise illegal_argument(f"field [{c['target_field']}] already exists")
        value = value_of(field)
        remove_path(doc, field)
        set_path(doc, c["target_field"], value)
    elif ptype in ("lowercase", "uppercase", "trim"):
        value = value_of(field)
        if not isinstance(value, str):
            raise illegal_argument(f"field [{field}] of type [{type(value).__name__}] cannot be cast to [java.lang.String]")
        set_path(doc, target, {"lowercase": value.lower(), "uppercase": value.upper(), "trim": value.strip()}[ptype])
    elif ptype == "append":
        values = c["value"] if isinstance(c.get("value"), list) else [c.get("value")]
        values = [render(v, doc, meta) for v in values]
        current = get_path(doc, field) if has_path(doc, field) else []
        current = current if isinstance(current, list) else [current]
        for v in values:
            if c.get("allow_duplicates", True) or v not in current:
                current.append(v)
        set_path(doc, field, current)
    elif ptype == "convert":
        set_path(doc, target, _convert(value_of(field), c["type"], field))
    elif ptype == "split":
        set_path(doc, target, re.split(c["separator"], value_of(field)))
    elif ptype == "json":
        parsed = json.loads(value_of(field))
        if c.get("add_to_root") and isinstance(parsed, dict):
            doc.update(parsed)
        else:
            set_path(doc, target, parsed)
    elif ptype == "dot_expander":
        if field == "*":
            keys = [k for k in doc if "." in k]
        else:
            keys = [field] if field in doc else []
        for key in keys:
            set_path(doc, key, doc.pop(key))
    elif ptype == "drop":
        raise Dropped()
    elif ptype == "fail":
        raise EsError("fail_processor_exception", render(c["message"], doc, meta), 500)
    elif ptype == "set_security_user":
        # The fake has no security; ES with security disabled fails like this (8.19.21, 9.5.2).
        raise EsError("illegal_state_exception",
                      "Security (authentication) is not enabled on this cluster, so there is no active user - "
                      "the [set_security_user] processor cannot be used without security", 500)
    elif ptype == "pipeline":
        run_pipeline(render(c["name"], doc, meta), doc)
