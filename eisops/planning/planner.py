"""Building the plan: read the live state once, then plan from it.

Two phases. ``read_live_state`` is the only one that talks to the cluster: every kind reads
its live objects (and who uses what) in a fixed number of requests, the kinds at once.
``plan_from_state`` is then a pure function of the manifests, what was read and the server
version: it asks each kind module (in dependency order) to plan a create, an update, a delete
or a conflict, and sends no request, reads no clock, draws no random value and looks at no
environment variable. The same module checks a saved plan against the cluster
(``stale_objects``) and reads back what apply wrote (``verify_changes``). It knows no kind of
object itself, and prints nothing.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eisops import secrets
from eisops.cluster import concurrently

from eisops.errors import Diagnostic, ManifestError
from eisops.manifest.project import DEFAULT_PROJECT, Project
from eisops.plan.model import WRITING_ACTIONS, Action, Observation, Plan, ResourceChange
from eisops.planning.ordering import dependency_order
from eisops.resources import BY_NAME, KINDS
from eisops.resources.base import PlanContext, body_digest

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.planning.validate import LoadedManifest


KIND_ORDER = {kind.kind: i for i, kind in enumerate(KINDS)}


def send_reads_ahead(cluster: "Cluster") -> None:
    """Send now the reads that need nothing from the manifests (the server version, every kind's
    listings), so that their answers come while a plan loads its manifests; ``read_live_state``
    takes them. Only for a plan: it writes nothing after its reads. Apply reads after it has
    taken its lock, never before."""
    from eisops.cluster.connection import VERSION

    reads = [] if getattr(cluster, "version_known", True) else [VERSION]
    cluster.send_ahead(reads + [read for kind in KINDS for read in kind.reads_ahead()])


def read_live_state(cluster: "Cluster", ctx: PlanContext) -> None:
    """Every kind's live objects, each kind in a fixed number of requests, the kinds' reads sent
    concurrently (and within a kind, the reads that do not depend on each other), with the
    server version when the connection has not asked for it yet; no read depends on the version.
    This is the only phase that talks to the cluster: planning then works on what was read, and
    sends nothing."""
    version_pending = not getattr(cluster, "version_known", True)
    futures = concurrently(*([cluster.detect_version] if version_pending else []),
                           *(functools.partial(kind.read_live, cluster, ctx) for kind in KINDS))
    if version_pending:  # its error first, as connecting would have raised it before any read
        ctx.version = futures.pop(0).result()
    cluster.forget_ahead()  # what no kind took is not kept for a later read (apply's read-back)
    for kind, future in zip(KINDS, futures):  # in a fixed order, so the first error raised is always the same one
        ctx.live[kind.kind] = future.result()


def check_external_references(manifest: "LoadedManifest", ctx: PlanContext) -> None:
    """References to Elasticsearch's own objects must exist in the cluster."""
    problems: list[Diagnostic] = []
    for ext in manifest.external:
        ref = ext.reference
        live = ctx.live.get(ref.kind, {}).get(ref.name)
        if live is None:
            problems.append(ext.source.diagnostic(
                f"{ref.what} names {ref.kind} {ref.name!r}, which neither a manifest nor the cluster has",
                ref.spec_path))
        elif ref.task_types and live.body.get("task_type") not in ref.task_types:
            problems.append(ext.source.diagnostic(
                f"{ref.what} names inference endpoint {ref.name!r} of task type {live.body.get('task_type')}; "
                f"it must be one of {', '.join(ref.task_types)}", ref.spec_path))
    if problems:
        raise ManifestError(problems)


def build_plan(manifest: "LoadedManifest", cluster: "Cluster | None",
               observe: bool = False) -> tuple[Plan, PlanContext]:
    """The plan that makes the cluster match ``manifest`` (``cluster=None``: against an empty cluster),
    and the context it was made in, which the applier needs to carry it out. ``observe``: record
    what the plan saw of every object, which only a plan saved for later needs."""
    ctx = PlanContext(manifest, cluster.version if cluster else None, offline=cluster is None)
    if cluster is not None:
        read_live_state(cluster, ctx)  # sets ctx.version when the connection had not asked for it
        check_external_references(manifest, ctx)
    return plan_from_state(manifest, ctx, observe), ctx


