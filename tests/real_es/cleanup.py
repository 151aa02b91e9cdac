"""Reset a test cluster to how it was when the harness first saw it.

What it is for: ``real_es_clean`` runs :func:`clean` before and after each
test so tests sharing one node do not see each other's indices, data
streams, templates, pipelines, inference endpoints or cluster settings.
:func:`snapshot` records what exists right after the node came up (the
"baseline", i.e. what Elasticsearch created itself); :func:`clean` deletes
what is new since then.

What it must not do: delete anything Elasticsearch made itself. Concretely it
never deletes a baseline object, never a name starting with ``.`` (system
and hidden indices, built-in templates and pipelines, preconfigured
``.``-inference endpoints) except eisops' own dot-index ``.eisops-state``
(``EISOPS_DOT_INDICES``), never an object whose ``_meta.managed`` is true
(ES's template registries mark their templates that way, and may install
them after the baseline was taken), and it uses explicit names only (no
wildcards, so ``action.destructive_requires_name`` can stay at its default).
APIs the distribution lacks (the integ-test-zip has no data-streams, ILM or
inference modules) are skipped, not errors.
"""

from __future__ import annotations

import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from .node import EsNode

#: Dot-prefixed indices that tests create through eisops (its record of
#: managed inference endpoints) and that must not leak between tests.
EISOPS_DOT_INDICES = (".eisops-state",)

_MISSING_API = (400, 404, 405, 410, 501)


def _q(name: str) -> str:
    return urllib.parse.quote(name, safe="")


@dataclass
class Baseline:
    indices: set[str] = field(default_factory=set)
    data_streams: set[str] = field(default_factory=set)
    index_templates: set[str] = field(default_factory=set)
    component_templates: set[str] = field(default_factory=set)
    legacy_templates: set[str] = field(default_factory=set)
    pipelines: set[str] = field(default_factory=set)
    ilm_policies: set[str] = field(default_factory=set)
    inference: set[str] = field(default_factory=set)
    persistent: set[str] = field(default_factory=set)
    transient: set[str] = field(default_factory=set)

    def as_tuple(self) -> tuple:
        return tuple(frozenset(getattr(self, f)) for f in self.__dataclass_fields__)


def _get(node: EsNode, path: str) -> Any | None:
    """GET a listing; None when the distribution lacks the API.

    A missing API answers 400 ("no handler found", or e.g. ``/_data_stream``
    parsed as an index name when the data-streams module is absent) or 405
    (another route matched: ``/_ilm/policy`` on 8.19); an empty listing may
    answer 404 with ``{}`` (``/_ingest/pipeline``).
    """
    r = node.request("GET", path)
    if r.status == 404:
        return {} if isinstance(r.body, dict) and "error" not in r.body else None
    if r.status in _MISSING_API:
        return None
    if r.status != 200:
        raise RuntimeError(f"GET {path} -> HTTP {r.status}: {r.text[:300]}")
    return r.body


def _managed(obj: Any) -> bool:
    """Elasticsearch's own objects (``_meta.managed: true``), which it installs and keeps; an object
    a test wrote with eisops copies that flag from a built-in body but carries eisops' marker."""
    meta = obj.get("_meta") if isinstance(obj, dict) else None
    return isinstance(meta, dict) and meta.get("managed") is True and meta.get("managed_by") != "eisops"


def _index_templates(node: EsNode) -> dict[str, Any]:
    body = _get(node, "/_index_template")
    return {t["name"]: t.get("index_template", {}) for t in (body or {}).get("index_templates", [])}


def _component_templates(node: EsNode) -> dict[str, Any]:
    body = _get(node, "/_component_template")
    return {t["name"]: t.get("component_template", {}) for t in (body or {}).get("component_templates", [])}


def _inference(node: EsNode) -> dict[str, str]:
    body = _get(node, "/_inference/_all")
    if not isinstance(body, dict):
        return {}
    eps = body.get("endpoints", body.get("models", []))
    return {e["inference_id"]: e.get("task_type", "") for e in eps if isinstance(e, dict) and "inference_id" in e}


def _indices(node: EsNode) -> set[str]:
    body = _get(node, "/_cat/indices?format=json&h=index&expand_wildcards=all")
    return {row["index"] for row in body or [] if isinstance(row, dict)}


def _data_streams(node: EsNode) -> set[str]:
    body = _get(node, "/_data_stream?expand_wildcards=all")
    return {d["name"] for d in (body or {}).get("data_streams", [])} if isinstance(body, dict) else set()


def _flat_settings(node: EsNode) -> tuple[set[str], set[str]]:
    body = _get(node, "/_cluster/settings?flat_settings=true") or {}
    return set(body.get("persistent", {})), set(body.get("transient", {}))


