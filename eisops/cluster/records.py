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


def read(cluster: "Cluster") -> dict[str, dict[str, Any]]:
    """inference_id -> record; empty when eisops never wrote one."""
    doc = cluster.request("GET", f"/{INDEX}/_doc/{DOCUMENT}", missing_ok=True)
    if not isinstance(doc, dict) or not doc.get("found"):
        return {}
    endpoints = (doc.get("_source") or {}).get("endpoints")
    return endpoints if isinstance(endpoints, dict) else {}


def _ensure_index(cluster: "Cluster") -> None:
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
    """Carry out one record operation of a plan: ``record`` writes what eisops applied to an
    endpoint (its fingerprints made now, under the record's salt, drawn when the endpoint is
    first recorded), ``forget`` removes the endpoint from the record."""
    body = operation.body or {}
    name = body.get("endpoint")
    with _WRITER:
        _ensure_index(cluster)
        for _ in range(ATTEMPTS):
            doc = cluster.request("GET", f"/{INDEX}/_doc/{DOCUMENT}", missing_ok=True) or {}
            found = bool(doc.get("found"))
            endpoints = dict(((doc.get("_source") or {}).get("endpoints") or {}) if found else {})
            if operation.verb == "forget":
                if name not in endpoints:
                    return
                endpoints.pop(name)
            else:
                previous = endpoints.get(name) or {}
                salt = previous.get("salt") or new_salt()
                keys = set(body.get("secret_keys") or ())
                fingerprints = {k: v for k, v in (previous.get("secrets") or {}).items() if k in keys}
                for where, value in operation.secrets:
                    if len(where) == 2 and where[0] == "service_settings":
                        fingerprints[where[1]] = fingerprint(value, salt)
                endpoints[name] = {**(body.get("record") or {}), "salt": salt, "secrets": fingerprints}
            params = ({"if_seq_no": doc["_seq_no"], "if_primary_term": doc["_primary_term"]} if found
                      else {"op_type": "create"})
            try:
                cluster.request("PUT", f"/{INDEX}/_doc/{DOCUMENT}", params=params, body={
                    "endpoints": endpoints, "updated_at": _dt.datetime.now(_dt.timezone.utc).isoformat()})
                return
            except ClusterRequestError as exc:
                if exc.status != 409:
                    raise
        raise ClusterRequestError(f"eisops' record in {INDEX} kept changing under it; run apply again", 409)
