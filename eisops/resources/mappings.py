"""Mappings: the canonical form used for comparison, and which mapping changes Elasticsearch makes in place.

Rules come from reference sections 2.1-2.4 and 3.1-3.2:
- ``dynamic`` is returned as a string even when sent as a boolean;
- ``type: object`` is omitted for objects that have ``properties``;
- Elasticsearch adds computed parameters: ``semantic_text`` ``model_settings`` (after the first
  document), the resolved ``inference_id`` and default ``index_options``; ``dense_vector``
  ``index``, ``similarity``, ``index_options`` (and ``dims`` from the first vector);
- PUT _mapping merges: a field left out of the manifest stays in the index until a reindex.
This module does not send requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from eisops.plan.values import copied, same

#: Parameters Elasticsearch fills in for a field type when the mapping does not set them.
COMPUTED_PARAMETERS: dict[str, tuple[str, ...]] = {
    "semantic_text": ("model_settings", "inference_id", "index_options"),
    "dense_vector": ("index", "similarity", "index_options", "dims", "element_type"),
}
#: Parameter defaults. GET _mapping of an index leaves out most parameters set to their
#: default (a mapper parameter is serialized only when it differs from the default), but keeps
#: some when they were given explicitly (``coerce`` and ``ignore_malformed`` of numbers, seen on
#: 8.19 and 9.5). Comparing with defaults dropped on both sides makes both cases equal. Index
#: templates are not affected: they return their mappings as sent.
_STORED = {"index": True, "doc_values": True, "store": False}
_NUMBER = {**_STORED, "coerce": True, "ignore_malformed": False}
DEFAULT_PARAMETERS: dict[str, dict[str, Any]] = {
    "keyword": {**_STORED, "norms": False, "eager_global_ordinals": False, "split_queries_on_whitespace": False,
                "index_options": "docs"},
    "text": {"index": True, "store": False, "norms": True, "eager_global_ordinals": False, "fielddata": False,
             "index_phrases": False, "index_options": "positions", "position_increment_gap": 100,
             "term_vector": "no"},
    **{t: dict(_NUMBER) for t in ("long", "integer", "short", "byte", "double", "float", "half_float",
                                  "unsigned_long", "scaled_float")},
    "date": {**_STORED, "ignore_malformed": False, "format": "strict_date_optional_time||epoch_millis"},
    "date_nanos": {**_STORED, "ignore_malformed": False, "format": "strict_date_optional_time_nanos||epoch_millis"},
    "boolean": dict(_STORED),
    "ip": {**_STORED, "ignore_malformed": False},
    "geo_point": {**_STORED, "ignore_malformed": False, "ignore_z_value": True},
    "binary": {"doc_values": False, "store": False},
    "object": {"enabled": True},
    "nested": {"enabled": True, "include_in_parent": False, "include_in_root": False},
    "flattened": {**_STORED, "depth_limit": 20, "eager_global_ordinals": False,
                  "split_queries_on_whitespace": False, "index_options": "docs"},
    "dense_vector": {"index": True, "element_type": "float"},
}

#: Always dropped from the live side: set by Elasticsearch, never by a manifest (2.1).
NEVER_COMPARED = {"semantic_text": ("model_settings",)}

#: Parameters an existing field can change in place (3.1), for every field type.
UPDATABLE_ANY = frozenset({
    "ignore_above", "search_analyzer", "search_quote_analyzer", "meta", "eager_global_ordinals",
    "fielddata", "fielddata_frequency_filter", "ignore_malformed", "coerce", "copy_to",
    "dynamic", "ignore_z_value", "null_value_ignored",
})
UPDATABLE_BY_TYPE = {
    "semantic_text": frozenset({"search_inference_id", "chunking_settings", "meta"}),
    "dense_vector": frozenset({"meta"}),
    "object": frozenset({"dynamic", "meta"}),
    "nested": frozenset({"dynamic", "meta", "include_in_parent", "include_in_root"}),
}

#: dense_vector index_options types, in the order Elasticsearch lets them change (2.4, 9.1+).
INDEX_OPTIONS_UPGRADE_ORDER = (
    "flat", "int8_flat", "int4_flat", "bbq_flat", "hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw",
)


def _canonical_dynamic(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value.lower()
    return value


def canonical(mapping: Any) -> Any:
    """The canonical form of a mapping (either side): representation differences removed."""
    if not isinstance(mapping, dict):
        return mapping
    out = copied(mapping)
    _canonical_object(out, root=True)
    runtime = out.get("runtime")
    if isinstance(runtime, dict):
        for definition in runtime.values():
            if isinstance(definition, dict) and "script" in definition:
                definition["script"] = canonical_script(definition["script"])
    return out


def canonical_script(script: Any) -> Any:
    """A script as Elasticsearch writes it back (Script.toXContent, 8.x/9.x): an object with
    ``source`` (or ``id``), ``lang`` (``painless`` when not given), and ``options`` and ``params``
    only when not empty; a plain string is the source of a painless script."""
    if isinstance(script, str):
        return {"source": script, "lang": "painless"}
    if not isinstance(script, dict) or not ("source" in script or "id" in script):
        return script
    out = dict(script)
    if "id" not in out:
        out.setdefault("lang", "painless")
    for key in ("options", "params"):
        if out.get(key) == {}:
            del out[key]
    return out


#: Mapping parameters Elasticsearch parses as doubles and writes back as such (``3`` -> ``3.0``).
DOUBLE_PARAMETERS = frozenset({"scaling_factor", "boost"})
DOUBLE_INDEX_OPTIONS = frozenset({"confidence_interval"})


def _canonical_object(node: dict[str, Any], root: bool = False) -> None:
    if "dynamic" in node:
        node["dynamic"] = _canonical_dynamic(node["dynamic"])
    props = node.get("properties")
    if props == {} and node.get("type", "object") == "object":
        # An object without sub-fields is written as "type": "object" and no properties; the root
        # mapping leaves both out (ObjectMapper.toXContent, 8.19.21 and 9.5.2).
        del node["properties"]
        if not root:
            node["type"] = "object"
        props = None
    if isinstance(props, dict):
        if not root and node.get("type") == "object":
            del node["type"]  # Elasticsearch omits it next to properties (3.2)
        if node.get("subobjects") in (False, "false"):
            node["properties"] = props = _flattened(props)
        else:
            node["properties"] = props = _expanded(props)
        for child in props.values():
            if isinstance(child, dict):
                _canonical_field(child)
    if isinstance(node.get("copy_to"), str):
        node["copy_to"] = [node["copy_to"]]


def _is_plain_object(definition: Any) -> bool:
    """An object field that holds nothing but its sub-fields (no parameters of its own)."""
    return (isinstance(definition, dict) and isinstance(definition.get("properties"), dict)
            and definition.get("type", "object") == "object"
            and set(definition) <= {"type", "properties", "subobjects"})


def _expanded(props: dict[str, Any]) -> dict[str, Any]:
    """Dotted field names as the objects Elasticsearch makes of them: ``{"a.b": {..}}`` is stored
    and returned as ``{"a": {"properties": {"b": {..}}}}`` (ObjectMapper dot expansion, 8.x/9.x;
    index templates keep the names as sent, so both sides are expanded before comparison)."""
    if not any("." in name for name in props):
        return props
    out: dict[str, Any] = {}
    for name, definition in props.items():
        parts = name.split(".")
        if len(parts) == 1 or "" in parts:
            _merge_field(out, name, definition)
            continue
        node: dict[str, Any] | None = out
        for part in parts[:-1]:
            holder = node.get(part)
            if holder is None:
                holder = node[part] = {"properties": {}}
            elif not (isinstance(holder, dict) and holder.get("type", "object") == "object"
                      and isinstance(holder.setdefault("properties", {}), dict)):
                node = None  # a leaf field is in the way: left as written
                break
            node = holder["properties"]
        if node is None:
            out[name] = definition
        else:
            _merge_field(node, parts[-1], definition)
    return out


def _merge_field(props: dict[str, Any], name: str, definition: Any) -> None:
    have = props.get(name)
    if isinstance(have, dict) and isinstance(definition, dict) and isinstance(have.get("properties"), dict) \
            and isinstance(definition.get("properties"), dict):
        merged = {**have, **{k: v for k, v in definition.items() if k != "properties"}}
        merged["properties"] = {**have["properties"], **definition["properties"]}
        props[name] = merged
    else:
        props[name] = definition


def _flattened(props: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Under ``subobjects: false`` Elasticsearch keeps no object mappers: an object's sub-fields
    become dotted leaf names (``{"o": {"properties": {"p": ..}}}`` -> ``{"o.p": ..}``; seen on
    8.19.21 and 9.5.2)."""
    out: dict[str, Any] = {}
    for name, definition in props.items():
        full = f"{prefix}{name}"
        if _is_plain_object(definition):
            out.update(_flattened(definition["properties"], full + "."))
        else:
            out[full] = definition
    return out


