"""Alias definitions as Elasticsearch returns them (reference 4.2 and 6).

``routing`` is expanded into ``index_routing`` and ``search_routing``. (Routing values must be
JSON strings: validation refuses others, which Elasticsearch drops.) Used by index templates,
component templates and indices. No requests here.
"""

from __future__ import annotations

from typing import Any


def normalize_alias(definition: Any) -> dict[str, Any]:
    if not isinstance(definition, dict):
        return {}
    out = dict(definition)
    routing = out.pop("routing", None)
    if routing is not None:
        out.setdefault("index_routing", routing)
        out.setdefault("search_routing", routing)
    return out


def normalize_aliases(aliases: Any) -> dict[str, Any]:
    if not isinstance(aliases, dict):
        return {}
    return {name: normalize_alias(d) for name, d in sorted(aliases.items())}
