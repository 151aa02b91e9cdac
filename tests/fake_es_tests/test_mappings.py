"""The fake's mapping engine through the client: create-index mappings, GET _mapping
serialisation, PUT _mapping merge rules, dense_vector / semantic_text (reference 2, 3.1, 3.2)."""

from __future__ import annotations

import pytest
from elasticsearch import ApiError, BadRequestError, ElasticsearchWarning, NotFoundError

from .conftest import error_of


def mapping_of(es, index="i"):
    return es.indices.get_mapping(index=index)[index]["mappings"]


def test_serialisation_normalises_like_es(es):
    es.indices.create(index="i", mappings={
        "dynamic": False,
        "_meta": {"owner": "eisops"},
        "properties": {
            "z": {"type": "keyword", "ignore_above": "256", "index": True, "doc_values": "true"},
            "a.b": {"type": "long"},
            "obj": {"type": "object", "properties": {"n": {"type": "integer"}}, "dynamic": "strict"},
            "empty": {"type": "object"},
            "t": {"type": "text", "fields": {"raw": {"type": "keyword"}, "a": {"type": "keyword"}}, "copy_to": "all"},
            "all": {"type": "text"},
            "n": {"type": "nested", "properties": {"x": {"type": "keyword"}}},
            "off": {"type": "object", "enabled": False},
        },
    })
    m = mapping_of(es)
    assert m == {
        "dynamic": "false",
        "_meta": {"owner": "eisops"},
        "properties": {
            "a": {"properties": {"b": {"type": "long"}}},
            "all": {"type": "text"},
            "empty": {"type": "object"},
            "n": {"type": "nested", "properties": {"x": {"type": "keyword"}}},
            "obj": {"dynamic": "strict", "properties": {"n": {"type": "integer"}}},
            "off": {"type": "object", "enabled": False},
            "t": {"type": "text", "copy_to": ["all"], "fields": {"a": {"type": "keyword"}, "raw": {"type": "keyword"}}},
            "z": {"type": "keyword", "ignore_above": 256},
        },
    }
    assert list(m["properties"]) == sorted(m["properties"])
    assert list(m["properties"]["t"]["fields"]) == ["a", "raw"]


KNOWN_TYPES = ["text", "keyword", "long", "integer", "short", "byte", "double", "float", "half_float", "boolean", "date",
               "date_nanos", "flattened", "ip", "geo_point", "geo_shape", "binary", "sparse_vector", "rank_feature",
               "rank_features", "search_as_you_type", "match_only_text", "wildcard", "constant_keyword", "completion",
               "unsigned_long", "version", "percolator"]


@pytest.mark.parametrize("ftype", KNOWN_TYPES)
def test_known_types_accepted(es, ftype):
    es.indices.create(index="i", mappings={"properties": {"f": {"type": ftype}}})
    # completion always shows its defaults (8.19.21, 9.5.2).
    shown = ({"analyzer": "simple", "max_input_length": 50, "preserve_position_increments": True,
              "preserve_separators": True} if ftype == "completion" else {})
    assert mapping_of(es)["properties"]["f"] == {"type": ftype, **shown}


@pytest.mark.parametrize("defn", [
    {"type": "scaled_float", "scaling_factor": 100},
    {"type": "alias", "path": "other"},
    {"type": "token_count", "analyzer": "standard"},
])
def test_types_with_required_params(es, defn):
    es.indices.create(index="i", mappings={"properties": {"f": defn, "other": {"type": "long"}}})
    got = mapping_of(es)["properties"]["f"]
    assert got["type"] == defn["type"] and len(got) == 2


