"""Index APIs: create/get/delete/exists, _mapping, _settings, _close/_open.

What it is for: reference section 3 — index creation with name validation,
matching composable template applied underneath the request (components in
order, then the template, then the body), settings normalised and completed
with what ES adds (uuid, creation_date, provided_name, version.created,
_tier_preference, shard/replica defaults; index.number_of_routing_shards read
but not kept), mappings through the mapping engine (a time_series index gets
``@timestamp``, ``_data_stream_timestamp`` and the routing-path dimension
check); GET shapes (incl. ``flat_settings``, minimal ``include_defaults``,
``_mapping/field/{fields}``,
wildcards, ``expand_wildcards``, hidden indices); PUT _mapping merges and
PUT _settings with dynamic/static/final/private rules (version-specific
messages), ``null`` resets (number_of_replicas back to "1") and ``reopen``;
close marking ``index.verified_before_close``; delete refusing wildcards
(action.destructive_requires_name).

What it must not do: index documents (documents.py) or manage aliases
beyond those given at creation (aliases.py).
"""

from __future__ import annotations

import fnmatch

from . import settings as index_settings
from .aliases import check_single_write_index, normalize_alias
from .errors import EsError, illegal_argument, index_not_found, parse_exception
from .index_resolution import resolve, validate_alias_name, validate_new_index_name
from .mapping_merge import compose, merge_update
from .mappings import (
    check_alias_paths, check_timestamp_field, check_total_fields, iter_fields, parse_root, wrap_parse_failure,
)
from .routing import Request, Router, acknowledged
from .state import IndexMetadata, new_uuid
from .templates import composite, find_template
from .values import clone

CREATE_KEYS = ("settings", "mappings", "aliases")
# [?] IndexVersion ids as shown in index.version.created.
VERSION_CREATED = {(9, 2): "9039000", (9, 1): "9033000", (9, 0): "9009000", (8, 19): "8536000", (8, 18): "8525000"}
SETTING_DEFAULTS = {
    "index.refresh_interval": "1s", "index.max_result_window": "10000", "index.max_inner_result_window": "100",
    "index.hidden": "false", "index.codec": "default", "index.auto_expand_replicas": "false",
    "index.mapping.total_fields.limit": "1000", "index.mapping.depth.limit": "20",
    "index.mapping.nested_fields.limit": "50", "index.default_pipeline": "_none", "index.final_pipeline": "_none",
    "index.blocks.read_only": "false", "index.blocks.write": "false", "index.translog.durability": "REQUEST",
    "index.search.idle.after": "30s", "index.gc_deletes": "60s", "index.priority": "1",
}


def _index_options(req: Request, default_expand: str = "open") -> dict:
    return {
        "ignore_unavailable": req.param_bool("ignore_unavailable"),
        "allow_no_indices": req.param_bool("allow_no_indices", True),
        "expand_wildcards": req.param("expand_wildcards", default_expand),
    }


# ------------------------------------------------------------------ create
def create_index(state, name: str, body: dict | None) -> IndexMetadata:
    validate_new_index_name(state, name)
    body = body or {}
    if not isinstance(body, dict):
        raise parse_exception("request body must be an object")
    for key in body:
        if key not in CREATE_KEYS:
            raise parse_exception(f"unknown key [{key}] for create index")
        if not isinstance(body[key], dict):
            raise parse_exception(f"key [{key}] must be an object")
    mappings_body = body.get("mappings")
    if isinstance(mappings_body, dict) and list(mappings_body) == ["_doc"]:
        suffix = "" if state.version.major >= 9 else " unless include_type_name is set to true"
        raise illegal_argument(f"The mapping definition cannot be nested under a type [_doc]{suffix}.")
    request_settings = index_settings.normalize(index_settings.unwrap(body.get("settings")))
    index_settings.validate_for_create(request_settings, state.version)
    hidden = request_settings.get("index.hidden") == "true"
    template = find_template(state, name, hidden)
    flat: dict = {}
    mappings: list = []
    aliases: dict = {}
    if template is not None:
        tbody = state.index_templates[template]["body"]
        if tbody.get("data_stream") is not None:
            raise illegal_argument(
                f"cannot create index with name [{name}], because it matches with template [{template}] that creates "
                "data streams only, use create data stream api instead"
            )
        flat, mappings, aliases = composite(state, tbody)
    flat.update({k: v for k, v in request_settings.items() if v is not None})
    index_settings.validate_for_create(flat, state.version)
    if body.get("mappings") is not None:
        mappings.append(body["mappings"])
    time_series = flat.get("index.mode") == "time_series"
    if time_series:
        mappings = time_series_mappings(mappings)
    try:
        parsed = parse_root(compose(mappings), state.mapping_context(settings=flat))
    except EsError as err:
        raise wrap_parse_failure(err) from None
    check_total_fields(parsed, flat)
    check_alias_paths(parsed)
    if time_series:
        check_timestamp_field(parsed, flat)
        check_routing_path(parsed, flat)
    # Template alias names may use {index}; request aliases are taken literally (8.19.21, 9.5.2).
    aliases = {a.replace("{index}", name): d for a, d in aliases.items()}
    for alias, defn in (body.get("aliases") or {}).items():
        aliases[alias] = normalize_alias(alias, defn, source="create", version=state.version)
    for alias in aliases:
        if alias == name:
            raise illegal_argument(f"alias name [{alias}] self-conflicts with index name")
        validate_alias_name(state, alias)
    uuid = new_uuid()
    # Read at creation (the routing-shard factor check) but not kept among the index's settings:
    # GET _settings never shows it, not even with include_defaults (8.19.21, 9.5.2).
    flat.pop("index.number_of_routing_shards", None)
    flat.setdefault("index.number_of_shards", "1")
    flat.setdefault("index.number_of_replicas", "1")
    _auto_expand(flat)
    flat.setdefault("index.routing.allocation.include._tier_preference", "data_content")
    flat["index.uuid"] = uuid
    flat["index.creation_date"] = str(state.now_ms())
    flat["index.provided_name"] = name
    v = state.version
    flat["index.version.created"] = VERSION_CREATED.get((v.major, v.minor), f"{v.major}{v.minor:03d}000")
    index = IndexMetadata(name=name, uuid=uuid, settings=flat, mappings=parsed,
                          aliases={a: aliases[a] for a in sorted(aliases)})
    trial = dict(state.indices)
    trial[name] = index
    check_single_write_index(trial)
    state.indices[name] = index
    return index


