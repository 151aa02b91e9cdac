"""eisops' own record of the inference endpoints it manages, kept in the cluster.

Inference endpoints have no ``_meta`` to carry an ownership marker, so eisops keeps one
document per project in a hidden index of its own (``.eisops-state``): for each endpoint it
created, the non-secret settings it applied and a fingerprint of each secret — scrypt under the
project's salt (``eisops.secrets.fingerprint``), drawn when the project's record is first
written. The record holds no secret, only what is needed to tell that a secret changed.
The document is read by id (realtime, no refresh needed) in one request per plan. This
module knows the document's shape; deciding what to compare is the inference kind's job.
"""

from __future__ import annotations

import datetime as _dt
import secrets as _secrets
import threading
from typing import TYPE_CHECKING, Any

from eisops.cluster import concurrently
from eisops.errors import ClusterRequestError
from eisops.secrets import fingerprint, secret_text

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster

INDEX = ".eisops-state"
DOCUMENT = "inference_endpoints"
INDEX_BODY = {
    # Hidden so that wildcard patterns never match it; one small shard.
    "settings": {"index": {"hidden": True, "number_of_shards": 1, "auto_expand_replicas": "0-1"}},
    # Nothing in the record is searched: keep every value out of the mapping.
    "mappings": {"dynamic": False, "properties": {}},
}


def new_salt() -> str:
    return _secrets.token_hex(16)


def document_id(project: str | None) -> str:
    """Each project's record is a document of its own, so that projects never write the same one;
    the record of an eisops from before projects is the one document ``inference_endpoints``."""
    return DOCUMENT if project is None else f"{PROJECT_DOCUMENT_PREFIX}{project}"


PROJECT_DOCUMENT_PREFIX = "project-"


def _endpoints(doc: Any) -> dict[str, dict[str, Any]]:
    """The endpoints of a record document, each with the salt its fingerprints were made under:
    the project's (an endpoint recorded by eisops 0.x carries a salt of its own)."""
    if not isinstance(doc, dict) or not (doc.get("found", True)):
        return {}
    source = doc.get("_source") or {}
    endpoints = source.get("endpoints")
    if not isinstance(endpoints, dict):
        return {}
    salt = source.get("salt")
    return {name: ({"salt": salt, **record} if salt and isinstance(record, dict) else record)
            for name, record in endpoints.items()}


def read(cluster: "Cluster", project: str | None = None) -> dict[str, dict[str, Any]]:
    """inference_id -> record (with the ``project`` that recorded it, None before projects), for
    every project. The project's own and the legacy record are read by id, which is realtime; the
    other projects' are searched (near-realtime: one written a moment ago may be missed, and its
    endpoint then shows as unmanaged, which is never touched either). Three requests, sent at once."""
    out: dict[str, dict[str, Any]] = {}
    owners = [None, project] if project is not None else [None]
    searched, *by_id = concurrently(
        lambda: cluster.request("GET", f"/{INDEX}/_search", params={"size": 10000}, missing_ok=True),
        *(lambda owner=owner: cluster.request("GET", f"/{INDEX}/_doc/{document_id(owner)}", missing_ok=True)
          for owner in owners))
    hits = searched.result() or {}
    for hit in (hits.get("hits") or {}).get("hits") or []:
        doc_id = hit.get("_id") or ""
        if doc_id.startswith(PROJECT_DOCUMENT_PREFIX) and doc_id != document_id(project):
            for name, record in _endpoints(hit).items():
                out[name] = {**record, "project": doc_id[len(PROJECT_DOCUMENT_PREFIX):]}
    for owner, doc in zip(owners, by_id):
        for name, record in _endpoints(doc.result()).items():
            out[name] = {**record, "project": owner}
    return out


def ensure_index(cluster: "Cluster") -> None:
    if getattr(cluster, "_records_index_ready", False):
        return
    try:
        cluster.request("PUT", f"/{INDEX}", body=INDEX_BODY)
    except ClusterRequestError as exc:
        if exc.error_type != "resource_already_exists_exception":
            raise
    cluster._records_index_ready = True  # type: ignore[attr-defined]