UNKNOWN_TYPE_TAIL = "It might have been created within a future version or requires a plugin to be installed. Check the documentation."
# Inner errors ES raises as plain IllegalArgumentExceptions: "Failed to parse mapping" is then the root cause.
JAVA_INNER = {
    "Field [similarity] can only be specified for a field of type [dense_vector] when it is indexed",
    "bbq_hnsw does not support dimensions fewer than 64; provided=32",
    "Failed to parse value [yes] as only [true] or [false] are allowed.",
}
MAPPING_ERRORS = [
    ({"f": {"type": "foo"}}, "The mapper type [foo] declared on field [f] does not exist. " + UNKNOWN_TYPE_TAIL),
    ({"f": {"type": "keyword", "analyzer": "standard"}}, "unknown parameter [analyzer] on mapper [f] of type [keyword]"),
    ({"o": {"properties": {"f": {"type": "long", "ignore_above": 1}}}}, "unknown parameter [ignore_above] on mapper [f] of type [long]"),
    ({"f": {"type": "text", "fields": {"k": {"type": "nope"}}}},
     "The mapper type [nope] declared on field [k] does not exist. " + UNKNOWN_TYPE_TAIL),
    ({"f": {"type": "scaled_float"}}, "Field [scaling_factor] is required"),
    ({"f": {"type": "dense_vector", "dims": 5000}}, "The number of dimensions should be in the range [1, 4096] but was [5000]"),
    ({"f": {"type": "dense_vector", "dims": 3, "index": False, "similarity": "cosine"}},
     "Field [similarity] can only be specified for a field of type [dense_vector] when it is indexed"),
    ({"f": {"type": "dense_vector", "dims": 3, "similarity": "hamming"}},
     "Unknown value [hamming] for field [similarity] - accepted values are [l2_norm, cosine, dot_product, max_inner_product]"),
    ({"f": {"type": "dense_vector", "dims": 32, "index_options": {"type": "bbq_hnsw"}}},
     "bbq_hnsw does not support dimensions fewer than 64; provided=32"),
    ({"n": {"type": "nested", "properties": {"s": {"type": "semantic_text"}}}}, "semantic_text field [n.s] cannot be nested"),
    ({"f": {"type": "semantic_text", "fields": {"k": {"type": "keyword"}}}}, "unknown parameter [fields] on mapper [f] of type [semantic_text]"),
    ({"o": {"type": "object", "foo": 1}}, "Mapping definition for [o] has unsupported parameters:  [foo : 1]"),
    ({"f": {"type": "boolean", "index": "yes"}}, "Failed to parse value [yes] as only [true] or [false] are allowed."),
]


@pytest.mark.parametrize("props,reason", MAPPING_ERRORS, ids=[e[1][:45] for e in MAPPING_ERRORS])
def test_mapping_errors_on_create(es, props, reason):
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="i", mappings={"properties": props})
    err = exc.value.body["error"]
    assert (err["type"], err["reason"]) == ("mapper_parsing_exception", f"Failed to parse mapping: {reason}")
    root = f"Failed to parse mapping: {reason}" if reason in JAVA_INNER else reason
    assert err["caused_by"]["reason"] == reason and err["root_cause"][0]["reason"] == root
    assert not es.indices.exists(index="i")


def test_root_unsupported_parameter(es):
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="i", mappings={"foo": "bar"})
    assert error_of(exc)[2] == "Failed to parse mapping: Root mapping definition has unsupported parameters:  [foo : bar]"


# ------------------------------------------------------------- dense_vector
@pytest.mark.parametrize("version,dims,expected", [
    ("9.2.0", 1024, {"type": "bbq_hnsw", "m": 16, "ef_construction": 100, "rescore_vector": {"oversample": 3.0}}),
    ("9.2.0", 384, {"type": "bbq_hnsw", "m": 16, "ef_construction": 100, "rescore_vector": {"oversample": 3.0}}),
    ("9.2.0", 128, {"type": "int8_hnsw", "m": 16, "ef_construction": 100}),
    ("9.0.0", 1024, {"type": "int8_hnsw", "m": 16, "ef_construction": 100}),
    # No bbq default on 8.19 (8.19.21 shows int8_hnsw for 384 dims).
    ("8.19.8", 1024, {"type": "int8_hnsw", "m": 16, "ef_construction": 100}),
])
def test_dense_vector_defaults(make_es, version, dims, expected):
    _, client = make_es(version=version)
    client.indices.create(index="i", mappings={"properties": {"v": {"type": "dense_vector", "dims": dims}}})
    assert mapping_of(client)["properties"]["v"] == {"type": "dense_vector", "dims": dims, "index": True,
                                                     "similarity": "cosine", "index_options": expected}


