"""The _inference API of the fake (reference section 1)."""

from __future__ import annotations

import pytest
from elasticsearch import ApiError, BadRequestError, ConflictError, NotFoundError

from .conftest import error_of

CHUNK_DEFAULT = {"strategy": "sentence", "max_chunk_size": 250, "sentence_overlap": 1}
ID_MSG = ("Validation Failed: 1: Invalid inference_id; '{}' can contain lowercase alphanumeric (a-z and 0-9), "
          "hyphens or underscores; must start and end with alphanumeric;")


def put(es, iid, task, config):
    return es.inference.put(inference_id=iid, task_type=task, inference_config=config)


JINA = {"service": "jinaai", "service_settings": {"model_id": "jina-embeddings-v3", "api_key": "secret"}}


# ---------------------------------------------------------------- preconfigured
ES_DEFAULTS = [".elser-2-elasticsearch", ".multilingual-e5-small-elasticsearch", ".rerank-v1-elasticsearch"]
#: The EIS endpoints a cluster advertises follow what its EIS offers at its version.
EIS_DEFAULTS = {
    "9.2.0": [".elastic-rerank-v1", ".elser-2-elastic", ".gp-llm-v2-chat_completion", ".jina-embeddings-v3",
              ".rainbow-sprinkles-elastic"],
    "9.3.0": [".elastic-rerank-v1", ".elser-2-elastic", ".gp-llm-v2-chat_completion", ".jina-embeddings-v3",
              ".jina-embeddings-v5-text-nano", ".jina-embeddings-v5-text-small",
              ".jina-reranker-v2-base-multilingual", ".jina-reranker-v3", ".rainbow-sprinkles-elastic"],
}


@pytest.mark.parametrize("version", sorted(EIS_DEFAULTS))
def test_preconfigured_endpoints_sorted(make_es, version):
    _, es = make_es(version=version)
    ids = [e["inference_id"] for e in es.inference.get()["endpoints"]]
    assert ids == sorted(ES_DEFAULTS + EIS_DEFAULTS[version])


def test_eis_models_follow_the_version(make_es):
    _, old = make_es(version="9.2.0")
    body = {"service": "elastic", "service_settings": {"model_id": "jina-embeddings-v5-text-small"}}
    with pytest.raises(BadRequestError) as caught:
        put(old, "v5", "text_embedding", body)
    assert "Unknown model [jina-embeddings-v5-text-small] for the [elastic] service" in str(caught.value)
    _, new = make_es(version="9.3.0")
    assert put(new, "v5", "text_embedding", body)["service_settings"] == {"model_id": "jina-embeddings-v5-text-small"}


def test_preconfigured_without_eis(make_es):
    _, client = make_es(eis=False)
    ids = [e["inference_id"] for e in client.inference.get()["endpoints"]]
    assert ids == [".elser-2-elasticsearch", ".multilingual-e5-small-elasticsearch", ".rerank-v1-elasticsearch"]
    with pytest.raises(BadRequestError) as exc:
        put(client, "x", "sparse_embedding", {"service": "elastic", "service_settings": {"model_id": "elser_model_2"}})
    assert error_of(exc)[2] == "Unknown service [elastic] for model [x]"


def test_preconfigured_shapes(es):
    elser = es.inference.get(inference_id=".elser-2-elasticsearch")["endpoints"][0]
    assert elser == {
        "inference_id": ".elser-2-elasticsearch", "task_type": "sparse_embedding", "service": "elasticsearch",
        "service_settings": {"num_threads": 1, "model_id": ".elser_model_2",
                             "adaptive_allocations": {"enabled": True, "min_number_of_allocations": 0, "max_number_of_allocations": 32}},
        "chunking_settings": CHUNK_DEFAULT,
    }
    jina = es.inference.get(inference_id=".jina-embeddings-v3")["endpoints"][0]
    assert jina["service_settings"] == {"model_id": "jina-embeddings-v3"}
    rerank = es.inference.get(inference_id=".jina-reranker-v3")["endpoints"][0]
    assert "chunking_settings" not in rerank and rerank["task_type"] == "rerank"


