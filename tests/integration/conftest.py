"""Shared helpers for the integration tests: run the CLI in-process and read its output."""

from __future__ import annotations

import json

import pytest

from eisops.cli import main


class Runner:
    def __init__(self, capsys, monkeypatch):
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main([str(a) for a in args])
        out, err = self.capsys.readouterr()
        return exit_info.value.code, out, err

    def plan_json(self, *args: str) -> dict:
        code, out, err = self("plan", *args, "--output", "json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def eisops(capsys, monkeypatch):
    """Run ``eisops ARGS`` in-process; returns (exit code, stdout, stderr)."""
    monkeypatch.delenv("ELASTICSEARCH_API_KEY", raising=False)
    monkeypatch.delenv("ELASTICSEARCH_USERNAME", raising=False)
    monkeypatch.delenv("ELASTICSEARCH_PASSWORD", raising=False)
    return Runner(capsys, monkeypatch)
