"""Saved plans: a plan written to a file by ``plan --out`` and applied later by ``apply FILE``.

The file holds the plan as ``plan --output json`` shows it, with what the plan saw of every
object it covers (``observed``), the names it read (``declared``) and where it was made
(``source``: eisops version, server version, cluster URL without credentials, cluster uuid),
so that apply can check the cluster still holds what the plan was made from. It holds no
secret: operations name the source (``env:NAME``, ``file:PATH``) that fills each secret's place. This module
reads and writes that file; it sends no request and knows no kind of object.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eisops import secrets
from eisops.errors import EisopsError
from eisops.secrets import url_without_credentials  # noqa: F401 - where callers find it
from eisops.plan.model import Observation, Operation, Plan, ResourceChange

FORMAT = "eisops-saved-plan"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class PlanSource:
    """Where a plan was made."""

    eisops_version: str
    server_version: str | None
    url: str
    cluster_uuid: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"eisops_version": self.eisops_version, "server_version": self.server_version,
                "url": self.url, "cluster_uuid": self.cluster_uuid}


def to_file_dict(plan: Plan, source: PlanSource) -> dict[str, Any]:
    body = plan.to_dict()
    body.update({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "source": source.to_dict(),
        "observed": [o.to_dict() for o in plan.observed],
        "declared": {kind: list(names) for kind, names in plan.declared},
    })
    return body


def dumps(plan: Plan, source: PlanSource) -> str:
    """The file's text: the same plan and source always give the same bytes."""
    return json.dumps(to_file_dict(plan, source), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def write(path: str | Path, plan: Plan, source: PlanSource) -> None:
    try:
        Path(path).write_text(dumps(plan, source), encoding="utf-8")
    except OSError as exc:
        raise EisopsError(f"cannot write the plan to {path}: {exc.strerror}") from None


def is_saved_plan(path: str) -> bool:
    """Whether ``path`` names a saved plan file (a JSON file) rather than manifests."""
    return path.endswith(".json") and Path(path).is_file()


def read(path: str | Path) -> tuple[Plan, PlanSource]:
    """The plan in ``path``; EisopsError saying why when it is not a plan eisops can apply."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EisopsError(f"cannot read the plan {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise EisopsError(f"{path} is not a saved plan: it is not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise EisopsError(f"{path} is not a saved plan (write one with eisops plan --out FILE)")
    if data.get("format_version") != FORMAT_VERSION:
        raise EisopsError(f"{path} is a saved plan of format {data.get('format_version')}; this eisops reads "
                          f"format {FORMAT_VERSION}: plan again")
    try:
        source = PlanSource(**data["source"])
        plan = Plan(
            tuple(ResourceChange.from_dict(c) for c in data["changes"]),
            tuple(data.get("notes") or ()), bool(data.get("offline")), data.get("server_version"),
            int((data.get("summary") or {}).get("unchanged") or 0),
            tuple(Observation.from_dict(o) for o in data.get("observed") or ()),
            tuple((kind, tuple(names)) for kind, names in sorted((data.get("declared") or {}).items())),
            data.get("project"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise EisopsError(f"{path} is not a complete saved plan ({type(exc).__name__}: {exc})") from None
    return plan, source


def secret_sources(plan: Plan) -> set[str]:
    """The sources (``env:NAME``, ``file:PATH``) a saved plan's operations take secrets from."""
    return {source for change in plan.changes for op in change.operations for _, source in op.secret_sources}


def read_secret_values(plan: Plan, environment: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """(source -> value, what cannot be read) for the secrets of a saved plan; each value read
    is remembered as a secret to redact from all output."""
    values, problems = {}, []
    for source in sorted(secret_sources(plan) | {s for o in plan.observed for _, s, _ in o.secrets}):
        try:
            values[source] = secrets.read_source(source, environment)
            secrets.remember(values[source])
        except secrets.SecretSourceError as exc:
            problems.append(f"{secrets.describe(source)} {exc}")
    return values, problems


def with_secrets(plan: Plan, values: dict[str, str]) -> Plan:
    """The plan with each operation's secret values from ``values`` (source -> value)."""
    def filled(op: Operation) -> Operation:
        if not op.secret_sources:
            return op
        return dataclasses.replace(op, secrets=tuple((where, values[source]) for where, source in op.secret_sources))

    return dataclasses.replace(plan, changes=tuple(
        dataclasses.replace(c, operations=tuple(filled(op) for op in c.operations)) for c in plan.changes))