# ------------------------------------------------------------------- create
def test_create_jinaai_fills_defaults_and_hides_secret(es):
    resp = put(es, "my-jina", "text_embedding", JINA)
    expected = {
        "inference_id": "my-jina", "task_type": "text_embedding", "service": "jinaai",
        "service_settings": {"model_id": "jina-embeddings-v3", "rate_limit": {"requests_per_minute": 2000},
                             "dimensions": 1024, "embedding_type": "float", "similarity": "dot_product"},
        "chunking_settings": CHUNK_DEFAULT,
    }
    assert resp.body == expected
    assert es.inference.get(inference_id="my-jina")["endpoints"] == [expected]
    assert "secret" not in str(es.inference.get().body)


@pytest.mark.parametrize("model,dims", [("text-embedding-3-small", 1536), ("text-embedding-3-large", 3072), ("some-new-model", 1024)])
def test_create_openai_discovers_dimensions(es, model, dims):
    resp = put(es, "oa", "text_embedding", {"service": "openai", "service_settings": {"model_id": model, "api_key": "k"}})
    ss = resp["service_settings"]
    assert (ss["dimensions"], ss["similarity"], ss["rate_limit"]) == (dims, "dot_product", {"requests_per_minute": 3000})


def test_user_dimensions_and_similarity_kept(es):
    cfg = {"service": "jinaai", "service_settings": {"model_id": "jina-embeddings-v3", "api_key": "k", "dimensions": 256, "similarity": "cosine"}}
    ss = put(es, "j", "text_embedding", cfg)["service_settings"]
    assert (ss["dimensions"], ss["similarity"]) == (256, "cosine")


@pytest.mark.parametrize("service,task,settings,rpm", [
    ("cohere", "rerank", {"model_id": "rerank-v3.5", "api_key": "k"}, 10000),
    ("openai", "completion", {"model_id": "gpt-4o", "api_key": "k"}, 500),
    ("azureopenai", "text_embedding", {"resource_name": "r", "deployment_id": "d", "api_version": "v", "api_key": "k"}, 1440),
    ("azureopenai", "completion", {"resource_name": "r", "deployment_id": "d", "api_version": "v", "api_key": "k"}, 120),
    ("anthropic", "completion", {"model_id": "claude", "api_key": "k"}, 50),
    ("mistral", "text_embedding", {"model": "mistral-embed", "api_key": "k"}, 240),
    ("hugging_face", "text_embedding", {"url": "http://x", "api_key": "k"}, 3000),
    ("googlevertexai", "rerank", {"model_id": "m", "location": "l", "project_id": "p", "service_account_json": "{}"}, 30000),
])
def test_rate_limit_defaults(es, service, task, settings, rpm):
    cfg = {"service": service, "service_settings": settings}
    if service == "anthropic":
        cfg["task_settings"] = {"max_tokens": 10}
    assert put(es, "e", task, cfg)["service_settings"]["rate_limit"] == {"requests_per_minute": rpm}


def test_explicit_rate_limit_kept(es):
    cfg = {"service": "jinaai", "service_settings": {"model_id": "jina-reranker-v2-base-multilingual", "api_key": "k",
                                                      "rate_limit": {"requests_per_minute": 10}}}
    assert put(es, "r", "rerank", cfg)["service_settings"] == {"model_id": "jina-reranker-v2-base-multilingual",
                                                               "rate_limit": {"requests_per_minute": 10}}


def test_create_via_single_segment_path_with_task_type_in_body(es):
    es.perform_request("PUT", "/_inference/body-tt", headers={"content-type": "application/json", "accept": "application/json"},
                       body={"task_type": "rerank", "service": "jinaai", "service_settings": {"model_id": "jina-reranker-v3", "api_key": "k"}})
    assert es.inference.get(inference_id="body-tt")["endpoints"][0]["task_type"] == "rerank"


