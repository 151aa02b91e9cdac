"""``eisops apply``: plan, show the plan, ask, then carry it out exactly."""

from __future__ import annotations

import functools
import sys

import click

from eisops.apply.applier import DEFAULT_PARALLELISM, apply_plan, refusals
from eisops.cli.app import App, connection_options, manifest_paths, paths_argument
from eisops.errors import EXIT_OK, ApplyRefused
from eisops.manifest.validate import load_manifests
from eisops.plan.model import Action, ResourceChange
from eisops.plan.planner import build_plan, verify_changes
from eisops.render.text import render_text

PAST = {Action.CREATE: "created", Action.UPDATE: "updated", Action.REPLACE: "replaced", Action.DELETE: "deleted"}
ING = {Action.CREATE: "creating", Action.UPDATE: "updating", Action.REPLACE: "replacing", Action.DELETE: "deleting"}


def can_ask() -> bool:
    """Whether a person can answer the confirmation (standard input is a terminal)."""
    return sys.stdin.isatty()


class ProgressPrinter:
    """Draws one line per change as apply goes."""

    def change_started(self, change: ResourceChange) -> None:
        click.echo(f"{change.address}: {ING[change.action]}...")

    def change_finished(self, change: ResourceChange, seconds: float) -> None:
        click.echo(f"{change.address}: {PAST[change.action]} ({seconds:.1f}s)")


@click.command()
@paths_argument
@connection_options
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--allow-replace", is_flag=True,
              help="Allow inference endpoints to be deleted and created again when Elasticsearch cannot update them.")
@click.option("--allow-index-deletion", is_flag=True,
              help="Allow deleting managed indices whose manifest was removed (their documents are lost).")
@click.option("--parallelism", type=click.IntRange(1, 100), default=DEFAULT_PARALLELISM, show_default=True,
              help="How many independent changes apply makes at once.")
@click.pass_obj
def apply(app: App, paths: tuple[str, ...], url: str | None, ca_cert: str | None, auto_approve: bool,
          allow_replace: bool, allow_index_deletion: bool, parallelism: int) -> int:
    """Make the cluster match the manifests under PATHS (default: manifests)."""
    manifest = load_manifests(manifest_paths(paths))
    cluster = app.connect(url, ca_cert)
    try:
        plan, ctx = build_plan(manifest, cluster)
        if not plan.has_changes:
            click.echo(render_text(plan), nl=False)
            click.echo("Apply complete: nothing to do.")
            return EXIT_OK
        click.echo(render_text(plan))
        allowed = {flag for flag, given in (("--allow-replace", allow_replace),
                                            ("--allow-index-deletion", allow_index_deletion)) if given}
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
        result = apply_plan(plan, cluster, functools.partial(verify_changes, ctx), ProgressPrinter(), allowed,
                            parallelism)
    finally:
        cluster.close()
    counts = ", ".join(f"{result.count(a)} {PAST[a]}" for a in (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE))
    click.echo(f"Apply complete: {counts}.")
    return EXIT_OK
