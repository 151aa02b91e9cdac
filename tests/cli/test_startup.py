"""What a command loads before it runs: ``eisops --help`` needs neither the HTTP layer, deepdiff
nor pydantic, ``validate`` no HTTP layer, and no command the official Elasticsearch client (a test
dependency; start-up time is measured by the benchmarks, these tests hold the imports that make it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from eisops.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("loaded:" + ",".join(sorted(m for m in ("elasticsearch", "elastic_transport", "eisops.cluster.transport",
                                             "http.client", "deepdiff", "pydantic") if m in sys.modules)),
      file=sys.stderr)
"""


def loaded(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("loaded:")]
    return set(filter(None, line[len("loaded:"):].split(",")))


HTTP = {"eisops.cluster.transport", "http.client"}
CLIENT = {"elasticsearch", "elastic_transport"}


@pytest.mark.parametrize("args, absent", [
    (("--help",), CLIENT | HTTP | {"deepdiff", "pydantic"}),
    (("--version",), CLIENT | HTTP | {"deepdiff", "pydantic"}),
    (("validate", "manifests"), CLIENT | HTTP | {"deepdiff", "pydantic"}),
    (("plan", "manifests", "--offline"), CLIENT | HTTP | {"pydantic"}),
    (("plan", "manifests", "--url", "http://127.0.0.1:9"), CLIENT | {"pydantic"}),  # a plan that connects
])
def test_commands_load_only_what_they_use(args, absent):
    assert not loaded(*args) & absent


def test_every_listed_command_loads_under_its_name():
    from eisops.cli import COMMANDS, cli
    import click

    ctx = click.Context(cli)
    for name in COMMANDS:
        assert cli.get_command(ctx, name).name == name


def test_a_plan_that_connects_loads_the_http_layer_and_not_the_client():
    modules = loaded("plan", "manifests", "--url", "http://127.0.0.1:9")
    assert HTTP <= modules and not modules & CLIENT
