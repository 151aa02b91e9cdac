"""The generic ``filter_path`` response filter (applied centrally by the server).

What it is for: reproduce ES's response filtering: comma-separated paths,
``*`` inside a path segment, ``**`` matching any number of segments, and a
leading ``-`` for exclusions. Arrays are transparent (a filter applies to each
element). Includes are applied first, then exclusions.

What it must not do: know anything about individual APIs.
"""

from __future__ import annotations

import fnmatch
from typing import Any

_DROP = object()


def _parse(expr: str) -> tuple[list[list[str]], list[list[str]]]:
    includes: list[list[str]] = []
    excludes: list[list[str]] = []
    for raw in expr.split(","):
        raw = raw.strip()
        if not raw:
            continue
        target = includes
        if raw.startswith("-"):
            target = excludes
            raw = raw[1:]
        target.append(raw.split("."))
    return includes, excludes


def _seg_match(pattern: str, key: str) -> bool:
    return pattern == key or ("*" in pattern and fnmatch.fnmatchcase(key, pattern))


def _advance(paths: list[list[str]], key: str) -> tuple[bool, list[list[str]]]:
    """Return (fully matched, remaining paths) after consuming ``key``."""
    matched = False
    rest: list[list[str]] = []
    for path in paths:
        if not path:
            continue
        head = path[0]
        if head == "**":
            # "**" may match zero segments ...
            m, r = _advance([path[1:]], key) if len(path) > 1 else (True, [])
            matched = matched or m
            rest.extend(r)
            # ... or this segment (and keep matching further ones).
            rest.append(path)
            if len(path) == 1:
                matched = True
        elif _seg_match(head, key):
            if len(path) == 1:
                matched = True
            else:
                rest.append(path[1:])
    return matched, rest


def _include(value: Any, paths: list[list[str]]) -> Any:
    if isinstance(value, list):
        out = [_include(v, paths) for v in value]
        out = [v for v in out if v is not _DROP]
        return out if out else _DROP
    if not isinstance(value, dict):
        return _DROP
    out: dict = {}
    for key, sub in value.items():
        matched, rest = _advance(paths, key)
        if matched:
            out[key] = sub
        elif rest:
            filtered = _include(sub, rest)
            if filtered is not _DROP:
                out[key] = filtered
    return out if out else _DROP


def _exclude(value: Any, paths: list[list[str]]) -> Any:
    if isinstance(value, list):
        return [_exclude(v, paths) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict = {}
    for key, sub in value.items():
        matched, rest = _advance(paths, key)
        if matched:
            continue
        out[key] = _exclude(sub, rest) if rest else sub
    return out


def apply_filter_path(body: Any, expr: str | None) -> Any:
    if not expr or body is None:
        return body
    includes, excludes = _parse(expr)
    result = body
    if includes:
        result = _include(body, includes)
        if result is _DROP:
            return {}
    if excludes:
        result = _exclude(result, excludes)
    return result
