"""What it is for: ``clone``, the deep copy the fake makes of every body it stores or answers
with, so that no caller can change the fake's state through a value it was given or sent.

What it must not do: know about Elasticsearch. Stored bodies are JSON trees (dicts, lists,
scalars); ``copy.deepcopy`` on them spends most of its time on a memo of shared references that
a JSON value has no use for, and was most of the time the fake took to answer a listing.
"""

from __future__ import annotations

import copy
from typing import Any

_IMMUTABLE = (str, int, float, bool, type(None))


def clone(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    if isinstance(value, _IMMUTABLE):
        return value
    return copy.deepcopy(value)
