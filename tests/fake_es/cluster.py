"""Cluster-level read APIs: ``GET /``, ``GET /_nodes[...]``, ``GET /_cluster/health``.

What it is for: the info document (name, cluster_name, cluster_uuid,
version.number, tagline), a single-node ``_nodes`` answer carrying
``nodes.<id>.version``, and cluster health (green, or yellow when an index
wants replicas a single node cannot allocate; 408 red ``timed_out`` for a
missing index, which ES waits for).

What it must not do: change state.
"""

from __future__ import annotations

from .errors import EsError
from .index_resolution import resolve
from .routing import Request, Router


def info(req: Request) -> tuple[int, dict]:
    s = req.state
    v = s.version
    return 200, {
        "name": s.node_name,
        "cluster_name": s.cluster_name,
        "cluster_uuid": s.cluster_uuid,
        "version": {
            "number": v.text,
            "build_flavor": "default",
            "build_type": "docker",
            "build_hash": "0" * 40,
            "build_date": "2025-10-01T00:00:00.000000000Z",
            "build_snapshot": False,
            "lucene_version": v.lucene_version(),
            "minimum_wire_compatibility_version": "8.19.0" if v.major >= 9 else "7.17.0",
            "minimum_index_compatibility_version": "8.0.0" if v.major >= 9 else "7.0.0",
        },
        "tagline": "You Know, for Search",
    }


def nodes(req: Request, node_id: str | None = None, metric: str | None = None) -> tuple[int, dict]:
    s = req.state
    return 200, {
        "_nodes": {"total": 1, "successful": 1, "failed": 0},
        "cluster_name": s.cluster_name,
        "nodes": {
            s.node_id: {
                "name": s.node_name,
                "transport_address": "127.0.0.1:9300",
                "host": "127.0.0.1",
                "ip": "127.0.0.1",
                "version": s.version.text,
                "build_flavor": "default",
                "build_type": "docker",
                "roles": ["data", "ingest", "master", "ml", "transform"],
            }
        },
    }


def health(req: Request, index: str | None = None) -> tuple[int, dict]:
    s = req.state
    try:
        names = resolve(s, index, expand_wildcards="all") if index else list(s.indices)
    except EsError:
        # ES waits (up to ``timeout``, 30s by default) for the index to appear, then answers
        # 408 with a red, timed-out health (8.19.21, 9.5.2). The fake does not wait.
        return 408, _health_body(s, "red", True, 0, 0)
    open_indices = [s.indices[n] for n in names if s.indices[n].state == "open"]
    primaries = sum(_shards(i) for i in open_indices)
    unassigned = sum(_unassigned(i) for i in open_indices)
    status = "yellow" if unassigned else "green"
    # wait_for_status that is not reached answers 408 with timed_out (8.19.21, 9.5.2); the fake
    # does not wait, its state never changes by itself.
    wanted = req.param("wait_for_status")
    timed_out = wanted is not None and _RANK.get(status, 2) > _RANK.get(wanted, 2)
    body = _health_body(s, status, timed_out, primaries, unassigned)
    if req.param("level") in ("indices", "shards"):
        body["indices"] = {i.name: _index_health(i) for i in open_indices}
    return (408 if timed_out else 200), body


_RANK = {"green": 0, "yellow": 1, "red": 2}


def _shards(index) -> int:
    return int(index.settings.get("index.number_of_shards", "1"))


def _unassigned(index) -> int:
    if index.settings.get("index.auto_expand_replicas", "false") not in ("false", ""):
        return 0
    return _shards(index) * int(index.settings.get("index.number_of_replicas", "1"))


def _index_health(index) -> dict:
    unassigned = _unassigned(index)
    return {
        "status": "yellow" if unassigned else "green",
        "number_of_shards": _shards(index),
        "number_of_replicas": int(index.settings.get("index.number_of_replicas", "1")),
        "active_primary_shards": _shards(index),
        "active_shards": _shards(index),
        "relocating_shards": 0,
        "initializing_shards": 0,
        "unassigned_shards": unassigned,
        "unassigned_primary_shards": 0,
    }


def _health_body(s, status: str, timed_out: bool, primaries: int, unassigned: int) -> dict:
    return {
        "cluster_name": s.cluster_name,
        "status": status,
        "timed_out": timed_out,
        "number_of_nodes": 1,
        "number_of_data_nodes": 1,
        "active_primary_shards": primaries,
        "active_shards": primaries,
        "relocating_shards": 0,
        "initializing_shards": 0,
        "unassigned_shards": unassigned,
        "unassigned_primary_shards": 0,
        "delayed_unassigned_shards": 0,
        "number_of_pending_tasks": 0,
        "number_of_in_flight_fetch": 0,
        "task_max_waiting_in_queue_millis": 0,
        "active_shards_percent_as_number": 100.0 if not unassigned else (primaries / (primaries + unassigned)) * 100,
    }


def cluster_state(req: Request, metric: str = "_all") -> tuple[int, dict]:
    """The identity part of GET _cluster/state (cluster name and uuid, and metadata.cluster_uuid);
    filter_path applies as for every response."""
    s = req.state
    return 200, {"cluster_name": s.cluster_name, "cluster_uuid": s.cluster_uuid,
                 "metadata": {"cluster_uuid": s.cluster_uuid, "cluster_uuid_committed": True}}


def register(router: Router) -> None:
    router.add("GET", "/", info)
    router.add("GET", "/_cluster/state", cluster_state, ("local", "master_timeout", "flat_settings"))
    router.add("GET", "/_cluster/state/{metric}", cluster_state, ("local", "master_timeout", "flat_settings"))
    router.add("GET", "/_nodes", nodes, ("timeout", "flat_settings"))
    router.add("GET", "/_nodes/{node_id}", nodes, ("timeout", "flat_settings"))
    router.add("GET", "/_nodes/{node_id}/{metric}", nodes, ("timeout", "flat_settings"))
    health_params = ("level", "local", "master_timeout", "timeout", "wait_for_status", "wait_for_nodes",
                     "wait_for_active_shards", "wait_for_no_relocating_shards", "wait_for_no_initializing_shards",
                     "wait_for_events", "expand_wildcards")
    router.add("GET", "/_cluster/health", health, health_params)
    router.add("GET", "/_cluster/health/{index}", health, health_params)