def test_task_settings_stored_and_shown(es):
    cfg = {**JINA, "task_settings": {"input_type": "ingest", "late_chunking": True}}
    assert put(es, "t", "text_embedding", cfg)["task_settings"] == {"input_type": "ingest", "late_chunking": True}


def test_create_is_create_only(es):
    put(es, "dup", "text_embedding", JINA)
    with pytest.raises(BadRequestError) as exc:
        put(es, "dup", "text_embedding", JINA)
    assert error_of(exc) == (400, "resource_already_exists_exception", "Inference endpoint [dup] already exists")


@pytest.mark.parametrize("iid", ["Upper", "-lead", "trail-", ".elser-2-elasticsearch", ".hidden", "_all", "sp ace"])
def test_invalid_ids(es, iid):
    with pytest.raises(BadRequestError) as exc:
        es.perform_request("PUT", f"/_inference/text_embedding/{iid.replace(' ', '%20')}",
                           headers={"content-type": "application/json", "accept": "application/json"}, body=JINA)
    assert error_of(exc) == (400, "action_request_validation_exception", ID_MSG.format(iid))


@pytest.mark.parametrize("iid", ["a", "a.b", "a_b-c9", "0"])
def test_valid_ids(es, iid):
    assert put(es, iid, "text_embedding", JINA)["inference_id"] == iid


CREATE_ERRORS = [
    ("missing service", "text_embedding", {"service_settings": {}}, "status_exception",
     "Inference endpoint configuration is missing the [service] setting"),
    ("unknown service", "text_embedding", {"service": "nope", "service_settings": {}}, "status_exception",
     "Unknown service [nope] for model [e]"),
    ("task type unsupported", "sparse_embedding", JINA, "status_exception",
     "The [jinaai] service does not support task type [sparse_embedding]"),
    ("unknown service setting", "text_embedding",
     {"service": "jinaai", "service_settings": {"model_id": "m", "api_key": "k", "foo": "bar"}}, "status_exception",
     "Model configuration contains settings [{foo=bar}] unknown to the [jinaai] service"),
    ("unknown task setting", "text_embedding", {**JINA, "task_settings": {"nope": 1}}, "status_exception",
     "Model configuration contains settings [{nope=1}] unknown to the [jinaai] service"),
    ("unknown top-level key", "text_embedding", {**JINA, "extra": {"a": 1}}, "status_exception",
     "Model configuration contains settings [{extra={a=1}}] unknown to the [jinaai] service"),
    ("missing service_settings", "text_embedding", {"service": "jinaai"}, "status_exception",
     "Missing required field [service_settings]"),
    ("missing model_id and api_key", "text_embedding", {"service": "jinaai", "service_settings": {}}, "validation_exception",
     "Validation Failed: 1: [service_settings] does not contain the required setting [model_id];"
     "2: [secret_settings] does not contain the required setting [api_key];"),
    ("chunking on rerank for elastic", "rerank",
     {"service": "elastic", "service_settings": {"model_id": "jina-reranker-v3"}, "chunking_settings": CHUNK_DEFAULT},
     "status_exception",
     "Model configuration contains settings [{chunking_settings={strategy=sentence, max_chunk_size=250, sentence_overlap=1}}] "
     "unknown to the [elastic] service"),
    ("elastic unknown model", "text_embedding", {"service": "elastic", "service_settings": {"model_id": "nope"}},
     "status_exception", None),
    ("elastic model task mismatch", "text_embedding",
     {"service": "elastic", "service_settings": {"model_id": "jina-reranker-v3"}}, "status_exception",
     "Model [jina-reranker-v3] does not support task type [text_embedding] in the [elastic] service"),
    ("elastic rate_limit refused (9.2)", "text_embedding",
     {"service": "elastic", "service_settings": {"model_id": "jina-embeddings-v3", "rate_limit": {"requests_per_minute": 5}}},
     "validation_exception",
     "Validation Failed: 1: [service_settings] rate limit settings are not permitted for service [elastic] and task type [text_embedding];"),
    ("elastic task settings", "sparse_embedding",
     {"service": "elastic", "service_settings": {"model_id": "elser_model_2"}, "task_settings": {"input_type": "x"}},
     "status_exception", "Model configuration contains settings [{input_type=x}] unknown to the [elastic] service"),
    ("elasticsearch unknown model", "sparse_embedding",
     {"service": "elasticsearch", "service_settings": {"model_id": "nope", "num_threads": 1, "num_allocations": 1}},
     "resource_not_found_exception", "Could not find trained model [nope]"),
    ("elasticsearch missing allocations", "sparse_embedding",
     {"service": "elasticsearch", "service_settings": {"model_id": ".elser_model_2", "num_threads": 1}},
     "validation_exception",
     "Validation Failed: 1: [service_settings] does not contain one of the required settings [num_allocations, adaptive_allocations];"),
]


