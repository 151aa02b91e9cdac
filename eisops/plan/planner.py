"""Building the plan: read the live state, compare with the manifests, decide each change.

The planner is generic: it asks each kind module (in dependency order) to read its live
objects, and to plan a create, an update, a delete or a conflict for each object. It writes
nothing to the cluster and prints nothing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from eisops.errors import Diagnostic, ManifestError
from eisops.plan.model import Plan, ResourceChange
from eisops.plan.ordering import dependency_order
from eisops.resources import KINDS
from eisops.resources.base import PlanContext

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.manifest.validate import LoadedManifest


def read_live_state(ctx: PlanContext) -> None:
    """Every kind's live objects, each kind in a fixed number of requests, the kinds' reads sent
    concurrently. This is the only phase that talks to the cluster: planning then works on what
    was read, and sends nothing."""
    assert ctx.cluster is not None
    cluster = ctx.cluster
    with ThreadPoolExecutor(max_workers=len(KINDS), thread_name_prefix="eisops-read") as pool:
        futures = {kind.kind: pool.submit(kind.read_live, cluster, ctx) for kind in KINDS}
        for kind in KINDS:  # in a fixed order, so the first error raised is always the same one
            ctx.live[kind.kind] = futures[kind.kind].result()


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


def build_plan(manifest: "LoadedManifest", cluster: "Cluster | None") -> tuple[Plan, PlanContext]:
    """The plan that makes the cluster match ``manifest`` (``cluster=None``: against an empty cluster),
    and the context it was made in, which the applier needs to carry it out."""
    ctx = PlanContext(manifest, cluster, cluster.version if cluster else None)
    if cluster is not None:
        read_live_state(ctx)
        check_external_references(manifest, ctx)
    return plan_from_state(manifest, ctx), ctx


def plan_from_state(manifest: "LoadedManifest", ctx: PlanContext) -> Plan:
    """The plan, given the live state already in ``ctx`` (used by build_plan and by tests)."""
    desired_names = {(r.kind, r.name) for r in manifest.resources}
    for kind in KINDS:
        for name, live in ctx.live.get(kind.kind, {}).items():
            if live.managed and (kind.kind, name) not in desired_names:
                ctx.deleting.add((kind.kind, name))

    changes: list[ResourceChange] = []
    unchanged = 0
    for kind in KINDS:
        live_objects = ctx.live.get(kind.kind, {})
        for resource in dependency_order(manifest.of_kind(kind.kind)):
            live = live_objects.get(resource.name)
            if live is None:
                changes.append(kind.plan_create(resource, ctx))
            elif not live.managed:
                changes.append(kind.plan_conflict(resource, live, ctx))
            else:
                change = kind.plan_update(resource, live, ctx)
                if change is None:
                    unchanged += 1
                else:
                    changes.append(change)
    for kind in reversed(KINDS):
        for name in sorted((n for k, n in ctx.deleting if k == kind.kind), reverse=True):
            changes.append(kind.plan_delete(ctx.live[kind.kind][name], ctx))
    plan = Plan(tuple(changes), offline=ctx.offline, server_version=ctx.version, unchanged=unchanged)
    ctx.writing = {(c.kind, c.name) for c in plan.writing_changes}
    return plan
