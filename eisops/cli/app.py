"""The object every command receives (``@click.pass_obj``), and options shared by commands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from eisops.cluster import DEFAULT_URL

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster


@dataclass
class App:
    debug: bool = False
    timeout: float | None = None  # --timeout: seconds one request may take, its retries included

    def connect(self, url: str | None, ca_cert: str | None, detect_version: bool = True) -> "Cluster":
        """The cluster; ``detect_version=False`` when the command's first requests are a plan's
        reads, which ask for the version with them (see ``eisops.cluster.connection.connect``)."""
        from eisops.cluster.connection import ConnectionSettings, connect  # the client loads only here

        return connect(ConnectionSettings.from_env(url=url, ca_cert=ca_cert, timeout=self.timeout),
                       on_retry=lambda line: click.echo(line, err=True), detect_version=detect_version)


def _timeout(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None:
        return
    from eisops.cli.durations import seconds

    app = ctx.find_object(App)
    if app is not None:
        app.timeout = seconds(value, "--timeout")


def paths_argument(func):
    return click.argument("paths", nargs=-1, type=click.Path())(func)


def connection_options(func):
    func = click.option("--timeout", metavar="DURATION", default=None, expose_value=False, callback=_timeout,
                        help="How long one request to the cluster may take, its retries included "
                             "(30s, 2m; default 60s).")(func)
    func = click.option("--ca-cert", metavar="FILE", default=None,
                        help="CA certificate to verify the cluster's TLS certificate [env ELASTICSEARCH_CA_CERT].")(func)
    func = click.option("--url", metavar="URL", default=None,
                        help=f"Elasticsearch URL [env ELASTICSEARCH_URL; default {DEFAULT_URL}].")(func)
    return func


def manifest_paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or ["manifests"]


def echo_warnings(manifest) -> None:
    """What validation found that may be a mistake, on standard error: the command goes on."""
    for warning in getattr(manifest, "warnings", ()):
        click.echo(f"Warning: {warning.render()}", err=True)
