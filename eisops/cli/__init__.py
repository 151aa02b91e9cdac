"""The command line: a root group with the one error boundary, and one module per command.

Core code raises; this package alone prints and chooses exit codes:
0 success (no changes for ``plan --detailed-exitcode``), 1 error, 2 changes present
(``plan --detailed-exitcode`` only).
"""

from __future__ import annotations

import sys
import traceback

import click

from eisops import __version__, secrets
from eisops.cli.app import App
from eisops.errors import EXIT_ERROR, EXIT_OK, EisopsError, ManifestError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eisops")
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """eisops: Elasticsearch inference endpoints, ingest pipelines, templates and indices as code.

    Declare them in YAML manifests; `eisops plan` shows what differs from the cluster and
    `eisops apply` makes the cluster match.
    """
    ctx.obj = App(debug=debug)


def _register() -> None:
    from eisops.cli import (apply_cmd, import_cmd, init_cmd, plan_cmd, show_cmd, test_endpoints_cmd, unlock_cmd,
                            validate_cmd)

    cli.add_command(init_cmd.init)
    cli.add_command(validate_cmd.validate)
    cli.add_command(plan_cmd.plan)
    cli.add_command(show_cmd.show)
    cli.add_command(apply_cmd.apply)
    cli.add_command(unlock_cmd.force_unlock)
    cli.add_command(import_cmd.import_)
    cli.add_command(test_endpoints_cmd.smoke_test_command)


_register()


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the CLI inside the error boundary and exits with its code.
    Everything it writes goes through redaction: no secret eisops has seen this run (values
    read through references, the connection's credentials) is printed, wherever it appears,
    Elasticsearch's error messages included."""
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
