"""Loading YAML manifest files into plain documents that remember where each value stood.

A document is plain JSON-like data (dicts, lists, str, int, float, bool, None) plus a map
from each value's path to its line and column, so every later check can point at the
exact place in the file. This module knows nothing about kinds or Elasticsearch.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError

from eisops.errors import Diagnostic, ManifestError

YAML_SUFFIXES = (".yaml", ".yml")

Path_ = tuple  # a path into a document: keys (str) and list indexes (int)


@dataclass(frozen=True)
class Location:
    file: str
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class Document:
    """One YAML document of a manifest file."""

    file: str
    index: int  # position of the document in its file, from 0
    data: Any
    locations: dict[tuple, Location] = field(default_factory=dict)

    def location(self, path: tuple = ()) -> Location:
        """Where ``path`` stands; falls back to the nearest enclosing value that has a place."""
        probe = tuple(path)
        while probe:
            if probe in self.locations:
                return self.locations[probe]
            probe = probe[:-1]
        return self.locations.get((), Location(self.file, 1, 1))


def _plain(node: Any, path: tuple, file: str, locations: dict[tuple, Location]) -> Any:
    """Turn ruamel's round-trip nodes into plain data, recording each value's place."""
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = path + (str(key),)
            try:
                line, col = node.lc.value(key)
            except (KeyError, TypeError, AttributeError):
                line, col = node.lc.line, node.lc.col
            try:
                kline, kcol = node.lc.key(key)
            except (KeyError, TypeError, AttributeError):
                kline, kcol = line, col
            # Point at the key: that is where a reader looks for "this setting".
            locations[child] = Location(file, kline + 1, kcol + 1)
            out[str(key)] = _plain(value, child, file, locations)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, value in enumerate(node):
            child = path + (i,)
            try:
                line, col = node.lc.item(i)
                locations[child] = Location(file, line + 1, col + 1)
            except (KeyError, TypeError, AttributeError, IndexError):
                pass
            items.append(_plain(value, child, file, locations))
        return items
    if isinstance(node, (_dt.datetime, _dt.date)):
        # YAML timestamps would not survive JSON; Elasticsearch takes dates as strings.
        return node.isoformat()
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def load_file(path: Path, display: str) -> tuple[list[Document], list[Diagnostic]]:
    """Read every document of one file. Returns the documents and the problems found."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [Diagnostic(display, 1, 1, f"not UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return [], [Diagnostic(display, 1, 1, f"cannot read the file: {exc.strerror}")]
    documents: list[Document] = []
    try:
        for index, node in enumerate(_yaml().load_all(text)):
            if node is None:
                continue  # an empty document, e.g. a trailing '---'
            locations: dict[tuple, Location] = {}
            start = getattr(getattr(node, "lc", None), "line", 0) or 0
            locations[()] = Location(display, start + 1, 1)
            data = _plain(node, (), display, locations)
            documents.append(Document(display, index, data, locations))
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").strip()
        return documents, [
            Diagnostic(display, mark.line + 1, mark.column + 1, f"duplicate key in YAML: {key}")
        ]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        return documents, [Diagnostic(display, line, col, f"invalid YAML: {problem}")]
    return documents, []


def find_manifest_files(paths: list[str]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Expand the command-line paths: files as given, directories recursively in sorted order."""
    found: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                        full = Path(root) / name
                        found.append((full, str(full)))
        elif path.is_file():
            found.append((path, str(path)))
        else:
            problems.append(Diagnostic(str(path), 1, 1, "no such file or directory"))
    # The same file named twice (a directory and a file in it) is read once.
    seen: set[Path] = set()
    unique = []
    for full, display in found:
        key = full.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((full, display))
    return unique, problems


def read_documents(paths: list[str]) -> tuple[list[Document], list[Diagnostic], int]:
    """Every document under ``paths``, the problems met reading them, and the number of files read."""
    files, problems = find_manifest_files(paths)
    documents: list[Document] = []
    for full, display in files:
        docs, errs = load_file(full, display)
        documents.extend(docs)
        problems.extend(errs)
    return documents, problems, len(files)


def load_documents(paths: list[str]) -> list[Document]:
    """Read every document under ``paths``; raise ManifestError listing every YAML problem."""
    documents, problems, _ = read_documents(paths)
    if problems:
        raise ManifestError(problems)
    return documents
