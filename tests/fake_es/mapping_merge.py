"""Mapping merges: PUT _mapping updates and index-template composition.

What it is for:
* ``merge_update`` — ES's MAPPING_UPDATE merge: fields are added, never
  removed; a type change fails with "mapper [f] cannot be changed from type
  [a] to [b]"; a non-updatable parameter that differs (an omitted parameter
  counts as its default) fails with "Mapper for [f] conflicts with existing
  mapper:\\n\\tCannot update parameter [x] from [a] to [b]"; updatable
  parameters take the new value; dense_vector and semantic_text have their own
  rules (reference 2.3/2.4).
* ``compose`` — ES's INDEX_TEMPLATE merge of raw mappings (component
  templates, then the index template, then the create-index request): a later
  field definition replaces an earlier one (also an object by a field and a
  field by an object), objects merge their properties and take the later
  type (object/nested) and parameters; other map-valued root entries
  (``_meta``, ``_source``, ``_routing``) merge recursively, and two
  ``_routing.required`` that differ are "contradicting".

What it must not do: validate individual field definitions (mappings.py does).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from .errors import EsError, illegal_argument, java_str
from .mapping_types import ANY, TYPES
from .mappings import (
    BuildFailure, MappingContext, default_index_options, expand_dots, flatten_subobjects, full_index_options,
    is_object, parse_root, parse_runtime, unwrap_type,
)
from .values import clone

# index_options.type upgrade order for dense_vector (9.1+; 9.0 lacks the bbq steps).
UPGRADE_ORDER = ["flat", "int8_flat", "int4_flat", "bbq_flat", "hnsw", "int8_hnsw", "int4_hnsw", "bbq_hnsw"]


def _object_conflict(path: str) -> Exception:
    return illegal_argument(f"can't merge a non object mapping [{path}] with an object mapping")


# ------------------------------------------------------------ composition
def _expands(mapping: dict) -> bool:
    """Dotted names are expanded into objects, unless the object has ``subobjects: false``."""
    return mapping.get("subobjects") not in (False, "false")


def _compose_props(base: dict, over: dict, prefix: str, expand: bool = True) -> dict:
    out = dict(base)
    for name, defn in expand_dots(over, expand).items():
        path = prefix + name
        old = out.get(name)
        if old is None or not isinstance(old, dict) or not isinstance(defn, dict):
            out[name] = clone(defn)
            continue
        old_obj, new_obj = is_object(old), is_object(defn)
        if old_obj and new_obj:
            # Objects merge their properties; the later definition's type (object/nested) and
            # parameters win (8.19.21, 9.5.2).
            merged = {k: v for k, v in old.items() if k not in ("properties", "type")}
            merged.update({k: v for k, v in defn.items() if k != "properties"})
            child_expand = _expands(merged)
            merged["properties"] = _compose_props(
                expand_dots(old.get("properties") or {}, child_expand), defn.get("properties") or {}, path + ".",
                child_expand,
            )
            out[name] = merged
        else:
            # INDEX_TEMPLATE: a field definition replaces the earlier one, also an object by a
            # field or a field by an object (8.19.21, 9.5.2).
            out[name] = clone(defn)
    return out


def _by_name(base: list, over: list) -> list:
    names = [next(iter(e)) for e in over]
    kept = [e for e in base if next(iter(e)) not in names]
    return kept + over


def _merge_maps(base: dict, over: dict, parent: str) -> dict:
    """XContentHelper.merge of two map-valued root entries (``_meta``, ``_source``,
    ``_routing`` ...): recursive, the later value wins; but two explicit ``_routing.required``
    that differ are refused (MapperService's RawFieldMappingMerge compares the objects by
    identity: equal booleans pass, anything else differs; 8.19.21, 9.5.2). The data-stream
    default mapping sets ``_routing.required`` to the template's ``allow_custom_routing``,
    which is how a data-stream template with a contradicting ``_routing`` fails."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _merge_maps(old, value, key)
            continue
        if key == "required" and parent == "_routing" and key in out \
                and not (isinstance(old, bool) and isinstance(value, bool) and old == value):
            raise BuildFailure("mapper_parsing_exception", "contradicting `_routing.required` settings")
        out[key] = clone(value)
    return out


