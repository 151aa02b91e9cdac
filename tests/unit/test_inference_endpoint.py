"""Inference endpoint comparison: defaults Elasticsearch fills, hidden values, secrets, update or replace.

Planning takes no connection: these cases give the live state and the version, nothing else."""

import re

import pytest

from eisops import secrets as secrets_module
from eisops.cluster import records
from eisops.plan.model import Action
from eisops.resources.base import LiveObject, PlanContext
from eisops.resources.inference_endpoint import InferenceEndpointKind
from tests.helpers import manifest_from

KIND = InferenceEndpointKind()


_dirs = iter(range(10**6))


def endpoint_manifest(tmp_path, spec_yaml, task_type="text_embedding", name="ep"):
    tmp_path = tmp_path / f"m{next(_dirs)}"  # each manifest in a folder of its own
    text = f"kind: InferenceEndpoint\nname: {name}\ntask_type: {task_type}\nspec:\n" + "\n".join(
        "  " + line for line in spec_yaml.strip("\n").splitlines())
    return manifest_from(tmp_path, text)


def plan_against(tmp_path, spec_yaml, live_body, record=None, task_type="text_embedding", version="9.2.0"):
    manifest = endpoint_manifest(tmp_path, spec_yaml, task_type)
    resource = manifest.resources[0]
    ctx = PlanContext(manifest, version)
    live = LiveObject("ep", {"inference_id": "ep", **live_body}, True, {"record": record}, project="default")
    return KIND.plan_update(resource, live, ctx)


def applied_record(spec_yaml, tmp_path, task_type="text_embedding", secrets=None, salt="s"):
    """The record eisops writes after creating the endpoint of ``spec_yaml``."""
    manifest = endpoint_manifest(tmp_path, spec_yaml, task_type)
    ctx = PlanContext(manifest, "9.2.0")
    change = KIND.plan_create(manifest.resources[0], ctx)
    record_op = [op for op in change.operations if op.record][-1]  # the record once the create is made
    fingerprints = {where[1]: secrets_module.fingerprint(value, salt) for where, value in record_op.secrets}
    return {**record_op.body["record"], "salt": salt, "secrets": fingerprints}


EIS_SMALL = """
service: elastic
service_settings:
  model_id: jina-embeddings-v5-text-small
"""
EIS_LIVE_92 = {"task_type": "text_embedding", "service": "elastic",
               "service_settings": {"model_id": "jina-embeddings-v5-text-small"},
               "chunking_settings": {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}}


def test_eis_endpoint_as_elasticsearch_returns_it_is_unchanged(tmp_path):
    record = applied_record(EIS_SMALL, tmp_path)
    assert plan_against(tmp_path, EIS_SMALL, EIS_LIVE_92, record) is None


def test_eis_rate_limit_shown_by_older_versions_is_not_a_change(tmp_path):
    live = dict(EIS_LIVE_92, service_settings={"model_id": "jina-embeddings-v5-text-small",
                                               "rate_limit": {"requests_per_minute": 10000}})
    assert plan_against(tmp_path, EIS_SMALL, live, applied_record(EIS_SMALL, tmp_path), version="8.19.8") is None


def test_metadata_of_newer_versions_is_ignored(tmp_path):
    live = dict(EIS_LIVE_92, metadata={"heuristics": {"status": "ga"}, "display": {"name": "x"}})
    assert plan_against(tmp_path, EIS_SMALL, live, applied_record(EIS_SMALL, tmp_path)) is None


@pytest.mark.parametrize("chunking_yaml, live_chunking, changed", [
    ("", {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}, False),
    ("chunking_settings:\n  strategy: word", {"strategy": "word", "max_chunk_size": 250, "overlap": 100}, False),
    ("chunking_settings:\n  strategy: sentence\n  max_chunk_size: 200",
     {"strategy": "sentence", "max_chunk_size": 200, "sentence_overlap": 1}, False),
    ("chunking_settings:\n  strategy: sentence\n  max_chunk_size: 200",
     {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}, True),
    # an endpoint created before 8.16 got word chunking: that is drift from the manifest
    ("", {"strategy": "word", "max_chunk_size": 250, "overlap": 100}, True),
])
def test_chunking_defaults(tmp_path, chunking_yaml, live_chunking, changed):
    spec = EIS_SMALL + chunking_yaml
    record = applied_record(spec, tmp_path)
    change = plan_against(tmp_path, spec, dict(EIS_LIVE_92, chunking_settings=live_chunking), record)
    assert (change is not None) == changed
    if changed:
        assert change.action is Action.REPLACE  # chunking is not updatable before 9.5
        assert "chunking_settings" in change.reason


