"""Composable index templates (``PUT/GET/DELETE _index_template``): everything eisops knows about them.

Reference section 4. Written whole. GET always returns ``index_patterns`` as a list and
``composed_of`` (``[]`` when empty); ``data_stream: {}`` comes back with its defaults.
Two templates whose patterns overlap at the same priority are refused by Elasticsearch,
so eisops reports them before sending anything.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from eisops.cluster import Read, path
from eisops.errors import Diagnostic
from eisops.plan.model import Action, Operation, ResourceChange
from eisops.resources import template_block
from eisops.resources.base import (TIMESTAMP_KEYS, LiveObject, PlanContext, Reference, WholeBodyKind, marked_object,
                                   timestamp_problems)

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.manifest.model import Resource

#: What Elasticsearch fills into ``data_stream`` (8.x/9.x GET _index_template).
DATA_STREAM_DEFAULTS = {"hidden": False, "allow_custom_routing": False}


def patterns_overlap(a: str, b: str) -> bool:
    """True when some index name matches both wildcard patterns ('*' matches any run of characters)."""

    @lru_cache(maxsize=None)
    def match(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            if match(i + 1, j) or (j < len(b) and match(i, j + 1)):
                return True
        if j < len(b) and b[j] == "*":
            if match(i, j + 1) or (i < len(a) and match(i + 1, j)):
                return True
        if i < len(a) and j < len(b) and a[i] == b[j] and a[i] != "*":
            return match(i + 1, j + 1)
        return False

    return match(0, 0)


def _patterns(spec: Any) -> list[str]:
    value = spec.get("index_patterns") if isinstance(spec, dict) else None
    if isinstance(value, str):
        return [value]
    return [p for p in value if isinstance(p, str)] if isinstance(value, list) else []


def _priority(spec: Any) -> int:
    value = spec.get("priority") if isinstance(spec, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def overlap_message(name: str, patterns: list[str], others: dict[str, list[str]], priority: int) -> str:
    """Elasticsearch's message for same-priority overlapping templates (reference 4.3)."""
    listing = ", ".join(f"{n} => [{', '.join(p)}]" for n, p in sorted(others.items()))
    return (f"index template [{name}] has index patterns [{', '.join(patterns)}] matching patterns from "
            f"existing templates [{', '.join(sorted(others))}] with patterns ({listing}) that have the same "
            f"priority [{priority}], multiple index templates may not match during index creation, "
            "please use a different priority")


def _overlapping(patterns: list[str], other: list[str]) -> bool:
    return any(patterns_overlap(a, b) for a in patterns for b in other)


