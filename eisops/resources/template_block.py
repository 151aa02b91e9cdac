"""The ``template`` block shared by component templates and index templates.

It holds ``settings``, ``mappings``, ``aliases`` (and ``lifecycle``, ``data_stream_options``).
Elasticsearch returns template settings nested with string values and mappings as sent
(reference 4.2). This module normalizes the block and finds the references inside it;
it sends no requests.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from eisops.plan.model import Operation
from eisops.resources import aliases as alias_rules
from eisops.resources import index_settings, mappings
from eisops.resources.base import PlanContext, Reference


PIPELINE_SETTINGS = ("index.default_pipeline", "index.final_pipeline")
EMBEDDING_TASKS = ("text_embedding", "sparse_embedding")


def normalize_block(template: Any) -> Any:
    if not isinstance(template, dict):
        return template
    out = dict(template)
    if "settings" in out:
        out["settings"] = index_settings.normalize(out["settings"], drop_added=False)
        if not out["settings"]:
            del out["settings"]
    if "mappings" in out:
        if out["mappings"] == {}:
            # Elasticsearch stores no mappings for an empty object: GET leaves the key out
            # (8.19.21, 9.5.2; ComponentTemplate/Template drop a null or empty CompressedXContent).
            del out["mappings"]
        else:
            out["mappings"] = mappings.canonical(out["mappings"])
    if "aliases" in out:
        out["aliases"] = alias_rules.normalize_aliases(out["aliases"])
    if "lifecycle" in out:
        out["lifecycle"] = normalize_lifecycle(out["lifecycle"])
    options = out.get("data_stream_options")
    if isinstance(options, dict) and isinstance(options.get("failure_store"), dict) \
            and "lifecycle" in options["failure_store"]:
        store = dict(options["failure_store"])
        store["lifecycle"] = normalize_lifecycle(store["lifecycle"])
        out["data_stream_options"] = {**options, "failure_store": store}
    return out


def normalize_lifecycle(lifecycle: Any) -> Any:
    """A data stream lifecycle as Elasticsearch returns it: ``enabled`` is always written, and is
    true unless the body says otherwise (DataStreamLifecycle.toXContent, 8.14+; seen on 8.19.21
    and 9.5.2 for ``template.lifecycle`` and ``data_stream_options.failure_store.lifecycle``)."""
    if not isinstance(lifecycle, dict):
        return lifecycle
    return {"enabled": True, **lifecycle}


def needs_data_stream(template: Any) -> bool:
    """Whether a template block only makes sense in a data stream template: Elasticsearch refuses
    ``lifecycle`` and ``data_stream_options`` in an index template without ``data_stream``
    ("index template [x] specifies lifecycle configuration that can only be used in combination
    with a data stream", MetadataIndexTemplateService.validateLifecycle / validateDataStreamOptions),
    while a component template may carry them for the data stream templates that compose it."""
    return isinstance(template, dict) and any(template.get(k) is not None
                                              for k in ("lifecycle", "data_stream_options"))


def settings_references(settings: Any, base: tuple) -> list[Reference]:
    """index.default_pipeline / index.final_pipeline naming pipelines ('_none' names none)."""
    refs = []
    flat_paths = _flat_with_paths(settings, base)
    for key, (value, where) in flat_paths.items():
        if key in PIPELINE_SETTINGS and isinstance(value, str) and value != "_none":
            refs.append(Reference("IngestPipeline", value, where, f"setting {key}"))
    return refs


def _flat_with_paths(settings: Any, base: tuple, prefix: str = "") -> dict[str, tuple[Any, tuple]]:
    out: dict[str, tuple[Any, tuple]] = {}
    if not isinstance(settings, dict):
        return out
    for key, value in settings.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat_with_paths(value, base + (key,), full + "."))
        else:
            name = full if full.startswith("index.") else f"index.{full}"
            out[name] = (value, base + (key,))
    return out


def mapping_references(mapping: Any, base: tuple) -> list[Reference]:
    """semantic_text inference_id / search_inference_id naming inference endpoints."""
    refs = []
    for entry in mappings.walk_fields(mapping, base):
        if entry.definition.get("type") != "semantic_text":
            continue
        for param in ("inference_id", "search_inference_id"):
            target = entry.definition.get(param)
            if isinstance(target, str):
                refs.append(Reference("InferenceEndpoint", target, entry.path + (param,),
                                      f"semantic_text field [{entry.name}] {param}", EMBEDDING_TASKS))
    return refs


def mapping_problems(mapping: Any, base: tuple) -> list[tuple[tuple, str]]:
    """Mapping rules that can be checked without a cluster."""
    problems: list[tuple[tuple, str]] = []
    if mapping is None:
        return problems
    if not isinstance(mapping, dict):
        return [(base, "mappings must be a mapping")]
    problems += _shape_problems(mapping.get("properties"), base + ("properties",))
    for entry in mappings.walk_fields(mapping, base):
        ftype = entry.definition.get("type")
        if ftype == "semantic_text" and entry.under_nested:
            problems.append((entry.path, f"semantic_text field [{entry.name}] cannot be nested"))
        if ftype == "dense_vector":
            dims = entry.definition.get("dims")
            if dims is not None and (not isinstance(dims, int) or isinstance(dims, bool) or not 1 <= dims <= 4096):
                problems.append((entry.path + ("dims",), "dense_vector dims must be an integer from 1 to 4096"))
    return problems


def _shape_problems(props: Any, where: tuple) -> list[tuple[tuple, str]]:
    """Field definitions must be mappings, and so must their properties and fields."""
    if props is None:
        return []
    if not isinstance(props, dict):
        return [(where, f"{where[-1]} must be a mapping of field names to definitions")]
    problems: list[tuple[tuple, str]] = []
    for name, definition in props.items():
        if not isinstance(definition, dict):
            problems.append((where + (name,), f"the definition of field [{name}] must be a mapping (for example {{type: keyword}})"))
            continue
        if "type" in definition and not isinstance(definition["type"], str):
            problems.append((where + (name, "type"), f"the type of field [{name}] must be a string"))
        for key in ("properties", "fields"):
            if key in definition:
                problems += _shape_problems(definition[key], where + (name, key))
    return problems


def block_references(template: Any, base: tuple) -> list[Reference]:
    if not isinstance(template, dict):
        return []
    return (settings_references(template.get("settings"), base + ("settings",))
            + mapping_references(template.get("mappings"), base + ("mappings",)))


def block_problems(template: Any, base: tuple) -> list[tuple[tuple, str]]:
    if template is None:
        return []
    if not isinstance(template, dict):
        return [(base, "template must be a mapping with settings, mappings and aliases")]
    problems = []
    if "settings" in template and not isinstance(template["settings"], dict):
        problems.append((base + ("settings",), "settings must be a mapping"))
    problems += mapping_problems(template.get("mappings"), base + ("mappings",))
    if "aliases" in template and not isinstance(template["aliases"], dict):
        problems.append((base + ("aliases",), "aliases must be a mapping of alias names to definitions"))
    problems += alias_problems(template.get("aliases"), base + ("aliases",))
    return problems


def alias_problems(aliases: Any, base: tuple) -> list[tuple[tuple, str]]:
    """Alias definitions Elasticsearch would take but not honour."""
    problems: list[tuple[tuple, str]] = []
    if not isinstance(aliases, dict):
        return problems
    for name, definition in aliases.items():
        if not isinstance(definition, dict):
            problems.append((base + (name,), f"the definition of alias [{name}] must be a mapping ({{}} for none)"))
            continue
        for key in ("routing", "index_routing", "search_routing"):
            value = definition.get(key)
            if value is not None and not isinstance(value, str):
                # Elasticsearch 8.x/9.x drops a routing value that is not a JSON string without a word.
                problems.append((base + (name, key), f"{key} of alias [{name}] must be a string (quote it: "
                                                      f"\"{value}\"); Elasticsearch silently ignores other values"))
    return problems


# ----------------------------------------------------------------- preflight
#: The pattern of the throw-away templates eisops asks Elasticsearch to simulate.
PREFLIGHT_PATTERN = "eisops-preflight-check-*"


def preflight_priority(ctx: PlanContext) -> int:
    """A priority no live or planned index template has, so a simulation never meets the
    same-priority overlap rule by accident."""
    priorities = [t.body.get("priority") for t in ctx.live.get("IndexTemplate", {}).values()]
    priorities += [r.spec.get("priority") for r in ctx.manifest.of_kind("IndexTemplate")]
    return max([p for p in priorities if isinstance(p, int) and not isinstance(p, bool)] + [0]) + 1


def simulate_request(body: dict[str, Any], name: str | None = None) -> Operation:
    """The request that asks Elasticsearch whether it would take an index template body: the
    simulate API validates settings, mappings, aliases and composition as PUT does and stores
    nothing (reference 4.4)."""
    url = "/_index_template/_simulate" + (f"/{quote(name, safe='@*,_-.')}" if name else "")
    return Operation("check", "POST", url, body)


#: simulate_block's default: a data stream template when the block needs one.
AUTO = object()


def simulate_block(ctx: PlanContext, block: Any, patterns: list[str] | None = None,
                   data_stream: Any = AUTO) -> Operation | None:
    """The check of a template block (settings, mappings, aliases) on its own.

    A block with ``lifecycle`` or ``data_stream_options`` is simulated in a data stream template,
    the only place Elasticsearch takes them (see needs_data_stream); custom routing is allowed there
    when the mapping requires routing, which a plain data stream refuses ("contradicting
    `_routing.required` settings", 8.19.21 and 9.5.2). ``data_stream`` given (None for none)
    is used as it is: an index template's own.
    """
    if not isinstance(block, dict) or not block:
        return None
    body: dict[str, Any] = {"index_patterns": patterns or [PREFLIGHT_PATTERN],
                            "priority": preflight_priority(ctx), "template": block}
    if data_stream is AUTO:
        data_stream = None
        if needs_data_stream(block):
            mapping = block.get("mappings") if isinstance(block.get("mappings"), dict) else {}
            routing = mapping.get("_routing") if isinstance(mapping.get("_routing"), dict) else {}
            data_stream = {"allow_custom_routing": True} if routing.get("required") in (True, "true") else {}
    if data_stream is not None:
        body["data_stream"] = data_stream
    return simulate_request(body)
