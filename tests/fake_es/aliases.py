"""Index aliases: ``POST _aliases``, ``GET _alias``, per-index alias routes.

What it is for: alias definitions normalised like ES stores them
(``routing`` expanded to ``index_routing``/``search_routing``), the atomic
``_aliases`` action list (add / remove / remove_index, all applied or none),
GET shapes including the 404 ``{"error": "alias [x] missing"}`` body, and
the single-alias PUT/DELETE/HEAD routes.

What it must not do: create indices or touch mappings/settings.
"""

from __future__ import annotations

import copy
import fnmatch

from .errors import EsError, RawResponse, illegal_argument, index_not_found, x_content_parse
from .index_resolution import resolve, validate_alias_name
from .routing import Request, Router, acknowledged

ALIAS_KEYS = ("filter", "routing", "index_routing", "search_routing", "is_write_index", "is_hidden")


def normalize_alias(name: str, defn: object) -> dict:
    if defn is None:
        defn = {}
    if not isinstance(defn, dict):
        raise x_content_parse(f"[alias] failed to parse alias [{name}]")
    unknown = [k for k in defn if k not in ALIAS_KEYS]
    if unknown:
        raise x_content_parse(f"[alias] unknown field [{unknown[0]}]")
    out: dict = {}
    if defn.get("filter") is not None:
        out["filter"] = defn["filter"]
    # Alias definitions read routing only from JSON strings; ES 8.x/9.x drops a number (or
    # any other token) without an error (seen on 9.5.2: {"routing": 1} -> {}).
    def text(key: str):
        value = defn.get(key)
        return value if isinstance(value, str) else None

    routing = text("routing")
    index_routing = text("index_routing") if "index_routing" in defn else routing
    search_routing = text("search_routing") if "search_routing" in defn else routing
    if index_routing is not None:
        out["index_routing"] = index_routing
    if search_routing is not None:
        out["search_routing"] = search_routing
    for key in ("is_write_index", "is_hidden"):
        if defn.get(key) is not None:
            out[key] = bool(defn[key])
    return out


def check_single_write_index(indices: dict) -> None:
    writers: dict[str, list[str]] = {}
    for index in indices.values():
        for alias, defn in index.aliases.items():
            if defn.get("is_write_index"):
                writers.setdefault(alias, []).append(index.name)
    for alias, names in writers.items():
        if len(names) > 1:
            raise illegal_argument(f"alias [{alias}] has more than one write index [{','.join(sorted(names))}]")


def _as_list(action: dict, single: str, plural: str) -> list[str]:
    values = action.get(plural, action.get(single))
    if values is None:
        return []
    return values if isinstance(values, list) else [values]


def update_aliases(req: Request) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    actions = body.get("actions") if isinstance(body, dict) else None
    if not actions:
        raise EsError("action_request_validation_exception", "Validation Failed: 1: no action specified;", 400)
    indices = {name: copy.deepcopy(index) for name, index in state.indices.items()}
    deleted: list[str] = []

    class View:  # resolution against the working copy
        def __init__(self) -> None:
            self.indices = indices

        def alias_map(self) -> dict:
            out: dict = {}
            for index in indices.values():
                for alias in index.aliases:
                    out.setdefault(alias, []).append(index.name)
            return out

        def is_alias(self, name: str) -> bool:
            return name in self.alias_map()

    view = View()
    for entry in actions:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise illegal_argument("Expected a single action per entry")
        kind, action = next(iter(entry.items()))
        if kind not in ("add", "remove", "remove_index"):
            raise x_content_parse(f"[aliases_action] unknown field [{kind}]")
        targets = _as_list(action, "index", "indices")
        if not targets:
            raise EsError("action_request_validation_exception", "Validation Failed: 1: One of [index] or [indices] is required;", 400)
        names = []
        for target in targets:
            names += resolve(view, target, allow_aliases=kind != "remove_index", expand_wildcards="open,closed")
        if kind == "remove_index":
            for name in names:
                indices.pop(name, None)
                deleted.append(name)
            continue
        aliases = _as_list(action, "alias", "aliases")
        if not aliases:
            raise EsError("action_request_validation_exception", "Validation Failed: 1: One of [alias] or [aliases] is required;", 400)
        if kind == "add":
            defn = normalize_alias(aliases[0], {k: v for k, v in action.items() if k in ALIAS_KEYS})
            for alias in aliases:
                validate_alias_name(view, alias)
                for name in names:
                    indices[name].aliases[alias] = dict(defn)
        else:
            removed = False
            for name in names:
                for alias in aliases:
                    for existing in [a for a in indices[name].aliases if fnmatch.fnmatchcase(a, alias)]:
                        del indices[name].aliases[existing]
                        removed = True
            if not removed and action.get("must_exist", True) is not False:
                raise EsError("aliases_not_found_exception", f"aliases [{','.join(aliases)}] missing", 404,
                              **{"resource.type": "aliases", "resource.id": ",".join(aliases)})
    check_single_write_index(indices)
    state.indices.clear()
    state.indices.update(indices)
    body = {"acknowledged": True}
    if state.version.at_least("8.14"):
        body["errors"] = False
    return 200, body


