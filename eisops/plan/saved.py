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
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eisops import secrets
from eisops.errors import EisopsError
from eisops.files import FileRefused, read_regular_file
from eisops.secrets import url_without_credentials  # noqa: F401 - where callers find it
from eisops.plan.model import Action, Observation, Operation, Plan, ResourceChange

FORMAT = "eisops-saved-plan"
FORMAT_VERSION = 2  # 2: with the digest of the contents
#: The key of the SHA-256 of the file's contents (all but this key, as canonical JSON).
DIGEST = "contents_sha256"
#: A saved plan of 5,000 changed resources is a few MiB; past this a file is no plan eisops wrote.
MAX_PLAN_BYTES = 256 * 1024 * 1024


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
    body = to_file_dict(plan, source)
    body[DIGEST] = _digest(body)
    return json.dumps(body, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _digest(body: dict[str, Any]) -> str:
    """A digest of the file's contents, without itself: what apply reads is what plan wrote and
    was reviewed; a file edited or damaged since is refused, never half-applied."""
    canonical = json.dumps({k: v for k, v in body.items() if k != DIGEST}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def write(path: str | Path, plan: Plan, source: PlanSource) -> None:
    try:
        Path(path).write_text(dumps(plan, source), encoding="utf-8")
    except OSError as exc:
        raise EisopsError(f"cannot write the plan to {path}: {exc.strerror}") from None


def is_saved_plan(path: str) -> bool:
    """Whether ``path`` names a saved plan file (a JSON file) rather than manifests."""
    return path.endswith(".json") and Path(path).exists()  # a FIFO too: reading it refuses it


@functools.lru_cache(maxsize=1)
def _saved_plan_model() -> Any:
    """The shape of a saved plan's contents, as a pydantic model: built on first use, so that
    commands that read no saved plan never import pydantic."""
    from pydantic import BaseModel, ConfigDict

    Path_ = list[str | int]
    strict = ConfigDict(strict=True, extra="ignore")

    class SecretFrom(BaseModel):
        model_config = strict
        path: Path_
        source: str

    class Op(BaseModel):
        model_config = strict
        verb: str
        method: str = ""
        path: str = ""
        body: Any = None
        params: dict[str, Any] = {}
        secrets_from: list[SecretFrom] = []
        accept: list[str] = []
        timeout: str | int | float | None = None
        record: bool = False

    class Field(BaseModel):
        model_config = strict
        path: Path_
        before: Any = None
        after: Any = None
        added: bool = False
        removed: bool = False
        sensitive: bool = False
        blocked_reason: str | None = None

    class Change(BaseModel):
        model_config = strict
        kind: str
        name: str
        action: str
        reason: str
        before: Any = None
        after: Any = None
        changes: list[Field] = []
        operations: list[Op] = []
        requires: str | None = None
        notes: list[str] = []
        task_type: str | None = None
        sensitive_paths: list[Path_] = []
        checks: list[Op] = []
        level: int = 0
        on_failure: list[Op] = []

    class ObservedSecret(BaseModel):
        model_config = strict
        path: Path_
        source: str
        changed: bool

    class Observed(BaseModel):
        model_config = strict
        kind: str
        name: str
        desired: Any = None
        digest: str | None = None
        secrets: list[ObservedSecret] = []

    class Source(BaseModel):
        model_config = ConfigDict(strict=True, extra="forbid")
        eisops_version: str
        server_version: str | None
        url: str
        cluster_uuid: str | None

    class SavedPlan(BaseModel):
        model_config = strict
        source: Source
        changes: list[Change]
        notes: list[str] = []
        offline: bool = False
        server_version: str | None = None
        summary: dict[str, int] = {}
        observed: list[Observed] = []
        declared: dict[str, list[str]] = {}
        project: str | None = None

    return SavedPlan


#: The HTTP methods of the requests a plan holds.
_METHODS = frozenset({"GET", "HEAD", "PUT", "POST", "DELETE"})


def _shape_problem(data: dict[str, Any]) -> str | None:
    """What is wrong with the shape of a saved plan's contents, if anything: a file eisops did not
    write, or one changed by hand, is refused here rather than half-applied."""
    from pydantic import ValidationError

    try:
        _saved_plan_model().model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "the top"
        return f"{where}: {first.get('msg', 'invalid')}"
    actions = {a.value for a in Action}
    for change in data["changes"]:
        if change["action"] not in actions:
            return f"a change of {change['kind']} {change['name']} has the unknown action {change['action']!r}"
        problem = _unsendable_request(change)
        if problem is not None:
            return problem
    return None


def _unsendable_request(change: dict[str, Any]) -> str | None:
    """A request of ``change`` that eisops never sends (a method outside HTTP's, a path that is
    not one), said with its object. Record writes and migrations are carried out by their own
    code, not sent as written, and are not requests here."""
    for op in (*change.get("operations", ()), *change.get("checks", ()), *change.get("on_failure", ())):
        if op.get("record") or op.get("verb") == "migrate":
            continue
        if op.get("method") not in _METHODS or not op.get("path", "").startswith("/"):
            return (f"a request of {change['kind']} {change['name']} is not one eisops sends: "
                    f"{op.get('method')!r} {op.get('path')!r}")
    return None


def read(path: str | Path) -> tuple[Plan, PlanSource]:
    """The plan in ``path``; EisopsError saying why when it is not a plan eisops can apply."""
    try:
        data = json.loads(read_regular_file(path, MAX_PLAN_BYTES, "plan").decode("utf-8"))
    except FileRefused as exc:
        raise EisopsError(f"cannot read the plan {path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise EisopsError(f"{path} is not a saved plan: it is not UTF-8 text (byte {exc.start:,})") from None
    except ValueError as exc:
        raise EisopsError(f"{path} is not a saved plan: it is not JSON ({exc})") from None
    except RecursionError:
        raise EisopsError(f"{path} is not a saved plan: it is nested too deeply to be one") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise EisopsError(f"{path} is not a saved plan (write one with eisops plan --out FILE)")
    if data.get("format_version") != FORMAT_VERSION:
        raise EisopsError(f"{path} is a saved plan of format {data.get('format_version')}; this eisops reads "
                          f"format {FORMAT_VERSION}: plan again")
    if data.get(DIGEST) != _digest(data):
        raise EisopsError(f"{path} was changed after eisops plan wrote it (its digest does not match its contents); "
                          "nothing was applied. Plan again with eisops plan --out FILE")
    problem = _shape_problem(data)
    if problem is not None:
        raise EisopsError(f"{path} is not a complete saved plan ({_short(problem)}); write one with eisops plan --out "
                          "FILE")
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
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError) as exc:
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


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
