"""``eisops init``: write the project file that names a project."""

from __future__ import annotations

from pathlib import Path

import click

from eisops.cli.app import App
from eisops.errors import EisopsError
from eisops.manifest.project import NAME_PATTERN, PROJECT_FILES, project_file_text


@click.command()
@click.argument("directory", default="manifests", type=click.Path(file_okay=False))
@click.option("--project", "name", required=True, metavar="NAME",
              help="The project's name: lowercase letters, digits, '-', '_' and '.'.")
@click.pass_obj
def init(app: App, directory: str, name: str) -> int:
    """Write DIRECTORY/eisops.yaml (default: manifests) naming the project NAME."""
    if not NAME_PATTERN.match(name):
        raise EisopsError(f"invalid project name {name!r}: use lowercase letters, digits, '-', '_' or '.', "
                          "starting with a letter or digit")
    base = Path(directory)
    existing = [base / f for f in PROJECT_FILES if (base / f).exists()]
    if existing:
        raise EisopsError(f"{existing[0]} exists already; edit it to rename the project")
    try:
        base.mkdir(parents=True, exist_ok=True)
        (base / PROJECT_FILES[0]).write_text(project_file_text(name), encoding="utf-8")
    except OSError as exc:
        raise EisopsError(f"cannot write {base / PROJECT_FILES[0]}: {exc.strerror}") from None
    click.echo(f"Wrote {base / PROJECT_FILES[0]}: the manifests under {base} are project [{name}].")
    return 0
