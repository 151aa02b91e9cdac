"""Field-level differences between two normalized bodies; the one place deepdiff is used.

Inputs are already normalized by the kind modules: whatever differs here is a real change.
List order is significant (ingest processors run in order). Nothing here knows about
Elasticsearch.
"""

from __future__ import annotations

from typing import Any, Iterable

from eisops.plan.model import FieldChange
from eisops.plan.values import same

_ADDED = ("dictionary_item_added", "iterable_item_added", "attribute_added")
_REMOVED = ("dictionary_item_removed", "iterable_item_removed", "attribute_removed")
_CHANGED = ("values_changed", "type_changes")


def _is_sensitive(path: tuple, sensitive: Iterable[tuple]) -> bool:
    return any(path[: len(s)] == tuple(s) for s in sensitive)


def diff_bodies(before: Any, after: Any, sensitive: Iterable[tuple] = ()) -> tuple[FieldChange, ...]:
    """Every changed value from ``before`` (live) to ``after`` (desired), sorted by path."""
    if same(before, after):
        return ()  # the common case, and far cheaper than a full deepdiff of a large mapping
    sensitive = [tuple(s) for s in sensitive]
    from deepdiff import DeepDiff  # here: commands that never diff (validate, --help) start without it

    # threshold_to_diff_deeper=0: always field by field; by default (deepdiff 8+) a mapping whose
    # keys all changed is reported as one value, which would hide, say, an alias renamed.
    tree = DeepDiff(before, after, ignore_order=False, view="tree", verbose_level=2, threshold_to_diff_deeper=0)
    changes: list[FieldChange] = []
    for report, levels in tree.items():
        for level in levels:
            path = tuple(level.path(output_format="list"))
            secret = _is_sensitive(path, sensitive)
            if report in _ADDED:
                changes.append(FieldChange(path, None, level.t2, added=True, sensitive=secret))
            elif report in _REMOVED:
                changes.append(FieldChange(path, level.t1, None, removed=True, sensitive=secret))
            elif report in _CHANGED:
                changes.append(FieldChange(path, level.t1, level.t2, sensitive=secret))
            else:  # pragma: no cover - other reports cannot occur on JSON-like data
                changes.append(FieldChange(path, level.t1, level.t2, sensitive=secret))
    changes.sort(key=lambda c: tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in c.path))
    return tuple(changes)
