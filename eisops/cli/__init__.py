"""The command line: a root group with the one error boundary, and one module per command.

Core code raises; this package alone prints and chooses exit codes:
0 success (no changes for ``plan --detailed-exitcode``), 1 error, 2 changes present
(``plan --detailed-exitcode`` only).
"""

from __future__ import annotations

import importlib
import gc
import sys
import traceback

import click

from eisops import __version__, secrets
from eisops.cli.app import App
from eisops.errors import EXIT_ERROR, EXIT_OK, EisopsError, ManifestError


#: The commands, each loaded only when it runs (or shows its own help), so that ``eisops --help``
#: starts without the Elasticsearch client, deepdiff or pydantic: name -> (module, function, summary).
COMMANDS = {
    "init": ("init_cmd", "init", "Write a project file naming the project."),
    "validate": ("validate_cmd", "validate", "Check the manifests without a cluster."),
    "plan": ("plan_cmd", "plan", "Show what apply would change in the cluster."),
    "show": ("show_cmd", "show", "Show a plan saved by plan --out."),
    "apply": ("apply_cmd", "apply", "Make the cluster match the manifests, or apply a saved plan."),
    "test-endpoints": ("test_endpoints_cmd", "smoke_test_command", "Call each declared inference endpoint once."),
    "import": ("import_cmd", "import_", "Write manifests for existing objects, to adopt them."),
    "force-unlock": ("unlock_cmd", "force_unlock", "Break a lock an apply no longer running left."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when they are used, listed from COMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(f"eisops.cli.{module}"), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][2]) for name in self.list_commands(ctx)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eisops")
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """eisops: Elasticsearch inference endpoints, ingest pipelines, templates and indices as code.

    Declare them in YAML manifests; `eisops plan` shows what differs from the cluster and
    `eisops apply` makes the cluster match.
    """
    ctx.obj = App(debug=debug)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the CLI inside the error boundary and exits with its code.
    Everything it writes goes through redaction: no secret eisops has seen this run (values
    read through references, the connection's credentials) is printed, wherever it appears,
    Elasticsearch's error messages included."""
    # A command allocates many small containers at once (every manifest value, every live body)
    # and frees few: CPython's default thresholds (700, 10, 10) would spend a large part of a
    # plan's CPU in collections that find nothing. Less often, as mypy does (mypy/build.py).
    gc.set_threshold(200_000, 30, 30)
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = secrets.RedactingStream(out), secrets.RedactingStream(err)
    try:
        _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err
        secrets.forget_all()


def _main(argv: list[str] | None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        code = cli.main(args=argv, prog_name="eisops", standalone_mode=False)
    except ManifestError as exc:
        for diagnostic in exc.diagnostics:
            click.echo(diagnostic.render(), err=True)
        click.echo(f"Error: {exc.message}.", err=True)
        code = EXIT_ERROR
    except EisopsError as exc:
        click.echo(f"Error: {exc}", err=True)
        code = EXIT_ERROR
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        code = EXIT_ERROR
    except click.ClickException as exc:
        # Usage errors exit 1 too: 2 means "changes present" for plan --detailed-exitcode.
        exc.show()
        code = EXIT_ERROR
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        code = 130
    except Exception as exc:  # the boundary: never a traceback unless asked for
        if debug:
            traceback.print_exc()
        click.echo(f"Error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
        code = EXIT_ERROR
    sys.exit(code if isinstance(code, int) else EXIT_OK)
