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


def write(cluster: "Cluster", endpoints: dict[str, dict[str, Any]]) -> None:
    if not getattr(cluster, "_records_index_ready", False):
        try:
            cluster.request("PUT", f"/{INDEX}", body=INDEX_BODY)
        except ClusterRequestError as exc:
            if exc.error_type != "resource_already_exists_exception":
                raise
        cluster._records_index_ready = True  # type: ignore[attr-defined]
    body = {"endpoints": endpoints, "updated_at": _dt.datetime.now(_dt.timezone.utc).isoformat()}
    cluster.request("PUT", f"/{INDEX}/_doc/{DOCUMENT}", body=body)