def compose(mappings: list[Any]) -> dict:
    result: dict = {}
    unwrapped = [unwrap_type(raw) for raw in mappings]
    root_subobjects = [m["subobjects"] for m in unwrapped if isinstance(m, dict) and "subobjects" in m]
    expand = _expands({"subobjects": root_subobjects[-1]} if root_subobjects else {})
    for raw in unwrapped:
        if not raw:
            continue
        for key, value in raw.items():
            if key == "properties" and isinstance(value, dict):
                result["properties"] = _compose_props(
                    expand_dots(result.get("properties", {}), expand), value, "", expand
                )
            elif key == "dynamic_templates" and isinstance(value, list) and "dynamic_templates" in result:
                result[key] = _by_name(result[key], value)
            elif key == "runtime" and isinstance(value, dict) and "runtime" in result:
                result[key] = {**result[key], **value}
            elif isinstance(value, dict) and isinstance(result.get(key), dict):
                result[key] = _merge_maps(result[key], value, key)
            else:
                result[key] = clone(value)
    return result


# ---------------------------------------------------------------- update
class _Conflicts:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, param: str, old: Any, new: Any) -> None:
        self.items.append(f"Cannot update parameter [{param}] from [{java_str(old)}] to [{java_str(new)}]")

    def raise_if_any(self) -> None:
        if self.items:
            raise illegal_argument(
                f"Mapper for [{self.path}] conflicts with existing mapper:\n\t" + "\n\t".join(self.items)
            )


EndpointSettings = Callable[[str], "dict | None"]


METADATA_FIELDS = {"_source": {"enabled": True}, "_routing": {"required": False}}


def _merge_metadata_field(key: str, old: dict, new: dict) -> None:
    conflicts = _Conflicts(key)
    for param, default in METADATA_FIELDS[key].items():
        if param in new and new[param] != old.get(param, default):
            conflicts.add(param, old.get(param, default), new[param])
    conflicts.raise_if_any()


def merge_update(existing: dict, raw_update: Any, ctx: MappingContext, endpoint_settings: EndpointSettings) -> dict:
    if isinstance(raw_update, dict) and list(raw_update) == ["_doc"] and isinstance(raw_update["_doc"], dict):
        raise illegal_argument("Types cannot be provided in put mapping requests")
    raw_update = unwrap_type(raw_update) or {}
    raw_update = dict(raw_update)
    runtime_update = raw_update.pop("runtime", None)
    if existing.get("subobjects") is False and "subobjects" not in raw_update:
        raw_update["subobjects"] = False  # the update is parsed in the context of the existing root
    explicit = parse_root(raw_update, dataclasses.replace(ctx, materialize=False))
    full = parse_root(raw_update, ctx)
    out = clone(existing)
    for key, value in explicit.items():
        if key == "properties":
            continue
        if key == "enabled" and existing.get("enabled", True) != value:
            raise EsError("mapper_exception", "the [enabled] parameter can't be updated for the object mapping [_doc]", 500)
        if key in METADATA_FIELDS:
            _merge_metadata_field(key, existing.get(key, {}), value)
        if key == "dynamic_templates":
            out[key] = _by_name(existing.get(key, []), value)
        else:
            out[key] = value
    if runtime_update is not None:
        parsed = parse_runtime(runtime_update, allow_null=True)
        merged = dict(existing.get("runtime", {}))
        for name, defn in parsed.items():
            if defn is None:
                merged.pop(name, None)
            else:
                merged[name] = defn
        if merged:
            out["runtime"] = dict(sorted(merged.items()))
        else:
            out.pop("runtime", None)
    if "properties" in explicit:
        out["properties"] = _merge_props(
            existing.get("properties", {}), explicit["properties"], full["properties"], "", ctx, endpoint_settings
        )
    return out


def _merge_props(old: dict, explicit: dict, full: dict, prefix: str, ctx: MappingContext, eps: EndpointSettings) -> dict:
    out = clone(old)
    for name, new in explicit.items():
        path = prefix + name
        if name not in old:
            out[name] = clone(full[name])
            continue
        out[name] = _merge_field(path, old[name], new, full[name], ctx, eps)
    return dict(sorted(out.items()))


