"""Inference endpoints (the ``_inference`` API): everything eisops knows about them.

Reference section 1. What makes this kind different:
- PUT is create-only; ``_update`` (PUT, 8.18+) changes only secrets and ``task_settings``
  (and ``chunking_settings`` from 9.5); anything else means delete and create again.
- GET never returns secrets, fills defaults (chunking, ``rate_limit``, discovered
  ``dimensions``/``similarity``) and, for the ``elastic`` service from 9.2, shows only
  ``model_id``.
- Endpoints have no ``_meta``, so eisops records the endpoints it manages in the cluster
  itself (see ``eisops.cluster.records``): for each one, the non-secret settings it applied and
  a salted fingerprint of each secret. Values GET hides are compared with that record, so a
  manifest change to a hidden value or a secret still shows in the plan; values GET shows are
  compared with the cluster, so drift made outside eisops shows too.
Secret values never enter the plan's bodies; they travel beside them and are sent only when
applying.
"""

from __future__ import annotations

import os
import dataclasses
import functools
import re
from typing import TYPE_CHECKING, Any

from eisops.cluster import Read, concurrently, records
from eisops.cluster import path, version_tuple
from eisops.errors import ClusterRequestError, EisopsError
from eisops.plan.diff import diff_bodies
from eisops.plan.values import copied
from eisops.plan.model import Action, FieldChange, Observation, Operation, ResourceChange
from eisops.resources.base import USER_INDICES, LiveObject, PlanContext, ResourceKind, body_digest
from eisops.resources.inference_endpoint.models import (
    EIS_MODEL_IDS, EIS_MODELS, eis_problems, eis_warnings, not_offered, offered_models,
)
from eisops.resources.inference_endpoint.secret_paths import (
    SECRET_KEYS, get_path, has_path, literal_secrets, masked_paths, record_key, references, resolved, secret_paths,
    set_path, without_paths,
)
from eisops.resources.inference_endpoint.smoke import expected_dims
from eisops.secrets import SENSITIVE, fingerprint, fingerprint_matches, legacy_fingerprint, secret_text

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.manifest.model import Resource

TASK_TYPES = ("text_embedding", "sparse_embedding", "rerank", "completion", "chat_completion", "embedding")
EMBEDDING_TASKS = ("text_embedding", "sparse_embedding", "embedding")

#: Inference ids (Elasticsearch MlStrings.VALID_ID_CHAR_PATTERN).
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9_\-.]*[a-z0-9])?$")

#: service_settings keys Elasticsearch keeps in its secrets index and never returns (1.5).
#: Which secrets a service takes (reference 1.5); most take an ``api_key``, these none.
SERVICE_SECRETS = {"amazonbedrock": ("access_key", "secret_key"), "amazonsagemaker": ("access_key", "secret_key"),
                   "googlevertexai": ("service_account_json",)}
NO_SECRET_SERVICES = frozenset({"elastic", "elasticsearch", "elser", "custom"})

#: The services whose endpoints run a trained model deployment of their own, and the settings of
#: that deployment the update API changes in place (PR #114457, 8.17+: "num_allocations and
#: adaptive_allocations"; only for a deployment the endpoint created, which is eisops' case).
ALLOCATION_SERVICES = ("elasticsearch", "elser")
ALLOCATION_SETTINGS = frozenset({"num_allocations", "adaptive_allocations"})

#: Seconds Elasticsearch may take to create an endpoint (it calls the provider or deploys a model).
CREATE_TIMEOUT = 120

#: Chunking defaults Elasticsearch fills in for embedding endpoints created on 8.16+ (1.4).
CHUNKING_DEFAULTS = {
    "sentence": {"max_chunk_size": 250, "sentence_overlap": 1},
    "word": {"max_chunk_size": 250, "overlap": 100},
    "none": {},
    "recursive": {},
}

def with_chunking_defaults(chunking: Any, task_type: str | None) -> Any:
    """The chunking settings Elasticsearch stores for an embedding endpoint."""
    if task_type not in EMBEDDING_TASKS:
        return chunking
    if not isinstance(chunking, dict):
        return {"strategy": "sentence", **CHUNKING_DEFAULTS["sentence"]}
    strategy = chunking.get("strategy", "sentence")
    return {"strategy": strategy, **CHUNKING_DEFAULTS.get(strategy, {}), **chunking}


