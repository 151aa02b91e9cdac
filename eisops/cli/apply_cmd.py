"""``eisops apply``: plan, show the plan, ask, then carry it out exactly."""

from __future__ import annotations

import dataclasses
import functools
import os
import sys
import time
from typing import TYPE_CHECKING

import click

from eisops.apply.applier import DEFAULT_PARALLELISM, apply_plan, refusals
from eisops.apply.endpoint_tests import from_plan
from eisops.cli.app import App, connection_options, echo_warnings, manifest_paths, paths_argument
from eisops.cli.durations import seconds
from eisops.cli.test_endpoints_cmd import run_and_report
from eisops.errors import EXIT_OK, ApplyRefused
from eisops.planning.validate import load_manifests, select_targets
from eisops import __version__
from eisops.cluster import lease
from eisops.manifest.project import DEFAULT_PROJECT
from eisops.plan import saved
from eisops.plan.model import Action, ResourceChange
from eisops.planning.planner import DeclaredNames, build_plan, read_live_state, stale_objects, verify_changes
from eisops.resources import BY_NAME
from eisops.resources.base import PlanContext

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.plan.model import Plan
    from eisops.planning.validate import LoadedManifest
from eisops.render.text import render_text

PAST = {Action.CREATE: "created", Action.UPDATE: "updated", Action.REPLACE: "replaced", Action.DELETE: "deleted",
        Action.ADOPT: "adopted", Action.MIGRATE: "migrated"}
ING = {Action.CREATE: "creating", Action.UPDATE: "updating", Action.REPLACE: "replacing", Action.DELETE: "deleting",
       Action.ADOPT: "adopting", Action.MIGRATE: "migrating"}


def can_ask() -> bool:
    """Whether a person can answer the confirmation (standard input is a terminal)."""
    return sys.stdin.isatty()


class ProgressPrinter:
    """Draws one line per change as apply goes, and the progress of long work (a migration's
    copy): rewritten in place on a terminal, a plain line every few seconds in logs and CI."""

    #: Seconds between two progress lines when the output is not a terminal.
    LOG_INTERVAL = 5.0

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._terminal = sys.stdout.isatty()

    def change_started(self, change: ResourceChange) -> None:
        click.echo(f"{change.address}: {ING[change.action]}...")

    def change_progress(self, change: ResourceChange, text: str) -> None:
        if self._terminal:
            self._last[change.address] = time.monotonic()
            click.echo(f"\r\033[K{change.address}: {text}", nl=False)
            return
        now = time.monotonic()
        if now - self._last.get(change.address, 0.0) >= self.LOG_INTERVAL or "copied (" not in text:
            self._last[change.address] = now
            click.echo(f"{change.address}: {text}")

    def change_finished(self, change: ResourceChange, seconds: float) -> None:
        if self._terminal and change.address in self._last:
            click.echo("")
        click.echo(f"{change.address}: {PAST[change.action]} ({seconds:.1f}s)")


@click.command()
@paths_argument
@connection_options
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--allow-replace", is_flag=True,
              help="Allow inference endpoints to be deleted and created again when Elasticsearch cannot update them.")
@click.option("--allow-close", is_flag=True,
              help="Allow static index settings to change: the index is closed and reopened, unavailable for a moment.")
@click.option("--allow-data-loss", "--allow-index-deletion", "allow_index_deletion", is_flag=True,
              help="Allow what loses documents: deleting managed indices whose manifest was removed.")
@click.option("--parallelism", type=click.IntRange(1, 100), default=DEFAULT_PARALLELISM, show_default=True,
              help="How many independent changes apply makes at once.")
@click.option("--target", "targets", multiple=True, metavar="KIND/NAME",
              help="Apply only this object and what it references (repeatable); nothing else is pruned.")
@click.option("--adopt", is_flag=True,
              help="Adopt existing objects eisops does not manage that equal their manifests.")
@click.option("--lock-timeout", "lock_timeout", default="0s", show_default=True, metavar="DURATION",
              help="How long to wait for the project's lock when another apply holds it (30s, 5m, 1h).")
@click.option("--test-endpoints", "test_endpoints", is_flag=True,
              help="After applying, smoke-test the inference endpoints it created or replaced (as "
                   "`eisops test-endpoints` does; each call is billed by the provider); exit 1 if one fails.")
@click.pass_obj
def apply(app: App, paths: tuple[str, ...], url: str | None, ca_cert: str | None, auto_approve: bool,
          allow_replace: bool, allow_close: bool, allow_index_deletion: bool, parallelism: int, targets: tuple[str, ...],
          adopt: bool, lock_timeout: str, test_endpoints: bool) -> int:
    """Make the cluster match the manifests under PATHS (default: manifests), or apply the plan
    saved in a FILE by `eisops plan --out FILE`, exactly as it was reviewed."""
    allowed = {flag for flag, given in (("--allow-replace", allow_replace),
                                        ("--allow-close", allow_close),
                                        ("--allow-data-loss", allow_index_deletion)) if given}
    wait = seconds(lock_timeout, "--lock-timeout")
    if len(paths) == 1 and saved.is_saved_plan(paths[0]):
        if targets:
            raise click.UsageError("--target goes with manifests; a saved plan applies as it was made")
        return _apply_saved(app, paths[0], url, ca_cert, allowed, parallelism, wait, test_endpoints)
    manifest = dataclasses.replace(select_targets(load_manifests(manifest_paths(paths)), list(targets)), adopt=adopt)
    echo_warnings(manifest)
    cluster = app.connect(url, ca_cert)
    try:
        # The plan is made under the project's lock, so no other apply changes the project between
        # what this one reads and what it writes.
        if not auto_approve and not can_ask():
            # It will refuse after showing the plan: no lock is taken for a plan only shown.
            _plan_and_apply(manifest, cluster, None, allowed, auto_approve, parallelism)  # refuses, or no changes
            return EXIT_OK
        with lease.take(cluster, manifest.project.name, wait) as held:
            plan = _plan_and_apply(manifest, cluster, held, allowed, auto_approve, parallelism)
        return _smoke_test(cluster, plan) if test_endpoints else EXIT_OK
    finally:
        cluster.close()