class IndexTemplateKind(WholeBodyKind):
    kind = "IndexTemplate"
    noun = "index template"
    update_note = "existing indices keep their settings and mappings; the change applies to indices created from now on"

    def object_path(self, name: str) -> str:
        return path("_index_template", name)

    def check_spec(self, resource: "Resource") -> list[tuple[tuple, str]]:
        spec = resource.spec
        problems: list[tuple[tuple, str]] = []
        patterns = spec.get("index_patterns")
        if patterns is None:
            problems.append(((), "spec.index_patterns is required"))
        elif not (isinstance(patterns, str) or (isinstance(patterns, list) and patterns
                                                and all(isinstance(p, str) for p in patterns))):
            problems.append((("index_patterns",), "index_patterns must be a string or a non-empty list of strings"))
        else:
            for i, p in enumerate(_patterns(spec)):
                if p != p.lower() or any(c in p for c in ' \\/?"<>|,#'):
                    problems.append((("index_patterns", i), f"index pattern [{p}] is not a valid index name pattern"))
        composed = spec.get("composed_of")
        if composed is not None and not (isinstance(composed, list) and all(isinstance(c, str) for c in composed)):
            problems.append((("composed_of",), "composed_of must be a list of component template names"))
        if "priority" in spec and (not isinstance(spec["priority"], int) or isinstance(spec["priority"], bool)
                                   or spec["priority"] < 0):
            problems.append((("priority",), "priority must be a non-negative integer"))
        problems += template_block.block_problems(spec.get("template"), ("template",))
        problems += timestamp_problems(spec)
        if "_meta" in spec and not isinstance(spec["_meta"], dict):
            problems.append((("_meta",), "_meta must be a mapping"))
        block = spec.get("template")
        if template_block.needs_data_stream(block) and spec.get("data_stream") is None:
            for key, words in (("lifecycle", "lifecycle configuration"), ("data_stream_options", "data stream options")):
                if isinstance(block, dict) and block.get(key) is not None:
                    # MetadataIndexTemplateService.validateLifecycle / validateDataStreamOptions (8.19, 9.x)
                    problems.append((("template", key), f"index template [{resource.name}] specifies {words} that "
                                                         "can only be used in combination with a data stream "
                                                         "(add data_stream: {})"))
        return problems

    def check_together(self, resources: list["Resource"]) -> list[Diagnostic]:
        """Same-priority templates with overlapping patterns: Elasticsearch refuses the second."""
        problems = []
        earlier_by_priority: dict[int, list[tuple[str, list[str]]]] = {}  # only equal priorities can clash
        for res in resources:
            patterns, priority = _patterns(res.spec), _priority(res.spec)
            earlier = earlier_by_priority.setdefault(priority, [])
            others = {name: theirs for name, theirs in earlier if _overlapping(patterns, theirs)}
            earlier.append((res.name, patterns))
            if others:
                problems.append(res.diagnostic(
                    overlap_message(res.name, patterns, others, priority),
                    ("index_patterns",)))
        return problems

    def references(self, resource: "Resource") -> list[Reference]:
        spec = resource.spec
        refs = template_block.block_references(spec.get("template"), ("template",))
        ignored = spec.get("ignore_missing_component_templates") or []
        composed = spec.get("composed_of")
        for i, name in enumerate(composed if isinstance(composed, list) else []):
            if isinstance(name, str) and name not in ignored:
                refs.append(Reference("ComponentTemplate", name, ("composed_of", i), "composed_of"))
        return refs

    def normalize(self, body: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in body.items() if k not in TIMESTAMP_KEYS}
        if isinstance(out.get("index_patterns"), str):
            out["index_patterns"] = [out["index_patterns"]]
        out.setdefault("composed_of", [])
        if "template" in out:
            out["template"] = template_block.normalize_block(out["template"])
        if isinstance(out.get("data_stream"), dict):
            out["data_stream"] = {**DATA_STREAM_DEFAULTS, **out["data_stream"]}
        return out

    def checks(self, change: ResourceChange, ctx: PlanContext) -> tuple[Operation, ...]:
        """The whole template, composition included, when its component templates are already
        as planned; otherwise its own block (the components are checked on their own)."""
        body = next((op.body for op in change.operations if op.verb == "put"), None)
        if body is None:
            return ()
        if any(("ComponentTemplate", name) in ctx.writing for name in body.get("composed_of") or []):
            check = template_block.simulate_block(ctx, body.get("template"), _patterns(body),
                                                  data_stream=body.get("data_stream"))
            return (check,) if check else ()
        return (template_block.simulate_request(body, name=change.name),)

    def reads_ahead(self) -> tuple[Read, ...]:
        return (ALL_TEMPLATES,)

    def read_live(self, cluster: "Cluster", ctx: PlanContext) -> dict[str, LiveObject]:
        return _objects(cluster.read(ALL_TEMPLATES) or {})

    def read_back(self, cluster: "Cluster", names: list[str], ctx: PlanContext) -> dict[str, LiveObject]:
        found = self.read_live(cluster, ctx)  # all of them: one request, where names would be one each
        return {name: found[name] for name in names if name in found}

    # The live templates eisops does not manage can still block a create or update.
    def _overlap_with_unmanaged(self, resource: "Resource", ctx: PlanContext) -> str | None:
        others = {}
        for live in ctx.live.get(self.kind, {}).values():
            if live.managed or live.name == resource.name:
                continue
            if _priority(live.body) == _priority(resource.spec) and _overlapping(
                    _patterns(resource.spec), _patterns(live.body)):
                others[live.name] = _patterns(live.body)
        if others:
            return overlap_message(resource.name, _patterns(resource.spec), others, _priority(resource.spec))
        return None

    def plan_create(self, resource: "Resource", ctx: PlanContext) -> ResourceChange:
        change = super().plan_create(resource, ctx)
        return self._block_if_overlapping(resource, change, ctx)

    def plan_update(self, resource: "Resource", live: LiveObject, ctx: PlanContext) -> ResourceChange | None:
        change = super().plan_update(resource, live, ctx)
        return self._block_if_overlapping(resource, change, ctx) if change else None

    def _block_if_overlapping(self, resource: "Resource", change: ResourceChange, ctx: PlanContext) -> ResourceChange:
        rule = self._overlap_with_unmanaged(resource, ctx)
        if not rule:
            return change
        return ResourceChange(change.kind, change.name, Action.BLOCKED, rule, before=change.before,
                              after=change.after, changes=change.changes)


#: Every composable index template, in one request (a 404 with no templates at all).
ALL_TEMPLATES = Read("/_index_template", missing_ok=True)


def _objects(body: dict[str, Any]) -> dict[str, LiveObject]:
    out = {}
    for item in body.get("index_templates") or []:
        name, tmpl = item.get("name"), item.get("index_template")
        if isinstance(name, str) and isinstance(tmpl, dict):
            out[name] = marked_object(name, tmpl, tmpl.get("_meta"))
    return out
