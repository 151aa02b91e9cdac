"""The pure planner: (manifests, live state, server version) -> plan, for each kind.

No cluster and no stub: the live state is given as Elasticsearch returns it, and each case says
which changes the plan holds, with the requests apply would send.
"""

from __future__ import annotations

import pytest

from eisops.planning.planner import plan_from_state
from eisops.resources.base import LiveObject, PlanContext
from tests.helpers import manifest_from

MARK = {"managed_by": "eisops", "eisops_project": "default"}
RECORD = {"task_type": "text_embedding", "service": "elastic", "salt": "s", "secrets": {},
          "applied": {"service_settings": {"model_id": "jina-embeddings-v5-text-nano"}, "task_settings": {}}}
EIS_LIVE = {"inference_id": "emb", "task_type": "text_embedding", "service": "elastic",
            "service_settings": {"model_id": "jina-embeddings-v5-text-nano"},
            "chunking_settings": {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}}
EIS = """
kind: InferenceEndpoint
name: emb
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: MODEL}}
"""
PIPELINE = """
kind: IngestPipeline
name: p
spec: {processors: [{set: {field: a, value: VALUE}}]}
"""
COMPONENT = """
kind: ComponentTemplate
name: c
spec: {template: {settings: {number_of_replicas: REPLICAS}}}
"""
TEMPLATE = """
kind: IndexTemplate
name: t
spec: {index_patterns: [t-*], priority: 300, composed_of: [c]}
"""
INDEX = """
kind: Index
name: i
spec: {settings: {refresh_interval: INTERVAL}, mappings: {properties: {k: {type: TYPE}}}}
"""


def _index_live(interval="1s", ftype="keyword"):
    return {"settings": {"index": {"refresh_interval": interval, "number_of_shards": "1"}},
            "mappings": {"_meta": {**MARK, "eisops_declared": {"settings": ["index.refresh_interval"], "aliases": []}},
                         "properties": {"k": {"type": ftype}}}, "aliases": {}}


# (manifest, live: kind -> name -> (body, managed), version, expected [(kind, name, action, [(method, path)])])
CASES = {
    "endpoint created": (EIS.replace("MODEL", "jina-embeddings-v5-text-nano"), {}, "9.3.0", [
        ("InferenceEndpoint", "emb", "create", [("", ""), ("PUT", "/_inference/text_embedding/emb"), ("", "")])]),
    "endpoint unchanged": (EIS.replace("MODEL", "jina-embeddings-v5-text-nano"),
                           {"InferenceEndpoint": {"emb": (EIS_LIVE, True)}}, "9.3.0", []),
    "endpoint model replaced": (EIS.replace("MODEL", "jina-embeddings-v5-text-small"),
                                {"InferenceEndpoint": {"emb": (EIS_LIVE, True)}}, "9.3.0", [
        ("InferenceEndpoint", "emb", "replace", [("DELETE", "/_inference/text_embedding/emb"), ("", ""),
                                                 ("PUT", "/_inference/text_embedding/emb"), ("", "")])]),
    "endpoint rate_limit refused on 9.2": (EIS.replace("MODEL", "jina-embeddings-v3, rate_limit: {requests_per_minute: 5}"),
                                           {}, "9.2.0", [("InferenceEndpoint", "emb", "blocked", [])]),
    "unmanaged endpoint is a conflict": (EIS.replace("MODEL", "jina-embeddings-v5-text-nano"),
                                         {"InferenceEndpoint": {"emb": (EIS_LIVE, False)}}, "9.3.0", [
        ("InferenceEndpoint", "emb", "conflict", [])]),
    "pipeline created": (PIPELINE.replace("VALUE", "1"), {}, "9.5.2", [
        ("IngestPipeline", "p", "create", [("PUT", "/_ingest/pipeline/p")])]),
    "pipeline updated": (PIPELINE.replace("VALUE", "2"), {"IngestPipeline": {"p": (
        {"processors": [{"set": {"field": "a", "value": 1}}], "_meta": MARK}, True)}}, "9.5.2", [
        ("IngestPipeline", "p", "update", [("PUT", "/_ingest/pipeline/p")])]),
    "managed pipeline no manifest declares is deleted": ("", {"IngestPipeline": {"gone": (
        {"processors": [], "_meta": MARK}, True)}}, "9.5.2", [
        ("IngestPipeline", "gone", "delete", [("DELETE", "/_ingest/pipeline/gone")])]),
    "unmanaged pipeline left alone": ("", {"IngestPipeline": {"theirs": ({"processors": []}, False)}}, "9.5.2", []),
    "component and index template created in order": (COMPONENT.replace("REPLICAS", "0") + "---" + TEMPLATE, {},
                                                      "9.5.2", [
        ("ComponentTemplate", "c", "create", [("PUT", "/_component_template/c")]),
        ("IndexTemplate", "t", "create", [("PUT", "/_index_template/t")])]),
    "component template as stored is unchanged": (COMPONENT.replace("REPLICAS", "0"), {"ComponentTemplate": {"c": (
        {"template": {"settings": {"index": {"number_of_replicas": "0"}}}, "_meta": MARK,
         "created_date_millis": 1, "modified_date_millis": 2}, True)}}, "9.5.2", []),
    "component template another template uses is not deleted": ("", {
        "ComponentTemplate": {"c": ({"template": {}, "_meta": MARK}, True)},
        "IndexTemplate": {"t": ({"index_patterns": ["t-*"], "priority": 300, "composed_of": ["c"]}, False)}},
        "9.5.2", [("ComponentTemplate", "c", "blocked", [])]),
    "index dynamic setting in place": (INDEX.replace("INTERVAL", "5s").replace("TYPE", "keyword"),
                                       {"Index": {"i": (_index_live(), True)}}, "9.5.2", [
        ("Index", "i", "update", [("PUT", "/i/_settings")])]),
    "index field type change is a migration": (INDEX.replace("INTERVAL", "1s").replace("TYPE", "long"),
                                               {"Index": {"i": (_index_live(), True)}}, "9.5.2", [
        ("Index", "i", "migrate", [("", "")])]),
    "index field type change blocked without migrations": (
        INDEX.replace("INTERVAL", "1s").replace("TYPE", "long").replace("name: i\n", "name: i\nmigrate: false\n"),
        {"Index": {"i": (_index_live(), True)}}, "9.5.2", [("Index", "i", "blocked", [])]),
    "managed index no manifest declares needs the flag": ("", {"Index": {"i": (_index_live(), True)}}, "9.5.2", [
        ("Index", "i", "delete", [("DELETE", "/i")])]),
}


