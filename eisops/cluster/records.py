"""eisops' own record of the inference endpoints it manages, kept in the cluster.

Inference endpoints have no ``_meta`` to carry an ownership marker, so eisops keeps one
document in a hidden index of its own (``.eisops-state``): for each endpoint it created,
the non-secret settings it applied and a salted SHA-256 fingerprint of each secret. The
record holds no secret, only what is needed to tell that a secret in the manifest changed.
The document is read by id (realtime, no refresh needed) in one request per plan. This
module knows the document's shape; deciding what to compare is the inference kind's job.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import secrets as _secrets
import threading
from typing import TYPE_CHECKING, Any

from eisops.errors import ClusterRequestError

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


def fingerprint(value: Any, salt: str) -> str:
    """A salted SHA-256 of a secret: equal for equal secrets under one salt, useless to an attacker."""
    digest = hashlib.sha256(f"{salt}\0{value}".encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


def document_id(project: str | None) -> str:
    """Each project's record is a document of its own, so that projects never write the same one;
    the record of an eisops from before projects is the one document ``inference_endpoints``."""
    return DOCUMENT if project is None else f"{PROJECT_DOCUMENT_PREFIX}{project}"


PROJECT_DOCUMENT_PREFIX = "project-"


def _endpoints(doc: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(doc, dict) or not (doc.get("found", True)):
        return {}
    endpoints = (doc.get("_source") or {}).get("endpoints")
    return endpoints if isinstance(endpoints, dict) else {}


def read(cluster: "Cluster", project: str | None = None) -> dict[str, dict[str, Any]]:
    """inference_id -> record (with the ``project`` that recorded it, None before projects), for
    every project. The project's own and the legacy record are read by id, which is realtime; the
    other projects' are searched (near-realtime: one written a moment ago may be missed, and its
    endpoint then shows as unmanaged, which is never touched either). Three requests."""
    out: dict[str, dict[str, Any]] = {}
    hits = cluster.request("GET", f"/{INDEX}/_search", params={"size": 10000}, missing_ok=True) or {}
    for hit in (hits.get("hits") or {}).get("hits") or []:
        doc_id = hit.get("_id") or ""
        if doc_id.startswith(PROJECT_DOCUMENT_PREFIX) and doc_id != document_id(project):
            for name, record in _endpoints(hit).items():
                out[name] = {**record, "project": doc_id[len(PROJECT_DOCUMENT_PREFIX):]}
    for owner in ([None, project] if project is not None else [None]):
        doc = cluster.request("GET", f"/{INDEX}/_doc/{document_id(owner)}", missing_ok=True)
        for name, record in _endpoints(doc).items():
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
        endpoints = dict(_endpoints(doc)) if found else {}
        if verb == "forget":
            if name not in endpoints:
                return
            endpoints.pop(name)
        else:
            previous = endpoints.get(name) or earlier or {}
            salt = previous.get("salt") or new_salt()
            keys = set(body.get("secret_keys") or ())
            fingerprints = {k: v for k, v in (previous.get("secrets") or {}).items() if k in keys}
            for where, value in secrets:
                if len(where) == 2 and where[0] == "service_settings":
                    fingerprints[where[1]] = fingerprint(value, salt)
            endpoints[name] = {**(body.get("record") or {}), "salt": salt, "secrets": fingerprints}
        params = ({"if_seq_no": doc["_seq_no"], "if_primary_term": doc["_primary_term"]} if found
                  else {"op_type": "create"})
        try:
            cluster.request("PUT", f"/{INDEX}/_doc/{doc_id}", params=params, body={
                "endpoints": endpoints, "updated_at": _dt.datetime.now(_dt.timezone.utc).isoformat()})
            return
        except ClusterRequestError as exc:
            if exc.status != 409:
                raise
    raise ClusterRequestError(f"eisops' record in {INDEX} kept changing under it; run apply again", 409)
