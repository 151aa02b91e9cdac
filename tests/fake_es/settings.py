"""Index settings: the registry of known index-scoped settings and normalisation.

What it is for: turn any accepted input form (nested ``{"index": {...}}``,
flat dotted keys with or without the ``index.`` prefix, numbers/booleans)
into ES's internal form (flat ``index.*`` keys with string values), render
it back nested or flat like GET _settings does, and validate settings the way
IndexScopedSettings does (unknown / private / final / dynamic-vs-static,
value parsing for the common settings).

What it must not do: store settings or decide when they are applied (see
indices.py and templates.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import illegal_argument
from .similarity import suggest


@dataclass(frozen=True)
class SettingDef:
    key: str
    dynamic: bool = False
    final: bool = False
    private: bool = False
    kind: str = "str"  # str | int | bool | time | size | enum | list
    min: int | None = None
    choices: tuple[str, ...] = ()


def _defs(*defs: SettingDef) -> dict[str, SettingDef]:
    return {d.key: d for d in defs}


D, S = True, False
KNOWN: dict[str, SettingDef] = _defs(
    # static / final
    SettingDef("index.number_of_shards", final=True, kind="int", min=1),
    SettingDef("index.number_of_routing_shards", final=True, kind="int", min=1),
    SettingDef("index.routing_partition_size", final=True, kind="int", min=1),
    SettingDef("index.mode", final=True, kind="enum", choices=("standard", "time_series", "logsdb", "lookup")),
    SettingDef("index.codec", kind="enum", choices=("default", "best_compression", "lucene_default", "legacy_default", "legacy_best_compression")),
    SettingDef("index.soft_deletes.enabled", final=True, kind="bool"),
    SettingDef("index.load_fixed_bitset_filters_eagerly", kind="bool"),
    SettingDef("index.shard.check_on_startup", kind="enum", choices=("false", "true", "checksum")),
    SettingDef("index.store.type"),
    SettingDef("index.store.preload", kind="list"),
    SettingDef("index.queries.cache.enabled", kind="bool"),
    SettingDef("index.mapping.coerce", kind="bool"),
    SettingDef("index.mapping.ignore_malformed", kind="bool"),
    SettingDef("index.mapping.source.mode", final=True, kind="enum", choices=("stored", "synthetic", "disabled")),
    SettingDef("index.mapping.semantic_text.use_legacy_format", final=True, kind="bool"),
    SettingDef("index.mapping.exclude_source_vectors", final=True, kind="bool"),
    SettingDef("index.semantic_text.default_inference_id", final=True),
    SettingDef("index.sort.field", final=True, kind="list"),
    SettingDef("index.sort.order", final=True, kind="list"),
    SettingDef("index.sort.mode", final=True, kind="list"),
    SettingDef("index.sort.missing", final=True, kind="list"),
    # dynamic
    SettingDef("index.number_of_replicas", dynamic=D, kind="int", min=0),
    SettingDef("index.auto_expand_replicas", dynamic=D),
    SettingDef("index.refresh_interval", dynamic=D, kind="time"),
    SettingDef("index.max_result_window", dynamic=D, kind="int", min=1),
    SettingDef("index.max_inner_result_window", dynamic=D, kind="int", min=1),
    SettingDef("index.max_rescore_window", dynamic=D, kind="int", min=1),
    SettingDef("index.max_docvalue_fields_search", dynamic=D, kind="int", min=0),
    SettingDef("index.max_script_fields", dynamic=D, kind="int", min=0),
    SettingDef("index.max_ngram_diff", dynamic=D, kind="int", min=0),
    SettingDef("index.max_shingle_diff", dynamic=D, kind="int", min=0),
    SettingDef("index.max_refresh_listeners", dynamic=D, kind="int", min=0),
    SettingDef("index.max_terms_count", dynamic=D, kind="int", min=1),
    SettingDef("index.max_regex_length", dynamic=D, kind="int", min=1),
    SettingDef("index.max_slices_per_scroll", dynamic=D, kind="int", min=1),
    SettingDef("index.analyze.max_token_count", dynamic=D, kind="int", min=1),
    SettingDef("index.highlight.max_analyzed_offset", dynamic=D, kind="int", min=1),
    SettingDef("index.query.default_field", dynamic=D, kind="list"),
    SettingDef("index.routing.allocation.enable", dynamic=D, kind="enum", choices=("all", "primaries", "new_primaries", "none")),
    SettingDef("index.routing.rebalance.enable", dynamic=D, kind="enum", choices=("all", "primaries", "replicas", "none")),
    SettingDef("index.routing.allocation.total_shards_per_node", dynamic=D, kind="int", min=-1),
    SettingDef("index.gc_deletes", dynamic=D, kind="time"),
    SettingDef("index.default_pipeline", dynamic=D),
    SettingDef("index.final_pipeline", dynamic=D),
    SettingDef("index.hidden", dynamic=D, kind="bool"),
    SettingDef("index.blocks.read_only", dynamic=D, kind="bool"),
    SettingDef("index.blocks.read_only_allow_delete", dynamic=D, kind="bool"),
    SettingDef("index.blocks.read", dynamic=D, kind="bool"),
    SettingDef("index.blocks.write", dynamic=D, kind="bool"),
    SettingDef("index.blocks.metadata", dynamic=D, kind="bool"),
    SettingDef("index.mapping.total_fields.limit", dynamic=D, kind="int", min=0),
    SettingDef("index.mapping.total_fields.ignore_dynamic_beyond_limit", dynamic=D, kind="bool"),
    SettingDef("index.mapping.depth.limit", dynamic=D, kind="int", min=1),
    SettingDef("index.mapping.nested_fields.limit", dynamic=D, kind="int", min=0),
    SettingDef("index.mapping.nested_objects.limit", dynamic=D, kind="int", min=0),
    SettingDef("index.mapping.field_name_length.limit", dynamic=D, kind="int", min=1),
    SettingDef("index.mapping.dimension_fields.limit", dynamic=D, kind="int", min=0),
    SettingDef("index.search.idle.after", dynamic=D, kind="time"),
    SettingDef("index.translog.durability", dynamic=D, kind="enum", choices=("request", "async")),
    SettingDef("index.translog.sync_interval", dynamic=D, kind="time"),
    SettingDef("index.translog.flush_threshold_size", dynamic=D, kind="size"),
    SettingDef("index.unassigned.node_left.delayed_timeout", dynamic=D, kind="time"),
    SettingDef("index.priority", dynamic=D, kind="int", min=0),
    SettingDef("index.lifecycle.name", dynamic=D),
    SettingDef("index.lifecycle.rollover_alias", dynamic=D),
    SettingDef("index.lifecycle.parse_origination_date", dynamic=D, kind="bool"),
    SettingDef("index.lifecycle.origination_date", dynamic=D, kind="int", min=-1),
    SettingDef("index.lifecycle.indexing_complete", dynamic=D, kind="bool"),
    SettingDef("index.soft_deletes.retention_lease.period", dynamic=D, kind="time"),
    SettingDef("index.merge.scheduler.max_thread_count", dynamic=D, kind="int", min=1),
    SettingDef("index.routing.allocation.include._tier_preference", dynamic=D),
    # private: managed by ES, never settable
    SettingDef("index.uuid", private=True),
    SettingDef("index.creation_date", private=True),
    SettingDef("index.provided_name", private=True),
    SettingDef("index.version.created", private=True),
    SettingDef("index.version.upgraded", private=True),
    SettingDef("index.version.compatibility", private=True),
    SettingDef("index.history.uuid", private=True),
    SettingDef("index.resize.source.name", private=True),
    SettingDef("index.resize.source.uuid", private=True),
)

# Affix settings: (prefix, dynamic). Anything under these prefixes is known.
AFFIX: tuple[tuple[str, bool], ...] = (
    ("index.analysis.", False),
    ("index.similarity.", False),
    ("index.routing.allocation.include.", True),
    ("index.routing.allocation.exclude.", True),
    ("index.routing.allocation.require.", True),
    ("index.search.slowlog.", True),
    ("index.indexing.slowlog.", True),
    ("index.merge.policy.", True),
    ("index.store.fs.", False),
)

_TIME = re.compile(r"^(-1|0|\d+(\.\d+)?(nanos|micros|ms|s|m|h|d))$")
_SIZE = re.compile(r"^\d+(\.\d+)?(b|kb|k|mb|m|gb|g|tb|t|pb|p)?$", re.I)


def lookup(key: str) -> SettingDef | None:
    if key in KNOWN:
        return KNOWN[key]
    for prefix, dynamic in AFFIX:
        if key.startswith(prefix) and len(key) > len(prefix):
            return SettingDef(key, dynamic=dynamic, kind="any")
    return None


# ------------------------------------------------------------------ shapes
def stringify(value: Any) -> Any:
    """ES stores every setting value as a string (lists as lists of strings)."""
    if value is None:
        return None
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return [stringify(v) for v in value]
    if isinstance(value, float):
        return repr(value)
    return str(value)


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(obj, dict):
        raise illegal_argument(f"malformed settings section, expected an object but got [{obj}]")
    for key, value in obj.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            if not value:
                continue
            out.update(flatten(value, full + "."))
        else:
            out[full] = stringify(value)
    return out


def normalize(settings: Any) -> dict[str, Any]:
    """Flatten, stringify and apply ES's ``normalizePrefix("index.")``."""
    if settings is None:
        return {}
    flat = flatten(settings)
    out: dict[str, Any] = {}
    for key, value in flat.items():
        if not key.startswith("index."):
            key = "index." + key
        out[key] = value
    return out


