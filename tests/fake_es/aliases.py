"""Index aliases: ``POST _aliases``, ``GET _alias``, per-index alias routes.

What it is for: alias definitions normalised like ES stores them
(``routing`` expanded to ``index_routing``/``search_routing``), the atomic
``_aliases`` action list (add / remove / remove_index, all applied or none),
GET shapes including the 404 ``{"error": "alias [x] missing"}`` body, and
the single-alias PUT/DELETE/HEAD routes.

ES parses alias definitions with three different parsers, and the fake
follows each (8.19.21, 9.5.2): templates leniently (string routing only,
unknown keys skipped, a non-object definition swallows the aliases after
it), create-index requests strictly ("Unknown field", "Unknown token",
on 9.x also wrongly typed values), ``_aliases`` actions and the single-alias
PUT reading numbers as strings. Alias APIs answer ``"errors": false`` from
8.14; two write indices for one alias are an ``illegal_state_exception``
(HTTP 500).

What it must not do: create indices or touch mappings/settings.
"""

from __future__ import annotations

import fnmatch

from .errors import (EsError, RawResponse, illegal_argument, illegal_state, index_not_found, java_str,
                     token_name, x_content_parse)
from .index_resolution import resolve, validate_alias_name
from .routing import Request, Router
from .values import clone

ALIAS_KEYS = ("filter", "routing", "index_routing", "search_routing", "is_write_index", "is_hidden")


def _template_alias(name: str, defn: dict) -> dict:
    """AliasMetadata.Builder.fromXContent (templates): lenient and sequential. Routing
    is read from strings only (a number is dropped: ``{"routing": 1}`` -> ``{}``, seen on
    9.5.2), booleans from booleans only, unknown keys are skipped, and ``routing`` sets
    both routings at the point where it appears (a later key wins)."""
    out: dict = {}
    for key, value in defn.items():
        if key == "filter" and isinstance(value, dict):
            out["filter"] = value
        elif isinstance(value, str):
            if key == "routing":
                out["index_routing"] = out["search_routing"] = value
            elif key in ("index_routing", "indexRouting"):
                out["index_routing"] = value
            elif key in ("search_routing", "searchRouting"):
                out["search_routing"] = value
        elif isinstance(value, bool) and key in ("is_write_index", "is_hidden"):
            out[key] = value
    return out


def _create_alias(name: str, defn: dict, version) -> dict:
    """Alias.fromXContent (create-index requests): strict about keys and token types;
    explicit index/search routing win over ``routing`` whatever the order (8.19.21, 9.5.2).
    9.x (9.2.8 - 9.5.2) also refuses values of the wrong JSON type, which 8.19.21 ignores."""
    strict = version is None or version.major >= 9
    routing = index_routing = search_routing = None
    out: dict = {}
    for key, value in defn.items():
        token = token_name(value)
        if key not in ALIAS_KEYS:
            raise illegal_argument(f"Unknown field [{key}] in alias [{name}]")
        if token in ("VALUE_NULL", "VALUE_NUMBER", "START_ARRAY"):
            raise illegal_argument(f"Unknown token [{token}] in alias [{name}]")
        wanted = "START_OBJECT" if key == "filter" else "VALUE_BOOLEAN" if key in ("is_write_index", "is_hidden") else "VALUE_STRING"
        if token != wanted:
            if strict:
                kind = {"VALUE_STRING": "String", "VALUE_BOOLEAN": "boolean", "START_OBJECT": "Object"}[token]
                raise illegal_argument(f"Unsupported {kind} type value [{java_str(value)}] for field [{key}] in alias [{name}]")
            continue
        if key == "routing":
            routing = value
        elif key == "index_routing":
            index_routing = value
        elif key == "search_routing":
            search_routing = value
        else:
            out[key] = value
    index_routing = index_routing if index_routing is not None else routing
    search_routing = search_routing if search_routing is not None else routing
    if index_routing is not None:
        out["index_routing"] = index_routing
    if search_routing is not None:
        out["search_routing"] = search_routing
    return out


