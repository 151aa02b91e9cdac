"""Carrying out an index migration: a change Elasticsearch cannot make in place, made by copying
the documents into a new index and moving the name clients use to it.

What it is for: the steps of a ``migrate`` operation of a plan, each recorded in eisops' state
index before it is taken, so that a migration stopped at any point (the process killed) is
found by the next plan and resumed by the next apply:

1. ``create``  the new concrete index, with the manifest's settings and mappings;
2. ``copy``    every document, by Elasticsearch itself (``_reindex``, asynchronous, followed
               through the tasks API), or, where the cluster has no ``_reindex`` (the
               integration-test distribution), by eisops: scroll and bulk;
3. ``block``   writes to the old index (``index.blocks.write``): from here a write through the
               name is refused, never lost, until the name has moved;
4. ``catch_up`` copy again, so that every write the old index acknowledged before the block is
               in the new one, delete what was deleted meanwhile, and check both hold as many
               documents;
5. ``swap``    the name (and the manifest's aliases) to the new index in one ``_aliases``
               request, which Elasticsearch applies atomically: searches through the name never
               fail. A name that was the old index's own becomes an alias (``remove_index`` and
               ``add`` together); its documents are all in the new index by then;
6. ``done``    the record is removed. An old index that was behind the name is kept, its writes
               blocked, for the user to delete.

What it must not do: decide what to migrate (the index kind plans it), or print (progress
goes to a callback).
"""

from __future__ import annotations

import datetime as _dt
import json
import time
from typing import TYPE_CHECKING, Any, Callable

from eisops.cluster import records
from eisops.cluster import path
from eisops.errors import ApplyFailed, ClusterRequestError

if TYPE_CHECKING:  # pragma: no cover
    from eisops.cluster.connection import Cluster
    from eisops.plan.model import Operation

STEPS = ("create", "copy", "block", "catch_up", "swap", "done")
#: Documents per scroll page and bulk request of a copy made by eisops.
BATCH = 1000
POLL_SECONDS = 0.2

Progress = Callable[[str], None]


def _record(cluster: "Cluster", spec: dict[str, Any], step: str, **extra: Any) -> None:
    records.ensure_index(cluster)
    cluster.request("PUT", f"/{records.INDEX}/_doc/{records.migration_id(spec.get('project'), spec['index'])}",
                    params={"refresh": "true"}, body={
                        "kind": "migration", "index": spec["index"], "project": spec.get("project"), "step": step,
                        "spec": spec, "updated_at": _dt.datetime.now(_dt.timezone.utc).isoformat(), **extra})


def carry_out(cluster: "Cluster", operation: "Operation", progress: Progress | None = None) -> None:
    """Make the migration of ``operation`` from its first step not yet done."""
    spec = operation.body
    say = progress or (lambda _: None)
    start = STEPS.index(spec.get("resume_from") or "create")
    source, target = spec["from"], spec["to"]
    for step in STEPS[start:]:
        _record(cluster, spec, step)
        if step == "create":
            _create(cluster, target, spec["create"])
        elif step == "copy":
            say(f"copying the documents of {source} into {target}")
            _copy(cluster, source, target, say)
        elif step == "block":
            cluster.request("PUT", path(source, "_settings"), body={"index.blocks.write": True})
            # A copy reads what searches see: writes acknowledged before the block become visible
            # only with a refresh.
            cluster.request("POST", path(source, "_refresh"))
        elif step == "catch_up":
            cluster.request("POST", path(source, "_refresh"))  # resumed here: the block's refresh may be lost
            say(f"copying what was written to {source} during the copy (writes to it wait meanwhile)")
            _copy(cluster, source, target, say)
            _delete_missing(cluster, source, target)
            _check_counts(cluster, source, target)
        elif step == "swap":
            _swap(cluster, spec)
        else:
            cluster.request("DELETE", f"/{records.INDEX}/_doc/{records.migration_id(spec.get('project'), spec['index'])}",
                            params={"refresh": "true"}, missing_ok=True)


def _create(cluster: "Cluster", target: str, body: dict[str, Any]) -> None:
    try:
        cluster.request("PUT", path(target), body=body)
    except ClusterRequestError as exc:
        if exc.error_type != "resource_already_exists_exception":
            raise
        # Resumed after the create went through: the index must be the one eisops made.
        mapping = (cluster.request("GET", path(target, "_mapping")) or {}).get(target, {})
        meta = (mapping.get("mappings") or {}).get("_meta") or {}
        if meta.get("managed_by") != "eisops":
            raise ApplyFailed(f"index [{target}] already exists and eisops did not create it; the migration "
                              "stops before copying anything") from None