def _canonical_field(field: dict[str, Any]) -> None:
    _canonical_object(field)
    if "script" in field and "type" in field:  # a field whose values a script computes at index time
        field["script"] = canonical_script(field["script"])
    for param in DOUBLE_PARAMETERS:
        if _is_int(field.get(param)):
            field[param] = float(field[param])
    options = field.get("index_options")
    if field.get("type") in ("dense_vector", "semantic_text") and isinstance(options, dict):
        field["index_options"] = _canonical_index_options(options)
    subfields = field.get("fields")
    if isinstance(subfields, dict):
        for child in subfields.values():
            if isinstance(child, dict):
                _canonical_field(child)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _canonical_index_options(options: dict[str, Any]) -> dict[str, Any]:
    """dense_vector ``index_options`` with their doubles as doubles (DenseVectorFieldMapper reads
    ``confidence_interval`` and ``rescore_vector.oversample`` as floats and writes them back so)."""
    out = dict(options)
    for param in DOUBLE_INDEX_OPTIONS:
        if _is_int(out.get(param)):
            out[param] = float(out[param])
    rescore = out.get("rescore_vector")
    if isinstance(rescore, dict) and _is_int(rescore.get("oversample")):
        out["rescore_vector"] = {**rescore, "oversample": float(rescore["oversample"])}
    dense = out.get("dense_vector")  # semantic_text wraps dense_vector options
    if isinstance(dense, dict):
        out["dense_vector"] = _canonical_index_options(dense)
    return out


