"""Component templates and composable index templates (reference section 4).

What it is for: PUT/GET/DELETE of ``_component_template`` and
``_index_template`` with ES's shapes (settings normalised to nested string
``index.*``, ``index_patterns`` always a list, ``composed_of`` always
present, alias routing expansion, 9.2+ ``created_date_millis`` /
``modified_date_millis`` which a PUT may not send back), ``create=true``,
missing ``composed_of`` components, same-priority overlapping patterns (real
glob intersection), composite validation (settings + mappings, also when a
used component template changes, with ES's nested "after composition" /
"invalid composite mappings" errors and the total-fields limit), deletion of
in-use component templates; and ``find_template`` / ``composite`` used when
an index is created.

Shapes checked against 8.19.21 and 9.5.2: listings come in Java HashMap
order (javamap.py); GET with a pattern matching nothing answers 404 with an
empty list; a comma is part of a component template name and refused in an
index template name; empty ``mappings`` are dropped while ``settings: {}``
and ``aliases: {}`` stay; template aliases go through ES's lenient
AliasMetadata parser (aliases.py); ``lifecycle`` shows ``enabled`` and a
lifecycle or data stream options left after composition need a data stream
(lifecycle.py); ``ignore_missing_component_templates`` is kept when given,
also empty; a data-stream template's mappings are validated with ES's default
``@timestamp`` / ``_routing`` mapping (contradicting ``_routing.required``,
timestamp type); settings errors are raised directly for
component templates but collected into "Validation Failed" for index
templates; body parsing errors follow ObjectParser (``Required [x]``,
"doesn't support values of type", numbers truncated).

Simulation (``POST _index_template/_simulate[/{name}]``,
``POST _index_template/_simulate_index/{index}``; 8.19.21, 9.5.2): a body goes
through the same checks as a put (``prepare_index_template``) under the given
name or a made-up ``simulate_template_<uuid>`` / ``simulate_index_template_<uuid>``
and is never stored; the answer is ``{"template": {"settings", "mappings"?,
"aliases"}, "overlapping": [...]}`` (``{}`` from _simulate_index when nothing
matches): settings nested with DataTier's ``_tier_preference``, mappings as
the composed, parsed mapping (with the data-stream timestamp for data-stream
templates), ``{index}`` in alias names resolved, the composed ``lifecycle`` and
``data_stream_options`` (lifecycle.py), and every template whose
patterns intersect the simulated one's, in HashMap-after-putAll order.

What it must not do: create indices (indices.py applies the result).
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache

from . import settings as index_settings
from .aliases import template_aliases
from .index_resolution import validate_alias_name
from .errors import (
    EsError, illegal_argument, invalid_index_template, java_str, number_format, resource_not_found,
    token_name, x_content_parse,
)
from .lifecycle import (
    compose_data_stream_options, compose_lifecycle, default_rollover, object_value, parse_data_stream_options,
    parse_lifecycle,
)
from .mapping_merge import compose
from .javamap import hashmap_order, putall_order
from .mappings import check_timestamp_field, check_total_fields, parse_root, unwrap_type, wrap_parse_failure
from .routing import Request, Router, acknowledged
from .state import new_uuid
from .values import clone

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


def _null_section(section: str, key: str) -> EsError:
    # ObjectParser refuses an explicit null for an object field (8.19.21, 9.5.2).
    return x_content_parse(
        f"[1:2] [{section}] failed to parse field [template]",
        caused_by=x_content_parse(f"[1:2] [template] {key} doesn't support values of type: VALUE_NULL"),
    )


def _template_settings(name: str, raw: object, state, component: bool, extra_errors: list[str] = ()) -> dict:
    """Normalise and validate template settings the way each template kind does.

    Index templates collect every problem into one invalid_index_template
    "Validation Failed" (8.19.21 - 9.5.2). Component templates raise the first
    problem as is; from 9.3 (9.3.8, 9.4.3, 9.5.2) they first read
    number_of_shards/replicas as ints (a SettingsException, HTTP 500, for a
    non-number), then validate ignoring private settings, and report private
    ones only afterwards inside a "Validation Failed"; 8.19.21 and 9.2.8 report
    them directly as unknown settings.
    """
    if not isinstance(raw, dict):
        raise x_content_parse(
            "[1:2] [component_template] failed to parse field [template]" if component
            else "[1:2] [index_template] failed to parse field [template]",
            caused_by=x_content_parse("[1:2] [template] settings doesn't support values of type: VALUE_STRING"),
        )
    flat = index_settings.normalize(index_settings.unwrap(raw))
    version = state.version
    if component and version.at_least("9.3"):
        for key in ("index.number_of_shards", "index.number_of_replicas"):
            value = flat.get(key)
            try:
                int(value) if value is not None else None
            except ValueError:
                raise EsError("settings_exception", f"Failed to parse int setting [{key}] with value [{value}]", 500,
                              number_format(value)) from None
        index_settings.raise_first(index_settings.setting_errors(flat, version, skip_private=True))
    elif component:
        index_settings.raise_first(index_settings.setting_errors(flat, version))
    # MetadataIndexTemplateService.validate: name, pattern and settings problems in one list.
    errors = list(extra_errors) + index_settings.validation_errors(flat, version)
    if errors:
        raise invalid_index_template(name, "Validation Failed: " + "".join(f"{i}: {e};" for i, e in enumerate(errors, 1)))
    return flat


def normalize_template_section(name: str, raw: object, state, component: bool = False,
                               extra_errors: list[str] = ()) -> dict:
    """Validate and normalise a ``template`` block; mappings are kept as sent (dotted names
    not expanded), ``lifecycle`` / ``data_stream_options`` as lifecycle.py parses them.

    Stored shapes (8.19.21, 9.5.2): ``settings: {}`` stays ``{}``, ``aliases: {}``
    stays ``{}``; empty ``mappings`` are kept here (the simulate APIs then show
    ``mappings: {}``) but dropped by GET (see ``_render``). ``extra_errors`` (name
    and pattern problems of an index template) are reported with the settings
    problems in one "Validation Failed"."""
    section = "component_template" if component else "index_template"
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise x_content_parse(f"[1:2] [{section}] failed to parse field [template]")
    for key in raw:
        if key not in TEMPLATE_KEYS:
            raise x_content_parse(f"[1:2] [{section}] failed to parse field [template]",
                                  caused_by=x_content_parse(f"[1:2] [template] unknown field [{key}]"))
    out: dict = {}
    for key in ("settings", "mappings", "aliases", "lifecycle"):
        if key in raw and raw[key] is None:
            raise _null_section(section, key)
    # Parsed with the body, so their errors come before any validation (8.19.21, 9.5.2).
    sections: dict = {}
    for key, parse in (("lifecycle", parse_lifecycle), ("data_stream_options", parse_data_stream_options)):
        if key not in raw:
            continue
        value = raw[key]
        if value is None:  # data_stream_options: null is kept (lifecycle: null is refused above)
            sections[key] = None
            continue
        try:
            object_value("template", key, value)
        except EsError as err:
            raise x_content_parse(f"[1:2] [{section}] failed to parse field [template]", caused_by=err) from None
        try:
            sections[key] = parse(value, state.version)
        except EsError as err:
            raise x_content_parse(f"[1:2] [{section}] failed to parse field [template]", caused_by=x_content_parse(
                f"[1:2] [template] failed to parse field [{key}]", caused_by=err)) from None
    if "settings" in raw:
        flat = _template_settings(name, raw["settings"], state, component, extra_errors)
        out["settings"] = index_settings.nest(flat)
    else:
        _raise_validation(name, list(extra_errors))
    if raw.get("mappings") is not None:
        if not isinstance(raw["mappings"], dict):
            raise x_content_parse(f"[1:2] [{section}] failed to parse field [template]",
                                  caused_by=x_content_parse("[1:2] [template] failed to parse field [mappings]"))
        mappings = unwrap_type(raw["mappings"])
        if component:
            # An index template's own mappings are validated only composed with its
            # components, inside the "after composition" error (8.19.21, 9.5.2).
            try:
                parse_root(mappings, state.mapping_context(materialize=False))
            except EsError as err:
                raise wrap_parse_failure(err) from None
        if component and "settings" in out:
            check_total_fields(parse_root(mappings, state.mapping_context(materialize=False)),
                               index_settings.normalize(out["settings"]))
        # An empty mappings object is dropped by GET; one that is empty only inside "_doc" is
        # kept (and shown as {}; 8.19.21, 9.5.2): the latter is stored still wrapped.
        out["mappings"] = clone(mappings if mappings or not raw["mappings"] else raw["mappings"])
    if raw.get("aliases") is not None:
        if not isinstance(raw["aliases"], dict):
            raise x_content_parse(f"[1:2] [{section}] failed to parse field [template]", caused_by=x_content_parse(
                f"[1:2] [template] aliases doesn't support values of type: {token_name(raw['aliases'])}"))
        out["aliases"] = template_aliases(raw["aliases"])
    out.update(sections)
    return out


def template_sections(state, body: dict, components: dict | None = None) -> list[dict]:
    """The ``template`` blocks an index template is composed of: its existing components in
    order, then its own."""
    components = state.component_templates if components is None else components
    sections = [components[c]["body"].get("template", {}) for c in body.get("composed_of", []) if c in components]
    sections.append(body.get("template", {}))
    return sections


def composite(state, body: dict, components: dict | None = None) -> tuple[dict, list, dict]:
    """(flat settings, mapping list, aliases) of an index template with its components."""
    flat: dict = {}
    mappings: list = []
    aliases: dict = {}
    for section in template_sections(state, body, components):
        flat.update(index_settings.normalize(section.get("settings")))
        if section.get("mappings") is not None:
            mappings.append(section["mappings"])
        aliases.update(clone(section.get("aliases", {})))
    return flat, mappings, aliases


def data_stream_mappings(body: dict, mappings: list) -> list:
    """The mappings a data-stream template's index is built from (collectV2Mappings): ES's
    default ``@timestamp`` mapping first — with ``_routing.required`` set explicitly to the
    template's ``allow_custom_routing``, so that a contradicting ``_routing`` fails —, the
    composed ones, and the ``_data_stream_timestamp`` metadata field last (8.19.21, 9.5.2)."""
    routing = bool((body.get("data_stream") or {}).get("allow_custom_routing"))
    # ignore_malformed "false" explicitly, so that index.mapping.ignore_malformed does not apply.
    head = {"_routing": {"required": routing}, "properties": {"@timestamp": {"type": "date", "ignore_malformed": "false"}}}
    return [head, *mappings, {"_data_stream_timestamp": {"enabled": True}}]


def data_stream_composed(mappings: list) -> dict:
    """compose() of data_stream_mappings(): a ``@timestamp`` the templates map without
    ``ignore_malformed`` still gets ES's explicit false (8.19.21, 9.5.2 show
    ``ignore_malformed: false`` with index.mapping.ignore_malformed true)."""
    composed = compose(mappings)
    field = (composed.get("properties") or {}).get("@timestamp")
    if isinstance(field, dict) and field.get("type") in ("date", "date_nanos"):
        field.setdefault("ignore_malformed", "false")
    return composed


def validate_data_stream_only(state, name: str, body: dict, components: dict | None = None) -> None:
    """validateLifecycle / validateDataStreamOptions (MetadataIndexTemplateService; 8.19.21,
    9.5.2): a lifecycle or data stream options left after composition need a data stream."""
    if body.get("data_stream") is not None:
        return
    sections = template_sections(state, body, components)
    if compose_lifecycle(sections) is not None:
        raise illegal_argument(f"index template [{name}] specifies lifecycle configuration that can only be used "
                               "in combination with a data stream")
    if compose_data_stream_options(sections) is not None:
        raise illegal_argument(f"index template [{name}] specifies data stream options that can only be used in "
                               "combination with a data stream")


def validate_composite(state, name: str, body: dict, components: dict | None = None) -> None:
    """The composed template must make a valid index (8.19.21, 9.5.2 error shape:
    "composable template [x] template after composition ... is invalid" caused by
    "invalid composite mappings for [x]" caused by the mapping error). Before that, as
    validateIndexTemplateV2 does, lifecycle and data stream options need a data stream."""
    validate_data_stream_only(state, name, body, components)
    flat, mappings, aliases = composite(state, body, components)
    composed = body.get("composed_of", [])
    with_components = f"with component templates {java_str(composed)} " if composed else ""
    message = f"composable template [{name}] template after composition {with_components}is invalid"
    try:
        index_settings.validate_for_create(flat, state.version)
    except EsError as err:
        raise illegal_argument(message, caused_by=err) from None
    # Aliases are resolved for a temporary index before the mappings are parsed: one named
    # like an existing index is an InvalidAliasNameException (8.19.21, 9.5.2).
    for alias in aliases:
        if alias in state.indices:
            try:
                validate_alias_name(state, alias)
            except EsError as err:
                raise illegal_argument(message, caused_by=err) from None
    data_stream = body.get("data_stream") is not None
    if data_stream:
        mappings = data_stream_mappings(body, mappings)
    try:
        composed_mapping = data_stream_composed(mappings) if data_stream else compose(mappings)
        try:
            parsed = parse_root(composed_mapping, state.mapping_context(materialize=False, settings=flat))
        except EsError as err:
            raise wrap_parse_failure(err) from None
        check_total_fields(parsed, flat)
        if data_stream:
            check_timestamp_field(parsed, flat)
    except EsError as err:
        raise illegal_argument(message, caused_by=illegal_argument(f"invalid composite mappings for [{name}]", caused_by=err)) from None


# ------------------------------------------------------------ body parsing
def _int_field(section: str, key: str, value: object) -> int:
    """ObjectParser int field: numbers truncated, numeric strings parsed (8.19.21, 9.5.2)."""
    if value is None or isinstance(value, (bool, dict, list)):
        raise x_content_parse(f"[1:2] [{section}] {key} doesn't support values of type: {token_name(value)}")
    try:
        return int(value) if isinstance(value, (int, float)) else int(str(value))
    except ValueError:
        raise x_content_parse(f"[1:2] [{section}] failed to parse field [{key}]",
                              caused_by=illegal_argument(f'For input string: "{value}"')) from None


def _object_field(section: str, key: str, value: object) -> dict:
    if not isinstance(value, dict):
        raise x_content_parse(f"[1:2] [{section}] {key} doesn't support values of type: {token_name(value)}")
    return clone(value)


def _name_errors(name: str) -> list[str]:
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
    return errors


def _raise_validation(name: str, errors: list[str]) -> None:
    if errors:
        raise invalid_index_template(name, "Validation Failed: " + "".join(f"{i}: {e};" for i, e in enumerate(errors, 1)))


# ------------------------------------------------------ component templates
def put_component(req: Request, name: str) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    if not isinstance(body, dict):
        raise x_content_parse("[1:1] [component_template] failed to parse")
    _reject_system_keys(name, body, state)
    _unknown_field("component_template", body, COMPONENT_KEYS)
    if "template" not in body:
        raise illegal_argument("Required [template]")
    stored: dict = {}
    if "version" in body:
        stored["version"] = _int_field("component_template", "version", body["version"])
    if "_meta" in body:
        stored["_meta"] = _object_field("component_template", "_meta", body["_meta"])
    if "deprecated" in body and body["deprecated"] is not None:
        stored["deprecated"] = body["deprecated"]
    if body["template"] is None:
        raise x_content_parse("[1:2] [component_template] template doesn't support values of type: VALUE_NULL")
    existing = state.component_templates.get(name)
    if req.param_bool("create") and existing is not None:
        raise illegal_argument(f"component template [{name}] already exists")
    _raise_validation(name, _name_errors(name))
    stored = {"template": normalize_template_section(name, body["template"], state, component=True), **stored}
    users = {n: t for n, t in state.index_templates.items() if name in t["body"].get("composed_of", [])}
    if users:
        trial = dict(state.component_templates)
        trial[name] = {"body": stored}
        for user in hashmap_order(users):
            try:
                validate_composite(state, user, users[user]["body"], trial)
            except EsError as err:
                raise illegal_argument(
                    f"updating component template [{name}] results in invalid composable template [{user}] "
                    "after templates are merged",
                    caused_by=err,
                ) from None
    now = state.now_ms()
    state.component_templates[name] = {"body": stored, "created": existing["created"] if existing else now, "modified": now}
    return acknowledged()


def _render(state, record: dict, flat_settings: bool) -> dict:
    body = clone(record["body"])
    section = body.get("template")
    if section is not None and section.get("mappings") == {}:
        del section["mappings"]  # GET drops empty mappings (8.19.21, 9.5.2)
    if section is not None and section.get("mappings") is not None:
        section["mappings"] = unwrap_type(section["mappings"])
    if flat_settings and section and "settings" in section:
        section["settings"] = index_settings.render(index_settings.normalize(section["settings"]), True)
    if state.version.template_and_pipeline_timestamps:
        body["created_date_millis"] = record["created"]
        body["modified_date_millis"] = record["modified"]
    return body


def _select(store: dict, name: str | None) -> list[str]:
    """Names a GET or DELETE addresses: all, one simple ``*`` pattern, or one literal name
    (commas are not list separators here). Java HashMap order, as ES lists them."""
    if name is None:
        return hashmap_order(store)
    if "*" in name:
        return hashmap_order(n for n in store if fnmatch.fnmatchcase(n, name))
    return [name] if name in store else []


def get_component(req: Request, name: str | None = None) -> tuple[int, dict]:
    """GET _component_template[/{name}]: a missing literal name is a resource_not_found;
    a pattern that matches nothing answers 404 with an empty list (8.19.21, 9.5.2)."""
    state = req.state
    names = _select(state.component_templates, name)
    if name is not None and not names and "*" not in name:
        raise resource_not_found(f"component template matching [{name}] not found")
    flat = req.param_bool("flat_settings")
    body = {"component_templates": [
        {"name": n, "component_template": _render(state, state.component_templates[n], flat)} for n in names
    ]}
    return (404 if name is not None and not names else 200), body


def delete_component(req: Request, name: str) -> tuple[int, dict]:
    state = req.state
    names = name.split(",")
    matching: list[str] = []
    for part in names:
        matching += [n for n in _select(state.component_templates, part) if n not in matching]
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
_PATTERN_CHARS = "[' ','\"','*',',','/','<','>','?','\\','|']"


def _pattern_errors(patterns: list[str]) -> list[str]:
    """MetadataIndexTemplateService.validate wording (8.19.21, 9.5.2): "index_patterns" only
    in the space message, "index_pattern" elsewhere, plus the file-name character check
    (``*`` excepted)."""
    errors = []
    for pattern in patterns:
        if " " in pattern:
            errors.append(f"index_patterns [{pattern}] must not contain a space")
        if "," in pattern:
            errors.append(f"index_pattern [{pattern}] must not contain a ','")
        if "#" in pattern:
            errors.append(f"index_pattern [{pattern}] must not contain a '#'")
        if ":" in pattern:
            errors.append(f"index_pattern [{pattern}] must not contain a ':'")
        if pattern.startswith("_"):
            errors.append(f"index_pattern [{pattern}] must not start with '_'")
        if any(c in pattern for c in ' "\\,/<>?|'):
            errors.append(f"index_pattern [{pattern}] must not contain the following characters {_PATTERN_CHARS}")
    return errors


def _request_validation(body: dict, patterns: list[str], priority: int | None) -> None:
    """PutComposableIndexTemplateAction.Request#validateIndexTemplate, run before the master
    operation (also for the simulate APIs): a match-all template may not set ``index.hidden``
    (as sent, without the ``index.`` prefix added) and the priority must be >= 0."""
    errors = []
    section = body.get("template")
    if isinstance(section, dict) and any(p == "*" for p in patterns):
        raw = section.get("settings")
        if isinstance(raw, dict) and "index.hidden" in index_settings.flatten(raw):
            errors.append("global composable templates may not specify the setting index.hidden")
    if priority is not None and priority < 0:
        errors.append("index template priority must be >= 0")
    if errors:
        raise EsError("action_request_validation_exception",
                      "Validation Failed: " + "".join(f"{i}: {e};" for i, e in enumerate(errors, 1)), 400)


def prepare_index_template(state, name: str, body: object, create: bool) -> dict:
    """Parse and validate an index template body as ``name`` and return what would be
    stored, without storing it: the put API and the simulate APIs share this.

    Order as in ES (8.19.21, 9.5.2): body parsing, request validation, missing
    component templates (validateV2TemplateRequest), ``create``, same-priority
    overlaps, name/pattern/settings "Validation Failed", composite validation."""
    if not isinstance(body, dict):
        raise x_content_parse(f"[1:1] [index_template] Expected START_OBJECT but was: {token_name(body)}")
    _reject_system_keys(name, body, state)
    _unknown_field("index_template", body, INDEX_KEYS)
    for key in ("composed_of", "ignore_missing_component_templates", "template", "_meta", "data_stream"):
        if key in body and body[key] is None:
            raise x_content_parse(f"[1:2] [index_template] {key} doesn't support values of type: VALUE_NULL")
    patterns = body.get("index_patterns")
    if patterns is None:
        raise illegal_argument("Required [index_patterns]")
    patterns = [patterns] if isinstance(patterns, str) else list(patterns)
    priority = _int_field("index_template", "priority", body["priority"]) if "priority" in body else None
    version = _int_field("index_template", "version", body["version"]) if "version" in body else None
    if body.get("data_stream") is not None:
        for key in body["data_stream"]:
            if key not in ("hidden", "allow_custom_routing", "failure_store"):
                raise x_content_parse("[1:2] [index_template] failed to parse field [data_stream]",
                                      caused_by=x_content_parse(f"[1:2] [data_stream_template] unknown field [{key}]"))
    if not patterns:
        raise illegal_argument("There must be at least one pattern, zero given")
    _request_validation(body, patterns, priority)
    composed = list(body.get("composed_of") or [])
    ignore_missing = body.get("ignore_missing_component_templates")
    if ignore_missing is not None:
        # A string stands for a one-element list (ObjectParser string-array field).
        ignore_missing = [ignore_missing] if isinstance(ignore_missing, str) else list(ignore_missing)
    missing = [c for c in composed if c not in state.component_templates]
    if missing and not ignore_missing:
        raise invalid_index_template(name, f"index template [{name}] specifies component templates {java_str(missing)} that do not exist")
    still_missing = [c for c in missing if c not in (ignore_missing or [])]
    if still_missing:
        raise invalid_index_template(
            name, f"index template [{name}] specifies a missing component templates {java_str(still_missing)} "
            "that does not exist and is not part of 'ignore_missing_component_templates'")
    if create and name in state.index_templates:
        raise illegal_argument(f"index template [{name}] already exists")
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
    errors = _name_errors(name) + _pattern_errors(patterns)
    raw_settings = body["template"].get("settings") if isinstance(body.get("template"), dict) else None
    if any(p == "*" for p in patterns) and isinstance(raw_settings, dict) \
            and "index.hidden" in index_settings.normalize(index_settings.unwrap(raw_settings)):
        # validate() sees the settings with the "index." prefix added (8.19.21, 9.5.2)
        errors.append("global templates may not specify the setting index.hidden")
    stored: dict = {"index_patterns": patterns, "composed_of": composed}
    if "template" in body:
        stored["template"] = normalize_template_section(name, body["template"], state, extra_errors=errors)
    else:
        _raise_validation(name, errors)
    if priority is not None:
        stored["priority"] = priority
    if version is not None:
        stored["version"] = version
    for key in ("_meta", "allow_auto_create", "deprecated"):
        if body.get(key) is not None:
            stored[key] = clone(body[key])
    if body.get("data_stream") is not None:
        stored["data_stream"] = {"hidden": False, "allow_custom_routing": False, **body["data_stream"]}
    if ignore_missing is not None:
        # Kept when given, also empty: GET shows "ignore_missing_component_templates": [] after a
        # put with [] (8.19.21, 9.5.2).
        stored["ignore_missing_component_templates"] = ignore_missing
    validate_composite(state, name, stored)
    return stored


def put_index_template(req: Request, name: str) -> tuple[int, dict]:
    state = req.state
    body = req.json()
    if not isinstance(body, dict):
        raise x_content_parse("[1:1] [index_template] failed to parse")
    stored = prepare_index_template(state, name, body, req.param_bool("create"))
    existing = state.index_templates.get(name)
    now = state.now_ms()
    state.index_templates[name] = {"body": stored, "created": existing["created"] if existing else now, "modified": now}
    return acknowledged()


def get_index_template(req: Request, name: str | None = None) -> tuple[int, dict]:
    """GET _index_template[/{name}]: like component templates, but a comma in the name is
    refused with "template name may not contain ','" (8.19.21, 9.5.2)."""
    state = req.state
    if name is not None and "," in name:
        raise illegal_argument("template name may not contain ','")
    names = _select(state.index_templates, name)
    if name is not None and not names and "*" not in name:
        raise resource_not_found(f"index template matching [{name}] not found")
    flat = req.param_bool("flat_settings")
    body = {"index_templates": [
        {"name": n, "index_template": _render(state, state.index_templates[n], flat)} for n in names
    ]}
    return (404 if name is not None and not names else 200), body


def delete_index_template(req: Request, name: str) -> tuple[int, dict]:
    state = req.state
    names = name.split(",")
    matching: list[str] = []
    for part in names:
        matching += [n for n in _select(state.index_templates, part) if n not in matching]
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


def find_template(state, index_name: str, hidden: bool, templates: dict | None = None) -> str | None:
    """Highest-priority composable template whose patterns match (global ones skip hidden indices)."""
    best = None
    templates = state.index_templates if templates is None else templates
    for tname, rec in templates.items():
        patterns = rec["body"]["index_patterns"]
        if not any(fnmatch.fnmatchcase(index_name, p) for p in patterns):
            continue
        if hidden and any(p == "*" for p in patterns):
            continue
        prio = rec["body"].get("priority") or 0
        if best is None or prio > best[0]:
            best = (prio, tname)
    return best[1] if best else None


# ------------------------------------------------------------ simulation
_TIER_PREFERENCE = "index.routing.allocation.include._tier_preference"
_ALLOCATION_FILTERS = ("index.routing.allocation.require.", "index.routing.allocation.include.",
                       "index.routing.allocation.exclude.")


def _tier_settings(flat: dict, data_stream: bool) -> dict:
    """DataTier's DefaultHotAllocationSettingProvider, as the simulate APIs apply it to the
    composed template settings: none when the template sets a tier preference or any
    allocation filter, else data_hot for a data-stream template, data_content otherwise."""
    if _TIER_PREFERENCE in flat or any(k.startswith(_ALLOCATION_FILTERS) for k in flat):
        return {}
    return {_TIER_PREFERENCE: "data_hot" if data_stream else "data_content"}


def _simulated(state, templates: dict, name: str, index_name: str, include_defaults: bool = False) -> dict:
    """SimulateIndexTemplateResponse for template ``name`` applied to an index ``index_name``
    (8.19.21, 9.5.2): ``template`` with ``settings`` (nested strings, with the provider's
    tier preference), ``mappings`` only when some section has mappings (even empty ones:
    then ``{}``), ``aliases`` always; ``overlapping``: every other template whose patterns
    intersect this one's, whatever its priority, in the order of a HashMap filled by one
    putAll from a TreeMap (javamap.putall_order)."""
    body = templates[name]["body"]
    flat, mappings, aliases = composite(state, body)
    data_stream = body.get("data_stream") is not None
    settings = {**_tier_settings(flat, data_stream), **flat}
    template: dict = {"settings": index_settings.nest({k: v for k, v in settings.items() if v is not None})}
    if data_stream:
        mappings = data_stream_mappings(body, mappings)
    if mappings:
        composed = data_stream_composed(mappings) if data_stream else compose(mappings)
        try:
            template["mappings"] = parse_root(composed, state.mapping_context(settings=flat))
        except EsError as err:
            raise wrap_parse_failure(err) from None
    template["aliases"] = {a.replace("{index}", index_name): d for a, d in aliases.items()}
    # The composed lifecycle and data stream options, after the aliases (8.19.21, 9.5.2).
    sections = template_sections(state, body)
    lifecycle = compose_lifecycle(sections)
    if lifecycle is not None:
        if include_defaults:  # the data lifecycle only, not a failure store's (8.19.21, 9.5.2)
            lifecycle = {**lifecycle, "rollover": default_rollover(lifecycle.get("data_retention"), state.version)}
        template["lifecycle"] = lifecycle
    options = compose_data_stream_options(sections)
    if options is not None:
        template["data_stream_options"] = options
    patterns = body["index_patterns"]
    overlapping = [n for n in sorted(templates) if n != name and patterns_overlap(patterns, templates[n]["body"]["index_patterns"])]
    legacy = state.version.major < 9  # 8.x runs on Java 17 in the harness, 9.x on Java 21+
    return {"template": template, "overlapping": [
        {"name": n, "index_patterns": list(templates[n]["body"]["index_patterns"])}
        for n in putall_order(overlapping, legacy_presize=legacy)
    ]}


def _with_simulated(req: Request, name: str) -> dict:
    """The index templates with the request body "fake added" as ``name`` (validated like
    a put, ``create`` included), or as they are when there is no body."""
    state = req.state
    templates = dict(state.index_templates)
    body = req.json_or_none()
    if body is not None:
        templates[name] = {"body": prepare_index_template(state, name, body, req.param_bool("create"))}
    return templates


def _simulate_uuid() -> str:
    return new_uuid().lower()


def simulate_template(req: Request, name: str | None = None) -> tuple[int, dict]:
    """POST _index_template/_simulate[/{name}] (TransportSimulateTemplateAction): a body is
    added as ``simulate_template_<uuid>`` (or as ``name``, standing in for that template);
    without a body ``name`` must exist. Nothing is stored."""
    include_defaults = req.param_bool("include_defaults")
    if name is None and not req.has_body():
        raise EsError("action_request_validation_exception", "Validation Failed: 1: either index name or index "
                      "template body must be specified for simulation;", 400)
    uuid = _simulate_uuid()
    target = name if name is not None else f"simulate_template_{uuid}"
    templates = _with_simulated(req, target)
    if target not in templates:
        raise illegal_argument(f"unable to simulate template [{target}] that does not exist")
    return 200, _simulated(req.state, templates, target, f"simulate_template_index_{uuid}", include_defaults)


def simulate_index(req: Request, index: str) -> tuple[int, dict]:
    """POST _index_template/_simulate_index/{index} (TransportSimulateIndexTemplateAction):
    the template a new index of that name would get (a body is added first as
    ``simulate_index_template_<uuid>``); ``{}`` when none matches; the name is not
    validated (8.19.21, 9.5.2)."""
    include_defaults = req.param_bool("include_defaults")
    templates = _with_simulated(req, f"simulate_index_template_{_simulate_uuid()}")
    match = find_template(req.state, index, hidden=False, templates=templates)
    if match is None:
        return 200, {}
    return 200, _simulated(req.state, templates, match, index, include_defaults)


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
    simulate_params = ("master_timeout", "include_defaults")
    router.add("POST", "/_index_template/_simulate", simulate_template, simulate_params, ("create", "cause"))
    router.add("POST", "/_index_template/_simulate/{name}", simulate_template, simulate_params, ("create", "cause"))
    router.add("POST", "/_index_template/_simulate_index/{index}", simulate_index, simulate_params, ("create", "cause"))
