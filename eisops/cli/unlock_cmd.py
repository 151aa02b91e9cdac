"""``eisops force-unlock LOCK_ID``: break a project's lock on purpose."""

from __future__ import annotations

import click

from eisops.cli.app import App, connection_options
from eisops.cluster import lease


@click.command("force-unlock")
@click.argument("lock_id")
@connection_options
@click.pass_obj
def force_unlock(app: App, lock_id: str, url: str | None, ca_cert: str | None) -> int:
    """Break the lock LOCK_ID (as a lock message names it) that an apply no longer running left.

    Only do this when that apply is not running: two applies of one project at once can undo
    each other's changes."""
    cluster = app.connect(url, ca_cert)
    try:
        project = lease.force_unlock(cluster, lock_id)
    finally:
        cluster.close()
    click.echo(f"Broke the lock {lock_id} of project [{project}].")
    return 0