def _secrets_marked(method):
    """Marks the secret paths of the change a planning method returns, so no view shows them."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> ResourceChange | None:
        change = method(*args, **kwargs)
        if change is None:
            return None
        paths = {p for body in (change.before, change.after) for p in masked_paths(body)}
        return dataclasses.replace(change, sensitive_paths=tuple(sorted(paths, key=lambda p: [str(k) for k in p])))

    return wrapper


class InferenceEndpointKind(ResourceKind):
    kind = "InferenceEndpoint"
    noun = "inference endpoint"

    # ------------------------------------------------------------------ manifests
    def check_name(self, name: str) -> str | None:
        if name.startswith("."):
            return f"ids starting with '.' are Elasticsearch's preconfigured endpoints and cannot be managed: {name!r}"
        if name == "_all" or not ID_PATTERN.match(name):
            return (f"Invalid inference_id; {name!r} can contain lowercase alphanumeric (a-z and 0-9), "
                    "hyphens, dots or underscores; must start and end with alphanumeric")
        return None

    def check_envelope(self, resource: "Resource") -> list[tuple[tuple, str]]:
        if resource.task_type is None:
            return [(("name",), f"task_type is required for an InferenceEndpoint (one of {', '.join(TASK_TYPES)})")]
        if resource.task_type not in TASK_TYPES:
            return [(("task_type",), f"unknown task_type [{resource.task_type}]; expected one of {', '.join(TASK_TYPES)}")]
        return []

    def is_builtin_name(self, name: str) -> bool:
        return name.startswith(".")  # the preconfigured endpoints (1.10); user ids cannot start with '.'

    def environment_references(self, resource: "Resource") -> list[tuple[tuple, str]]:
        return [(where, source) for where, source, _ in references(resource.spec, _base_dir(resource))]

    def secret_literals(self, resource: "Resource") -> list[str]:
        return [secret_text(v) for _, v in literal_secrets(resource.spec)]

    def output_dims(self, resource: "Resource") -> int | None:
        """How many dimensions the endpoint's embeddings have, when the manifest or the model says."""
        return expected_dims(resource.spec)

    def check_warnings(self, resource: "Resource") -> list[tuple[tuple, str]]:
        warnings = [(where, f"${{{source.partition(':')[2]}}} is read from the environment as "
                             f"${{env:{source.partition(':')[2]}}}; the bare form is deprecated: write "
                             f"${{env:{source.partition(':')[2]}}}")
                    for where, source, bare in references(resource.spec) if bare]
        if resource.spec.get("service") == "elastic":
            warnings += eis_warnings(resource.spec, resource.task_type)
        return warnings

    def check_spec(self, resource: "Resource") -> list[tuple[tuple, str]]:
        spec, task = resource.spec, resource.task_type
        problems: list[tuple[tuple, str]] = []
        allowed = {"service", "service_settings", "task_settings", "chunking_settings", "task_type"}
        for key in spec:
            if key not in allowed:
                problems.append(((key,), f"unknown key [{key}]; an inference endpoint takes service, "
                                         "service_settings, task_settings and chunking_settings"))
        if "task_type" in spec and spec["task_type"] != task:
            problems.append((("task_type",), f"spec.task_type [{spec['task_type']}] differs from task_type [{task}]"))
        service = spec.get("service")
        if service is None:
            problems.append(((), "spec.service is required (for example elastic, jinaai, openai)"))
        elif not isinstance(service, str) or not service:
            problems.append((("service",), "service must be a service name such as elastic, jinaai or openai"))
        settings = spec.get("service_settings")
        if settings is None:
            problems.append(((), "spec.service_settings is required"))
            settings = {}
        elif not isinstance(settings, dict):
            problems.append((("service_settings",), "service_settings must be a mapping"))
            settings = {}
        for key in ("task_settings", "chunking_settings"):
            if key in spec and not isinstance(spec[key], dict):
                problems.append(((key,), f"{key} must be a mapping"))
        if "chunking_settings" in spec:
            if task not in EMBEDDING_TASKS:
                problems.append((("chunking_settings",), "chunking_settings apply only to text_embedding, "
                                 "sparse_embedding and embedding endpoints"))
            elif isinstance(spec["chunking_settings"], dict):
                problems += _chunking_problems(spec["chunking_settings"])
        if service == "elastic":
            problems += eis_problems(spec, task)
            problems += [(("service_settings", key), f"the elastic service takes no {key}")
                         for key in sorted(SECRET_KEYS & set(settings))]
        for where, source, _ in references(spec):
            if where[:1] not in (("service_settings",), ("task_settings",)):
                problems.append((where, "${env:NAME} and ${file:PATH} references are read only in service_settings "
                                        "and task_settings"))
        for where, _ in literal_secrets(spec):
            # The value is not repeated: the message may end up in a CI log.
            problems.append((where, f"{'.'.join(map(str, where))} is a secret written into the manifest; write it "
                                    "as ${env:NAME} or ${file:PATH} so that it comes from the environment or a file "
                                    "when eisops runs (the value is not shown)"))
        return problems

    # ------------------------------------------------------------------ live state
    def reads_ahead(self) -> tuple[Read, ...]:
        return (ALL_ENDPOINTS, ENDPOINT_USERS, SERVICES)

    def read_live(self, cluster: "Cluster", ctx: PlanContext) -> dict[str, LiveObject]:
        # The endpoints, eisops' record of them, who uses them and the services offered: four
        # reads that do not depend on each other, sent at once.
        listed, recorded, usage, services = concurrently(
            lambda: cluster.read(ALL_ENDPOINTS),
            lambda: records.read(cluster, _project_of(ctx)),
            lambda: read_usage(cluster),
            lambda: read_services(cluster))
        try:
            body = listed.result() or {}
        except ClusterRequestError as exc:
            if not _no_such_api(exc):
                raise
            # A cluster without the inference plugin (e.g. a build without x-pack ML) has
            # no endpoints; that matters only when the manifests declare some.
            if ctx.manifest.of_kind(self.kind):
                raise EisopsError(f"the cluster at {cluster.url} has no _inference API, so it cannot hold "
                                  "InferenceEndpoint resources (Elasticsearch answered: "
                                  f"{exc.message})") from None
            ctx.state[self.kind] = {}
            return {}  # what the other reads answered (or raised) does not matter then
        state = recorded.result()
        ctx.state[self.kind] = state
        ctx.state["inference_usage"] = usage.result()
        ctx.state["inference_services"] = services.result()
        return _endpoint_objects(body, state)

    def read_back(self, cluster: "Cluster", names: list[str], ctx: PlanContext) -> dict[str, LiveObject]:
        """The endpoints and eisops' record of them as apply left them (read at once)."""
        listed, recorded = concurrently(lambda: cluster.read(ALL_ENDPOINTS),
                                        lambda: records.read(cluster, _project_of(ctx)))
        body = listed.result() or {}
        state = recorded.result()
        ctx.state[self.kind] = state
        return {name: obj for name, obj in _endpoint_objects(body, state).items() if name in names}

    # ------------------------------------------------------------------ comparison
    def _desired(self, resource: "Resource", ctx: PlanContext, record: dict | None) -> tuple[dict, dict, list]:
        """(comparable desired body, request body with secrets left out, secrets).

        A secret — a secret setting, or any value the manifest takes from the environment or a
        file — compares by its fingerprint under the salt of eisops' record of the endpoint's
        project (with the scheme of the fingerprint recorded); without a record (a new
        endpoint) there is nothing to compare it with, and its place holds SENSITIVE. No salt is
        drawn here: planning takes no random value.
        """
        values = getattr(ctx.manifest, "environment", None) or {}
        refs = references(resource.spec, _base_dir(resource))
        spec = resolved(resource.spec, refs, values)
        unresolved = {path for path, source, _ in refs if source not in values}
        task = resource.task_type
        paths = secret_paths(resource.spec)
        secrets = [(where, get_path(spec, where)) for where in paths]
        request: dict[str, Any] = {"service": spec.get("service"),
                                   "service_settings": dict(spec.get("service_settings") or {})}
        for key in ("task_settings", "chunking_settings"):
            if key in spec:
                request[key] = copied(spec[key])
        request = without_paths(request, paths)
        comparable = copied(request)
        comparable["task_type"] = task
        salt = (record or {}).get("salt")
        recorded = (record or {}).get("secrets") or {}
        for where, value in secrets:
            known = salt and not ctx.offline and where not in unresolved
            set_path(comparable, where, _fingerprint_like(value, salt, recorded.get(record_key(where)))
                     if known else SENSITIVE)
        chunking = with_chunking_defaults(spec.get("chunking_settings"), task)
        if chunking is not None:
            comparable["chunking_settings"] = chunking
        return comparable, request, secrets

    def _comparable_live(self, live: LiveObject, desired: dict[str, Any]) -> dict[str, Any]:
        body = live.body
        record = live.extra.get("record") or {}
        applied = record.get("applied") or {}
        out: dict[str, Any] = {"service": body.get("service"), "task_type": body.get("task_type")}
        # service_settings: what GET shows, else what eisops applied (GET hides secrets, and
        # for the elastic service on 9.2+ everything but model_id).
        live_settings = _visible_settings(body.get("service"), body.get("service_settings") or {},
                                          desired.get("service_settings") or {})
        applied_settings = applied.get("service_settings") or {}
        fingerprints = record.get("secrets") or {}
        settings = {}
        for key in (desired.get("service_settings") or {}):
            if key in SECRET_KEYS:
                if key in fingerprints:
                    settings[key] = fingerprints[key]
            elif key in live_settings:
                settings[key] = live_settings[key]
            elif key in applied_settings:
                settings[key] = applied_settings[key]
        for key in fingerprints:  # a secret setting that left the manifest
            if key in SECRET_KEYS and key not in settings and key not in (desired.get("service_settings") or {}):
                settings[key] = fingerprints[key]
        out["service_settings"] = settings
        live_task = body.get("task_settings") or {}
        applied_task = applied.get("task_settings") or {}
        wanted_task = desired.get("task_settings") or {}
        task_settings = {}
        for key in set(wanted_task) | set(applied_task):
            if key in live_task:
                task_settings[key] = live_task[key]
            elif key in applied_task:
                task_settings[key] = applied_task[key]
        if task_settings or "task_settings" in desired:
            out["task_settings"] = task_settings
        if "chunking_settings" in body or "chunking_settings" in desired:
            out["chunking_settings"] = body.get("chunking_settings")
        # Secrets outside the secret settings (values from the environment or a file): GET may show
        # them, and then they compare by the fingerprint of what it shows; else by the record's.
        salt = record.get("salt")
        for where in masked_paths(desired):
            if len(where) == 2 and where[0] == "service_settings" and where[1] in SECRET_KEYS:
                continue
            key = record_key(where)
            if has_path(body, where) and salt:
                set_path(out, where, _fingerprint_like(get_path(body, where), salt, fingerprints.get(key)))
            elif key in fingerprints:
                set_path(out, where, fingerprints[key])
        return out

    def comparable_live(self, live_body: dict[str, Any], desired: Any, ctx: PlanContext) -> Any:
        name = live_body.get("inference_id")
        record = ctx.state.get(self.kind, {}).get(name)
        out = self._comparable_live(LiveObject(name, live_body, True, {"record": record}), desired)
        # A secret the plan could not fingerprint (a new endpoint's) is taken as written: the
        # record of its fingerprint is made when it is sent.
        for where in masked_paths(desired or {}):
            if get_path(desired, where) == SENSITIVE and has_path(out, where):
                set_path(out, where, SENSITIVE)
        return out

    def desired(self, resource: "Resource", ctx: PlanContext) -> Any:
        record = (ctx.state.get(self.kind) or {}).get(resource.name)
        return self._desired(resource, ctx, record)[0]

    def observe(self, resource: "Resource", live: LiveObject | None, ctx: PlanContext) -> Observation:
        """With secrets masked (an observation is saved with the plan), and for each secret from
        the environment whether it differs from what eisops recorded."""
        desired = self.desired(resource, ctx)
        for where in masked_paths(desired):
            set_path(desired, where, SENSITIVE)
        digest = None if live is None else body_digest(self.comparable_live(live.body, desired, ctx))
        values = getattr(ctx.manifest, "environment", None) or {}
        secrets = tuple(
            (where, source, not (source in values and self.secret_recorded(resource.name, where, values[source], ctx)))
            for where, source, _ in references(resource.spec, _base_dir(resource)))
        return Observation(self.kind, resource.name, desired, digest, secrets)

    def secret_recorded(self, name: str, path: tuple, value: str, ctx: PlanContext) -> bool:
        record = (ctx.state.get(self.kind) or {}).get(name) or {}
        salt, recorded = record.get("salt"), (record.get("secrets") or {}).get(record_key(path))
        return bool(salt and recorded) and fingerprint_matches(str(value), recorded, salt)

    # ------------------------------------------------------------------ planning
    @_secrets_marked
    def plan_create(self, resource: "Resource", ctx: PlanContext) -> ResourceChange:
        after, request, secrets = self._desired(resource, ctx, None)
        blocked = self._refusal(resource, ctx)
        if blocked:
            return ResourceChange(self.kind, resource.name, Action.BLOCKED, blocked, after=after,
                                  task_type=resource.task_type)
        return ResourceChange(
            self.kind, resource.name, Action.CREATE, "the inference endpoint does not exist",
            after=after, task_type=resource.task_type,
            operations=_create_operations(resource, request, secrets, after),
            # A create Elasticsearch refused leaves no record of an endpoint that does not exist.
            on_failure=(_forget_operation(resource.name, resource.project),),
            notes=self._orphan_note(resource.name, ctx),
        )

    @_secrets_marked
    def plan_update(self, resource: "Resource", live: LiveObject, ctx: PlanContext) -> ResourceChange | None:
        record = live.extra.get("record")
        after, request, secrets = self._desired(resource, ctx, record)
        before = self._comparable_live(live, after)
        sensitive = set(masked_paths(before)) | set(masked_paths(after))
        changes = diff_bodies(before, after, sensitive=sorted(sensitive, key=lambda p: [str(k) for k in p]))
        legacy = any(str(v).startswith("sha256:") for v in ((record or {}).get("secrets") or {}).values())
        if not changes and (live.project is None or (record or {}).get("pending") or legacy):
            # Only the record is behind: written by an eisops from before projects (it moves into the
            # project's), by an apply that stopped before it recorded the create as made, or holding
            # the SHA-256 fingerprints of eisops 0.x, which a guess can be tested against quickly.
            reason = ("eisops records the endpoint as one of its project's" if live.project is None else
                      "the apply that created the endpoint stopped before it recorded it as made; eisops records it now"
                      if (record or {}).get("pending") else
                      "eisops replaces the SHA-256 fingerprints of its record of the secrets by memory-hard (scrypt) ones")
            return ResourceChange(self.kind, resource.name, Action.UPDATE, reason, before, after,
                                  operations=(_record_operation(resource, after, secrets),),
                                  task_type=resource.task_type)
        if not changes:
            return None
        blocked = self._refusal(resource, ctx)
        if blocked:
            return ResourceChange(self.kind, resource.name, Action.BLOCKED, blocked, before, after, changes,
                                  task_type=resource.task_type)
        service = resource.spec.get("service")
        replace_reasons = self._replace_reasons(changes, ctx, service)
        if replace_reasons and populated_by(resource.name, ctx):
            fields = populated_by(resource.name, ctx)
            return ResourceChange(
                self.kind, resource.name, Action.BLOCKED,
                "Elasticsearch cannot update " + "; ".join(replace_reasons) + " in place, and the endpoint embeds "
                f"semantic_text fields that hold documents ({', '.join(fields)}): a new endpoint behind the same "
                "id would leave their documents with another model's vectors, or refuse them. The way through: "
                "declare a new endpoint id, point the fields at it, and migrate the index to a new one",
                before, after, changes, task_type=resource.task_type)
        if replace_reasons:
            ops = (_delete_operation(resource.name, live.body.get("task_type"), force=True),
                   *_create_operations(resource, request, secrets, after))
            on_failure = (_forget_operation(resource.name, resource.project),)
            notes = self._usage_notes(resource.name, ctx)
            return ResourceChange(
                self.kind, resource.name, Action.REPLACE,
                "Elasticsearch cannot update " + "; ".join(replace_reasons) + " in place",
                before, after, changes, ops, requires="--allow-replace", notes=notes,
                task_type=resource.task_type, on_failure=on_failure,
            )
        update_body: dict[str, Any] = {}
        changed_top = {c.path[0] for c in changes if c.path}
        if "service_settings" in changed_top and secrets:
            # Elasticsearch wants every secret re-sent when service_settings are updated (ES #139651).
            update_body["service_settings"] = {}
        allocations = {c.path[1] for c in changes if c.path[:1] == ("service_settings",) and len(c.path) > 1
                       and c.path[1] in ALLOCATION_SETTINGS and service in ALLOCATION_SERVICES}
        for key in sorted(allocations):
            if key in (request.get("service_settings") or {}):
                update_body.setdefault("service_settings", {})[key] = copied(request["service_settings"][key])
        if "task_settings" in changed_top:
            update_body["task_settings"] = copied(request.get("task_settings") or {})
        if "chunking_settings" in changed_top:
            update_body["chunking_settings"] = copied(request.get("chunking_settings"))
        # The secrets of each part the update sends go with it (filled in when it is sent).
        update_secrets = [(where, value) for where, value in secrets if where[0] in update_body]
        return ResourceChange(
            self.kind, resource.name, Action.UPDATE, "Elasticsearch updates these settings in place (_update)",
            before, after, changes,
            (Operation("update", "PUT", path("_inference", resource.task_type, resource.name, "_update"), update_body,
                       secret_sources=_sources(resource, update_secrets), secrets=tuple(update_secrets)),
             _record_operation(resource, after, secrets)),
            task_type=resource.task_type,
        )

    def _replace_reasons(self, changes: tuple[FieldChange, ...], ctx: PlanContext, service: Any = None) -> list[str]:
        reasons = []
        for change in changes:
            top = change.path[0] if change.path else None
            if top in ("service", "task_type"):
                reasons.append(top)
            elif (top == "service_settings" and service in ALLOCATION_SERVICES and len(change.path) > 1
                  and change.path[1] in ALLOCATION_SETTINGS and not change.removed):
                continue  # _update scales the endpoint's own deployment (8.17+, elastic/elasticsearch#114457)
            elif top == "service_settings" and not (len(change.path) > 1 and change.path[1] in SECRET_KEYS):
                reasons.append(".".join(map(str, change.path)))
            elif top == "service_settings" and change.removed:
                reasons.append(f"{'.'.join(map(str, change.path))} (a secret cannot be removed)")
            elif top == "task_settings" and change.removed:
                reasons.append(f"{'.'.join(map(str, change.path))} (removing a task setting)")
            elif top == "chunking_settings" and version_tuple(ctx.version) < (9, 5):
                reasons.append("chunking_settings (before Elasticsearch 9.5)")
        return list(dict.fromkeys(reasons))

    def _refusal(self, resource: "Resource", ctx: PlanContext) -> str | None:
        """A rule of this cluster that would refuse the manifest: its version's, or that it does not
        offer the service, the task type or the model (GET _inference/_services, read with the rest)."""
        settings = resource.spec.get("service_settings") or {}
        service = resource.spec.get("service")
        if (service == "elastic" and "rate_limit" in settings
                and ctx.version and version_tuple(ctx.version) >= (9, 2)):
            return (f"[service_settings] rate limit settings are not permitted for service [elastic] and task "
                    f"type [{resource.task_type}] (Elasticsearch 9.2+; this cluster runs {ctx.version})")
        offered = ctx.state.get("inference_services")
        if isinstance(offered, dict) and isinstance(service, str):
            if service not in offered:
                if service == "elastic":
                    return ("this cluster does not offer the Elastic Inference Service (the [elastic] service is not "
                            "among its inference services). Fix: use Elastic Cloud, or connect this self-managed "
                            "cluster to the service with Cloud Connect (Elasticsearch 9.3+), or choose another "
                            "service for the endpoint")
                return (f"this cluster does not offer the [{service}] inference service (it offers "
                        f"{', '.join(sorted(offered))}): the create would fail with \"Unknown service [{service}]\"")
            tasks = offered[service]
            if tasks and resource.task_type not in tasks:
                return (f"the [{service}] service of this cluster serves task types {', '.join(tasks)}, "
                        f"not {resource.task_type}")
        if service == "elastic" and isinstance(settings, dict) and (isinstance(offered, dict) or ctx.version):
            return not_offered(settings, offered_models(ctx.live.get(self.kind) or {}), version_tuple(ctx.version))
        return None

    def importable(self, live: LiveObject) -> bool:
        return not live.managed and not live.name.startswith(".")

    def minimal_spec(self, live: LiveObject, ctx: PlanContext) -> tuple[dict[str, Any], str | None]:
        """The endpoint's service, what GET shows of its settings (for the elastic service only the
        model), and each secret the service takes as a ``${env:NAME}`` reference to set in the environment."""
        body = live.body
        service = body.get("service")
        settings = dict(body.get("service_settings") or {})
        if service == "elastic":
            settings = {k: v for k, v in settings.items() if k == "model_id"}
        for key in SERVICE_SECRETS.get(service, ("api_key",) if service not in NO_SECRET_SERVICES else ()):
            settings[key] = "${env:" + re.sub(r"[^A-Z0-9]", "_", f"{live.name}_{key}".upper()) + "}"
        spec: dict[str, Any] = {"service": service, "service_settings": settings}
        if body.get("task_settings"):
            spec["task_settings"] = body["task_settings"]
        if body.get("chunking_settings"):
            spec["chunking_settings"] = body["chunking_settings"]
        return spec, body.get("task_type")

    def adopt_operations(self, resource: "Resource", change: ResourceChange | None,
                         ctx: PlanContext) -> tuple[Operation, ...]:
        """An adopted endpoint is left as it is: eisops only records it (its secrets as the manifest's)."""
        after, _, secrets = self._desired(resource, ctx, None)
        return (_record_operation(resource, after, secrets),)

    def _orphan_note(self, name: str, ctx: PlanContext) -> tuple[str, ...]:
        record = (ctx.state.get(self.kind) or {}).get(name)
        if record is None:
            return ()
        return (("an earlier apply stopped while it created this endpoint" if record.get("pending") else
                 "eisops' record names this endpoint, which no longer exists (deleted outside eisops)")
                + "; the record is made anew",)

    def orphan_changes(self, ctx: PlanContext) -> list[ResourceChange]:
        """Records of this project that name an endpoint that exists nowhere and that no manifest
        declares: shown, and removed by apply (the endpoint is not touched: there is none)."""
        project = _project_of(ctx)
        live = ctx.live.get(self.kind, {})
        out = []
        for name, record in sorted((ctx.state.get(self.kind) or {}).items()):
            if record.get("project") == project and name not in live and ctx.manifest.get(self.kind, name) is None:
                why = ("an earlier apply stopped while it created it" if record.get("pending")
                       else "it was deleted outside eisops")
                out.append(ResourceChange(self.kind, name, Action.UPDATE,
                                          f"eisops' record names this endpoint, which does not exist ({why}); "
                                          "the record is removed", task_type=record.get("task_type"),
                                          operations=(_forget_operation(name, project),)))
        return out

    def _usage_notes(self, name: str, ctx: PlanContext) -> tuple[str, ...]:
        usage = _usage(name, ctx)
        notes = []
        if usage.get("pipelines"):
            notes.append(f"used by ingest pipelines {sorted(usage['pipelines'])}: they fail while it is replaced")
        if usage.get("indexes"):
            notes.append(f"used by semantic_text fields of indices {sorted(usage['indexes'])}, which hold no "
                         "documents yet")
        return tuple(notes)

    @_secrets_marked
    def plan_delete(self, live: LiveObject, ctx: PlanContext) -> ResourceChange:
        usage = _usage(live.name, ctx)
        deleting = ctx.deleting
        pipelines = [p for p in usage.get("pipelines") or [] if ("IngestPipeline", p) not in deleting]
        indexes = [i for i in usage.get("indexes") or [] if ("Index", i) not in deleting]
        before = {k: v for k, v in live.body.items() if k not in ("inference_id", "metadata")}
        if pipelines or indexes:
            users = []
            if pipelines:
                users.append(f"ingest pipelines {sorted(pipelines)}")
            if indexes:
                users.append(f"semantic_text fields of indices {sorted(indexes)}")
            return ResourceChange(
                self.kind, live.name, Action.BLOCKED,
                f"no manifest declares it any more, but it is still used by {' and '.join(users)}; "
                "Elasticsearch refuses to delete an endpoint in use",
                before=before, task_type=live.body.get("task_type"))
        return ResourceChange(
            self.kind, live.name, Action.DELETE,
            "eisops manages this inference endpoint and no manifest declares it any more",
            before=before, task_type=live.body.get("task_type"),
            operations=(_delete_operation(live.name, live.body.get("task_type")),
                        _forget_operation(live.name, live.project)),
        )

    # ------------------------------------------------------------------ applying


