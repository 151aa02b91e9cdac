"""Index settings: the registry of known index-scoped settings and normalisation.

What it is for: turn any accepted input form (nested ``{"index": {...}}``,
flat dotted keys with or without the ``index.`` prefix, numbers/booleans)
into ES's internal form (flat ``index.*`` keys with string values), render
it back nested or flat like GET _settings does, and validate settings the way
IndexScopedSettings does (unknown / private / final / dynamic-vs-static,
value parsing for the common settings).

Validation follows AbstractScopedSettings.validate: every key is checked, the
first failure is raised and the others are attached as ``suppressed`` (the
order of several failures is not stable on a real node — it changed between
two starts of the same 9.5.2 node — the fake uses Java HashMap key order); private settings (``index.uuid``,
``index.creation_date`` ...) are not registered and so are reported as
"unknown setting" (8.19.21, 9.5.2). Value errors carry ES's causes
(``number_format_exception`` "For input string: ..." for numbers and for a
time value with a unit but no number).

What it must not do: store settings or decide when they are applied (see
indices.py and templates.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import EsError, illegal_argument, number_format
from .javamap import hashmap_order
from .processors import set_path
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
    SettingDef("index.mode", final=True, kind="mode", choices=("standard", "time_series", "logsdb", "lookup")),
    # time_series mode (IndexMetadata.INDEX_ROUTING_PATH, IndexSettings.TIME_SERIES_*; 8.19.21, 9.5.2):
    # the routing path is kept as sent (a string or a list).
    SettingDef("index.routing_path", final=True, kind="list"),
    SettingDef("index.time_series.start_time", final=True),
    SettingDef("index.time_series.end_time", dynamic=D),
    SettingDef("index.codec", kind="codec", choices=("default", "best_compression", "lucene_default", "legacy_default", "legacy_best_compression")),
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
    SettingDef("index.translog.durability", dynamic=D, kind="java_enum", choices=("request", "async")),
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
        set_path(out, key, flat[key])
    return out


def render(flat: dict[str, Any], flat_settings: bool) -> dict[str, Any]:
    if flat_settings:
        return {k: flat[k] for k in sorted(flat)}
    return nest(flat)


# ------------------------------------------------------------- validation
# index.mode values as 9.3+ error messages list them (9.3.8, 9.4.3; 9.5.2 adds three); 8.19.21 and
# 9.2.8 answer with Java's enum error instead.
INDEX_MODES_93 = ("standard", "time_series", "logsdb", "lookup")
INDEX_MODES_95 = INDEX_MODES_93 + ("columnar", "logsdb_columnar", "vectordb_document")
_ENUM_CLASSES = {"index.translog.durability": "org.elasticsearch.index.translog.Translog.Durability",
                 "index.mode": "org.elasticsearch.index.IndexMode"}


def _unknown_message(key: str) -> str:
    hints = suggest(key, sorted(k for k, d in KNOWN.items() if not d.private))
    if hints:
        return f"unknown setting [{key}] did you mean " + (
            f"[{hints[0]}]?" if len(hints) == 1 else "any of [" + ", ".join(hints) + "]?"
        )
    return (
        f"unknown setting [{key}] please check that any required plugins are installed, "
        "or check the breaking changes documentation for removed settings"
    )


def _time_error(key: str, value: str) -> EsError | None:
    """TimeValue.parseTimeValue as wrapped by Setting.get (8.19.21, 9.5.2)."""
    normalized = value.lower().strip()
    for suffix in ("nanos", "micros", "ms", "s", "m", "h", "d"):
        if normalized.endswith(suffix):
            number = normalized[: -len(suffix)].strip()
            try:
                int(number)
                return None
            except ValueError:
                pass
            try:
                float(number)
                return illegal_argument(f"failed to parse [{value}], fractional time values are not supported",
                                        caused_by=number_format(number))
            except ValueError:
                return illegal_argument(f"failed to parse [{value}]", caused_by=number_format(number))
    if normalized in ("-1", "0"):
        return None
    return illegal_argument(
        f"failed to parse setting [{key}] with value [{value}] as a time value: unit is missing or unrecognized"
    )


def time_value_error(key: str, value: str) -> EsError | None:
    """The error of a time value (a setting's, or a field parsed like one), or None."""
    return _time_error(key, value)


def value_error(d: SettingDef, value: Any, version=None) -> EsError | None:
    """The error ES raises for this value of a known setting, or None."""
    if value is None or d.kind in ("str", "any", "list"):
        return None
    if isinstance(value, list):
        return illegal_argument(f"Failed to parse value [{value}] for setting [{d.key}]")
    if d.kind == "bool":
        if value not in ("true", "false"):
            return illegal_argument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")
    elif d.kind == "int":
        try:
            number = int(value)
        except ValueError:
            return illegal_argument(f"Failed to parse value [{value}] for setting [{d.key}]", caused_by=number_format(value))
        if d.min is not None and number < d.min:
            return illegal_argument(f"Failed to parse value [{value}] for setting [{d.key}] must be >= {d.min}")
    elif d.kind == "time":
        return _time_error(d.key, value)
    elif d.kind == "size":
        if not _SIZE.match(value):
            return illegal_argument(
                f"failed to parse setting [{d.key}] with value [{value}] as a size in bytes: "
                "unit is missing or unrecognized"
            )
    elif d.kind == "codec" and value not in d.choices:
        # The message lists only the two documented codecs, whatever else is accepted (8.19.21, 9.5.2).
        return illegal_argument(f"unknown value for [{d.key}] must be one of [default, best_compression] but was: {value}")
    elif d.kind == "java_enum" and value.lower() not in d.choices:
        return illegal_argument(f"No enum constant {_ENUM_CLASSES[d.key]}.{value.upper()}")
    elif d.kind == "mode":
        if version is not None and version.at_least("9.3"):
            modes = INDEX_MODES_95 if version.at_least("9.5") else INDEX_MODES_93
            if value not in modes:
                return illegal_argument(f"[{value}] is an invalid index mode, valid modes are: [{','.join(modes)}]")
        elif value.lower() not in d.choices:
            return illegal_argument(f"No enum constant {_ENUM_CLASSES[d.key]}.{value.upper()}")
    elif d.kind == "enum" and value not in d.choices:
        return illegal_argument(
            f"unknown value for [{d.key}] must be one of [{', '.join(d.choices)}] but was: {value}"
        )
    return None


def setting_errors(flat: dict[str, Any], version=None, skip_private: bool = False,
                   routing_path_needs_mode: bool = True, mode_validators: bool = True) -> list[EsError]:
    """Every failure IndexScopedSettings.validate finds (in hash order of the keys).

    Private settings count as unknown unless ``skip_private`` (9.3+ component
    templates validate first with private settings ignored). An index template's own
    "Validation Failed" does not report a routing path without time_series mode (its
    composite validation does; ``routing_path_needs_mode``; 8.19.21, 9.5.2); an update
    body is not judged by the time_series validators (``mode_validators``)."""
    errors: list[EsError] = []
    for key in hashmap_order(flat):
        d = lookup(key)
        if d is not None and d.private and skip_private:
            continue
        if d is None or d.private:
            errors.append(illegal_argument(_unknown_message(key)))
            continue
        err = value_error(d, flat[key], version)
        if err is not None:
            errors.append(err)
    if not errors:  # the settings' validators run once every setting is valid on its own (8.19.21, 9.5.2)
        errors += _dependency_errors(flat, version, routing_path_needs_mode, mode_validators)
    return errors


def _dependency_errors(flat: dict[str, Any], version=None, routing_path_needs_mode: bool = True,
                       mode_validators: bool = True) -> list[EsError]:
    errors = []
    shards, routing = flat.get("index.number_of_shards"), flat.get("index.number_of_routing_shards")
    try:
        if shards is not None and routing is not None and int(routing) % int(shards) != 0:
            errors.append(illegal_argument(f"the number of source shards [{shards}] must be a factor of [{routing}]"))
    except ValueError:
        pass
    if not mode_validators:
        return errors
    # IndexMode's setting validators (8.19.21, 9.5.2 wording).
    time_series = flat.get("index.mode") == "time_series"
    if time_series and not flat.get("index.routing_path"):
        errors.append(illegal_argument("[index.mode=time_series] requires a non-empty [index.routing_path]"))
    if not time_series and routing_path_needs_mode and flat.get("index.routing_path"):
        errors.append(illegal_argument("[index.routing_path] requires [index.mode=time_series]"))
    if not time_series and version is not None and version.time_series_times_need_mode:
        for key in ("index.time_series.start_time", "index.time_series.end_time"):
            if flat.get(key) is not None:
                errors.append(illegal_argument(f"[{key}] requires [index.mode=time_series]"))
    return errors


def raise_first(errors: list[EsError]) -> None:
    """ExceptionsHelper.rethrowAndSuppress: the first error, the rest suppressed."""
    if errors:
        first = errors[0]
        first.suppressed = errors[1:]
        raise first


def validate_for_create(flat: dict[str, Any], version=None) -> None:
    """IndexScopedSettings.validate as run by create-index."""
    raise_first(setting_errors(flat, version))


def validation_errors(flat: dict[str, Any], version=None) -> list[str]:
    """Same checks as messages (index templates report them in a ValidationException)."""
    out = []
    for err in setting_errors(flat, version, routing_path_needs_mode=False):
        out.append(err.reason)
        out.extend(s.reason for s in err.suppressed)
    return out


def validate_for_update(flat: dict[str, Any], version=None) -> None:
    """The update body alone: IndexMode's validators (routing path, time bounds) need the
    whole index settings and do not judge a partial update (8.19.21, 9.5.2)."""
    raise_first(setting_errors(flat, version, mode_validators=False))


def is_dynamic(key: str) -> bool:
    d = lookup(key)
    return bool(d and d.dynamic)


def is_final(key: str) -> bool:
    d = lookup(key)
    return bool(d and d.final)