def get_alias(req: Request, index: str | None = None, name: str | None = None) -> tuple[int, dict]:
    state = req.state
    names = resolve(state, index, ignore_unavailable=req.param_bool("ignore_unavailable"),
                    allow_no_indices=req.param_bool("allow_no_indices", True),
                    expand_wildcards=req.param("expand_wildcards", "all"))
    patterns = name.split(",") if name else None
    out: dict = {}
    for iname in names:
        aliases = state.indices[iname].aliases
        if patterns is not None:
            picked = {a: d for a, d in aliases.items() if any(fnmatch.fnmatchcase(a, p) or a == p for p in patterns)}
            if not picked:
                continue
        else:
            picked = aliases
        out[iname] = {"aliases": {a: copy.deepcopy(picked[a]) for a in sorted(picked)}}
    if patterns is not None:
        found = {a for entry in out.values() for a in entry["aliases"]}
        missing = [p for p in patterns if "*" not in p and p not in found]
        if missing:
            label = "aliases" if len(missing) > 1 else "alias"
            raise RawResponse(404, {"error": f"{label} [{','.join(missing)}] missing", "status": 404, **out})
    return 200, out


def put_alias(req: Request, index: str, name: str) -> tuple[int, dict]:
    state = req.state
    body = req.json_or_none() or {}
    names = resolve(state, index)
    if not names:
        raise index_not_found(index)
    validate_alias_name(state, name)
    defn = normalize_alias(name, body)
    indices = {n: copy.deepcopy(i) for n, i in state.indices.items()}
    for n in names:
        indices[n].aliases[name] = dict(defn)
    check_single_write_index(indices)
    state.indices.update(indices)
    return acknowledged()


def delete_alias(req: Request, index: str, name: str) -> tuple[int, dict]:
    state = req.state
    removed = False
    for n in resolve(state, index):
        for alias in [a for a in state.indices[n].aliases if fnmatch.fnmatchcase(a, name) or a == name]:
            del state.indices[n].aliases[alias]
            removed = True
    if not removed:
        raise EsError("aliases_not_found_exception", f"aliases [{name}] missing", 404,
                      **{"resource.type": "aliases", "resource.id": name})
    return acknowledged()


def register(router: Router) -> None:
    params = ("ignore_unavailable", "allow_no_indices", "expand_wildcards", "local", "master_timeout")
    router.add("POST", "/_aliases", update_aliases, ("master_timeout", "timeout"))
    router.add("GET", "/_alias", get_alias, params)
    router.add("GET", "/_alias/{name}", get_alias, params)
    router.add("GET", "/{index}/_alias", get_alias, params)
    router.add("GET", "/{index}/_alias/{name}", get_alias, params)
    router.add("GET", "/{index}/_aliases", get_alias, params)
    router.add(("PUT", "POST"), "/{index}/_alias/{name}", put_alias, ("master_timeout", "timeout"))
    router.add(("PUT", "POST"), "/{index}/_aliases/{name}", put_alias, ("master_timeout", "timeout"))
    router.add("DELETE", "/{index}/_alias/{name}", delete_alias, ("master_timeout", "timeout"))
    router.add("DELETE", "/{index}/_aliases/{name}", delete_alias, ("master_timeout", "timeout"))