def plan_from_state(manifest: "LoadedManifest", ctx: PlanContext, observe: bool = False) -> Plan:
    """The plan, given the live state already in ``ctx`` (used by build_plan and by tests)."""
    desired_names = {(r.kind, r.name) for r in manifest.resources}
    project = getattr(manifest, "project", None) or Project(DEFAULT_PROJECT)
    notes: list[str] = []
    if project.file is None:
        notes.append(f"no project file: these manifests are planned as project [{project.name}]; name the project "
                     "in an eisops.yaml beside them (eisops init --project NAME)")
    kept, unowned = [], []
    partial = getattr(manifest, "partial", False)
    if partial:
        notes.append("a partial plan (--target): only the targets and what they reference are planned, and nothing "
                     "is pruned")
    for kind in (() if partial else KINDS):
        for name, live in sorted(ctx.live.get(kind.kind, {}).items()):
            if not live.managed or (kind.kind, name) in desired_names:
                continue
            if live.project is None:
                unowned.append(f"{kind.kind}/{name}")
            elif live.project != project.name:
                continue  # another project's: never touched
            elif not project.prunes(kind.kind):
                kept.append(f"{kind.kind}/{name}")
            else:
                ctx.deleting.add((kind.kind, name))
    if kept:
        notes.append(f"no longer declared, kept (prune is off): {', '.join(kept)}")
    if unowned:
        notes.append("marked by an earlier eisops, before projects, and declared by no manifest here, so left alone: "
                     + ", ".join(unowned))

    changes: list[ResourceChange] = []
    observed: list[Observation] = []
    unchanged = 0
    for kind in KINDS:
        live_objects = ctx.live.get(kind.kind, {})
        for resource in dependency_order(manifest.of_kind(kind.kind)):
            live = live_objects.get(resource.name)
            if observe and not ctx.offline:
                observed.append(kind.observe(resource, live, ctx))
            if live is None:
                changes.append(kind.plan_create(resource, ctx))
            elif not live.managed:
                adopt = resource.adopt or getattr(manifest, "adopt", False)
                changes.append(kind.plan_adopt(resource, live, ctx) if adopt and not resource.name.startswith(".")
                               else kind.plan_conflict(resource, live, ctx))
            elif live.project not in (None, project.name):
                changes.append(ResourceChange(
                    kind.kind, resource.name, Action.CONFLICT,
                    f"project [{live.project}] manages this {kind.noun}; eisops changes only the objects of "
                    f"project [{project.name}], and leaves it untouched", task_type=resource.task_type))
            else:
                change = kind.plan_update(resource, live, ctx)
                if change is not None and live.project is None:
                    change = dataclasses.replace(change, notes=change.notes + (
                        f"marked by an earlier eisops, before projects: taken into project [{project.name}]",))
                if change is None:
                    unchanged += 1
                else:
                    changes.append(change)
    if not ctx.offline and not partial:
        for kind in KINDS:
            changes.extend(kind.orphan_changes(ctx))
    for kind in reversed(KINDS):
        for name in sorted((n for k, n in ctx.deleting if k == kind.kind), reverse=True):
            changes.append(kind.plan_delete(ctx.live[kind.kind][name], ctx))
            if observe:
                observed.append(kind.observe_deleted(ctx.live[kind.kind][name], ctx))
    for kind in KINDS:
        mine = [c for c in changes if c.kind == kind.kind]
        if mine:
            combined = iter(kind.combine(mine, ctx))
            changes = [next(combined) if c.kind == kind.kind else c for c in changes]
    changes = _with_levels(changes, manifest)
    ctx.writing = {(c.kind, c.name) for c in changes if c.action in WRITING_ACTIONS}
    changes = [dataclasses.replace(c, checks=BY_NAME[c.kind].checks(c, ctx)) if c.action in WRITING_ACTIONS
               and c.action is not Action.DELETE else c for c in changes]
    declared = tuple((kind.kind, tuple(sorted(r.name for r in manifest.of_kind(kind.kind)))) for kind in KINDS)
    return Plan(tuple(changes), notes=tuple(notes), offline=ctx.offline, server_version=ctx.version,
                unchanged=unchanged, observed=tuple(observed), declared=declared, project=project.name)