def normalize_alias(name: str, defn: object, source: str = "action", version=None) -> dict:
    """An alias definition as ES stores it (``routing`` expanded to index/search routing).

    ``source`` picks the parser, as ES has three: ``"template"`` (component/index
    templates), ``"create"`` (create-index ``aliases``), ``"action"`` (``_aliases``
    actions and the single-alias PUT, where numbers are read as strings)."""
    if defn is None:
        defn = {}
    if source == "template":
        return _template_alias(name, defn) if isinstance(defn, dict) else {}
    if not isinstance(defn, dict):
        if source == "create":
            raise illegal_argument("No alias is specified")
        raise x_content_parse(f"[alias] failed to parse alias [{name}]")
    if source == "create":
        return _create_alias(name, defn, version)
    out: dict = {}
    if defn.get("filter") is not None:
        out["filter"] = defn["filter"]

    def text(key: str):
        value = defn.get(key)
        if isinstance(value, bool):
            raise x_content_parse("[1:2] [aliases] failed to parse field [actions]", caused_by=x_content_parse(
                "[1:2] [alias_action] failed to parse field [add]",
                caused_by=x_content_parse(f"[1:2] [add] {key} doesn't support values of type: VALUE_BOOLEAN")))
        return str(value) if isinstance(value, (str, int, float)) else None

    routing = text("routing")
    index_routing = text("index_routing") if "index_routing" in defn else routing
    search_routing = text("search_routing") if "search_routing" in defn else routing
    if index_routing is not None:
        out["index_routing"] = index_routing
    if search_routing is not None:
        out["search_routing"] = search_routing
    for key in ("is_write_index", "is_hidden"):
        if isinstance(defn.get(key), bool):
            out[key] = defn[key]
        elif isinstance(defn.get(key), str) and defn[key] in ("true", "false"):
            out[key] = defn[key] == "true"
    return out


def template_aliases(raw: dict) -> dict:
    """The aliases map of a template: as AliasMetadata's token loop reads it, a definition
    that is not an object becomes ``{}`` and swallows every alias after it (8.19.21, 9.5.2)."""
    out: dict = {}
    for name, defn in raw.items():
        if defn is not None and not isinstance(defn, dict):
            out[name] = {}
            break
        out[name] = normalize_alias(name, defn, source="template")
    return out


def check_single_write_index(indices: dict) -> None:
    """IllegalStateException (HTTP 500; 8.19.21, 9.5.2). ES lists the indices from a set of
    Index objects, whose order follows their random uuids; the fake sorts them."""
    writers: dict[str, list[str]] = {}
    for index in indices.values():
        for alias, defn in index.aliases.items():
            if defn.get("is_write_index"):
                writers.setdefault(alias, []).append(index.name)
    for alias, names in writers.items():
        if len(names) > 1:
            raise illegal_state(f"alias [{alias}] has more than one write index [{','.join(sorted(names))}]")


def _as_list(action: dict, single: str, plural: str) -> list[str]:
    values = action.get(plural, action.get(single))
    if values is None:
        return []
    return values if isinstance(values, list) else [values]


ACTION_KEYS = ALIAS_KEYS + ("index", "indices", "alias", "aliases", "must_exist", "must_not_exist")


def _actions_error(kind: str, cause: EsError) -> EsError:
    return x_content_parse("[1:2] [aliases] failed to parse field [actions]", caused_by=cause)