#: Root metadata fields Elasticsearch leaves out of GET _mapping when set to their default
#: (SourceFieldMapper, RoutingFieldMapper serialize only non-default values; 8.19.21, 9.5.2).
ROOT_DEFAULTS = {"_source": {"enabled": True}, "_routing": {"required": False}}


def without_defaults(mapping: Any, version: tuple[int, ...] | None = None) -> Any:
    """A (canonical) index mapping without the parameters that equal Elasticsearch's defaults.

    On a 9.0+ server ``_source.mode`` is a no-op that an index never stores
    (elastic/elasticsearch#119072; the index setting ``index.mapping.source.mode`` replaced it),
    so it is left out as well.
    """
    if not isinstance(mapping, dict):
        return mapping
    out = copied(mapping)
    for key, defaults in ROOT_DEFAULTS.items():
        value = out.get(key)
        if not isinstance(value, dict):
            continue
        value = {k: v for k, v in value.items()
                 if not (k in defaults and v == defaults[k] and type(v) is type(defaults[k]))}
        if key == "_source" and version is not None and version >= (9, 0):
            value.pop("mode", None)
        if value:
            out[key] = value
        else:
            del out[key]
    _drop_defaults_in(out.get("properties"))
    return out


def _drop_defaults_in(props: Any) -> None:
    if not isinstance(props, dict):
        return
    for definition in props.values():
        if not isinstance(definition, dict):
            continue
        defaults = DEFAULT_PARAMETERS.get(field_type(definition), {})
        for param, default in defaults.items():
            if param in definition and definition[param] == default and type(definition[param]) is type(default):
                del definition[param]
        _drop_defaults_in(definition.get("properties"))
        _drop_defaults_in(definition.get("fields"))


def field_type(definition: dict[str, Any]) -> str:
    if "type" in definition:
        return str(definition["type"])
    return "object"  # an object field with properties (or an empty object)


#: What Elasticsearch fills into a dense_vector's ``index_options`` by type for what the mapping
#: leaves out (GET _mapping of 8.19.21 and 9.5.2; DenseVectorFieldMapper: HNSW m 16 and
#: ef_construction 100; BBQ rescore oversample 3.0; the int4 types on 8.x confidence_interval 0.0).
_HNSW = {"m": 16, "ef_construction": 100}
INDEX_OPTIONS_DEFAULTS: dict[str, dict[str, Any]] = {
    "hnsw": _HNSW, "int8_hnsw": _HNSW, "int4_hnsw": {**_HNSW, "confidence_interval": 0.0},
    "bbq_hnsw": {**_HNSW, "rescore_vector": {"oversample": 3.0}},
    "int4_flat": {"confidence_interval": 0.0}, "bbq_flat": {"rescore_vector": {"oversample": 3.0}},
}