#: One writer of the record at a time within a process; between processes, Elasticsearch's
#: sequence numbers: a write based on a record another writer changed meanwhile is refused
#: (409) and made again on the record as it now is.
_WRITER = threading.Lock()
ATTEMPTS = 20


def apply_operation(cluster: "Cluster", operation: Any) -> None:
    """Carry out one record operation of a plan in the record of the operation's project:
    ``record`` writes what eisops applied to an endpoint (its fingerprints made now, under the
    record's salt, drawn when the endpoint is first recorded), ``forget`` removes the endpoint.
    An endpoint recorded before projects moves into its project's record, salt and all."""
    body = operation.body or {}
    name = body.get("endpoint")
    project = body.get("project")
    with _WRITER:
        ensure_index(cluster)
        earlier = None
        if project is not None:
            legacy = cluster.request("GET", f"/{INDEX}/_doc/{DOCUMENT}", missing_ok=True)
            earlier = _endpoints(legacy).get(name)
        _write(cluster, document_id(project), operation.verb, operation.secrets, name, body, earlier)
        if earlier is not None:
            _write(cluster, DOCUMENT, "forget", (), name, body, None)


def _write(cluster: "Cluster", doc_id: str, verb: str, secrets: Any, name: str, body: dict[str, Any],
           earlier: dict[str, Any] | None) -> None:
    """Read, change and write one record document, with its sequence number: a write that another
    writer overtook is refused (409) and made again on the document as it now is."""
    for _ in range(ATTEMPTS):
        doc = cluster.request("GET", f"/{INDEX}/_doc/{doc_id}", missing_ok=True) or {}
        found = bool(doc.get("found"))
        source = (doc.get("_source") or {}) if found else {}
        endpoints = {n: dict(r) for n, r in (source.get("endpoints") or {}).items()} if found else {}
        salt = source.get("salt") or new_salt()
        if verb == "forget":
            if name not in endpoints:
                return
            endpoints.pop(name)
        else:
            previous = endpoints.get(name) or earlier or {}
            keys = body.get("secret_keys") or {}
            keys = keys if isinstance(keys, dict) else {k: ["service_settings", k] for k in keys}
            key_of = {tuple(where): key for key, where in keys.items()}
            # Fingerprints under the project's salt, made now from the values the operation
            # carries; one it does not carry is kept only when it was made under that salt.
            fingerprints = {k: v for k, v in (previous.get("secrets") or {}).items()
                            if k in keys and not previous.get("salt") and str(v).startswith("scrypt:")}
            for where, value in secrets:
                key = key_of.get(tuple(where))
                if key is not None:
                    fingerprints[key] = fingerprint(secret_text(value), salt)
            record = {k: v for k, v in (body.get("record") or {}).items() if k != "salt"}
            endpoints[name] = {**record, "secrets": fingerprints}
        params = ({"if_seq_no": doc["_seq_no"], "if_primary_term": doc["_primary_term"]} if found
                  else {"op_type": "create"})
        try:
            cluster.request("PUT", f"/{INDEX}/_doc/{doc_id}", params=params, body={
                "salt": salt, "endpoints": endpoints, "updated_at": _dt.datetime.now(_dt.timezone.utc).isoformat()})
            return
        except ClusterRequestError as exc:
            if exc.status != 409:
                raise
    raise ClusterRequestError(f"eisops' record in {INDEX} kept changing under it; run apply again", 409)


def read_migrations(cluster: "Cluster", project: str | None, names: list[str]) -> dict[str, dict[str, Any]]:
    """index name -> the record of its unfinished migration (eisops.apply.migration writes them),
    for the indices ``names`` of ``project``: one realtime multi-get by id."""
    if not names:
        return {}
    body = cluster.request("GET", f"/{INDEX}/_mget", body={"ids": [migration_id(project, n) for n in names]},
                           missing_ok=True) or {}
    return {doc["_source"]["index"]: doc["_source"] for doc in body.get("docs") or []
            if doc.get("found") and isinstance((doc.get("_source") or {}).get("index"), str)}


def migration_id(project: str | None, index: str) -> str:
    return f"migration-{project or '_'}-{index}"
