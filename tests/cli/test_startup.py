"""What a command loads before it runs: ``eisops --help`` needs neither the Elasticsearch client,
deepdiff nor pydantic, and ``validate`` no client (start-up time is measured by the benchmarks,
these tests hold the imports that make it)."""

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
print("loaded:" + ",".join(sorted(m for m in ("elasticsearch", "elastic_transport", "deepdiff", "pydantic")
                                  if m in sys.modules)), file=sys.stderr)
"""


def loaded(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2])
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("loaded:")]
    return set(filter(None, line[len("loaded:"):].split(",")))


@pytest.mark.parametrize("args, absent", [
    (("--help",), {"elasticsearch", "elastic_transport", "deepdiff", "pydantic"}),
    (("--version",), {"elasticsearch", "elastic_transport", "deepdiff", "pydantic"}),
    (("validate", "manifests"), {"elasticsearch", "elastic_transport", "deepdiff", "pydantic"}),
    (("plan", "manifests", "--offline"), {"elasticsearch", "elastic_transport", "pydantic"}),
])
def test_commands_load_only_what_they_use(args, absent):
    assert not loaded(*args) & absent


def test_every_listed_command_loads_under_its_name():
    from eisops.cli import COMMANDS, cli
    import click

    ctx = click.Context(cli)
    for name in COMMANDS:
        assert cli.get_command(ctx, name).name == name
