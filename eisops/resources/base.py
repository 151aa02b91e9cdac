"""The interface every resource kind implements, and what kinds share.

A kind module owns everything about one kind of Elasticsearch object: its name rules,
spec checks, references to other objects, which of its names are Elasticsearch's own, the
requests that read all live objects of the kind (and who uses them), normalization of live
and desired bodies, which changes Elasticsearch makes in place, the exact requests that
create, update and delete, and the checks to ask before writing. Adding a kind is one module
and one line in the registry. The generic planner and applier know nothing about
Elasticsearch; the kind modules know nothing about rendering, and plan without a connection.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from eisops.plan.diff import diff_bodies
from eisops.plan.values import copied
from eisops.plan.model import Action, FieldChange, Observation, Operation, ResourceChange

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster import Read
    from eisops.cluster.connection import Cluster
    from eisops.errors import Diagnostic
    from eisops.manifest.model import Manifest, Resource

#: The ownership marker eisops writes into ``_meta`` (the convention Fleet uses too).
MANAGED_BY_KEY = "managed_by"
MANAGED_BY_VALUE = "eisops"


#: What Elasticsearch 9.2+ adds to every template and pipeline on GET, and refuses in a PUT
#: (reference 4.2 and 5): never compared, never sent.
TIMESTAMP_KEYS = ("created_date_millis", "modified_date_millis", "created_date", "modified_date")


#: Every index but Elasticsearch's own ('.'-prefixed, which eisops never manages): reading the
#: system indices too draws a deprecation warning ("this request accesses system indices", 8.x/9.x).
USER_INDICES = "*,-.*"


def _is_marker_path(path: tuple) -> bool:
    """A path of eisops' own marker (``_meta.managed_by``/``eisops_project``, an index's declared record)."""
    return any(key in (MANAGED_BY_KEY, PROJECT_KEY, "eisops_declared") for key in path if isinstance(key, str)) or \
        path in (("_meta",), ("mappings", "_meta"))


def body_digest(body: Any) -> str:
    """A short digest of a body (canonical JSON): equal bodies, equal digests."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def timestamp_problems(spec: dict[str, Any]) -> list[tuple[tuple, str]]:
    return [((k,), f"{k} is managed by Elasticsearch and cannot be set") for k in TIMESTAMP_KEYS if k in spec]


#: Which project's manifests declare the object (eisops.manifest.project).
PROJECT_KEY = "eisops_project"


def with_marker(meta: Any, project: str | None = None) -> dict[str, Any]:
    """``_meta`` with eisops' ownership marker added, and the project that owns the object."""
    out = dict(meta) if isinstance(meta, dict) else {}
    out[MANAGED_BY_KEY] = MANAGED_BY_VALUE
    if project is not None:
        out[PROJECT_KEY] = project
    return out


def has_marker(meta: Any) -> bool:
    return isinstance(meta, dict) and meta.get(MANAGED_BY_KEY) == MANAGED_BY_VALUE


def marked_object(name: str, body: dict[str, Any], meta: Any) -> "LiveObject":
    """A live object whose ``_meta`` says whether eisops manages it, and for which project (None: an
    object an earlier eisops marked before there were projects)."""
    managed = has_marker(meta)
    project = meta.get(PROJECT_KEY) if managed and isinstance(meta.get(PROJECT_KEY), str) else None
    return LiveObject(name, body, managed, project=project)


@dataclass(frozen=True)
class Reference:
    """One resource naming another (e.g. a semantic_text field naming an inference endpoint)."""

    kind: str  # the kind referred to
    name: str
    spec_path: tuple  # where in the referring resource's spec
    what: str  # words for messages, e.g. "semantic_text field [content] inference_id"
    task_types: tuple[str, ...] | None = None  # for InferenceEndpoint targets: allowed task types
    #: Elasticsearch takes the reference when its target does not exist, or when it names an object
    #: of a kind eisops does not manage (a trained model): a missing target is then no problem.
    optional: bool = False


@dataclass
class LiveObject:
    """An object as Elasticsearch returned it: the raw body, never a typed struct."""

    name: str
    body: dict[str, Any]
    managed: bool
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific facts (e.g. ownership record)
    project: str | None = None  # the project that manages it; None when eisops marked it before projects