@pytest.mark.parametrize("label,task,config,etype,reason", CREATE_ERRORS, ids=[c[0] for c in CREATE_ERRORS])
def test_create_errors(es, label, task, config, etype, reason):
    with pytest.raises(ApiError) as exc:
        put(es, "e", task, config)
    status, got_type, got_reason = error_of(exc)
    assert got_type == etype
    assert status == (404 if etype == "resource_not_found_exception" else 400)
    if reason is not None:
        assert got_reason == reason
    else:
        assert "[nope]" in got_reason and "[elastic]" in got_reason
    assert "e" not in {x["inference_id"] for x in es.inference.get()["endpoints"]}


def test_unknown_task_type_in_path(es):
    with pytest.raises(BadRequestError) as exc:
        put(es, "e", "bogus", JINA)
    assert error_of(exc) == (400, "status_exception", "Unknown task_type [bogus]")


CHUNKING_CASES = [
    ({"strategy": "sentence", "max_chunk_size": 100}, {"strategy": "sentence", "max_chunk_size": 100, "sentence_overlap": 1}),
    ({"strategy": "sentence", "max_chunk_size": 20, "sentence_overlap": 0}, {"strategy": "sentence", "max_chunk_size": 20, "sentence_overlap": 0}),
    ({"strategy": "word", "max_chunk_size": 100, "overlap": 50}, {"strategy": "word", "max_chunk_size": 100, "overlap": 50}),
    ({"strategy": "none"}, {"strategy": "none"}),
    ({"strategy": "recursive", "max_chunk_size": 200, "separator_group": "markdown"},
     {"strategy": "recursive", "max_chunk_size": 200, "separator_group": "markdown"}),
]


@pytest.mark.parametrize("given,stored", CHUNKING_CASES)
def test_chunking_settings_valid(es, given, stored):
    assert put(es, "c", "text_embedding", {**JINA, "chunking_settings": given})["chunking_settings"] == stored


CHUNKING_ERRORS = [
    ({"strategy": "paragraph", "max_chunk_size": 100}, "[strategy] must be one of [word, sentence, none, recursive]"),
    ({"strategy": "sentence", "max_chunk_size": 10}, "[max_chunk_size] must be a greater than or equal to [20]"),
    ({"strategy": "sentence", "max_chunk_size": 301}, "[max_chunk_size] must be a less than or equal to [300]"),
    ({"strategy": "sentence", "max_chunk_size": 100, "sentence_overlap": 2}, "[sentence_overlap] must be a less than or equal to [1]"),
    ({"strategy": "word", "max_chunk_size": 100, "overlap": 60}, "[overlap] must be a less than or equal to [50]"),
    ({"strategy": "word", "max_chunk_size": 100}, "does not contain the required setting [overlap]"),
    ({"strategy": "sentence", "max_chunk_size": 100, "overlap": 1}, "Sentence based chunking settings can not have the following settings: [overlap]"),
    ({"strategy": "none", "max_chunk_size": 100}, "None chunking settings can not have the following settings: [max_chunk_size]"),
    ({"max_chunk_size": 100}, "does not contain the required setting [strategy]"),
]