def test_chunking_change_is_an_update_from_9_5(tmp_path):
    spec = EIS_SMALL + "chunking_settings:\n  strategy: sentence\n  max_chunk_size: 200"
    change = plan_against(tmp_path, spec, EIS_LIVE_92, applied_record(spec, tmp_path), version="9.5.0")
    assert change.action is Action.UPDATE
    assert change.operations[0].body == {"chunking_settings": {"strategy": "sentence", "max_chunk_size": 200}}


def test_model_change_made_outside_eisops_is_drift_and_needs_replace(tmp_path):
    live = dict(EIS_LIVE_92, service_settings={"model_id": "jina-embeddings-v3"})
    change = plan_against(tmp_path, EIS_SMALL, live, applied_record(EIS_SMALL, tmp_path))
    assert change.action is Action.REPLACE
    assert change.requires == "--allow-replace"
    assert [(c.path, c.before, c.after) for c in change.changes] == [
        (("service_settings", "model_id"), "jina-embeddings-v3", "jina-embeddings-v5-text-small")]


def test_hidden_eis_dimensions_are_compared_with_the_record(tmp_path):
    """GET shows only model_id for EIS on 9.2+; a manifest change of dimensions must still show."""
    old = EIS_SMALL + "  dimensions: 512\n"
    new = EIS_SMALL + "  dimensions: 256\n"
    record = applied_record(old, tmp_path)
    assert plan_against(tmp_path, old, EIS_LIVE_92, record) is None
    change = plan_against(tmp_path, new, EIS_LIVE_92, record)
    assert [(c.path, c.before, c.after) for c in change.changes] == [(("service_settings", "dimensions"), 512, 256)]


JINA = """
service: jinaai
service_settings:
  model_id: jina-embeddings-v3
  api_key: ${env:JINA_API_KEY}
task_settings:
  late_chunking: false
"""
JINA_LIVE = {"task_type": "text_embedding", "service": "jinaai",
             "service_settings": {"model_id": "jina-embeddings-v3", "rate_limit": {"requests_per_minute": 2000},
                                  "dimensions": 1024, "embedding_type": "float", "similarity": "dot_product"},
             "task_settings": {"late_chunking": False},
             "chunking_settings": {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}}


def test_secret_unchanged_is_no_change(tmp_path, monkeypatch):
    monkeypatch.setenv("JINA_API_KEY", "key-1")
    record = applied_record(JINA, tmp_path)
    assert plan_against(tmp_path, JINA, JINA_LIVE, record) is None


def test_changed_secret_is_an_update_that_never_shows_the_value(tmp_path, monkeypatch):
    monkeypatch.setenv("JINA_API_KEY", "key-1")
    record = applied_record(JINA, tmp_path)
    monkeypatch.setenv("JINA_API_KEY", "key-2")
    change = plan_against(tmp_path, JINA, JINA_LIVE, record)
    assert change.action is Action.UPDATE
    assert [c.path for c in change.changes] == [("service_settings", "api_key")]
    assert change.changes[0].sensitive
    op = change.operations[0]
    assert "key-2" not in repr(change) and "key-2" not in str(change.to_dict())
    assert op.body_with_secrets() == {"service_settings": {"api_key": "key-2"}}
    assert "key-1" not in str(record) and "key-2" not in str(record)


def test_task_settings_change_is_an_update(tmp_path, monkeypatch):
    monkeypatch.setenv("JINA_API_KEY", "key-1")
    record = applied_record(JINA, tmp_path)
    spec = JINA.replace("late_chunking: false", "late_chunking: true")
    change = plan_against(tmp_path, spec, JINA_LIVE, record)
    assert change.action is Action.UPDATE
    assert change.operations[0].verb == "update"
    assert change.operations[0].body == {"task_settings": {"late_chunking": True}}