def time_series_mappings(mappings: list) -> list:
    """A time_series index gets ES's ``@timestamp`` date field (unless mapped) and the
    ``_data_stream_timestamp`` metadata field, as GET _mapping shows (8.19.21, 9.5.2)."""
    return [{"properties": {"@timestamp": {"type": "date"}}}, *mappings, {"_data_stream_timestamp": {"enabled": True}}]


def check_routing_path(parsed: dict, flat: dict) -> None:
    """Every mapped field matching index.routing_path must be a dimension
    (IndexMode.TIME_SERIES validateMapping; 8.19.21, 9.5.2 wording)."""
    paths = flat.get("index.routing_path") or []
    paths = [paths] if isinstance(paths, str) else paths
    for path, defn in iter_fields(parsed.get("properties") or {}):
        if defn.get("type") in (None, "object", "nested") or not any(fnmatch.fnmatchcase(path, p) for p in paths):
            continue
        if not defn.get("time_series_dimension") and not defn.get("time_series_dimensions"):
            raise illegal_argument(
                "All fields that match routing_path must be configured with [time_series_dimension: true] or "
                "flattened fields with a list of dimensions in [time_series_dimensions] and without the [script] "
                f"parameter. [{path}] was not a dimension.")


def _auto_expand(flat: dict) -> None:
    """index.auto_expand_replicas ("0-1", "1-all", ...) sets number_of_replicas for the one
    data node the fake has: as many as possible (0), but at least the lower bound (8.19.21, 9.5.2)."""
    value = flat.get("index.auto_expand_replicas")
    if not value or value == "false" or "-" not in value:
        return
    low, _, high = value.partition("-")
    try:
        replicas = max(int(low), 0)
        if high != "all":
            replicas = min(replicas, int(high))
    except ValueError:
        return
    flat["index.number_of_replicas"] = str(replicas)


def create(req: Request, index: str) -> tuple[int, dict]:
    create_index(req.state, index, req.json_or_none())
    return 200, {"acknowledged": True, "shards_acknowledged": True, "index": index}


# --------------------------------------------------------------------- get
def _settings_view(state, index: IndexMetadata, req: Request, names: list[str] | None = None) -> dict:
    flat = dict(index.settings)
    if names:
        flat = {k: v for k, v in flat.items() if any(fnmatch.fnmatchcase(k, n) or k == n for n in names)}
    out = {"settings": index_settings.render(flat, req.param_bool("flat_settings"))}
    if req.param_bool("include_defaults"):
        defaults = {k: v for k, v in SETTING_DEFAULTS.items() if k not in index.settings}
        if names:
            defaults = {k: v for k, v in defaults.items() if any(fnmatch.fnmatchcase(k, n) for n in names)}
        out["defaults"] = index_settings.render(defaults, req.param_bool("flat_settings"))
    return out


def get(req: Request, index: str) -> tuple[int, dict]:
    state = req.state
    names = resolve(state, index, **_index_options(req))
    out = {}
    for name in names:
        meta = state.indices[name]
        # The stored objects themselves: the server serializes the answer under the state's lock.
        out[name] = {"aliases": meta.aliases, "mappings": meta.mappings, **_settings_view(state, meta, req)}
    return 200, out


