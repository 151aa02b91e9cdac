"""Smoke tests of inference endpoints against the cluster: ``eisops test-endpoints`` and
``apply --test-endpoints``.

What it is for: send each endpoint's smoke requests (``eisops.resources.inference_endpoint.smoke``),
time them, check the answers, and report one result per endpoint, several endpoints at once.
Each call costs the provider's tokens, so this runs only when asked. What it must not do: print
(the CLI does), or change anything in the cluster.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from eisops.errors import ClusterRequestError, EisopsError
from eisops.plan.model import Action
from eisops.resources.inference_endpoint.smoke import EndpointUnderTest, check_answer, smoke_calls

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.manifest.model import Resource
    from eisops.plan.model import ResourceChange

#: Seconds one smoke request may take: the provider answers a short input in far less.
CALL_TIMEOUT = 60.0


@dataclass(frozen=True)
class SmokeResult:
    """What one endpoint's smoke test found."""

    name: str
    task_type: str
    seconds: float
    problem: str | None
    summary: str

    @property
    def passed(self) -> bool:
        return self.problem is None


def _test_one(cluster: "Cluster", endpoint: EndpointUnderTest) -> SmokeResult:
    calls = smoke_calls(endpoint)
    name, task = endpoint.name, endpoint.task_type
    if not calls:
        return SmokeResult(name, task, 0.0, None, "no smoke test for this task type")
    started = time.monotonic()
    summaries = []
    for call in calls:
        try:
            answer = cluster.request(call.method, call.path, call.body, accept=call.accept,
                                     request_timeout=CALL_TIMEOUT)
        except ClusterRequestError as exc:
            said = f"Elasticsearch answered {exc.status}: {exc.reason}" if exc.reason else str(exc)
            return SmokeResult(name, task, time.monotonic() - started, f"{call.label}: {said}", "")
        except EisopsError as exc:  # the cluster could not be reached
            return SmokeResult(name, task, time.monotonic() - started, f"{call.label}: {exc}", "")
        problem, summary = check_answer(call, task, answer)
        if problem:
            return SmokeResult(name, task, time.monotonic() - started, problem, "")
        summaries.append(f"{call.label} {summary}" if len(calls) > 1 else summary)
    return SmokeResult(name, task, time.monotonic() - started, None, ", ".join(summaries))


def smoke_test(cluster: "Cluster", endpoints: Iterable[EndpointUnderTest],
                   parallelism: int = 4) -> list[SmokeResult]:
    """One result per endpoint, in the order given; ``parallelism`` endpoints at a time."""
    endpoints = list(endpoints)
    if not endpoints:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(parallelism, len(endpoints)))) as pool:
        return list(pool.map(lambda e: _test_one(cluster, e), endpoints))


def from_manifest(resources: Iterable["Resource"]) -> list[EndpointUnderTest]:
    return [EndpointUnderTest(r.name, r.task_type or "", r.spec) for r in resources if r.kind == "InferenceEndpoint"]


def from_plan(changes: Iterable["ResourceChange"]) -> list[EndpointUnderTest]:
    """The endpoints a plan creates or replaces (what ``apply --test-endpoints`` tests)."""
    return [EndpointUnderTest(c.name, c.task_type or "", c.after or {}) for c in changes
            if c.kind == "InferenceEndpoint" and c.action in (Action.CREATE, Action.REPLACE)]
