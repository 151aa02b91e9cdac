"""The manifests a benchmark plans: N resources spread over the five kinds.

Resource ``i`` (0-based) is of kind ``KINDS[i % 5]`` and belongs to group ``i // 5``; the
resources of one group reference each other as a real setup would (the index template is
composed of the group's component template, the index's ``semantic_text`` field is embedded by
the group's inference endpoint, and the index's default pipeline is the group's pipeline), and
a reference to an object of a group that N cuts short is left out, so every manifest set
validates. N counts resources, not groups.
"""

from __future__ import annotations

from pathlib import Path

PROJECT = "bench"
KINDS = ("InferenceEndpoint", "IngestPipeline", "ComponentTemplate", "IndexTemplate", "Index")
MODEL = "jina-embeddings-v5-text-nano"


def name(group: int) -> str:
    return f"bench-{group:05d}"


def document(i: int, size: int) -> str:
    kind, group = KINDS[i % len(KINDS)], i // len(KINDS)
    n = name(group)

    def has(other: str) -> bool:  # the group's object of kind ``other`` is among the ``size``
        return group * len(KINDS) + KINDS.index(other) < size

    if kind == "InferenceEndpoint":
        return (f"kind: InferenceEndpoint\nname: {n}\ntask_type: text_embedding\n"
                f"spec: {{service: elastic, service_settings: {{model_id: {MODEL}}}}}\n")
    if kind == "IngestPipeline":
        return (f"kind: IngestPipeline\nname: {n}\nspec: {{description: pipeline {group}, processors: "
                f"[{{set: {{field: group, value: {group}}}}}, {{lowercase: {{field: title, ignore_missing: true}}}}]}}\n")
    if kind == "ComponentTemplate":
        return (f"kind: ComponentTemplate\nname: {n}\nspec: {{template: {{settings: {{number_of_shards: 1}}, "
                f"mappings: {{properties: {{title: {{type: text}}, g{group}: {{type: keyword}}}}}}}}}}\n")
    if kind == "IndexTemplate":
        composed = f", composed_of: [{n}]" if has("ComponentTemplate") else ""
        return (f"kind: IndexTemplate\nname: {n}\nspec: {{index_patterns: [{n}-*], priority: {group}{composed}, "
                f"template: {{settings: {{number_of_replicas: 0}}}}}}\n")
    settings = "number_of_replicas: 0, refresh_interval: 5s"
    if has("IngestPipeline"):
        settings += f", default_pipeline: {n}"
    fields = "title: {type: text}, category: {type: keyword}"
    if has("InferenceEndpoint"):
        fields += f", content: {{type: semantic_text, inference_id: {n}}}"
    return f"kind: Index\nname: {n}\nspec: {{settings: {{{settings}}}, mappings: {{properties: {{{fields}}}}}}}\n"


def documents(size: int) -> str:
    return "---\n".join(document(i, size) for i in range(size))


def write_project(directory: Path, size: int) -> Path:
    """A project of ``size`` resources in ``directory`` (its ``eisops.yaml`` and one manifest file
    per kind), returned."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "eisops.yaml").write_text(f"project: {PROJECT}\n", encoding="utf-8")
    for k, kind in enumerate(KINDS):
        docs = [document(i, size) for i in range(k, size, len(KINDS))]
        (directory / f"{k}-{kind.lower()}.yaml").write_text("---\n".join(docs), encoding="utf-8")
    return directory