def exists(req: Request, index: str) -> tuple[int, None]:
    """HEAD /{index}: 200 unless resolving fails, so a wildcard matching nothing is 200 (8.19.21, 9.5.2)."""
    try:
        resolve(req.state, index, **_index_options(req))
    except EsError:
        return 404, None
    return 200, None


def get_mapping(req: Request, index: str | None = None) -> tuple[int, dict]:
    state = req.state
    names = resolve(state, index, **_index_options(req))
    # The stored mappings themselves: the server serializes the answer under the state's lock.
    return 200, {n: {"mappings": state.indices[n].mappings} for n in names}


def _field_mappings(mapping: dict, patterns: list[str]) -> dict:
    """GET _mapping/field: each matching field (full dotted path, multi-fields too) as
    ``{"full_name": path, "mapping": {leaf_name: definition}}`` (8.19.21, 9.5.2)."""
    out: dict = {}

    def walk(props: dict, prefix: str) -> None:
        for name, defn in props.items():
            path = prefix + name
            if any(fnmatch.fnmatchcase(path, p) for p in patterns):
                out[path] = {"full_name": path, "mapping": {name: clone(defn)}}
            walk(defn.get("properties") or {}, path + ".")
            walk(defn.get("fields") or {}, path + ".")

    walk(mapping.get("properties") or {}, "")
    return out


def get_field_mapping(req: Request, fields: str, index: str | None = None) -> tuple[int, dict]:
    state = req.state
    names = resolve(state, index, **_index_options(req))
    patterns = fields.split(",")
    return 200, {n: {"mappings": _field_mappings(state.indices[n].mappings, patterns)} for n in names}


def get_settings(req: Request, index: str | None = None, name: str | None = None) -> tuple[int, dict]:
    state = req.state
    names = resolve(state, index, **_index_options(req))
    wanted = name.split(",") if name else None
    out = {}
    for n in names:
        view = _settings_view(state, state.indices[n], req, wanted)
        if wanted and not view["settings"] and not view.get("defaults"):
            continue
        out[n] = view
    return 200, out


# ---------------------------------------------------------------- updates
def put_mapping(req: Request, index: str) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    names = resolve(state, index, **_index_options(req))
    if not names:
        raise index_not_found(index)
    updated = {n: merge_update(state.indices[n].mappings, body,
                               state.mapping_context(settings=state.indices[n].settings), state.endpoint_model_settings)
               for n in names}
    for n, mapping in updated.items():
        check_total_fields(mapping, state.indices[n].settings)
        check_alias_paths(mapping)
    for n, mapping in updated.items():
        state.indices[n].mappings = mapping
    return acknowledged()


def _static_message(state, static: list[str], open_indices: list) -> str:
    keys = f"[[{', '.join(static)}]]"
    where = f"for open indices [{', '.join(f'[{i.name}/{i.uuid}]' for i in open_indices)}]"
    if not state.version.at_least("9.4"):  # 8.19.21 - 9.3.8 wording
        return (f"Can't update non dynamic settings {keys} {where} unless the `reopen` query parameter is set to "
                "true. Alternatively, close the indices, apply the settings changes, and reopen the indices")
    reindex = ("See https://www.elastic.co/docs/api/doc/elasticsearch/operation/operation-reindex")
    final = [k for k in static if index_settings.is_final(k)]
    if final:  # 9.4.3 / 9.5.2 wording for settings that can never change
        return (f"Can't update non dynamic setting(s) {keys} {where}. The setting(s) [[{', '.join(final)}]] cannot "
                "be modified on an index once it is created. You will need to create a new index with the desired "
                f"setting(s) and reindex your data. {reindex}")
    return (f"Can't update non dynamic setting(s) {keys} {where}. You can either resubmit the update with "
            f"`?reopen=true`, or create a new index with the desired setting(s) and reindex your data. {reindex}")


def put_settings(req: Request, index: str | None = None) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    flat = index_settings.normalize(index_settings.unwrap(body))
    if not flat:
        raise EsError("action_request_validation_exception", "Validation Failed: 1: no settings to update;", 400)
    index_settings.validate_for_update({k: v for k, v in flat.items()}, state.version)
    # Update settings does not allow a wildcard that matches nothing (8.19.21, 9.5.2).
    names = resolve(state, index, **{**_index_options(req), "allow_no_indices": req.param_bool("allow_no_indices", False)})
    reopen = req.param_bool("reopen")
    preserve = req.param_bool("preserve_existing")
    static = sorted(k for k in flat if not index_settings.is_dynamic(k))
    open_indices = [state.indices[n] for n in names if state.indices[n].state == "open"]
    if static and open_indices and not reopen:
        raise illegal_argument(_static_message(state, static, open_indices))
    for key in static:
        if index_settings.is_final(key):
            target = names[0] if names else "index"
            raise illegal_argument(f"final {target} setting [{key}], not updateable")
    for n in names:
        current = state.indices[n].settings
        for key, value in flat.items():
            if preserve and key in current:
                continue
            if value is None and key == "index.number_of_replicas":
                current[key] = "1"  # reset to its default, which an index always lists (8.19.21, 9.5.2)
            elif value is None:
                current.pop(key, None)
            else:
                current[key] = value
        _auto_expand(current)
    return acknowledged()


