"""Loading YAML manifest files into plain documents that can tell where each value stood.

A document is plain JSON-like data (dicts, lists, str, int, float, bool, None). Where each
value stood (line and column) is worked out only when something asks, by reading the file's
text a second time: a run whose manifests are valid never pays for it. Input is bounded:
file size, nesting depth, alias expansion and the number of documents have limits, each
with a clear message at file:line, so that no input makes eisops hang, crash or run out of
memory. This module knows nothing about kinds or Elasticsearch and sends no request.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from eisops.errors import Diagnostic
from eisops.files import FileRefused, read_regular_file

YAML_SUFFIXES = (".yaml", ".yml")

#: Limits on what one manifest file may hold. Real manifests stay far below them (5,000
#: resources fit in about 1 MiB); past them a file is refused with the limit named.
MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_DOCUMENTS = 20_000
#: Elasticsearch refuses mappings deeper than index.mapping.depth.limit (20) and request
#: bodies nested past its XContent parser's limit; 100 levels leave room for any real body.
MAX_DEPTH = 100
#: Values an alias may add by repeating its anchor, per file: bounds "billion laughs" inputs.
MAX_ALIAS_VALUES = 100_000


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
                  yaml.constructor.SafeConstructor, _CoreSchemaResolver):
        def __init__(self, stream: str):
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            _CoreSchemaResolver.__init__(self)


def _construct_core_int(loader: Any, node: Any) -> int:
    """An integer as the YAML 1.2 core schema reads it: ``017`` is seventeen (PyYAML's YAML 1.1
    constructor reads a leading 0 as octal, 15), ``0o17`` octal, ``0x1F`` hexadecimal."""
    text = loader.construct_scalar(node)
    sign = -1 if text[:1] == "-" else 1
    digits = text.lstrip("+-")
    if digits[:2] in ("0o", "0O"):
        return sign * int(digits[2:], 8)
    if digits[:2] in ("0x", "0X"):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)


@dataclass(frozen=True)
class Location:
    file: str
    line: int  # 1-based
    column: int  # 1-based


class _Source:
    """One file's text, kept so that positions can be worked out when first asked for."""

    def __init__(self, text: str, file: str):
        self.text = text
        self.file = file
        self._locations: dict[int, dict[tuple, Location]] | None = None

    def locations(self, index: int) -> dict[tuple, Location]:
        if self._locations is None:
            self._locations = {}
            try:
                _parse(self.text, self.file, [], self._locations)
            except (_YamlProblem, yaml.YAMLError, RecursionError):
                pass  # the problem the first pass reported; the documents before it have their places
        return self._locations.get(index, {})


@dataclass
class Document:
    """One YAML document of a manifest file."""

    file: str
    index: int  # position of the document in its file, from 0
    data: Any
    source: _Source | None = field(default=None, repr=False, compare=False)
    _locations: dict[tuple, Location] | None = field(default=None, repr=False, compare=False)

    @property
    def locations(self) -> dict[tuple, Location]:
        if self._locations is None:
            self._locations = self.source.locations(self.index) if self.source is not None else {}
        return self._locations

    def location(self, path: tuple = ()) -> Location:
        """Where ``path`` stands; falls back to the nearest enclosing value that has a place."""
        locations = self.locations
        probe = tuple(path)
        while probe:
            if probe in locations:
                return locations[probe]
            probe = probe[:-1]
        return locations.get((), Location(self.file, 1, 1))


class _YamlProblem(Exception):
    def __init__(self, mark: Any, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


_STR = "tag:yaml.org,2002:str"
_SCALAR_EVENT = yaml.ScalarEvent
#: The longest plain text whose reading is remembered for the rest of its file (longer ones
#: rarely repeat, and a file of unique values would otherwise be held twice).
_REMEMBERED_TEXT = 64
#: Plain values read as these are immutable, so one value serves every occurrence of its text.
_SHARED_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                          "tag:yaml.org,2002:null"})
_MAP_TAGS = (None, "!", "tag:yaml.org,2002:map")
_SEQ_TAGS = (None, "!", "tag:yaml.org,2002:seq")


