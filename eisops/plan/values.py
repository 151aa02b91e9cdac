"""JSON values as eisops holds them: manifest specs and live bodies are plain dicts, lists and
scalars. Equality that tells the types apart as JSON does, and a deep copy made for such trees.

Nothing here knows about Elasticsearch or about kinds; it sends nothing and prints nothing.
"""

from __future__ import annotations

import copy
from typing import Any

_IMMUTABLE = (str, int, float, bool, type(None))


def same(a: Any, b: Any) -> bool:
    """Deep equality that, unlike ``==``, tells True from 1 and 1 from 1.0, as JSON does."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def copied(value: Any) -> Any:
    """A deep copy of a JSON value: every dict and list new, scalars (immutable) shared.

    Several times faster than ``copy.deepcopy`` on such trees, which keeps a memo of every
    object to preserve shared references a JSON value has no use for (a YAML anchor used twice
    becomes two independent copies, as it would after a round trip through JSON). Anything else
    (a tuple, a date) goes through ``copy.deepcopy``.
    """
    if isinstance(value, dict):
        return {k: copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copied(v) for v in value]
    if isinstance(value, _IMMUTABLE):
        return value
    return copy.deepcopy(value)
