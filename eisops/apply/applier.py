"""The applier: executes exactly the changes of a plan, in the plan's order, and checks each one.

Before writing anything it refuses a plan that holds blocked changes, conflicts, or changes
needing an opt-in flag that was not given, and asks Elasticsearch to check the bodies it can
check without writing (the kinds' preflight), so a refused apply leaves the cluster untouched.
After each write it reads the object back and compares it with the plan's desired body.
Progress goes to a listener; this module never prints.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Protocol

from eisops.errors import ApplyFailed, ApplyRefused, EisopsError
from eisops.plan.model import Action, FieldChange, Plan, ResourceChange
from eisops.resources import BY_NAME
from eisops.resources.base import PlanContext


class ApplyListener(Protocol):
    def change_started(self, change: ResourceChange) -> None: ...

    def change_finished(self, change: ResourceChange, seconds: float) -> None: ...


class SilentListener:
    def change_started(self, change: ResourceChange) -> None:
        pass

    def change_finished(self, change: ResourceChange, seconds: float) -> None:
        pass


@dataclass
class ApplyResult:
    done: list[ResourceChange] = field(default_factory=list)

    def count(self, action: Action) -> int:
        return sum(1 for c in self.done if c.action is action)


def refusals(plan: Plan, allowed: set[str]) -> list[str]:
    """Why the plan cannot be applied as it stands; empty when it can."""
    reasons = []
    for change in plan.changes:
        if change.action is Action.BLOCKED:
            reasons.append(f"{change.address} is blocked: {change.reason}")
        elif change.action is Action.CONFLICT:
            reasons.append(f"{change.address} conflicts: {change.reason}")
        elif change.requires and change.requires not in allowed:
            reasons.append(f"{change.address} will be {change.action.value}d only with {change.requires}")
    return reasons


def preflight(plan: Plan, ctx: PlanContext) -> list[str]:
    """Ask Elasticsearch, without writing anything, whether it would refuse any body of the plan,
    so that a body it refuses stops apply before the first write rather than half-way."""
    problems = []
    for change in plan.writing_changes:
        why = BY_NAME[change.kind].preflight(ctx.cluster, change, ctx)
        if why:
            problems.append(f"{change.address}: {why}")
    return problems


def apply_plan(plan: Plan, ctx: PlanContext, listener: ApplyListener | None = None,
               allowed: set[str] | frozenset[str] = frozenset()) -> ApplyResult:
    """Carry out ``plan`` against ``ctx.cluster``. Raises ApplyRefused before any write, ApplyFailed after."""
    listener = listener or SilentListener()
    reasons = refusals(plan, set(allowed))
    if reasons:
        raise ApplyRefused("nothing was applied:\n  " + "\n  ".join(reasons))
    if ctx.cluster is None:
        raise ApplyRefused("an offline plan cannot be applied")
    problems = preflight(plan, ctx)
    if problems:
        raise ApplyRefused("Elasticsearch refuses these bodies; nothing was applied:\n  " + "\n  ".join(problems))
    result = ApplyResult()
    writing = plan.writing_changes
    for position, change in enumerate(writing):
        kind = BY_NAME[change.kind]
        listener.change_started(change)
        started = time.monotonic()
        try:
            kind.execute(ctx.cluster, change, ctx)
            live = kind.read_one(ctx.cluster, change.name, ctx)
            remaining = kind.remaining(change, live, ctx)
        except EisopsError as exc:
            raise ApplyFailed(_failure(change, str(exc), result, writing[position + 1:])) from None
        if remaining:
            raise ApplyFailed(_failure(change, _unexplained(remaining), result, writing[position + 1:],
                                       written=True))
        result.done.append(change)
        listener.change_finished(change, time.monotonic() - started)
    return result


#: How many differing paths an unexplained read-back lists, and how long one value may be shown.
SHOWN_DIFFERENCES = 10
SHOWN_VALUE_LENGTH = 200


def _unexplained(remaining: tuple[FieldChange, ...]) -> str:
    """Words for an object that was written but reads back differently from the manifest, in a way
    eisops has no rule for: each path with both values, so the user can see what Elasticsearch did."""
    lines = ["it was written, but Elasticsearch now reports values that differ from the manifest:"]
    for item in remaining[:SHOWN_DIFFERENCES]:
        where = ".".join(map(str, item.path)) or "(the object)"
        if item.sensitive:
            lines.append(f"    {where}: (sensitive value)")
            continue
        have = "(absent)" if item.added else _shown(item.before)
        want = "(absent)" if item.removed else _shown(item.after)
        lines.append(f"    {where}: Elasticsearch has {have}, the manifest says {want}")
    if len(remaining) > SHOWN_DIFFERENCES:
        lines.append(f"    and {len(remaining) - SHOWN_DIFFERENCES} more")
    lines.append("  The object stays as written; the next plan shows these differences until the manifest "
                 "says what Elasticsearch keeps.")
    return "\n".join(lines)


def _shown(value: object) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= SHOWN_VALUE_LENGTH else text[:SHOWN_VALUE_LENGTH] + "…"


def _failure(change: ResourceChange, why: str, result: ApplyResult, rest: tuple[ResourceChange, ...],
             written: bool = False) -> str:
    lines = [f"{change.address}: {why}"]
    if result.done:
        lines.append(f"done before it: {', '.join(c.address for c in result.done)}")
    if rest:
        lines.append(f"not attempted: {', '.join(c.address for c in rest)}")
    if not written:
        lines.append("Fix the cause and run apply again; it continues from the cluster as it is now.")
    return "\n".join(lines)