@dataclass
class PlanContext:
    """What a kind may consult while planning: the manifests, the server version and what was
    read from the cluster before planning. It holds no connection: planning sends nothing."""

    manifest: "Manifest"
    version: str | None = None
    live: dict[str, dict[str, LiveObject]] = field(default_factory=dict)  # kind -> name -> object
    state: dict[str, Any] = field(default_factory=dict)  # kind-specific data read with the live objects
    deleting: set[tuple[str, str]] = field(default_factory=set)  # (kind, name) the plan deletes
    writing: set[tuple[str, str]] = field(default_factory=set)  # (kind, name) the finished plan writes
    offline: bool = False  # planned against an empty cluster, without reading one


class ResourceKind(ABC):
    """Base class of the kind modules. Subclasses set ``kind`` and implement the abstract methods."""

    kind: ClassVar[str]
    #: words for messages: "inference endpoint", "ingest pipeline", ...
    noun: ClassVar[str]

    # ----------------------------------------------------------- manifests
    def check_name(self, name: str) -> str | None:
        """A message when ``name`` is not a legal name for this kind."""
        if name.startswith("."):
            return f"names starting with '.' belong to Elasticsearch and cannot be managed: {name!r}"
        return None

    def check_envelope(self, resource: "Resource") -> list[tuple[tuple, str]]:
        """(envelope path, message) for every problem of the envelope around the spec."""
        if resource.task_type is not None:
            return [(("task_type",), "task_type applies only to InferenceEndpoint")]
        return []

    def is_builtin_name(self, name: str) -> bool:
        """Whether ``name`` is of an object Elasticsearch installs (``logs@custom``, ``logs@mappings``):
        one a manifest may name without declaring it, which plan then looks for in the cluster."""
        return "@" in name

    def check_spec(self, resource: "Resource") -> list[tuple[tuple, str]]:
        """(spec path, message) for every problem of the spec alone."""
        return []

    def references(self, resource: "Resource") -> list[Reference]:
        return []

    def check_warnings(self, resource: "Resource") -> list[tuple[tuple, str]]:
        """(spec path, message) for what may be a mistake but Elasticsearch may take."""
        return []

    def environment_references(self, resource: "Resource") -> list[tuple[tuple, str]]:
        """(spec path, source) of every value the manifest takes from outside: ``env:NAME`` or
        ``file:/absolute/path``."""
        return []

    def secret_literals(self, resource: "Resource") -> list[str]:
        """Secrets written into the manifest itself (refused by validation, and redacted)."""
        return []

    def combine(self, changes: list[ResourceChange], ctx: PlanContext) -> list[ResourceChange]:
        """The kind's changes, with requests that must be one request across objects made so
        (an alias moving between indices); by default as they are."""
        return changes

    def orphan_changes(self, ctx: PlanContext) -> list[ResourceChange]:
        """Changes that set eisops' own state right where it names objects that no longer exist."""
        return []

    def check_together(self, resources: list["Resource"]) -> list["Diagnostic"]:
        """Problems that only show across all resources of the kind (e.g. overlapping templates)."""
        return []

    # ----------------------------------------------------------- live state
    def reads_ahead(self) -> "tuple[Read, ...]":
        """The reads of ``read_live`` that need nothing from the manifests (listings of the whole
        kind): a plan sends them before it loads the manifests, and ``read_live`` takes their
        answers through ``cluster.read``."""
        return ()

    @abstractmethod
    def read_live(self, cluster: "Cluster", ctx: PlanContext) -> dict[str, LiveObject]:
        """Every live object of the kind that matters, in a fixed number of requests."""

    # ----------------------------------------------------------- planning
    @abstractmethod
    def plan_create(self, resource: "Resource", ctx: PlanContext) -> ResourceChange: ...

    @abstractmethod
    def plan_update(self, resource: "Resource", live: LiveObject, ctx: PlanContext) -> ResourceChange | None:
        """The change from ``live`` to the manifest, or None when they already match."""

    @abstractmethod
    def plan_delete(self, live: LiveObject, ctx: PlanContext) -> ResourceChange: ...

    def plan_conflict(self, resource: "Resource", live: LiveObject, ctx: PlanContext) -> ResourceChange:
        return ResourceChange(
            self.kind,
            resource.name,
            Action.CONFLICT,
            f"a {self.noun} with this name exists but eisops does not manage it; it is left untouched. To manage "
            f"it, write its manifest with `eisops import {self.kind} {resource.name}`, or make this manifest equal "
            "to it and plan with --adopt",
            task_type=resource.task_type,
        )

    def plan_adopt(self, resource: "Resource", live: LiveObject, ctx: PlanContext) -> ResourceChange:
        """An existing object eisops does not manage, taken over as it is: adopted when it equals the
        manifest but for eisops' marker (apply then writes only the marker), else a conflict that says
        where it differs. Secrets cannot be read back: the manifest's are taken as the object's."""
        as_managed = dataclasses.replace(live, managed=True, project=resource.project)
        change = self.plan_update(resource, as_managed, ctx)
        if change is None:
            return ResourceChange(self.kind, resource.name, Action.ADOPT, "it already equals the manifest",
                                  task_type=resource.task_type, operations=self.adopt_operations(resource, None, ctx))
        differing = [c for c in change.changes if not (c.sensitive or _is_marker_path(c.path))]
        if differing or change.action not in (Action.UPDATE,):
            where = ", ".join(".".join(map(str, c.path)) for c in differing[:8]) or change.reason
            return ResourceChange(self.kind, resource.name, Action.CONFLICT,
                                  f"a {self.noun} with this name exists, eisops does not manage it, and it differs "
                                  f"from the manifest at: {where}; make the manifest equal to it to adopt it",
                                  change.before, change.after, tuple(differing), task_type=resource.task_type)
        return ResourceChange(self.kind, resource.name, Action.ADOPT,
                              "it equals the manifest; eisops writes only its marker, the body stays as it is",
                              change.before, change.after, change.changes,
                              self.adopt_operations(resource, change, ctx), task_type=resource.task_type,
                              sensitive_paths=change.sensitive_paths)

    def importable(self, live: LiveObject) -> bool:
        """Whether ``eisops import --all`` takes this live object: not eisops', not Elasticsearch's own."""
        meta = live.body.get("_meta") if isinstance(live.body, dict) else None
        return (not live.managed and not live.name.startswith(".") and not self.is_builtin_name(live.name)
                and not (isinstance(meta, dict) and meta.get("managed") is True))

    def minimal_spec(self, live: LiveObject, ctx: PlanContext) -> tuple[dict[str, Any], str | None]:
        """A manifest's spec (and task type) for a live object: its body without what Elasticsearch
        adds or defaults, nor eisops' marker. Planned against the object, it shows no change."""
        body = {k: v for k, v in live.body.items() if k not in TIMESTAMP_KEYS}
        meta = {k: v for k, v in (body.get("_meta") or {}).items() if k not in (MANAGED_BY_KEY, PROJECT_KEY)}
        body.pop("_meta", None)
        if meta:
            body["_meta"] = meta
        return body, None

    def adopt_operations(self, resource: "Resource", change: ResourceChange | None,
                         ctx: PlanContext) -> tuple[Operation, ...]:
        """The requests that mark an adopted object as the project's (a whole-body kind re-PUTs the
        body it already has, with the marker: it has no other way to change ``_meta``)."""
        return change.operations if change is not None else ()

    # ----------------------------------------------------------- applying
    def checks(self, change: ResourceChange, ctx: PlanContext) -> tuple[Operation, ...]:
        """Requests that ask Elasticsearch, without writing, whether it would refuse the change's
        bodies; apply sends them all before its first write. Empty when it cannot be asked."""
        return ()

    def read_back(self, cluster: "Cluster", names: list[str], ctx: PlanContext) -> dict[str, LiveObject]:
        """The objects ``names`` as they are after apply wrote them, in a fixed number of requests."""
        return {n: o for n, o in self.read_live(cluster, ctx).items() if n in set(names)}

    def remaining(self, change: ResourceChange, live: LiveObject | None, ctx: PlanContext) -> tuple[FieldChange, ...]:
        """What still differs after ``change`` was applied; empty when the cluster now matches."""
        if change.action is Action.DELETE:
            return () if live is None else (FieldChange((), "exists", "deleted"),)
        if change.after is None:
            return ()  # a change of eisops' own record only: no object to compare
        if live is None:
            return (FieldChange((), None, "missing after apply"),)
        return diff_bodies(self.comparable_live(live.body, change.after, ctx), change.after,
                           sensitive=change.sensitive_paths)

    def comparable_live(self, live_body: dict[str, Any], desired: Any, ctx: PlanContext) -> Any:
        """The live body reduced and normalized for comparison with ``desired`` (normalized)."""
        return live_body

    def desired(self, resource: "Resource", ctx: PlanContext) -> Any:
        """The manifest's body in the form the plan compares (its ``after``)."""
        raise NotImplementedError

    def observe(self, resource: "Resource", live: LiveObject | None, ctx: PlanContext) -> Observation:
        """What the plan saw of ``resource``: for a saved plan to tell whether the cluster changed."""
        desired = self.desired(resource, ctx)
        digest = None if live is None else body_digest(self.comparable_live(live.body, desired, ctx))
        return Observation(self.kind, resource.name, desired, digest)

    def observe_deleted(self, live: LiveObject, ctx: PlanContext) -> Observation:
        """What the plan saw of a managed object that no manifest declares (None as the desired body)."""
        return Observation(self.kind, live.name, None, body_digest(self.plan_delete(live, ctx).before))

    def secret_recorded(self, name: str, path: tuple, value: str, ctx: PlanContext) -> bool:
        """Whether eisops' record says ``value`` is the secret at ``path`` of object ``name``."""
        return False


