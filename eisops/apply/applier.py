"""The applier: sends exactly the requests of a plan, level after level, and checks the result.

It knows nothing of Elasticsearch's kinds of objects: each change of the plan carries its
requests (method, path, query parameters, body; secret values filled in from the values read
with the manifests) and the checks to ask before writing. Before writing anything it refuses a
plan that holds blocked changes, conflicts, or changes needing an opt-in flag that was not
given, and sends every check (concurrently), so that a body Elasticsearch refuses stops apply
before its first write. It then makes the changes of one level concurrently (at most
``parallelism`` at a time; a change's own requests go in order), and after each level has the
caller's ``verify`` read back what was written, once per kind. Progress goes to a listener;
this module never prints.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

from eisops.apply import migration
from eisops.cluster import records
from eisops.errors import ApplyFailed, ApplyRefused, ClusterRequestError, EisopsError
from eisops.plan.model import Action, FieldChange, Operation, Plan, ResourceChange

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster

#: What verify answers: for each change it was given whose object does not match the plan,
#: what still differs.
Verifier = Callable[["Cluster", list[ResourceChange]], dict[str, tuple[FieldChange, ...]]]

DEFAULT_PARALLELISM = 10  # as Terraform's default


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


#: The names Elasticsearch gives the bodies it checks (TransportSimulateTemplateAction's
#: ``simulate_template_<random>``, SimulatePipelineRequest's ``_simulate_pipeline``): an objection
#: is shown under the object's own name.
_CHECK_NAMES = ("simulate_template_", "_simulate_pipeline")


def _own_name(reason: str, name: str) -> str:
    words = []
    for word in reason.split("["):
        head, sep, tail = word.partition("]")
        if sep and head.startswith(_CHECK_NAMES):
            word = f"{name}]{tail}"
        words.append(word)
    return "[".join(words)


def _objection(cluster: "Cluster", change: ResourceChange, check: Operation) -> str | None:
    try:
        cluster.request(check.method, check.path, body=check.body, params=dict(check.params) or None)
    except ClusterRequestError as exc:
        reason = exc.reason or exc.message
        if exc.status == 400 and "no handler found" not in reason:
            return f"{change.address}: {_own_name(reason, change.name)}"
        if exc.status in (400, 404, 405):
            return None  # a server without that API: Elasticsearch checks the write itself
        raise
    return None


def run_checks(plan: Plan, cluster: "Cluster", parallelism: int = DEFAULT_PARALLELISM) -> list[str]:
    """Every check of the plan, sent concurrently; Elasticsearch's objections, in plan order."""
    checks = [(change, check) for change in plan.writing_changes for check in change.checks]
    if not checks:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(checks))), thread_name_prefix="eisops-check") as pool:
        answers = list(pool.map(lambda item: _objection(cluster, *item), checks))
    return [a for a in answers if a]


def send(cluster: "Cluster", operation: Operation, progress: Callable[[str], None] | None = None) -> None:
    """One operation of a plan: a request as planned, or a write of eisops' record."""
    if operation.record:
        records.apply_operation(cluster, operation)
        return
    if operation.verb == "migrate":
        migration.carry_out(cluster, operation, progress)
        return
    try:
        cluster.request(operation.method, operation.path, body=operation.body_with_secrets(),
                        params=dict(operation.params) or None, request_timeout=operation.timeout)
    except ClusterRequestError as exc:
        if exc.error_type not in operation.accept:
            raise


def _progress(listener: "ApplyListener", change: ResourceChange, text: str, lock: threading.Lock) -> None:
    report = getattr(listener, "change_progress", None)
    if report is not None:
        with lock:
            report(change, text)


def apply_plan(plan: Plan, cluster: "Cluster | None", verify: Verifier, listener: ApplyListener | None = None,
               allowed: set[str] | frozenset[str] = frozenset(), parallelism: int = DEFAULT_PARALLELISM,
               before_level: Callable[[], None] | None = None) -> ApplyResult:
    """Carry out ``plan``. Raises ApplyRefused before any write, ApplyFailed after. ``before_level``
    is called before each level's writes (the project's lock raises there when it was lost)."""
    listener = listener or SilentListener()
    reasons = refusals(plan, set(allowed))
    if reasons:
        raise ApplyRefused("nothing was applied:\n  " + "\n  ".join(reasons))
    if cluster is None or plan.offline:
        raise ApplyRefused("an offline plan cannot be applied")
    objections = run_checks(plan, cluster, parallelism)
    if objections:
        raise ApplyRefused("Elasticsearch refuses these bodies; nothing was applied:\n  " + "\n  ".join(objections))
    result = ApplyResult()
    writing = plan.writing_changes
    levels = sorted({c.level for c in writing})
    lock = threading.Lock()

    def make(change: ResourceChange) -> str | None:
        with lock:
            listener.change_started(change)
        started = time.monotonic()
        try:
            for operation in change.operations:
                send(cluster, operation, lambda text: _progress(listener, change, text, lock))
        except EisopsError as exc:
            for undo in change.on_failure:  # best effort: the failure is what the user must see
                try:
                    send(cluster, undo)
                except EisopsError:
                    pass
            return str(exc)
        with lock:
            listener.change_finished(change, time.monotonic() - started)
        return None

    with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="eisops-apply") as pool:
        for level in levels:
            if before_level is not None:
                try:
                    before_level()
                except EisopsError as exc:
                    lines = [str(exc)]
                    if result.done:
                        lines.append(f"done before it: {', '.join(c.address for c in result.done)}")
                    lines.append(f"not attempted: {', '.join(c.address for c in writing if c.level >= level)}")
                    raise ApplyFailed("\n".join(lines)) from None
            batch = [c for c in writing if c.level == level]
            failures = dict(zip((c.address for c in batch), pool.map(make, batch)))
            made = [c for c in batch if failures[c.address] is None]
            remaining = verify(cluster, made) if made else {}
            later = [c for c in writing if c.level > level]
            for change in batch:
                why = failures[change.address]
                if why is not None:
                    raise ApplyFailed(_failure(change, why, result, made, later))
            for change in batch:
                if remaining.get(change.address):
                    raise ApplyFailed(_failure(change, _unexplained(remaining[change.address]), result,
                                               [c for c in made if c is not change], later, written=True))
            result.done.extend(batch)
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


def _failure(change: ResourceChange, why: str, result: ApplyResult, alongside: list[ResourceChange],
             rest: list[ResourceChange], written: bool = False) -> str:
    lines = [f"{change.address}: {why}"]
    done = [c.address for c in result.done] + [c.address for c in alongside]
    if done:
        lines.append(f"done before it or alongside it: {', '.join(done)}")
    if rest:
        lines.append(f"not attempted: {', '.join(c.address for c in rest)}")
    if not written:
        lines.append("Fix the cause and run apply again; it continues from the cluster as it is now.")
    return "\n".join(lines)
