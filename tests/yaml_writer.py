"""Writing plain data as YAML manifests (for generated test and benchmark inputs)."""

from __future__ import annotations

from typing import Any

import yaml


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)


def dump_all(documents: list[Any]) -> str:
    return "---\n".join(dump(d) for d in documents)
