"""Manifest loading and validation: every problem, each with file:line:column, kind and name."""

import pytest

from eisops.errors import ManifestError
from eisops.planning.validate import load_manifests
from eisops.resources.index_template import patterns_overlap
from tests.helpers import manifest_from, write_manifests


def problems(tmp_path, files):
    write_manifests(tmp_path, files)
    with pytest.raises(ManifestError) as info:
        load_manifests([str(tmp_path)])
    return [d.render().replace(str(tmp_path) + "/", "") for d in info.value.diagnostics]


def test_broken_case_directory_reports_every_problem():
    with pytest.raises(ManifestError) as info:
        load_manifests(["tests/cases/broken"])
    rendered = [d.render() for d in info.value.diagnostics]
    assert len(rendered) == 10
    expected_fragments = [
        "endpoints.yaml:10:1: InferenceEndpoint Bad_Id: Invalid inference_id",
        "endpoints.yaml:18:1: InferenceEndpoint rerank: duplicate InferenceEndpoint 'rerank'; first declared at tests/cases/broken/endpoints.yaml:2",
        "kinds.yaml:1:1: SearchTemplate nope: unknown kind 'SearchTemplate'",
        "kinds.yaml:5:1: IngestPipeline: 'name' is required",
        "kinds.yaml:11:1: IngestPipeline extra-key: unknown key 'labels' outside spec",
        "references.yaml:5:17: IndexTemplate docs: composed_of names ComponentTemplate 'docs-mappings-missing'",
        "references.yaml:9:7: IndexTemplate docs: setting index.default_pipeline names IngestPipeline 'no-such-pipeline'",
        "references.yaml:14:11: IndexTemplate docs: semantic_text field [content] inference_id names inference endpoint 'rerank' of task type rerank",
        "references.yaml:19:3: IndexTemplate docs-overlap: index template [docs-overlap] has index patterns [docs-2024-*] matching",
        "syntax.yaml:5:1: invalid YAML",
    ]
    for fragment, line in zip(expected_fragments, rendered):
        assert fragment in line, (fragment, line)


def test_examples_are_valid():
    manifest = load_manifests(["manifests"])
    assert {r.kind for r in manifest.resources} == {
        "InferenceEndpoint", "IngestPipeline", "ComponentTemplate", "IndexTemplate", "Index"}


def test_spec_is_kept_whole_with_unknown_keys(tmp_path):
    manifest = manifest_from(tmp_path, """
        kind: IngestPipeline
        name: p
        spec:
          processors: [{set: {field: a, value: b, some_future_option: 1}}]
          field_access_pattern: flexible
    """)
    assert manifest.resources[0].spec == {
        "processors": [{"set": {"field": "a", "value": "b", "some_future_option": 1}}],
        "field_access_pattern": "flexible"}