def test_missing_environment_variables_are_reported_when_the_manifests_are_loaded(tmp_path, monkeypatch):
    """Every variable that is not set, each at its file:line, in one run; planning never reads
    the environment."""
    monkeypatch.delenv("JINA_API_KEY", raising=False)
    monkeypatch.delenv("OTHER_KEY", raising=False)
    from eisops.errors import ManifestError
    with pytest.raises(ManifestError) as info:
        endpoint_manifest(tmp_path, JINA.replace("late_chunking: false", "input_type: ${env:OTHER_KEY}"))
    messages = [(d.line, d.message) for d in info.value.diagnostics]
    assert [m for _, m in messages] == [
        "service_settings.api_key comes from environment variable JINA_API_KEY, which is not set",
        "task_settings.input_type comes from environment variable OTHER_KEY, which is not set"]
    assert all(line > 1 for line, _ in messages)


def test_fingerprint_is_salted_and_memory_hard():
    from eisops import secrets
    assert secrets.fingerprint("k", "a") != secrets.fingerprint("k", "b")
    assert secrets.fingerprint("k", "a") == secrets.fingerprint("k", "a")
    assert secrets.fingerprint("k", "a").startswith("scrypt:") and secrets.SCRYPT["n"] >= 2**14


def test_rate_limit_for_eis_is_blocked_on_9_2(tmp_path):
    spec = EIS_SMALL + "  rate_limit:\n    requests_per_minute: 100\n"
    manifest = endpoint_manifest(tmp_path, spec)
    change = KIND.plan_create(manifest.resources[0], PlanContext(manifest, "9.2.0"))
    assert change.action is Action.BLOCKED
    assert "rate limit settings are not permitted for service [elastic]" in change.reason
    ok = KIND.plan_create(manifest.resources[0], PlanContext(manifest, "9.1.0"))
    assert ok.action is Action.CREATE


def test_delete_in_use_is_blocked(tmp_path):
    """Who uses the endpoint comes from the state read before planning: the pipelines read, and
    the semantic_text usage of every index; planning itself sends nothing."""
    manifest = endpoint_manifest(tmp_path, EIS_SMALL, name="other")
    ctx = PlanContext(manifest, "9.2.0")
    ctx.live["IngestPipeline"] = {"p": LiveObject("p", {"processors": [
        {"inference": {"model_id": "ep", "input_output": [{"input_field": "a", "output_field": "b"}]}}]}, True)}
    ctx.state["inference_usage"] = {"ep": ["i"]}
    change = KIND.plan_delete(LiveObject("ep", dict(EIS_LIVE_92, inference_id="ep"), True), ctx)
    assert change.action is Action.BLOCKED
    assert "ingest pipelines ['p']" in change.reason and "indices ['i']" in change.reason
    ctx.deleting |= {("IngestPipeline", "p"), ("Index", "i")}
    assert KIND.plan_delete(LiveObject("ep", EIS_LIVE_92, True), ctx).action is Action.DELETE


def test_created_endpoint_never_shows_its_secret(tmp_path, monkeypatch):
    from eisops.render.json import render_json
    from eisops.render.text import render_change
    monkeypatch.setenv("JINA_API_KEY", "very-secret")
    manifest = endpoint_manifest(tmp_path, JINA)
    change = KIND.plan_create(manifest.resources[0], PlanContext(manifest, "9.2.0"))
    assert change.sensitive_paths == (("service_settings", "api_key"),)
    text = "\n".join(render_change(change))
    assert re.search(r"\+ api_key +=  ?\(sensitive value\)", text), text
    assert "very-secret" not in text and "sha256:" not in text
    from eisops.plan.model import Plan
    assert "very-secret" not in render_json(Plan((change,)))


ELSER = """
service: elasticsearch
service_settings:
  model_id: .elser_model_2
  num_threads: 1
  num_allocations: 1
  adaptive_allocations: {enabled: true, min_number_of_allocations: 1, max_number_of_allocations: 4}
"""


