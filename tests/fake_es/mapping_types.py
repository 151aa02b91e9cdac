"""Field types known to the fake mapping engine and their parameters.

What it is for: a per-type table of the mapping parameters ES accepts, with
each parameter's value kind, default (defaults are not serialised back, like
ES's ``Parameter.isConfigured``, unless the parameter is ``explicit``), and
whether PUT _mapping may change it.
Exotic types are listed as permissive (any parameter accepted) rather than
guessed wrongly.

What it must not do: parse or merge mappings (see mappings.py and
mapping_merge.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANY = object()  # marker: permissive type, any parameter accepted


@dataclass(frozen=True)
class Param:
    kind: str = "any"  # bool | int | float | str | enum | map | list | any | str_list
    default: Any = None
    updatable: bool = False
    choices: tuple[str, ...] = ()
    # Explicit<T> parameters (defaults that come from index settings) are serialised whenever
    # they were given, even at their default value (8.19.21, 9.5.2).
    explicit: bool = False


@dataclass
class TypeSpec:
    name: str
    params: dict[str, Param] | object = field(default_factory=dict)
    multi_fields: bool = True
    copy_to: bool = True
    required: tuple[str, ...] = ()


def P(kind: str = "any", default: Any = None, updatable: bool = False, choices: tuple[str, ...] = (),
      explicit: bool = False) -> Param:
    return Param(kind, default, updatable, choices, explicit)


META = {"meta": P("map", updatable=True)}
INDEX_DV_STORE = {
    "index": P("bool", True),
    "doc_values": P("bool", True),
    "store": P("bool", False),
}
SCRIPT = {"script": P("any"), "on_script_error": P("enum", "fail", choices=("fail", "continue"))}
TEXT_ANALYSIS = {
    "analyzer": P("str"),
    "search_analyzer": P("str", updatable=True),
    "search_quote_analyzer": P("str", updatable=True),
    "similarity": P("str"),
    "term_vector": P(
        "enum", "no",
        choices=("no", "yes", "with_positions", "with_offsets", "with_positions_offsets",
                 "with_positions_payloads", "with_positions_offsets_payloads"),
    ),
}

_NUMERIC = {
    **INDEX_DV_STORE, **SCRIPT, **META,
    "coerce": P("bool", True, updatable=True, explicit=True),
    "ignore_malformed": P("bool", False, updatable=True, explicit=True),
    "null_value": P("any"),
    "time_series_dimension": P("bool", False),
    "time_series_metric": P("enum", choices=("gauge", "counter")),
}

VECTOR_SIMILARITIES = ("l2_norm", "cosine", "dot_product", "max_inner_product")  # ES's order
VECTOR_INDEX_TYPES = (
    "flat", "int8_flat", "int4_flat", "bbq_flat", "hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw", "bbq_disk",
)

TYPES: dict[str, TypeSpec] = {}


def _t(name: str, params: dict[str, Param] | object, **kw: Any) -> None:
    TYPES[name] = TypeSpec(name, params, **kw)


_t("text", {
    **TEXT_ANALYSIS, **META,
    "index": P("bool", True), "store": P("bool", False), "norms": P("bool", True, updatable=True),
    # Choices in ES's declaration order (default first), as its error message lists them.
    "index_options": P("enum", "positions", choices=("positions", "docs", "freqs", "offsets")),
    "index_phrases": P("bool", False), "index_prefixes": P("map"),
    "position_increment_gap": P("int", 100), "fielddata": P("bool", False, updatable=True),
    "fielddata_frequency_filter": P("map", updatable=True),
    "eager_global_ordinals": P("bool", False, updatable=True),
})
_t("keyword", {
    **INDEX_DV_STORE, **SCRIPT, **META,
    "ignore_above": P("int", 2147483647, updatable=True), "null_value": P("str"), "normalizer": P("str"),
    "norms": P("bool", False, updatable=True), "similarity": P("str"),
    "index_options": P("enum", "docs", choices=("docs", "freqs", "positions", "offsets")),
    "eager_global_ordinals": P("bool", False, updatable=True),
    "split_queries_on_whitespace": P("bool", False, updatable=True),
    "time_series_dimension": P("bool", False),
})
for _num in ("long", "integer", "short", "byte", "double", "float", "half_float", "unsigned_long"):
    _t(_num, dict(_NUMERIC))
_t("scaled_float", {**_NUMERIC, "scaling_factor": P("float")}, required=("scaling_factor",))
_t("boolean", {
    **INDEX_DV_STORE, **SCRIPT, **META, "null_value": P("bool"),
    "ignore_malformed": P("bool", False, updatable=True, explicit=True), "time_series_dimension": P("bool", False),
})
_DATE = {
    **INDEX_DV_STORE, **SCRIPT, **META,
    "locale": P("str"), "ignore_malformed": P("bool", False, updatable=True), "null_value": P("str"),
}
_t("date", {**_DATE, "format": P("str", "strict_date_optional_time||epoch_millis")})
_t("date_nanos", {**_DATE, "format": P("str", "strict_date_optional_time_nanos||epoch_millis")})
_t("ip", {
    **INDEX_DV_STORE, **SCRIPT, **META, "null_value": P("str"),
    "ignore_malformed": P("bool", False, updatable=True), "time_series_dimension": P("bool", False),
})
_t("geo_point", {
    **INDEX_DV_STORE, **SCRIPT, **META, "null_value": P("any"),
    "ignore_malformed": P("bool", False, updatable=True, explicit=True), "ignore_z_value": P("bool", True, explicit=True),
})
_t("geo_shape", {
    **META, "index": P("bool", True), "doc_values": P("bool", True),
    "orientation": P("str"), "ignore_malformed": P("bool", False, updatable=True),
    "ignore_z_value": P("bool", True), "coerce": P("bool", False, updatable=True),
}, multi_fields=False)
_t("binary", {**META, "doc_values": P("bool", False), "store": P("bool", False)})
_t("flattened", {
    **META, "depth_limit": P("int", 20, updatable=True), "doc_values": P("bool", True), "index": P("bool", True),
    "eager_global_ordinals": P("bool", False, updatable=True), "ignore_above": P("int", updatable=True),
    "index_options": P("enum", "docs", choices=("docs", "freqs")), "null_value": P("str"),
    "similarity": P("str"), "split_queries_on_whitespace": P("bool", False, updatable=True),
    "time_series_dimensions": P("list"),
}, multi_fields=False)
# element_type is checked in mappings.validate_dense_vector (version-dependent choices). Multi-fields
# are accepted on dense_vector (8.19.21, 9.5.2).
_t("dense_vector", {
    **META, "dims": P("int"), "element_type": P("str", "float"),
    "index": P("bool"), "similarity": P("enum", choices=VECTOR_SIMILARITIES),
    "index_options": P("map", updatable=True),
}, multi_fields=True, copy_to=False)
_t("sparse_vector", {**META, "store": P("bool", False), "index_options": P("map", updatable=True)},
   multi_fields=False, copy_to=False)
_t("semantic_text", {
    **META, "inference_id": P("str"), "search_inference_id": P("str", updatable=True),
    "model_settings": P("map"), "chunking_settings": P("map", updatable=True),
    "index_options": P("map", updatable=True),
}, multi_fields=False, copy_to=False)
_t("rank_feature", {**META, "positive_score_impact": P("bool", True)}, multi_fields=False, copy_to=False)
_t("rank_features", {**META, "positive_score_impact": P("bool", True)}, multi_fields=False, copy_to=False)
_t("search_as_you_type", {
    **TEXT_ANALYSIS, **META, "index": P("bool", True), "store": P("bool", False),
    "norms": P("bool", True, updatable=True),
    "index_options": P("enum", "positions", choices=("docs", "freqs", "positions", "offsets")),
    "max_shingle_size": P("int", 3),
})
_t("match_only_text", {**META})
_t("wildcard", {**META, "ignore_above": P("int", updatable=True), "null_value": P("str")})
_t("constant_keyword", {**META, "value": P("any")}, multi_fields=False, copy_to=False)
_t("alias", {"path": P("str", updatable=True)}, multi_fields=False, copy_to=False, required=("path",))
_t("completion", {
    **META, "analyzer": P("str"), "search_analyzer": P("str", updatable=True),
    "preserve_separators": P("bool", True), "preserve_position_increments": P("bool", True),
    "max_input_length": P("int", 50), "contexts": P("list"),
})
_t("token_count", {
    **INDEX_DV_STORE, **META, "analyzer": P("str"), "null_value": P("int"),
    "enable_position_increments": P("bool", True),
}, required=("analyzer",))
_t("version", {**META})
# Permissive: accepted with any parameter (types whose parameter lists the fake does not model).
for _exotic in ("percolator", "join", "histogram", "aggregate_metric_double", "point", "shape",
                "annotated_text", "murmur3", "counted_keyword", "exponential_histogram",
                "integer_range", "long_range", "float_range", "double_range", "date_range", "ip_range",
                "icu_collation_keyword", "semantic", "passthrough", "patterned_text"):
    _t(_exotic, ANY)

OBJECT_PARAMS: dict[str, Param] = {
    "dynamic": P("dynamic", updatable=True),
    "enabled": P("bool", True),
    "subobjects": P("any"),
    "properties": P("map"),
}
NESTED_PARAMS: dict[str, Param] = {
    **OBJECT_PARAMS,
    "include_in_parent": P("bool", False),
    "include_in_root": P("bool", False),
}
ROOT_PARAMS = (
    "dynamic", "enabled", "subobjects", "properties", "_meta", "dynamic_templates", "runtime",
    "date_detection", "numeric_detection", "dynamic_date_formats", "_source", "_routing",
    "_field_names", "_data_stream_timestamp", "_size",
)
RUNTIME_TYPES = ("keyword", "long", "double", "date", "ip", "boolean", "geo_point", "geo_shape", "composite", "lookup")

# Parameters every field mapper takes (8.15+): synthetic_source_keep controls what synthetic
# _source keeps verbatim for the field.
for _spec in TYPES.values():
    if isinstance(_spec.params, dict) and _spec.name not in ("alias",):
        _spec.params.setdefault("synthetic_source_keep", P("enum", choices=("none", "arrays", "all")))