def _merge_field(path: str, old: dict, new: dict, full: dict, ctx: MappingContext, eps: EndpointSettings) -> dict:
    old_obj, new_obj = is_object(old), is_object(new)
    if old_obj and new_obj:
        return _merge_object(path, old, new, full, ctx, eps)
    if old_obj != new_obj:
        raise _object_conflict(path)
    if old["type"] != new["type"]:
        raise illegal_argument(f"mapper [{path}] cannot be changed from type [{old['type']}] to [{new['type']}]")
    type_ = old["type"]
    if type_ == "dense_vector":
        return _merge_dense_vector(path, old, new, ctx)
    if type_ == "semantic_text":
        return _merge_semantic_text(path, old, new, ctx, eps)
    spec = TYPES[type_]
    conflicts = _Conflicts(path)
    if spec.params is ANY:
        return {**old, **new}
    result: dict = {"type": type_}
    for key, param in spec.params.items():
        before = old.get(key, param.default)
        after = new.get(key, param.default)
        if before == after:
            value = before
        elif key == "norms" and before is False and after is True:
            conflicts.add(key, before, after)
            continue
        elif param.updatable:
            value = after
        else:
            conflicts.add(key, _shown(type_, key, before, ctx), _shown(type_, key, after, ctx))
            continue
        # An Explicit parameter keeps showing only if the update gives it again (9.5.2, 8.19.21).
        if value is not None and (value != param.default or (param.explicit and key in new)):
            result[key] = value
    if new.get("copy_to"):
        result["copy_to"] = new["copy_to"]
    fields = dict(old.get("fields", {}))
    for sub, sdef in new.get("fields", {}).items():
        if sub in fields:
            fields[sub] = _merge_field(f"{path}.{sub}", fields[sub], sdef, full["fields"][sub], ctx, eps)
        else:
            fields[sub] = clone(full["fields"][sub])
    if fields:
        result["fields"] = dict(sorted(fields.items()))
    conflicts.raise_if_any()
    return result


def _shown(type_: str, key: str, value: Any, ctx: MappingContext) -> Any:
    """A parameter value as ES's conflict message prints it (8.19.21, 9.5.2)."""
    if value is None and key in ("analyzer", "search_analyzer", "search_quote_analyzer"):
        return "default"
    if key == "doc_values" and type_ == "keyword" and ctx.version.at_least("9.3"):
        # From 9.3 keyword doc_values print as a parameters object, which grew per release.
        enabled = java_str(value)
        if ctx.version.at_least("9.5"):  # 9.5.2
            return f"Values[enabled={enabled}, cardinality=low, multiValue=true, nullability=true]"
        if ctx.version.at_least("9.4"):  # 9.4.3
            return f"Values[enabled={enabled}, cardinality=low, multiValue={'sorted_set' if value else 'sorted'}]"
        return f"Values[enabled={enabled}, cardinality=low]"  # 9.3.8
    return value


def _merge_object(path: str, old: dict, new: dict, full: dict, ctx: MappingContext, eps: EndpointSettings) -> dict:
    if old.get("type", "object") != new.get("type", "object"):
        raise illegal_argument(f"can't merge a non-nested mapping [{path}] with a nested mapping")
    for key in ("enabled", "subobjects"):
        if key in new and new.get(key) != old.get(key, True):
            # A MapperException: HTTP 500 (8.19.21, 9.5.2).
            raise EsError("mapper_exception", f"the [{key}] parameter can't be updated for the object mapping [{path}]", 500)
    for key in ("include_in_parent", "include_in_root"):
        if new.get(key, False) != old.get(key, False):
            raise illegal_argument(f"the [{key}] parameter can't be updated on a nested object mapping")
    out = {k: v for k, v in old.items() if k != "properties"}
    if "dynamic" in new:
        out["dynamic"] = new["dynamic"]
    new_props, full_props = new.get("properties", {}), full.get("properties", {})
    if old.get("subobjects") is False and "subobjects" not in new:
        # The update is parsed in the context of the existing object: its objects are
        # auto-flattened too (8.19.21, 9.5.2).
        dynamic = old.get("dynamic", "true")
        new_props = flatten_subobjects(new_props, "", path, dynamic, ctx)
        full_props = flatten_subobjects(full_props, "", path, dynamic, ctx)
    props = _merge_props(old.get("properties", {}), new_props, full_props, path + ".", ctx, eps)
    if props:
        out.pop("type", None) if out.get("type") == "object" else None
        out["properties"] = props
    return out


class IndexOptionsText:
    """dense_vector index_options as their Java toString appears in conflict messages."""

    def __init__(self, opts: dict, version) -> None:
        self.opts, self.version = opts or {}, version

    def __str__(self) -> str:
        o, itype = self.opts, self.opts.get("type")
        parts = [f"type={itype}"]
        if itype and "hnsw" in itype:
            parts += [f"m={o.get('m', 16)}", f"ef_construction={o.get('ef_construction', 100)}"]
        quantized = itype not in ("hnsw", "flat")
        rescore = o.get("rescore_vector")
        rescore_text = f"{{oversample={java_str(rescore.get('oversample'))}}}" if isinstance(rescore, dict) else "none"
        default_ci = 0.0 if itype and itype.startswith("int4") else None
        confidence = f"confidence_interval={java_str(o.get('confidence_interval', default_ci))}"
        if self.version.at_least("9.4"):  # 9.4.3, 9.5.2
            if quantized:
                parts += ["on_disk_rescore=false", f"rescore_vector={rescore_text}"]
            if itype and "hnsw" in itype:
                parts.append("flat_index_threshold=-1")
        elif self.version.at_least("9.3"):  # 9.3.8
            if quantized:
                parts += [confidence, "on_disk_rescore=false", f"rescore_vector={rescore_text}"]
        elif quantized:  # 8.19.21, 9.2.8
            parts += [confidence, f"rescore_vector={rescore_text}"]
        return "{" + ", ".join(parts) + "}"


