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
import functools
import secrets as _secrets
import threading
from dataclasses import dataclass
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


@dataclass(eq=False)
class _Queued:
    cluster: Any
    operation: Any
    done: bool = False
    error: BaseException | None = None


#: Record operations waiting for the writer. Changes made at once (apply's --parallelism) record
#: their endpoints at once: whoever takes the writer writes every operation waiting for the same
#: cluster, in the order they came, in one read and one write of each record document, and each
#: operation returns only once a write that holds it has been acknowledged.
_WAITING: list[_Queued] = []
_WAITING_LOCK = threading.Lock()


def apply_operation(cluster: "Cluster", operation: Any) -> None:
    """Carry out one record operation of a plan in the record of the operation's project:
    ``record`` writes what eisops applied to an endpoint (its fingerprints made now, under the
    record's salt, drawn when the endpoint is first recorded), ``forget`` removes the endpoint.
    An endpoint recorded before projects moves into its project's record, salt and all.
    Operations waiting at the same time are written together (see ``_WAITING``)."""
    mine = _Queued(cluster, operation)
    with _WAITING_LOCK:
        _WAITING.append(mine)
    with _WRITER:
        if not mine.done:
            with _WAITING_LOCK:
                batch = [q for q in _WAITING if q.cluster is cluster]
                _WAITING[:] = [q for q in _WAITING if q.cluster is not cluster]
            try:
                _write_all(cluster, [q.operation for q in batch])
            except BaseException as exc:  # noqa: BLE001 - every operation of the batch fails with it
                for q in batch:
                    q.error = exc
            finally:
                for q in batch:
                    q.done = True
    if mine.error is not None:
        raise mine.error


def _write_all(cluster: "Cluster", operations: list[Any]) -> None:
    """The operations, in order: each record document they change read (all at once) and
    written once."""
    ensure_index(cluster)
    projects = [(op.body or {}).get("project") for op in operations]
    doc_ids = list(dict.fromkeys([document_id(p) for p in projects]
                                 + ([DOCUMENT] if any(p is not None for p in projects) else [])))
    read = dict(zip(doc_ids, (f.result() for f in concurrently(*(
        functools.partial(cluster.request, "GET", f"/{INDEX}/_doc/{doc_id}", missing_ok=True) for doc_id in doc_ids)))))
    legacy = _endpoints(read.get(DOCUMENT))
    changes: dict[str, list[tuple]] = {}
    moved: list[tuple] = []
    for op, project in zip(operations, projects):
        body = op.body or {}
        name = body.get("endpoint")
        earlier = legacy.get(name) if project is not None else None
        changes.setdefault(document_id(project), []).append((op.verb, op.secrets, name, body, earlier))
        if earlier is not None:
            moved.append(("forget", (), name, body, None))
    for doc_id, items in changes.items():
        _write(cluster, doc_id, items, read[doc_id])
    if moved:  # out of the record from before projects, once it is in the project's
        _write(cluster, DOCUMENT, moved, None if DOCUMENT in changes else read[DOCUMENT])


def _write(cluster: "Cluster", doc_id: str, changes: list[tuple], read: Any = None) -> None:
    """Read, change and write one record document, with its sequence number: a write that another
    writer overtook is refused (409) and made again on the document as it now is. ``changes``:
    (verb, secrets, endpoint name, operation body, the endpoint's record from before projects),
    applied in order; nothing is written when none changes the document. ``read``: the document
    as just read, for the first attempt."""
    for attempt in range(ATTEMPTS):
        doc = (read if attempt == 0 and read is not None else
               cluster.request("GET", f"/{INDEX}/_doc/{doc_id}", missing_ok=True)) or {}
        found = bool(doc.get("found"))
        source = (doc.get("_source") or {}) if found else {}
        endpoints = {n: dict(r) for n, r in (source.get("endpoints") or {}).items()} if found else {}
        salt = source.get("salt") or new_salt()
        changed = False
        for verb, secrets, name, body, earlier in changes:
            if verb == "forget":
                if name in endpoints:
                    endpoints.pop(name)
                    changed = True
                continue
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
            changed = True
        if not changed:
            return
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