def _with_levels(changes: list[ResourceChange], manifest: "LoadedManifest") -> list[ResourceChange]:
    """Each writing change's level: the kinds in dependency order (inference endpoints, pipelines,
    component templates, index templates, indices), within a kind what references another object
    of the kind after it (a pipeline calling a pipeline), deletions last in the reverse order.
    Changes of one level do not depend on each other, so apply may make them at once."""
    depth: dict[tuple[str, str], int] = {}

    def depth_of(resource) -> int:
        key = resource.key
        if key not in depth:
            depth[key] = 0  # a cycle was refused when ordering; this guards the recursion
            refs = [manifest.get(ref.kind, ref.name) for ref in BY_NAME[resource.kind].references(resource)
                    if ref.kind == resource.kind and ref.name != resource.name]
            depth[key] = 1 + max((depth_of(r) for r in refs if r is not None), default=-1)
        return depth[key]

    keys = []
    for change in changes:
        if change.action not in WRITING_ACTIONS:
            keys.append(None)
        elif change.action is Action.DELETE:
            keys.append((1, len(KINDS) - KIND_ORDER[change.kind], 0))
        else:
            resource = manifest.get(change.kind, change.name)
            keys.append((0, KIND_ORDER[change.kind], depth_of(resource) if resource else 0))
    numbers = {key: i for i, key in enumerate(sorted({k for k in keys if k is not None}))}
    return [dataclasses.replace(c, level=numbers[k]) if k is not None else c for c, k in zip(changes, keys)]


def verify_changes(ctx: PlanContext, cluster: "Cluster", changes: list[ResourceChange]) -> dict[str, tuple]:
    """What still differs after apply wrote ``changes``: each kind's objects read back once (the
    kinds concurrently), and compared as the plan compared them. Empty when all match."""
    by_kind: dict[str, list[ResourceChange]] = {}
    for change in changes:
        by_kind.setdefault(change.kind, []).append(change)

    def read(kind_name: str):
        return BY_NAME[kind_name].read_back(cluster, sorted({c.name for c in by_kind[kind_name]}), ctx)

    found = {kind_name: future.result()
             for kind_name, future in zip(by_kind, concurrently(*(functools.partial(read, k) for k in by_kind)))}
    out = {}
    for kind_name, items in by_kind.items():
        for change in items:
            remaining = BY_NAME[kind_name].remaining(change, found[kind_name].get(change.name), ctx)
            if remaining:
                out[change.address] = remaining
    return out


@dataclass
class DeclaredNames:
    """What the read phase needs of the manifests when a saved plan is checked: the names they
    declared, per kind (a saved plan carries no manifests)."""

    declared: dict[str, tuple[str, ...]]
    environment: dict[str, str] = field(default_factory=dict, repr=False)
    project_name: str | None = None

    @property
    def project(self) -> Project:
        return Project(self.project_name or DEFAULT_PROJECT, "(saved plan)")

    def of_kind(self, kind: str) -> list[Any]:
        return [_Named(name) for name in self.declared.get(kind, ())]

    def get(self, kind: str, name: str) -> None:
        return None


@dataclass(frozen=True)
class _Named:
    name: str


def stale_objects(plan: Plan, ctx: PlanContext, values: dict[str, str]) -> list[str]:
    """The objects a saved plan covers that the cluster, as read into ``ctx``, no longer holds as
    the plan saw them, and the secrets whose value (``values``: source -> value) differs from the
    planned one; empty when the plan can be applied as it was reviewed."""
    stale = []
    for seen in plan.observed:
        kind = BY_NAME.get(seen.kind)
        if kind is None:
            stale.append(f"{seen.address}: the plan names a kind this eisops does not know")
            continue
        live = ctx.live.get(seen.kind, {}).get(seen.name)
        try:
            if live is None:
                now = None
            elif seen.desired is None:
                now = body_digest(kind.plan_delete(live, ctx).before)
            else:
                now = body_digest(kind.comparable_live(live.body, seen.desired, ctx))
        except (TypeError, AttributeError, KeyError, ValueError, IndexError):
            # Only a plan file edited by hand (and its digest recomputed) gets here: what it says
            # it saw cannot be compared, so it is not what was reviewed.
            stale.append(f"{seen.address}: what the plan saw of it is not in the form eisops writes")
            continue
        if now != seen.digest:
            what = "now exists" if seen.digest is None else "no longer exists" if now is None else "has changed"
            stale.append(f"{seen.address} {what}")
            continue
        for where, source, changed in seen.secrets:
            value = values.get(source)
            if value is not None and (not kind.secret_recorded(seen.name, where, value, ctx)) != changed:
                stale.append(f"{seen.address}: the value of {secrets.describe(source)} ({'.'.join(map(str, where))}) "
                             "is not the one the plan was made with")
    return stale
