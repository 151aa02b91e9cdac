"""Index settings as Elasticsearch stores them: flat ``index.*`` keys with string values.

Elasticsearch accepts settings nested or dotted, with or without the ``index.`` prefix, as
numbers, booleans or strings, and returns them nested with every value a string
(reference 3.4). Normalizing both sides to one flat, stringified form is what makes a
just-applied manifest plan as no change. This module also knows which index settings can
change on an open index. It does not send requests.
"""

from __future__ import annotations

import math
from typing import Any

#: Settings Elasticsearch adds to every index; they never come from a manifest (reference 3.4).
ADDED_BY_ELASTICSEARCH = frozenset({
    "index.uuid",
    "index.creation_date",
    "index.creation_date_string",
    "index.provided_name",
    "index.version.created",
    "index.version.created_string",
    "index.version.upgraded",
    "index.version.upgraded_string",
    "index.history.uuid",
    "index.resize.source.name",
    "index.resize.source.uuid",
})

#: Settings that can never change after creation (Elasticsearch: "final index setting [..], not updateable").
FINAL = frozenset({
    "index.number_of_shards",
    "index.number_of_routing_shards",
    "index.routing_partition_size",
    "index.mode",
    "index.soft_deletes.enabled",
    "index.mapping.semantic_text.use_legacy_format",
    "index.mapping.exclude_source_vectors",
    "index.semantic_text.default_inference_id",
    "index.sort.field",
    "index.sort.order",
    "index.sort.mode",
    "index.sort.missing",
})

#: Settings Elasticsearch changes on an open index (index modules docs, "Dynamic index settings").
DYNAMIC = frozenset({
    "index.number_of_replicas",
    "index.auto_expand_replicas",
    "index.refresh_interval",
    "index.max_result_window",
    "index.max_inner_result_window",
    "index.max_rescore_window",
    "index.max_docvalue_fields_search",
    "index.max_script_fields",
    "index.max_ngram_diff",
    "index.max_shingle_diff",
    "index.max_refresh_listeners",
    "index.analyze.max_token_count",
    "index.highlight.max_analyzed_offset",
    "index.max_terms_count",
    "index.max_regex_length",
    "index.query.default_field",
    "index.routing.allocation.enable",
    "index.routing.rebalance.enable",
    "index.routing.allocation.total_shards_per_node",
    "index.gc_deletes",
    "index.default_pipeline",
    "index.final_pipeline",
    "index.hidden",
    "index.priority",
    "index.write.wait_for_active_shards",
    "index.requests.cache.enable",
    "index.search.idle.after",
    "index.unassigned.node_left.delayed_timeout",
    "index.translog.durability",
    "index.translog.flush_threshold_size",
    "index.translog.sync_interval",
    "index.mapping.total_fields.limit",
    "index.mapping.total_fields.ignore_dynamic_beyond_limit",
    "index.mapping.depth.limit",
    "index.mapping.nested_fields.limit",
    "index.mapping.nested_objects.limit",
    "index.mapping.field_name_length.limit",
    "index.mapping.dimension_fields.limit",
    "index.mapping.ignore_malformed",
    "index.mapping.coerce",
    "index.lifecycle.name",
    "index.lifecycle.rollover_alias",
    "index.lifecycle.parse_origination_date",
    "index.lifecycle.origination_date",
    "index.lifecycle.indexing_complete",
    "index.time_series.end_time",  # dynamic, so data stream rollover can move it (IndexSettings.TIME_SERIES_END_TIME)
    "index.look_ahead_time",
})

#: Dynamic setting families, matched by prefix.
DYNAMIC_PREFIXES = (
    "index.blocks.",
    "index.routing.allocation.include.",
    "index.routing.allocation.exclude.",
    "index.routing.allocation.require.",
    "index.search.slowlog.",
    "index.indexing.slowlog.",
    "index.merge.policy.",
    "index.merge.scheduler.",
)


def stringify(value: Any) -> Any:
    """A setting value as Elasticsearch returns it: strings, lists of strings, or null."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            # Java prints 1.0 as "1.0"; keep the decimal point as Elasticsearch does.
            return f"{int(value)}.0"
        return repr(value)
    if isinstance(value, list):
        return [stringify(v) for v in value]
    return str(value)


def flatten(settings: Any, prefix: str = "") -> dict[str, Any]:
    """Settings in any accepted shape -> {'index.x.y': 'value'}."""
    flat: dict[str, Any] = {}
    if not isinstance(settings, dict):
        return flat
    for key, value in settings.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, full + "."))
        else:
            flat[full] = stringify(value) if not isinstance(value, dict) else value
    if prefix:
        return flat
    out: dict[str, Any] = {}
    for key, value in flat.items():
        out[key if key.startswith("index.") else f"index.{key}"] = value
    return out


def normalize(settings: Any, drop_added: bool = True) -> dict[str, Any]:
    """The comparable form of a settings object; ``drop_added`` removes what Elasticsearch adds."""
    flat = flatten(settings)
    if drop_added:
        flat = {k: v for k, v in flat.items() if k not in ADDED_BY_ELASTICSEARCH}
    return dict(sorted(flat.items()))


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """{'index.a.b': '1'} -> {'index': {'a': {'b': '1'}}}, the shape Elasticsearch returns."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        node = out
        parts = key.split(".")
        for part in parts[:-1]:
            nxt = node.get(part)
            if not isinstance(nxt, dict):
                nxt = node[part] = {}
            node = nxt
        node[parts[-1]] = value
    return out


def is_dynamic(key: str) -> bool:
    return key in DYNAMIC or key.startswith(DYNAMIC_PREFIXES)


def needs_close(key: str) -> bool:
    """A static setting: Elasticsearch changes it only on a closed index (or with ``?reopen=true``,
    8.12+, elastic/elasticsearch#101723, which closes and reopens the index itself)."""
    return key not in FINAL and not is_dynamic(key)


def update_rule(key: str) -> str | None:
    """None when the setting changes on an open index; otherwise Elasticsearch's rule, in words."""
    if key in FINAL:
        return f"final index setting [{key}], not updateable: a new index is needed (reindex)"
    if is_dynamic(key):
        return None
    if key.startswith("index.analysis."):
        return (f"[{key}] is a static setting: Elasticsearch changes analysis settings only on a "
                "closed index (Can't update non dynamic settings for open indices)")
    return (f"[{key}] is not a dynamic setting: Elasticsearch changes it only on a closed index "
            "(Can't update non dynamic settings for open indices)")