@pytest.mark.parametrize("doc, fragment", [
    ("kind: Index\nname: Upper\nspec: {}\n", "invalid index name [Upper], must be lowercase"),
    ("kind: Index\nname: _x\nspec: {}\n", "must not start with '_', '-', or '+'"),
    ("kind: Index\nname: a*b\nspec: {}\n", "must not contain the following characters '*'"),
    ("kind: Index\nname: .hidden\nspec: {}\n", "belong to Elasticsearch"),
    ("kind: IngestPipeline\nname: .p\nspec: {processors: []}\n", "belong to Elasticsearch"),
    ("kind: IngestPipeline\nname: p\nspec: {}\n", "spec.processors is required"),
    ("kind: IngestPipeline\nname: p\nspec: {processors: [{set: {}, trim: {}}]}\n", "exactly one key"),
    ("kind: ComponentTemplate\nname: c\nspec: {}\n", "spec.template is required"),
    ("kind: IndexTemplate\nname: t\nspec: {template: {}}\n", "spec.index_patterns is required"),
    ("kind: InferenceEndpoint\nname: e\nspec: {service: elastic, service_settings: {model_id: x}}\n",
     "task_type is required"),
    ("kind: InferenceEndpoint\nname: e\ntask_type: embeddings\nspec: {service: elastic, service_settings: {model_id: x}}\n",
     "unknown task_type [embeddings]"),
    ("kind: InferenceEndpoint\nname: e\ntask_type: text_embedding\nspec: {service: elastic, service_settings: {model_id: jina-reranker-v3}}\n",
     "serves task type rerank, not text_embedding"),
    ("kind: InferenceEndpoint\nname: e\ntask_type: text_embedding\nspec: {service: elastic, service_settings: {model_id: jina-embeddings-v5-text-nano, dimensions: 1024}}\n",
     "produces 768 dimensions, or fewer by Matryoshka truncation"),
    ("kind: InferenceEndpoint\nname: e\ntask_type: rerank\nspec: {service: elastic, service_settings: {model_id: jina-reranker-v3}, chunking_settings: {strategy: word}}\n",
     "chunking_settings apply only to"),
    ("kind: InferenceEndpoint\nname: e\ntask_type: text_embedding\nspec: {service: elastic, service_settings: {model_id: x}, chunking_settings: {strategy: sentence, sentence_overlap: 2}}\n",
     "sentence_overlap must be 0 or 1"),
    ("kind: Index\nname: i\nspec: {mappings: {properties: {n: {type: nested, properties: {s: {type: semantic_text, inference_id: .elser-2-elasticsearch}}}}}}\n",
     "semantic_text field [n.s] cannot be nested"),
    ("kind: Index\nname: i\ntask_type: rerank\nspec: {}\n", "task_type applies only to InferenceEndpoint"),
    ("kind: Index\nname: i\nspec: {mappings: {}, setting: {}}\n", "unknown key [setting]"),
    ("kind: Index\nname: i\nspec: []\n", "'spec' must be a mapping"),
    ("- a\n- b\n", "must be a mapping with kind, name and spec"),
    ("kind: Index\nname: i\nname: j\nspec: {}\n", "duplicate key"),
])
def test_single_problem(tmp_path, doc, fragment):
    found = problems(tmp_path, {"m.yaml": doc})
    assert any(fragment in p for p in found), found


def test_pipeline_cycle_is_reported(tmp_path):
    from eisops.planning.ordering import dependency_order
    manifest = manifest_from(tmp_path, """
        kind: IngestPipeline
        name: a
        spec: {processors: [{pipeline: {name: b}}]}
        ---
        kind: IngestPipeline
        name: b
        spec: {processors: [{pipeline: {name: a}}]}
    """)
    with pytest.raises(ManifestError, match="1 problem"):
        dependency_order(manifest.resources)


def test_referenced_pipeline_comes_first(tmp_path):
    from eisops.planning.ordering import dependency_order
    manifest = manifest_from(tmp_path, """
        kind: IngestPipeline
        name: parent
        spec: {processors: [{pipeline: {name: child}}]}
        ---
        kind: IngestPipeline
        name: child
        spec: {processors: []}
    """)
    assert [r.name for r in dependency_order(manifest.resources)] == ["child", "parent"]


def test_references_to_elasticsearch_objects_are_left_to_plan(tmp_path):
    manifest = manifest_from(tmp_path, """
        kind: IndexTemplate
        name: t
        spec:
          index_patterns: [logs-app-*]
          composed_of: [logs@mappings]
          template:
            mappings:
              properties:
                s: {type: semantic_text, inference_id: .jina-embeddings-v5-text-small}
    """)
    assert sorted(e.reference.name for e in manifest.external) == [".jina-embeddings-v5-text-small", "logs@mappings"]


def test_empty_directory_is_an_error(tmp_path):
    with pytest.raises(ManifestError):
        load_manifests([str(tmp_path)])


@pytest.mark.parametrize("a, b, overlap", [
    ("docs-*", "docs-2024-*", True),
    ("docs-*", "logs-*", False),
    ("*", "anything", True),
    ("a*c", "ab*", True),
    ("a*c", "b*", False),
    ("logs-*-*", "logs-app-default", True),
    ("exact", "exact", True),
    ("exact", "exactly", False),
    ("*-x", "y-*", True),
])
def test_patterns_overlap(a, b, overlap):
    assert patterns_overlap(a, b) is overlap
    assert patterns_overlap(b, a) is overlap


def test_the_loader_parses_with_libyaml_when_pyyaml_has_it():
    import yaml

    from eisops.manifest.loader import _Loader
    if not getattr(yaml, "__with_libyaml__", False):
        pytest.skip("this PyYAML was built without libyaml")
    from yaml.cyaml import CParser
    assert issubclass(_Loader, CParser)


def test_valid_manifests_are_read_without_working_out_positions(tmp_path):
    directory = write_manifests(tmp_path / "m", {"p.yaml": "kind: IngestPipeline\nname: p\nspec: {processors: []}\n"})
    manifest = load_manifests([str(directory)])
    assert all(r.document._locations is None for r in manifest.resources)
    # Asked for, the place is exact.
    assert manifest.resources[0].location(("processors",)).line == 3
    assert manifest.resources[0].location(("processors",)).column == 8