@pytest.mark.parametrize("live_settings, changed", [
    # the platform build Elasticsearch picked, and allocations scaled by adaptive allocations
    ({"model_id": ".elser_model_2_linux-x86_64", "num_threads": 1, "num_allocations": 3,
      "adaptive_allocations": {"enabled": True, "min_number_of_allocations": 1, "max_number_of_allocations": 4}}, False),
    ({"model_id": ".elser_model_2", "num_threads": 1, "num_allocations": 1,
      "adaptive_allocations": {"enabled": True, "min_number_of_allocations": 1, "max_number_of_allocations": 4}}, False),
    ({"model_id": ".multilingual-e5-small_linux-x86_64", "num_threads": 1, "num_allocations": 1,
      "adaptive_allocations": {"enabled": True, "min_number_of_allocations": 1, "max_number_of_allocations": 4}}, True),
    ({"model_id": ".elser_model_2", "num_threads": 2, "num_allocations": 1,
      "adaptive_allocations": {"enabled": True, "min_number_of_allocations": 1, "max_number_of_allocations": 4}}, True),
])
def test_elasticsearch_service_rewrites_are_not_changes(tmp_path, live_settings, changed):
    live = {"task_type": "sparse_embedding", "service": "elasticsearch", "service_settings": live_settings,
            "chunking_settings": {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}}
    change = plan_against(tmp_path, ELSER, live, applied_record(ELSER, tmp_path, "sparse_embedding"),
                          task_type="sparse_embedding")
    assert (change is not None) is changed


E5_FIXED = """
service: elasticsearch
service_settings:
  model_id: .multilingual-e5-small
  num_allocations: 2
  num_threads: 1
"""


@pytest.mark.parametrize("live_settings, action, update_settings", [
    # the endpoint's own deployment scales in place (_update, 8.17+, elastic/elasticsearch#114457)
    ({"model_id": ".multilingual-e5-small", "num_threads": 1, "num_allocations": 1}, Action.UPDATE,
     {"num_allocations": 2}),
    ({"model_id": ".multilingual-e5-small", "num_threads": 1, "num_allocations": 1,
      "adaptive_allocations": {"enabled": True, "max_number_of_allocations": 4}}, Action.UPDATE,
     {"num_allocations": 2}),
    # num_threads is not an allocation setting: Elasticsearch cannot change it in place
    ({"model_id": ".multilingual-e5-small", "num_threads": 2, "num_allocations": 2}, Action.REPLACE, None),
])
def test_allocations_of_the_endpoints_own_deployment_are_updated_in_place(tmp_path, live_settings, action,
                                                                         update_settings):
    live = {"task_type": "text_embedding", "service": "elasticsearch", "service_settings": live_settings,
            "chunking_settings": {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}}
    change = plan_against(tmp_path, E5_FIXED, live, applied_record(E5_FIXED, tmp_path))
    assert change.action is action, change.reason
    if update_settings is not None:
        op, record = change.operations
        assert (op.verb, op.method, op.path) == ("update", "PUT", "/_inference/text_embedding/ep/_update")
        assert op.body == {"service_settings": update_settings}
        assert record.record and record.body["record"]["applied"]["service_settings"]["num_allocations"] == 2


@pytest.mark.parametrize("settings, task, problem", [
    ({"model_id": "jina-embeddings-v5-text-nano", "dimensions": 512}, "text_embedding", None),
    ({"model_id": "jina-embeddings-v5-text-nano", "dimensions": 1024}, "text_embedding",
     "produces 768 dimensions, or fewer by Matryoshka truncation: one of 32, 64, 128, 256, 512, 768; not 1024"),
    ({"model_id": "jina-embeddings-v5-text-small", "dimensions": 300}, "text_embedding", "not 300"),
    ({"model_id": "jina-reranker-v3"}, "text_embedding", "serves task type rerank, not text_embedding"),
    ({"model_id": "jina-reranker-v2"}, "rerank", None),
    ({"model_id": "jina-reranker-v2-base-multilingual"}, "rerank", None),
])
def test_the_model_catalog_checks_task_types_and_dimensions(settings, task, problem):
    from eisops.resources.inference_endpoint.models import eis_problems
    messages = [m for _, m in eis_problems({"service_settings": settings}, task)]
    assert (not messages) if problem is None else any(problem in m for m in messages), messages