@pytest.mark.parametrize("name", CASES)
def test_plan(tmp_path, name):
    text, live, version, expected = CASES[name]
    manifest = manifest_from(tmp_path, text, allow_empty=True)
    ctx = PlanContext(manifest, version)
    for kind, objects in live.items():
        ctx.live[kind] = {n: LiveObject(n, body, managed, project="default" if managed else None)
                          for n, (body, managed) in objects.items()}
    ctx.state["InferenceEndpoint"] = {"emb": RECORD} if live.get("InferenceEndpoint", {}).get("emb", (0, False))[1] else {}
    plan = plan_from_state(manifest, ctx)
    got = [(c.kind, c.name, c.action.value, [(o.method, o.path) for o in c.operations]) for c in plan.changes]
    assert got == expected


def test_levels_follow_the_dependency_order(tmp_path):
    manifest = manifest_from(tmp_path, COMPONENT.replace("REPLICAS", "0") + "---" + TEMPLATE + "---" + PIPELINE.replace(
        "VALUE", "1") + "---" + PIPELINE.replace("name: p", "name: caller").replace(
        "{set: {field: a, value: VALUE}}", "{pipeline: {name: p}}"), allow_empty=True)
    plan = plan_from_state(manifest, PlanContext(manifest, "9.5.2"))
    levels = {c.address: c.level for c in plan.changes}
    assert levels["IngestPipeline/p"] < levels["IngestPipeline/caller"] < levels["ComponentTemplate/c"] \
        < levels["IndexTemplate/t"]


SEMANTIC = """
kind: InferenceEndpoint
name: nano
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}
---
kind: InferenceEndpoint
name: nano-2
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}
---
kind: InferenceEndpoint
name: small
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-small}}
---
kind: Index
name: docs
spec: {mappings: {properties: {body: {type: semantic_text, inference_id: TARGET}}}}
"""


def _semantic_live(populated: bool) -> dict:
    field = {"type": "semantic_text", "inference_id": "nano"}
    if populated:  # Elasticsearch fills model_settings when the first document is embedded
        field["model_settings"] = {"task_type": "text_embedding", "dimensions": 768, "similarity": "cosine",
                                   "element_type": "float"}
    return {"settings": {"index": {"number_of_shards": "1"}},
            "mappings": {"_meta": {**MARK, "eisops_declared": {"settings": [], "aliases": []}},
                         "properties": {"body": field}}, "aliases": {}}


@pytest.mark.parametrize("target, populated, version, action, reason", [
    # Another endpoint of the same model: the vectors stay comparable (9.3+ changes it in place).
    ("nano-2", True, "9.3.0", "update", None),
    # Another model under documents already embedded: a migration, which re-embeds every document.
    ("small", True, "9.3.0", "migrate", "holds embeddings from [nano] (model jina-embeddings-v5-text-nano); [small] "
                                        "runs model jina-embeddings-v5-text-small"),
    ("small", True, "9.5.2", "migrate", "The way through: a new index whose field names the new endpoint"),
    # No document embedded yet: 9.3+ changes it in place, 9.2 refuses any change.
    ("small", False, "9.3.0", "update", None),
    ("small", False, "9.2.0", "migrate", "Elasticsearch before 9.3 fixes a semantic_text field's endpoint"),
])
def test_semantic_text_endpoint_change(tmp_path, target, populated, version, action, reason):
    manifest = manifest_from(tmp_path, SEMANTIC.replace("TARGET", target))
    ctx = PlanContext(manifest, version)
    ctx.live["Index"] = {"docs": LiveObject("docs", _semantic_live(populated), True, project="default")}
    ctx.live["InferenceEndpoint"] = {n: LiveObject(n, {**EIS_LIVE, "inference_id": n, "service_settings": {
        "model_id": "jina-embeddings-v5-text-small" if n == "small" else "jina-embeddings-v5-text-nano"}}, True,
        project="default") for n in ("nano", "nano-2", "small")}
    ctx.state["InferenceEndpoint"] = {n: {**RECORD, "applied": {"service_settings": dict(
        ctx.live["InferenceEndpoint"][n].body["service_settings"]), "task_settings": {}}} for n in ctx.live["InferenceEndpoint"]}
    (change,) = [c for c in plan_from_state(manifest, ctx).changes if c.kind == "Index"]
    assert change.action.value == action, change.reason
    if reason:
        (field,) = [c for c in change.changes if c.blocked_reason]
        assert reason in field.blocked_reason, field.blocked_reason
