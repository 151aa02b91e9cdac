"""End-to-end flows through the CLI against real Elasticsearch (the integration-test distribution).

That distribution has the server, x-pack core and security, but no ingest-common (its
only processor is ``set_security_user``), no mapper-extras and no inference, so these
manifests use what it has. The inference flows run against the fake (test_flows_fake.py).
"""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from tests.ecs_corpus import corpus_available, write_ecs_manifests
from tests.helpers import write_manifests
from tests.integration.cases import DEFAULTS_INDEX

BOOKS = {
    "pipeline.yaml": """
        kind: IngestPipeline
        name: books-ingest
        spec:
          description: adds the user who indexed the document
          processors:
            - set_security_user: {field: indexed_by}
          on_failure:
            - set_security_user: {field: failed_for}
          version: 3
          _meta: {team: search}
    """,
    "templates.yaml": """
        kind: ComponentTemplate
        name: books-mappings
        spec:
          template:
            mappings:
              dynamic: false
              properties:
                title: {type: text, fields: {raw: {type: keyword, ignore_above: 256}}}
                labels: {type: object}
                embedding: {type: dense_vector, dims: 384, similarity: cosine}
                year: {type: long}
            settings:
              index.default_pipeline: books-ingest
              number_of_replicas: 0
        ---
        kind: IndexTemplate
        name: books
        spec:
          index_patterns: books-*
          composed_of: [books-mappings]
          priority: 300
          template:
            aliases:
              books: {routing: "1"}
            settings:
              index:
                refresh_interval: 10s
    """,
    "index.yaml": """
        kind: Index
        name: books-000001
        spec:
          settings:
            number_of_replicas: 0
            index.mapping.total_fields.limit: 2000
          mappings:
            properties:
              title: {type: text, index: true}
              vec: {type: dense_vector, dims: 3, similarity: dot_product, element_type: float}
              obj: {type: object, dynamic: true, properties: {a: {type: keyword}}}
          aliases:
            books-write: {is_write_index: true}
    """,
}


def apply_ok(eisops, manifests, url, *flags):
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve", *flags)
    assert code == 0, out + err
    return out


def assert_no_changes(eisops, manifests, url):
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert (code, err) == (0, ""), out + err