def comparable_live_field(live: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """The live field definition without what Elasticsearch computed and the manifest did not set."""
    ftype = field_type(live)
    out = dict(live)
    for param in NEVER_COMPARED.get(ftype, ()):
        out.pop(param, None)
    for param in COMPUTED_PARAMETERS.get(ftype, ()):
        if param not in desired:
            out.pop(param, None)
    if ftype == "dense_vector" and isinstance(out.get("index_options"), dict) \
            and isinstance(desired.get("index_options"), dict):
        out["index_options"] = _comparable_index_options(out["index_options"], desired["index_options"])
    return out


def _comparable_index_options(live: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """Live ``index_options`` without the defaults Elasticsearch filled in for what the manifest
    left out; a value the manifest leaves out that is not the default still shows."""
    defaults = INDEX_OPTIONS_DEFAULTS.get(str(live.get("type")), {})
    return {k: v for k, v in live.items() if k in desired or k not in defaults or not same(v, defaults[k])}


def restrict_to_declared(live: Any, desired: Any) -> Any:
    """The live mapping cut down to the fields and root keys the manifest declares.

    Root keys and fields the manifest does not mention are not compared: templates add
    them, dynamic mapping adds them, and a field that left the manifest stays in the index.
    Within a declared field every parameter is compared, except those Elasticsearch computes.
    """
    live = canonical(live) if isinstance(live, dict) else {}
    desired = canonical(desired) if isinstance(desired, dict) else {}
    out: dict[str, Any] = {}
    for key, value in desired.items():
        if key not in live:
            continue
        if key == "properties":
            out[key] = _restrict_properties(live[key], value)
        else:
            out[key] = live[key]
    return out


def _restrict_properties(live_props: Any, desired_props: Any) -> dict[str, Any]:
    if not isinstance(live_props, dict) or not isinstance(desired_props, dict):
        return live_props
    out: dict[str, Any] = {}
    for name, want in desired_props.items():
        have = live_props.get(name)
        if not isinstance(have, dict) or not isinstance(want, dict):
            if have is not None:
                out[name] = have
            continue
        out[name] = _restrict_field(have, want)
    return out


def _restrict_field(live: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    if field_type(live) != field_type(desired):
        return live  # a type change: show it whole
    out = comparable_live_field(live, desired)
    if "properties" in out:
        if "properties" in desired:
            out["properties"] = _restrict_properties(out["properties"], desired["properties"])
        else:
            del out["properties"]  # sub-fields added dynamically or kept after leaving the manifest
    if "fields" in out:
        if "fields" in desired:
            out["fields"] = _restrict_properties(out["fields"], desired["fields"])
        else:
            del out["fields"]
    return out


def undeclared_fields(live: Any, desired: Any, prefix: str = "") -> list[str]:
    """Dotted names of live fields the manifest does not declare (kept by Elasticsearch)."""
    live_props = (live or {}).get("properties") if isinstance(live, dict) else None
    want_props = (desired or {}).get("properties") if isinstance(desired, dict) else None
    if not isinstance(live_props, dict):
        return []
    want_props = want_props if isinstance(want_props, dict) else {}
    names: list[str] = []
    for name, definition in live_props.items():
        full = f"{prefix}{name}"
        if name not in want_props:
            names.append(full)
        elif isinstance(definition, dict):
            names.extend(undeclared_fields(definition, want_props[name], full + "."))
    return names


# ----------------------------------------------------------------- walking fields
@dataclass(frozen=True)
class FieldEntry:
    """One field of a mapping: its dotted name, its spec path below the mapping, its definition."""

    name: str
    path: tuple
    definition: dict[str, Any]
    under_nested: bool = False


def walk_fields(mapping: Any, base: tuple = ()) -> Iterator[FieldEntry]:
    """Every field of a mapping, depth first, including multi-fields."""
    if not isinstance(mapping, dict):
        return
    yield from _walk(mapping.get("properties"), base + ("properties",), "", False)


def _walk(props: Any, path: tuple, prefix: str, nested: bool) -> Iterator[FieldEntry]:
    if not isinstance(props, dict):
        return
    for name, definition in props.items():
        if not isinstance(definition, dict):
            continue
        full = f"{prefix}{name}"
        here = path + (name,)
        yield FieldEntry(full, here, definition, nested)
        inner_nested = nested or definition.get("type") == "nested"
        yield from _walk(definition.get("properties"), here + ("properties",), full + ".", inner_nested)
        yield from _walk(definition.get("fields"), here + ("fields",), full + ".", inner_nested)


# ----------------------------------------------------------------- in-place rules
#: What an endpoint runs, as far as the plan knows: (service, model id), or None.
ModelOf = Callable[[Any], "tuple[str, str] | None"]


def field_update_rule(name: str, param: str, ftype: str, before: Any, after: Any,
                      live_field: dict[str, Any], version: tuple[int, ...],
                      model_of: ModelOf | None = None) -> str | None:
    """None when Elasticsearch changes ``param`` of an existing field in place (and eisops lets
    it); else the refusal. ``model_of`` tells which model an inference endpoint runs."""
    refusal = f"Mapper for [{name}] conflicts with existing mapper: Cannot update parameter [{param}] from [{_show(before)}] to [{_show(after)}]"
    if ftype == "semantic_text" and param == "inference_id":
        return _inference_id_rule(name, before, after, live_field, version, model_of, refusal)
    if ftype == "dense_vector":
        if param == "dims" and before is None:
            return None
        if param == "index_options":
            return _index_options_rule(name, before, after, version)
    if param == "norms":
        if before in (True, None) and after is False:
            return None
        return refusal
    if param in UPDATABLE_ANY or param in UPDATABLE_BY_TYPE.get(ftype, ()):
        return None
    return refusal


#: The way through a change of embedding model for a field that holds embeddings.
NEW_MODEL_WAY = ("The way through: a new index whose field names the new endpoint, into which the documents "
                 "are copied and embedded again, with the name clients use moved to it (a migration)")


def _inference_id_rule(name: str, before: Any, after: Any, live_field: dict[str, Any], version: tuple[int, ...],
                       model_of: ModelOf | None, refusal: str) -> str | None:
    """Elasticsearch 9.3+ (node feature ``semantic_text.updatable_inference_id``) changes a
    semantic_text field's inference_id while no document has been embedded (no ``model_settings``),
    or when the new endpoint's model settings are compatible. Compatible is not enough for eisops:
    the documents already indexed keep the old model's vectors, and search would compare two
    models' vectors. So a field that holds embeddings moves in place only to an endpoint of the
    same model; to another model it takes a new index."""
    populated = isinstance(live_field.get("model_settings"), dict)
    if version >= (9, 3) and not populated:
        return None
    if not populated:
        return f"{refusal} (Elasticsearch before 9.3 fixes a semantic_text field's endpoint). {NEW_MODEL_WAY}"
    old_model = model_of(before) if model_of else None
    new_model = model_of(after) if model_of else None
    if version >= (9, 3) and old_model is not None and old_model == new_model:
        return None  # another endpoint of the same model: the vectors stay comparable
    if version < (9, 3):
        return f"{refusal} (Elasticsearch before 9.3 fixes a semantic_text field's endpoint). {NEW_MODEL_WAY}"
    models = (f"model {old_model[1]}" if old_model else "its model",
              f"model {new_model[1]}" if new_model else "a model eisops cannot tell")
    return (f"semantic_text field [{name}] holds embeddings from [{_show(before)}] ({models[0]}); [{_show(after)}] "
            f"runs {models[1]}: the documents already indexed would keep the old vectors, and search would mix "
            f"two models' vectors. {NEW_MODEL_WAY}")


def _index_options_rule(name: str, before: Any, after: Any, version: tuple[int, ...]) -> str | None:
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    old, new = before.get("type"), after.get("type")
    order = INDEX_OPTIONS_UPGRADE_ORDER
    if old != new:
        if old not in order or new not in order or order.index(new) < order.index(old):
            return (f"Mapper for [{name}] conflicts with existing mapper: Cannot update parameter "
                    f"[index_options] from [{old}] to [{new}] (dense_vector index types only move "
                    f"along {' -> '.join(order)})")
        if new.startswith("bbq") and version < (9, 1):
            return f"dense_vector index type [{new}] needs Elasticsearch 9.1 or later for updates"
    if isinstance(before.get("m"), int) and isinstance(after.get("m"), int) and after["m"] < before["m"]:
        return f"Mapper for [{name}] conflicts with existing mapper: [index_options.m] can only grow ({before['m']} -> {after['m']})"
    if "confidence_interval" in before and before.get("confidence_interval") != after.get("confidence_interval"):
        return f"Mapper for [{name}] conflicts with existing mapper: [index_options.confidence_interval] cannot change once set"
    return None


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)