def test_dense_vector_not_indexed_and_byte(es):
    es.indices.create(index="i", mappings={"properties": {
        "a": {"type": "dense_vector", "dims": 3, "index": False},
        "b": {"type": "dense_vector", "dims": 3, "element_type": "byte", "similarity": "l2_norm"}}})
    props = mapping_of(es)["properties"]
    assert props["a"] == {"type": "dense_vector", "dims": 3, "index": False}
    assert "index_options" not in props["b"]  # the plain hnsw default is not serialised (8.19.21, 9.5.2)
    assert props["b"]["element_type"] == "byte" and props["b"]["similarity"] == "l2_norm"


DENSE_UPDATES = [
    ({"type": "dense_vector", "dims": 768}, "Cannot update parameter [dims] from [384] to [768]"),
    ({"type": "dense_vector", "dims": 384, "similarity": "dot_product"}, "Cannot update parameter [similarity] from [cosine] to [dot_product]"),
    ({"type": "dense_vector", "dims": 384, "element_type": "byte"}, "Cannot update parameter [element_type] from [float] to [byte]"),
    ({"type": "dense_vector", "dims": 384, "index_options": {"type": "hnsw"}}, "Cannot update parameter [index_options] from"),
]


@pytest.mark.parametrize("update,fragment", DENSE_UPDATES)
def test_dense_vector_update_conflicts(make_es, update, fragment):
    _, client = make_es(version="9.0.0")  # default int8_hnsw
    client.indices.create(index="i", mappings={"properties": {"v": {"type": "dense_vector", "dims": 384}}})
    with pytest.raises(BadRequestError) as exc:
        client.indices.put_mapping(index="i", properties={"v": update})
    status, etype, reason = error_of(exc)
    assert (status, etype) == (400, "illegal_argument_exception")
    assert reason.startswith("Mapper for [v] conflicts with existing mapper:\n\t" + fragment)


def test_dense_vector_allowed_updates(make_es):
    _, client = make_es(version="9.0.0")
    client.indices.create(index="i", mappings={"properties": {"v": {"type": "dense_vector"}}})
    client.indices.put_mapping(index="i", properties={"v": {"type": "dense_vector", "dims": 64}})
    client.indices.put_mapping(index="i", properties={"v": {"type": "dense_vector", "dims": 64, "index_options": {"type": "int4_hnsw", "m": 32}}})
    # int4 shows its confidence_interval up to 9.3 (9.2.8 is like the fake's default 9.2.0).
    assert mapping_of(client)["properties"]["v"]["index_options"] == {"type": "int4_hnsw", "m": 32, "ef_construction": 100,
                                                                      "confidence_interval": 0.0}
    assert mapping_of(client)["properties"]["v"]["dims"] == 64


# ------------------------------------------------------------ semantic_text
@pytest.mark.parametrize("version,eis,default_id", [
    ("9.2.0", True, ".elser-2-elastic"), ("9.2.0", False, ".elser-2-elasticsearch"),
    ("8.19.8", True, ".elser-2-elasticsearch"), ("9.4.0", True, ".jina-embeddings-v5-text-small"),
])
def test_semantic_text_default_inference_id(make_es, version, eis, default_id):
    _, client = make_es(version=version, eis=eis)
    client.indices.create(index="i", mappings={"properties": {"s": {"type": "semantic_text"}}})
    assert mapping_of(client)["properties"]["s"] == {"type": "semantic_text", "inference_id": default_id}


def test_semantic_text_model_settings_filled_by_first_document(es):
    es.inference.put(inference_id="emb", task_type="text_embedding", inference_config={
        "service": "jinaai", "service_settings": {"model_id": "jina-embeddings-v3", "api_key": "k"}})
    es.indices.create(index="i", mappings={"properties": {"s": {"type": "semantic_text", "inference_id": "emb"},
                                                          "sp": {"type": "semantic_text", "inference_id": ".elser-2-elasticsearch"}}})
    assert "model_settings" not in mapping_of(es)["properties"]["s"]
    es.index(index="i", id="1", document={"s": "hello", "sp": "world"})
    props = mapping_of(es)["properties"]
    assert props["s"]["model_settings"] == {"service": "jinaai", "task_type": "text_embedding", "dimensions": 1024,
                                            "similarity": "dot_product", "element_type": "float"}
    assert props["s"]["index_options"] == {"dense_vector": {"type": "bbq_hnsw", "m": 16, "ef_construction": 100,
                                                            "rescore_vector": {"oversample": 3.0}}}
    assert props["sp"]["model_settings"] == {"service": "elasticsearch", "task_type": "sparse_embedding"}