@pytest.mark.parametrize("spec, task, where, problem", [
    # Documents per call: jina-reranker-v3 reranks at most 64 together (the Jina page).
    ({"service_settings": {"model_id": "jina-reranker-v3"}, "task_settings": {"top_n": 64}}, "rerank", None, None),
    ({"service_settings": {"model_id": "jina-reranker-v3"}, "task_settings": {"top_n": 65}}, "rerank",
     ("task_settings", "top_n"), "reranks at most 64 documents per call, so it cannot return top_n 65"),
    ({"service_settings": {"model_id": "jina-reranker-v2"}, "task_settings": {"top_n": 0}}, "rerank",
     ("task_settings", "top_n"), "[top_n] must be a positive integer"),
    ({"service_settings": {"model_id": "jina-embeddings-v3"}, "task_settings": {"top_n": 3}}, "text_embedding",
     ("task_settings", "top_n"), "top_n is a task setting of rerank endpoints"),
    # Tokens: the context window per input, and jina-reranker-v2's 1,024 per query-document pair.
    ({"service_settings": {"model_id": "jina-embeddings-v5-text-nano", "max_input_tokens": 8192}}, "text_embedding",
     None, None),
    ({"service_settings": {"model_id": "jina-embeddings-v5-text-nano", "max_input_tokens": 32768}}, "text_embedding",
     ("service_settings", "max_input_tokens"), "reads at most 8192 tokens per input; max_input_tokens is 32768"),
    ({"service_settings": {"model_id": "elser_model_2", "max_input_tokens": 1000}}, "sparse_embedding",
     ("service_settings", "max_input_tokens"), "model [elser_model_2] reads at most 512 tokens"),
    ({"service_settings": {"model_id": "jina-reranker-v2", "max_input_tokens": 2048}}, "rerank",
     ("service_settings", "max_input_tokens"), "reads at most 1024 tokens per input"),
])
def test_the_model_catalog_checks_document_and_token_limits(spec, task, where, problem):
    from eisops.resources.inference_endpoint.models import eis_problems
    problems = eis_problems(spec, task)
    if problem is None:
        assert problems == []
    else:
        assert [(w, m) for w, m in problems if problem in m and w == where], problems


@pytest.mark.parametrize("model, chunking, warning", [
    ("jina-embeddings-v5-text-small", {"strategy": "word", "max_chunk_size": 300, "overlap": 100}, None),
    ("elser_model_2", {"strategy": "sentence", "max_chunk_size": 250}, None),
    ("elser_model_2", {"strategy": "none"}, "chunking strategy none sends each value whole, and model "
                                             "[elser_model_2] reads at most 512 tokens"),
    ("jina-embeddings-v3", None, None),
])
def test_chunks_larger_than_the_context_window_are_a_warning(model, chunking, warning):
    from eisops.resources.inference_endpoint.models import eis_warnings
    spec = {"service_settings": {"model_id": model}, **({"chunking_settings": chunking} if chunking else {})}
    found = [m for _, m in eis_warnings(spec, "text_embedding")]
    assert found == ([] if warning is None else [found[0]]) and (warning is None or warning in found[0]), found


def test_chunk_size_is_compared_in_tokens(monkeypatch):
    from eisops.resources.inference_endpoint import models
    monkeypatch.setitem(models.EIS_MODELS, "tiny-model", {"task_types": ("text_embedding",), "context": 128})
    monkeypatch.setitem(models.EIS_MODEL_IDS, "tiny-model", "tiny-model")
    spec = {"service_settings": {"model_id": "tiny-model"}, "chunking_settings": {"strategy": "word", "max_chunk_size": 100}}
    ((where, message),) = models.eis_warnings(spec, "text_embedding")
    assert where == ("chunking_settings", "max_chunk_size") and "about 130 tokens" in message


PRECONFIGURED_93 = {
    ".jina-embeddings-v5-text-small": {"service": "elastic", "service_settings": {"model_id": "jina-embeddings-v5-text-small"}},
    ".jina-reranker-v2-base-multilingual": {"service": "elastic",
                                            "service_settings": {"model_id": "jina-reranker-v2-base-multilingual"}},
    ".elser-2-elasticsearch": {"service": "elasticsearch", "service_settings": {"model_id": ".elser_model_2"}},
}


