"""Pure logic of the harness: no Java, Maven or node needed (not marked real_es)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.real_es import cleanup, java, versions
from tests.real_es.errors import RealEsUnavailable
from tests.real_es.node import _yaml


def test_resolve_version_prefixes_and_full():
    assert versions.resolve_version("8.19") == versions.PINNED["8.19"]
    assert versions.resolve_version("9") == versions.PINNED["9"]
    assert versions.resolve_version("9.4.3") == "9.4.3"
    assert versions.resolve_version("v9.5.2") == "9.5.2"
    with pytest.raises(RealEsUnavailable, match="unknown Elasticsearch version '7'"):
        versions.resolve_version("7")


def test_pins_are_on_the_right_lines():
    for prefix, full in versions.PINNED.items():
        assert full.startswith(prefix + "."), (prefix, full)
    assert versions.min_java("8.19.21") == 17
    assert versions.min_java("9.5.2") == 21


def _fake_jdk(root: Path, name: str, release_version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    java_bin = home / "bin" / "java"
    java_bin.write_text("#!/bin/sh\nexit 0\n")
    java_bin.chmod(0o755)
    (home / "release").write_text(f'JAVA_VERSION="{release_version}"\n')
    return home


def test_jdk_choice(tmp_path, monkeypatch):
    _fake_jdk(tmp_path, "jdk17", "17.0.15")
    _fake_jdk(tmp_path, "jdk25", "25.0.3")
    monkeypatch.setenv("EISOPS_REAL_ES_JVM_DIRS", str(tmp_path))
    for var in ("EISOPS_REAL_ES_JAVA_HOME", "ES_JAVA_HOME", "JAVA_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert java.find_jdk("8.19.21").feature == 17
    assert java.find_jdk("9.5.2").feature == 25


def test_jdk_missing_is_one_clear_line(tmp_path, monkeypatch):
    _fake_jdk(tmp_path, "jdk17", "17.0.15")
    monkeypatch.setenv("EISOPS_REAL_ES_JVM_DIRS", str(tmp_path))
    for var in ("EISOPS_REAL_ES_JAVA_HOME", "ES_JAVA_HOME", "JAVA_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RealEsUnavailable) as exc:
        java.find_jdk("9.5.2")
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith("Java 21+ required for Elasticsearch 9.x; none found under ")


def test_yaml_rendering():
    text = _yaml({"a.b": True, "c": 0, "d": "x y", "e": False})
    assert "a.b: true\n" in text and "c: 0\n" in text and 'd: "x y"\n' in text and "e: false\n" in text


def test_cleanup_never_deletes_dot_or_baseline_names():
    assert cleanup._deletable_name("mine", set())
    assert not cleanup._deletable_name("mine", {"mine"})
    assert not cleanup._deletable_name(".security-7", set())
    assert not cleanup._deletable_name(".kibana", set())
    assert cleanup._managed({"_meta": {"managed": True}})
    assert not cleanup._managed({"_meta": {"managed_by": "eisops"}})
