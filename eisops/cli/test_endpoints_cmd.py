"""``eisops test-endpoints``: call each declared inference endpoint once and check its answer."""

from __future__ import annotations

import click

from eisops.apply.endpoint_tests import SmokeResult, from_manifest, smoke_test
from eisops.cli.app import App, connection_options, echo_warnings, manifest_paths, paths_argument
from eisops.errors import EXIT_ERROR, EXIT_OK
from eisops.planning.validate import load_manifests, select_targets


def render_results(results: list[SmokeResult]) -> str:
    """One line per endpoint (result, id, task type, latency, what was found), then a count."""
    width = max((len(r.name) for r in results), default=0)
    lines = []
    for r in results:
        status = "ok  " if r.passed else "FAIL"
        said = r.summary if r.passed else r.problem
        lines.append(f"{status} {r.name:<{width}}  {r.task_type:<16} {r.seconds * 1000:7.0f} ms  {said}")
    failed = sum(not r.passed for r in results)
    lines.append(f"{len(results)} endpoint{'s' if len(results) != 1 else ''} tested: "
                 f"{len(results) - failed} passed, {failed} failed.")
    return "\n".join(lines)


def run_and_report(cluster, endpoints) -> int:
    results = smoke_test(cluster, endpoints)
    click.echo(render_results(results))
    return EXIT_ERROR if any(not r.passed for r in results) else EXIT_OK


@click.command("test-endpoints")
@paths_argument
@connection_options
@click.option("--target", "targets", multiple=True, metavar="InferenceEndpoint/NAME",
              help="Test only this endpoint (repeatable).")
@click.pass_obj
def smoke_test_command(app: App, paths: tuple[str, ...], url: str | None, ca_cert: str | None,
                       targets: tuple[str, ...]) -> int:
    """Call each inference endpoint the manifests under PATHS declare, once, with a small input.

    Text embeddings are asked for with input_type ingest and search and must have the expected
    dimensions; rerank endpoints score a few documents, one score each; sparse embedding,
    completion and chat endpoints answer a short input. Prints one line per endpoint with its
    latency, and exits 1 when any fails. Each call is billed by the provider like any other.
    """
    manifest = select_targets(load_manifests(manifest_paths(paths)), list(targets))
    echo_warnings(manifest)
    endpoints = from_manifest(manifest.resources)
    if not endpoints:
        click.echo("No inference endpoints declared: nothing to test.")
        return EXIT_OK
    cluster = app.connect(url, ca_cert)
    try:
        return run_and_report(cluster, endpoints)
    finally:
        cluster.close()