@pytest.mark.parametrize("model, task, version, blocked", [
    ("jina-embeddings-v5-text-small", "text_embedding", "9.3.0", None),
    # The page's id and the preconfigured endpoint's id are one model.
    ("jina-reranker-v2", "rerank", "9.3.0", None),
    ("jina-embeddings-v5-text-nano", "text_embedding", "9.3.0",
     "does not offer model [jina-embeddings-v5-text-nano] (it offers jina-embeddings-v5-text-small, jina-reranker-v2)"),
    ("jina-embedings-v5-text-small", "text_embedding", "9.3.0", "Did you mean jina-embeddings-v5-text-small?"),
    ("jina-embeddings-v5-omni-nano", "text_embedding", "9.3.0",
     "The Elastic docs list [jina-embeddings-v5-omni-nano] from Elasticsearch 9.4; this cluster runs 9.3.0"),
])
def test_a_model_the_cluster_does_not_offer_is_blocked(tmp_path, model, task, version, blocked):
    manifest = endpoint_manifest(tmp_path, f"service: elastic\nservice_settings: {{model_id: {model}}}", task)
    ctx = PlanContext(manifest, version)
    ctx.live[KIND.kind] = {name: LiveObject(name, {"inference_id": name, **body}, False)
                           for name, body in PRECONFIGURED_93.items()}
    change = KIND.plan_create(manifest.resources[0], ctx)
    if blocked is None:
        assert change.action is Action.CREATE, change.reason
    else:
        assert change.action is Action.BLOCKED and blocked in change.reason, change.reason
        assert 'the create would fail with "Unknown model"' in change.reason


def test_without_an_advertised_offer_the_model_is_not_held_against_the_version(tmp_path):
    manifest = endpoint_manifest(tmp_path, "service: elastic\nservice_settings: {model_id: jina-embeddings-v5-text-small}")
    assert KIND.plan_create(manifest.resources[0], PlanContext(manifest, "9.2.0")).action is Action.CREATE


def test_an_unknown_elastic_model_is_a_warning_with_the_closest_ids(tmp_path):
    manifest = endpoint_manifest(tmp_path, "service: elastic\nservice_settings: {model_id: jina-embedings-v5-text-nano}")
    (warning,) = manifest.warnings
    assert "is not one eisops knows of the elastic service; did you mean jina-embeddings-v5-text-nano" in warning.message
    assert warning.line == 6


DIMS_THROUGH_PIPELINE = """
kind: InferenceEndpoint
name: nano
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}
---
kind: IngestPipeline
name: embed
spec:
  processors:
    - inference: {model_id: nano, input_output: [{input_field: body, output_field: body_vector}]}
---
kind: Index
name: docs
spec:
  settings: {index.default_pipeline: embed}
  mappings:
    properties:
      body: {type: text}
      body_vector: {type: dense_vector, dims: DIMS}
"""


@pytest.mark.parametrize("dims, problem", [(768, False), (1024, True)])
def test_a_dense_vector_filled_through_a_pipeline_must_have_the_endpoints_size(tmp_path, dims, problem):
    from eisops.errors import ManifestError
    text = DIMS_THROUGH_PIPELINE.replace("DIMS", str(dims))
    if not problem:
        manifest_from(tmp_path, text)
        return
    with pytest.raises(ManifestError) as info:
        manifest_from(tmp_path, text)
    assert ("dense_vector field [body_vector] has dims 1024, but pipeline [embed] (index.default_pipeline) fills it "
            "from inference endpoint [nano], whose embeddings have 768 dimensions") in info.value.diagnostics[0].message


SEMANTIC_WITH_MODEL_SETTINGS = """
kind: InferenceEndpoint
name: nano
task_type: text_embedding
spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}
---
kind: Index
name: docs
spec:
  mappings:
    properties:
      body:
        type: semantic_text
        inference_id: nano
        model_settings: SETTINGS
"""


@pytest.mark.parametrize("settings, problem", [
    ("{task_type: text_embedding, dimensions: 768, similarity: cosine, element_type: float}", None),
    ("{task_type: text_embedding, dimensions: 1024, similarity: cosine, element_type: float}",
     "semantic_text field [body] has model_settings with 1024 dimensions, but its inference endpoint [nano] "
     "produces 768"),
    ("{task_type: sparse_embedding}",
     "semantic_text field [body] has model_settings for task type sparse_embedding, but its inference endpoint "
     "[nano] is a text_embedding endpoint"),
])
def test_semantic_text_model_settings_must_match_the_endpoint(tmp_path, settings, problem):
    from eisops.errors import ManifestError
    text = SEMANTIC_WITH_MODEL_SETTINGS.replace("SETTINGS", settings)
    if problem is None:
        manifest_from(tmp_path, text)
        return
    with pytest.raises(ManifestError) as info:
        manifest_from(tmp_path, text)
    (diagnostic,) = info.value.diagnostics
    assert problem in diagnostic.message and diagnostic.line == 14, diagnostic.render()  # the model_settings line