def close(req: Request, index: str) -> tuple[int, dict]:
    state = req.state
    names = resolve(state, index, **_index_options(req))
    if any(p == "_all" or "*" in p for p in index.split(",")):
        raise illegal_argument("Wildcard expressions or all indices are not allowed")
    # Closing marks the index index.verified_before_close=true; indices that are already
    # closed are left out of "indices", and when nothing was closed shards_acknowledged is
    # false (8.19.21, 9.5.2).
    closing = [n for n in names if state.indices[n].state != "close"]
    for n in closing:
        state.indices[n].state = "close"
        state.indices[n].settings["index.verified_before_close"] = "true"
    return 200, {"acknowledged": True, "shards_acknowledged": bool(closing),
                 "indices": {n: {"closed": True} for n in closing}}


def open_(req: Request, index: str) -> tuple[int, dict]:
    state = req.state
    names = resolve(state, index, **_index_options(req, "closed"))
    for n in names:
        state.indices[n].state = "open"
        state.indices[n].settings.pop("index.verified_before_close", None)
    return 200, {"acknowledged": True, "shards_acknowledged": True}


def delete(req: Request, index: str) -> tuple[int, dict]:
    state = req.state
    parts = index.split(",")
    if any(p in ("_all", "*") or "*" in p for p in parts):
        # action.destructive_requires_name defaults to true since 8.0.
        raise illegal_argument("Wildcard expressions or all indices are not allowed")
    names = []
    aliases = state.alias_map()
    for part in parts:
        if part in state.indices:
            names.append(part)
        elif part in aliases:
            raise illegal_argument(
                f"The provided expression [{part}] matches an alias, specify the corresponding concrete indices instead."
            )
        elif not req.param_bool("ignore_unavailable"):
            raise index_not_found(part)
    for n in names:
        del state.indices[n]
    return acknowledged()


def refresh(req: Request, index: str | None = None) -> tuple[int, dict]:
    names = resolve(req.state, index, **_index_options(req))
    total = len(names)
    return 200, {"_shards": {"total": total * 2, "successful": total, "failed": 0}}


def register(router: Router) -> None:
    opts = ("ignore_unavailable", "allow_no_indices", "expand_wildcards")
    get_params = opts + ("flat_settings", "include_defaults", "local", "master_timeout")
    router.add("PUT", "/{index}", create, ("wait_for_active_shards", "timeout", "master_timeout"))
    router.add("GET", "/{index}", get, get_params)
    router.add("HEAD", "/{index}", exists, get_params)
    router.add("DELETE", "/{index}", delete, opts + ("timeout", "master_timeout"))
    router.add("GET", "/_mapping", get_mapping, opts + ("local", "master_timeout"))
    router.add("GET", "/{index}/_mapping", get_mapping, opts + ("local", "master_timeout"))
    router.add("GET", "/_mapping/field/{fields}", get_field_mapping, opts + ("local", "include_defaults"))
    router.add("GET", "/{index}/_mapping/field/{fields}", get_field_mapping, opts + ("local", "include_defaults"))
    router.add(("PUT", "POST"), "/{index}/_mapping", put_mapping, opts + ("timeout", "master_timeout"))
    router.add("GET", "/_settings", get_settings, get_params)
    router.add("GET", "/{index}/_settings", get_settings, get_params)
    router.add("GET", "/{index}/_settings/{name}", get_settings, get_params)
    router.add("GET", "/_settings/{name}", get_settings, get_params)
    router.add("PUT", "/{index}/_settings", put_settings, opts + ("preserve_existing", "reopen", "timeout", "master_timeout", "flat_settings"))
    router.add("PUT", "/_settings", put_settings, opts + ("preserve_existing", "reopen", "timeout", "master_timeout", "flat_settings"))
    router.add("POST", "/{index}/_close", close, opts + ("timeout", "master_timeout", "wait_for_active_shards"))
    router.add("POST", "/{index}/_open", open_, opts + ("timeout", "master_timeout", "wait_for_active_shards"))
    router.add(("GET", "POST"), "/_refresh", refresh, opts)
    router.add(("GET", "POST"), "/{index}/_refresh", refresh, opts)
