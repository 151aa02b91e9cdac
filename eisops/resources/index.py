"""Indices (``PUT/GET/DELETE /<index>``, ``_mapping``, ``_settings``, ``_aliases``): everything eisops knows about them.

Reference sections 3 and 6. An index holds data, so this kind is the careful one:
- only what the manifest declares (or declared when eisops last wrote the index) is compared:
  Elasticsearch adds settings, templates add mappings and aliases, dynamic mapping adds fields,
  and a field that left the manifest stays in the index until a reindex (the plan notes such
  fields), while a setting or alias that left it is reset or removed;
- changes Elasticsearch makes on an open index (new fields, updatable mapping parameters,
  dynamic settings, aliases) are applied in place; changes it refuses (a field's type, a
  non-updatable parameter, a static or final setting) are shown as blocked with its rule and
  never attempted;
- deleting a managed index whose manifest was removed needs ``--allow-data-loss``.
Ownership, and the record of declared settings and aliases, live in the index's mapping ``_meta``.
"""

from __future__ import annotations

import dataclasses
import functools
import fnmatch
import os
import re
from typing import TYPE_CHECKING, Any

from eisops.cluster import Read, concurrently, path, version_tuple
from eisops.plan.diff import diff_bodies
from eisops.plan.values import copied
from eisops.cluster import records
from eisops.errors import ClusterRequestError
from eisops.plan.model import Action, FieldChange, Operation, ResourceChange
from eisops.resources import aliases as alias_rules
from eisops.resources import index_settings, mappings, template_block
from eisops.resources.base import (USER_INDICES, LiveObject, PlanContext, Reference, ResourceKind, has_marker,
                                   marked_object, with_marker)

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.manifest.model import Resource

#: Index name rules (Elasticsearch MetadataCreateIndexService.validateIndexOrAliasName).
FORBIDDEN_CHARACTERS = set('\\/*?"<>| ,#:')
#: Root mapping keys Elasticsearch changes in place; any other root key it refuses to change.
UPDATABLE_ROOT = frozenset({"_meta", "dynamic", "dynamic_templates", "runtime", "date_detection",
                            "numeric_detection", "properties"})
#: The longest comma-joined list of names sent in one URL; Elasticsearch's default
#: http.max_initial_line_length is 4kb, and the path carries other text too.
MAX_NAMES_LENGTH = 3000
WILDCARDS = "open,closed,hidden"
#: Which indices carry eisops' marker: one request, answering only the marker.
MARKED = Read(f"/{USER_INDICES}/_mapping", (("expand_wildcards", WILDCARDS),
                                            ("filter_path", "*.mappings._meta.managed_by")))
#: The key of the index mapping's ``_meta`` where eisops records which settings and aliases the
#: manifest declared when it last wrote the index: so a setting or an alias that later leaves the
#: manifest is reset or removed, while those that templates added are left alone.
DECLARED = "eisops_declared"


def _name_problem(name: str) -> str | None:
    if not name:
        return "an index name must not be empty"
    if name.startswith("."):
        return f"index names starting with '.' belong to Elasticsearch and cannot be managed: {name!r}"
    if name != name.lower():
        return f"invalid index name [{name}], must be lowercase"
    bad = sorted(c for c in set(name) & FORBIDDEN_CHARACTERS)
    if bad:
        return f"invalid index name [{name}], must not contain the following characters {' '.join(repr(c) for c in bad)}"
    if name[0] in "_-+":
        return f"invalid index name [{name}], must not start with '_', '-', or '+'"
    if name in (".", ".."):
        return f"invalid index name [{name}], must not be '.' or '..'"
    if len(name.encode("utf-8")) > 255:
        return f"invalid index name [{name}], index name is too long, (must be at most 255 bytes)"
    return None


