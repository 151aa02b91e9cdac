"""Index statistics: ``GET /_stats[/docs]`` and ``GET /{index}/_stats[/docs]``.

What it is for: the ``docs`` metric as IndicesStatsResponse renders it: ``_shards`` (every
shard copy, the started ones successful: replicas stay unassigned on the fake's single node),
``_all.primaries`` / ``_all.total`` and, at ``level=indices`` (the default), one entry per index
with ``uuid``, ``health`` (as cluster health computes it), ``status``, ``primaries`` and
``total``; ``docs`` is ``count``, ``deleted`` (always 0: the fake merges at once) and
``total_size_in_bytes`` (the JSON size of the sources, standing in for Lucene's). Index
expressions resolve like the other index APIs (wildcards, comma lists, aliases,
``expand_wildcards``, ``ignore_unavailable``, ``allow_no_indices``); a closed index is refused
(``forbid_closed_indices``, true by default). Metric names are checked as
RestIndicesStatsAction does ("request [...] contains unrecognized metric: [x]"). Shapes and
messages checked against 8.19.21 and 9.5.2 (but ``total_size_in_bytes``).

What it must not do: invent the other metrics (store, indexing, search, ...): they are refused
loudly, and ``/_stats`` without a metric answers ``docs`` only.
"""

from __future__ import annotations

import json

from .cluster import _index_health
from .errors import illegal_argument, index_closed
from .index_resolution import resolve
from .routing import Request, Router
from .similarity import suggest

# CommonStatsFlags.Flag rest names (8.19 / 9.x).
METRICS = ("bulk", "completion", "dense_vector", "docs", "fielddata", "flush", "get", "indexing", "mappings", "merge",
           "query_cache", "recovery", "refresh", "request_cache", "search", "segments", "shard_stats",
           "sparse_vector", "store", "translog", "warmer")
LEVELS = ("cluster", "indices", "shards")


def _metrics(req: Request, metric: str | None) -> None:
    wanted = [m for m in (metric or "_all").split(",") if m]
    if "_all" in wanted:
        if len(wanted) > 1:
            raise illegal_argument(
                f"request [{req.raw_path}] contains _all and individual metrics [{','.join(wanted)}]")
        return
    unknown = sorted({m for m in wanted if m not in METRICS})
    if unknown:
        parts = []
        for name in unknown:
            hints = suggest(name, list(METRICS), 0.5)
            hint = "" if not hints else (f" -> did you mean [{hints[0]}]?" if len(hints) == 1
                                         else f" -> did you mean any of [{', '.join(hints)}]?")
            parts.append(f"[{name}]{hint}")
        noun = "metric" if len(unknown) == 1 else "metrics"
        raise illegal_argument(f"request [{req.raw_path}] contains unrecognized {noun}: {', '.join(parts)}")
    others = [m for m in wanted if m != "docs"]
    if others:
        raise illegal_argument(f"[fake Elasticsearch] index stats metrics {others} are not emulated (only [docs])")


def _docs(index) -> dict:
    size = sum(len(json.dumps(doc["_source"], separators=(",", ":")).encode("utf-8")) for doc in index.docs.values())
    return {"count": len(index.docs), "deleted": 0, "total_size_in_bytes": size}


def _add(total: dict, more: dict) -> None:
    for key, value in more.items():
        total[key] = total.get(key, 0) + value


def stats(req: Request, index: str | None = None, metric: str | None = None) -> tuple[int, dict]:
    state = req.state
    _metrics(req, metric)
    level = req.param("level", "indices")
    if level not in LEVELS:
        raise illegal_argument(f"level parameter must be one of [cluster] or [indices] or [shards] but was [{level}]")
    if level == "shards":
        raise illegal_argument("[fake Elasticsearch] index stats at level [shards] are not emulated")
    ignore_unavailable = req.param_bool("ignore_unavailable")
    names = resolve(state, index, ignore_unavailable=ignore_unavailable,
                    allow_no_indices=req.param_bool("allow_no_indices", True),
                    expand_wildcards=req.param("expand_wildcards", "open"))
    chosen = []
    for name in names:
        idx = state.indices[name]
        if idx.state == "close":
            if req.param_bool("forbid_closed_indices", True):
                if ignore_unavailable:
                    continue
                raise index_closed(idx.name, idx.uuid)
            continue  # a closed index has no started shard to report on
        chosen.append(idx)
    shards_total = shards_ok = 0
    all_docs: dict = {}
    per_index: dict = {}
    for idx in chosen:
        health = _index_health(idx)
        shards_ok += health["number_of_shards"]
        shards_total += health["number_of_shards"] * (1 + health["number_of_replicas"])
        docs = _docs(idx)
        _add(all_docs, docs)
        per_index[idx.name] = {"uuid": idx.uuid, "health": health["status"], "status": "open",
                               "primaries": {"docs": dict(docs)}, "total": {"docs": dict(docs)}}
    out: dict = {"_shards": {"total": shards_total, "successful": shards_ok, "failed": 0}}
    if chosen:
        out["_all"] = {"primaries": {"docs": dict(all_docs)}, "total": {"docs": dict(all_docs)}}
    else:
        out["_all"] = {"primaries": {}, "total": {}}
    if level == "indices":
        out["indices"] = per_index
    return 200, out


def register(router: Router) -> None:
    params = ("level", "expand_wildcards", "ignore_unavailable", "allow_no_indices", "forbid_closed_indices",
              "fields", "completion_fields", "fielddata_fields", "groups", "include_segment_file_sizes",
              "include_unloaded_segments")
    router.add("GET", "/_stats", stats, params)
    router.add("GET", "/_stats/{metric}", stats, params)
    router.add("GET", "/{index}/_stats", stats, params)
    router.add("GET", "/{index}/_stats/{metric}", stats, params)