@pytest.mark.parametrize("given,fragment", CHUNKING_ERRORS)
def test_chunking_settings_invalid(es, given, fragment):
    with pytest.raises(BadRequestError) as exc:
        put(es, "c", "text_embedding", {**JINA, "chunking_settings": given})
    status, etype, reason = error_of(exc)
    assert (status, etype) == (400, "validation_exception")
    assert fragment in reason


def test_chunking_none_and_recursive_not_in_old_versions(make_es):
    _, client = make_es(version="9.0.0")
    with pytest.raises(BadRequestError) as exc:
        put(client, "c", "text_embedding", {**JINA, "chunking_settings": {"strategy": "none"}})
    assert "[strategy] must be one of [word, sentence]" in error_of(exc)[2]


# ------------------------------------------------------------------- EIS
@pytest.mark.parametrize("model,task", [
    ("jina-embeddings-v5-text-small", "text_embedding"), ("jina-embeddings-v5-text-nano", "text_embedding"),
    ("jina-embeddings-v3", "text_embedding"), ("jina-reranker-v3", "rerank"),
    ("jina-reranker-v2-base-multilingual", "rerank"), ("elser_model_2", "sparse_embedding"),
    ("rainbow-sprinkles", "chat_completion"),
])
def test_eis_models_expose_only_model_id_from_92(es, model, task):
    resp = put(es, "eis", task, {"service": "elastic", "service_settings": {"model_id": model}})
    assert resp["service_settings"] == {"model_id": model}
    assert ("chunking_settings" in resp) == (task in ("text_embedding", "sparse_embedding"))


@pytest.mark.parametrize("model,dims", [("jina-embeddings-v5-text-small", 1024), ("jina-embeddings-v5-text-nano", 768)])
def test_eis_text_embedding_stores_dims_and_cosine(es, fake_es, model, dims):
    put(es, "eis", "text_embedding", {"service": "elastic", "service_settings": {"model_id": model}})
    assert fake_es.state.endpoint_model_settings("eis") == {
        "service": "elastic", "task_type": "text_embedding", "dimensions": dims, "similarity": "cosine", "element_type": "float"}


def test_eis_rate_limit_shown_on_8x(make_es):
    _, client = make_es(version="8.19.8")
    resp = put(client, "eis", "chat_completion", {"service": "elastic", "service_settings": {
        "model_id": "rainbow-sprinkles", "rate_limit": {"requests_per_minute": 77}}})
    assert resp["service_settings"] == {"model_id": "rainbow-sprinkles", "rate_limit": {"requests_per_minute": 77}}
    pre = client.inference.get(inference_id=".rainbow-sprinkles-elastic")["endpoints"][0]
    assert "rate_limit" in pre["service_settings"]


# --------------------------------------------------------------------- GET
def test_get_variants(es):
    put(es, "a-emb", "text_embedding", JINA)
    put(es, "b-rr", "rerank", {"service": "jinaai", "service_settings": {"model_id": "jina-reranker-v3", "api_key": "k"}})
    assert [e["inference_id"] for e in es.inference.get(task_type="rerank", inference_id="_all")["endpoints"]] == \
        [".elastic-rerank-v1", ".jina-reranker-v2-base-multilingual", ".jina-reranker-v3", ".rerank-v1-elasticsearch",
         "b-rr"]
    assert es.inference.get(task_type="rerank", inference_id="b-rr")["endpoints"][0]["inference_id"] == "b-rr"
    all_ids = [e["inference_id"] for e in es.perform_request("GET", "/_inference/_all", headers={"accept": "application/json"})["endpoints"]]
    assert all_ids == sorted(all_ids) and "a-emb" in all_ids