def test_semantic_text_model_settings_without_service_on_old_versions(make_es):
    _, client = make_es(version="9.0.0")
    client.indices.create(index="i", mappings={"properties": {"s": {"type": "semantic_text", "inference_id": ".multilingual-e5-small-elasticsearch"}}})
    client.index(index="i", id="1", document={"s": "x"})
    assert mapping_of(client)["properties"]["s"]["model_settings"] == {
        "task_type": "text_embedding", "dimensions": 384, "similarity": "cosine", "element_type": "float"}


def test_semantic_text_missing_endpoint_fails_indexing(es):
    es.indices.create(index="i", mappings={"properties": {"s": {"type": "semantic_text", "inference_id": "ghost"}}})
    with pytest.raises(NotFoundError) as exc:
        es.index(index="i", id="1", document={"s": "x"})
    assert error_of(exc) == (404, "resource_not_found_exception", "Inference id [ghost] not found for field [s]")
    assert es.count(index="i")["count"] == 0


@pytest.mark.parametrize("version,ok", [("9.2.0", False), ("9.3.0", True)])
def test_semantic_text_inference_id_update(make_es, version, ok):
    _, client = make_es(version=version)
    client.indices.create(index="i", mappings={"properties": {"s": {"type": "semantic_text", "inference_id": ".elser-2-elasticsearch"}}})
    update = {"s": {"type": "semantic_text", "inference_id": ".elser-2-elastic"}}
    if ok:
        client.indices.put_mapping(index="i", properties=update)
        assert mapping_of(client)["properties"]["s"]["inference_id"] == ".elser-2-elastic"
    else:
        with pytest.raises(BadRequestError) as exc:
            client.indices.put_mapping(index="i", properties=update)
        assert error_of(exc)[2] == ("Mapper for [s] conflicts with existing mapper:\n\tCannot update parameter [inference_id] "
                                    "from [.elser-2-elasticsearch] to [.elser-2-elastic]")


def test_semantic_text_incompatible_inference_id_update_after_docs(make_es):
    _, client = make_es(version="9.3.0")
    client.indices.create(index="i", mappings={"properties": {"s": {"type": "semantic_text", "inference_id": ".elser-2-elasticsearch"}}})
    client.index(index="i", id="1", document={"s": "x"})
    with pytest.raises(BadRequestError) as exc:
        client.indices.put_mapping(index="i", properties={"s": {"type": "semantic_text", "inference_id": ".jina-embeddings-v3"}})
    assert "is not compatible with new inference endpoint [.jina-embeddings-v3]" in error_of(exc)[2]
    with pytest.raises(BadRequestError) as exc:
        client.indices.put_mapping(index="i", properties={"s": {"type": "semantic_text", "inference_id": "ghost"}})
    assert error_of(exc)[2] == "Cannot update [semantic_text] field [s] because inference endpoint [ghost] does not exist."


def test_semantic_text_updatable_params(es):
    es.indices.create(index="i", mappings={"properties": {"s": {"type": "semantic_text", "inference_id": ".elser-2-elastic"}}})
    es.indices.put_mapping(index="i", properties={"s": {"type": "semantic_text", "inference_id": ".elser-2-elastic",
                                                        "search_inference_id": ".elser-2-elasticsearch",
                                                        "chunking_settings": {"strategy": "none"}}})
    assert mapping_of(es)["properties"]["s"] == {"type": "semantic_text", "inference_id": ".elser-2-elastic",
                                                 "search_inference_id": ".elser-2-elasticsearch",
                                                 "chunking_settings": {"strategy": "none"}}