class WholeBodyKind(ResourceKind):
    """A kind whose objects are written whole with one PUT (pipelines, templates).

    Subclasses say how to normalize bodies and which path to PUT; comparison, update
    and delete are the same for all of them.
    """

    #: What the user should know about every update of this kind, if anything.
    update_note: ClassVar[str | None] = None

    @abstractmethod
    def object_path(self, name: str) -> str: ...

    @abstractmethod
    def normalize(self, body: dict[str, Any]) -> dict[str, Any]:
        """The comparable form of a body (live or desired): exactly what Elasticsearch would store."""

    def desired_body(self, resource: "Resource") -> dict[str, Any]:
        body = copied(resource.spec)
        body["_meta"] = with_marker(body.get("_meta"), resource.project)
        return body

    def comparable_live(self, live_body: dict[str, Any], desired: Any, ctx: PlanContext) -> Any:
        return self.normalize(live_body)

    def desired(self, resource: "Resource", ctx: PlanContext) -> Any:
        return self.normalize(self.desired_body(resource))

    def plan_create(self, resource: "Resource", ctx: PlanContext) -> ResourceChange:
        body = self.desired_body(resource)
        return ResourceChange(
            self.kind, resource.name, Action.CREATE, f"the {self.noun} does not exist",
            before=None, after=self.normalize(body),
            operations=(Operation("put", "PUT", self.object_path(resource.name), body),),
        )

    def plan_update(self, resource: "Resource", live: LiveObject, ctx: PlanContext) -> ResourceChange | None:
        body = self.desired_body(resource)
        after = self.normalize(body)
        before = self.normalize(live.body)
        changes = diff_bodies(before, after)
        if not changes:
            return None
        return ResourceChange(
            self.kind, resource.name, Action.UPDATE, f"the {self.noun} differs from the manifest",
            before=before, after=after, changes=changes,
            operations=(Operation("put", "PUT", self.object_path(resource.name), body),),
            notes=(self.update_note,) if self.update_note else (),
        )

    def still_used_by(self, live: LiveObject, ctx: PlanContext) -> str | None:
        """Who will still use the object once the plan's other changes are made, in words; None
        when nothing does. Elasticsearch refuses to delete some objects in use."""
        return None

    def plan_delete(self, live: LiveObject, ctx: PlanContext) -> ResourceChange:
        users = self.still_used_by(live, ctx)
        if users:
            return ResourceChange(
                self.kind, live.name, Action.BLOCKED,
                f"no manifest declares it any more, but {users}; Elasticsearch refuses to delete a {self.noun} in use",
                before=self.normalize(live.body))
        return ResourceChange(
            self.kind, live.name, Action.DELETE,
            f"eisops manages this {self.noun} and no manifest declares it any more",
            before=self.normalize(live.body), operations=(Operation("delete", "DELETE", self.object_path(live.name)),),
        )