def _copy(cluster: "Cluster", source: str, target: str, say: Progress) -> None:
    try:
        answer = cluster.request("POST", "/_reindex", params={"wait_for_completion": "false", "slices": "auto",
                                                              "refresh": "true"},
                                 body={"source": {"index": source}, "dest": {"index": target}, "conflicts": "abort"})
    except ClusterRequestError as exc:
        said = exc.reason or exc.message
        # No reindex module: no handler, or the path taken for an index name (POST /{index}).
        if exc.status == 405 or (exc.status in (400, 404) and "no handler found" in said):
            _client_copy(cluster, source, target, say)  # a cluster without the reindex module
            return
        raise
    task = answer.get("task")
    started = time.monotonic()
    while True:
        status = cluster.request("GET", path("_tasks", str(task))) or {}
        done = (status.get("task") or {}).get("status") or {}
        if status.get("completed"):
            break
        total = done.get("total") or 0
        copied = (done.get("created") or 0) + (done.get("updated") or 0)
        if total:
            rate = copied / max(time.monotonic() - started, 1e-3)
            say(f"{copied} of {total} documents copied ({rate:.0f}/s)")
        time.sleep(POLL_SECONDS)
    response = status.get("response") or {}
    failures = response.get("failures") or []
    if status.get("error") or failures:
        shown = "; ".join(f"[{f.get('id')}] {(f.get('cause') or {}).get('reason')}" for f in failures[:5]) or \
            str((status.get("error") or {}).get("reason"))
        raise ApplyFailed(f"copying {source} into {target} failed for {len(failures) or 'some'} documents: {shown}. "
                          f"The name still points to {source}; fix the cause and run apply again to resume")
    say(f"{(response.get('created') or 0) + (response.get('updated') or 0)} documents copied")


def _scroll(cluster: "Cluster", index: str, source: bool = True):
    """Every document of ``index``, page by page."""
    body: dict[str, Any] = {"size": BATCH, "sort": ["_doc"], "query": {"match_all": {}}}
    if not source:
        body["_source"] = False
    page = cluster.request("POST", path(index, "_search"), params={"scroll": "2m"}, body=body) or {}
    scroll_id = page.get("_scroll_id")
    try:
        while True:
            hits = (page.get("hits") or {}).get("hits") or []
            if not hits:
                return
            yield hits
            page = cluster.request("POST", "/_search/scroll", body={"scroll": "2m", "scroll_id": scroll_id}) or {}
            scroll_id = page.get("_scroll_id", scroll_id)
    finally:
        if scroll_id:
            try:
                cluster.request("DELETE", "/_search/scroll", body={"scroll_id": scroll_id}, missing_ok=True)
            except ClusterRequestError:
                pass


def _bulk(cluster: "Cluster", lines: list[dict[str, Any]], what: str) -> None:
    payload = "".join(json.dumps(line) + "\n" for line in lines)
    answer = cluster.request("POST", "/_bulk", body=payload, params={"refresh": "false"}, ndjson=True) or {}
    if answer.get("errors"):
        bad = [item for item in answer.get("items") or [] for value in item.values()
               if value.get("error") and value.get("status") != 404]
        if bad:
            first = next(iter(bad[0].values()))
            raise ApplyFailed(f"{what} failed for {len(bad)} documents; first: [{first.get('_id')}] "
                              f"{(first.get('error') or {}).get('reason')}")


def _client_copy(cluster: "Cluster", source: str, target: str, say: Progress) -> None:
    copied = 0
    for hits in _scroll(cluster, source):
        lines: list[dict[str, Any]] = []
        for hit in hits:
            action: dict[str, Any] = {"_index": target, "_id": hit["_id"]}
            if hit.get("_routing") is not None:
                action["routing"] = hit["_routing"]
            lines += [{"index": action}, hit.get("_source") or {}]
        _bulk(cluster, lines, f"copying {source} into {target}")
        copied += len(hits)
        say(f"{copied} documents copied")
    cluster.request("POST", path(target, "_refresh"))


def _delete_missing(cluster: "Cluster", source: str, target: str) -> None:
    """Documents deleted from the old index while it was copied are deleted from the new one."""
    kept = {hit["_id"] for hits in _scroll(cluster, source, source=False) for hit in hits}
    gone = [hit["_id"] for hits in _scroll(cluster, target, source=False) for hit in hits if hit["_id"] not in kept]
    for start in range(0, len(gone), BATCH):
        _bulk(cluster, [{"delete": {"_index": target, "_id": doc}} for doc in gone[start:start + BATCH]],
              f"deleting from {target} what was deleted from {source}")
    cluster.request("POST", path(target, "_refresh"))


def _count(cluster: "Cluster", index: str) -> int:
    return int((cluster.request("GET", path(index, "_count")) or {}).get("count") or 0)


def _check_counts(cluster: "Cluster", source: str, target: str) -> None:
    have, want = _count(cluster, target), _count(cluster, source)
    if have != want:
        raise ApplyFailed(f"after the copy, {target} holds {have} documents and {source} {want}; the name still "
                          f"points to {source}. Run apply again to copy once more")


def _swap(cluster: "Cluster", spec: dict[str, Any]) -> None:
    name, source, target = spec["index"], spec["from"], spec["to"]
    current = cluster.request("GET", path("_alias", name), missing_ok=True) or {}
    if target in current and source not in current:
        return  # resumed after the swap went through
    actions: list[dict[str, Any]] = []
    if source == name:
        # The name is the old index's own: removing the index and adding the alias in one request
        # makes the name an alias with no moment without it (IndicesAliasesRequest, remove_index).
        actions.append({"remove_index": {"index": source}})
    else:
        actions.append({"remove": {"index": source, "alias": name}})
    actions.append({"add": {"index": target, "alias": name}})
    for alias, options in sorted((spec.get("aliases") or {}).items()):
        if source != name:
            actions.append({"remove": {"index": source, "alias": alias, "must_exist": False}})
        actions.append({"add": {"index": target, "alias": alias, **(options or {})}})
    cluster.request("POST", "/_aliases", body={"actions": actions})
