"""``eisops plan``: show what apply would change."""

from __future__ import annotations

import dataclasses

import click

from eisops import __version__
from eisops.cli.app import App, connection_options, echo_warnings, manifest_paths, paths_argument
from eisops.errors import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, ConnectionFailed
from eisops.planning.validate import load_manifests, select_targets
from eisops.plan.model import Action
from eisops.plan import saved
from eisops.planning.planner import build_plan, send_reads_ahead
from eisops.render.json import render_json
from eisops.render.text import render_text


@click.command()
@paths_argument
@connection_options
@click.option("--offline", is_flag=True, help="Plan against an empty cluster without connecting.")
@click.option("--detailed-exitcode", is_flag=True,
              help="Exit 0 when there are no changes, 2 when there are, 1 on error or when the plan "
                   "holds a blocked change or a conflict (it cannot be applied).")
@click.option("--output", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the plan.")
@click.option("--target", "targets", multiple=True, metavar="KIND/NAME",
              help="Plan only this object and what it references (repeatable); nothing else is pruned.")
@click.option("--adopt", is_flag=True,
              help="Adopt existing objects eisops does not manage that equal their manifests.")
@click.option("--out", "out", metavar="FILE", default=None,
              help="Also save the plan to FILE, for `eisops apply FILE` to apply exactly as it is.")
@click.pass_obj
def plan(app: App, paths: tuple[str, ...], url: str | None, ca_cert: str | None, offline: bool,
         detailed_exitcode: bool, output: str, targets: tuple[str, ...], adopt: bool, out: str | None) -> int:
    """Compare the manifests under PATHS (default: manifests) with the cluster and show the changes."""
    if out and offline:
        raise click.UsageError("an offline plan cannot be saved for apply: it was made without the cluster")
    cluster = None
    if not offline:
        # The reads that need no manifest go first, and their answers come while the manifests
        # load. A connection that cannot be made is tried again after them, so that problems in
        # the manifests are still said first.
        try:
            cluster = app.connect(url, ca_cert, detect_version=False)  # the version is asked with the reads
        except ConnectionFailed:
            pass
        else:
            send_reads_ahead(cluster)
    try:
        manifest = select_targets(load_manifests(manifest_paths(paths), require_environment=not offline),
                                  list(targets))
        manifest = dataclasses.replace(manifest, adopt=adopt)
        echo_warnings(manifest)
        if cluster is None and not offline:
            cluster = app.connect(url, ca_cert, detect_version=False)
        result, _ = build_plan(manifest, cluster, observe=bool(out))
        if out and cluster is not None:
            saved.write(out, result, saved.PlanSource(__version__, cluster.version,
                                                      saved.url_without_credentials(cluster.url),
                                                      cluster.cluster_uuid()))
    finally:
        if cluster is not None:
            cluster.close()
    click.echo(render_json(result) if output == "json" else render_text(result), nl=output == "json")
    if detailed_exitcode and any(c.action in (Action.BLOCKED, Action.CONFLICT) for c in result.changes):
        return EXIT_ERROR  # the plan cannot be applied as it stands
    if detailed_exitcode and result.has_changes:
        return EXIT_CHANGES
    return EXIT_OK
