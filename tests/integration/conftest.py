"""Shared helpers for the integration tests: run the CLI in-process and read its output.

Every run is also a leak check: the secrets eisops remembered during the run (every value read
through a reference, the connection's credentials) must appear in none of what it wrote —
standard output, standard error, a plan file it saved — nor may a fingerprint.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eisops import secrets
from eisops.cli import main

FINGERPRINT = re.compile(r"(?:scrypt|sha256):[0-9a-f]{16,}")


def leaks(text: str, remembered: set[str]) -> list[str]:
    """The remembered secrets (by their first characters) and fingerprints found in ``text``."""
    found = [m.group(0)[:14] + "…" for m in FINGERPRINT.finditer(text)]
    for value in remembered:
        short = len(value) < secrets.SUBSTRING_LENGTH
        if (re.search(f"(?<![A-Za-z0-9_]){re.escape(value)}(?![A-Za-z0-9_])", text) if short else value in text):
            found.append(value[:3] + "…")
    return found


class Runner:
    def __init__(self, capsys, monkeypatch):
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str) -> tuple[int, str, str]:
        args = [str(a) for a in args]
        self.capsys.readouterr()
        remembered: set[str] = set()
        forget = secrets.forget_all

        def keep_then_forget() -> None:
            remembered.update(secrets._known)
            forget()

        self.monkeypatch.setattr(secrets, "forget_all", keep_then_forget)
        try:
            with pytest.raises(SystemExit) as exit_info:
                main(args)
        finally:
            self.monkeypatch.setattr(secrets, "forget_all", forget)
        out, err = self.capsys.readouterr()
        written = [out, err]
        if "--out" in args and args.index("--out") + 1 < len(args):
            saved = Path(args[args.index("--out") + 1])
            if saved.is_file():
                written.append(saved.read_text())
        found = [leak for text in written for leak in leaks(text, remembered)]
        assert not found, f"eisops {' '.join(args[:1])} wrote secrets or fingerprints: {found}"
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