def update_aliases(req: Request) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    actions = body.get("actions") if isinstance(body, dict) else None
    if not actions:
        raise illegal_argument("No action specified")
    parsed = []
    for entry in actions:
        if not isinstance(entry, dict) or len(entry) != 1:
            raise illegal_argument("Expected a single action per entry")
        kind, action = next(iter(entry.items()))
        if kind not in ("add", "remove", "remove_index"):
            raise x_content_parse(f"[1:2] [alias_action] unknown field [{kind}]")
        for key in action:
            if key not in ACTION_KEYS:
                raise _actions_error(kind, x_content_parse(f"[1:2] [alias_action] failed to parse field [{kind}]",
                                                           caused_by=x_content_parse(f"[1:2] [{kind}] unknown field [{key}]")))
        if kind != "remove_index" and not _as_list(action, "alias", "aliases"):
            raise _actions_error(kind, illegal_argument("One of [alias] or [aliases] is required"))
        if not _as_list(action, "index", "indices"):
            raise _actions_error(kind, illegal_argument("One of [index] or [indices] is required"))
        parsed.append((kind, action))
    indices = {name: clone(index) for name, index in state.indices.items()}

    class View:  # resolution against the working copy
        version = state.version

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
    for kind, action in parsed:
        targets = _as_list(action, "index", "indices")
        if kind == "remove_index":
            aliases_now = view.alias_map()
            for target in targets:
                if target in aliases_now:
                    raise illegal_argument(f"The provided expression [{target}] matches an alias, "
                                           "specify the corresponding concrete indices instead.")
        names = []
        for target in targets:
            names += resolve(view, target, allow_aliases=kind != "remove_index", expand_wildcards="open,closed")
        if kind == "remove_index":
            for name in names:
                indices.pop(name, None)
            continue
        aliases = _as_list(action, "alias", "aliases")
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
            if not removed:
                raise EsError("aliases_not_found_exception", f"aliases [{','.join(aliases)}] missing", 404,
                              **{"resource.type": "aliases", "resource.id": ",".join(aliases)})
    check_single_write_index(indices)
    state.indices.clear()
    state.indices.update(indices)
    return 200, _acknowledged(state)


def _acknowledged(state) -> dict:
    # Every alias API answers with "errors" from 8.14 on.
    body: dict = {"acknowledged": True}
    if state.version.at_least("8.14"):
        body["errors"] = False
    return body


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
        out[iname] = {"aliases": {a: clone(picked[a]) for a in sorted(picked)}}
    if patterns is not None:
        found = {a for entry in out.values() for a in entry["aliases"]}
        missing = [p for p in patterns if "*" not in p and p not in found]
        if missing:
            label = "aliases" if len(missing) > 1 else "alias"
            raise RawResponse(404, {"error": f"{label} [{','.join(missing)}] missing", "status": 404, **out})
    return 200, out


def put_alias(req: Request, index: str, name: str | None = None) -> tuple[int, dict]:
    """PUT /{index}/_alias[/{name}]: the name may also come in the body (``alias``).
    9.x (9.2.8 - 9.5.2) refuses unknown body keys, 8.19.21 ignores them."""
    state = req.state
    body = req.json_or_none() or {}
    if state.version.major >= 9:
        for key in body:
            if key not in ALIAS_KEYS + ("alias",):
                raise illegal_argument(f"Unsupported field [{key}]")
    name = name or body.get("alias")
    if not name:
        raise illegal_argument("[alias] can't be empty string")
    names = resolve(state, index)
    if not names:
        raise index_not_found(index)
    validate_alias_name(state, name)
    defn = normalize_alias(name, {k: v for k, v in body.items() if k in ALIAS_KEYS})
    indices = {n: clone(i) for n, i in state.indices.items()}
    for n in names:
        indices[n].aliases[name] = dict(defn)
    check_single_write_index(indices)
    state.indices.update(indices)
    return 200, _acknowledged(state)


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
    return 200, _acknowledged(state)


def register(router: Router) -> None:
    params = ("ignore_unavailable", "allow_no_indices", "expand_wildcards", "local", "master_timeout")
    router.add("POST", "/_aliases", update_aliases, ("master_timeout", "timeout"))
    router.add("GET", "/_alias", get_alias, params)
    router.add("GET", "/_alias/{name}", get_alias, params)
    router.add("GET", "/{index}/_alias", get_alias, params)
    router.add("GET", "/{index}/_alias/{name}", get_alias, params)
    # /{index}/_aliases has PUT only (GET answers 405 "allowed: [PUT]", 8.19.21 and 9.5.2).
    router.add(("PUT", "POST"), "/{index}/_alias", put_alias, ("master_timeout", "timeout"))
    router.add("PUT", "/{index}/_aliases", put_alias, ("master_timeout", "timeout"))
    router.add(("PUT", "POST"), "/{index}/_alias/{name}", put_alias, ("master_timeout", "timeout"))
    router.add(("PUT", "POST"), "/{index}/_aliases/{name}", put_alias, ("master_timeout", "timeout"))
    router.add("DELETE", "/{index}/_alias/{name}", delete_alias, ("master_timeout", "timeout"))
    router.add("DELETE", "/{index}/_aliases/{name}", delete_alias, ("master_timeout", "timeout"))
