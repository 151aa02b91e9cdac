"""End-to-end flows through the CLI against the fake Elasticsearch (tests/fake_es).

The fake serves what the integration-test distribution of Elasticsearch lacks: the
_inference API, semantic_text and the ingest processors. The same flows that it can serve
run against real Elasticsearch in test_flows_real.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests.ecs_corpus import corpus_available, write_ecs_manifests
from tests.helpers import write_manifests
from tests.integration.cases import DEFAULTS_INDEX

EXAMPLES = Path(__file__).resolve().parents[2] / "manifests"


def client(url: str) -> Elasticsearch:
    return Elasticsearch(url)


def copy_examples(tmp_path: Path) -> Path:
    target = tmp_path / "manifests"
    shutil.copytree(EXAMPLES, target)
    return target


def test_examples_round_trip(fake_es, eisops, tmp_path):
    manifests = copy_examples(tmp_path)
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 2, err
    assert "Plan: 10 to create, 0 to update, 0 to replace, 0 to delete." in out
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0, err
    assert "Apply complete: 10 created, 0 updated, 0 replaced, 0 deleted." in out
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert (code, err) == (0, ""), out
    assert "No changes. The cluster matches the manifests (10 objects checked)." in out
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0 and "Apply complete: nothing to do." in out


def test_documents_indexed_through_the_examples_keep_the_plan_clean(fake_es, eisops, tmp_path):
    """semantic_text model_settings appear after the first document; that is not a change."""
    manifests = copy_examples(tmp_path)
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    es = client(fake_es.url)
    es.index(index="docs-000001", id="1", document={"title": " Hello ", "body": "world", "category": "A"},
             refresh=True)
    mapping = es.indices.get_mapping(index="docs-000001").body["docs-000001"]["mappings"]
    assert "model_settings" in mapping["properties"]["content"]
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 0, out + err


@pytest.mark.skipif(not corpus_available(), reason="../shared/corpus/ecs is not present")
def test_ecs_corpus_round_trip(fake_es, eisops, tmp_path):
    manifests = write_ecs_manifests(tmp_path / "ecs")
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 2 and "Plan: 43 to create" in out, err
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0, err
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 0, out + err


def test_one_changed_field_plans_exactly_that_field(fake_es, eisops, tmp_path):
    manifests = copy_examples(tmp_path)
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    path = manifests / "templates" / "docs.yaml"
    path.write_text(path.read_text().replace("number_of_replicas: 1\n", "number_of_replicas: 2\n", 1))
    plan = eisops.plan_json(manifests, "--url", fake_es.url)
    assert [(c["kind"], c["name"], c["action"]) for c in plan["changes"]] == [("ComponentTemplate", "docs-settings", "update")]
    assert plan["changes"][0]["changes"] == [{"path": ["template", "settings", "index.number_of_replicas"],
                                              "before": "1", "after": "2"}]


def test_removed_manifest_deletes_only_that_managed_object(fake_es, eisops, tmp_path):
    manifests = copy_examples(tmp_path)
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    es = client(fake_es.url)
    es.ingest.put_pipeline(id="someone-elses", processors=[])
    (manifests / "inference" / "eis-jina.yaml").write_text(
        (manifests / "inference" / "eis-jina.yaml").read_text().split("---\nkind: InferenceEndpoint\nname: eis-jina-reranker-v2")[0])
    plan = eisops.plan_json(manifests, "--url", fake_es.url)
    assert [(c["kind"], c["name"], c["action"]) for c in plan["changes"]] == [
        ("InferenceEndpoint", "eis-jina-reranker-v2", "delete")]
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 0, err
    ids = {e["inference_id"] for e in es.inference.get(inference_id="_all").body["endpoints"]}
    assert "eis-jina-reranker-v2" not in ids and "eis-jina-reranker-v3" in ids
    assert ".jina-reranker-v3" in ids  # preconfigured endpoints are never touched
    assert "someone-elses" in es.ingest.get_pipeline().body


def test_unmanaged_object_with_a_manifest_is_a_conflict_and_never_touched(fake_es, eisops, tmp_path):
    es = client(fake_es.url)
    es.ingest.put_pipeline(id="shared", description="theirs", processors=[])
    manifests = write_manifests(tmp_path / "m", {"p.yaml": """
        kind: IngestPipeline
        name: shared
        spec:
          description: ours
          processors: []
    """})
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 1  # a plan holding a conflict cannot be applied
    assert '! IngestPipeline "shared"' in out and "eisops does not manage it" in out
    assert "; 1 in conflict." in out
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1
    assert "nothing was applied" in err and "IngestPipeline/shared conflicts" in err
    assert es.ingest.get_pipeline(id="shared").body["shared"]["description"] == "theirs"


def test_apply_without_terminal_or_flag_refuses(fake_es, eisops, tmp_path):
    manifests = copy_examples(tmp_path)
    code, out, err = eisops("apply", manifests, "--url", fake_es.url)
    assert code == 1
    assert "no terminal to ask on" in err and "--auto-approve" in err
    assert fake_es_write_count(fake_es) == 0


def fake_es_write_count(fake_es) -> int:
    return sum(1 for method, *_ in fake_es.requests if method in ("PUT", "POST") and True)


def test_index_changes_in_place_and_blocked(fake_es, eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {"i.yaml": """
        kind: Index
        name: books
        migrate: false
        spec:
          settings: {number_of_replicas: 0, codec: best_compression}
          mappings:
            properties:
              title: {type: text}
              year: {type: long}
    """})
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    path = manifests / "i.yaml"
    # In place: a dynamic setting and a new field.
    path.write_text(path.read_text().replace("number_of_replicas: 0", "number_of_replicas: 1")
                    .replace("year: {type: long}", "year: {type: long}\n      isbn: {type: keyword}"))
    plan = eisops.plan_json(manifests, "--url", fake_es.url)
    change = plan["changes"][0]
    assert change["action"] == "update"
    assert [o["verb"] for o in change["operations"]] == ["put_settings", "put_mapping"]
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0
    # A static setting: closed and reopened, with --allow-close.
    path.write_text(path.read_text().replace("best_compression", "default"))
    code, out, err = eisops("plan", manifests, "--url", fake_es.url)
    assert "index.codec is a static setting" in out and "# (needs --allow-close)" in out, out
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve", "--allow-close")[0] == 0
    # Refused by Elasticsearch: a type change.
    path.write_text(path.read_text().replace("year: {type: long}", "year: {type: keyword}"))
    code, out, err = eisops("plan", manifests, "--url", fake_es.url)
    assert "mapper [year] cannot be changed from type [long] to [keyword]" in out
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1 and "Index/books is blocked" in err
    mapping = client(fake_es.url).indices.get_mapping(index="books").body["books"]["mappings"]
    assert mapping["properties"]["year"]["type"] == "long"


def test_index_deletion_needs_the_flag(fake_es, eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {
        "a.yaml": "kind: Index\nname: keep\nspec: {}\n",
        "b.yaml": "kind: Index\nname: drop\nspec: {}\n"})
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    (manifests / "b.yaml").unlink()
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1 and "Index/drop will be deleted only with --allow-data-loss" in err
    assert client(fake_es.url).indices.exists(index="drop")
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve", "--allow-index-deletion")
    assert code == 0, err
    assert not client(fake_es.url).indices.exists(index="drop")
    assert client(fake_es.url).indices.exists(index="keep")


JINA = """
kind: InferenceEndpoint
name: jina-direct
task_type: text_embedding
spec:
  service: jinaai
  service_settings:
    model_id: MODEL
    api_key: ${env:JINA_API_KEY}
