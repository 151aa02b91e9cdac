"""Iteration order of Java's ``HashMap`` / ``HashSet`` for string keys.

What it is for: several ES responses are serialised straight from a Java
hash map, so their order is neither insertion nor alphabetical order but
bucket order of ``String.hashCode()``: the ``GET _component_template`` and
``GET _index_template`` listings, the order in which index settings are
validated (which unknown setting is reported first, which are "suppressed"),
... (seen on 8.19.21 and 9.5.2). :func:`hashmap_order` reproduces that order
for a table grown the default way (capacity 16, doubled above 0.75 load).

What it must not do: guess orders ES does not take from a hash map (sorted
maps, insertion-ordered maps): callers decide where it applies.
"""

from __future__ import annotations

from typing import Iterable


def string_hash(value: str) -> int:
    """Java ``String.hashCode()`` (UTF-16 code units), as an unsigned 32-bit int."""
    h = 0
    data = value.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h


def _capacity(size: int) -> int:
    cap = 16
    while size > cap * 3 // 4:
        cap *= 2
    return cap


def hashmap_order(keys: Iterable[str]) -> list[str]:
    """The keys in the order a ``HashMap`` built from them (in this order) iterates them."""
    keys = list(dict.fromkeys(keys))
    cap = _capacity(len(keys))

    def bucket(key: str) -> int:
        h = string_hash(key)
        return (h ^ (h >> 16)) & (cap - 1)

    # sorted() is stable: keys sharing a bucket keep insertion order, as in a bucket's list.
    return sorted(keys, key=bucket)


def _table_size_for(n: int) -> int:
    cap = 1
    while cap < n:
        cap *= 2
    return cap


def putall_order(sorted_keys: Iterable[str], legacy_presize: bool) -> list[str]:
    """The keys in the order an empty ``new HashMap<>()`` iterates them after one
    ``putAll`` of a map holding them (in this order, e.g. a ``TreeMap``).

    ``putAll`` into an empty HashMap pre-sizes the table from the source size:
    ``tableSizeFor((int) (s / 0.75f + 1))`` up to JDK 18, ``tableSizeFor((int)
    Math.ceil(s / 0.75))`` from JDK 19 (JDK-8281631), so three entries land in a
    table of 8 on Java 17 but of 4 on Java 21+. Seen in the ``overlapping`` list of
    the simulate-template APIs: 8.19.21 on Java 17 vs. 9.5.2 on Java 25.
    """
    keys = list(dict.fromkeys(sorted_keys))
    s = len(keys)
    if not s:
        return []
    t = int(s / 0.75 + 1.0) if legacy_presize else -(-s * 4 // 3)
    cap = _table_size_for(t)

    def bucket(key: str) -> int:
        h = string_hash(key)
        return (h ^ (h >> 16)) & (cap - 1)

    return sorted(keys, key=bucket)