def _merge_dense_vector(path: str, old: dict, new: dict, ctx: MappingContext | None = None) -> dict:
    conflicts = _Conflicts(path)
    out = dict(old)
    element = old.get("element_type", "float")
    if new.get("element_type", "float") != element:
        conflicts.add("element_type", element, new.get("element_type", "float"))
    if "dims" in new and new["dims"] != old.get("dims"):
        if old.get("dims") is None:
            out["dims"] = new["dims"]
            if out.get("index", True) and "index_options" not in out and "index_options" not in new and ctx is not None:
                default = default_index_options(new["dims"], element, ctx.version)
                if default is not None:
                    out["index_options"] = default
        else:
            conflicts.add("dims", old["dims"], new["dims"])
    if new.get("index", True) != old.get("index", True):
        conflicts.add("index", old.get("index", True), new.get("index", True))
    default_sim = "l2_norm" if element == "bit" else "cosine"
    new_sim = new.get("similarity", default_sim if new.get("index", True) else None)
    if old.get("index", True) and new_sim != old.get("similarity", default_sim):
        conflicts.add("similarity", old.get("similarity", default_sim), new_sim)
    if "index_options" in new:
        before, after = old.get("index_options") or {}, new["index_options"]
        ok = True
        if before.get("type") != after.get("type"):
            b, a = before.get("type"), after.get("type")
            ok = b in UPGRADE_ORDER and a in UPGRADE_ORDER and UPGRADE_ORDER.index(a) > UPGRADE_ORDER.index(b)
        if after.get("m", 16) < before.get("m", 16):
            ok = False
        if "confidence_interval" in before and after.get("confidence_interval") != before["confidence_interval"]:
            ok = False
        if ok:
            out["index_options"] = full_index_options(after, ctx.version)
        else:
            conflicts.add("index_options", IndexOptionsText(before, ctx.version), IndexOptionsText(after, ctx.version))
    if "meta" in new:
        out["meta"] = new["meta"]
    else:
        out.pop("meta", None)
    conflicts.raise_if_any()
    return out


def compatible_model_settings(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return True
    keys = ("task_type", "dimensions", "similarity", "element_type")  # "service" is ignored
    return all(a.get(k) == b.get(k) for k in keys)


def _merge_semantic_text(path: str, old: dict, new: dict, ctx: MappingContext, eps: EndpointSettings) -> dict:
    conflicts = _Conflicts(path)
    out = {"type": "semantic_text"}
    before_id = old["inference_id"]
    after_id = new.get("inference_id", ctx.default_inference_id)
    out["inference_id"] = before_id
    if after_id != before_id:
        if not ctx.version.semantic_text_inference_id_updatable:
            conflicts.add("inference_id", before_id, after_id)
        elif old.get("model_settings") is not None:
            target = eps(after_id)
            if target is None:
                raise illegal_argument(
                    f"Cannot update [semantic_text] field [{path}] because inference endpoint [{after_id}] does not exist."
                )
            if not compatible_model_settings(old["model_settings"], target):
                raise illegal_argument(
                    f"Cannot update [semantic_text] field [{path}] because inference endpoint [{before_id}] with model "
                    f"settings [{java_str(old['model_settings'])}] is not compatible with new inference endpoint "
                    f"[{after_id}] with model settings [{java_str(target)}]"
                )
            out["inference_id"] = after_id
        else:
            out["inference_id"] = after_id
    for key in ("search_inference_id",):
        if key in new:
            out[key] = new[key]
    ms_old, ms_new = old.get("model_settings"), new.get("model_settings")
    if ms_new is not None and ms_old is not None and ms_new != ms_old:
        conflicts.add("model_settings", ms_old, ms_new)
    if ms_old is not None or ms_new is not None:
        out["model_settings"] = ms_old if ms_old is not None else ms_new
    for key in ("index_options", "chunking_settings", "meta"):
        if key in new:
            out[key] = new[key]
        elif key == "index_options" and "index_options" in old and ctx.version.semantic_text_shows_default_index_options:
            out[key] = old[key]
    conflicts.raise_if_any()
    return out