@pytest.mark.parametrize("text, path, line, column", [
    ("kind: A\nname: x\nspec:\n  settings:\n    number_of_shards: 1\n", ("spec", "settings", "number_of_shards"), 5, 5),
    ("kind: A\nspec:\n  processors:\n    - set: {field: a}\n    - remove: {field: b}\n", ("spec", "processors", 1), 5, 7),
    ("a: 1\n---\nkind: A\nname: y\n", ("name",), 4, 1),
    ("kind: A\nspec: {x: [1, {y: 2}]}\n", ("spec", "x", 1, "y"), 2, 16),
    ("kind: A\nspec: {x: 1}\n", ("spec", "x", "deeper", 3), 2, 8),  # falls back to the nearest place
])
def test_positions_are_worked_out_when_asked(text, path, line, column):
    from eisops.manifest.loader import load_text
    documents, problems = load_text(text, "m.yaml")
    assert not problems
    loc = documents[-1].location(path)
    assert (loc.file, loc.line, loc.column) == ("m.yaml", line, column)


def test_merge_keys_and_aliases_give_independent_plain_values():
    from eisops.manifest.loader import load_text
    documents, problems = load_text("base: &b {a: 1, list: [1]}\nthis:\n  <<: *b\n  a: 2\nthat: *b\n", "m.yaml")
    assert not problems
    data = documents[0].data
    assert data["this"] == {"a": 2, "list": [1]} and data["that"] == {"a": 1, "list": [1]}
    data["that"]["list"].append(2)  # no two places share one object
    assert data["base"]["list"] == [1] and data["this"]["list"] == [1]
    assert documents[0].location(("this", "list")).line == 3  # a merged key stands at its <<


def test_the_documents_before_a_yaml_error_are_checked_too(tmp_path):
    directory = write_manifests(tmp_path / "m", {"m.yaml": "kind: Nope\nname: x\nspec: {}\n---\nkind: [\n"})
    with pytest.raises(ManifestError) as info:
        load_manifests([str(directory)])
    rendered = [d.render() for d in info.value.diagnostics]
    assert any(":1:1: Nope x: unknown kind 'Nope'" in r for r in rendered), rendered
    assert any(":6:1: invalid YAML" in r for r in rendered), rendered


def test_a_name_of_thousands_of_characters_is_shown_by_its_start(tmp_path):
    directory = write_manifests(tmp_path / "m", {"m.yaml": f"kind: Index\nname: {'a' * 5000}\nspec: {{}}\n"})
    with pytest.raises(ManifestError) as info:
        load_manifests([str(directory)])
    rendered = info.value.diagnostics[0].render()
    assert "index name is too long" in rendered and "characters)" in rendered and len(rendered) < 600


def test_a_text_read_again_is_read_as_the_first_time_whatever_its_form():
    """The loader remembers what each plain text resolved to; quoting, tags and the other
    documents of the file must still decide each value on its own."""
    from eisops.manifest.loader import load_text
    text = ("a: [1, '1', !!str 1, 1, 1.0, 1e3, true, 'true', True, null, '', ~, 0x1F, 0o17, 017, on, yes]\n"
            "---\n"
            "b: [1, 1.0, true, null, .inf_text, 9223372036854775807, 9223372036854775808]\n")
    documents, problems = load_text(text, "m.yaml")
    assert not problems
    a = documents[0].data["a"]
    assert [(type(v).__name__, v) for v in a] == [
        ("int", 1), ("str", "1"), ("str", "1"), ("int", 1), ("float", 1.0), ("float", 1000.0), ("bool", True),
        ("str", "true"), ("bool", True), ("NoneType", None), ("str", ""), ("NoneType", None), ("int", 31),
        ("int", 15), ("int", 17), ("str", "on"), ("str", "yes")]  # YAML 1.2 core schema: 017 is decimal
    b = documents[1].data["b"]
    assert [(type(v).__name__, v) for v in b] == [
        ("int", 1), ("float", 1.0), ("bool", True), ("NoneType", None), ("str", ".inf_text"),
        ("int", 9223372036854775807), ("int", 9223372036854775808)]
    a.append(2)
    assert documents[1].data["b"][0] == 1  # one list each: only immutable values are shared
