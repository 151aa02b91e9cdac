"""Component templates and composable index templates (reference section 4).

What it is for: PUT/GET/DELETE of ``_component_template`` and
``_index_template`` with ES's shapes (settings normalised to nested string
``index.*``, ``index_patterns`` always a list, ``composed_of`` always
present, alias routing expansion, 9.2+ ``created_date_millis`` /
``modified_date_millis`` which a PUT may not send back), ``create=true``,
missing ``composed_of`` components, same-priority overlapping patterns (real
glob intersection), composite validation (settings + mappings, also when a
used component template changes), deletion of in-use component templates;
and ``find_template`` / ``composite`` used when an index is created.

What it must not do: create indices (indices.py applies the result).
"""

from __future__ import annotations

import copy
import fnmatch
from functools import lru_cache

from . import settings as index_settings
from .aliases import normalize_alias
from .errors import (
    EsError, illegal_argument, invalid_index_template, java_str, resource_not_found, x_content_parse,
)
from .mapping_merge import compose
from .mappings import parse_root, unwrap_type, wrap_parse_failure
from .routing import Request, Router, acknowledged

TEMPLATE_KEYS = ("settings", "mappings", "aliases", "lifecycle", "data_stream_options")
COMPONENT_KEYS = ("template", "version", "_meta", "deprecated")
INDEX_KEYS = ("index_patterns", "composed_of", "template", "priority", "version", "_meta", "data_stream",
              "allow_auto_create", "ignore_missing_component_templates", "deprecated")
SYSTEM_KEYS = ("created_date_millis", "modified_date_millis", "created_date", "modified_date")


# ------------------------------------------------------------ glob overlap
def globs_intersect(p: str, q: str) -> bool:
    """True when some index name matches both ``*``-patterns."""

    @lru_cache(maxsize=None)
    def f(i: int, j: int) -> bool:
        if i == len(p) and j == len(q):
            return True
        if i < len(p) and p[i] == "*":
            if f(i + 1, j) or (j < len(q) and f(i, j + 1)):
                return True
        if j < len(q) and q[j] == "*":
            if f(i, j + 1) or (i < len(p) and f(i + 1, j)):
                return True
        if i < len(p) and j < len(q) and p[i] != "*" and q[j] != "*" and p[i] == q[j]:
            return f(i + 1, j + 1)
        return False

    return f(0, 0)


def patterns_overlap(a: list[str], b: list[str]) -> bool:
    return any(globs_intersect(x, y) for x in a for y in b)


# -------------------------------------------------------------- validation
def _reject_system_keys(name: str, body: dict, state) -> None:
    if not state.version.template_and_pipeline_timestamps:
        return
    for key in SYSTEM_KEYS:
        if key in body:
            prop = key.replace("_millis", "")
            raise invalid_index_template(name, f"provided a template property which is managed by the system: {prop}")


def _unknown_field(section: str, body: dict, allowed: tuple[str, ...]) -> None:
    for key in body:
        if key not in allowed:
            raise x_content_parse(f"[1:2] [{section}] unknown field [{key}]")


