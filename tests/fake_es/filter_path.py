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


Paths = tuple[tuple[str, ...], ...]


def _parse(expr: str) -> tuple[Paths, Paths]:
    includes: list[tuple[str, ...]] = []
    excludes: list[tuple[str, ...]] = []
    for raw in expr.split(","):
        raw = raw.strip()
        if not raw:
            continue
        target = includes
        if raw.startswith("-"):
            target = excludes
            raw = raw[1:]
        target.append(tuple(raw.split(".")))
    return tuple(includes), tuple(excludes)


def _seg_match(pattern: str, key: str) -> bool:
    return pattern == key or ("*" in pattern and fnmatch.fnmatchcase(key, pattern))


class _Filter:
    """One filter_path expression applied to one answer. What a key does to a set of remaining
    paths is remembered: the keys of a large answer (field names, "type", "properties") repeat."""

    def __init__(self) -> None:
        self._advanced: dict[tuple[Paths, str], tuple[bool, Paths]] = {}

    def advance(self, paths: Paths, key: str) -> tuple[bool, Paths]:
        """(fully matched, remaining paths) after consuming ``key``."""
        known = self._advanced.get((paths, key))
        if known is None:
            known = self._advanced[(paths, key)] = self._advance(paths, key)
        return known

    def _advance(self, paths: Paths, key: str) -> tuple[bool, Paths]:
        matched = False
        rest: list[tuple[str, ...]] = []
        for path in paths:
            if not path:
                continue
            head = path[0]
            if head == "**":
                # "**" may match zero segments ...
                m, r = self._advance((path[1:],), key) if len(path) > 1 else (True, ())
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
        return matched, tuple(rest)

    def include(self, value: Any, paths: Paths) -> Any:
        if isinstance(value, list):
            out = [self.include(v, paths) for v in value]
            out = [v for v in out if v is not _DROP]
            return out if out else _DROP
        if not isinstance(value, dict):
            return _DROP
        out: dict = {}
        for key, sub in value.items():
            matched, rest = self.advance(paths, key)
            if matched:
                out[key] = sub
            elif rest:
                filtered = self.include(sub, rest)
                if filtered is not _DROP:
                    out[key] = filtered
        return out if out else _DROP

    def exclude(self, value: Any, paths: Paths) -> Any:
        if isinstance(value, list):
            return [self.exclude(v, paths) for v in value]
        if not isinstance(value, dict):
            return value
        out: dict = {}
        for key, sub in value.items():
            matched, rest = self.advance(paths, key)
            if matched:
                continue
            out[key] = self.exclude(sub, rest) if rest else sub
        return out


def apply_filter_path(body: Any, expr: str | None) -> Any:
    if not expr or body is None:
        return body
    includes, excludes = _parse(expr)
    result = body
    filtering = _Filter()
    if includes:
        result = filtering.include(body, includes)
        if result is _DROP:
            return {}
    if excludes:
        result = filtering.exclude(result, excludes)
    return result