# --------------------------------------------------------------- PUT _mapping
def test_put_mapping_merges_and_never_removes(es):
    es.indices.create(index="i", mappings={"properties": {"a": {"type": "keyword"}, "o": {"properties": {"x": {"type": "long"}}}}})
    es.indices.put_mapping(index="i", properties={"b": {"type": "long"}, "o": {"properties": {"y": {"type": "long"}}}},
                           meta={"v": 2}, dynamic="strict")
    m = mapping_of(es)
    assert m["properties"] == {"a": {"type": "keyword"}, "b": {"type": "long"},
                               "o": {"properties": {"x": {"type": "long"}, "y": {"type": "long"}}}}
    assert m["_meta"] == {"v": 2} and m["dynamic"] == "strict"


MERGE_CONFLICTS = [
    ({"type": "long"}, {"type": "keyword"}, "mapper [f] cannot be changed from type [long] to [keyword]"),
    ({"type": "text", "analyzer": "standard"}, {"type": "text", "analyzer": "english"},
     "Mapper for [f] conflicts with existing mapper:\n\tCannot update parameter [analyzer] from [standard] to [english]"),
    ({"type": "keyword", "index": False}, {"type": "keyword"},
     "Mapper for [f] conflicts with existing mapper:\n\tCannot update parameter [index] from [false] to [true]"),
    ({"type": "keyword"}, {"type": "keyword", "doc_values": False, "store": True},
     "Mapper for [f] conflicts with existing mapper:\n\tCannot update parameter [doc_values] from [true] to [false]\n\t"
     "Cannot update parameter [store] from [false] to [true]"),
    ({"type": "text", "norms": False}, {"type": "text", "norms": True},
     "Mapper for [f] conflicts with existing mapper:\n\tCannot update parameter [norms] from [false] to [true]"),
    ({"type": "date", "format": "yyyy"}, {"type": "date"},
     "Mapper for [f] conflicts with existing mapper:\n\tCannot update parameter [format] from [yyyy] to "
     "[strict_date_optional_time||epoch_millis]"),
    ({"type": "keyword"}, {"properties": {"x": {"type": "long"}}}, "can't merge a non object mapping [f] with an object mapping"),
]


def test_object_enabled_not_updatable(es):
    # A MapperException: HTTP 500 (8.19.21, 9.5.2).
    es.indices.create(index="i", mappings={"properties": {"f": {"type": "object", "enabled": False}}})
    with pytest.raises(ApiError) as exc:
        es.indices.put_mapping(index="i", properties={"f": {"type": "object", "enabled": True}})
    assert error_of(exc) == (500, "mapper_exception", "the [enabled] parameter can't be updated for the object mapping [f]")


# Messages as 9.2 words them (9.3 shows doc_values as Values[enabled=..., cardinality=...]).
@pytest.mark.parametrize("fake_es_version", ["9.2.0"])
@pytest.mark.parametrize("before,after,reason", MERGE_CONFLICTS, ids=[c[2][:40] for c in MERGE_CONFLICTS])
def test_put_mapping_conflicts(es, before, after, reason):
    es.indices.create(index="i", mappings={"properties": {"f": before}})
    snapshot = mapping_of(es)
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_mapping(index="i", properties={"f": after})
    assert error_of(exc) == (400, "illegal_argument_exception", reason)
    assert mapping_of(es) == snapshot


@pytest.mark.parametrize("before,after,result", [
    ({"type": "keyword", "ignore_above": 10}, {"type": "keyword", "ignore_above": 20}, {"type": "keyword", "ignore_above": 20}),
    ({"type": "text", "search_analyzer": "standard", "analyzer": "standard"}, {"type": "text", "analyzer": "standard", "search_analyzer": "simple"},
     {"type": "text", "analyzer": "standard", "search_analyzer": "simple"}),
    ({"type": "text"}, {"type": "text", "norms": False}, {"type": "text", "norms": False}),
    ({"type": "long"}, {"type": "long", "ignore_malformed": True, "meta": {"unit": "ms"}},
     {"type": "long", "ignore_malformed": True, "meta": {"unit": "ms"}}),
    ({"type": "text"}, {"type": "text", "fields": {"raw": {"type": "keyword"}}}, {"type": "text", "fields": {"raw": {"type": "keyword"}}}),
    ({"type": "keyword", "fields": {"a": {"type": "keyword"}}}, {"type": "keyword", "fields": {"b": {"type": "keyword"}}},
     {"type": "keyword", "fields": {"a": {"type": "keyword"}, "b": {"type": "keyword"}}}),
    ({"type": "object", "properties": {"x": {"type": "long"}}}, {"dynamic": False, "properties": {}},
     {"dynamic": "false", "properties": {"x": {"type": "long"}}}),
])
def test_put_mapping_allowed_updates(es, before, after, result):
    es.indices.create(index="i", mappings={"properties": {"f": before}})
    es.indices.put_mapping(index="i", properties={"f": after})
    assert mapping_of(es)["properties"]["f"] == result