"""


def test_inference_secret_change_updates_and_model_change_replaces(fake_es, eisops, tmp_path, monkeypatch):
    manifests = write_manifests(tmp_path / "m", {"e.yaml": JINA.replace("MODEL", "jina-embeddings-v3")})
    monkeypatch.setenv("JINA_API_KEY", "first-key")
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0
    monkeypatch.setenv("JINA_API_KEY", "second-key")
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 2 and "~ service_settings.api_key = (sensitive value) (changed)" in out
    assert "second-key" not in out and "first-key" not in out
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0
    (manifests / "e.yaml").write_text(JINA.replace("MODEL", "jina-embeddings-v4"))
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1 and "--allow-replace" in err
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve", "--allow-replace")
    assert code == 0, err
    assert "replaced" in out
    assert eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")[0] == 0


def test_reference_to_missing_preconfigured_endpoint_fails_plan(fake_es, eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {"i.yaml": """
        kind: Index
        name: i
        spec:
          mappings:
            properties:
              s: {type: semantic_text, inference_id: .no-such-endpoint}
    """})
    code, out, err = eisops("plan", manifests, "--url", fake_es.url)
    assert code == 1
    assert "names InferenceEndpoint '.no-such-endpoint', which neither a manifest nor the cluster has" in err


@pytest.mark.parametrize("kind", ["IngestPipeline", "ComponentTemplate", "IndexTemplate", "Index", "InferenceEndpoint"])
def test_no_change_plan_request_count_does_not_grow(fake_es, eisops, tmp_path, kind):
    counts = []
    for size in (10, 200):
        directory = tmp_path / f"{kind}-{size}"
        write_manifests(directory, {"m.yaml": "---\n".join(_doc(kind, i) for i in range(size))})
        assert eisops("apply", directory, "--url", fake_es.url, "--auto-approve", "--allow-index-deletion")[0] == 0
        fake_es.reset_requests()
        assert eisops("plan", directory, "--url", fake_es.url, "--detailed-exitcode")[0] == 0
        counts.append(len(fake_es.requests))
    assert counts[0] == counts[1], counts


def _doc(kind: str, i: int) -> str:
    name = f"obj-{i:04d}"
    if kind == "IngestPipeline":
        return f"kind: IngestPipeline\nname: {name}\nspec: {{processors: [{{set: {{field: n, value: {i}}}}}]}}\n"
    if kind == "ComponentTemplate":
        return f"kind: ComponentTemplate\nname: {name}\nspec: {{template: {{settings: {{number_of_replicas: 0}}}}}}\n"
    if kind == "IndexTemplate":
        return f"kind: IndexTemplate\nname: {name}\nspec: {{index_patterns: [{name}-*], priority: {i}}}\n"
    if kind == "Index":
        return f"kind: Index\nname: {name}\nspec: {{settings: {{number_of_replicas: 0}}}}\n"
    return (f"kind: InferenceEndpoint\nname: {name}\ntask_type: text_embedding\n"
            "spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}\n")


def test_index_mapping_with_default_values_plans_clean(fake_es, eisops, tmp_path):
    """GET _mapping leaves out parameters set to their default; that is not a change."""
    manifests = write_manifests(tmp_path / "m", {"i.yaml": DEFAULTS_INDEX})
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 0, out + err


@pytest.mark.parametrize("version", ["8.18.0", "8.19.8", "9.0.0", "9.1.0", "9.3.0", "9.5.0"])
def test_examples_round_trip_on_every_server_line(eisops, tmp_path, version):
    """The version rules (EIS rate_limit shown until 9.1, GET showing only model_id from 9.2,
    dense_vector and semantic_text defaults by version) never show as changes."""
    from tests.fake_es import FakeElasticsearch

    manifests = copy_examples(tmp_path)
    with FakeElasticsearch(version=version) as fake:
        if version < "9.3":
            # The Jina models come to EIS with 9.3: before, plan blocks them with what the cluster
            # offers, and the examples run with the EIS chat model and the ELSER endpoint instead.
            code, out, err = eisops("plan", manifests, "--url", fake.url, "--detailed-exitcode")
            assert code == 1 and "does not offer model [jina-embeddings-v5-text-small]" in out, out + err
            (manifests / "inference" / "eis-jina.yaml").write_text(
                "kind: InferenceEndpoint\nname: eis-chat\ntask_type: chat_completion\n"
                "spec: {service: elastic, service_settings: {model_id: rainbow-sprinkles}}\n")
            docs = manifests / "templates" / "docs.yaml"
            docs.write_text(docs.read_text().replace("eis-jina-embeddings-v5-text-small", ".elser-2-elasticsearch"))
        code, out, err = eisops("apply", manifests, "--url", fake.url, "--auto-approve")
        assert code == 0, out + err
        es = client(fake.url)
        es.index(index="docs-000001", id="1", document={"title": "t", "body": "b"}, refresh=True)
        code, out, err = eisops("plan", manifests, "--url", fake.url, "--detailed-exitcode")
        assert (code, err) == (0, ""), out


def test_failed_endpoint_create_is_planned_again(fake_es, eisops, tmp_path):
    """A create Elasticsearch refuses leaves nothing that would later look unmanaged."""
    manifests = write_manifests(tmp_path / "m", {"e.yaml": """
        kind: InferenceEndpoint
        name: bad-model
        task_type: text_embedding
        spec:
          service: jinaai
          service_settings: {model_id: jina-embeddings-v3, api_key: "${env:JINA_API_KEY}"}
          task_settings: {no_such_setting: 1}
    """})
    eisops.monkeypatch.setenv("JINA_API_KEY", "jina-test-key")
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1 and "InferenceEndpoint/bad-model" in err
    plan = eisops.plan_json(manifests, "--url", fake_es.url)
    assert [(c["name"], c["action"]) for c in plan["changes"]] == [("bad-model", "create")]


GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def test_plan_of_every_action_matches_golden_rendering(fake_es, eisops, tmp_path):
    """Update in place, replace, migrate, delete and blocked, rendered as a user sees them."""
    manifests = copy_examples(tmp_path)
    write_manifests(manifests, {"indices/books.yaml": """
        kind: Index
        name: books
        spec:
          mappings: {properties: {year: {type: long}}}
    """, "indices/archive.yaml": """
        kind: Index
        name: archive
        migrate: false
        spec:
          mappings: {properties: {year: {type: long}}}
    """})
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    index = manifests / "indices" / "docs-000001.yaml"
    index.write_text(index.read_text().replace("refresh_interval: 5s", "refresh_interval: 10s")
                     .replace("number_of_replicas: 1", "number_of_replicas: 0"))
    endpoints = manifests / "inference" / "eis-jina.yaml"
    text = endpoints.read_text().replace("model_id: jina-embeddings-v3  ", "model_id: jina-embeddings-v5-text-nano")
    endpoints.write_text(text.split("---\nkind: InferenceEndpoint\nname: eis-jina-reranker-v2")[0])
    templates = manifests / "templates" / "docs.yaml"
    templates.write_text(templates.read_text().replace("category:\n          type: keyword",
                                                       "category:\n          type: keyword\n          ignore_above: 512"))
    for name in ("books", "archive"):
        index = manifests / "indices" / f"{name}.yaml"
        index.write_text(index.read_text().replace("type: long", "type: keyword"))
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 1, err  # it holds blocked changes and conflicts
    golden = GOLDEN / "plan_every_action.txt"
    if os.environ.get("EISOPS_UPDATE_GOLDEN") == "1":
        golden.write_text(out)
    assert out == golden.read_text()


@pytest.mark.parametrize("answer, code", [("yes\n", 0), ("no\n", 1), ("y\n", 1)])
def test_apply_asks_on_a_terminal(fake_es, tmp_path, monkeypatch, answer, code):
    from click.testing import CliRunner

    from eisops.cli import cli

    manifests = write_manifests(tmp_path / "m", {"p.yaml": "kind: IngestPipeline\nname: p\nspec: {processors: []}\n"})
    monkeypatch.setattr("eisops.cli.apply_cmd.can_ask", lambda: True)
    result = CliRunner().invoke(cli, ["apply", str(manifests), "--url", fake_es.url], input=answer)
    assert "Apply these changes? Only 'yes' is accepted" in result.output
    created = "p" in (client(fake_es.url).ingest.get_pipeline().body or {}) if code == 0 else False
    if code == 0:
        assert result.exit_code == 0 and created, result.output
    else:
        assert isinstance(result.exception, Exception) and "apply cancelled" in str(result.exception)
        from elasticsearch import NotFoundError
        with pytest.raises(NotFoundError):
            client(fake_es.url).ingest.get_pipeline(id="p")


def test_create_that_finds_the_endpoint_already_there_checks_it(fake_es, tmp_path):
    """A retried create (the first attempt timed out but succeeded) meets 'already exists';
    apply then checks the endpoint against the manifest instead of failing."""
    from eisops.apply.applier import apply_plan
    from eisops.cluster.connection import ConnectionSettings, connect
    from eisops.errors import ApplyFailed
    from eisops.planning.validate import load_manifests
    from eisops.planning.planner import build_plan, verify_changes

    def apply_plan_(plan, ctx):
        return apply_plan(plan, cluster, lambda c, changes: verify_changes(ctx, c, changes))

    manifests = write_manifests(tmp_path / "m", {"e.yaml": """
        kind: InferenceEndpoint
        name: twice
        task_type: text_embedding
        spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}
    """})
    es = client(fake_es.url)
    cluster = connect(ConnectionSettings(url=fake_es.url))
    plan, ctx = build_plan(load_manifests([str(manifests)]), cluster)
    es.inference.put(inference_id="twice", task_type="text_embedding",
                     inference_config={"service": "elastic", "service_settings": {"model_id": "jina-embeddings-v5-text-nano"}})
    result = apply_plan_(plan, ctx)
    assert [c.address for c in result.done] == ["InferenceEndpoint/twice"]

    es.inference.delete(inference_id="twice")
    plan, ctx = build_plan(load_manifests([str(manifests)]), cluster)
    es.inference.put(inference_id="twice", task_type="text_embedding",
                     inference_config={"service": "elastic", "service_settings": {"model_id": "jina-embeddings-v3"}})
    with pytest.raises(ApplyFailed, match='service_settings.model_id: Elasticsearch has "jina-embeddings-v3", '
                                          'the manifest says "jina-embeddings-v5-text-nano"'):
        apply_plan_(plan, ctx)


def test_a_difference_eisops_cannot_explain_is_shown_with_both_values_and_planned_again(
        fake_es, eisops, tmp_path, monkeypatch):
    """Without its rule for the index_options defaults Elasticsearch fills in, eisops cannot explain
    the read-back: apply says the index was written, shows each path with both values, and the
    next plan shows the same difference instead of "No changes"."""
    from eisops.resources import mappings
    monkeypatch.setattr(mappings, "INDEX_OPTIONS_DEFAULTS", {})
    manifests = write_manifests(tmp_path / "m", {"i.yaml": """
        kind: Index
        name: vectors
        spec:
          mappings:
            properties:
              v: {type: dense_vector, dims: 4, index_options: {type: int8_hnsw}}
    """})
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1
    assert "Index/vectors: it was written, but Elasticsearch now reports values that differ" in err
    assert "mappings.properties.v.index_options.m: Elasticsearch has 16, the manifest says (absent)" in err
    assert "ef_construction: Elasticsearch has 100, the manifest says (absent)" in err
    assert client(fake_es.url).indices.exists(index="vectors")
    plan = eisops.plan_json(manifests, "--url", fake_es.url)
    assert [(c["name"], c["action"]) for c in plan["changes"]] == [("vectors", "update")]
    assert sorted(c["path"][-1] for c in plan["changes"][0]["changes"]) == ["ef_construction", "m"]


def test_pipeline_elasticsearch_refuses_stops_apply_before_any_write(fake_es, eisops, tmp_path):
    manifests = write_manifests(tmp_path / "m", {"m.yaml": """
        kind: InferenceEndpoint
        name: first
        task_type: text_embedding
        spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano}}
        ---
        kind: IngestPipeline
        name: broken
        spec:
          processors:
            - no_such_processor: {field: a}
            - set: {value: 1}
    """})
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1
    assert "Elasticsearch refuses these bodies; nothing was applied" in err
    assert "IngestPipeline/broken: parse_exception: No processor type exists with name [no_such_processor]" in err
    ids = {e["inference_id"] for e in client(fake_es.url).inference.get(inference_id="_all").body["endpoints"]}
    assert "first" not in ids


@pytest.mark.parametrize("bad, message", [
    ("kind: ComponentTemplate\nname: bad\nspec: {template: {mappings: {properties: {a: {type: no_such_type}}}}}\n",
     "ComponentTemplate/bad: "),
    ("kind: IndexTemplate\nname: bad\nspec: {index_patterns: [bad-*], template: {settings: {index.no_such_setting: 1}}}\n",
     "IndexTemplate/bad: "),
    ("kind: Index\nname: bad\nspec: {mappings: {properties: {a: {type: keyword, no_such_parameter: 1}}}}\n",
     "Index/bad: "),
])
def test_templates_and_indices_elasticsearch_refuses_stop_apply_before_any_write(fake_es, eisops, tmp_path, bad, message):
    manifests = write_manifests(tmp_path / "m", {"a.yaml": "kind: IngestPipeline\nname: first\nspec: {processors: []}\n",
                                                 "b.yaml": bad})
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")
    assert code == 1 and "Elasticsearch refuses these bodies; nothing was applied" in err and message in err, err
    assert "first" not in (client(fake_es.url).options(ignore_status=404).ingest.get_pipeline().body or {})


def test_setting_and_alias_removed_from_the_manifest_are_reset_and_removed(fake_es, eisops, tmp_path):
    manifests = copy_examples(tmp_path)
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    index = manifests / "indices" / "docs-000001.yaml"
    index.write_text(index.read_text().replace("      refresh_interval: 5s\n", "")
                     .replace("  aliases:\n    docs-write:\n      is_write_index: true\n", ""))
    plan = eisops.plan_json(manifests, "--url", fake_es.url)
    (change,) = plan["changes"]
    assert change["changes"] == [
        {"path": ["aliases", "docs-write"], "before": {"is_write_index": True}, "removed": True},
        {"path": ["settings", "index.refresh_interval"], "before": "5s", "removed": True}]
    assert [o["verb"] for o in change["operations"]] == ["put_settings", "update_aliases", "put_mapping"]
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    es = client(fake_es.url)
    assert "refresh_interval" not in es.indices.get_settings(index="docs-000001").body["docs-000001"]["settings"]["index"]
    assert set(es.indices.get_alias(index="docs-000001").body["docs-000001"]["aliases"]) == {"docs"}  # the template's stays
    code, out, err = eisops("plan", manifests, "--url", fake_es.url, "--detailed-exitcode")
    assert code == 0, out


def test_a_cluster_without_the_inference_service_gets_a_blocked_plan_with_the_fix(eisops, tmp_path):
    from tests.fake_es import FakeElasticsearch
    manifests = copy_examples(tmp_path)
    with FakeElasticsearch(version="9.3.0", eis=False) as fake:
        code, out, err = eisops("plan", manifests, "--url", fake.url, "--detailed-exitcode")
        assert code == 1, out + err
        assert out.count("this cluster does not offer the Elastic Inference Service") == 5
        assert "Cloud Connect (Elasticsearch 9.3+)" in out
        code, out, err = eisops("apply", manifests, "--url", fake.url, "--auto-approve")
        assert code == 1 and "nothing was applied" in err
        writes = [(m, p) for m, p, _ in fake.requests if m in ("PUT", "POST", "DELETE")]
        assert writes and all(p.startswith("/.eisops-state") for _, p in writes), writes  # only the lock


REPLACED = {"m.yaml": """
    kind: InferenceEndpoint
    name: emb
    task_type: text_embedding
    spec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-small}}
    ---
    kind: Index
    name: INDEX
    spec:
      mappings:
        properties:
          content: {type: semantic_text, inference_id: emb}
"""}


@pytest.mark.parametrize("fake_es_version", ["9.5.2"])
@pytest.mark.parametrize("populated", [True, False])
def test_replacing_an_endpoint_under_a_populated_semantic_text_field_is_blocked(fake_es, eisops, tmp_path, populated):
    manifests = write_manifests(tmp_path / "m", {"m.yaml": REPLACED["m.yaml"].replace("INDEX", "kb")})
    assert eisops("apply", manifests, "--url", fake_es.url, "--auto-approve")[0] == 0
    if populated:
        client(fake_es.url).index(index="kb", id="1", document={"content": "hello"}, refresh=True)
    path = manifests / "m.yaml"
    path.write_text(path.read_text().replace("jina-embeddings-v5-text-small", "jina-embeddings-v5-text-nano"))
    code, out, err = eisops("apply", manifests, "--url", fake_es.url, "--auto-approve", "--allow-replace")
    if populated:
        assert code == 1 and "semantic_text fields that hold documents (kb/content)" in out, out + err
        assert "declare a new endpoint id" in out and "nothing was applied" in err
    else:
        assert code == 0 and "1 replaced" in out, out + err
        assert "used by semantic_text fields of indices ['kb'], which hold no documents yet" in out
