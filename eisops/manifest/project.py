"""The project file, ``eisops.yaml``, at the root of a project's manifests.

It names the project whose objects the manifests declare (``project: search-platform``) and
may turn pruning off, whole or per kind (``prune: false``, ``prune: {Index: false}``). Each
object eisops writes carries the project's name, so that several projects share a cluster
without touching each other's objects. This module reads and writes the file; it knows no
kind of object and sends no request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eisops.errors import Diagnostic
from eisops.manifest.loader import load_file

PROJECT_FILES = ("eisops.yaml", "eisops.yml")
#: What a project is called when no project file names it.
DEFAULT_PROJECT = "default"
#: Project names go into document ids and ``_meta``: lowercase, digits, '-', '_' and '.'.
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,99}$")


@dataclass(frozen=True)
class Project:
    name: str
    file: str | None = None  # the project file it was read from; None: no file, the default name
    prune: dict[str, bool] = field(default_factory=dict)  # kind -> whether pruning is on; "*" for all

    def prunes(self, kind: str) -> bool:
        return self.prune.get(kind, self.prune.get("*", True))


def find_project_file(paths: list[str]) -> list[Path]:
    """The project files of ``paths``: a directory's own, or that of a file's directory."""
    found = []
    for raw in paths:
        path = Path(raw)
        base = path if path.is_dir() else path.parent
        for name in PROJECT_FILES:
            candidate = base / name
            if candidate.exists():  # not only a regular file: load_file says what else it is
                found.append(candidate)
                break
    return sorted(set(found))


def read_project(paths: list[str]) -> tuple[Project, list[Diagnostic]]:
    files = find_project_file(paths)
    if not files:
        return Project(DEFAULT_PROJECT), []
    if len(files) > 1:
        return Project(DEFAULT_PROJECT), [Diagnostic(str(files[1]), 1, 1, (
            f"the paths belong to different projects ({', '.join(map(str, files))}); plan one project at a time"))]
    documents, problems = load_file(files[0], str(files[0]))
    if problems:
        return Project(DEFAULT_PROJECT, str(files[0])), problems
    where = str(files[0])
    data = documents[0].data if len(documents) == 1 else None
    if not isinstance(data, dict):
        return Project(DEFAULT_PROJECT, where), [Diagnostic(where, 1, 1, "the project file must be one mapping "
                                                                         "with project (and optionally prune)")]
    problems = []
    unknown = sorted(set(data) - {"project", "prune"})
    for key in unknown:
        loc = documents[0].location((key,))
        problems.append(Diagnostic(loc.file, loc.line, loc.column, f"unknown key [{key}] in the project file; it "
                                                                   "takes project and prune"))
    name = data.get("project")
    loc = documents[0].location(("project",))
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        problems.append(Diagnostic(loc.file, loc.line, loc.column,
                                   "project must be a name of lowercase letters, digits, '-', '_' or '.', starting "
                                   "with a letter or digit (for example project: search-platform)"))
        name = DEFAULT_PROJECT
    prune, prune_problems = _prune(data.get("prune", True), documents[0])
    return Project(name, where, prune), problems + prune_problems


def _prune(value: Any, document: Any) -> tuple[dict[str, bool], list[Diagnostic]]:
    loc = document.location(("prune",))
    if isinstance(value, bool):
        return {"*": value}, []
    if isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, bool) for k, v in value.items()):
        return dict(value), []
    return {}, [Diagnostic(loc.file, loc.line, loc.column,
                           "prune must be true, false, or a mapping of kinds to true or false (prune: {Index: false})")]


def project_file_text(name: str) -> str:
    return (f"# The eisops project these manifests belong to: every object eisops writes is marked with it,\n"
            f"# and apply changes or prunes only objects of this project.\n"
            f"project: {name}\n"
            f"# prune: false            # keep objects whose manifest was removed (or per kind: {{Index: false}})\n")
