"""Where an inference endpoint's spec holds secrets, and where it takes values from outside.

What it is for: the places of a spec whose values are secret — the service's secret settings
(``service_settings.api_key``, ``access_key``, ``secret_key``, ``service_account_json``,
``secret_parameters``, ``entra_id``: Elasticsearch keeps them in its secrets index and never
returns them) and every value written as a reference (``${env:NAME}``, ``${file:PATH}``), which
is sensitive wherever it sits — and the rules for writing them. What it must not do: read a
value (the manifests' loader does, once) or decide what to compare (the kind does).

Why the bare ``${NAME}`` is read only where a secret goes: the ``custom`` service's request
templates use the same form for its own parameters (``${api_key}``, ``${input}``,
elastic/elasticsearch ``CustomService``, 8.19+), which must reach Elasticsearch as written.
"""

from __future__ import annotations

from typing import Any

from eisops.plan.values import copied
from eisops.secrets import SENSITIVE, is_fingerprint, parse_reference, source_key

#: service_settings keys Elasticsearch keeps in its secrets index and never returns.
SECRET_KEYS = frozenset({"api_key", "access_key", "secret_key", "service_account_json",
                         "secret_parameters", "entra_id"})

#: The parts of a spec references may be written in.
REFERENCE_PARTS = ("service_settings", "task_settings")


def _is_secret_position(path: tuple) -> bool:
    return len(path) >= 2 and path[0] == "service_settings" and path[1] in SECRET_KEYS


def _walk(value: Any, at: tuple):
    yield at, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, at + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, at + (i,))


def references(spec: dict[str, Any], base_dir: str | None = None) -> list[tuple[tuple, str, bool]]:
    """(path, source, bare) of every value the spec takes from outside: ``${env:NAME}`` and
    ``${file:PATH}`` anywhere, and the older bare ``${NAME}`` where a secret goes."""
    found = []
    for path, value in _walk(spec, ()):
        parsed = parse_reference(value)
        if parsed is None:
            continue
        scheme, target = parsed
        if scheme == "bare":
            if _is_secret_position(path):
                found.append((path, source_key("env", target), True))
            continue
        found.append((path, source_key(scheme, target, base_dir), False))
    return found


def secret_paths(spec: dict[str, Any], base_dir: str | None = None) -> list[tuple]:
    """The paths whose values are secret, in a stable order: each reference (a secret setting is
    written as one, or holds them, as ``secret_parameters`` does), and a secret setting written
    literally (a validation error, kept out of every body all the same)."""
    refs = [path for path, _, _ in references(spec, base_dir)]
    settings = spec.get("service_settings") if isinstance(spec.get("service_settings"), dict) else {}
    literal = [("service_settings", key) for key in sorted(settings) if key in SECRET_KEYS
               and not any(r[:2] == ("service_settings", key) for r in refs)]
    return sorted(set(refs) | set(literal), key=lambda p: [str(k) for k in p])


def literal_secrets(spec: dict[str, Any]) -> list[tuple[tuple, Any]]:
    """(path, value) of each secret written into the manifest itself rather than referenced."""
    settings = spec.get("service_settings") if isinstance(spec.get("service_settings"), dict) else {}
    found = []
    for key in sorted(settings):
        if key not in SECRET_KEYS:
            continue
        for path, value in _walk(settings[key], ("service_settings", key)):
            if isinstance(value, (dict, list)):
                continue
            if value is not None and parse_reference(value) is None:
                found.append((path, value))
    return found


_ABSENT = object()


def _lookup(body: Any, path: tuple) -> Any:
    node = body
    for key in path:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return _ABSENT
    return node


def get_path(body: Any, path: tuple) -> Any:
    value = _lookup(body, path)
    return None if value is _ABSENT else value


def has_path(body: Any, path: tuple) -> bool:
    return _lookup(body, path) is not _ABSENT


def set_path(body: dict[str, Any], path: tuple, value: Any) -> None:
    node: Any = body
    for key in path[:-1]:
        if isinstance(node, list):
            node = node[key]
        else:
            node = node.setdefault(key, {})
    node[path[-1]] = value


def without_paths(body: dict[str, Any], paths: list[tuple]) -> dict[str, Any]:
    """A copy of ``body`` without the values at ``paths`` (a list item is removed from its list)."""
    out = copied(body)
    for path in sorted(paths, key=lambda p: [str(k) for k in p], reverse=True):
        node: Any = out
        for key in path[:-1]:
            node = get_path(node, (key,))
        if isinstance(node, dict):
            node.pop(path[-1], None)
        elif isinstance(node, list) and isinstance(path[-1], int) and path[-1] < len(node):
            node.pop(path[-1])
    return out


def resolved(spec: dict[str, Any], refs: list[tuple[tuple, str, bool]], values: dict[str, str]) -> dict[str, Any]:
    """The spec with each reference's value from ``values`` (source -> value); one not there
    stays as written."""
    out = copied(spec)
    for path, source, _ in refs:
        if source in values:
            set_path(out, path, values[source])
    return out


def record_key(path: tuple) -> str:
    """The key of a secret's fingerprint in eisops' record: the setting's name for a secret
    setting (as records have always held them), the dotted path for any other place."""
    if len(path) == 2 and path[0] == "service_settings":
        return str(path[1])
    return ".".join(map(str, path))


def masked_paths(body: Any, at: tuple = ()) -> list[tuple]:
    """The paths of ``body`` that hold a fingerprint or the sensitive placeholder."""
    if isinstance(body, dict):
        return [p for k, v in body.items() for p in masked_paths(v, at + (k,))]
    if isinstance(body, list):
        return [p for i, v in enumerate(body) for p in masked_paths(v, at + (i,))]
    return [at] if (body == SENSITIVE or is_fingerprint(body)) and at else []