def test_get_missing_and_mismatched(es):
    with pytest.raises(NotFoundError) as exc:
        es.inference.get(inference_id="nope")
    assert error_of(exc) == (404, "resource_not_found_exception", "Inference endpoint not found [nope]")
    put(es, "emb", "text_embedding", JINA)
    with pytest.raises(BadRequestError) as exc:
        es.inference.get(task_type="rerank", inference_id="emb")
    assert error_of(exc)[2] == "Requested task type [rerank] does not match the inference endpoint's task type [text_embedding]"


def test_services_catalogue(es):
    services = es.perform_request("GET", "/_inference/_services", headers={"accept": "application/json"}).body
    names = [s["service"] for s in services]
    assert {"elastic", "jinaai", "openai", "elasticsearch"} <= set(names)
    jina = next(s for s in services if s["service"] == "jinaai")
    assert jina["configurations"]["api_key"]["sensitive"] is True
    assert jina["configurations"]["model_id"]["required"] is True
    rerankers = es.perform_request("GET", "/_inference/_services/rerank", headers={"accept": "application/json"}).body
    assert "openai" not in [s["service"] for s in rerankers] and "jinaai" in [s["service"] for s in rerankers]


# ------------------------------------------------------------------ update
def test_update_merges_secrets_and_task_settings(es, fake_es):
    put(es, "u", "text_embedding", {**JINA, "task_settings": {"input_type": "ingest"}})
    resp = es.inference.update(inference_id="u", inference_config={
        "service_settings": {"api_key": "new"}, "task_settings": {"late_chunking": True}})
    assert resp["task_settings"] == {"input_type": "ingest", "late_chunking": True}
    assert fake_es.state.inference["u"]["secrets"] == {"api_key": "new"}
    assert "new" not in str(resp.body)
    assert resp["chunking_settings"] == CHUNK_DEFAULT


UPDATE_ERRORS = [
    ({"service": "openai"}, 400, "Request contained fields which cannot be updated, remove these fields and try again [service]"),
    ({"chunking_settings": CHUNK_DEFAULT}, 400,
     "Request contained fields which cannot be updated, remove these fields and try again [chunking_settings]"),
    ({"task_type": "rerank"}, 400, "Task type must match the task type of the existing endpoint"),
    ({}, 400, "Request body is empty"),
    ({"task_settings": {"bad": 1}}, 400, "Model configuration contains settings [{bad=1}] unknown to the [jinaai] service"),
]


@pytest.mark.parametrize("body,status,reason", UPDATE_ERRORS)
def test_update_errors(es, body, status, reason):
    put(es, "u", "text_embedding", JINA)
    with pytest.raises(ApiError) as exc:
        es.perform_request("PUT", "/_inference/u/_update", headers={"content-type": "application/json", "accept": "application/json"}, body=body)
    assert error_of(exc)[0] == status and error_of(exc)[2] == reason


def test_update_chunking_allowed_from_95(make_es):
    _, client = make_es(version="9.5.0")
    put(client, "u", "text_embedding", JINA)
    new = {"strategy": "word", "max_chunk_size": 100, "overlap": 10}
    assert client.inference.update(inference_id="u", inference_config={"chunking_settings": new})["chunking_settings"] == new


def test_update_missing_preconfigured_and_post(es, fake_es):
    with pytest.raises(NotFoundError):
        es.inference.update(inference_id="nope", inference_config={"task_settings": {}})
    with pytest.raises(BadRequestError) as exc:
        es.inference.update(inference_id=".elser-2-elasticsearch", inference_config={"service_settings": {"num_allocations": 2}})
    assert error_of(exc)[1] == "action_request_validation_exception"
    put(es, "u", "text_embedding", JINA)
    with pytest.raises(ApiError) as exc:
        es.perform_request("POST", "/_inference/u/_update", headers={"content-type": "application/json", "accept": "application/json"},
                           body={"task_settings": {}})
    assert exc.value.meta.status == 405


