"""Loading YAML manifest files into plain documents that remember where each value stood.

A document is plain JSON-like data (dicts, lists, str, int, float, bool, None) plus a map
from each value's path to its line and column, so every later check can point at the
exact place in the file. This module knows nothing about kinds or Elasticsearch.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eisops.errors import Diagnostic, ManifestError

YAML_SUFFIXES = (".yaml", ".yml")


class _CoreSchemaResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: only true/false are booleans, only null/~ are null.

    YAML 1.1 (PyYAML's default) reads ``yes``, ``no``, ``on`` and ``off`` as booleans and
    dates as timestamps, which would silently change values sent to Elasticsearch.
    """


_CoreSchemaResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_CoreSchemaResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_CoreSchemaResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
_CoreSchemaResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"))
_CoreSchemaResolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])

if getattr(yaml, "__with_libyaml__", False):  # libyaml, which PyYAML's wheels include: parses much faster
    from yaml.cyaml import CParser as _CParser  # not exported as yaml.CParser (only yaml.CLoader is)

    class _Loader(_CParser, yaml.constructor.SafeConstructor, _CoreSchemaResolver):
        def __init__(self, stream: str):
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            _CoreSchemaResolver.__init__(self)

else:  # pragma: no cover - a PyYAML built without libyaml

    class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,  # type: ignore[no-redef]
                  yaml.composer.Composer, yaml.constructor.SafeConstructor, _CoreSchemaResolver):
        def __init__(self, stream: str):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            _CoreSchemaResolver.__init__(self)


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


class _YamlProblem(Exception):
    def __init__(self, mark: Any, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


class _Builder:
    """Plain data from composed YAML nodes, recording where each value stands."""

    def __init__(self, loader: _Loader, file: str):
        self.loader = loader
        self.file = file
        self.locations: dict[tuple, Location] = {}

    def _place(self, mark: Any) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, path: tuple = ()) -> Any:
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            explicit: set[str] = set()
            merged: list[yaml.Node] = []
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged += value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                    continue
                key = self.loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if key is None and not isinstance(key_node, yaml.ScalarNode):
                    raise _YamlProblem(key_node.start_mark, "a mapping key must be a plain value")
                key = _key_text(key)
                if key in explicit:
                    raise _YamlProblem(key_node.start_mark, f"duplicate key in YAML: {key}")
                explicit.add(key)
                child = path + (key,)
                self.locations[child] = self._place(key_node.start_mark)
                out[key] = self.build(value_node, child)
            for source in merged:  # YAML merge keys: explicit keys win
                if not isinstance(source, yaml.MappingNode):
                    raise _YamlProblem(source.start_mark, "a merge key (<<) takes a mapping or a list of mappings")
                for key, value in self.build(source, path).items():
                    out.setdefault(key, value)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                child = path + (i,)
                self.locations[child] = self._place(item.start_mark)
                items.append(self.build(item, child))
            return items
        value = self.loader.construct_object(node, deep=True)
        if isinstance(value, (_dt.datetime, _dt.date)):  # an explicit !!timestamp
            return value.isoformat()
        if isinstance(value, bytes):
            raise _YamlProblem(node.start_mark, "binary values are not supported")
        return value


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def load_file(path: Path, display: str) -> tuple[list[Document], list[Diagnostic]]:
    """Read every document of one file. Returns the documents and the problems found."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [Diagnostic(display, 1, 1, f"not UTF-8 text ({exc.reason})")]
    except OSError as exc:
        return [], [Diagnostic(display, 1, 1, f"cannot read the file: {exc.strerror}")]
    documents: list[Document] = []
    loader = _Loader(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
                index += 1
                continue  # an empty document, e.g. a trailing '---'
            builder = _Builder(loader, display)
            builder.locations[()] = builder._place(node.start_mark)
            data = builder.build(node)
            documents.append(Document(display, index, data, builder.locations))
            index += 1
    except _YamlProblem as exc:
        return documents, [Diagnostic(display, exc.mark.line + 1, exc.mark.column + 1, exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        return documents, [Diagnostic(display, line, col, f"invalid YAML: {problem}")]
    except yaml.YAMLError as exc:
        return documents, [Diagnostic(display, 1, 1, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return documents, []


#: The project file (eisops.manifest.project) sits among the manifests but is not one.
PROJECT_FILE_NAMES = ("eisops.yaml", "eisops.yml")


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
                    if name.endswith(YAML_SUFFIXES) and not name.startswith(".") and name not in PROJECT_FILE_NAMES:
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
