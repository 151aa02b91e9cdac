"""Writing plain data as YAML manifests (for generated test and benchmark inputs)."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML


def dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def dump_all(documents: list[Any]) -> str:
    return "---\n".join(dump(d) for d in documents)