def test_update_with_task_type_path(es):
    put(es, "u", "text_embedding", JINA)
    assert es.inference.update(inference_id="u", task_type="text_embedding",
                               inference_config={"task_settings": {"input_type": "search"}})["task_settings"] == {"input_type": "search"}
    with pytest.raises(BadRequestError):
        es.inference.update(inference_id="u", task_type="rerank", inference_config={"task_settings": {}})


# ------------------------------------------------------------------ delete
def test_delete_plain(es):
    put(es, "d", "text_embedding", JINA)
    assert es.inference.delete(inference_id="d").body == {"acknowledged": True, "pipelines": [], "indexes": []}
    with pytest.raises(NotFoundError):
        es.inference.delete(inference_id="d")


def test_delete_blocked_by_pipeline_and_mapping(es):
    put(es, "d", "sparse_embedding", {"service": "elastic", "service_settings": {"model_id": "elser_model_2"}})
    es.ingest.put_pipeline(id="p", processors=[{"inference": {"model_id": "d", "input_output": [{"input_field": "a", "output_field": "b"}]}}])
    es.indices.create(index="idx", mappings={"properties": {"s": {"type": "semantic_text", "inference_id": "d"}}})
    es.indices.create(index="idx2", mappings={"properties": {"s": {"type": "semantic_text", "search_inference_id": "d"}}})
    expected = (
        "Inference endpoint d is referenced by pipelines: [p]. Ensure that no pipelines are using this inference endpoint, "
        "or use force to ignore this warning and delete the inference endpoint. Inference endpoint d is being used in the "
        "mapping for indexes: [idx, idx2]. Ensure that no index mappings are using this inference endpoint, or use force "
        "to ignore this warning and delete the inference endpoint."
    )
    dry = es.inference.delete(inference_id="d", dry_run=True)
    assert dry.body == {"acknowledged": False, "pipelines": ["p"], "indexes": ["idx", "idx2"], "error_message": expected}
    with pytest.raises(ConflictError) as exc:
        es.inference.delete(inference_id="d")
    assert error_of(exc) == (409, "status_exception", expected)
    assert es.inference.get(inference_id="d")["endpoints"]
    assert es.inference.delete(inference_id="d", force=True)["acknowledged"] is True
    with pytest.raises(NotFoundError):
        es.inference.get(inference_id="d")


def test_delete_only_index_reference_message_has_leading_space(es):
    put(es, "d", "text_embedding", JINA)
    es.indices.create(index="idx", mappings={"properties": {"s": {"type": "semantic_text", "inference_id": "d"}}})
    with pytest.raises(ConflictError) as exc:
        es.inference.delete(inference_id="d")
    assert error_of(exc)[2].startswith(" Inference endpoint d is being used in the mapping for indexes: [idx].")
    es.indices.delete(index="idx")
    assert es.inference.delete(inference_id="d")["acknowledged"] is True


def test_delete_dry_run_unreferenced_and_template_not_checked(es):
    put(es, "d", "text_embedding", JINA)
    es.indices.put_index_template(name="t", index_patterns=["x-*"], template={"mappings": {"properties": {
        "s": {"type": "semantic_text", "inference_id": "d"}}}})
    assert es.inference.delete(inference_id="d", dry_run=True).body == {
        "acknowledged": False, "pipelines": [], "indexes": [], "error_message": ""}
    assert es.inference.delete(inference_id="d")["acknowledged"] is True


def test_delete_task_type_mismatch(es):
    put(es, "d", "text_embedding", JINA)
    with pytest.raises(BadRequestError):
        es.inference.delete(inference_id="d", task_type="rerank")
    assert es.inference.get(inference_id="d")["endpoints"]
