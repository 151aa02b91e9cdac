"""Component templates (``PUT/GET/DELETE _component_template``): everything eisops knows about them.

Reference section 4. Written whole; compared after normalizing the template block and
dropping the 9.2+ timestamps. Elasticsearch refuses to delete one that an index template
still uses, so deletions run after index template changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eisops.cluster import Read, path
from eisops.plan.model import Operation, ResourceChange
from eisops.resources import template_block
from eisops.resources.base import (TIMESTAMP_KEYS, LiveObject, PlanContext, Reference, WholeBodyKind, marked_object,
                                   timestamp_problems)

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.manifest.model import Resource


class ComponentTemplateKind(WholeBodyKind):
    kind = "ComponentTemplate"
    noun = "component template"
    update_note = "existing indices keep their settings and mappings; the change applies to indices created from now on"

    def object_path(self, name: str) -> str:
        return path("_component_template", name)

    def check_spec(self, resource: "Resource") -> list[tuple[tuple, str]]:
        spec = resource.spec
        problems: list[tuple[tuple, str]] = []
        if "template" not in spec:
            problems.append(((), "spec.template is required (settings, mappings and aliases)"))
        problems += template_block.block_problems(spec.get("template"), ("template",))
        problems += timestamp_problems(spec)
        if "version" in spec and (not isinstance(spec["version"], int) or isinstance(spec["version"], bool)):
            problems.append((("version",), "version must be an integer"))
        if "_meta" in spec and not isinstance(spec["_meta"], dict):
            problems.append((("_meta",), "_meta must be a mapping"))
        return problems

    def references(self, resource: "Resource") -> list[Reference]:
        return template_block.block_references(resource.spec.get("template"), ("template",))

    def normalize(self, body: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in body.items() if k not in TIMESTAMP_KEYS}
        if "template" in out:
            out["template"] = template_block.normalize_block(out["template"])
        return out

    def still_used_by(self, live: LiveObject, ctx: PlanContext) -> str | None:
        # Elasticsearch: "component templates [x] cannot be removed as they are still in use by
        # index templates [y]" (reference 4.3).
        users = sorted(self._users(live.name, ctx))
        return f"index templates {users} still use it" if users else None

    def _users(self, name: str, ctx: PlanContext) -> set[str]:
        """Index templates that will still name this component template after the plan's updates."""
        users = set()
        for template in ctx.live.get("IndexTemplate", {}).values():
            if ("IndexTemplate", template.name) in ctx.deleting:
                continue
            desired = ctx.manifest.get("IndexTemplate", template.name)
            composed = (desired.spec if desired and template.managed else template.body).get("composed_of") or []
            if name in composed:
                users.add(template.name)
        return users

    def checks(self, change: ResourceChange, ctx: PlanContext) -> tuple[Operation, ...]:
        body = next((op.body for op in change.operations if op.verb == "put"), None)
        check = template_block.simulate_block(ctx, (body or {}).get("template"))
        return (check,) if check else ()

    def reads_ahead(self) -> tuple[Read, ...]:
        return (ALL_TEMPLATES,)

    def read_live(self, cluster: "Cluster", ctx: PlanContext) -> dict[str, LiveObject]:
        return _objects(cluster.read(ALL_TEMPLATES) or {})

    def read_back(self, cluster: "Cluster", names: list[str], ctx: PlanContext) -> dict[str, LiveObject]:
        found = self.read_live(cluster, ctx)  # all of them: one request, where names would be one each
        return {name: found[name] for name in names if name in found}


#: Every component template, in one request (a 404 with no templates at all).
ALL_TEMPLATES = Read("/_component_template", missing_ok=True)


def _objects(body: dict[str, Any]) -> dict[str, LiveObject]:
    out = {}
    for item in body.get("component_templates") or []:
        name, tmpl = item.get("name"), item.get("component_template")
        if isinstance(name, str) and isinstance(tmpl, dict):
            out[name] = marked_object(name, tmpl, tmpl.get("_meta"))
    return out