def test_put_mapping_error_types(es):
    es.indices.create(index="i")
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_mapping(index="i", properties={"f": {"type": "keyword", "bogus": 1}})
    assert error_of(exc) == (400, "mapper_parsing_exception", "unknown parameter [bogus] on mapper [f] of type [keyword]")


def test_runtime_dynamic_templates_and_meta(es):
    es.indices.create(index="i", mappings={
        "runtime": {"day": {"type": "keyword", "script": {"source": "emit('x')"}}},
        "dynamic_templates": [{"strings": {"match_mapping_type": "string", "mapping": {"type": "keyword"}}}],
    })
    es.indices.put_mapping(index="i", runtime={"day": None, "hour": {"type": "long"}},
                           dynamic_templates=[{"longs": {"match_mapping_type": "long", "mapping": {"type": "integer"}}}])
    m = mapping_of(es)
    assert m["runtime"] == {"hour": {"type": "long"}}
    assert [next(iter(t)) for t in m["dynamic_templates"]] == ["strings", "longs"]
    with pytest.raises(BadRequestError) as exc:
        es.indices.put_mapping(index="i", runtime={"x": {"type": "text"}})
    assert error_of(exc)[2] == "No handler for type [text] declared on runtime field [x]"


# ---- version gates of the behaviours tests/differential compares on 8.19.21 and 9.5.2
@pytest.mark.parametrize("version,kept", [("8.18.0", True), ("8.19.21", True), ("9.0.0", False), ("9.5.2", False)])
def test_source_mode_kept_only_before_9(make_es, version, kept):
    # _source.mode is a no-op an index does not keep from 9.0.0 (elastic/elasticsearch#119072);
    # both warn that it is deprecated.
    _, client = make_es(version=version)
    with pytest.warns(ElasticsearchWarning, match="Configuring source mode in mappings is deprecated"):
        client.indices.create(index="i", mappings={"_source": {"mode": "synthetic"}})
    assert mapping_of(client) == ({"_source": {"mode": "synthetic"}} if kept else {})


@pytest.mark.filterwarnings("ignore::elasticsearch.ElasticsearchWarning")
@pytest.mark.parametrize("version,refused", [("8.19.21", True), ("9.0.0", False)])
def test_synthetic_source_filtering_from_mapping_mode(make_es, version, refused):
    _, client = make_es(version=version)
    body = {"_source": {"mode": "synthetic", "excludes": ["a"]}}
    if refused:
        with pytest.raises(BadRequestError) as exc:
            client.indices.create(index="i", mappings=body)
        assert "filtering the stored _source is incompatible with synthetic source" in error_of(exc)[2]
    else:
        client.indices.create(index="i", mappings=body)
        assert mapping_of(client) == {"_source": {"excludes": ["a"]}}
    with pytest.raises(BadRequestError):  # the index setting makes it synthetic on every version
        client.indices.create(index="j", settings={"index.mapping.source.mode": "synthetic"},
                              mappings={"_source": {"excludes": ["a"]}})