#: The suffix Elasticsearch adds to the model_id of its own models when it picks the build for
#: the node's platform (the ``elasticsearch`` service, 8.12+: ``.elser_model_2_linux-x86_64``).
PLATFORM_SUFFIXES = ("_linux-x86_64",)


def _visible_settings(service: Any, live: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """The service_settings GET shows, with what Elasticsearch rewrote by itself put back."""
    out = dict(live)
    if service in ("elasticsearch", "elser"):
        model, wanted = out.get("model_id"), desired.get("model_id")
        if isinstance(model, str) and isinstance(wanted, str) and any(
                model == wanted + suffix for suffix in PLATFORM_SUFFIXES):
            out["model_id"] = wanted
        # With adaptive allocations Elasticsearch fills num_allocations from the deployment's
        # current size on every GET (reference 1.4); it is not drift.
        adaptive = desired.get("adaptive_allocations")
        if isinstance(adaptive, dict) and adaptive.get("enabled") is True:
            out.pop("num_allocations", None)
    return out


def _no_such_api(exc: ClusterRequestError) -> bool:
    """Elasticsearch's answer to a route it does not have (no plugin serves it)."""
    return exc.status in (400, 404, 405) and ("no handler found" in exc.message
                                               or "Incorrect HTTP method" in exc.message)


#: The read that tells which indices' semantic_text fields name which endpoints: what
#: ``DELETE _inference/<id>?dry_run=true`` reports (1.9), for every endpoint in one request.
USAGE_FILTER = ("*.mappings.**.inference_id,*.mappings.**.search_inference_id,"
                "*.mappings.**.model_settings.task_type")
#: Every endpoint (one request), the mappings' references to endpoints, the services offered.
ALL_ENDPOINTS = Read("/_inference/_all")
ENDPOINT_USERS = Read(f"/{USER_INDICES}/_mapping", (("expand_wildcards", "open,closed,hidden"),
                                                    ("filter_path", USAGE_FILTER)))
SERVICES = Read("/_inference/_services")


def read_services(cluster: "Cluster") -> dict[str, list[str]] | None:
    """service -> the task types it serves on this cluster (``GET _inference/_services``, 1.11; the
    Elastic Inference Service is listed only where the cluster is authorized for it). None when
    the cluster does not say (an older version): then nothing is refused for it."""
    try:
        body = cluster.read(SERVICES)
    except ClusterRequestError as exc:
        if exc.status in (400, 403, 404, 405):
            return None
        raise
    if not isinstance(body, list):
        return None
    return {item["service"]: list(item.get("task_types") or []) for item in body
            if isinstance(item, dict) and isinstance(item.get("service"), str)}


def read_usage(cluster: "Cluster") -> dict[str, list[str]]:
    """inference_id -> indices whose mappings name it (semantic_text inference_id or search_inference_id)."""
    body = cluster.read(ENDPOINT_USERS) or {}
    usage: dict[str, set[str]] = {}
    populated: dict[str, set[str]] = {}
    for index, mapping in body.items():
        for endpoint in _named_endpoints(mapping):
            usage.setdefault(endpoint, set()).add(index)
        for endpoint, field in _populated_fields((mapping or {}).get("mappings") or {}):
            populated.setdefault(endpoint, set()).add(f"{index}/{field}")
    out: dict[str, Any] = {k: sorted(v) for k, v in sorted(usage.items())}
    out["_populated"] = {k: sorted(v) for k, v in sorted(populated.items())}
    return out


def _populated_fields(node: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(endpoint, field) of each semantic_text field that holds embeddings: Elasticsearch fills its
    ``model_settings`` when the first document is embedded (2.1)."""
    found = []
    for name, child in ((node or {}).get("properties") or {}).items() if isinstance(node, dict) else ():
        if not isinstance(child, dict):
            continue
        full = f"{prefix}{name}"
        if isinstance(child.get("model_settings"), dict) and isinstance(child.get("inference_id"), str):
            found.append((child["inference_id"], full))
        found += _populated_fields(child, full + ".")
        for sub_name, sub in (child.get("fields") or {}).items() if isinstance(child.get("fields"), dict) else ():
            if isinstance(sub, dict) and isinstance(sub.get("model_settings"), dict) and isinstance(sub.get("inference_id"), str):
                found.append((sub["inference_id"], f"{full}.{sub_name}"))
    return found


def populated_by(name: str, ctx: PlanContext) -> list[str]:
    """``index/field`` of the semantic_text fields that hold embeddings of endpoint ``name``."""
    return list(((ctx.state.get("inference_usage") or {}).get("_populated") or {}).get(name, []))


def _named_endpoints(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("inference_id", "search_inference_id") and isinstance(value, str):
                found.add(value)
            else:
                found |= _named_endpoints(value)
    return found


def endpoint_model(name: Any, ctx: PlanContext) -> tuple[str, str] | None:
    """(service, model id) of the endpoint ``name``: as the manifests declare it (what apply makes
    it), else as the cluster has it; the elastic service's ids of one model are one model."""
    if not isinstance(name, str):
        return None
    resource = ctx.manifest.get("InferenceEndpoint", name) if hasattr(ctx.manifest, "get") else None
    live = (ctx.live.get("InferenceEndpoint") or {}).get(name)
    body = resource.spec if resource is not None else (live.body if live is not None else None)
    if not isinstance(body, dict):
        return None
    settings = body.get("service_settings") if isinstance(body.get("service_settings"), dict) else {}
    model = settings.get("model_id") or settings.get("model")
    if not isinstance(model, str) or not isinstance(body.get("service"), str):
        return None
    if body["service"] == "elastic":
        model = EIS_MODEL_IDS.get(model, model)
    return body["service"], model


def _usage(name: str, ctx: PlanContext) -> dict[str, list[str]]:
    """Who uses an endpoint, from the state read before planning: ingest pipelines whose
    inference processors name it, and indices whose semantic_text fields do (1.9)."""
    from eisops.resources.ingest_pipeline import iter_processors

    pipelines = []
    for pipeline in ctx.live.get("IngestPipeline", {}).values():
        for key in ("processors", "on_failure"):
            if any(ptype == "inference" and options.get("model_id") == name
                   for _, ptype, options in iter_processors(pipeline.body.get(key), (key,))):
                pipelines.append(pipeline.name)
                break
    return {"pipelines": sorted(set(pipelines)),
            "indexes": list((ctx.state.get("inference_usage") or {}).get(name, []))}


def _chunking_problems(chunking: dict[str, Any]) -> list[tuple[tuple, str]]:
    base = ("chunking_settings",)
    strategy = chunking.get("strategy", "sentence")
    if not isinstance(strategy, str) or strategy not in CHUNKING_DEFAULTS:
        return [(base + ("strategy",), f"unknown chunking strategy [{strategy}]; expected sentence, word, none or recursive")]
    problems = []
    size = chunking.get("max_chunk_size")
    if size is not None:
        low = {"sentence": 20, "word": 10, "recursive": 10}.get(strategy)
        if not isinstance(size, int) or isinstance(size, bool) or (low and size < low):
            problems.append((base + ("max_chunk_size",), f"max_chunk_size must be an integer of at least {low} for the {strategy} strategy"))
        elif strategy in ("sentence", "word") and size > 300:
            problems.append((base + ("max_chunk_size",), "max_chunk_size must be at most 300"))
    if strategy == "sentence" and chunking.get("sentence_overlap", 1) not in (0, 1):
        problems.append((base + ("sentence_overlap",), "sentence_overlap must be 0 or 1"))
    if strategy == "word":
        overlap = chunking.get("overlap", 100)
        limit = (size if isinstance(size, int) else 250) / 2
        if not isinstance(overlap, int) or overlap > limit:
            problems.append((base + ("overlap",), f"overlap must be an integer of at most half of max_chunk_size ({int(limit)})"))
    return problems


def _endpoint_objects(body: dict[str, Any], state: dict[str, dict[str, Any]]) -> dict[str, LiveObject]:
    """The endpoints GET _inference returned, each managed when eisops' record names it (never a
    preconfigured '.' endpoint), with the record and the project that recorded it."""
    out = {}
    for endpoint in body.get("endpoints") or []:
        name = endpoint.get("inference_id")
        if not isinstance(name, str):
            continue
        record = state.get(name)
        out[name] = LiveObject(name, endpoint, record is not None and not name.startswith("."),
                               extra={"record": record}, project=(record or {}).get("project"))
    return out


def _project_of(ctx: PlanContext) -> str | None:
    project = getattr(ctx.manifest, "project", None)
    return getattr(project, "name", project)


def _base_dir(resource: "Resource") -> str | None:
    """The folder of the resource's manifest: ``${file:PATH}`` is relative to it."""
    try:
        file = resource.document.file
    except Exception:  # a resource built in memory (tests, importer) has no file
        return None
    return os.path.dirname(os.path.abspath(file)) if file else None


def _fingerprint_like(value: Any, salt: str, recorded: Any) -> str:
    """The fingerprint of ``value`` under ``salt``, in the scheme of the one recorded (a record
    from eisops 0.x holds SHA-256 ones, replaced at the next apply)."""
    text = secret_text(value)
    if isinstance(recorded, str) and recorded.startswith("sha256:"):
        return legacy_fingerprint(text, salt)
    return fingerprint(text, salt)


def _sources(resource: "Resource", secrets: list) -> tuple[tuple[tuple, str], ...]:
    """Where each secret of ``secrets`` comes from: ``env:NAME`` or ``file:PATH``."""
    sources = {where: source for where, source, _ in references(resource.spec, _base_dir(resource))}
    return tuple((where, sources[where]) for where, _ in secrets if where in sources)


def _create_operations(resource: "Resource", request: dict[str, Any], secrets: list,
                       after: dict[str, Any]) -> tuple[Operation, ...]:
    """The record first, then the create: a record of a missing endpoint only makes the next plan
    create it again, while an endpoint without a record would look unmanaged. Elasticsearch calls
    the provider, or deploys a model, when creating (reference 1.3): the create has time on both
    ends, and one that meets "already exists" (its first attempt went through, reference 7.5) is
    taken as done; the read-back after it checks the endpoint is the manifest's."""
    return (
        _record_operation(resource, after, secrets, pending=True),
        Operation("create", "PUT", path("_inference", resource.task_type, resource.name), request,
                  (("timeout", f"{CREATE_TIMEOUT}s"),), _sources(resource, secrets),
                  accept=("resource_already_exists_exception",), timeout=CREATE_TIMEOUT + 30,
                  secrets=tuple(secrets)),
        _record_operation(resource, after, secrets),
    )


def _forget_operation(name: str, project: Any) -> Operation:
    return Operation("forget", body={"endpoint": name, "project": project}, record=True)


def _delete_operation(name: str, task_type: Any, force: bool = False) -> Operation:
    return Operation("delete", "DELETE", path("_inference", str(task_type), name),
                     params=(("force", True),) if force else ())


def _record_operation(resource: "Resource", after: dict[str, Any], secrets: list, pending: bool = False) -> Operation:
    """What eisops records of the endpoint once ``after`` is applied: the non-secret settings it
    applied and which secrets it holds. The fingerprints of the secrets the operation carries are
    made when it is carried out (records.apply_operation); planning computes none."""
    applied = without_paths(after, masked_paths(after))
    record = {
        "task_type": after.get("task_type"),
        "service": after.get("service"),
        # A record written before its create says so: if that apply stops before the create is
        # known to be done, the next plan sees a record that may name no endpoint, and says so.
        **({"pending": True} if pending else {}),
        "applied": {
            "service_settings": {k: v for k, v in (applied.get("service_settings") or {}).items()
                                 if k not in SECRET_KEYS},
            "task_settings": applied.get("task_settings") or {},
        },
    }
    return Operation("record", body={"endpoint": resource.name, "project": resource.project, "record": record,
                                     "secret_keys": {record_key(where): list(where) for where in masked_paths(after)}},
                     secret_sources=_sources(resource, secrets), record=True, secrets=tuple(secrets))