def _plan_and_apply(manifest: "LoadedManifest", cluster: "Cluster", held: lease.Lease | None, allowed: set[str],
                    auto_approve: bool, parallelism: int) -> "Plan":
    """Plans, asks and applies; returns the plan applied."""
    plan, ctx = build_plan(manifest, cluster)
    if not plan.has_changes:
        click.echo(render_text(plan), nl=False)
        click.echo("Apply complete: nothing to do.")
        return plan
    click.echo(render_text(plan))
    reasons = refusals(plan, allowed)
    if reasons:
        raise ApplyRefused("nothing was applied:\n  " + "\n  ".join(reasons))
    if not auto_approve:
        if not can_ask():
            raise ApplyRefused("apply needs a confirmation and there is no terminal to ask on; "
                               "nothing was applied.", "Review the plan and pass --auto-approve.")
        answer = click.prompt("Apply these changes? Only 'yes' is accepted", default="", show_default=False)
        if answer.strip() != "yes":
            raise ApplyRefused("apply cancelled; nothing was changed.")
    assert held is not None  # apply goes on only with a yes, and then it holds the lock
    result = apply_plan(plan, cluster, functools.partial(verify_changes, ctx), ProgressPrinter(), allowed,
                        parallelism, held.check)
    _report(result)
    return plan


def _smoke_test(cluster: "Cluster", plan: "Plan") -> int:
    """``--test-endpoints``: the endpoints the apply created or replaced, called once each."""
    endpoints = from_plan(plan.changes)
    if not endpoints:
        click.echo("No inference endpoint was created or replaced: nothing to test.")
        return EXIT_OK
    click.echo(f"Testing the {len(endpoints)} inference endpoint{'s' if len(endpoints) != 1 else ''} "
               "created or replaced:")
    return run_and_report(cluster, endpoints)


def _report(result) -> None:
    counts = ", ".join(f"{result.count(a)} {PAST[a]}" for a in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE))
    if result.count(Action.MIGRATE):
        counts += f", {result.count(Action.MIGRATE)} migrated"
    if result.count(Action.ADOPT):
        counts += f", {result.count(Action.ADOPT)} adopted"
    click.echo(f"Apply complete: {counts}.")


def _apply_saved(app: App, plan_file: str, url: str | None, ca_cert: str | None, allowed: set[str],
                 parallelism: int, wait: float, test_endpoints: bool) -> int:
    """A saved plan was reviewed when it was made: it is applied without asking, once the cluster
    is shown to still hold what the plan was made from."""
    plan, source = saved.read(plan_file)
    unknown = sorted({c.kind for c in plan.changes} - set(BY_NAME))
    if unknown:
        raise ApplyRefused(f"{plan_file} names kinds this eisops does not know ({', '.join(unknown)}). Nothing was "
                           "applied.", "Plan again with this version.")
    if source.eisops_version != __version__:
        raise ApplyRefused(f"{plan_file} was made by eisops {source.eisops_version}; this is eisops {__version__}. "
                           "Nothing was applied.", "Plan again with this version.")
    cluster = app.connect(url or source.url, ca_cert)
    try:
        uuid = cluster.cluster_uuid()
        if source.cluster_uuid and uuid != source.cluster_uuid:
            raise ApplyRefused(f"{plan_file} was made against another cluster ({source.url}, uuid "
                               f"{source.cluster_uuid}); {saved.url_without_credentials(cluster.url)} is cluster "
                               f"{uuid}. Nothing was applied.")
        environment = dict(os.environ)
        values, missing = saved.read_secret_values(plan, environment)
        if missing:
            raise ApplyRefused("the plan takes secrets it cannot read: " + "; ".join(missing) +
                               ". Nothing was applied.")
        with lease.take(cluster, plan.project or DEFAULT_PROJECT, wait) as held:
            ctx = PlanContext(DeclaredNames(dict(plan.declared), values, plan.project), cluster.version)
            read_live_state(cluster, ctx)
            stale = stale_objects(plan, ctx, values)
            if stale:
                raise ApplyRefused("the saved plan is stale: the cluster no longer holds what it was made from; "
                                   "nothing was applied:\n  " + "\n  ".join(stale), "Plan again.")
            click.echo(render_text(plan), nl=not plan.has_changes)
            if not plan.has_changes:
                click.echo("Apply complete: nothing to do.")
                return EXIT_OK
            plan = saved.with_secrets(plan, values)
            result = apply_plan(plan, cluster, functools.partial(verify_changes, ctx), ProgressPrinter(), allowed,
                                parallelism, held.check)
        _report(result)
        return _smoke_test(cluster, plan) if test_endpoints else EXIT_OK
    finally:
        cluster.close()
