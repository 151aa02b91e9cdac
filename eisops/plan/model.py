"""The plan: frozen data saying what apply would do, and why.

A plan is built without side effects and then consumed, unchanged, by the renderers and
by the applier, so what is shown and what is done can never disagree. Nothing here
talks to Elasticsearch or prints.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from eisops.plan.values import copied


class Action(str, enum.Enum):
    CREATE = "create"
    UPDATE = "update"  # changed in place
    REPLACE = "replace"  # deleted and created again; needs --allow-replace
    DELETE = "delete"
    BLOCKED = "blocked"  # Elasticsearch would refuse the change; never attempted
    CONFLICT = "conflict"  # the object exists but eisops does not manage it; never touched
    ADOPT = "adopt"  # an existing object, equal to its manifest, becomes managed: only the marker is written
    MIGRATE = "migrate"  # an index copied into a new one, the name clients use moved to it


#: Actions that write to the cluster.
WRITING_ACTIONS = (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.DELETE, Action.ADOPT, Action.MIGRATE)


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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FieldChange":
        return cls(tuple(data["path"]), data.get("before"), data.get("after"), bool(data.get("added")),
                   bool(data.get("removed")), bool(data.get("sensitive")), data.get("blocked_reason"))


@dataclass(frozen=True)
class Operation:
    """One request apply will send, exactly: method, path, query parameters and body.

    Secret values are never part of the body: ``secret_sources`` says which source
    (``env:NAME`` or ``file:PATH``) fills which place of the body when the request is sent, and ``secrets`` holds
    the values read when the manifests were loaded (kept out of ``repr``, equality and
    ``to_dict``, so a plan never shows or saves them). ``verb`` names the operation for
    people ("create", "put_mapping", ...). ``accept`` lists Elasticsearch error types that
    mean the request's effect is already there (a create retried after a lost answer).
    ``record`` marks an operation on eisops' own record of inference endpoints instead of a
    request: its body says what to record, and the records module carries it out.
    """

    verb: str
    method: str = ""
    path: str = ""
    body: Any = None
    params: tuple[tuple[str, Any], ...] = ()
    secret_sources: tuple[tuple[tuple, str], ...] = ()
    accept: tuple[str, ...] = ()
    timeout: float | None = None
    record: bool = False
    secrets: tuple[tuple[tuple, str], ...] = field(default=(), repr=False, compare=False)

    def body_with_secrets(self) -> Any:
        if not self.secrets:
            return self.body
        body = copied(self.body)
        for path, value in self.secrets:
            node = body
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = value
        return body

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"verb": self.verb}
        if self.method:
            out["method"] = self.method
        if self.path:
            out["path"] = self.path
        if self.params:
            out["params"] = dict(self.params)
        if self.body is not None:
            out["body"] = self.body
        if self.secret_sources:
            out["secrets_from"] = [{"path": list(p), "source": v} for p, v in self.secret_sources]
        if self.accept:
            out["accept"] = list(self.accept)
        if self.timeout is not None:
            out["timeout"] = self.timeout
        if self.record:
            out["record"] = True
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Operation":
        return cls(
            verb=data["verb"], method=data.get("method", ""), path=data.get("path", ""), body=data.get("body"),
            params=tuple((data.get("params") or {}).items()),
            secret_sources=tuple((tuple(s["path"]), s["source"]) for s in data.get("secrets_from") or ()),
            accept=tuple(data.get("accept") or ()), timeout=data.get("timeout"), record=bool(data.get("record")),
        )


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
    #: requests that ask Elasticsearch, without writing, whether it would refuse the change
    checks: tuple[Operation, ...] = ()
    #: apply makes the changes of one level concurrently, level after level (dependency order)
    level: int = 0
    #: sent when one of ``operations`` fails, to leave no record of what was not made
    on_failure: tuple[Operation, ...] = ()

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
        if self.checks:
            out["checks"] = [o.to_dict() for o in self.checks]
        if self.on_failure:
            out["on_failure"] = [o.to_dict() for o in self.on_failure]
        if self.action in WRITING_ACTIONS:
            out["level"] = self.level
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ResourceChange":
        return cls(
            data["kind"], data["name"], Action(data["action"]), data["reason"], data.get("before"), data.get("after"),
            tuple(FieldChange.from_dict(c) for c in data.get("changes") or ()),
            tuple(Operation.from_dict(o) for o in data.get("operations") or ()),
            data.get("requires"), tuple(data.get("notes") or ()), data.get("task_type"),
            tuple(tuple(p) for p in data.get("sensitive_paths") or ()),
            tuple(Operation.from_dict(o) for o in data.get("checks") or ()), int(data.get("level") or 0),
            tuple(Operation.from_dict(o) for o in data.get("on_failure") or ()),
        )


def _masked(body: Any, paths: tuple[tuple, ...]) -> Any:
    """``body`` with the values at ``paths`` (secret fingerprints) replaced by a placeholder."""
    if not paths or not isinstance(body, dict):
        return body
    out = copied(body)
    for path in paths:
        node = out
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and path[-1] in node:
            node[path[-1]] = "(sensitive)"
    return out


@dataclass(frozen=True)
class Observation:
    """What the plan saw of one object it covers, changed or checked as unchanged, so that a saved
    plan can tell whether the cluster still holds it: the object's comparable desired body
    (secrets masked), and a digest of the live body as the plan compared it (None: absent).
    ``secrets`` lists the environment variables of its secrets, each with whether the plan found
    it differing from what eisops recorded."""

    kind: str
    name: str
    desired: Any = None
    digest: str | None = None
    secrets: tuple[tuple[tuple, str, bool], ...] = ()

    @property
    def address(self) -> str:
        return f"{self.kind}/{self.name}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "name": self.name, "desired": self.desired, "digest": self.digest}
        if self.secrets:
            out["secrets"] = [{"path": list(p), "source": v, "changed": c} for p, v, c in self.secrets]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Observation":
        return cls(data["kind"], data["name"], data.get("desired"), data.get("digest"),
                   tuple((tuple(s["path"]), s["source"], bool(s["changed"])) for s in data.get("secrets") or ()))


@dataclass(frozen=True)
class Plan:
    changes: tuple[ResourceChange, ...] = ()
    notes: tuple[str, ...] = ()  # plan-wide remarks (e.g. objects left alone)
    offline: bool = False
    server_version: str | None = None
    unchanged: int = 0  # managed objects that already match
    #: what the plan saw of every object it covers, for a saved plan's staleness check
    observed: tuple[Observation, ...] = ()
    #: the names the manifests declare, per kind: what a saved plan's check reads again
    declared: tuple[tuple[str, tuple[str, ...]], ...] = ()
    project: str | None = None  # the project planned

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
            "project": self.project,
            "changes": [c.to_dict() for c in self.changes],
            "notes": list(self.notes),
            "summary": {a.value: self.count(a) for a in Action} | {"unchanged": self.unchanged},
        }
