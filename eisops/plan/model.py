"""The plan: frozen data saying what apply would do, and why.

A plan is built without side effects and then consumed, unchanged, by the renderers and
by the applier, so what is shown and what is done can never disagree. Nothing here
talks to Elasticsearch or prints.
"""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass, field
from typing import Any


class Action(str, enum.Enum):
    CREATE = "create"
    UPDATE = "update"  # changed in place
    REPLACE = "replace"  # deleted and created again; needs --allow-replace
    DELETE = "delete"
    BLOCKED = "blocked"  # Elasticsearch would refuse the change; never attempted
    CONFLICT = "conflict"  # the object exists but eisops does not manage it; never touched


#: Actions that write to the cluster.
WRITING_ACTIONS = (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE)


@dataclass(frozen=True)
class FieldChange:
    """One changed value inside an object's body. ``path`` is a tuple of keys and list indexes."""

    path: tuple
    before: Any = None
    after: Any = None
    added: bool = False  # the value is new (``before`` is meaningless)
    removed: bool = False  # the value goes away (``after`` is meaningless)
    sensitive: bool = False  # never show the values
    blocked_reason: str | None = None  # Elasticsearch refuses this particular change

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": list(self.path)}
        if self.sensitive:
            out["sensitive"] = True
        else:
            if not self.added:
                out["before"] = self.before
            if not self.removed:
                out["after"] = self.after
        if self.added:
            out["added"] = True
        if self.removed:
            out["removed"] = True
        if self.blocked_reason:
            out["blocked_reason"] = self.blocked_reason
        return out


@dataclass(frozen=True)
class Operation:
    """One request apply will send; the kind module that made it also executes it."""

    verb: str  # e.g. "put", "update", "delete", "put_mapping", "put_settings", "update_aliases"
    body: Any = None
    params: tuple[tuple[str, Any], ...] = ()
    #: Secret values to put into ``body`` at the given paths when the request is sent. They
    #: are kept out of the body, ``repr`` and ``to_dict`` so a plan never shows or saves them.
    secrets: tuple[tuple[tuple, str], ...] = field(default=(), repr=False, compare=False)

    def body_with_secrets(self) -> Any:
        if not self.secrets:
            return self.body
        body = copy.deepcopy(self.body)
        for path, value in self.secrets:
            node = body
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
        return body

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"verb": self.verb}
        if self.body is not None:
            out["body"] = self.body
        if self.params:
            out["params"] = dict(self.params)
        return out


@dataclass(frozen=True)
class ResourceChange:
    kind: str
    name: str
    action: Action
    reason: str
    before: Any = None  # normalized live body (None when the object does not exist)
    after: Any = None  # normalized desired body (None on delete)
    changes: tuple[FieldChange, ...] = ()
    operations: tuple[Operation, ...] = ()
    requires: str | None = None  # the CLI flag that must be given to carry this change out
    notes: tuple[str, ...] = ()  # things the user should know that are not changes
    task_type: str | None = None
    #: paths in ``before``/``after`` whose values are secret fingerprints: never shown
    sensitive_paths: tuple[tuple, ...] = ()

    @property
    def address(self) -> str:
        return f"{self.kind}/{self.name}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "action": self.action.value,
            "reason": self.reason,
            "before": _masked(self.before, self.sensitive_paths),
            "after": _masked(self.after, self.sensitive_paths),
            "changes": [c.to_dict() for c in self.changes],
            "operations": [o.to_dict() for o in self.operations],
        }
        if self.task_type:
            out["task_type"] = self.task_type
        if self.requires:
            out["requires"] = self.requires
        if self.notes:
            out["notes"] = list(self.notes)
        if self.sensitive_paths:
            out["sensitive_paths"] = [list(p) for p in self.sensitive_paths]
        return out


def _masked(body: Any, paths: tuple[tuple, ...]) -> Any:
    """``body`` with the values at ``paths`` (secret fingerprints) replaced by a placeholder."""
    if not paths or not isinstance(body, dict):
        return body
    out = copy.deepcopy(body)
    for path in paths:
        node = out
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and path[-1] in node:
            node[path[-1]] = "(sensitive)"
    return out


@dataclass(frozen=True)
class Plan:
    changes: tuple[ResourceChange, ...] = ()
    notes: tuple[str, ...] = ()  # plan-wide remarks (e.g. objects left alone)
    offline: bool = False
    server_version: str | None = None
    unchanged: int = 0  # managed objects that already match

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def writing_changes(self) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.changes if c.action in WRITING_ACTIONS)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": "1",
            "offline": self.offline,
            "server_version": self.server_version,
            "changes": [c.to_dict() for c in self.changes],
            "notes": list(self.notes),
            "summary": {a.value: self.count(a) for a in Action} | {"unchanged": self.unchanged},
        }