class _Builder:
    """Plain data from the parser's events, one document at a time.

    Built from events rather than composed nodes so that depth and alias expansion are
    checked as the input is read, before anything large or deep exists in memory. With
    ``locations`` it also records where each value stands (the second, on-demand pass).
    """

    def __init__(self, loader: _Loader, file: str, locations: dict[tuple, Location] | None):
        self.loader = loader
        self.file = file
        self.locations = locations
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, number of values in it)
        self.open_anchors: set[str] = set()
        self.alias_values = 0
        #: What each plain value's text resolved to (its tag), in this file: the same few texts
        #: (types, field names, numbers, true) come back thousands of times.
        self.plain_tags: dict[str, str] = {}
        #: And the numbers, booleans and nulls they were read as (immutable, so shared).
        self.plain_values: dict[str, Any] = {}

    def _place(self, mark: Any) -> Location:
        return Location(self.file, mark.line + 1, mark.column + 1)

    def document(self) -> Any:
        """The next document's value; the loader stands after its DocumentStartEvent."""
        self.anchors.clear()
        value, _ = self.value((), 1)
        self.loader.get_event()  # DocumentEndEvent
        return value

    def value(self, path: tuple, depth: int) -> tuple[Any, int]:
        """The value that starts at the next event, and the number of values it holds."""
        event = self.loader.get_event()
        if depth > MAX_DEPTH:
            raise _YamlProblem(event.start_mark, f"nested deeper than {MAX_DEPTH} levels")
        if (type(event) is _SCALAR_EVENT and event.tag is None and event.anchor is None and event.implicit[0]
                and self.locations is None):
            # Most values: a plain scalar, read as a string, with nothing to record (a shortcut
            # through _scalar, for speed only).
            text = event.value
            if self.plain_tags.get(text) == _STR:
                return text, 1
            return self._scalar(event), 1
        if self.locations is not None and path not in self.locations:
            self.locations[path] = self._place(event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event)
        anchor = event.anchor
        if anchor is not None:
            self.open_anchors.add(anchor)
        if isinstance(event, yaml.ScalarEvent):
            result = (self._scalar(event), 1)
        elif isinstance(event, yaml.SequenceStartEvent):
            result = self._sequence(event, path, depth)
        elif isinstance(event, yaml.MappingStartEvent):
            result = self._mapping(event, path, depth)
        else:  # pragma: no cover - the parser emits only these at a value's start
            raise _YamlProblem(event.start_mark, f"unexpected YAML event {type(event).__name__}")
        if anchor is not None:
            self.open_anchors.discard(anchor)
            self.anchors[anchor] = result
        return result

    def _alias(self, event: Any) -> tuple[Any, int]:
        if event.anchor in self.open_anchors:
            raise _YamlProblem(event.start_mark, f"the alias *{event.anchor} refers to a value that contains it")
        if event.anchor not in self.anchors:
            raise _YamlProblem(event.start_mark, f"the alias *{event.anchor} names no anchor (&{event.anchor}) before it")
        value, size = self.anchors[event.anchor]
        self.alias_values += size
        if self.alias_values > MAX_ALIAS_VALUES:
            raise _YamlProblem(event.start_mark, f"aliases expand to more than {MAX_ALIAS_VALUES:,} values in this "
                                                 "file; write the values out, or repeat less")
        return _copy(value), size

    def _scalar(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if tag == "!" or not event.implicit[0]:  # quoted, literal or folded: a string, as YAML resolves it
                value = event.value
                if event.style == '"' and not _is_text(value):  # only escapes make a lone surrogate
                    raise _YamlProblem(event.start_mark, "a lone surrogate (an escape such as \\ud800 without its "
                                                         "pair) is not valid text")
                return value
            tag = self.plain_tags.get(event.value)
            if tag is None:
                tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
                if len(event.value) <= _REMEMBERED_TEXT:
                    self.plain_tags[event.value] = tag
            if tag == _STR:  # most plain values (names, types, field names) stop here
                return event.value
            if event.value in self.plain_values:
                return self.plain_values[event.value]
            value = self._constructed(event, tag)
            if tag in _SHARED_TAGS and len(event.value) <= _REMEMBERED_TEXT:
                self.plain_values[event.value] = value
            return value
        return self._constructed(event, tag)

    def _constructed(self, event: Any, tag: str) -> Any:
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        constructor = self.loader.yaml_constructors.get(tag)
        if constructor is None:
            raise _YamlProblem(event.start_mark, f"the tag {tag} is not supported; write the plain value")
        try:
            value = constructor(self.loader, node)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # PyYAML's constructors fail in many ways on odd text: !!int "" is an IndexError
            digits = sum(c.isdigit() for c in event.value)
            if tag.endswith(":int") and digits > 4000:  # Python refuses to read past 4,300 digits (3.11+)
                raise _YamlProblem(event.start_mark, f"too many digits ({digits:,}) for an integer; Elasticsearch's "
                                                     "long has 19 and its unsigned_long 20") from None
            raise _YamlProblem(event.start_mark, f"cannot read {_short(event.value)!r} as {tag.rsplit(':', 1)[-1]}: "
                                                 f"{exc}") from None
        if isinstance(value, (_dt.datetime, _dt.date)):  # an explicit !!timestamp
            return value.isoformat()
        if isinstance(value, bytes):
            raise _YamlProblem(event.start_mark, "binary values are not supported")
        if isinstance(value, float) and not math.isfinite(value):
            raise _YamlProblem(event.start_mark, f"{_short(event.value)} is not a finite number; JSON, which "
                                                 "Elasticsearch reads, has no infinity or NaN")
        if isinstance(value, str) and not _is_text(value):
            raise _YamlProblem(event.start_mark, "a lone surrogate (an escape such as \\ud800 without its pair) is "
                                                 "not valid text")
        return value

    def _sequence(self, event: Any, path: tuple, depth: int) -> tuple[list, int]:
        if event.tag not in _SEQ_TAGS:
            raise _YamlProblem(event.start_mark, f"the tag {event.tag} is not supported; write a plain list")
        items: list[Any] = []
        size = 1
        while not self.loader.check_event(yaml.SequenceEndEvent):
            item, count = self.value(path + (len(items),) if self.locations is not None else path, depth + 1)
            items.append(item)
            size += count
        self.loader.get_event()
        return items, size

    def _mapping(self, event: Any, path: tuple, depth: int) -> tuple[dict, int]:
        if event.tag not in _MAP_TAGS:
            raise _YamlProblem(event.start_mark, f"the tag {event.tag} is not supported; write a plain mapping")
        out: dict[str, Any] = {}
        merged: list[tuple[Any, Any]] = []
        size = 1
        loader = self.loader
        while not loader.check_event(yaml.MappingEndEvent):
            key_event = loader.peek_event()
            if not isinstance(key_event, yaml.ScalarEvent):
                raise _YamlProblem(key_event.start_mark, "a mapping key must be a plain value, not a list, a "
                                                         "mapping or an alias")
            if key_event.anchor is not None:
                raise _YamlProblem(key_event.start_mark, "anchors on mapping keys are not supported")
            loader.get_event()
            if key_event.tag is None and key_event.implicit[0] and key_event.value == "<<":  # a merge key
                value, count = self.value(path + ("<<",), depth + 1)
                merged.append((key_event.start_mark, value))
                size += count
                continue
            key = _key_text(self._scalar(key_event))
            if key in out:
                raise _YamlProblem(key_event.start_mark, f"duplicate key in YAML: {_short(key)}")
            child = path + (key,) if self.locations is not None else path
            if self.locations is not None:
                self.locations[child] = self._place(key_event.start_mark)
            out[key], count = self.value(child, depth + 1)
            size += count
        loader.get_event()
        for mark, source in merged:  # YAML merge keys: explicit keys win, then earlier sources
            sources = source if isinstance(source, list) else [source]
            if not all(isinstance(s, dict) for s in sources):
                raise _YamlProblem(mark, "a merge key (<<) takes a mapping or a list of mappings")
            for one in sources:
                for key, value in one.items():
                    if key not in out:
                        out[key] = value
                        if self.locations is not None:
                            self.locations.setdefault(path + (key,), self._place(mark))
        return out, size


def _copy(value: Any) -> Any:
    """A fresh copy of an anchored value, so that no two places of the data share one object."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def _parse(text: str, file: str, documents: list[tuple[int, Any]],
           locations: dict[int, dict[tuple, Location]] | None = None) -> None:
    """Appends every non-empty document of ``text`` with its index to ``documents``; raises
    _YamlProblem or a YAMLError at the first problem, the documents before it appended."""
    loader = _Loader(text)
    try:
        loader.get_event()  # StreamStartEvent
        index = 0
        builder = _Builder(loader, file, None)  # one for the file: its alias bound and what it remembers
        while not loader.check_event(yaml.StreamEndEvent):
            start = loader.get_event()  # DocumentStartEvent
            if index >= MAX_DOCUMENTS:
                raise _YamlProblem(start.start_mark, f"more than {MAX_DOCUMENTS:,} documents in one file; split "
                                                     "the manifests into several files")
            recorded: dict[tuple, Location] | None = {} if locations is not None else None
            builder.locations = recorded
            data = builder.document()
            if data is not None:  # an empty document, e.g. a trailing '---', is skipped but counted
                documents.append((index, data))
                if locations is not None:
                    locations[index] = recorded or {}
            index += 1
    finally:
        loader.dispose()


def _read_text(path: Path, display: str) -> tuple[str | None, Diagnostic | None]:
    """The file's text, refusing what is not a regular file, too large, or not UTF-8."""
    try:
        data = read_regular_file(path, MAX_FILE_BYTES, "manifest file")
    except FileRefused as exc:
        hint = {"not_regular": "; manifests are YAML files", "too_large": "; split it into several files"}
        return None, Diagnostic(display, 1, 1, f"{exc}{hint.get(exc.reason, '')}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        return None, Diagnostic(display, line, column, f"not UTF-8 text: the byte 0x{data[exc.start]:02x} (byte "
                                                       f"{exc.start:,} of the file) is not part of a UTF-8 character; "
                                                       "manifests are UTF-8 YAML")
    return text, None


def _position(text: str | bytes, index: int) -> tuple[int, int]:
    """Line and column (1-based) of the character, or byte, at ``index``."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    return text.count(newline, 0, index) + 1, index - (text.rfind(newline, 0, index) + 1) + 1


def load_file(path: Path, display: str) -> tuple[list[Document], list[Diagnostic]]:
    """Read every document of one file. Returns the documents and the problems found."""
    text, problem = _read_text(path, display)
    if problem is not None:
        return [], [problem]
    return load_text(text, display)


def load_text(text: str, display: str) -> tuple[list[Document], list[Diagnostic]]:
    """Every document of ``text`` (the contents of the file ``display``) and the problems found."""
    parsed: list[tuple[int, Any]] = []
    source = _Source(text, display)
    try:
        _parse(text, display, parsed)
        return [Document(display, index, data, source) for index, data in parsed], []
    except _YamlProblem as exc:
        problem = Diagnostic(display, exc.mark.line + 1, exc.mark.column + 1, exc.message)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = Diagnostic(display, line, col, f"invalid YAML: {exc.problem or exc.context or 'invalid YAML'}")
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control character
        line, col = _position(text, exc.position) if isinstance(exc.position, int) else (1, 1)
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        problem = Diagnostic(display, line, col, f"invalid YAML: the character {what} is not allowed ({exc.reason})")
    except yaml.YAMLError as exc:
        problem = Diagnostic(display, 1, 1, f"invalid YAML: {exc}")
    except RecursionError:  # pragma: no cover - MAX_DEPTH keeps the builder far from Python's limit
        problem = Diagnostic(display, 1, 1, f"nested too deeply (the limit is {MAX_DEPTH} levels)")
    # The documents before the problem are checked too, so that one run reports every problem.
    return [Document(display, index, data, source) for index, data in parsed], [problem]


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
        elif path.exists():  # a FIFO or a device too: reading it says what it is, without blocking
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
