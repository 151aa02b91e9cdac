"""``eisops validate``: check manifests without a cluster."""

from __future__ import annotations

import click

from eisops.cli.app import App, echo_warnings, manifest_paths, paths_argument
from eisops.errors import EXIT_OK
from eisops.planning.validate import load_manifests


@click.command()
@paths_argument
@click.pass_obj
def validate(app: App, paths: tuple[str, ...]) -> int:
    """Check the manifests under PATHS (default: manifests) without connecting to a cluster."""
    manifest = load_manifests(manifest_paths(paths))
    echo_warnings(manifest)
    count = len(manifest.resources)
    click.echo(f"{count} resource{'s' if count != 1 else ''} in {manifest.files} file"
               f"{'s' if manifest.files != 1 else ''}: valid.")
    return EXIT_OK