@pytest.mark.parametrize("version", ["8.19.21", "9.4.0", "9.5.2"])
def test_subobjects_false_nested_and_flattening_errors(make_es, version):
    # From 9.5 (PR #152357) nested fields stay under subobjects: false and the auto-flattening
    # errors are raised unwrapped; before, nested is refused and the errors are wrapped.
    _, client = make_es(version=version)
    v95 = version.startswith("9.5")
    nested = {"subobjects": False, "properties": {"n": {"type": "nested", "properties": {"x": {"type": "long"}}}}}
    if v95:
        client.indices.create(index="n", mappings=nested)
        assert mapping_of(client, "n")["properties"] == {"n": {"type": "nested", "properties": {"x": {"type": "long"}}}}
    else:
        with pytest.raises(BadRequestError) as exc:
            client.indices.create(index="n", mappings=nested)
        assert error_of(exc)[2] == ("Failed to parse mapping: Tried to add nested object [n] to object [_doc] which "
                                    "does not support subobjects")
    with pytest.raises(BadRequestError) as exc:
        client.indices.create(index="e", mappings={"subobjects": False, "properties": {"e": {"enabled": False}}})
    status, type_, reason = error_of(exc)
    assert type_ == "mapper_parsing_exception"
    assert reason.startswith("Object mapper [e]") is v95
    assert reason.endswith("no fields with the prefix [e] are allowed") is v95


def test_subobjects_false_flattens_objects_and_put_mapping(es):
    es.indices.create(index="i", mappings={"subobjects": False, "properties": {
        "a.b": {"type": "keyword"}, "o": {"properties": {"p": {"properties": {"q": {"type": "long"}}}}},
        "empty": {"type": "object"}}})
    es.indices.put_mapping(index="i", properties={"o": {"properties": {"r": {"type": "ip"}}}})
    assert mapping_of(es) == {"subobjects": False, "properties": {
        "a.b": {"type": "keyword"}, "o.p.q": {"type": "long"}, "o.r": {"type": "ip"}}}
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="j", mappings={"subobjects": "auto"})
    assert error_of(exc) == (400, "mapper_parsing_exception", "Failed to parse mapping: unknown subobjects value: auto")


@pytest.mark.parametrize("version,shown", [("8.19.21", True), ("9.3.0", True), ("9.4.0", False), ("9.5.2", False)])
def test_int4_confidence_interval_shown_before_9_4(make_es, version, shown):
    # elastic/elasticsearch#145078: before 9.4.0 an unset confidence_interval is written as 0.0.
    _, client = make_es(version=version)
    client.indices.create(index="i", mappings={"properties": {
        "h": {"type": "dense_vector", "dims": 64, "index_options": {"type": "int4_hnsw"}},
        "f": {"type": "dense_vector", "dims": 64, "index_options": {"type": "int4_flat"}}}})
    props = mapping_of(client)["properties"]
    for name in ("h", "f"):
        assert ("confidence_interval" in props[name]["index_options"]) is shown


def test_runtime_dynamic_templates_accepted(es):
    templates = [{"strings_as_runtime": {"match_mapping_type": "string", "runtime": {}}},
                 {"k": {"match": "k*", "runtime": {"type": "keyword"}}}]
    es.indices.create(index="i", mappings={"dynamic_templates": templates})
    assert mapping_of(es)["dynamic_templates"] == templates
    with pytest.raises(BadRequestError) as exc:
        es.indices.create(index="j", mappings={"dynamic_templates": [{"x": {"match": "k*", "runtime": {}, "mapping": {}}}]})
    assert error_of(exc)[2] == ("Failed to parse mapping: mapping and runtime cannot be both specified in the same "
                                "dynamic template [x]")


def test_runtime_scripts_are_written_back_with_their_language(es):
    # Script.toXContent (8.x/9.x): source, lang (painless by default), params only when not empty.
    es.indices.create(index="i", mappings={"runtime": {
        "a": {"type": "keyword", "script": "emit('x')"},
        "b": {"type": "double", "script": {"source": "emit(params.m)", "params": {"m": 2}}},
        "c": {"type": "long", "script": {"source": "emit(1)", "params": {}}}}})
    runtime = mapping_of(es)["runtime"]
    assert runtime["a"]["script"] == {"source": "emit('x')", "lang": "painless"}
    assert runtime["b"]["script"] == {"source": "emit(params.m)", "lang": "painless", "params": {"m": 2}}
    assert runtime["c"]["script"] == {"source": "emit(1)", "lang": "painless"}
