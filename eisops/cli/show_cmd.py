"""``eisops show FILE``: render a saved plan."""

from __future__ import annotations

import click

from eisops.cli.app import App
from eisops.plan import saved
from eisops.render.json import render_json
from eisops.render.text import render_text


@click.command()
@click.argument("plan_file", metavar="FILE", type=click.Path())
@click.option("--output", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the plan.")
@click.pass_obj
def show(app: App, plan_file: str, output: str) -> int:
    """Show the plan saved in FILE by `eisops plan --out FILE`, as plan printed it."""
    plan, source = saved.read(plan_file)
    if output == "json":
        click.echo(render_json(plan))
    else:
        click.echo(f"Saved plan, made by eisops {source.eisops_version} against {source.url} "
                   f"(Elasticsearch {source.server_version or 'of unknown version'}).\n")
        click.echo(render_text(plan), nl=False)
    return 0