def _chunks(names: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = []
    size = 0
    for name in names:
        if chunks and size + len(name) + 1 <= MAX_NAMES_LENGTH:
            chunks[-1].append(name)
            size += len(name) + 1
        else:
            chunks.append([name])
            size = len(name)
    return chunks


def name_expressions(names: list[str]) -> list[str]:
    """Index expressions that cover ``names`` and fit one URL each, as few as possible.

    The names themselves when they fit in one request; otherwise one wildcard per group of
    names sharing their first word (``docs-000001``, ``docs-000002`` -> ``docs-00000*``),
    the caller keeping only the names it asked for.
    """
    if len(",".join(names)) <= MAX_NAMES_LENGTH:
        return [",".join(names)] if names else []
    groups: dict[str, list[str]] = {}
    for name in sorted(names):
        head = re.split(r"[-_.]", name, maxsplit=1)[0]
        groups.setdefault(head, []).append(name)
    patterns = []
    for members in groups.values():
        prefix = os.path.commonprefix(members)
        patterns.append(members[0] if len(members) == 1 else f"{prefix}*")
    return [",".join(chunk) for chunk in _chunks(patterns)]


class IndexKind(ResourceKind):
    kind = "Index"
    noun = "index"

    # ------------------------------------------------------------------ manifests
    def check_name(self, name: str) -> str | None:
        return _name_problem(name)

    def check_spec(self, resource: "Resource") -> list[tuple[tuple, str]]:
        spec = resource.spec
        problems: list[tuple[tuple, str]] = []
        for key in spec:
            if key not in ("settings", "mappings", "aliases"):
                problems.append(((key,), f"unknown key [{key}]; an index takes settings, mappings and aliases"))
        problems += template_block.block_problems({k: spec[k] for k in ("settings", "mappings", "aliases") if k in spec}, ())
        for alias in (spec.get("aliases") or {}) if isinstance(spec.get("aliases"), dict) else ():
            problem = _name_problem(alias)
            if problem:
                problems.append((("aliases", alias), problem.replace("index name", "alias name")))
        return problems

    def references(self, resource: "Resource") -> list[Reference]:
        return template_block.block_references(resource.spec, ())

    # ------------------------------------------------------------------ live state
    def reads_ahead(self) -> tuple[Read, ...]:
        return (MARKED,)

    def read_live(self, cluster: "Cluster", ctx: PlanContext) -> dict[str, LiveObject]:
        declared = sorted({r.name for r in ctx.manifest.of_kind(self.kind)})
        project = getattr(getattr(ctx.manifest, "project", None), "name", None)
        # 1. At once, as none needs another's answer: which indices carry eisops' marker (one
        #    request, answering only the marker); the settings, mappings and aliases of the declared
        #    indices (a declared name may be an alias over the index a migration made); how many
        #    documents they hold (what a migration copies, what a deletion loses); and the
        #    migrations an earlier apply did not finish.
        marked, declared_found, declared_counts, migrations = concurrently(
            lambda: cluster.read(MARKED),
            lambda: self._fetch(cluster, declared),
            lambda: _document_counts(cluster, declared),
            lambda: records.read_migrations(cluster, project, declared))
        markers = marked.result() or {}
        managed = sorted(n for n, body in markers.items()
                         if not n.startswith(".") and has_marker(((body or {}).get("mappings") or {}).get("_meta")))
        found = declared_found.result()
        # 2. A managed index no manifest declares (one to prune) is read by name too: only then
        #    does the plan wait for a second round of reads.
        undeclared = sorted(set(managed) - set(declared))
        if undeclared:
            found.update(self._fetch(cluster, undeclared))
        objects = self._objects_of(found, sorted(set(declared) | set(managed)))
        # 3. An index a migration left behind the name it served is kept, not managed as an Index.
        retired: dict[str, list[str]] = {}
        for name, live in list(objects.items()):
            serves = _declared(live.body.get("mappings") or {}).get("serves")
            if live.managed and serves and serves != name and "concrete" not in live.extra:
                retired.setdefault(serves, []).append(name)
                del objects[name]
        ctx.state["retired_indices"] = retired
        # 4. The documents of each managed index: counted with the declared ones, those that were
        #    not (an undeclared index, or a count refused) asked for on their own.
        concrete = sorted({live.extra.get("concrete", live.name) for live in objects.values() if live.managed})
        counts = declared_counts.result()
        uncounted = [name for name in concrete if name not in counts]
        if uncounted:
            counts = {**counts, **_document_counts(cluster, uncounted)}
        ctx.state["index_docs"] = {name: counts[name] for name in concrete if name in counts}
        ctx.state["migrations"] = migrations.result()
        return objects

    def read_back(self, cluster: "Cluster", names: list[str], ctx: PlanContext) -> dict[str, LiveObject]:
        """The indices ``names``, by name in one request (by wildcards of their common prefixes when
        the names would not fit in one URL)."""
        return self._objects_of(self._fetch(cluster, names), names)

    @staticmethod
    def _fetch(cluster: "Cluster", names: list[str]) -> dict[str, Any]:
        """What GET <names> answers: each index found, by its concrete name (a name may be an alias)."""
        def get(expression: str) -> Any:
            return cluster.request("GET", path(expression), params={
                "ignore_unavailable": True, "allow_no_indices": True, "expand_wildcards": WILDCARDS})

        found: dict[str, Any] = {}
        for answer in concurrently(*(functools.partial(get, e) for e in name_expressions(sorted(names)))):
            found.update(answer.result() or {})
        return found

    @staticmethod
    def _objects_of(found: dict[str, Any], names: list[str]) -> dict[str, LiveObject]:
        """The live objects of ``names`` among the indices ``found``: an index of that name, or the
        one a name serves as an alias over the index a migration made."""
        wanted = set(names)
        objects = _objects({name: body for name, body in found.items() if name in wanted})
        for concrete, body in found.items():
            serves = _declared(((body or {}).get("mappings") or {})).get("serves")
            if serves in wanted and serves != concrete and serves in ((body or {}).get("aliases") or {}):
                live = _objects({concrete: body})[concrete]
                objects[serves] = dataclasses.replace(live, name=serves, extra={**live.extra, "concrete": concrete})
        return objects

    # ------------------------------------------------------------------ comparison
    def desired_body(self, resource: "Resource", serves: str | None = None) -> dict[str, Any]:
        """The body of the index; ``serves``: the name clients use, when it is an alias over this
        index (a migration's), kept in eisops' record in the mapping's _meta."""
        body = copied(resource.spec)
        mapping = body.get("mappings") if isinstance(body.get("mappings"), dict) else {}
        meta = with_marker(mapping.get("_meta"), resource.project)
        meta[DECLARED] = {"settings": sorted(index_settings.normalize(body.get("settings") or {})),
                          "aliases": sorted(body.get("aliases") or {})}
        if serves:
            meta[DECLARED]["serves"] = serves
        mapping["_meta"] = meta
        body["mappings"] = mapping
        return body

    def _comparable_desired(self, body: dict[str, Any], ctx: PlanContext) -> dict[str, Any]:
        version = version_tuple(ctx.version) if ctx.version else None
        return {
            "mappings": _without_record(mappings.without_defaults(mappings.canonical(body["mappings"]), version)),
            "settings": index_settings.normalize(body.get("settings") or {}),
            "aliases": alias_rules.normalize_aliases(body.get("aliases") or {}),
        }

    def comparable_live(self, live_body: dict[str, Any], desired: Any, ctx: PlanContext) -> Any:
        """The live index cut down to what the manifest declares now, or declared when eisops
        last wrote the index (so that a setting or alias removed from the manifest shows)."""
        live_mappings = live_body.get("mappings") or {}
        earlier = _declared(live_mappings)
        # Defaults are dropped on both sides: Elasticsearch omits most of them from GET _mapping,
        # but keeps some that were given explicitly (number coerce/ignore_malformed, 9.5.2).
        out: dict[str, Any] = {"mappings": _without_record(mappings.without_defaults(mappings.restrict_to_declared(
            live_mappings, desired.get("mappings") or {})))}
        live_settings = unreported_settings(index_settings.normalize(live_body.get("settings") or {}),
                                            desired.get("settings") or {})
        wanted = set(desired.get("settings") or {}) | set(earlier.get("settings") or [])
        out["settings"] = {k: live_settings[k] for k in sorted(wanted) if k in live_settings}
        live_aliases = alias_rules.normalize_aliases(live_body.get("aliases") or {})
        wanted = set(desired.get("aliases") or {}) | set(earlier.get("aliases") or [])
        out["aliases"] = {k: live_aliases[k] for k in sorted(wanted) if k in live_aliases}
        return out

    def minimal_spec(self, live: LiveObject, ctx: PlanContext) -> tuple[dict[str, Any], str | None]:
        settings = {k: v for k, v in index_settings.normalize(live.body.get("settings") or {}).items()
                    if k not in IMPORT_SKIPPED_SETTINGS}
        mapping = dict(live.body.get("mappings") or {})
        meta = {k: v for k, v in (mapping.get("_meta") or {}).items()
                if k not in ("managed_by", "eisops_project", DECLARED)}
        mapping.pop("_meta", None)
        if meta:
            mapping["_meta"] = meta
        spec: dict[str, Any] = {}
        if settings:
            spec["settings"] = settings
        if mapping:
            spec["mappings"] = mapping
        if live.body.get("aliases"):
            spec["aliases"] = live.body["aliases"]
        return spec, None

    def desired(self, resource: "Resource", ctx: PlanContext) -> Any:
        return self._comparable_desired(self.desired_body(resource), ctx)

    # ------------------------------------------------------------------ planning
    def plan_create(self, resource: "Resource", ctx: PlanContext) -> ResourceChange:
        alias_owner = self._alias_holder(resource.name, ctx)
        body = self.desired_body(resource)
        after = self._comparable_desired(body, ctx)
        if alias_owner:
            return ResourceChange(self.kind, resource.name, Action.CONFLICT,
                                  f"[{resource.name}] already exists as an alias of index [{alias_owner}]; "
                                  "an index cannot take its name", after=after)
        if resource.addressing == "alias":
            # Created as the first of versioned indices, behind the name clients use: a later
            # migration moves the alias and keeps the index it leaves.
            body = self.desired_body(resource, serves=resource.name)
            body["aliases"] = {**(body.get("aliases") or {}), resource.name: {}}
            concrete = f"{resource.name}-v1"
            return ResourceChange(self.kind, resource.name, Action.CREATE,
                                  f"the index does not exist; it is created as [{concrete}], behind the alias "
                                  f"[{resource.name}] clients use", after=after,
                                  operations=(Operation("create", "PUT", path(concrete), body),))
        return ResourceChange(self.kind, resource.name, Action.CREATE, "the index does not exist",
                              after=after, operations=(Operation("create", "PUT", path(resource.name), body),))

    def _alias_holder(self, name: str, ctx: PlanContext) -> str | None:
        for live in ctx.live.get(self.kind, {}).values():
            if name in (live.body.get("aliases") or {}):
                return live.name
        return None

    def plan_update(self, resource: "Resource", live: LiveObject, ctx: PlanContext) -> ResourceChange | None:
        unfinished = (ctx.state.get("migrations") or {}).get(resource.name)
        if unfinished and unfinished.get("project") in (None, resource.project):
            return self._resumed_migration(resource, live, unfinished)
        body = self.desired_body(resource, serves=resource.name if "concrete" in live.extra else None)
        after = self._comparable_desired(body, ctx)
        before = self.comparable_live(live.body, after, ctx)
        changes = diff_bodies(before, after)
        if not changes:
            return None
        version = version_tuple(ctx.version)
        refusals = _mapping_refusals(live.body.get("mappings") or {}, body["mappings"], version,
                                     functools.partial(_endpoint_model, ctx=ctx))
        marked = []
        closing = sorted({c.path[1] for c in changes if c.path[:1] == ("settings",) and len(c.path) > 1
                          and index_settings.needs_close(c.path[1])})
        for change in changes:
            rule = None
            if change.path[:1] == ("settings",) and len(change.path) > 1:
                rule = index_settings.update_rule(change.path[1])
                if change.path[1] in closing:
                    rule = None if not live.body.get("data_stream") else (
                        f"[{change.path[1]}] is a static setting, changed only on a closed index, and a data "
                        "stream's backing index is not closed by eisops")
            elif change.path[:1] == ("mappings",):
                rule = _rule_for(change.path[1:], refusals)
            if rule:
                change = FieldChange(change.path, change.before, change.after, change.added, change.removed,
                                     change.sensitive, rule)
            marked.append(change)
        changes = tuple(marked)
        notes = ()
        declared_elsewhere = _template_fields(resource.name, ctx)
        kept = [f for f in mappings.undeclared_fields(mappings.canonical(live.body.get("mappings") or {}),
                                                       after["mappings"]) if f not in declared_elsewhere]
        if kept:
            notes = (f"fields in the index that no manifest declares stay until a reindex: {', '.join(kept[:20])}"
                     + (f" and {len(kept) - 20} more" if len(kept) > 20 else ""),)
        blocked = [c for c in changes if c.blocked_reason]
        if blocked and resource.migrate and not live.body.get("data_stream"):
            return self._migration(resource, live, ctx, before, after, changes, notes)
        if blocked:
            return ResourceChange(
                self.kind, resource.name, Action.BLOCKED,
                f"Elasticsearch refuses {len(blocked)} of these changes on an existing index "
                "(a migration to a new index is needed)",
                before, after, changes, notes=notes)
        ops = []
        settings_changed = {c.path[1] for c in changes if c.path[:1] == ("settings",) and len(c.path) > 1}
        if settings_changed:
            # A setting that left the manifest is sent as null: Elasticsearch resets it (3.3).
            body_settings = {k: after["settings"].get(k) for k in sorted(settings_changed)}
            if closing and version >= (8, 12):
                # ?reopen=true (8.12+, elastic/elasticsearch#101723): Elasticsearch closes the
                # index, changes the settings and opens it again, in one request.
                ops.append(Operation("put_settings", "PUT", path(resource.name, "_settings"), body_settings,
                                     params=(("reopen", True),)))
            elif closing:
                ops += [Operation("close", "POST", path(resource.name, "_close")),
                        Operation("put_settings", "PUT", path(resource.name, "_settings"), body_settings),
                        Operation("open", "POST", path(resource.name, "_open"))]
            if closing:
                # Reopened, the index serves again once its primaries are assigned: apply waits for
                # that (an answer with timed_out is still yellow-or-better for what was assigned).
                ops.append(Operation("wait_for_shards", "GET", path("_cluster", "health", resource.name),
                                     params=(("wait_for_status", "yellow"), ("timeout", "60s"))))
            else:
                ops.append(Operation("put_settings", "PUT", path(resource.name, "_settings"), body_settings))
        if any(c.path[:1] == ("mappings",) for c in changes):
            ops.append(Operation("put_mapping", "PUT", path(resource.name, "_mapping"), body["mappings"]))
        alias_names = _changed_aliases(before, after)
        if alias_names:
            wanted = body.get("aliases") or {}
            actions = [{"add": {"index": resource.name, "alias": a, **wanted[a]}} if a in wanted
                       else {"remove": {"index": resource.name, "alias": a}} for a in sorted(alias_names)]
            ops.append(Operation("update_aliases", "POST", "/_aliases", {"actions": actions}))
        if not any(op.verb == "put_mapping" for op in ops) and \
                _declared(body["mappings"]) != _declared(live.body.get("mappings") or {}):
            # the record of what is declared
            ops.append(Operation("put_mapping", "PUT", path(resource.name, "_mapping"), {"_meta": body["mappings"]["_meta"]}))
        if closing:
            return ResourceChange(
                self.kind, resource.name, Action.UPDATE,
                f"{', '.join(closing)} {'is a static setting' if len(closing) == 1 else 'are static settings'}: "
                f"Elasticsearch changes {'it' if len(closing) == 1 else 'them'} only on a closed index, so the "
                "index is closed and reopened — "
                "unavailable to searches and writes until its shards are assigned again (a few seconds)",
                before, after, changes, tuple(ops), requires="--allow-close", notes=notes)
        return ResourceChange(self.kind, resource.name, Action.UPDATE,
                              "Elasticsearch applies these changes to the open index in place",
                              before, after, changes, tuple(ops), notes=notes)

    def plan_delete(self, live: LiveObject, ctx: PlanContext) -> ResourceChange:
        concrete = live.extra.get("concrete", live.name)
        documents = (ctx.state.get("index_docs") or {}).get(concrete)
        lost = "its documents" if documents is None else f"its {documents} document{'s' if documents != 1 else ''}"
        return ResourceChange(
            self.kind, live.name, Action.DELETE,
            f"eisops manages this index and no manifest declares it any more; deleting it loses {lost}",
            before={"mappings": live.body.get("mappings"), "aliases": live.body.get("aliases") or {}},
            operations=(Operation("delete", "DELETE", path(concrete)),), requires="--allow-data-loss")

    def _migration(self, resource: "Resource", live: LiveObject, ctx: PlanContext, before: dict[str, Any],
                   after: dict[str, Any], changes: tuple[FieldChange, ...], notes: tuple[str, ...]) -> ResourceChange:
        """Changes Elasticsearch makes only in a new index: a migration (eisops.apply.migration)."""
        source = live.extra.get("concrete", live.name)
        target = _next_generation(resource.name, source, ctx)
        body = self.desired_body(resource, serves=resource.name)
        aliases = body.pop("aliases", None) or {}
        documents = (ctx.state.get("index_docs") or {}).get(source)
        counted = "its documents" if documents is None else f"its {documents} document{'s' if documents != 1 else ''}"
        spec = {"index": resource.name, "project": resource.project, "from": source, "to": target,
                "create": body, "aliases": aliases, "documents": documents}
        embedded = _semantic_fields(body.get("mappings") or {})
        notes = notes + (
            f"the copy runs as an Elasticsearch task (_reindex; where the cluster has none, eisops copies by scroll "
            f"and bulk); searches through [{resource.name}] go on meanwhile; writes to it are refused for the final "
            "pass (never lost: a refused write was not acknowledged) until the name has moved",)
        if embedded:
            notes += (f"{counted.replace('its', 'all')} are embedded again in the new index, through "
                      + ", ".join(f"[{endpoint}] for field {field}" for field, endpoint in embedded),)
        if source == resource.name:
            notes += (f"[{resource.name}] becomes an alias of [{target}]; the index [{source}] itself is removed in "
                      "the same request, once every document is in the new one",)
        else:
            notes += (f"[{source}] is kept, its writes blocked, for you to delete when you no longer need it",)
        return ResourceChange(
            self.kind, resource.name, Action.MIGRATE,
            f"Elasticsearch cannot make {sum(1 for c in changes if c.blocked_reason)} of these changes to an existing "
            f"index; {counted} are copied into a new index [{target}] and the name [{resource.name}] moves to it",
            before, after, changes, (Operation("migrate", body=spec),), notes=notes)

    def _resumed_migration(self, resource: "Resource", live: LiveObject, unfinished: dict[str, Any]) -> ResourceChange:
        spec = dict(unfinished.get("spec") or {})
        step = unfinished.get("step") or "create"
        spec["resume_from"] = step
        return ResourceChange(
            self.kind, resource.name, Action.MIGRATE,
            f"a migration of [{resource.name}] from [{spec.get('from')}] to [{spec.get('to')}] stopped at its "
            f"'{step}' step ({unfinished.get('updated_at', 'time unknown')}); apply resumes it from there",
            operations=(Operation("migrate", body=spec),),
            notes=("the next plan compares the index with the manifest again",))

    def combine(self, changes: list[ResourceChange], ctx: PlanContext) -> list[ResourceChange]:
        """Alias changes that touch one alias on several indices are made in one ``_aliases``
        request, which Elasticsearch applies atomically: a write alias moving from one index to
        another would otherwise exist for a moment on both ("alias [w] has more than one write
        index", IndexAbstraction.Alias validation) or on neither. The request goes with the
        change that creates an index of the group, after the create (the new index must exist
        first), else with the first of the group; the others say so in a note."""
        touching: dict[str, set[int]] = {}
        for i, change in enumerate(changes):
            for alias in _aliases_touched(change):
                touching.setdefault(alias, set()).add(i)
        groups = _connected([members for members in touching.values() if len(members) > 1])
        out = list(changes)
        for group in groups:
            creates = [i for i in group if out[i].action is Action.CREATE]
            if len(creates) > 1:
                continue  # each new index creates its own aliases, as declared
            shared = {a for a, members in touching.items() if members & group}
            actions: list[dict[str, Any]] = []
            for i in sorted(group):
                out[i], moved = _without_alias_actions(out[i], shared)
                actions += moved
            host = creates[0] if creates else min(group, key=lambda i: out[i].name)
            request = Operation("update_aliases", "POST", "/_aliases", {"actions": _atomic_order(actions)})
            others = sorted(out[i].name for i in group if i != host)
            out[host] = dataclasses.replace(out[host], operations=out[host].operations + (request,), notes=out[host].notes + (
                f"the alias changes of {', '.join(others)} are made with this index's, in one _aliases request",))
            for i in group:
                if i != host:
                    out[i] = dataclasses.replace(out[i], notes=out[i].notes + (
                        f"its alias changes are made with index {out[host].name}'s, in one _aliases request",))
        return out

    # ------------------------------------------------------------------ applying
    def checks(self, change: ResourceChange, ctx: PlanContext) -> tuple[Operation, ...]:
        """A new index's settings, mappings and aliases, checked as a template for its name."""
        create = next((op for op in change.operations if op.verb == "create"), None)
        if create is None:
            return ()
        # The name Elasticsearch will give the index (``<name>-v1`` behind an alias): templates match it.
        check = template_block.simulate_block(ctx, create.body, [create.path.lstrip("/")], data_stream=None)
        return (check,) if check else ()


#: Settings an imported index's manifest leaves out: Elasticsearch's defaults for a new index.
IMPORT_SKIPPED_SETTINGS = frozenset({"index.routing.allocation.include._tier_preference"})


def unreported_settings(live: dict[str, str], desired: dict[str, Any]) -> dict[str, Any]:
    """Live settings with the manifest's value where Elasticsearch does not report what it was given:
    - ``index.number_of_replicas`` under ``index.auto_expand_replicas``: GET reports the count the
      cluster expanded to (on one node "0-1" reports "0"; AutoExpandReplicas, 8.19.21 and 9.5.2);
    - ``index.number_of_routing_shards``: taken at creation and never returned by GET _settings
      (MetadataCreateIndexService removes it from the stored settings; 8.19.21 and 9.5.2).
    Neither can be changed on an existing index through these keys, so nothing is lost.
    """
    out = dict(live)
    expand = desired.get("index.auto_expand_replicas")
    if expand not in (None, "false") and "index.number_of_replicas" in desired:
        out["index.number_of_replicas"] = desired["index.number_of_replicas"]
    if "index.number_of_routing_shards" in desired:
        out["index.number_of_routing_shards"] = desired["index.number_of_routing_shards"]
    return out


def _declared(mapping: dict[str, Any]) -> dict[str, Any]:
    """What eisops recorded in the index's mapping _meta as declared when it last wrote it."""
    meta = mapping.get("_meta") if isinstance(mapping, dict) else None
    record = meta.get(DECLARED) if isinstance(meta, dict) else None
    return record if isinstance(record, dict) else {}


def _without_record(mapping: dict[str, Any]) -> dict[str, Any]:
    """The mapping without eisops' record of declared keys: derived data, never a change itself."""
    meta = mapping.get("_meta")
    if isinstance(meta, dict) and DECLARED in meta:
        mapping = dict(mapping)
        mapping["_meta"] = {k: v for k, v in meta.items() if k != DECLARED}
    return mapping


def _template_fields(index: str, ctx: PlanContext) -> set[str]:
    """Fields the manifests' index template for ``index`` declares (the one Elasticsearch would pick:
    the highest priority among those whose patterns match), with its component templates."""
    best = None
    for template in ctx.manifest.of_kind("IndexTemplate"):
        patterns = template.spec.get("index_patterns")
        patterns = [patterns] if isinstance(patterns, str) else patterns or []
        if any(fnmatch.fnmatchcase(index, p) for p in patterns if isinstance(p, str)):
            priority = template.spec.get("priority") or 0
            if best is None or priority > best[0]:
                best = (priority, template)
    if best is None:
        return set()
    template = best[1]
    blocks = [ctx.manifest.get("ComponentTemplate", name) for name in template.spec.get("composed_of") or []]
    specs = [b.spec for b in blocks if b is not None] + [template.spec]
    names: set[str] = set()
    for spec in specs:
        mapping = (spec.get("template") or {}).get("mappings") if isinstance(spec.get("template"), dict) else None
        names |= {entry.name for entry in mappings.walk_fields(mapping)}
    return names


def _objects(body: dict[str, Any]) -> dict[str, LiveObject]:
    out = {}
    for name, index in body.items():
        if isinstance(index, dict) and not name.startswith("."):
            meta = (index.get("mappings") or {}).get("_meta")
            out[name] = marked_object(name, index, meta)
    return out


def _document_counts(cluster: "Cluster", names: list[str]) -> dict[str, int]:
    """Documents of each index (primaries), in one request per URL's worth of names (sent at once)."""
    out: dict[str, int] = {}
    def count(expression: str) -> Any:
        return cluster.request("GET", path(expression, "_stats", "docs"), params={
            "ignore_unavailable": True, "allow_no_indices": True, "expand_wildcards": WILDCARDS,
            "filter_path": "indices.*.primaries.docs.count"})

    for answer in concurrently(*(functools.partial(count, e) for e in name_expressions(names))):
        try:
            body = answer.result() or {}
        except ClusterRequestError as exc:
            if exc.status in (400, 403, 404, 405):
                return out  # no monitor privilege: the plan says "its documents"
            raise
        for name, stats in (body.get("indices") or {}).items():
            count = ((stats.get("primaries") or {}).get("docs") or {}).get("count")
            if isinstance(count, int):
                out[name] = count
    return out


def _next_generation(name: str, source: str, ctx: PlanContext) -> str:
    """``<name>-v<n>``, one more than the generation the name points to now (2 for an index that
    is still its own name), and never one that exists."""
    match = re.fullmatch(re.escape(name) + r"-v(\d+)", source)
    generation = int(match.group(1)) + 1 if match else 2
    taken = set(ctx.live.get("Index", {})) | {n for names in (ctx.state.get("retired_indices") or {}).values()
                                               for n in names}
    while f"{name}-v{generation}" in taken:
        generation += 1
    return f"{name}-v{generation}"


def _semantic_fields(mapping: dict[str, Any]) -> list[tuple[str, str]]:
    return [(entry.name, str(entry.definition.get("inference_id") or "(the default endpoint)"))
            for entry in mappings.walk_fields(mapping) if entry.definition.get("type") == "semantic_text"]


def _aliases_touched(change: ResourceChange) -> set[str]:
    names: set[str] = set()
    for op in change.operations:
        if op.verb == "update_aliases":
            names |= {a for action in op.body.get("actions") or [] for a in [next(iter(action.values())).get("alias")]}
        elif op.verb == "create" and isinstance(op.body, dict):
            names |= set(op.body.get("aliases") or {})
    return names


def _connected(groups: list[set[int]]) -> list[set[int]]:
    """The unions of overlapping groups."""
    merged: list[set[int]] = []
    for group in groups:
        group = set(group)
        for other in [m for m in merged if m & group]:
            merged.remove(other)
            group |= other
        merged.append(group)
    return merged


def _without_alias_actions(change: ResourceChange, shared: set[str]) -> tuple[ResourceChange, list[dict[str, Any]]]:
    """The change without its actions on the ``shared`` aliases, and those actions (a create's
    aliases become ``add`` actions)."""
    moved: list[dict[str, Any]] = []
    operations = []
    for op in change.operations:
        if op.verb == "update_aliases":
            keep = []
            for action in op.body.get("actions") or []:
                (moved if next(iter(action.values())).get("alias") in shared else keep).append(action)
            if keep:
                operations.append(dataclasses.replace(op, body={"actions": keep}))
            continue
        if op.verb == "create" and isinstance(op.body, dict) and set(op.body.get("aliases") or {}) & shared:
            body = copied(op.body)
            aliases = body.get("aliases") or {}
            for alias in sorted(set(aliases) & shared):
                moved.append({"add": {"index": change.name, "alias": alias, **(aliases.pop(alias) or {})}})
            if not aliases:
                body.pop("aliases")
            op = dataclasses.replace(op, body=body)
        operations.append(op)
    return dataclasses.replace(change, operations=tuple(operations)), moved


def _atomic_order(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Removals first, then additions, a write index last: the order people read it in (the
    request is applied as a whole)."""
    def rank(action: dict[str, Any]) -> int:
        verb, options = next(iter(action.items()))
        return 0 if verb != "add" else 2 if options.get("is_write_index") is True else 1
    return sorted(actions, key=rank)


def _changed_aliases(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The aliases whose presence or options differ, from the bodies themselves (not from how the
    difference is reported)."""
    old, new = before.get("aliases") or {}, after.get("aliases") or {}
    return sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))


