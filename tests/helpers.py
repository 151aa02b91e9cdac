"""Small helpers shared by the tests: writing manifests to a temporary folder and loading them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from eisops.planning.validate import LoadedManifest, load_manifests


def write_manifests(directory: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return directory


def manifest_from(tmp_path: Path, text: str, name: str = "m.yaml", allow_empty: bool = False) -> LoadedManifest:
    write_manifests(tmp_path, {name: text})
    return load_manifests([str(tmp_path)], allow_empty=allow_empty)