def normalize_template_section(name: str, raw: object, state) -> dict:
    """Validate and normalise a ``template`` block; mappings are kept as sent."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise x_content_parse("[1:2] [template] failed to parse field [template]")
    _unknown_field("template", raw, TEMPLATE_KEYS)
    out: dict = {}
    if raw.get("settings") is not None:
        flat = index_settings.normalize(index_settings.unwrap(raw["settings"]))
        errors = index_settings.validation_errors(flat)
        if errors:
            raise invalid_index_template(name, "Validation Failed: " + "".join(f"{i}: {e};" for i, e in enumerate(errors, 1)))
        if flat:
            out["settings"] = index_settings.nest(flat)
    if raw.get("mappings") is not None:
        mappings = unwrap_type(raw["mappings"])
        try:
            parse_root(mappings, state.mapping_context(materialize=False))
        except EsError as err:
            raise wrap_parse_failure(err) from None
        out["mappings"] = copy.deepcopy(mappings)
    if raw.get("aliases") is not None:
        out["aliases"] = {a: normalize_alias(a, d) for a, d in raw["aliases"].items()}
    for key in ("lifecycle", "data_stream_options"):
        if raw.get(key) is not None:
            out[key] = copy.deepcopy(raw[key])
    return out


def composite(state, body: dict, components: dict | None = None) -> tuple[dict, list, dict]:
    """(flat settings, mapping list, aliases) of an index template with its components."""
    components = state.component_templates if components is None else components
    flat: dict = {}
    mappings: list = []
    aliases: dict = {}
    sections = [components[c]["body"].get("template", {}) for c in body.get("composed_of", []) if c in components]
    sections.append(body.get("template", {}))
    for section in sections:
        flat.update(index_settings.normalize(section.get("settings")))
        if section.get("mappings") is not None:
            mappings.append(section["mappings"])
        aliases.update(copy.deepcopy(section.get("aliases", {})))
    return flat, mappings, aliases


def validate_composite(state, name: str, body: dict, components: dict | None = None) -> None:
    flat, mappings, _ = composite(state, body, components)
    try:
        index_settings.validate_for_create(flat)
        parse_root(compose(mappings), state.mapping_context(materialize=False))
    except EsError as err:
        cause = wrap_parse_failure(err) if err.type == "mapper_parsing_exception" else err
        composed = body.get("composed_of", [])
        with_components = f"with component templates {java_str(composed)} " if composed else ""
        raise illegal_argument(
            f"composable template [{name}] template after composition {with_components}is invalid", caused_by=cause
        ) from None


# ------------------------------------------------------ component templates
def put_component(req: Request, name: str) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    if not isinstance(body, dict):
        raise x_content_parse("[1:1] [component_template] failed to parse")
    _reject_system_keys(name, body, state)
    _unknown_field("component_template", body, COMPONENT_KEYS)
    if "template" not in body:
        raise x_content_parse("[1:2] Required [template]")
    existing = state.component_templates.get(name)
    if req.param_bool("create") and existing is not None:
        raise illegal_argument(f"component template [{name}] already exists")
    stored = {"template": normalize_template_section(name, body["template"], state)}
    for key in ("version", "_meta", "deprecated"):
        if body.get(key) is not None:
            stored[key] = copy.deepcopy(body[key])
    users = {n: t for n, t in state.index_templates.items() if name in t["body"].get("composed_of", [])}
    if users:
        trial = dict(state.component_templates)
        trial[name] = {"body": stored}
        for user in sorted(users):
            try:
                validate_composite(state, user, users[user]["body"], trial)
            except EsError as err:
                raise illegal_argument(
                    f"updating component template [{name}] results in invalid composable template [{user}] "
                    "after templates are merged",
                    caused_by=err.caused_by or err,
                ) from None
    now = state.now_ms()
    state.component_templates[name] = {"body": stored, "created": existing["created"] if existing else now, "modified": now}
    return acknowledged()


def _render(state, record: dict, flat_settings: bool) -> dict:
    body = copy.deepcopy(record["body"])
    section = body.get("template")
    if flat_settings and section and "settings" in section:
        section["settings"] = index_settings.render(index_settings.normalize(section["settings"]), True)
    if state.version.template_and_pipeline_timestamps:
        body["created_date_millis"] = record["created"]
        body["modified_date_millis"] = record["modified"]
    return body


def _select(store: dict, name: str | None) -> list[str]:
    if name is None:
        return sorted(store)
    out: list[str] = []
    for part in name.split(","):
        out += [n for n in sorted(store) if (n == part or fnmatch.fnmatchcase(n, part)) and n not in out]
    return out


def get_component(req: Request, name: str | None = None) -> tuple[int, dict]:
    state = req.state
    names = _select(state.component_templates, name)
    if name is not None and not names and "*" not in name:
        raise resource_not_found(f"component template matching [{name}] not found")
    flat = req.param_bool("flat_settings")
    return 200, {"component_templates": [
        {"name": n, "component_template": _render(state, state.component_templates[n], flat)} for n in names
    ]}


def delete_component(req: Request, name: str) -> tuple[int, dict]:
    state = req.state
    names = name.split(",")
    matching = _select(state.component_templates, name)
    in_use = sorted(n for n in matching if any(n in t["body"].get("composed_of", []) for t in state.index_templates.values()))
    if in_use:
        users = sorted(t for t, rec in state.index_templates.items() if set(rec["body"].get("composed_of", [])) & set(in_use))
        raise illegal_argument(
            f"component templates {java_str(in_use)} cannot be removed as they are still in use by index templates "
            f"{java_str(users)}"
        )
    if len(names) > 1:
        missing = [n for n in names if n not in state.component_templates]
        if missing:
            raise resource_not_found(",".join(missing))
    elif not matching:
        if name in ("*", "_all"):
            return acknowledged()
        raise resource_not_found(name)
    for n in matching:
        del state.component_templates[n]
    return acknowledged()


# ---------------------------------------------------------- index templates
def _validate_names(name: str, patterns: list[str]) -> None:
    errors = []
    if " " in name:
        errors.append("name must not contain a space")
    if "," in name:
        errors.append("name must not contain a ','")
    if "#" in name:
        errors.append("name must not contain a '#'")
    if name.startswith("_"):
        errors.append("name must not start with '_'")
    if name.lower() != name:
        errors.append("name must be lower cased")
    for pattern in patterns:
        if " " in pattern:
            errors.append(f"index_patterns [{pattern}] must not contain a space")
        if "," in pattern:
            errors.append(f"index_patterns [{pattern}] must not contain a ','")
        if "#" in pattern:
            errors.append(f"index_patterns [{pattern}] must not contain a '#'")
        if ":" in pattern:
            errors.append(f"index_patterns [{pattern}] must not contain a ':'")
        if pattern.startswith("_"):
            errors.append(f"index_patterns [{pattern}] must not start with '_'")
    if errors:
        raise invalid_index_template(name, "Validation Failed: " + "".join(f"{i}: {e};" for i, e in enumerate(errors, 1)))


def put_index_template(req: Request, name: str) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    if not isinstance(body, dict):
        raise x_content_parse("[1:1] [index_template] failed to parse")
    _reject_system_keys(name, body, state)
    _unknown_field("index_template", body, INDEX_KEYS)
    patterns = body.get("index_patterns")
    if patterns is None:
        raise x_content_parse("[1:2] Required [index_patterns]")
    patterns = [patterns] if isinstance(patterns, str) else list(patterns)
    _validate_names(name, patterns)
    composed = list(body.get("composed_of") or [])
    ignore_missing = list(body.get("ignore_missing_component_templates") or [])
    missing = [c for c in composed if c not in state.component_templates and c not in ignore_missing]
    if missing:
        raise invalid_index_template(name, f"index template [{name}] specifies component templates {java_str(missing)} that do not exist")
    existing = state.index_templates.get(name)
    if req.param_bool("create") and existing is not None:
        raise illegal_argument(f"index template [{name}] already exists")
    priority = body.get("priority")
    if priority is not None and (isinstance(priority, bool) or not isinstance(priority, int) or priority < 0):
        raise x_content_parse(f"[1:2] [index_template] failed to parse field [priority]")
    prio = priority or 0
    overlaps = {
        other: rec["body"]["index_patterns"] for other, rec in sorted(state.index_templates.items())
        if other != name and (rec["body"].get("priority") or 0) == prio and patterns_overlap(patterns, rec["body"]["index_patterns"])
    }
    if overlaps:
        raise illegal_argument(
            f"index template [{name}] has index patterns {java_str(patterns)} matching patterns from existing "
            f"templates [{','.join(overlaps)}] with patterns ("
            + ",".join(f"{k} => {java_str(v)}" for k, v in overlaps.items())
            + f") that have the same priority [{prio}], multiple index templates may not match during index "
            "creation, please use a different priority"
        )
    stored: dict = {"index_patterns": patterns, "composed_of": composed}
    stored["template"] = normalize_template_section(name, body.get("template"), state)
    if not stored["template"]:
        del stored["template"]
    for key in ("priority", "version", "_meta", "allow_auto_create", "deprecated"):
        if body.get(key) is not None:
            stored[key] = copy.deepcopy(body[key])
    if body.get("data_stream") is not None:
        stored["data_stream"] = {"hidden": False, "allow_custom_routing": False, **body["data_stream"]}
    if ignore_missing:
        stored["ignore_missing_component_templates"] = ignore_missing
    validate_composite(state, name, stored)
    now = state.now_ms()
    state.index_templates[name] = {"body": stored, "created": existing["created"] if existing else now, "modified": now}
    return acknowledged()


def get_index_template(req: Request, name: str | None = None) -> tuple[int, dict]:
    state = req.state
    names = _select(state.index_templates, name)
    if name is not None and not names and "*" not in name:
        raise resource_not_found(f"index template matching [{name}] not found")
    flat = req.param_bool("flat_settings")
    return 200, {"index_templates": [
        {"name": n, "index_template": _render(state, state.index_templates[n], flat)} for n in names
    ]}


def delete_index_template(req: Request, name: str) -> tuple[int, dict]:
    state = req.state
    names = name.split(",")
    matching = _select(state.index_templates, name)
    if len(names) > 1:
        missing = [n for n in names if n not in state.index_templates]
        if missing:
            raise EsError("index_template_missing_exception", f"index_template [{','.join(missing)}] missing", 404)
    elif not matching:
        if name in ("*", "_all"):
            return acknowledged()
        raise EsError("index_template_missing_exception", f"index_template [{name}] missing", 404)
    for n in matching:
        del state.index_templates[n]
    return acknowledged()


def find_template(state, index_name: str, hidden: bool) -> str | None:
    """Highest-priority composable template whose patterns match (global ones skip hidden indices)."""
    best = None
    for tname, rec in state.index_templates.items():
        patterns = rec["body"]["index_patterns"]
        if not any(fnmatch.fnmatchcase(index_name, p) for p in patterns):
            continue
        if hidden and any(p == "*" for p in patterns):
            continue
        prio = rec["body"].get("priority") or 0
        if best is None or prio > best[0]:
            best = (prio, tname)
    return best[1] if best else None


def register(router: Router) -> None:
    put_params = ("create", "cause", "master_timeout", "timeout")
    get_params = ("flat_settings", "local", "master_timeout")
    router.add(("PUT", "POST"), "/_component_template/{name}", put_component, put_params)
    router.add("GET", "/_component_template", get_component, get_params)
    router.add("GET", "/_component_template/{name}", get_component, get_params)
    router.add("DELETE", "/_component_template/{name}", delete_component, ("master_timeout", "timeout"))
    router.add(("PUT", "POST"), "/_index_template/{name}", put_index_template, put_params)
    router.add("GET", "/_index_template", get_index_template, get_params)
    router.add("GET", "/_index_template/{name}", get_index_template, get_params)
    router.add("DELETE", "/_index_template/{name}", delete_index_template, ("master_timeout", "timeout"))