def _rule_for(change_path: tuple, refusals: dict[tuple, str]) -> str | None:
    for length in range(len(change_path), 0, -1):
        rule = refusals.get(tuple(change_path[:length]))
        if rule:
            return rule
    return None


def _endpoint_model(endpoint_id: Any, ctx: PlanContext) -> tuple[str, str] | None:
    from eisops.resources.inference_endpoint import endpoint_model

    return endpoint_model(endpoint_id, ctx)


def _mapping_refusals(live: dict[str, Any], desired: dict[str, Any], version: tuple[int, ...],
                      model_of: mappings.ModelOf | None = None) -> dict[tuple, str]:
    """Mapping path -> Elasticsearch's refusal, for each change it would not make in place."""
    live, desired = mappings.canonical(live), mappings.canonical(desired)
    refusals: dict[tuple, str] = {}
    for key, value in desired.items():
        if key not in UPDATABLE_ROOT and key in live and live[key] != value:
            refusals[(key,)] = f"the mapping parameter [{key}] cannot be changed on an existing index"
    _field_refusals(live.get("properties") or {}, desired.get("properties") or {}, ("properties",), "",
                    version, refusals, model_of)
    return refusals


def _field_refusals(live_props: dict, desired_props: dict, base: tuple, prefix: str,
                    version: tuple[int, ...], refusals: dict[tuple, str], model_of: mappings.ModelOf | None) -> None:
    for name, want in desired_props.items():
        have = live_props.get(name)
        if not isinstance(have, dict) or not isinstance(want, dict):
            continue  # a new field: always added in place
        here, full = base + (name,), f"{prefix}{name}"
        old_type, new_type = mappings.field_type(have), mappings.field_type(want)
        if old_type != new_type:
            refusals[here] = f"mapper [{full}] cannot be changed from type [{old_type}] to [{new_type}]"
            continue
        comparable = mappings.comparable_live_field(have, want)
        for param in sorted((set(comparable) | set(want)) - {"properties", "fields", "type"}):
            before, after = comparable.get(param), want.get(param)
            if before == after:
                continue
            rule = mappings.field_update_rule(full, param, new_type, before, after, have, version, model_of)
            if rule:
                refusals[here + (param,)] = rule
        _field_refusals(have.get("properties") or {}, want.get("properties") or {}, here + ("properties",),
                        full + ".", version, refusals, model_of)
        _field_refusals(have.get("fields") or {}, want.get("fields") or {}, here + ("fields",),
                        full + ".", version, refusals, model_of)