def snapshot(node: EsNode) -> Baseline:
    b = Baseline()
    b.indices = _indices(node)
    b.data_streams = _data_streams(node)
    b.index_templates = set(_index_templates(node))
    b.component_templates = set(_component_templates(node))
    b.legacy_templates = set((_get(node, "/_template") or {}))
    b.pipelines = set((_get(node, "/_ingest/pipeline") or {}))
    b.ilm_policies = set((_get(node, "/_ilm/policy") or {}))
    b.inference = set(_inference(node))
    b.persistent, b.transient = _flat_settings(node)
    return b


def settled_snapshot(node: EsNode, quiet: float = 0.5, limit: float = 10.0) -> Baseline:
    """Snapshot until two in a row agree: built-in template registries install
    asynchronously after the cluster state is recovered."""
    deadline = time.monotonic() + limit
    prev = snapshot(node)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        cur = snapshot(node)
        if cur.as_tuple() == prev.as_tuple():
            return cur
        prev = cur
    return prev


def _deletable_name(name: str, baseline: set[str]) -> bool:
    return name not in baseline and not name.startswith(".")


def _delete(node: EsNode, path: str, what: str, errors: list[str]) -> None:
    r = node.request("DELETE", path)
    if r.status not in (200, 404):
        errors.append(f"{what}: HTTP {r.status} {r.text[:200]}")


def clean(node: EsNode, baseline: Baseline) -> list[str]:
    """Delete everything created since ``baseline``; return what was deleted.

    Order matters: data streams and indices first (a template or pipeline in
    use by an index can still be deleted, but a component template used by an
    index template cannot), then index templates, component templates,
    pipelines, ILM policies, inference endpoints, cluster settings.
    Raises RuntimeError listing what could not be deleted.
    """
    deleted: list[str] = []
    errors: list[str] = []

    streams = sorted(n for n in _data_streams(node) if _deletable_name(n, baseline.data_streams))
    for n in streams:
        _delete(node, f"/_data_stream/{_q(n)}?expand_wildcards=all", f"data stream {n}", errors)
        deleted.append(f"data_stream:{n}")

    indices = sorted(
        n for n in _indices(node)
        if n not in baseline.indices and (not n.startswith(".") or n in EISOPS_DOT_INDICES)
    )
    # Explicit names, a few per request (URLs stay short); hidden/closed too.
    for i in range(0, len(indices), 50):
        chunk = indices[i:i + 50]
        _delete(node, "/" + ",".join(_q(n) for n in chunk) + "?expand_wildcards=all&ignore_unavailable=true",
                f"indices {chunk}", errors)
        deleted.extend(f"index:{n}" for n in chunk)

    for name, body in sorted(_index_templates(node).items()):
        if _deletable_name(name, baseline.index_templates) and not _managed(body):
            _delete(node, f"/_index_template/{_q(name)}", f"index template {name}", errors)
            deleted.append(f"index_template:{name}")
    for name, body in sorted(_component_templates(node).items()):
        if _deletable_name(name, baseline.component_templates) and not _managed(body):
            _delete(node, f"/_component_template/{_q(name)}", f"component template {name}", errors)
            deleted.append(f"component_template:{name}")
    for name, body in sorted((_get(node, "/_template") or {}).items()):
        if _deletable_name(name, baseline.legacy_templates) and not _managed(body):
            _delete(node, f"/_template/{_q(name)}", f"legacy template {name}", errors)
            deleted.append(f"legacy_template:{name}")
    for name, body in sorted((_get(node, "/_ingest/pipeline") or {}).items()):
        if _deletable_name(name, baseline.pipelines) and not _managed(body):
            _delete(node, f"/_ingest/pipeline/{_q(name)}", f"pipeline {name}", errors)
            deleted.append(f"pipeline:{name}")
    for name, body in sorted((_get(node, "/_ilm/policy") or {}).items()):
        policy = body.get("policy", {}) if isinstance(body, dict) else {}
        if _deletable_name(name, baseline.ilm_policies) and not _managed(policy):
            _delete(node, f"/_ilm/policy/{_q(name)}", f"ILM policy {name}", errors)
            deleted.append(f"ilm_policy:{name}")
    for name, task in sorted(_inference(node).items()):
        if _deletable_name(name, baseline.inference):
            path = f"/_inference/{_q(task)}/{_q(name)}" if task else f"/_inference/{_q(name)}"
            _delete(node, path + "?force=true", f"inference endpoint {name}", errors)
            deleted.append(f"inference:{name}")

    persistent, transient = _flat_settings(node)
    reset: dict[str, dict[str, None]] = {}
    new_p = sorted(persistent - baseline.persistent)
    new_t = sorted(transient - baseline.transient)
    if new_p:
        reset["persistent"] = {k: None for k in new_p}
    if new_t:
        reset["transient"] = {k: None for k in new_t}
    if reset:
        r = node.request("PUT", "/_cluster/settings", reset)
        if r.status != 200:
            errors.append(f"cluster settings {reset}: HTTP {r.status} {r.text[:200]}")
        deleted.extend(f"setting:{k}" for k in new_p + new_t)

    if errors:
        raise RuntimeError("real_es cleanup could not delete: " + "; ".join(errors))
    return deleted