def test_round_trip(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", BOOKS)
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert code == 2 and "Plan: 4 to create, 0 to update, 0 to replace, 0 to delete." in out, err
    assert "Apply complete: 4 created" in apply_ok(eisops, manifests, url)
    assert_no_changes(eisops, manifests, url)
    assert "Apply complete: nothing to do." in apply_ok(eisops, manifests, url)


@pytest.mark.skipif(not corpus_available(), reason="../shared/corpus/ecs is not present")
def test_ecs_corpus_round_trip(real_es_clean, eisops, tmp_path):
    """The 42 ECS component templates and the composable template, with the field types this
    distribution lacks substituted (see tests/ecs_corpus.py)."""
    url = real_es_clean.url
    manifests = write_ecs_manifests(tmp_path / "ecs", substitute=True)
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert code == 2 and "Plan: 43 to create" in out, err
    apply_ok(eisops, manifests, url)
    assert_no_changes(eisops, manifests, url)
    # An index created from the composed template carries eisops' marker only if it declares it.
    Elasticsearch(url).indices.create(index="try-ecs-1")
    assert_no_changes(eisops, manifests, url)


def test_one_changed_field_plans_exactly_that_field(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", BOOKS)
    apply_ok(eisops, manifests, url)
    path = manifests / "templates.yaml"
    path.write_text(path.read_text().replace("ignore_above: 256", "ignore_above: 512"))
    plan = eisops.plan_json(manifests, "--url", url)
    assert [(c["kind"], c["name"], c["action"]) for c in plan["changes"]] == [
        ("ComponentTemplate", "books-mappings", "update")]
    assert plan["changes"][0]["changes"] == [{
        "path": ["template", "mappings", "properties", "title", "fields", "raw", "ignore_above"],
        "before": 256, "after": 512}]
    apply_ok(eisops, manifests, url)
    assert_no_changes(eisops, manifests, url)


def test_index_in_place_changes(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", BOOKS)
    apply_ok(eisops, manifests, url)
    path = manifests / "index.yaml"
    path.write_text(path.read_text()
                    .replace("number_of_replicas: 0", "number_of_replicas: 1")
                    .replace("a: {type: keyword}", "a: {type: keyword, ignore_above: 100}, b: {type: long}")
                    .replace("books-write: {is_write_index: true}", "books-write: {is_write_index: true}\n    books-search: {}"))
    plan = eisops.plan_json(manifests, "--url", url)
    (change,) = plan["changes"]
    assert change["action"] == "update"
    assert [o["verb"] for o in change["operations"]] == ["put_settings", "put_mapping", "update_aliases"]
    apply_ok(eisops, manifests, url)
    assert_no_changes(eisops, manifests, url)
    es = Elasticsearch(url)
    assert es.indices.get_settings(index="books-000001").body["books-000001"]["settings"]["index"]["number_of_replicas"] == "1"
    assert "books-search" in es.indices.get_alias(index="books-000001").body["books-000001"]["aliases"]


@pytest.mark.parametrize("edit, rule", [
    (("vec: {type: dense_vector, dims: 3", "vec: {type: dense_vector, dims: 4"),
     "Mapper for [vec] conflicts with existing mapper: Cannot update parameter [dims] from [3] to [4]"),
    (("title: {type: text, index: true}", "title: {type: keyword}"),
     "mapper [title] cannot be changed from type [text] to [keyword]"),
    (("number_of_replicas: 0\n", "number_of_replicas: 0\n    index.soft_deletes.enabled: false\n"),
     "final index setting [index.soft_deletes.enabled], not updateable"),
    (("number_of_replicas: 0\n", "number_of_replicas: 0\n    number_of_shards: 3\n"),
     "final index setting [index.number_of_shards], not updateable"),
])
def test_changes_elasticsearch_refuses_are_blocked_and_never_sent(real_es_clean, eisops, tmp_path, edit, rule):
    """With migrations turned off (the default migrates: test_migrations.py)."""
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", BOOKS)
    path = manifests / "index.yaml"
    path.write_text(path.read_text().replace("name: books-000001\n", "name: books-000001\nmigrate: false\n", 1))
    apply_ok(eisops, manifests, url)
    path.write_text(path.read_text().replace(*edit))
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert code == 1 and rule in out, out  # a blocked plan cannot be applied
    es = Elasticsearch(url)
    before = es.indices.get(index="books-000001").body
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "Index/books-000001 is blocked" in err and "nothing was applied" in err
    after = es.indices.get(index="books-000001").body
    assert before == after


def test_what_plan_blocks_elasticsearch_really_refuses(real_es_clean, tmp_path):
    """The rules eisops predicts are Elasticsearch's own: sending the refused changes fails."""
    es = Elasticsearch(real_es_clean.url)
    es.indices.create(index="r", mappings={"properties": {"v": {"type": "dense_vector", "dims": 3}, "t": {"type": "text"}}})
    from elasticsearch import BadRequestError
    with pytest.raises(BadRequestError, match="Cannot update parameter \\[dims\\] from \\[3\\] to \\[4\\]"):
        es.indices.put_mapping(index="r", properties={"v": {"type": "dense_vector", "dims": 4}})
    with pytest.raises(BadRequestError, match="mapper \\[t\\] cannot be changed from type \\[text\\] to \\[keyword\\]"):
        es.indices.put_mapping(index="r", properties={"t": {"type": "keyword"}})
    with pytest.raises(BadRequestError, match="Can't update non dynamic setting"):
        es.indices.put_settings(index="r", settings={"index.codec": "best_compression"})


def test_same_priority_overlap_with_an_unmanaged_template_is_blocked(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    Elasticsearch(url).indices.put_index_template(name="theirs", index_patterns=["books-*"], priority=300)
    manifests = write_manifests(tmp_path / "m", {"templates.yaml": BOOKS["templates.yaml"],
                                                 "pipeline.yaml": BOOKS["pipeline.yaml"]})
    code, out, err = eisops("plan", manifests, "--url", url, "--detailed-exitcode")
    assert code == 1
    assert ("index template [books] has index patterns [books-*] matching patterns from existing templates "
            "[theirs] with patterns (theirs => [books-*]) that have the same priority [300]") in out
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "IndexTemplate/books is blocked" in err


def test_removed_manifests_delete_only_managed_objects(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    es = Elasticsearch(url)
    es.cluster.put_component_template(name="theirs", template={"settings": {"number_of_replicas": 0}})
    es.ingest.put_pipeline(id="their-pipeline", processors=[])
    manifests = write_manifests(tmp_path / "m", BOOKS)
    apply_ok(eisops, manifests, url)
    (manifests / "index.yaml").unlink()
    (manifests / "templates.yaml").write_text(BOOKS["templates.yaml"].split("---")[0])  # drop the index template
    plan = eisops.plan_json(manifests, "--url", url)
    assert [(c["kind"], c["name"], c["action"], c.get("requires")) for c in plan["changes"]] == [
        ("Index", "books-000001", "delete", "--allow-data-loss"),
        ("IndexTemplate", "books", "delete", None)]
    apply_ok(eisops, manifests, url, "--allow-index-deletion")
    assert_no_changes(eisops, manifests, url)
    assert not es.indices.exists(index="books-000001")
    assert es.cluster.exists_component_template(name="theirs")
    assert "their-pipeline" in es.ingest.get_pipeline().body
    assert "books" not in {t["name"] for t in es.indices.get_index_template().body["index_templates"]}


def test_unmanaged_object_named_by_a_manifest_is_a_conflict(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    es = Elasticsearch(url)
    es.indices.create(index="books-000001", settings={"number_of_replicas": 0})
    manifests = write_manifests(tmp_path / "m", {"index.yaml": BOOKS["index.yaml"]})
    code, out, err = eisops("plan", manifests, "--url", url)
    assert '! Index "books-000001"' in out and "eisops does not manage it" in out
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "Index/books-000001 conflicts" in err
    assert es.indices.get_mapping(index="books-000001").body["books-000001"]["mappings"] == {}


def test_deleting_a_component_template_still_in_use_is_blocked(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    es = Elasticsearch(url)
    manifests = write_manifests(tmp_path / "m", {"c.yaml": """
        kind: ComponentTemplate
        name: shared-settings
        spec: {template: {settings: {number_of_replicas: 0}}}
    """})
    apply_ok(eisops, manifests, url)
    es.indices.put_index_template(name="theirs", index_patterns=["x-*"], composed_of=["shared-settings"])
    (manifests / "c.yaml").write_text("kind: ComponentTemplate\nname: other\nspec: {template: {}}\n")
    code, out, err = eisops("plan", manifests, "--url", url)
    assert "index templates ['theirs'] still use it" in out
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "ComponentTemplate/shared-settings is blocked" in err
    assert es.cluster.exists_component_template(name="shared-settings")


def test_deleting_a_pipeline_that_is_a_default_pipeline_is_blocked(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    es = Elasticsearch(url)
    manifests = write_manifests(tmp_path / "m", {"p.yaml": BOOKS["pipeline.yaml"]})
    apply_ok(eisops, manifests, url)
    es.indices.create(index="theirs", settings={"index.default_pipeline": "books-ingest", "number_of_replicas": 0})
    (manifests / "p.yaml").write_text("kind: IngestPipeline\nname: other\nspec: {processors: []}\n")
    code, out, err = eisops("plan", manifests, "--url", url)
    assert "default or final pipeline of indices ['theirs']" in out
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "IngestPipeline/books-ingest is blocked" in err
    assert "books-ingest" in es.ingest.get_pipeline().body


def test_pipeline_processor_order_is_significant(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", {"p.yaml": """
        kind: IngestPipeline
        name: ordered
        spec:
          processors:
            - set_security_user: {field: first}
            - set_security_user: {field: second}
    """})
    apply_ok(eisops, manifests, url)
    path = manifests / "p.yaml"
    path.write_text(path.read_text().replace("first", "TMP").replace("second", "first").replace("TMP", "second"))
    plan = eisops.plan_json(manifests, "--url", url)
    assert [c["path"] for c in plan["changes"][0]["changes"]] == [
        ["processors", 0, "set_security_user", "field"], ["processors", 1, "set_security_user", "field"]]


def test_plan_on_a_cluster_without_the_inference_api(real_es_clean, eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {"e.yaml": """
        kind: InferenceEndpoint
        name: e
        task_type: text_embedding
        spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-small}}
    """})
    code, out, err = eisops("plan", manifests, "--url", real_es_clean.url)
    assert code == 1
    assert "has no _inference API, so it cannot hold InferenceEndpoint resources" in err


def test_index_mapping_with_default_values_plans_clean(real_es_clean, eisops, tmp_path):
    """Defaults spelled out in a manifest: Elasticsearch drops some from GET _mapping and keeps others."""
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", {"i.yaml": DEFAULTS_INDEX})
    apply_ok(eisops, manifests, url)
    assert_no_changes(eisops, manifests, url)


def test_pipeline_elasticsearch_refuses_stops_apply_before_any_write(real_es_clean, eisops, tmp_path):
    """This distribution has no ingest-common: a `set` processor is refused, and apply stops
    before it writes anything."""
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", {"p.yaml": """
        kind: IngestPipeline
        name: valid-and-first
        spec:
          processors: [{set_security_user: {field: user}}]
        ---
        kind: IngestPipeline
        name: needs-ingest-common
        spec:
          processors: [{set: {field: a, value: 1}}]
    """})
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "nothing was applied" in err
    assert "No processor type exists with name [set]" in err
    from elasticsearch import NotFoundError
    with pytest.raises(NotFoundError):
        Elasticsearch(url).ingest.get_pipeline(id="valid-and-first")


def test_mapping_elasticsearch_refuses_stops_apply_before_any_write(real_es_clean, eisops, tmp_path):
    """A field type this distribution lacks (mapper-extras) is refused before anything is written."""
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", {
        "a.yaml": "kind: IngestPipeline\nname: first\nspec: {processors: []}\n",
        "b.yaml": "kind: ComponentTemplate\nname: extras\nspec: {template: {mappings: {properties: {m: {type: match_only_text}}}}}\n",
        "c.yaml": "kind: Index\nname: plain\nspec: {mappings: {properties: {s: {type: scaled_float, scaling_factor: 10}}}}\n",
    })
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1 and "nothing was applied" in err
    assert "ComponentTemplate/extras: " in err and "Index/plain: " in err
    from elasticsearch import NotFoundError
    with pytest.raises(NotFoundError):
        Elasticsearch(url).ingest.get_pipeline(id="first")


def test_setting_and_alias_removed_from_the_manifest_are_reset_and_removed(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", BOOKS)
    apply_ok(eisops, manifests, url)
    path = manifests / "index.yaml"
    path.write_text(path.read_text().replace("    index.mapping.total_fields.limit: 2000\n", "")
                    .replace("  aliases:\n    books-write: {is_write_index: true}\n", ""))
    plan = eisops.plan_json(manifests, "--url", url)
    (change,) = plan["changes"]
    assert [(c["path"], c.get("removed")) for c in change["changes"]] == [
        (["aliases", "books-write"], True), (["settings", "index.mapping.total_fields.limit"], True)]
    apply_ok(eisops, manifests, url)
    assert_no_changes(eisops, manifests, url)
    es = Elasticsearch(url)
    settings = es.indices.get_settings(index="books-000001", flat_settings=True).body["books-000001"]["settings"]
    assert "index.mapping.total_fields.limit" not in settings
    assert set(es.indices.get_alias(index="books-000001").body["books-000001"]["aliases"]) == {"books"}



VECTORS = """
    kind: ComponentTemplate
    name: vectors
    spec:
      template:
        lifecycle: {data_retention: 7d}
        data_stream_options: {failure_store: {enabled: true}}
        mappings:
          properties:
            v: {type: dense_vector, dims: 64, ELEMENT_TYPEindex_options: {type: bbq_hnsw}}
"""


def test_a_refused_body_is_reported_with_the_innermost_reason_under_its_own_name(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", {"c.yaml": VECTORS.replace("ELEMENT_TYPE", "element_type: byte, ")})
    code, out, err = eisops("apply", manifests, "--url", url, "--auto-approve")
    assert code == 1
    assert ("ComponentTemplate/vectors: illegal_argument_exception: [element_type] cannot be [byte] when using "
            "index type [bbq_hnsw]") in err, err
    assert "simulate_template" not in err and "after composition" not in err
    assert real_es_clean.request("GET", "/_component_template/vectors").status == 404


def test_a_component_template_with_a_lifecycle_passes_the_check_before_apply(real_es_clean, eisops, tmp_path):
    """Elasticsearch takes lifecycle and data_stream_options in a component template; the check
    before apply simulates it inside a data stream template, where they apply."""
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", {"c.yaml": VECTORS.replace("ELEMENT_TYPE", "")})
    apply_ok(eisops, manifests, url)
    assert_no_changes(eisops, manifests, url)


def test_plan_sends_only_reads_and_their_number_does_not_grow(real_es_clean, eisops, tmp_path, monkeypatch):
    from eisops.cluster.connection import Cluster
    sent: list[tuple[str, str]] = []
    original = Cluster.request

    def logged(self, method, url_path, *args, **kwargs):
        sent.append((method, url_path))
        return original(self, method, url_path, *args, **kwargs)

    url = real_es_clean.url
    counts = []
    for size in (3, 30):  # the second set holds the first, so nothing is pruned
        files = {f"p{i}.yaml": BOOKS["pipeline.yaml"].replace("books-ingest", f"books-ingest-{i}")
                 for i in range(size)}
        indices = {f"i{i}.yaml": BOOKS["index.yaml"].replace("books-000001", f"books-{i}").replace(
            "books-write", f"books-write-{i}") for i in range(size // 3)}
        manifests = write_manifests(tmp_path / f"m{size}", {**files, **indices})
        apply_ok(eisops, manifests, url)
        monkeypatch.setattr(Cluster, "request", logged)
        sent.clear()
        assert_no_changes(eisops, manifests, url)
        monkeypatch.setattr(Cluster, "request", original)
        assert sent and {m for m, _ in sent} == {"GET"}, sent
        counts.append(len(sent))
    assert counts[0] == counts[1], counts


def test_a_saved_plan_applies_as_reviewed_and_refuses_when_stale(real_es_clean, eisops, tmp_path):
    url = real_es_clean.url
    manifests = write_manifests(tmp_path / "m", BOOKS)
    plan_file = tmp_path / "plan.json"
    code, out, err = eisops("plan", manifests, "--url", url, "--out", plan_file)
    assert code == 0, out + err
    code, out, err = eisops("apply", plan_file, "--url", url)
    assert code == 0 and "Apply complete: 4 created" in out, out + err
    assert_no_changes(eisops, manifests, url)

    path = manifests / "templates.yaml"
    path.write_text(path.read_text().replace("ignore_above: 256", "ignore_above: 512"))
    assert eisops("plan", manifests, "--url", url, "--out", plan_file)[0] == 0
    es = Elasticsearch(url)
    es.ingest.put_pipeline(id="books-ingest", processors=[{"set_security_user": {"field": "someone"}}],
                           meta={"managed_by": "eisops"})  # an object the plan checked as unchanged
    before = es.cluster.get_component_template(name="books-mappings").body
    code, out, err = eisops("apply", plan_file, "--url", url)
    assert code == 1 and "the saved plan is stale" in err and "IngestPipeline/books-ingest has changed" in err
    assert es.cluster.get_component_template(name="books-mappings").body == before