def unwrap(body: Any) -> Any:
    if isinstance(body, dict) and set(body) == {"settings"}:
        return body["settings"]
    return body


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in sorted(flat):
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = {}
                node[part] = nxt
            node = nxt
        node[parts[-1]] = flat[key]
    return out


def render(flat: dict[str, Any], flat_settings: bool) -> dict[str, Any]:
    if flat_settings:
        return {k: flat[k] for k in sorted(flat)}
    return nest(flat)


# ------------------------------------------------------------- validation
def _unknown_message(key: str) -> str:
    hints = suggest(key, sorted(KNOWN))
    if hints:
        return f"unknown setting [{key}] did you mean " + (
            f"[{hints[0]}]?" if len(hints) == 1 else "any of [" + ", ".join(hints) + "]?"
        )
    return (
        f"unknown setting [{key}] please check that any required plugins are installed, "
        "or check the breaking changes documentation for removed settings"
    )


def _check_value(d: SettingDef, value: Any) -> None:
    if value is None or d.kind in ("str", "any", "list"):
        return
    if isinstance(value, list):
        raise illegal_argument(f"Failed to parse value [{value}] for setting [{d.key}]")
    if d.kind == "bool":
        if value not in ("true", "false"):
            raise illegal_argument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")
    elif d.kind == "int":
        try:
            number = int(value)
        except ValueError:
            raise illegal_argument(f"Failed to parse value [{value}] for setting [{d.key}]") from None
        if d.min is not None and number < d.min:
            raise illegal_argument(f"Failed to parse value [{value}] for setting [{d.key}] must be >= {d.min}")
    elif d.kind == "time":
        if not _TIME.match(value):
            raise illegal_argument(
                f"failed to parse setting [{d.key}] with value [{value}] as a time value: "
                "unit is missing or unrecognized"
            )
    elif d.kind == "size":
        if not _SIZE.match(value):
            raise illegal_argument(
                f"failed to parse setting [{d.key}] with value [{value}] as a size in bytes: "
                "unit is missing or unrecognized"
            )
    elif d.kind == "enum" and value not in d.choices:
        raise illegal_argument(
            f"unknown value for [{d.key}] must be one of [{', '.join(d.choices)}] but was: {value}"
        )


def validate_for_create(flat: dict[str, Any]) -> None:
    """IndexScopedSettings.validate as run by create-index (and templates)."""
    for key, value in flat.items():
        d = lookup(key)
        if d is None:
            raise illegal_argument(_unknown_message(key))
        if d.private:
            raise illegal_argument(f"private index setting [{key}] can not be set explicitly")
        _check_value(d, value)


def validation_errors(flat: dict[str, Any]) -> list[str]:
    """Same checks, collected as messages (templates report them in a ValidationException)."""
    errors = []
    for key, value in flat.items():
        try:
            validate_for_create({key: value})
        except Exception as exc:  # EsError
            errors.append(getattr(exc, "reason", str(exc)))
    return errors


def validate_for_update(flat: dict[str, Any]) -> None:
    for key, value in flat.items():
        d = lookup(key)
        if d is None:
            raise illegal_argument(_unknown_message(key))
        if d.private:
            raise illegal_argument(f"can not update private setting [{key}]; this setting is managed by Elasticsearch")
        _check_value(d, value)


def is_dynamic(key: str) -> bool:
    d = lookup(key)
    return bool(d and d.dynamic)


def is_final(key: str) -> bool:
    d = lookup(key)
    return bool(d and d.final)
